from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "gongzhi.core"
    verbose_name = _("Core")

    def ready(self):
        from . import notices  # noqa: F401  (registers core's outbox handlers)


class GongzhiAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "gongzhi.core.admin.GongzhiAdminSite"
