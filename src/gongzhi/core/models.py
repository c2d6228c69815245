"""Core's own tables: infrastructure that no domain app owns."""
from django.db import models
from django.db.models import Q

from gongzhi.core.querysets import ScopedQuerySet


class RateCounterQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Counters are the machinery of the rate limits, not anybody's records: nobody's scope holds them.
        return Q(pk__in=[])


class RateCounter(models.Model):
    """How many requests one rate-limited key made in one fixed window.

    Used instead of the cache when the cache is the database (db://): Django's
    DatabaseCache.incr reads and then writes, so two server processes lose
    counts; here one ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1``
    counts atomically on SQLite and PostgreSQL (see core/ratelimit.py, decision 26).
    """

    key = models.CharField(max_length=200)  # scope:identity:period, e.g. intake-anon:2001:db8::/64:3600
    window = models.BigIntegerField()  # epoch seconds // period
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # epoch seconds; later rows are deleted

    objects = RateCounterQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")]

    def __str__(self):
        return f"{self.key} @{self.window}: {self.count}"
