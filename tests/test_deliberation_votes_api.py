"""Votes and decisions through the JSON API: scoping, errors, idempotency."""
import datetime
import json

import pytest
from django.utils import timezone

from gongzhi.api.services import create_token
from gongzhi.deliberation.models import Decision, DecisionStatus, ItemStatus, Vote

from .deliberation_rooms import build_room, sign_in

API = "/api/v1/deliberation"


@pytest.fixture
def room(world):
    return build_room(world)


def call(user, method, path, body=None, **headers):
    from django.test import Client

    _token, secret = create_token(user, name="test")
    client = Client()
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}", **headers}
    if method == "GET":
        return client.get(API + path, **kwargs)
    return client.post(API + path, json.dumps(body or {}), content_type="application/json", **kwargs)


def test_staff_open_a_vote_members_cast_and_the_tally_is_computed(world, room):
    for member in room.members:
        sign_in(room.meeting, member)
    item = room.item.pk
    assert call(world.worker_a, "POST", f"/items/{item}/vote/open").status_code == 200
    mine = call(room.members[0], "POST", f"/items/{item}/vote", {"choice": "for"})
    assert mine.status_code == 200 and mine.json()["choice"] == "for"
    call(room.members[1], "POST", f"/items/{item}/vote", {"choice": "for"})
    call(room.members[2], "POST", f"/items/{item}/vote", {"choice": "against"})
    tally = call(world.worker_a, "GET", f"/items/{item}/tally").json()
    assert (tally["votes_for"], tally["against"], tally["eligible"], tally["counted"], tally["passed"]) == (2, 1, 4, 3, True)
    closed = call(world.worker_a, "POST", f"/items/{item}/vote/close").json()
    assert closed["item_status"] == ItemStatus.VOTED and closed["passed"]
    late = call(room.members[0], "POST", f"/items/{item}/vote", {"choice": "against"})
    assert late.status_code == 400 and late.json()["error"]["code"] == "vote_not_open"


def test_a_bad_choice_is_a_validation_error(world, room):
    sign_in(room.meeting, room.members[0])
    call(world.worker_a, "POST", f"/items/{room.item.pk}/vote/open")
    response = call(room.members[0], "POST", f"/items/{room.item.pk}/vote", {"choice": "maybe"})
    assert response.status_code == 400 and not Vote.objects.exists()


def test_a_vote_on_behalf_shows_on_the_residents_own_vote(world, room):
    sign_in(room.meeting, room.elder, by=world.worker_a)
    call(world.worker_a, "POST", f"/items/{room.item.pk}/vote/open")
    response = call(world.worker_a, "POST", f"/items/{room.item.pk}/vote/on-behalf", {"voter_id": room.elder.pk, "choice": "for"})
    assert response.status_code == 200
    own = call(room.elder, "GET", f"/items/{room.item.pk}/vote").json()
    assert own["recorded_on_behalf"] and own["recorded_by"] == str(world.worker_a)
    changed = call(room.elder, "POST", f"/items/{room.item.pk}/vote", {"choice": "abstain"}).json()
    assert changed["choice"] == "abstain" and not changed["recorded_on_behalf"]


def test_an_item_out_of_scope_is_404_like_a_missing_one(world, room):
    outside = call(world.worker_b, "GET", f"/items/{room.item.pk}/tally")
    missing = call(world.worker_b, "GET", "/items/999999/tally")
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["error"]["code"] == missing.json()["error"]["code"]
    # A participant who sees the meeting is not staff: on-behalf answers as for a missing item.
    member = call(room.members[0], "POST", f"/items/{room.item.pk}/vote/on-behalf", {"voter_id": room.elder.pk, "choice": "for"})
    assert member.status_code == 404


def decision_body(world, room, **extra):
    body = {"meeting_id": room.meeting.pk, "item_id": room.item.pk, "what": "修好单杠", "owner_kind": "volunteer_team",
            "owner_name": "银发志愿队", "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat()}
    body.update(extra)
    return body


def test_a_decision_through_the_api_from_record_to_carried_out(world, room):
    created = call(world.worker_a, "POST", "/decisions", decision_body(world, room))
    assert created.status_code == 201
    decision_id = created.json()["id"]
    progress = call(world.worker_a, "POST", f"/decisions/{decision_id}/progress", {"percent": 100, "note": "修好了"})
    assert progress.json()["status"] == DecisionStatus.DONE and progress.json()["updates"][0]["note"] == "修好了"
    verified = call(world.worker_a, "POST", f"/decisions/{decision_id}/verify")
    assert verified.json()["status"] == DecisionStatus.CARRIED_OUT
    listed = call(world.secretary, "GET", "/decisions?status=carried_out").json()
    assert [d["id"] for d in listed["items"]] == [decision_id]
    assert call(world.worker_b, "GET", f"/decisions/{decision_id}").status_code == 404


def test_recording_a_decision_twice_with_one_key_records_it_once(world, room):
    first = call(world.worker_a, "POST", "/decisions", decision_body(world, room), HTTP_IDEMPOTENCY_KEY="k-1")
    again = call(world.worker_a, "POST", "/decisions", decision_body(world, room), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    other = call(world.worker_a, "POST", "/decisions", decision_body(world, room, what="别的"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert Decision.objects.count() == 1


def test_progress_out_of_range_and_a_stranger_are_refused(world, room):
    decision_id = call(world.worker_a, "POST", "/decisions", decision_body(world, room)).json()["id"]
    assert call(world.worker_a, "POST", f"/decisions/{decision_id}/progress", {"percent": 101}).status_code == 400
    refused = call(room.members[0], "POST", f"/decisions/{decision_id}/progress", {"percent": 50})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_staff"
    assert call(world.worker_a, "POST", "/decisions", decision_body(world, room, owner_name="")).json()["error"]["code"] == "required"
