"""The state table's later additions: return visits for reporters without an account, rounds of
agencies after a reopening, a whistle's report pressed once, and the notices these moves send."""
import pytest
from django.test.utils import CaptureQueriesContext
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import translation

from gongzhi.cases import rates, workflow
from gongzhi.cases.models import CaseRating, Channel, Rating, Status
from gongzhi.core.models import Notice
from tests.conftest import make_user, refused
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)
from gongzhi.people.models import Role


def anonymous_report(w):
    return report(w, reporter=None, recorded_by=w.worker_a, channel=Channel.HOTLINE, contact_phone="13800001111")


def notices_about(case, user):
    return list(Notice.objects.filter(user=user, object_id=case.pk, content_type__model="case"))


def test_every_move_declares_where_it_may_leave_the_case():
    for name, m in workflow.MOVES.items():
        assert m.targets or name in ("urge", "supervise"), name
        assert set(m.targets) <= set(Status.values), name


def test_a_case_without_a_reporter_account_is_rated_by_a_return_visit_on_the_reporters_behalf(cw):
    case = move(anonymous_report(cw), "solve_on_spot", cw.worker_a, note="已修好")
    assert "rate" not in workflow.allowed_moves(case, cw.worker_a)
    assert "return_visit" in workflow.allowed_moves(case, cw.worker_a)
    case = move(case, "return_visit", cw.worker_a, rating=Rating.SATISFIED, solved=True, comment="电话回访：满意")
    assert case.status == Status.RATED and case.rating == Rating.SATISFIED
    rating = CaseRating.objects.get(case=case)
    assert rating.on_behalf and rating.rated_by == cw.worker_a
    assert case.timeline.get(move="return_visit").details["on_behalf"] is True


def test_return_visits_count_in_the_rates(cw):
    case = move(anonymous_report(cw), "solve_on_spot", cw.worker_a, note="已修好")
    move(case, "return_visit", cw.worker_a, rating=Rating.SATISFIED, solved=True)
    rates.refresh_for_case(case)
    ranked, total = rates.visible_ranking(cw.secretary, "grid")
    assert total.total == 1 and total.satisfied == 1


def test_a_reporter_with_an_account_rates_for_themselves_and_gets_no_return_visit(cw):
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="已修好")
    assert "return_visit" not in workflow.allowed_moves(case, cw.worker_a)
    with refused("rates the case themselves"):
        move(case, "return_visit", cw.worker_a, rating=Rating.SATISFIED, solved=True)


def test_a_resident_cannot_record_a_return_visit(cw):
    case = move(anonymous_report(cw), "solve_on_spot", cw.worker_a, note="已修好")
    with pytest.raises(workflow.CaseNotFound):
        move(case, "return_visit", cw.reporter, rating=Rating.SATISFIED, solved=True)


def test_the_system_move_that_closes_merged_reports_cannot_be_made_by_hand(cw):
    main, dup = report(cw), report(cw)
    move(dup, "merge", cw.worker_a, main_case=main)
    with refused("Unknown move"):
        move(dup, "close_with_main", cw.worker_a)


def test_a_whistled_agency_reports_once_and_not_after_feeding_back(cw):
    case = move(report(cw), "whistle", cw.worker_a, agencies=cw.agencies[:2])
    move(case, "report", cw.clerks[0])
    assert "report" not in workflow.allowed_moves(case, cw.clerks[0])
    with refused("does not allow"):
        move(case, "report", cw.clerks[0])
    move(case, "feed_back", cw.clerks[1], note="已处理")
    with refused("does not allow"):
        move(case, "report", cw.clerks[1])
    assert case.timeline.filter(move="report").count() == 1


def test_the_grid_worker_is_asked_to_verify_only_when_the_last_summoned_agency_fed_back(cw, django_capture_on_commit_callbacks):
    case = move(report(cw), "whistle", cw.worker_a, agencies=cw.agencies[:3])
    with django_capture_on_commit_callbacks(execute=True):
        move(case, "feed_back", cw.clerks[0], note="已处理")
    with translation.override("en"):
        first = [n.message for n in notices_about(case, cw.worker_a)]
    assert any("still waiting" in m for m in first) and not any("please verify" in m for m in first)
    with django_capture_on_commit_callbacks(execute=True):
        move(case, "feed_back", cw.clerks[1], note="已处理")
        case = move(case, "feed_back", cw.clerks[2], note="已处理")
    assert case.status == Status.FED_BACK
    with translation.override("en"):
        assert any("please verify" in n.message for n in notices_about(case, cw.worker_a))


