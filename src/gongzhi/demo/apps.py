from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class DemoConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.demo"
    verbose_name = _("Demo")
    demo_steps = ((58, "gongzhi.demo.builder.name_demo_logins"), (95, "gongzhi.demo.builder.open311_demo_client"))
    context = "gongzhi.demo.builder.page_context"
