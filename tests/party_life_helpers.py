"""Shared by the party-life tests: a grid branch with a secretary who has an account, members,
an instructor, and a way to record a statutory meeting as held on a given day."""
import datetime

from django.utils import timezone

from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus
from gongzhi.party.models import InstructorAssignment, OrganizationKind, PartyMember, PartyOrganization
from gongzhi.people.models import Role

from tests.conftest import make_user

TODAY = datetime.date(2026, 11, 26)


def at(day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def meeting(branch, on, code, status=MeetingStatus.HELD, hour=9, minute=0):
    fmt = MeetingFormat.objects.get(code=code)
    starts = at(on, hour, minute)
    return Meeting.objects.create(format=fmt, unit=branch.unit, organization=branch, title=fmt.name, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=fmt.duration_minutes), status=status)


def make_branch(world, name="A小区党支部", grid=None, members=4):
    branch = PartyOrganization.objects.create(name=name, kind=OrganizationKind.BRANCH, unit=grid or world.grid_a)
    people = [PartyMember.objects.create(name=f"{name}党员{i}", gender="M", organization=branch, employment="retired")
              for i in range(members)]
    branch.secretary = people[0]
    branch.save()
    branch.people = people
    return branch


def secretary_account(branch, username):
    user = make_user(username, Role.PARTY_MEMBER, [branch.unit])
    PartyMember.objects.filter(pk=branch.secretary_id).update(account=user)
    branch.secretary.account = user
    return user


def instructor_of(branch, username):
    user = make_user(username, Role.INSTRUCTOR, [branch.unit.parent])
    InstructorAssignment.objects.create(instructor=user, branch=branch, since=datetime.date(2025, 1, 1))
    return user
