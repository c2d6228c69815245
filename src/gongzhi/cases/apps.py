from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class CasesConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.cases"
    verbose_name = _("Residents' problems")
    url_prefix = "cases/"
    api_router = "gongzhi.cases.api.router"
    figures = "gongzhi.cases.figures.FIGURES"
    tick_steps = ("gongzhi.cases.deadlines.run", "gongzhi.cases.rates.refresh_recent", "gongzhi.cases.drafts.forget_stale")
    demo_steps = ((60, "gongzhi.cases.demo.build"),)
    menu = "gongzhi.cases.menu.MENU"
    context = "gongzhi.cases.views.page_context"

    def ready(self):
        from . import signals  # noqa: F401  (cases follow their grid when territory codes change)
