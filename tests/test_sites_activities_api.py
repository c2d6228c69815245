"""The activities API: the same rules and scoping as the pages, the one error shape, idempotent creating POSTs."""
import datetime
import json

import pytest
from django.utils import timezone

from gongzhi.api.services import create_token
from gongzhi.sites.models import Activity, CheckIn, Session, Signup
from gongzhi.sites.services import activities as svc
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user
from tests.sites_activity_helpers import course, one_off, resident

pytestmark = pytest.mark.django_db
API = "/api/v1/services"


def auth(user, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='t')[1]}", **extra}


def post(client, url, user, body=None, **extra):
    return client.post(API + url, json.dumps(body or {}), content_type="application/json", **auth(user, **extra))


def test_sign_up_waitlist_and_promotion_through_the_api(client, world):
    c = course(world, capacity=1)
    a, b = resident(world), resident(world)
    first = post(client, f"/activities/{c.pk}/signups", a.account)
    second = post(client, f"/activities/{c.pk}/signups", b.account)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    assert second.json()["status"] == "waitlisted" and second.json()["waitlist_position"] == 1
    again = post(client, f"/activities/{c.pk}/signups", a.account)
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_signed_up"
    cancelled = post(client, f"/signups/{first.json()['id']}/cancel", a.account)
    assert cancelled.json()["promoted_id"] == second.json()["id"]
    mine = client.get(API + "/signups", **auth(b.account)).json()["items"]
    assert [s["status"] for s in mine] == ["confirmed"]


def test_a_sign_up_with_an_idempotency_key_is_made_once(client, world):
    c = course(world)
    a = resident(world)
    answers = [post(client, f"/activities/{c.pk}/signups", a.account, HTTP_IDEMPOTENCY_KEY="k-1") for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 201] and answers[0].json() == answers[1].json()
    assert Signup.objects.filter(activity=c).count() == 1


def test_a_relative_signs_up_on_behalf_and_a_stranger_is_refused_like_a_missing_resident(client, world):
    c = course(world)
    granny = resident(world, account=False)
    son = make_user("son", "resident", [world.grid_a])
    ResidentLink.objects.create(resident=granny, user=son, relation=AccountRelation.CARER)
    made = post(client, f"/activities/{c.pk}/signups", son, {"resident_id": granny.pk})
    assert made.status_code == 201 and made.json()["on_behalf"] and made.json()["for_resident"]
    stranger = make_user("stranger", "resident", [world.grid_a])
    refused = post(client, f"/activities/{c.pk}/signups", stranger, {"resident_id": granny.pk})
    missing = post(client, f"/activities/{c.pk}/signups", stranger, {"resident_id": 999999})
    assert refused.status_code == missing.status_code == 400
    assert refused.json()["error"]["code"] == missing.json()["error"]["code"]


def test_check_in_by_code_and_person_times_in_the_detail(client, world):
    activity, session = one_off(world, capacity=0, starts_in=datetime.timedelta(minutes=-5))
    opened = post(client, f"/activity-sessions/{session.pk}/open", world.worker_a)
    code = opened.json()["checkin_code"]
    r = resident(world)
    # A participant does not see the code in the API: only the door shows it.
    detail = client.get(API + f"/activities/{activity.pk}", **auth(r.account)).json()
    assert detail["sessions"][0]["checkin_code"] is None
    done = post(client, f"/activity-sessions/{session.pk}/checkin", r.account, {"code": code})
    assert done.status_code == 200 and done.json()["method"] == "code"
    twice = post(client, f"/activity-sessions/{session.pk}/checkin", r.account, {"code": code})
    assert twice.json()["error"]["code"] == "already_checked_in"
    assert client.get(API + f"/activities/{activity.pk}", **auth(r.account)).json()["person_times"] == 1


def test_staff_create_an_activity_and_residents_cannot(client, world):
    body = {"unit_code": world.grid_a.code, "kind": "course", "title": "书法班", "capacity": 20}
    made = post(client, "/activities", world.worker_a, body, HTTP_IDEMPOTENCY_KEY="c-1")
    assert made.status_code == 201 and Activity.objects.filter(title="书法班").count() == 1
    refused = post(client, "/activities", world.outsider, {**body, "title": "别的班"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "forbidden"


def test_another_districts_activity_is_404_like_missing(client, world):
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    far = svc.create_activity(unit=other, kind="activity", title="别区活动", by=make_user("b-admin", "district_admin", [other]))
    out = client.get(API + f"/activities/{far.pk}", **auth(world.outsider))
    missing = client.get(API + "/activities/999999", **auth(world.outsider))
    assert out.status_code == missing.status_code == 404 and out.json() == missing.json()
