from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class PartyConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.party"
    verbose_name = _("Party organizations")
    url_prefix = "party/"
    api_router = "gongzhi.party.api.router"
    api_prefix = "/party"
    figures = "gongzhi.party.figures.FIGURES"
    demo_steps = ((40, "gongzhi.party.demo.build_party"), (55, "gongzhi.party.demo.build_instructors"))
    menu = "gongzhi.party.menu.MENU"
    importers = "gongzhi.party.importers.IMPORTERS"
