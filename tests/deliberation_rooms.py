"""A meeting in progress at grid A for the votes, decisions and public-page tests.

- ``room.council_format``: votes by present council members, quorum 50 %, half of the votes cast;
- ``room.attendees_format``: votes by every signed-in participant, quorum 50 %, simple majority;
- ``room.meeting``: an OPEN meeting of the council format at grid A today, with one item;
- ``room.members``: three council members of grid A's council (accounts with the resident role);
- ``room.elder``: a present council member without a phone, whose vote the grid worker records.
"""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.deliberation.models import (
    AgendaItem, Attendance, Council, CouncilMember, CouncilSeat, Majority, Meeting, MeetingFormat, MeetingStatus, Voters,
)
from gongzhi.people.models import Role

from .conftest import make_user


def make_format(code, voters, quorum=50, majority=Majority.HALF_OF_CAST):
    return MeetingFormat.objects.create(code=code, name=code, voters=voters, quorum_percent=quorum, majority=majority)


def make_meeting(fmt, unit, *, status=MeetingStatus.OPEN, starts_at=None, title="说七说八"):
    starts_at = starts_at or timezone.now() - datetime.timedelta(minutes=30)
    return Meeting.objects.create(format=fmt, unit=unit, title=title, starts_at=starts_at,
                                  ends_at=starts_at + datetime.timedelta(hours=2), status=status, place="党群服务站")


def make_item(meeting, title="小区健身器材坏了该谁修?", proposal=None, position=None):
    position = position or (meeting.items.count() + 1)
    return AgendaItem.objects.create(meeting=meeting, position=position, title=title, proposal=proposal)


def sign_in(meeting, user, by=None):
    return Attendance.objects.create(meeting=meeting, user=user, present=True, recorded_by=by)


def build_room(world):
    r = SimpleNamespace()
    r.council_format = make_format("test-council", Voters.COUNCIL)
    r.attendees_format = make_format("test-attendees", Voters.ATTENDEES, majority=Majority.SIMPLE)
    r.silent_format = make_format("test-silent", Voters.NOBODY)
    r.council = Council.objects.create(unit=world.grid_a, name="A网格协商议事会")
    since = datetime.date(2026, 1, 1)
    r.members = [make_user(f"member-{i}", Role.RESIDENT, [world.grid_a]) for i in range(3)]
    r.elder = make_user("elder", Role.RESIDENT, [world.grid_a])
    r.elder.display_name = "王奶奶"
    r.elder.phone = "13700001111"
    r.elder.save()
    for user in [*r.members, r.elder]:
        CouncilMember.objects.create(council=r.council, seat=CouncilSeat.REPRESENTATIVE, user=user, starts_on=since)
    # A member whose seat ended before today: never eligible.
    r.former = make_user("former-member", Role.RESIDENT, [world.grid_a])
    CouncilMember.objects.create(council=r.council, seat=CouncilSeat.REPRESENTATIVE, user=r.former,
                                 starts_on=since, ends_on=datetime.date(2026, 2, 1))
    r.meeting = make_meeting(r.council_format, world.grid_a)
    r.item = make_item(r.meeting)
    return r
