from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class ApiConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.api"
    verbose_name = _("Machine interfaces")
    url_prefix = ""
    menu = "gongzhi.api.menu.MENU"
    # Idempotency keys are forgotten after GONGZHI_IDEMPOTENCY_HOURS (docs/decisions.md 29).
    tick_steps = ("gongzhi.api.idempotency.delete_expired",)
