"""三会一课 cadence on a hand-built calendar: what is held, due and missed, who is behind, and
the reminder for a missed period (once only)."""
import datetime

import pytest

from gongzhi.core.models import Notice
from gongzhi.deliberation.models import MeetingStatus, PartyReminder
from gongzhi.deliberation.services import party_life
from gongzhi.party.models import OrganizationKind, PartyOrganization

from tests.conftest import make_user
from tests.party_life_helpers import TODAY, at, instructor_of, make_branch, meeting, secretary_account
from gongzhi.people.models import Role

D = datetime.date


def statuses(branch, today=TODAY):
    return {c.format.code: c for c in party_life.due_and_missed([branch], today)[branch.pk]}


def full_year(branch, today=TODAY):
    """Every period of the last 12 months held, as the cadences ask."""
    for months_back in range(1, 13):
        month = party_life.add_months(today, -months_back)
        meeting(branch, month.replace(day=5), "zhibu-weiyuanhui")
        meeting(branch, month.replace(day=15), "zhuti-dangri")
        if month.month in (3, 6, 9, 12):  # the last month of each quarter
            meeting(branch, month.replace(day=10), "dangyuan-dahui")
            meeting(branch, month.replace(day=25), "dangke")


@pytest.fixture
def branch(world):
    return make_branch(world)


def test_periods_are_calendar_months_and_quarters():
    assert party_life.past_periods(TODAY, 1) == [D(2025, 11, 1), D(2025, 12, 1)] + [D(2026, m, 1) for m in range(1, 11)]
    assert party_life.past_periods(TODAY, 3) == [D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1)]
    assert party_life.period_end(D(2026, 7, 1), 3) == D(2026, 9, 30)
    assert party_life.period_end(D(2026, 2, 1), 1) == D(2026, 2, 28)


def test_a_branch_holds_four_statutory_meetings_two_monthly_two_quarterly(branch):
    found = statuses(branch)
    assert {code: c.every_months for code, c in found.items()} == {
        "dangyuan-dahui": 3, "zhibu-weiyuanhui": 1, "dangke": 3, "zhuti-dangri": 1}


def test_a_branch_that_held_everything_has_nothing_missed_and_the_current_periods_due(branch):
    full_year(branch)
    meeting(branch, D(2026, 10, 10), "dangyuan-dahui")
    found = statuses(branch)
    assert all(c.missed == [] for c in found.values())
    # November's monthly meetings are not held yet, nor the fourth quarter's 党课.
    assert found["zhibu-weiyuanhui"].status == "due"
    assert found["zhibu-weiyuanhui"].period_start == D(2026, 11, 1)
    assert found["dangyuan-dahui"].status == "held"  # held on 10 October, in the fourth quarter
    assert found["dangyuan-dahui"].period_start == D(2026, 10, 1) and found["dangyuan-dahui"].period_end == D(2026, 12, 31)
    assert found["zhibu-weiyuanhui"].last_held == D(2026, 10, 5)
    assert found["dangke"].status == "due"
    assert party_life.behind_schedule(_district_admin(branch), TODAY) == []


def _district_admin(branch):
    return make_user("district", Role.DISTRICT_ADMIN, [branch.unit.parent.parent.parent])


def test_a_missed_month_is_listed_with_its_period(branch):
    full_year(branch)
    branch.meetings.filter(format__code="zhibu-weiyuanhui", starts_at__date=D(2026, 10, 5)).delete()
    found = statuses(branch)
    assert found["zhibu-weiyuanhui"].missed == [D(2026, 10, 1)]
    assert found["zhibu-weiyuanhui"].missed_periods == [(D(2026, 10, 1), D(2026, 10, 31))]
    assert found["zhuti-dangri"].missed == []


def test_a_missed_quarter_is_listed_and_a_meeting_on_its_last_day_would_have_counted(branch):
    full_year(branch)
    branch.meetings.filter(format__code="dangke", starts_at__date=D(2026, 9, 25)).delete()
    assert statuses(branch)["dangke"].missed == [D(2026, 7, 1)]
    # Held late in the evening of 30 September (local time; still the 30th in UTC too) it counts for the third quarter.
    meeting(branch, D(2026, 9, 30), "dangke", hour=23, minute=30)
    assert statuses(branch)["dangke"].missed == []
    # One on 1 October belongs to the fourth quarter and does not make up for the third.
    branch.meetings.filter(format__code="dangke", starts_at__date=D(2026, 9, 30)).delete()
    meeting(branch, D(2026, 10, 1), "dangke", hour=0, minute=30)
    assert statuses(branch)["dangke"].missed == [D(2026, 7, 1)]


def test_a_meeting_held_at_half_past_midnight_local_time_counts_for_its_local_day(branch):
    # 00:30 on 1 November in Asia/Shanghai is still 31 October in UTC: November is held.
    meeting(branch, D(2026, 11, 1), "zhibu-weiyuanhui", hour=0, minute=30)
    assert statuses(branch)["zhibu-weiyuanhui"].status == "held"


