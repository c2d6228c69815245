from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class TerritoryConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.territory"
    verbose_name = _("Territory")
    url_prefix = "territory/"
    api_router = "gongzhi.territory.api.router"
    figures = "gongzhi.territory.figures.FIGURES"
    demo_steps = ((10, "gongzhi.territory.demo.build_territory"), (20, "gongzhi.territory.demo.build_estates"))
    menu = "gongzhi.territory.menu.MENU"
