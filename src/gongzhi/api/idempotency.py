"""Idempotency-Key for POSTs that create something (today ``POST /api/v1/cases``).

A hotline system that retries after a timeout must not file a case twice. The
first request with a key stores its answer; a retry with the same key and the
same body gets that answer again (docs/decisions.md 17 and 29):

- the key is at most 100 characters; a longer one is refused (400), never cut,
  so that two different keys cannot become one;
- the same key with a different body is refused (422): it is a client's bug,
  and silently answering with another request's case would hide it;
- a key is remembered for ``IDEMPOTENCY_HOURS`` (GONGZHI_IDEMPOTENCY_HOURS,
  default 24); after that it is free again, and the tick deletes old records;
- two requests with one key at the same moment: the first takes the key with
  ``INSERT … ON CONFLICT DO NOTHING`` inside the transaction that creates the
  case; the second's insert waits for that transaction (PostgreSQL) or for the
  write lock (SQLite), then finds the finished record and replays it. No
  request runs into the unique constraint, so no failed INSERT carrying the
  case's text is written to the database server's log.
"""
import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_text

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = IdempotencyRecord._meta.get_field("key").max_length
PENDING = 0  # the status of a record whose request is still running (seen only by that request)


class KeyReused(DomainError):
    """The key was already used with a different request body."""

    http_status = 422


def lifetime():
    return datetime.timedelta(hours=settings.IDEMPOTENCY_HOURS)


def clean_key(value):
    """The Idempotency-Key header's value, checked, or "" when there is none."""
    return clean_text(value, field=HEADER, label=HEADER, max_length=KEY_MAX_LENGTH)


def fingerprint(payload):
    """SHA-256 of the validated body, in a canonical form (key order and number spelling do not count)."""
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _live(user, key, endpoint, now):
    return IdempotencyRecord.objects.filter(user=user, key=key, endpoint=endpoint, created_at__gte=now - lifetime())


def _checked(record, request_hash):
    if record.request_hash and record.request_hash != request_hash:
        raise KeyReused(
            _("This Idempotency-Key was already used for a different request. Send the same request again "
              "to get its answer, or use a new key for a new request."),
            code="idempotency_key_reused", field=HEADER,
        )
    return record


def find(user, key, endpoint, request_hash, *, now=None):
    """The finished record of an earlier request with this key, or None; KeyReused if its body differed."""
    record = _live(user, key, endpoint, now or timezone.now()).exclude(status=PENDING).first()
    return _checked(record, request_hash) if record else None


def claim(user, key, endpoint, request_hash, *, now=None):
    """Take ``key`` for this request, inside the caller's transaction.

    Returns None when the key is now this request's (write the answer with
    ``finish`` in the same transaction), or the finished record of the request
    that took it first (KeyReused if its body differed).
    """
    now = now or timezone.now()
    # An expired record frees its key now, without waiting for the tick.
    IdempotencyRecord.objects.filter(user=user, key=key, endpoint=endpoint, created_at__lt=now - lifetime()).delete()
    token = uuid.uuid4().hex
    # ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): when another transaction holds the key,
    # this waits for it to end and then inserts nothing; no error, nothing in the server's log.
    IdempotencyRecord.objects.bulk_create([IdempotencyRecord(
        user=user, key=key, endpoint=endpoint, request_hash=request_hash, claim=token, status=PENDING, body={},
    )], ignore_conflicts=True)
    record = IdempotencyRecord.objects.get(user=user, key=key, endpoint=endpoint)
    if record.claim == token:
        return None
    return _checked(record, request_hash)


def finish(user, key, endpoint, status, body):
    """Store the answer of the request that claimed ``key`` (in the transaction of ``claim``)."""
    IdempotencyRecord.objects.filter(user=user, key=key, endpoint=endpoint).update(status=status, body=body)


def delete_expired(now):
    """Tick step: forget the keys older than IDEMPOTENCY_HOURS (one indexed DELETE)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - lifetime()).delete()
    return {"deleted": deleted}
