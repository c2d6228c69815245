from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class PeopleConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.people"
    verbose_name = _("People and roles")
    api_router = "gongzhi.people.api.router"
    figures = "gongzhi.people.figures.FIGURES"
    demo_steps = ((30, "gongzhi.people.demo.build_agencies"), (50, "gongzhi.people.demo.build_accounts"))
