"""Personal API tokens and the record that makes case creation idempotent."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet


class ApiTokenQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(user=user)  # a token is its owner's alone


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("the token's first characters, to recognise it"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(user=user)


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an Idempotency-Key, replayed for retries of the same
    request until it expires (GONGZHI_IDEMPOTENCY_HOURS); see gongzhi.api.idempotency."""

    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)  # a longer key is refused, never cut (two keys would become one)
    endpoint = models.CharField(max_length=200)
    # SHA-256 of the request's validated body: the same key with another body is refused.
    # Empty on records written before it was stored; they replay without the check.
    request_hash = models.CharField(max_length=64, blank=True, default="")
    # A random token of the request that inserted the row: after INSERT … ON CONFLICT DO NOTHING
    # it tells that request whether the key is its own or another's.
    claim = models.CharField(max_length=32, blank=True, default="")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # expiry deletes by age

    objects = IdempotencyRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key", "endpoint"], name="idempotency_once")]
