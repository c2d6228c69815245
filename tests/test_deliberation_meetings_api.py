"""Meetings in the JSON API: scoped lists and reads (404 out of scope like missing), scheduling with
an Idempotency-Key, one occurrence moved or cancelled, open, sign-in, agenda, minutes, series."""
import datetime
import json

import pytest
from django.utils import timezone

from gongzhi.api.services import create_token
from gongzhi.deliberation.models import AgendaItem, Attendance, Meeting, MeetingFormat, MeetingSeries, MeetingStatus
from gongzhi.deliberation.services import meetings
from gongzhi.people.models import Role

from .conftest import make_user

BASE = "/api/v1/deliberation"


def auth(user, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='t')[1]}", **extra}


def post(client, user, path, body=None, **extra):
    return client.post(BASE + path, json.dumps(body or {}), content_type="application/json", **auth(user, **extra))


@pytest.fixture
def meeting(world):
    return meetings.schedule_meeting(format=MeetingFormat.objects.get(code="shuo-qi-shuo-ba"), unit=world.grid_a,
                                     starts_at=timezone.now() + datetime.timedelta(minutes=30), by=world.worker_a,
                                     title="说七说八")


def test_schedule_once_per_idempotency_key(client, world):
    body = {"format_code": "shuo-qi-shuo-ba", "unit_code": world.grid_a.code, "starts_at": "2027-01-07T19:00:00+08:00",
            "title": "一月", "place": "站"}
    first = post(client, world.worker_a, "/meetings", body, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, world.worker_a, "/meetings", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json() and Meeting.objects.count() == 1
    assert first.json()["starts_at"].startswith("2027-01-07T11:00:00")
    reused = post(client, world.worker_a, "/meetings", {**body, "title": "二月"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"


def test_staff_of_another_grid_get_the_error_shape(client, world):
    body = {"format_code": "shuo-qi-shuo-ba", "unit_code": world.grid_a.code, "starts_at": "2027-01-07T19:00:00+08:00"}
    response = post(client, world.worker_b, "/meetings", body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "unit"


def test_reads_are_scoped_and_out_of_scope_is_missing(client, world, meeting):
    mine = client.get(f"{BASE}/meetings", **auth(world.outsider)).json()
    assert [m["id"] for m in mine["items"]] == [meeting.pk]
    assert client.get(f"{BASE}/meetings", **auth(world.worker_b)).json()["items"] == []
    out = client.get(f"{BASE}/meetings/{meeting.pk}", **auth(world.worker_b))
    missing = client.get(f"{BASE}/meetings/999999", **auth(world.worker_b))
    assert out.status_code == missing.status_code == 404 and out.json() == missing.json()
    assert post(client, world.worker_b, f"/meetings/{meeting.pk}/open").status_code == 404


def test_open_sign_in_by_code_and_the_code_only_for_staff(client, world, meeting):
    opened = post(client, world.worker_a, f"/meetings/{meeting.pk}/open")
    code = opened.json()["signin_code"]
    assert opened.status_code == 200 and len(code) == 6
    seen = client.get(f"{BASE}/meetings/{meeting.pk}", **auth(world.outsider)).json()
    assert seen["signin_code"] is None and seen["status"] == "open"
    wrong = post(client, world.outsider, f"/meetings/{meeting.pk}/signin", {"code": "abc"})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "signin_code"
    right = post(client, world.outsider, f"/meetings/{meeting.pk}/signin", {"code": code})
    assert right.status_code == 200 and right.json()["method"] == "code"
    twice = post(client, world.outsider, f"/meetings/{meeting.pk}/signin", {"code": code})
    assert twice.json()["error"]["code"] == "already_signed_in"
    elder = make_user("elder", Role.RESIDENT, [world.grid_a])
    behalf = post(client, world.worker_a, f"/meetings/{meeting.pk}/signin", {"user_id": elder.pk})
    assert behalf.json()["on_behalf"] is True
    assert client.get(f"{BASE}/meetings/{meeting.pk}", **auth(world.worker_a)).json()["attendance_count"] == 2
    refused = post(client, world.outsider, f"/meetings/{meeting.pk}/signin", {"user_id": world.worker_a.pk})
    assert refused.status_code == 400 and Attendance.objects.count() == 2


def test_move_and_cancel_one_occurrence(client, world):
    series = MeetingSeries.objects.create(format=MeetingFormat.objects.get(code="shuo-qi-shuo-ba"), unit=world.grid_a,
                                          title="说七说八", starts_on=timezone.localdate(),
                                          recurrence="FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19")
    meetings.generate(series, timezone.localdate() + datetime.timedelta(days=70))
    first, second = Meeting.objects.filter(series=series).order_by("starts_at")[:2]
    moved = post(client, world.worker_a, f"/meetings/{first.pk}/move", {"starts_at": (first.starts_at + datetime.timedelta(days=1)).isoformat()})
    assert moved.status_code == 200 and moved.json()["moved"] is True
    cancelled = post(client, world.worker_a, f"/meetings/{second.pk}/cancel", {"reason": "停电"})
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_reason"] == "停电"
    series_list = client.get(f"{BASE}/series", **auth(world.worker_a)).json()["items"]
    assert series_list[0]["described"] and series_list[0]["id"] == series.pk


def test_agenda_items_and_minutes(client, world, meeting):
    added = post(client, world.worker_a, f"/meetings/{meeting.pk}/items", {"title": "甲"}, HTTP_IDEMPOTENCY_KEY="i1")
    again = post(client, world.worker_a, f"/meetings/{meeting.pk}/items", {"title": "甲"}, HTTP_IDEMPOTENCY_KEY="i1")
    assert added.status_code == again.status_code == 201 and AgendaItem.objects.count() == 1
    second = post(client, world.worker_a, f"/meetings/{meeting.pk}/items", {"title": "乙", "time_box_minutes": 30}).json()
    order = post(client, world.worker_a, f"/items/{second['id']}/move", {"position": 1}).json()
    assert [i["title"] for i in order["items"]] == ["乙", "甲"]
    assert post(client, world.outsider, f"/meetings/{meeting.pk}/items", {"title": "丙"}).json()["error"]["code"] == "forbidden"
    post(client, world.worker_a, f"/meetings/{meeting.pk}/open")
    minutes = post(client, world.worker_a, f"/items/{second['id']}/minutes", {"text": "同意"})
    assert minutes.json()["minutes"] == "同意"
    listed = client.get(f"{BASE}/meetings/{meeting.pk}/items", **auth(world.outsider)).json()
    assert [i["minutes"] for i in listed["items"]] == ["同意", ""]
    closed = post(client, world.worker_a, f"/meetings/{meeting.pk}/close")
    assert closed.json()["status"] == MeetingStatus.HELD


def test_create_a_series_through_the_api(client, world):
    body = {"format_code": "louzhang-yehua", "unit_code": world.grid_a.code, "starts_on": timezone.localdate().isoformat(),
            "title": "楼长夜话"}
    created = post(client, world.worker_a, "/series", body, HTTP_IDEMPOTENCY_KEY="s1")
    assert created.status_code == 201 and created.json()["recurrence"].startswith("FREQ=MONTHLY;BYDAY=1WE")
    assert post(client, world.worker_a, "/series", body, HTTP_IDEMPOTENCY_KEY="s1").json() == created.json()
    assert MeetingSeries.objects.count() == 1 and Meeting.objects.count() >= 1
    bad = post(client, world.worker_a, "/series", {**body, "recurrence": "FREQ=YEARLY;BYHOUR=9"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "recurrence"
