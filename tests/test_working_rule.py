"""A grid branch is "really working" (实体化运行) only when its records say so."""
import datetime

import pytest

from django.utils import timezone

from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus
from gongzhi.party.models import OrganizationActivity, OrganizationKind, PartyMember, PartyOrganization

TODAY = datetime.date(2026, 11, 26)


def held(branch, on, code="dangyuan-dahui", status=MeetingStatus.HELD):
    """A statutory meeting of ``branch`` recorded as held on ``on`` (09:00 local time)."""
    starts = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    return Meeting.objects.create(format=MeetingFormat.objects.get(code=code), unit=branch.unit, organization=branch,
                                  title="支部党员大会", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                                  status=status)


@pytest.fixture
def branch(world):
    branch = PartyOrganization.objects.create(name="A小区党支部", kind=OrganizationKind.BRANCH, unit=world.grid_a)
    members = [PartyMember.objects.create(name=f"党员{i}", gender="M", organization=branch, employment="retired") for i in range(3)]
    branch.secretary = members[0]
    branch.save()
    held(branch, TODAY - datetime.timedelta(days=30))
    return branch


def is_working(branch):
    return PartyOrganization.objects.with_working(on=TODAY).get(pk=branch.pk).is_working


def test_a_branch_with_secretary_three_members_and_a_recent_meeting_is_working(branch):
    assert is_working(branch)
    assert branch.working_report(on=TODAY)["is_working"]


def test_a_branch_without_a_secretary_is_not_working(branch):
    branch.secretary = None
    branch.save()
    assert not is_working(branch)
    assert branch.working_report(on=TODAY)["has_secretary"] is False


def test_a_branch_with_two_members_is_not_working(branch):
    branch.members.exclude(pk=branch.secretary_id).first().delete()
    assert not is_working(branch)


def test_a_branch_whose_last_meeting_is_91_days_old_is_not_working(branch):
    branch.meetings.all().delete()
    held(branch, TODAY - datetime.timedelta(days=91))
    assert not is_working(branch)
    held(branch, TODAY - datetime.timedelta(days=90))
    assert is_working(branch)
    assert branch.working_report(on=TODAY)["last_activity"] == TODAY - datetime.timedelta(days=90)


def test_a_hand_entered_activity_does_not_make_a_branch_working(branch):
    branch.meetings.all().delete()
    OrganizationActivity.objects.create(organization=branch, kind="members_meeting", title="支部党员大会", held_on=TODAY)
    assert not is_working(branch)


def test_a_scheduled_or_cancelled_meeting_does_not_count_only_a_held_one(branch):
    branch.meetings.all().delete()
    held(branch, TODAY - datetime.timedelta(days=3), status=MeetingStatus.SCHEDULED)
    held(branch, TODAY - datetime.timedelta(days=5), code="dangke", status=MeetingStatus.CANCELLED)
    assert not is_working(branch)
    assert branch.working_report(on=TODAY)["recent_activity"] is False


def test_members_of_other_branches_do_not_count(branch, world):
    other = PartyOrganization.objects.create(name="B小区党支部", kind=OrganizationKind.BRANCH, unit=world.grid_b)
    PartyMember.objects.filter(organization=branch).exclude(pk=branch.secretary_id).update(organization=other)
    assert not is_working(branch)


def test_many_activities_do_not_inflate_the_member_count(branch):
    for d in range(1, 10):
        held(branch, TODAY - datetime.timedelta(days=d), code="dangke")
    row = PartyOrganization.objects.with_working(on=TODAY).get(pk=branch.pk)
    assert row.member_count == 3
