from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class DashboardConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.dashboard"
    verbose_name = _("Dashboard")
    url_prefix = ""
    api_router = "gongzhi.dashboard.api.router"
    menu = "gongzhi.dashboard.menu.MENU"
    tick_steps = ("gongzhi.dashboard.tallies.refresh_recent",)
    demo_steps = ((98, "gongzhi.dashboard.tallies.demo_step"),)
    outbox_handlers = {"cockpit.tally": "gongzhi.dashboard.tallies.on_move"}