def test_scheduled_or_cancelled_meetings_do_not_count_as_held(branch):
    full_year(branch)
    branch.meetings.filter(format__code="zhuti-dangri", starts_at__date=D(2026, 9, 15)).update(status=MeetingStatus.CANCELLED)
    meeting(branch, D(2026, 11, 28), "zhuti-dangri", status=MeetingStatus.SCHEDULED)
    found = statuses(branch)
    assert found["zhuti-dangri"].missed == [D(2026, 9, 1)]
    assert found["zhuti-dangri"].status == "scheduled"


def test_a_new_branch_has_not_missed_the_periods_before_it_was_founded(branch):
    branch.founded_on = D(2026, 10, 1)
    branch.save()
    found = statuses(branch)
    assert found["zhibu-weiyuanhui"].missed == [D(2026, 10, 1)]
    assert found["dangyuan-dahui"].missed == []


def test_behind_schedule_lists_a_secretarys_community_and_an_instructors_own_branches(world, branch):
    full_year(branch)
    branch.meetings.filter(format__code="zhibu-weiyuanhui", starts_at__date=D(2026, 10, 5)).delete()
    other = make_branch(world, name="B小区党支部", grid=world.grid_b)  # held nothing at all
    instructor = instructor_of(branch, "instructor-a")
    secretary = make_user("community-secretary", Role.COMMUNITY_SECRETARY, [world.community])
    listed = party_life.behind_schedule(secretary, TODAY)
    assert [b.organization for b in listed] == [other, branch]  # the most behind first
    assert listed[1].cadences[0].format.code == "zhibu-weiyuanhui" and listed[1].missed_count == 1
    # The instructor's account sits in the community, but they follow the branch assigned to them.
    assert [b.organization for b in party_life.behind_schedule(instructor, TODAY)] == [branch]
    assert party_life.behind_schedule(world.outsider, TODAY) == []


def test_a_reminder_for_a_missed_period_goes_to_the_secretary_and_instructors_once(world, branch):
    full_year(branch)
    branch.meetings.filter(format__code="zhibu-weiyuanhui", starts_at__date=D(2026, 10, 5)).delete()
    secretary = secretary_account(branch, "branch-secretary")
    instructor = instructor_of(branch, "instructor-a")
    now = at(TODAY, 10)
    assert party_life.remind_step(now) == {"reminders": 1}
    reminder = PartyReminder.objects.get()
    assert (reminder.organization, reminder.format.code, reminder.period_start) == (branch, "zhibu-weiyuanhui", D(2026, 10, 1))
    notices = Notice.objects.filter(event="deliberation.party_missed")
    assert {n.user_id for n in notices} == {secretary.pk, instructor.pk}
    assert "A小区党支部" in notices[0].message and "2026-10-01" in notices[0].message
    # The next minutes: nothing new.
    assert party_life.remind_step(now + datetime.timedelta(minutes=1)) == {"reminders": 0}
    assert PartyReminder.objects.count() == 1 and notices.count() == 2
    # The reminder opens on the branch's page for both of them.
    assert PartyReminder.objects.visible_to(secretary).count() == PartyReminder.objects.visible_to(instructor).count() == 1
    assert PartyReminder.objects.visible_to(world.outsider).count() == 0


def test_the_reminder_notice_opens_on_the_branchs_calendar(client, world, branch):
    from django.urls import reverse

    secretary = secretary_account(branch, "branch-secretary")
    party_life.remind_step(at(TODAY, 10))
    notice = Notice.objects.filter(user=secretary, event="deliberation.party_missed").first()
    client.force_login(secretary)
    opened = client.post(reverse("notices:open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("deliberation:party_organization", args=[branch.pk])
    assert client.get(opened["Location"]).status_code == 200


def test_the_reminder_job_takes_the_same_number_of_queries_for_many_organizations(world, branch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(now):
        with CaptureQueriesContext(connection) as ctx:
            party_life.remind_step(now)
        # SQLite splits a large INSERT by its limit on variables: count the statements that read.
        return len([q for q in ctx.captured_queries if not q["sql"].startswith("INSERT")])

    instructor_of(branch, "instructor-a")
    secretary_account(branch, "branch-secretary")
    first = count(at(TODAY, 10))
    # Each format's period that has just ended (not the year before it).
    assert set(PartyReminder.objects.values_list("period_start", flat=True)) == {datetime.date(2026, 7, 1), datetime.date(2026, 10, 1)}
    assert PartyReminder.objects.count() == 4
    for i in range(6):
        b = make_branch(world, name=f"第{i}党支部", grid=world.grid_b)
        instructor_of(b, f"instructor-{i}")
        secretary_account(b, f"secretary-{i}")
    PartyReminder.objects.all().delete()
    Notice.objects.all().delete()
    assert count(at(TODAY, 11)) <= first  # (the first run also looked the content type up)
    assert PartyReminder.objects.count() == 7 * 4


def test_an_older_missed_period_is_listed_but_not_reminded(world, branch):
    full_year(branch)
    branch.meetings.filter(format__code="zhuti-dangri", starts_at__date=D(2026, 6, 15)).delete()
    instructor_of(branch, "instructor-a")
    assert statuses(branch)["zhuti-dangri"].missed == [D(2026, 6, 1)]
    assert party_life.remind_step(at(TODAY, 10)) == {"reminders": 0}
    assert not PartyReminder.objects.exists()
