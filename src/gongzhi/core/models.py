"""Infrastructure every app shares: notices that point at any object, and the outbox.

Core names no domain app: a notice points at its object through Django's
content types, and its text comes from the app that owns the event
(GongzhiAppConfig.notices), rendered in the reader's language when read.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from .querysets import ScopedQuerySet


class NoticeQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(user=user)  # a notice is its reader's alone

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """An in-app notice about any object; (user, event_key) is unique, so each event
    reaches each person once however often it is announced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # "<app label>.<event>", e.g. "cases.overdue": the owning app's message for it.
    event = models.CharField(max_length=80)
    event_key = models.CharField(max_length=120)
    # What the message needs (a case number, a title...): no personal data.
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "event_key"], name="notice_once_per_event")]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notice_inbox"),
            models.Index(fields=["content_type", "object_id"], name="notice_target"),
        ]

    def __str__(self):
        return self.message

    @property
    def message(self):
        """The notice in the active language (each reader sees their own)."""
        from .notices import render

        return render(self.event, self.params)


class OutboxQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(pk__in=[])  # machinery, not records: nobody browses it (superusers excepted)


class OutboxMessage(models.Model):
    """A side effect (a notice to work out, a mail, a roll-up refresh) written in the same
    transaction as the change that causes it, and carried out after commit exactly once:
    ``dedupe_key`` is unique, and a worker must claim a message before it acts."""

    kind = models.CharField(max_length=60)
    dedupe_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbox_pending")]

    def __str__(self):
        return f"{self.kind} {self.dedupe_key}"


class RateCounterQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Counters are the machinery of the rate limits, not anybody's records: nobody's scope holds them.
        return Q(pk__in=[])


class RateCounter(models.Model):
    """How many requests one rate-limited key made in one fixed window.

    Used instead of the cache when the cache is the database (db://): Django's
    DatabaseCache.incr reads and then writes, so two server processes lose
    counts; here one ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1``
    counts atomically on SQLite and PostgreSQL (see core/ratelimit.py, decision 27).
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


class TickMarkQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The minute job's bookkeeping, not anybody's records.
        return Q(pk__in=[])


class TickMark(models.Model):
    """When a tick step last did a piece of work (core.tick.last_mark / mark): the start of the
    next incremental window, or the day of the last full recount."""

    name = models.CharField(max_length=60, primary_key=True)
    at = models.DateTimeField()

    objects = TickMarkQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
