"""API tokens: created and revoked by their owner, stored hashed, shown once."""
import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field

from .models import ApiToken

TOKEN_PREFIX = "gz_"
# last_used_at is written at most this often, so reads stay reads.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def _hash(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def create_token(user, *, name, expires_in_days=None, now=None):
    """Return (token, plaintext). The plaintext exists only in this return value."""
    now = now or timezone.now()
    name = clean_field(ApiToken, "name", name)  # refused, not cut, when it does not fit (core.text)
    if not name:
        raise DomainError(_("Give the token a name, e.g. the system that will use it."), code="required", field="name")
    if expires_in_days is not None and not (1 <= int(expires_in_days) <= 3650):
        raise DomainError(_("A token expires after 1 to 3,650 days."), code="expiry", field="expires_in_days")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plaintext[:10], key_hash=_hash(plaintext),
        expires_at=now + datetime.timedelta(days=int(expires_in_days)) if expires_in_days else None,
    )
    return token, plaintext


def revoke_token(user, token_id, *, now=None):
    token = ApiToken.objects.visible_to(user).filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise DomainError(_("No such token."), code="not_found")
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def user_for_token(plaintext, *, now=None):
    """The active account behind a token, or None (unknown, revoked, expired, inactive)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(plaintext), revoked_at__isnull=True).first()
    if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
