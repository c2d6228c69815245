"""The vote pages: the participant's phone page, the staff console, the big screen and its counts."""
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from gongzhi.deliberation.models import Choice, ItemStatus, Vote
from gongzhi.deliberation.services import votes

from .deliberation_rooms import build_room, make_item, sign_in


@pytest.fixture
def room(world):
    return build_room(world)


def test_a_present_member_votes_from_the_phone_page_and_sees_the_vote(client, world, room):
    member = room.members[0]
    sign_in(room.meeting, member)
    votes.open_vote(room.item, by=world.worker_a)
    client.force_login(member)
    url = reverse("deliberation:vote", args=[room.meeting.pk])
    page = client.get(url).content.decode()
    assert room.item.title in page and 'data-testid="vote-for"' in page
    response = client.post(url, {"item": room.item.pk, "choice": "against"}, follow=True)
    assert "data-testid=\"my-vote\"" in response.content.decode()
    assert Vote.objects.get(voter=member).choice == Choice.AGAINST


def test_someone_who_may_not_vote_gets_no_buttons_and_a_reason(client, world, room):
    votes.open_vote(room.item, by=world.worker_a)
    client.force_login(room.members[0])  # seated, not signed in
    url = reverse("deliberation:vote", args=[room.meeting.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="not-a-voter"' in page and 'data-testid="vote-for"' not in page
    response = client.post(url, {"item": room.item.pk, "choice": "for"}, follow=True)
    assert "请先签到参会" in response.content.decode()
    assert not Vote.objects.exists()


def test_the_resident_sees_a_vote_recorded_on_their_behalf_and_changes_it(client, world, room):
    sign_in(room.meeting, room.elder, by=world.worker_a)
    votes.open_vote(room.item, by=world.worker_a)
    staff = client
    staff.force_login(world.worker_a)
    console = reverse("deliberation:vote_console", args=[room.meeting.pk])
    staff.post(console, {"item": room.item.pk, "action": "behalf", "voter": room.elder.pk, "choice": "for"})
    assert Vote.objects.get(voter=room.elder).recorded_by == world.worker_a
    client.force_login(room.elder)
    url = reverse("deliberation:vote", args=[room.meeting.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="on-behalf"' in page and str(world.worker_a) in page
    client.post(url, {"item": room.item.pk, "choice": "abstain"})
    vote = Vote.objects.get(voter=room.elder)
    assert vote.choice == Choice.ABSTAIN and vote.recorded_by is None
    assert 'data-testid="on-behalf"' not in client.get(url).content.decode()


def test_staff_open_and_close_the_vote_from_the_console(client, world, room):
    client.force_login(world.worker_a)
    console = reverse("deliberation:vote_console", args=[room.meeting.pk])
    assert 'data-testid="open-vote"' in client.get(console).content.decode()
    client.post(console, {"item": room.item.pk, "action": "open"})
    room.item.refresh_from_db()
    assert room.item.status == ItemStatus.VOTING
    client.post(console, {"item": room.item.pk, "action": "close"})
    room.item.refresh_from_db()
    assert room.item.status == ItemStatus.VOTED and room.item.eligible_voters == 4


def test_the_console_is_staff_only_and_answers_404_like_a_missing_meeting(client, world, room):
    for user in (room.members[0], world.worker_b):
        client.force_login(user)
        assert client.get(reverse("deliberation:vote_console", args=[room.meeting.pk])).status_code == 404
        assert client.post(reverse("deliberation:vote_console", args=[room.meeting.pk]),
                           {"item": room.item.pk, "action": "open"}).status_code == 404
    room.item.refresh_from_db()
    assert room.item.status == ItemStatus.PENDING


def test_an_item_of_another_meeting_is_not_found_from_this_one(client, world, room):
    from .deliberation_rooms import make_meeting

    other = make_item(make_meeting(room.council_format, world.grid_a))
    client.force_login(world.worker_a)
    response = client.post(reverse("deliberation:vote_console", args=[room.meeting.pk]), {"item": other.pk, "action": "open"})
    assert response.status_code == 404


def test_the_big_screen_shows_the_running_count_and_polls_counts_without_names(client, world, room):
    for member in room.members:
        sign_in(room.meeting, member)
    votes.open_vote(room.item, by=world.worker_a)
    votes.cast(room.item, voter=room.members[0], choice=Choice.FOR)
    client.force_login(world.worker_a)
    screen = client.get(reverse("deliberation:vote_screen", args=[room.meeting.pk])).content.decode()
    assert 'data-testid="screen-for">1<' in screen and "gongzhi/vote-screen.js" in screen  # the script that polls
    votes.cast(room.item, voter=room.members[1], choice=Choice.AGAINST)
    response = client.get(reverse("deliberation:vote_counts", args=[room.meeting.pk]))
    data = response.json()["current"]
    assert (data["for"], data["against"], data["abstain"], data["eligible"], data["counted"]) == (1, 1, 0, 4, 3)
    assert data["quorum_met"] and not data["passed"]  # a tie is not more than half
    assert response["Cache-Control"] == "no-store"
    for member in room.members:
        assert member.username not in response.content.decode()


def test_the_meeting_pages_vote_block_shows_the_result_and_the_readers_vote(world, room):
    sign_in(room.meeting, room.elder)
    votes.open_vote(room.item, by=world.worker_a)
    votes.cast(room.item, voter=room.elder, choice=Choice.FOR, by=world.worker_a)
    votes.close_vote(room.item, by=world.worker_a)
    room.item.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = room.elder
    html = render_to_string("deliberation/vote_item_block.html", {"item": room.item, "request": request})
    assert 'data-testid="vote-result"' in html and 'data-testid="on-behalf"' in html
    assert "vote_console" not in html and "/votes/console/" not in html  # not staff
    request.user = world.worker_a
    html = render_to_string("deliberation/vote_item_block.html", {"item": room.item, "request": request})
    assert "/votes/console/" in html
