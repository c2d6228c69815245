"""core.notices.notify: each reader gets a move's notice once, and a mail message is queued only
for readers with an address (a reader without one costs no outbox message in the move's request)."""
from django.core import mail

from gongzhi.core import notices
from gongzhi.core.models import Notice, OutboxMessage
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def test_mail_is_queued_only_for_readers_with_an_address(cw, django_capture_on_commit_callbacks):  # noqa: F811
    case = report(cw)
    cw.worker_a.email = "worker-a@example.cn"
    cw.worker_a.save(update_fields=["email"])
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        made = notices.notify(case, "cases.register", "test:notices:1", {cw.worker_a.pk, cw.worker_b.pk}, {"number": "x"})
    assert made == 2
    assert set(Notice.objects.filter(event_key="test:notices:1").values_list("user_id", flat=True)) == \
        {cw.worker_a.pk, cw.worker_b.pk}
    assert OutboxMessage.objects.filter(kind="core.mail_notice").count() == 1
    assert [m.to for m in mail.outbox] == [["worker-a@example.cn"]]
    # Again: nobody is noticed or mailed twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.notify(case, "cases.register", "test:notices:1", {cw.worker_a.pk, cw.worker_b.pk}) == 0
    assert len(mail.outbox) == 1
