"""Notices about any object: who hears of an event, once, in app and by mail.

An app announces an event about one of its objects to a set of people
(``notify``); each (person, event key) is stored once, however often the
event is announced, and each new notice is mailed once through the outbox.
The text is the owning app's template (GongzhiAppConfig.notices) filled with
the notice's params when it is read, so it follows the reader's language.
"""
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from . import outbox, plugins
from .models import Notice


class _Params(dict):
    """A notice's params; one a newer wording asks for but an older notice lacks reads as "…"."""

    def __missing__(self, key):
        return "…"


def render(event, params):
    template = plugins.notice_messages().get(event)
    if template is None:
        return event
    try:
        params = _Params(params or {})
        return str(template(params) if callable(template) else template % params)
    except (TypeError, ValueError):  # params of another shape than the wording expects
        return str(event)


def notify(target, event, event_key, user_ids, params=None):
    """Give each of ``user_ids`` the notice ``event`` about ``target`` once; returns how many were new.

    Call it outside a request (after commit, or from the minute job): it writes and enqueues mail.
    """
    user_ids = set(user_ids)
    if not user_ids:
        return 0
    already = set(Notice.objects.filter(event_key=event_key, user_id__in=user_ids).values_list("user_id", flat=True))
    new_ids = sorted(user_ids - already)
    if not new_ids:
        return 0
    content_type = ContentType.objects.get_for_model(target)
    # One transaction for the notices and their mail messages, and mail only for readers with an
    # address (as notify_many): a move's notices ran three commits and a message per reader that
    # its handler then dropped, in the request of every move.
    with transaction.atomic():
        Notice.objects.bulk_create(
            [Notice(user_id=u, content_type=content_type, object_id=target.pk, event=event, event_key=event_key,
                    params=params or {}) for u in new_ids],
            ignore_conflicts=True,
        )
        mailed = Notice.objects.filter(event_key=event_key, user_id__in=new_ids, emailed_at__isnull=True,
                                       user__email__gt="").values_list("pk", flat=True)
        for notice_id in mailed:
            outbox.enqueue("core.mail_notice", f"mail:notice:{notice_id}", {"notice": notice_id})
    return len(new_ids)


def notify_many(items):
    """Bulk form for the minute job: items are (target, event, event_key, user_ids, params).

    A bounded number of queries per call, however many items: one lookup of what was
    already sent, one insert, one read-back and one outbox insert.
    """
    wanted = {}
    for target, event, event_key, user_ids, params in items:
        for user_id in user_ids:
            wanted[(user_id, event_key)] = (target, event, params)
    if not wanted:
        return 0
    keys = {key for _u, key in wanted}
    sent = set(Notice.objects.filter(event_key__in=keys).values_list("user_id", "event_key"))
    fresh = [(pair, value) for pair, value in wanted.items() if pair not in sent]
    if not fresh:
        return 0
    types = {}
    rows = []
    for (user_id, event_key), (target, event, params) in fresh:
        model = type(target)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(Notice(user_id=user_id, content_type=types[model], object_id=target.pk, event=event,
                           event_key=event_key, params=params or {}))
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    fresh_keys = {key for (_u, key), _v in fresh}
    created = Notice.objects.filter(event_key__in=fresh_keys, emailed_at__isnull=True, user__email__gt="").values_list("pk", flat=True)
    from .models import OutboxMessage

    OutboxMessage.objects.bulk_create(
        [OutboxMessage(kind="core.mail_notice", dedupe_key=f"mail:notice:{pk}", payload={"notice": pk}) for pk in created],
        ignore_conflicts=True, batch_size=1000,
    )
    return len(fresh)


@outbox.handler("core.mail_notice")
def mail_notice(payload):
    """Mail one notice to its reader, in the site's language (mail has no reader's session).

    The subject and text name the object's number and title only: no personal data in mail.
    """
    notice = Notice.objects.select_related("user").filter(pk=payload["notice"], emailed_at__isnull=True).first()
    if notice is None or not notice.user.email:
        return
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        text = notice.message
    subject = f"[共治] {notice.params.get('number') or text[:40]}"
    send_mail(subject, text, None, [notice.user.email], fail_silently=False)
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
