from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(using, verbosity=1, **kwargs):
    """`gongzhi migrate` also makes the table of a db:// cache (GONGZHI_CACHE_URL).

    Django's createcachetable is a separate command that is easy to forget; running
    it after every migrate (it skips tables that exist) means a deployment, and the
    tests' database, always have the table the settings name.
    """
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("db.DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class CoreConfig(AppConfig):
    default = True
    name = "gongzhi.core"
    verbose_name = _("Core")

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="gongzhi.core.create_cache_tables")


class GongzhiAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "gongzhi.core.admin.GongzhiAdminSite"
