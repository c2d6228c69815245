"""The 三会一课 API: meetings scoped, attendance recorded (again is the same), the behind list,
study hours; out of scope is 404 like missing."""
import datetime

import pytest

from gongzhi.api.services import create_token
from gongzhi.deliberation.models import MeetingStatus

from tests.party_life_helpers import instructor_of, make_branch, meeting

API = "/api/v1/deliberation"


@pytest.fixture
def branch(world):
    return make_branch(world)


def bearer(user):
    _token, plaintext = create_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_an_instructor_lists_marks_and_reads_the_hours_of_their_branch(client, world, branch):
    other = make_branch(world, name="B小区党支部", grid=world.grid_b)
    instructor = instructor_of(branch, "instructor-a")
    auth = bearer(instructor)
    m = meeting(branch, datetime.date(2026, 3, 10), "dangyuan-dahui")
    theirs = meeting(other, datetime.date(2026, 3, 10), "dangyuan-dahui")
    listed = client.get(f"{API}/party/meetings", **auth).json()
    assert m.pk in [i["id"] for i in listed["items"]]
    url = f"{API}/party/meetings/{m.pk}/attendance"
    body = {"member_id": branch.people[1].pk, "present": False, "absence_reason": "出差"}
    first = client.post(url, body, content_type="application/json", **auth)
    again = client.post(url, body, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 200
    assert first.json()["attendance"] == again.json()["attendance"] == [
        {"member_id": branch.people[1].pk, "name": branch.people[1].name, "present": False, "absence_reason": "出差",
         "study_hours": "0.0"}]
    assert again.json()["absent"] == 1
    no_reason = client.post(url, {**body, "absence_reason": ""}, content_type="application/json", **auth)
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "required"
    outsider = client.post(url, {**body, "member_id": other.people[1].pk}, content_type="application/json", **auth)
    assert outsider.status_code == 400 and outsider.json()["error"]["code"] == "not_a_member"
    client.post(url, {"member_id": branch.people[2].pk, "present": True}, content_type="application/json", **auth)
    hours = client.get(f"{API}/party/members/{branch.people[2].pk}/study-hours", {"year": 2026}, **auth).json()
    assert hours == {"member_id": branch.people[2].pk, "year": 2026, "study_hours": "1.0", "meetings_present": 1,
                     "meetings_absent": 0}
    # B's grid worker: A's meeting and member are missing to them.
    theirs_auth = bearer(world.worker_b)
    assert [i["id"] for i in client.get(f"{API}/party/meetings", **theirs_auth).json()["items"]] == [theirs.pk]
    for path in (f"/party/meetings/{m.pk}", f"/party/members/{branch.people[1].pk}/study-hours"):
        assert client.get(API + path, **theirs_auth).status_code == 404
    assert client.get(f"{API}/party/meetings/999999", **theirs_auth).status_code == 404
    assert client.post(url, body, content_type="application/json", **theirs_auth).status_code == 404


def test_the_behind_list_names_the_missed_periods(client, world, branch):
    auth = bearer(world.secretary)
    items = client.get(f"{API}/party/behind", **auth).json()["items"]
    assert [i["organization_id"] for i in items] == [branch.pk]
    committee = next(m for m in items[0]["missed"] if m["format"] == "zhibu-weiyuanhui")
    assert committee["every_months"] == 1 and len(committee["missed_periods"]) == 12
    assert client.get(f"{API}/party/behind", **bearer(world.worker_b)).json()["items"] == []


def test_a_member_reads_a_meeting_with_only_their_own_mark(client, world, branch):
    from tests.conftest import make_user
    from gongzhi.people.models import Role
    from gongzhi.deliberation.services import party_life

    instructor = instructor_of(branch, "instructor-a")
    m = meeting(branch, datetime.date(2026, 3, 10), "dangyuan-dahui", status=MeetingStatus.SCHEDULED)
    for member in branch.people:
        party_life.record_member_attendance(m, member=member, present=True, by=instructor)
    user = make_user("member-1", Role.PARTY_MEMBER, [branch.unit])
    branch.people[1].account = user
    branch.people[1].save()
    detail = client.get(f"{API}/party/meetings/{m.pk}", **bearer(user)).json()
    assert [a["member_id"] for a in detail["attendance"]] == [branch.people[1].pk]
    refused = client.post(f"{API}/party/meetings/{m.pk}/attendance", {"member_id": branch.people[1].pk, "present": True},
                          content_type="application/json", **bearer(user))
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_allowed"
