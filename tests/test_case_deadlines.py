"""Deadlines with frozen time, reminders, escalation, and one notice per event per person."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from gongzhi.cases import deadlines, workflow
from gongzhi.core.models import Notice
from gongzhi.people.models import Role
from tests.conftest import make_user
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def dw(cw):
    cw.street_admin = make_user("street-admin", Role.STREET_ADMIN, [cw.street])
    cw.district_admin = make_user("district-admin", Role.DISTRICT_ADMIN, [cw.district])
    cw.worker_a.email = "worker-a@example.cn"
    cw.worker_a.save()
    return cw


def notices(user, case=None):
    found = Notice.objects.filter(user=user)
    if case is not None:
        found = found.filter(object_id=case.pk, content_type__model="case")
    return [n.message for n in found]


def test_a_new_report_reaches_the_grid_worker_once_in_app_and_by_email(dw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(dw, now=T0)
    assert len(notices(dw.worker_a, case=case)) == 1
    assert notices(dw.worker_b, case=case) == []
    assert len(mail.outbox) == 1 and case.number in mail.outbox[0].subject


def test_dispatch_notifies_the_agency_clerk_and_not_the_others(dw, django_capture_on_commit_callbacks):
    case = report(dw, now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case.pk, "dispatch", dw.worker_a, agency=dw.agencies[0])
    assert len(notices(dw.clerks[0], case=case)) == 1
    assert notices(dw.clerks[1], case=case) == []


def test_announcing_the_same_event_twice_notifies_nobody_twice(dw, django_capture_on_commit_callbacks):
    from gongzhi.core import notices as core_notices

    case = report(dw, now=T0)
    assert core_notices.notify(case, "cases.urge", "k1", {dw.worker_a.pk}, {"number": case.number}) == 1
    assert core_notices.notify(case, "cases.urge", "k1", {dw.worker_a.pk}, {"number": case.number}) == 0
    assert Notice.objects.filter(event_key="k1").count() == 1


def test_nothing_is_sent_while_there_is_time(dw):
    report(dw, now=T0)  # 设施设备/健身器材损坏: 7 days to resolve
    assert deadlines.run(T0 + datetime.timedelta(hours=1)) == {"deadline_near": 0, "overdue": 0, "whistle_unreported": 0}


def test_a_reminder_comes_once_when_a_fifth_of_the_time_is_left(dw):
    case = report(dw, now=T0)
    near = case.resolve_by - datetime.timedelta(hours=30)
    assert deadlines.run(near)["deadline_near"] == 1
    assert deadlines.run(near + datetime.timedelta(minutes=1))["deadline_near"] == 0
    assert len(notices(dw.worker_a, case=case)) == 1


def test_overdue_work_rises_from_community_to_street_to_district(dw):
    case = report(dw, now=T0)
    due = case.resolve_by
    deadlines.run(due + datetime.timedelta(minutes=1))
    assert len(notices(dw.secretary, case=case)) == 1
    assert notices(dw.street_admin, case=case) == []
    deadlines.run(due + datetime.timedelta(days=1, minutes=1))
    assert len(notices(dw.street_admin, case=case)) == 1
    assert notices(dw.district_admin, case=case) == []
    deadlines.run(due + datetime.timedelta(days=3, minutes=1))
    deadlines.run(due + datetime.timedelta(days=3, minutes=2))
    assert len(notices(dw.district_admin, case=case)) == 1
    assert len(notices(dw.secretary, case=case)) == 1


def test_a_closed_case_is_never_overdue(dw):
    case = report(dw, now=T0)
    workflow.perform(case.pk, "solve_on_spot", dw.worker_a, note="已处理")
    assert deadlines.run(case.resolve_by + datetime.timedelta(days=1))["overdue"] == 0


def test_an_agency_that_does_not_report_to_a_whistle_within_30_minutes_is_chased(dw):
    case = report(dw, now=T0)
    workflow.perform(case.pk, "whistle", dw.worker_a, agencies=dw.agencies[:2])
    workflow.perform(case.pk, "report", dw.clerks[0])
    link_deadline = case.agency_links.first().report_by
    assert deadlines.run(link_deadline - datetime.timedelta(minutes=1))["whistle_unreported"] == 0
    deadlines.run(link_deadline + datetime.timedelta(minutes=1))
    assert len(notices(dw.clerks[1], case=case)) == 1
    assert notices(dw.clerks[0], case=case) == []


def test_an_overdue_case_found_late_sends_one_notice_naming_every_level_it_reached(dw):
    case = report(dw, now=T0)
    deadlines.run(case.resolve_by + datetime.timedelta(days=3, minutes=1))  # community, street and district at once
    from django.utils import translation

    with translation.override("en"):
        mine = notices(dw.worker_a, case=case)
    assert len(mine) == 1
    assert "Community party secretary" in mine[0] and "Street admin" in mine[0] and "District / park admin" in mine[0]
    for person in (dw.secretary, dw.street_admin, dw.district_admin):
        assert len(notices(person, case=case)) == 1


def _remind_at(case):
    return case.resolve_by - (case.resolve_by - case.created_at) * deadlines.REMIND_WHEN_LEFT


def test_a_minute_reads_what_fell_due_since_the_last_and_the_hour_s_first_reads_everything(dw):
    from gongzhi.cases.models import Case

    case, moved = report(dw, now=T0), report(dw, now=T0)
    due = _remind_at(case)
    before, after = due - datetime.timedelta(minutes=1), due + datetime.timedelta(minutes=1)
    assert before.hour == after.hour, "both runs must fall in one hour for the second to be a windowed one"
    assert deadlines.run(before)["deadline_near"] == 0
    # A move sets the other case's deadline so that its reminder time lies well before the last
    # run (a recategorization to a shorter limit): the next minute's window does not see it...
    Case.objects.filter(pk=moved.pk).update(resolve_by=moved.resolve_by - datetime.timedelta(hours=12))
    assert deadlines.run(after)["deadline_near"] == 1      # the case whose reminder time just passed
    assert notices(dw.worker_a, case=moved) == []
    # ...and the first run of the next hour, a full pass, does.
    next_hour = after.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    assert deadlines.run(next_hour)["deadline_near"] == 1
    assert len(notices(dw.worker_a, case=moved)) == 1 and len(notices(dw.worker_a, case=case)) == 1


def test_a_minute_sees_an_escalation_time_pass_since_the_last(dw):
    case = report(dw, now=T0 + datetime.timedelta(minutes=30))   # its times at half past: one hour holds both runs
    street_from = case.resolve_by + datetime.timedelta(days=1)
    assert (street_from - datetime.timedelta(minutes=1)).hour == (street_from + datetime.timedelta(minutes=1)).hour
    deadlines.run(street_from - datetime.timedelta(minutes=1))        # a full pass: the community's level
    assert len(notices(dw.secretary, case=case)) == 1 and notices(dw.street_admin, case=case) == []
    assert deadlines.run(street_from + datetime.timedelta(minutes=1))["overdue"] == 1   # windowed: the street's
    assert len(notices(dw.street_admin, case=case)) == 1 and len(notices(dw.secretary, case=case)) == 1


def test_a_move_that_brings_someone_after_the_reminder_time_has_them_told_at_once(dw, django_capture_on_commit_callbacks):
    # The reminder went to the grid worker; the case is dispatched afterwards: the agency's clerk
    # is told by the move itself, not left for a window that will never see the case again.
    case = report(dw, now=timezone.now() - datetime.timedelta(days=6))     # 7 days to resolve: a day left
    deadlines.run()
    assert len([n for n in notices(dw.worker_a, case=case)]) >= 1
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case.pk, "dispatch", dw.worker_a, agency=dw.agencies[0])
    near = Notice.objects.filter(user=dw.clerks[0], object_id=case.pk, event="cases.deadline_near")
    assert near.count() == 1


def test_check_case_sends_what_is_due_for_one_case_whatever_the_window(dw):
    case = report(dw, now=T0)
    deadlines.run(T0 + datetime.timedelta(minutes=5))           # a full pass, then a window from here
    from gongzhi.cases.models import Case

    # The deadline moved behind the window (a recategorization to a limit already past).
    Case.objects.filter(pk=case.pk).update(resolve_by=T0 + datetime.timedelta(minutes=1))
    assert deadlines.run(T0 + datetime.timedelta(minutes=6))["overdue"] == 0
    assert deadlines.check_case(case.pk, now=T0 + datetime.timedelta(minutes=6))["overdue"] >= 1
