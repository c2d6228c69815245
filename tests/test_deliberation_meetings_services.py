"""The meeting machinery: series generated ahead, one occurrence moved or cancelled, open and
close, notice once per participant, sign-in by code or on behalf, agenda order, minutes, councils."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.core.models import Notice
from gongzhi.deliberation.models import (
    AgendaItem, Attendance, CouncilMember, CouncilSeat, ItemStatus, Meeting, MeetingFormat, MeetingSeries, MeetingStatus,
    SignInMethod,
)
from gongzhi.deliberation.services import meetings
from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization
from gongzhi.people.models import Role

from .conftest import make_user, refused

MONTHLY_7TH = "FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19;BYMINUTE=0"


def at(y, m, d, h=19, minute=0):
    return timezone.make_aware(datetime.datetime(y, m, d, h, minute))


@pytest.fixture
def fmt(db):
    return MeetingFormat.objects.get(code="shuo-qi-shuo-ba")


@pytest.fixture
def series(world, fmt):
    return MeetingSeries.objects.create(format=fmt, unit=world.grid_a, title="A网格说七说八", recurrence=MONTHLY_7TH,
                                        starts_on=datetime.date(2026, 11, 1), place="A网格党群服务站")


@pytest.fixture
def meeting(world, fmt):
    return meetings.schedule_meeting(format=fmt, unit=world.grid_a, starts_at=timezone.now() + datetime.timedelta(hours=1),
                                     by=world.worker_a, title="说七说八", place="活动室")


def occurrence_days(series):
    return sorted(m.occurs_on for m in Meeting.objects.filter(series=series))


# --- series ---------------------------------------------------------------------------------------

def test_the_minute_job_generates_sixty_days_ahead_and_again_adds_nothing(series):
    now = at(2026, 11, 26, 12)
    first = meetings.generate_step(now)
    assert first == {"series": 1, "meetings": 2}
    assert occurrence_days(series) == [datetime.date(2026, 12, 7), datetime.date(2027, 1, 7)]
    assert meetings.generate_step(now) == {"series": 0, "meetings": 0}
    # A month later the window moves on by one meeting.
    assert meetings.generate_step(at(2026, 12, 10, 12))["meetings"] == 1
    assert occurrence_days(series)[-1] == datetime.date(2027, 2, 7)
    m = Meeting.objects.filter(series=series).first()
    assert (m.title, m.place, m.unit_id, m.ends_at - m.starts_at) == (
        "A网格说七说八", "A网格党群服务站", series.unit_id, datetime.timedelta(minutes=90))


def test_generating_twice_the_same_window_adds_nothing(series):
    until = datetime.date(2027, 3, 31)
    assert meetings.generate(series, until, today=datetime.date(2026, 11, 26)) == 4
    series.generated_until = None  # as if the bookkeeping were lost: the occurrences still name themselves
    assert meetings.generate(series, until, today=datetime.date(2026, 11, 26)) == 0


def test_a_moved_or_cancelled_occurrence_stays_alone_and_is_never_added_again(world, series):
    meetings.generate(series, datetime.date(2027, 3, 31), today=datetime.date(2026, 11, 26))
    december, january, february, march = Meeting.objects.filter(series=series).order_by("occurs_on")
    meetings.move_meeting(december, starts_at=at(2026, 12, 9, 18, 30), by=world.worker_a)
    meetings.cancel_meeting(january, reason="元旦假期", by=world.worker_a)
    series.generated_until = None
    assert meetings.generate(series, datetime.date(2027, 3, 31), today=datetime.date(2026, 11, 26)) == 0
    assert meetings.generate_step(at(2026, 11, 26, 12))["meetings"] == 0
    rows = {m.occurs_on: m for m in Meeting.objects.filter(series=series)}
    assert len(rows) == 4
    moved = rows[datetime.date(2026, 12, 7)]
    assert timezone.localtime(moved.starts_at) == at(2026, 12, 9, 18, 30) and moved.moved
    assert moved.ends_at - moved.starts_at == datetime.timedelta(minutes=90)
    assert rows[datetime.date(2027, 1, 7)].status == MeetingStatus.CANCELLED
    assert rows[datetime.date(2027, 1, 7)].cancel_reason == "元旦假期"
    # The others are untouched.
    assert rows[datetime.date(2027, 2, 7)].starts_at == february.starts_at == at(2027, 2, 7)
    assert rows[datetime.date(2027, 3, 7)].status == MeetingStatus.SCHEDULED


def test_create_series_checks_the_rule_and_generates_at_once(world, fmt):
    with refused("BYHOUR"):
        meetings.create_series(format=fmt, unit=world.grid_a, recurrence="FREQ=MONTHLY", starts_on=timezone.localdate(),
                               title="坏规则", by=world.worker_a)
    series = meetings.create_series(format=fmt, unit=world.grid_a, recurrence=MONTHLY_7TH, starts_on=timezone.localdate(),
                                    title="说七说八", by=world.worker_a)
    assert Meeting.objects.filter(series=series).count() in (1, 2, 3)
    assert series.generated_until == timezone.localdate() + datetime.timedelta(days=60)


def test_staff_of_another_grid_cannot_schedule_here(world, fmt):
    with refused("Only the staff"):
        meetings.schedule_meeting(format=fmt, unit=world.grid_a, starts_at=at(2026, 12, 1), by=world.worker_b)
    with refused("Only the staff"):
        meetings.create_series(format=fmt, unit=world.grid_a, recurrence=MONTHLY_7TH, starts_on=datetime.date(2026, 12, 1),
                               title="x", by=world.outsider)


def test_a_party_format_needs_an_organization(world):
    with refused("party organization"):
        meetings.schedule_meeting(format=MeetingFormat.objects.get(code="dangke"), unit=world.grid_a,
                                  starts_at=at(2026, 12, 1), by=world.worker_a)


# --- open, close, sign-in ------------------------------------------------------------------------

def test_opening_gives_a_fresh_six_digit_code_each_time(world, fmt):
    codes = set()
    for _ in range(5):
        m = meetings.schedule_meeting(format=fmt, unit=world.grid_a, starts_at=timezone.now(), by=world.worker_a)
        m = meetings.open_meeting(m, by=world.worker_a)
        assert m.status == MeetingStatus.OPEN and len(m.signin_code) == 6 and m.signin_code.isdigit()
        codes.add(m.signin_code)
    assert len(codes) >= 4


def test_sign_in_by_code_once_per_person(world, meeting):
    meeting = meetings.open_meeting(meeting, by=world.worker_a)
    with refused("not the code"):
        meetings.sign_in(meeting, user=world.outsider, code="000000" if meeting.signin_code != "000000" else "111111")
    attendance = meetings.sign_in(meeting, user=world.outsider, code=meeting.signin_code)
    assert attendance.method == SignInMethod.CODE and attendance.recorded_by is None
    with refused("Already signed in"):
        meetings.sign_in(meeting, user=world.outsider, code=meeting.signin_code)
    assert meetings.attendance_count(meeting) == 1


def test_the_code_does_not_work_before_opening_after_the_end_or_after_closing(world, meeting):
    with refused("only while the meeting is in progress"):
        meetings.sign_in(meeting, user=world.outsider, code="123456")
    meeting = meetings.open_meeting(meeting, by=world.worker_a)
    with refused("has ended"):
        meetings.sign_in(meeting, user=world.outsider, code=meeting.signin_code, now=meeting.ends_at)
    code = meeting.signin_code
    meeting = meetings.close_meeting(meeting, by=world.worker_a)
    assert meeting.status == MeetingStatus.HELD and meeting.signin_code == ""
    with refused("only while the meeting is in progress"):
        meetings.sign_in(meeting, user=world.outsider, code=code)


def test_a_grid_worker_signs_in_a_present_resident_on_their_behalf(world, meeting):
    meeting = meetings.open_meeting(meeting, by=world.worker_a)
    attendance = meetings.sign_in(meeting, user=world.outsider, by=world.worker_a)
    assert (attendance.method, attendance.recorded_by) == (SignInMethod.STAFF, world.worker_a)
    stranger = make_user("stranger-b", Role.RESIDENT, [world.grid_b])
    with refused("does not take part"):
        meetings.sign_in(meeting, user=stranger, by=world.worker_a)
    with refused("Only the staff"):
        meetings.sign_in(meeting, user=make_user("neighbour", Role.RESIDENT, [world.grid_a]), by=world.worker_b)


def test_closing_is_refused_while_a_vote_is_open(world, meeting):
    meeting = meetings.open_meeting(meeting, by=world.worker_a)
    item = meetings.add_item(meeting, title="健身器材", by=world.worker_a)
    AgendaItem.objects.filter(pk=item.pk).update(status=ItemStatus.VOTING)
    with refused("vote is still open"):
        meetings.close_meeting(meeting, by=world.worker_a)
    AgendaItem.objects.filter(pk=item.pk).update(status=ItemStatus.VOTED)
    assert meetings.close_meeting(meeting, by=world.worker_a).status == MeetingStatus.HELD


def test_only_a_scheduled_meeting_moves_or_is_cancelled(world, meeting):
    meetings.open_meeting(meeting, by=world.worker_a)
    with refused("Only a scheduled meeting can be moved"):
        meetings.move_meeting(meeting, starts_at=at(2027, 1, 1), by=world.worker_a)
    with refused("Only a scheduled meeting can be cancelled"):
        meetings.cancel_meeting(meeting, reason="x", by=world.worker_a)


def test_cancelling_needs_a_reason(world, meeting):
    with refused("required"):
        meetings.cancel_meeting(meeting, reason="  ", by=world.worker_a)


# --- notice --------------------------------------------------------------------------------------

def test_notice_reaches_council_members_and_residents_once_each(world, meeting, django_capture_on_commit_callbacks):
    council = meetings.council_for(world.grid_a, by=world.worker_a)
    member = make_user("council-rep", Role.RESIDENT, [world.grid_a])
    meetings.add_council_member(council=council, seat=CouncilSeat.REPRESENTATIVE, user=member,
                                starts_on=datetime.date(2026, 1, 1), by=world.worker_a)
    former = make_user("former-rep")
    meetings.add_council_member(council=council, seat=CouncilSeat.REPRESENTATIVE, user=former,
                                starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31), by=world.worker_a)
    district_resident = make_user("district-resident", Role.VOLUNTEER, [world.district])
    other_grid = make_user("b-resident", Role.RESIDENT, [world.grid_b])
    in_micro_grid = make_user("a1-resident", Role.PARTY_MEMBER, [world.micro_a1])
    expected = {member.pk, world.outsider.pk, district_resident.pk, in_micro_grid.pk}
    assert set(meetings.participants(meeting)) == expected
    with django_capture_on_commit_callbacks(execute=True):
        assert meetings.send_notice(meeting, by=world.worker_a) == 4
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_notice(meeting, by=world.worker_a)
    notices = Notice.objects.filter(event="deliberation.meeting_notice")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(expected)
    assert former.pk not in expected and other_grid.pk not in expected
    # A newcomer is reached by a second sending; nobody gets it twice.
    newcomer = make_user("newcomer", Role.RESIDENT, [world.grid_a])
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_notice(meeting, by=world.worker_a)
    assert notices.count() == 5 and notices.filter(user=newcomer).exists()
    assert Meeting.objects.get(pk=meeting.pk).notice_sent_at is not None


def test_a_cancelled_meeting_tells_those_given_notice(world, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_notice(meeting, by=world.worker_a)
        meetings.cancel_meeting(meeting, reason="下雨", by=world.worker_a)
    assert Notice.objects.filter(event="deliberation.meeting_cancelled", user=world.outsider).count() == 1


def test_a_party_meeting_invites_the_organizations_members_with_accounts(world):
    branch = PartyOrganization.objects.create(name="A网格党支部", kind=OrganizationKind.BRANCH, unit=world.grid_a)
    account = make_user("member-account")
    PartyMember.objects.create(name="党员甲", gender="M", organization=branch, employment="retired", account=account)
    PartyMember.objects.create(name="党员乙", gender="F", organization=branch, employment="retired")
    m = meetings.schedule_meeting(format=MeetingFormat.objects.get(code="dangke"), unit=world.grid_a, organization=branch,
                                  starts_at=timezone.now(), by=world.worker_a)
    assert meetings.participants(m) == [account.pk]
    m = meetings.open_meeting(m, by=world.worker_a)
    attendance = meetings.sign_in(m, user=account, code=m.signin_code)
    assert attendance.member.name == "党员甲" and attendance.study_hours == 2


# --- agenda and minutes --------------------------------------------------------------------------

def test_items_are_reordered_and_positions_close_up(world, meeting):
    a, b, c = (meetings.add_item(meeting, title=t, by=world.worker_a) for t in ("甲", "乙", "丙"))
    meetings.move_item(c, position=1, by=world.worker_a)
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", "position")) == [
        ("丙", 1), ("甲", 2), ("乙", 3)]
    meetings.move_item(c, position=99, by=world.worker_a)
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["甲", "乙", "丙"]


def test_minutes_are_written_once_the_meeting_started(world, meeting):
    item = meetings.add_item(meeting, title="充电桩", by=world.worker_a, time_box_minutes=20)
    with refused("once the meeting has started"):
        meetings.record_minutes(item, text="讨论", by=world.worker_a)
    meetings.open_meeting(meeting, by=world.worker_a)
    meetings.record_minutes(item, text="同意在3号楼旁设置充电桩。", by=world.worker_a)
    assert AgendaItem.objects.get(pk=item.pk).minutes == "同意在3号楼旁设置充电桩。"
    with refused("Only the staff"):
        meetings.record_minutes(item, text="x", by=world.worker_b)


def test_an_item_with_minutes_is_discussed_and_a_voted_item_keeps_its_vote(world, meeting):
    talked, voted = (meetings.add_item(meeting, title=t, by=world.worker_a) for t in ("充电桩", "停车"))
    assert AgendaItem.objects.get(pk=talked.pk).status == ItemStatus.PENDING
    meetings.open_meeting(meeting, by=world.worker_a)
    meetings.record_minutes(talked, text="", by=world.worker_a)
    assert AgendaItem.objects.get(pk=talked.pk).status == ItemStatus.PENDING
    meetings.record_minutes(talked, text="同意设置。", by=world.worker_a)
    assert AgendaItem.objects.get(pk=talked.pk).status == ItemStatus.DISCUSSED
    AgendaItem.objects.filter(pk=voted.pk).update(status=ItemStatus.VOTED)
    meetings.record_minutes(voted, text="表决通过。", by=world.worker_a)
    assert AgendaItem.objects.get(pk=voted.pk).status == ItemStatus.VOTED


def test_a_title_too_long_is_refused(world, meeting):
    with refused("limited to 100"):
        meetings.add_item(meeting, title="长" * 101, by=world.worker_a)


# --- councils ------------------------------------------------------------------------------------

def test_council_membership_has_dates(world):
    council = meetings.council_for(world.grid_a, by=world.worker_a)
    assert meetings.council_for(world.grid_a, by=world.worker_a) == council
    person = make_user("rep")
    seat = meetings.add_council_member(council=council, seat=CouncilSeat.GRID_WORKER, user=person,
                                       starts_on=datetime.date(2026, 1, 1), by=world.worker_a)
    with refused("already sits"):
        meetings.add_council_member(council=council, seat=CouncilSeat.REPRESENTATIVE, user=person,
                                    starts_on=datetime.date(2026, 6, 1), by=world.worker_a)
    with refused("cannot end before"):
        meetings.end_council_membership(seat, ends_on=datetime.date(2025, 12, 31), by=world.worker_a)
    meetings.end_council_membership(seat, ends_on=datetime.date(2026, 6, 30), by=world.worker_a)
    assert meetings.council_member_ids(world.grid_a, datetime.date(2026, 6, 30)) == {person.pk}
    assert meetings.council_member_ids(world.grid_a, datetime.date(2026, 7, 1)) == set()
    assert CouncilMember.objects.get(pk=seat.pk).ends_on == datetime.date(2026, 6, 30)
    with refused("grid or a community"):
        meetings.council_for(world.street, by=world.secretary)


def test_the_minute_job_runs_as_many_queries_for_thirty_series_as_for_three(world, fmt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for i in range(n):
            MeetingSeries.objects.create(format=fmt, unit=world.grid_a, title=f"系列{i}", recurrence=MONTHLY_7TH,
                                         starts_on=datetime.date(2026, 11, 1))

    make(3)
    with CaptureQueriesContext(connection) as few:
        assert meetings.generate_step(at(2026, 11, 26, 12))["meetings"] == 6
    make(30)
    with CaptureQueriesContext(connection) as many:
        assert meetings.generate_step(at(2026, 11, 26, 12))["meetings"] == 60
    # No query per series: only SQLite's bulk insert splits into batches of about 70 rows (its
    # limit of 999 parameters), so 60 new meetings may take one INSERT more than 6.
    assert len(many) <= len(few) + 1, [q["sql"][:60] for q in many.captured_queries]


def test_the_minute_job_takes_a_bounded_batch_and_catches_up_next_minute(world, fmt, monkeypatch):
    monkeypatch.setattr(meetings, "GENERATE_BATCH", 2)
    for i in range(3):
        MeetingSeries.objects.create(format=fmt, unit=world.grid_a, title=f"系列{i}", recurrence=MONTHLY_7TH,
                                     starts_on=datetime.date(2026, 11, 1))
    assert meetings.generate_step(at(2026, 11, 26, 12))["series"] == 2
    assert meetings.generate_step(at(2026, 11, 26, 12, 1))["series"] == 1
    assert meetings.generate_step(at(2026, 11, 26, 12, 2))["series"] == 0
    assert Meeting.objects.count() == 6


def test_guessing_the_code_is_stopped_after_ten_tries_a_minute(world, meeting):
    meeting = meetings.open_meeting(meeting, by=world.worker_a)
    wrong = "000000" if meeting.signin_code != "000000" else "111111"
    # All within one minute's window (a window boundary between the tries would start a new count).
    now = timezone.make_aware(datetime.datetime.fromtimestamp(timezone.now().timestamp() // 60 * 60 + 1))
    for _ in range(10):
        with refused("not the code"):
            meetings.sign_in(meeting, user=world.outsider, code=wrong, now=now)
    with refused("Too many tries"):
        meetings.sign_in(meeting, user=world.outsider, code=meeting.signin_code, now=now)
    # Someone else in the room is not held up by it; and a minute later the count starts again.
    neighbour = make_user("neighbour", Role.RESIDENT, [world.grid_a])
    assert meetings.sign_in(meeting, user=neighbour, code=meeting.signin_code, now=now)
    later = now + datetime.timedelta(minutes=1)
    assert meetings.sign_in(meeting, user=world.outsider, code=meeting.signin_code, now=later)
