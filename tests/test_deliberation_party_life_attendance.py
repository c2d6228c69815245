"""Recording a statutory meeting: scheduled, members marked present or absent (with a reason),
minutes, closed as held; study hours for those present."""
import datetime
from decimal import Decimal

import pytest

from gongzhi.deliberation.models import Attendance, MeetingFormat, MeetingStatus
from gongzhi.deliberation.services import party_life

from tests.conftest import refused
from tests.party_life_helpers import at, instructor_of, make_branch, meeting, secretary_account


@pytest.fixture
def branch(world):
    return make_branch(world)


@pytest.fixture
def secretary(branch):
    return secretary_account(branch, "branch-secretary")


def lesson(branch, day=datetime.date(2026, 3, 25)):
    return meeting(branch, day, "dangke", status=MeetingStatus.SCHEDULED)


def test_the_secretary_schedules_a_statutory_meeting_of_the_branch(branch, secretary):
    fmt = MeetingFormat.objects.get(code="zhibu-weiyuanhui")
    m = party_life.schedule_party_meeting(branch, format=fmt, starts_at=at(datetime.date(2026, 12, 5)), by=secretary)
    assert (m.organization, m.unit, m.format, m.status) == (branch, branch.unit, fmt, MeetingStatus.SCHEDULED)
    assert m.title == "2026年12月支部委员会"


def test_a_deliberation_format_or_a_format_of_another_kind_is_refused(branch, secretary):
    with refused("statutory"):
        party_life.schedule_party_meeting(branch, format=MeetingFormat.objects.get(code="shuo-qi-shuo-ba"),
                                          starts_at=at(datetime.date(2026, 12, 5)), by=secretary)
    with refused("does not hold"):  # 党小组会 is a party group's meeting, not a branch's
        party_life.schedule_party_meeting(branch, format=MeetingFormat.objects.get(code="dangxiaozu-hui"),
                                          starts_at=at(datetime.date(2026, 12, 5)), by=secretary)


def test_a_resident_or_another_branchs_secretary_cannot_record_the_meeting(world, branch):
    other = make_branch(world, name="B小区党支部", grid=world.grid_b)
    other_secretary = secretary_account(other, "other-secretary")
    m = lesson(branch)
    for user in (world.outsider, other_secretary):
        with refused("secretary"):
            party_life.record_member_attendance(m, member=branch.people[1], present=True, by=user)
    assert not Attendance.objects.exists()


def test_members_are_marked_present_or_absent_with_a_reason_and_earn_the_lessons_hours(branch, secretary):
    m = lesson(branch)
    present = party_life.record_member_attendance(m, member=branch.people[1], present=True, by=secretary)
    assert present.study_hours == Decimal("2.0") and present.recorded_by == secretary
    with refused("Reason for absence is required"):
        party_life.record_member_attendance(m, member=branch.people[2], present=False, absence_reason="  ", by=secretary)
    absent = party_life.record_member_attendance(m, member=branch.people[2], present=False, absence_reason="外出务工", by=secretary)
    assert (absent.present, absent.absence_reason, absent.study_hours) == (False, "外出务工", 0)
    # Marking again changes the one row.
    party_life.record_member_attendance(m, member=branch.people[2], present=True, by=secretary)
    assert Attendance.objects.filter(meeting=m, member=branch.people[2]).get().present


def test_only_members_of_the_meetings_organization_are_marked(world, branch, secretary):
    other = make_branch(world, name="B小区党支部", grid=world.grid_b)
    with refused("members of the meeting"):
        party_life.record_member_attendance(lesson(branch), member=other.people[1], present=True, by=secretary)


def test_a_cancelled_or_future_meeting_takes_no_attendance(branch, secretary):
    m = lesson(branch)
    m.status = MeetingStatus.CANCELLED
    m.save()
    with refused("cancelled"):
        party_life.record_member_attendance(m, member=branch.people[1], present=True, by=secretary)
    future = lesson(branch, day=datetime.date(2099, 1, 1))
    with refused("not started"):
        party_life.record_member_attendance(future, member=branch.people[1], present=True, by=secretary)


def test_closing_records_the_meeting_as_held_and_the_hours_count_in_the_year(branch, secretary):
    m = lesson(branch)
    with refused("before closing"):
        party_life.close_party_meeting(m, by=secretary)
    for member in branch.people[:3]:
        party_life.record_member_attendance(m, member=member, present=True, by=secretary)
    party_life.record_member_attendance(m, member=branch.people[3], present=False, absence_reason="住院", by=secretary)
    party_life.record_meeting_minutes(m, text="学习党章第一章。", by=secretary)
    # Not held yet: the hours are recorded but do not count.
    assert party_life.study_hours(branch.people[1], 2026) == 0
    party_life.close_party_meeting(m, by=secretary)
    m.refresh_from_db()
    assert (m.status, m.minutes) == (MeetingStatus.HELD, "学习党章第一章。")
    assert party_life.study_hours(branch.people[1], 2026) == Decimal("2.0")
    assert party_life.study_hours(branch.people[3], 2026) == 0
    assert party_life.study_hours(branch.people[1], 2025) == 0
    with refused("already"):
        party_life.close_party_meeting(m, by=secretary)
    # A committee meeting in the same year adds its half hour.
    committee = meeting(branch, datetime.date(2026, 4, 5), "zhibu-weiyuanhui", status=MeetingStatus.SCHEDULED)
    party_life.record_member_attendance(committee, member=branch.people[1], present=True, by=secretary)
    party_life.close_party_meeting(committee, by=secretary)
    assert party_life.study_hours(branch.people[1], 2026) == Decimal("2.5")
    # Held, it now counts for the cadence and the really-working rule.
    assert party_life.held_party_meetings().filter(organization=branch).count() == 2


def test_the_branchs_instructor_records_too(branch):
    instructor = instructor_of(branch, "instructor-a")
    m = lesson(branch)
    assert party_life.record_member_attendance(m, member=branch.people[1], present=True, by=instructor).present


def test_a_members_new_year_starts_from_zero_at_local_midnight(branch, secretary):
    # 00:30 on 1 January in Asia/Shanghai is 31 December in UTC: the hours belong to the new year.
    m = meeting(branch, datetime.date(2026, 1, 1), "zhuti-dangri", status=MeetingStatus.SCHEDULED, hour=0, minute=30)
    party_life.record_member_attendance(m, member=branch.people[1], present=True, by=secretary)
    party_life.close_party_meeting(m, by=secretary)
    assert party_life.study_hours(branch.people[1], 2026) == Decimal("2.0")
    assert party_life.study_hours(branch.people[1], 2025) == 0