def test_a_reopened_case_starts_a_new_round_of_agencies(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[0])
    move(case, "accept", cw.clerks[0])
    move(case, "feed_back", cw.clerks[0], note="已处理")
    move(case, "verify", cw.worker_a)
    move(case, "rate", cw.reporter, rating=Rating.UNSATISFIED, solved=False)
    case = move(case, "reopen", cw.reporter, note="还是坏的")
    assert list(workflow.current_links(case)) == []
    # The same agency again, in the new round: one link per round, the old one fed back in round 0.
    case = move(case, "dispatch", cw.worker_a, agency=cw.agencies[0])
    assert [(l.round, l.fed_back_at is None) for l in case.agency_links.order_by("round")] == [(0, False), (1, True)]
    assert "accept" in workflow.allowed_moves(case, cw.clerks[0])


def test_when_the_reopen_limit_is_reached_the_reason_is_given(cw, settings):
    settings.CASE_MAX_REOPENS = 0
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="好了")
    case = move(case, "rate", cw.reporter, rating=Rating.UNSATISFIED, solved=False)
    assert workflow.reopen_refusal(case)
    with refused("as often as the rules allow"):
        move(case, "reopen", cw.reporter, note="还是坏的")


def test_notices_are_read_in_the_readers_language(cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cw)
    notice = notices_about(case, cw.worker_a)[0]
    with translation.override("en"):
        assert notice.message.startswith("New problem")
    with translation.override("zh-hans"):
        assert "新" in notice.message or "问题" in notice.message


def test_an_announced_move_is_noticed_once_even_if_the_outbox_is_drained_twice(cw, django_capture_on_commit_callbacks):
    from gongzhi.core import outbox
    from gongzhi.core.models import OutboxMessage

    cw.worker_a.email = "worker-a@example.cn"
    cw.worker_a.save()
    case = report(cw)  # the after-commit delivery is not run here: the minute job must do it
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
    outbox.drain()
    outbox.drain()
    from django.core import mail

    assert len(notices_about(case, cw.worker_a)) == 1
    assert len(mail.outbox) == 1


def test_a_message_claimed_by_one_worker_is_not_carried_out_by_another(cw):
    from django.utils import timezone

    from gongzhi.core import outbox
    from gongzhi.core.models import OutboxMessage

    report(cw)
    message = OutboxMessage.objects.get(kind="cases.announce")
    assert outbox._claim(message.pk, timezone.now())
    assert outbox._claim(message.pk, timezone.now()) is None  # the other job sees it taken
    outbox.drain()  # other messages of the intake (the cockpit's tally recount) may go out
    message.refresh_from_db()
    assert message.delivered_at is None and message.attempts == 0  # claimed, never carried out


def test_the_minute_job_makes_the_same_number_of_queries_for_5_or_40_overdue_cases(cw):
    import datetime

    from gongzhi.cases import deadlines
    from gongzhi.core.models import TickMark

    make_user("street", Role.STREET_ADMIN, [cw.street])
    when = None

    def count():
        # Reads are counted exactly; inserts are bulk, split only by the database's parameter limit.
        ContentType.objects.clear_cache()  # both runs look up the notices' content type once
        TickMark.objects.all().delete()    # both are the hour's full pass (decision 91), the most it reads
        with CaptureQueriesContext(connection) as queries:
            deadlines.run(when)
        inserts = [q for q in queries if q["sql"].startswith("INSERT") and "core_tickmark" not in q["sql"]]
        assert len(inserts) <= 3
        return len(queries) - len(inserts)

    cases = [report(cw) for _ in range(5)]
    when = max(c.resolve_by for c in cases) + datetime.timedelta(days=1, hours=1)
    first = count()
    for _ in range(35):
        report(cw, now=cases[0].created_at)
    Notice.objects.all().delete()
    assert count() == first
