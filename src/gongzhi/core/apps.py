from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
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


def check_database_counter(app_configs=None, **kwargs):
    """The db:// rate-limit counter's upsert needs SQLite 3.35 (RETURNING); Django itself needs only 3.31."""
    import sqlite3

    from django.conf import settings
    from django.db import connections

    uses_db_cache = settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    if uses_db_cache and connections["default"].vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return [checks.Error(
            f"GONGZHI_CACHE_URL=db:// counts rate limits with INSERT ... ON CONFLICT ... RETURNING, "
            f"which needs SQLite 3.35 or later; this Python has SQLite {sqlite3.sqlite_version}.",
            hint="Use PostgreSQL, a newer SQLite, or GONGZHI_CACHE_URL=redis://.", id="gongzhi.E001",
        )]
    return []


def check_shared_cache(app_configs=None, **kwargs):
    """In production, a per-process cache makes every gunicorn worker count its own rate limits."""
    from django.conf import settings

    if settings.PRODUCTION and settings.CACHES["default"]["BACKEND"].endswith("locmem.LocMemCache"):
        return [checks.Warning(
            "GONGZHI_CACHE_URL is local memory: each server process counts rate limits on its own.",
            hint="Set GONGZHI_CACHE_URL=db://gongzhi_cache (then gongzhi migrate) or redis://host:port/db.",
            id="gongzhi.W001",
        )]
    return []


class CoreConfig(AppConfig):
    default = True
    name = "gongzhi.core"
    verbose_name = _("Core")

    def ready(self):
        from . import notices  # noqa: F401  (registers core's outbox handlers)
        checks.register(check_database_counter, checks.Tags.caches)
        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="gongzhi.core.create_cache_tables")


class GongzhiAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "gongzhi.core.admin.GongzhiAdminSite"
