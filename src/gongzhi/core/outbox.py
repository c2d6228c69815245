"""The outbox: side effects leave the request after commit, each exactly once.

``enqueue`` writes a message inside the caller's transaction (so it exists if
and only if the change committed) and asks for it to be carried out right
after commit; anything left over (a crash, a failing mail server) is carried
out by the minute job (``drain``, a tick step). A message is claimed with one
conditional UPDATE before it is acted on, so two overlapping minute jobs (or
a job and the after-commit hook) never both act on it. Handlers are declared
by the apps (GongzhiAppConfig.outbox_handlers) and must be idempotent within
their own effect (e.g. notices are unique per person and event).
"""
import datetime
import logging
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import plugins
from .models import OutboxMessage

log = logging.getLogger("gongzhi.outbox")
CLAIM_FOR = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 10
BATCH = 200

# Handlers that core itself provides (apps add theirs through their config).
CORE_HANDLERS = {}


def handler(kind):
    def register(func):
        CORE_HANDLERS[kind] = func
        return func
    return register


def handlers():
    return {**CORE_HANDLERS, **plugins.outbox_handlers()}


def enqueue(kind, dedupe_key, payload=None, *, deliver_after_commit=True):
    """Record a side effect in the current transaction; a second enqueue of the same key is a no-op."""
    if kind not in handlers():
        raise ValueError(f"No outbox handler for {kind!r}")
    created = OutboxMessage.objects.bulk_create(
        [OutboxMessage(kind=kind, dedupe_key=dedupe_key[:200], payload=payload or {})], ignore_conflicts=True,
    )
    if deliver_after_commit and created:
        transaction.on_commit(lambda: deliver_key(dedupe_key[:200]))


def _claim(message_id, now):
    token = secrets.token_hex(8)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    won = OutboxMessage.objects.filter(free, pk=message_id, delivered_at__isnull=True).update(
        claimed_until=now + CLAIM_FOR, claim=token)
    return token if won else None


def _carry_out(message, token, now):
    # The handler runs outside any transaction of ours: a mail server or image work must
    # never hold a database lock (on SQLite a write transaction blocks every other writer).
    try:
        handlers()[message.kind](message.payload)
    except Exception as error:  # the next minute retries, up to MAX_ATTEMPTS
        log.exception("outbox %s %s failed", message.kind, message.pk)
        OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
            claimed_until=now + datetime.timedelta(minutes=1), attempts=message.attempts + 1,
            last_error=type(error).__name__[:300])
        return False
    OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
        delivered_at=timezone.now(), claimed_until=None, attempts=message.attempts + 1, last_error="")
    return True


def deliver_key(dedupe_key, now=None):
    """Carry out one message now (after the commit that wrote it), if nobody else is."""
    now = now or timezone.now()
    message = OutboxMessage.objects.filter(dedupe_key=dedupe_key, delivered_at__isnull=True).first()
    if message is None:
        return False
    token = _claim(message.pk, now)
    return bool(token) and _carry_out(message, token, now)


def drain(now=None, limit=BATCH):
    """The tick step: carry out what is still pending, oldest first, a bounded batch per minute."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS,
    ).order_by("created_at", "pk")[:limit]
    done = 0
    for message in list(pending):
        token = _claim(message.pk, now)
        if token and _carry_out(message, token, now):
            done += 1
    return {"delivered": done}


def purge(now=None, keep=datetime.timedelta(days=30)):
    """Delivered messages are kept a month for tracing, then removed (a bounded delete)."""
    now = now or timezone.now()
    old = OutboxMessage.objects.filter(delivered_at__lt=now - keep).order_by("pk").values_list("pk", flat=True)[:5000]
    deleted, _ = OutboxMessage.objects.filter(pk__in=list(old)).delete()
    return {"purged": deleted}
