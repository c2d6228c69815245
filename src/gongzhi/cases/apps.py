from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class CasesConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.cases"
    verbose_name = _("Residents' problems")
    url_prefix = "cases/"
    more_urls = (("open311/v2/", "gongzhi.cases.open311"),)  # Open311 GeoReport v2, the civic standard
    api_router = "gongzhi.cases.api.router"
    figures = "gongzhi.cases.figures.FIGURES"
    tick_steps = ("gongzhi.cases.deadlines.run", "gongzhi.cases.rates.refresh_recent", "gongzhi.cases.routing.train_step",
                  "gongzhi.cases.vectors.refresh_step",
                  "gongzhi.cases.drafts.forget_stale")
    demo_steps = ((60, "gongzhi.cases.demo.build"),)
    menu = "gongzhi.cases.menu.MENU"
    cockpit = "gongzhi.cases.cockpit.PARTS"
    exports = "gongzhi.cases.exports.EXPORTS"
    notices = "gongzhi.cases.notify.MESSAGES"
    outbox_handlers = {"cases.announce": "gongzhi.cases.notify.on_move", "cases.refresh_rates": "gongzhi.cases.rates.on_rated"}

    def ready(self):
        from . import signals  # noqa: F401  (cases follow their grid when territory codes change)
