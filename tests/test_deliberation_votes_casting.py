"""Opening, casting, changing, recording on behalf and closing votes (services.votes)."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.core.models import Notice
from gongzhi.deliberation.models import Choice, ItemStatus, MeetingStatus, Vote, VoteChange
from gongzhi.deliberation.services import votes
from gongzhi.people.models import Role

from .conftest import make_user, refused
from .deliberation_rooms import build_room, make_item, make_meeting, sign_in


@pytest.fixture
def room(world):
    return build_room(world)


def test_a_present_council_member_votes_and_changes_the_vote_until_it_closes(world, room):
    member = room.members[0]
    sign_in(room.meeting, member)
    votes.open_vote(room.item, by=world.worker_a)
    votes.cast(room.item, voter=member, choice=Choice.FOR)
    votes.cast(room.item, voter=member, choice=Choice.AGAINST)
    vote = Vote.objects.get(item=room.item, voter=member)
    assert vote.choice == Choice.AGAINST and vote.recorded_by is None
    assert list(vote.changes.values_list("choice", flat=True)) == [Choice.FOR, Choice.AGAINST]
    votes.close_vote(room.item, by=world.worker_a)
    with refused("not open"):
        votes.cast(room.item, voter=member, choice=Choice.FOR)
    assert Vote.objects.get(pk=vote.pk).choice == Choice.AGAINST


def test_the_council_format_counts_only_present_seated_members(world, room):
    votes.open_vote(room.item, by=world.worker_a)
    with refused("sign in to the meeting first"):  # seated but not present
        votes.cast(room.item, voter=room.members[0], choice=Choice.FOR)
    sign_in(room.meeting, room.former)
    sign_in(room.meeting, world.outsider)
    for user in (room.former, world.outsider):  # present, but no seat that day
        with refused("may not vote"):
            votes.cast(room.item, voter=user, choice=Choice.FOR)
    assert not Vote.objects.exists()


def test_the_tally_of_a_council_vote_counts_present_members_against_the_seats_of_the_day(world, room):
    # Four seats active today; three members present (quorum 50 %: 2 needed); two for, one abstains.
    for user in room.members:
        sign_in(room.meeting, user)
    votes.open_vote(room.item, by=world.worker_a)
    votes.cast(room.item, voter=room.members[0], choice=Choice.FOR)
    votes.cast(room.item, voter=room.members[1], choice=Choice.FOR)
    votes.cast(room.item, voter=room.members[2], choice=Choice.ABSTAIN)
    live = votes.tally(room.item)
    assert (live.votes_for, live.against, live.abstain, live.eligible, live.counted) == (2, 0, 1, 4, 3)
    assert live.quorum_met and live.passed  # 2 of 3 cast is more than half
    item = votes.close_vote(room.item, by=world.worker_a)
    assert (item.status, item.votes_for, item.votes_against, item.votes_abstain, item.eligible_voters) == (
        ItemStatus.VOTED, 2, 0, 1, 4)
    assert item.quorum_met and item.passed
    # The stored result stays what it was when the vote closed.
    assert votes.tally(item).passed and votes.tally(item).eligible == 4
    # ... and beside it, the council members present (shown as "3 / 4"), not 0.
    assert votes.tally(item).counted == 3


def test_attendees_vote_and_the_quorum_counts_votes_cast_against_those_signed_in(world, room):
    meeting = make_meeting(room.attendees_format, world.grid_a)
    item = make_item(meeting)
    people = [make_user(f"resident-{i}", Role.RESIDENT, [world.grid_a]) for i in range(5)]
    for person in people:
        sign_in(meeting, person)
    votes.open_vote(item, by=world.worker_a)
    votes.cast(item, voter=people[0], choice=Choice.FOR)
    votes.cast(item, voter=people[1], choice=Choice.FOR)
    tally = votes.tally(item)
    assert (tally.eligible, tally.counted, tally.quorum_met, tally.passed) == (5, 2, False, False)  # 2 of 5 < 50 %
    votes.cast(item, voter=people[2], choice=Choice.AGAINST)
    tally = votes.tally(item)
    assert (tally.counted, tally.quorum_met, tally.passed) == (3, True, True)


def test_a_format_without_votes_opens_none(world, room):
    meeting = make_meeting(room.silent_format, world.grid_a)
    with refused("take no votes"):
        votes.open_vote(make_item(meeting), by=world.worker_a)


def test_only_staff_of_the_unit_open_and_close_and_only_in_a_meeting_in_progress(world, room):
    with refused("Only staff"):
        votes.open_vote(room.item, by=world.worker_b)
    with refused("Only staff"):
        votes.open_vote(room.item, by=room.members[0])
    scheduled = make_meeting(room.council_format, world.grid_a, status=MeetingStatus.SCHEDULED,
                             starts_at=timezone.now() + datetime.timedelta(days=3))
    with refused("in progress"):
        votes.open_vote(make_item(scheduled), by=world.worker_a)
    votes.open_vote(room.item, by=world.secretary)  # the community's secretary is staff of grid A too
    with refused("Only staff"):
        votes.close_vote(room.item, by=world.worker_b)


def test_one_vote_at_a_time_per_meeting(world, room):
    second = make_item(room.meeting, title="公共充电桩放哪儿更合理?")
    votes.open_vote(room.item, by=world.worker_a)
    with refused("one vote at a time"):
        votes.open_vote(second, by=world.worker_a)
    votes.close_vote(room.item, by=world.worker_a)
    votes.open_vote(second, by=world.worker_a)
    with refused("closed already"):
        votes.open_vote(room.item, by=world.worker_a)


def test_a_vote_recorded_on_behalf_is_marked_and_the_resident_changes_it_later(world, room, django_capture_on_commit_callbacks):
    sign_in(room.meeting, room.elder, by=world.worker_a)
    votes.open_vote(room.item, by=world.worker_a)
    with django_capture_on_commit_callbacks(execute=True):
        vote = votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=world.worker_a)
    assert vote.recorded_by == world.worker_a
    change = VoteChange.objects.get(vote=vote)
    assert change.on_behalf and change.recorded_by == world.worker_a
    # The resident is told, and can see it from their own account.
    assert Notice.objects.filter(user=room.elder, event="deliberation.vote_on_behalf").exists()
    assert votes.own_vote(room.item, room.elder).recorded_by == world.worker_a
    # The grid worker may correct it while it is still theirs ...
    votes.cast(room.item, voter=room.elder, choice=Choice.ABSTAIN, by=world.worker_a)
    # ... the resident changes it themselves: the mark goes, the history stays.
    votes.cast(room.item, voter=room.elder, choice=Choice.AGAINST)
    vote.refresh_from_db()
    assert vote.choice == Choice.AGAINST and vote.recorded_by is None
    history = list(vote.changes.values_list("choice", "on_behalf", "recorded_by"))
    assert history == [(Choice.FOR, True, world.worker_a.pk), (Choice.ABSTAIN, True, world.worker_a.pk),
                       (Choice.AGAINST, False, room.elder.pk)]
    # Once the resident voted themselves, nobody else overwrites it.
    with refused("voted themselves"):
        votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=world.worker_a)


def test_a_vote_on_behalf_needs_staff_of_the_unit_and_a_present_voter(world, room):
    votes.open_vote(room.item, by=world.worker_a)
    with refused("only present voters"):
        votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=world.worker_a)
    sign_in(room.meeting, room.elder)
    with refused("Only staff"):
        votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=world.worker_b)
    with refused("Only staff"):
        votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=room.members[0])
    assert not Vote.objects.exists()


def test_an_unknown_choice_is_refused(world, room):
    sign_in(room.meeting, room.members[0])
    votes.open_vote(room.item, by=world.worker_a)
    with refused("for, against or abstain"):
        votes.cast(room.item, voter=room.members[0], choice="maybe")
