"""Numbers and dates out of any sensible range (a shift for 10^17 volunteers, a session at the end
of year 9999 or lasting years) are refused with a clear message on the pages and the API, never a 500."""
import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.api.services import create_token
from gongzhi.sites.models import Session, Shift
from gongzhi.sites.services import activities as svc
from tests import sites_activity_helpers as h
from tests.conftest import refused

API = "/api/v1/services"


def _post(client, url, user, body):
    return client.post(API + url, json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {create_token(user, name='t')[1]}")


def _tomorrow_at(hour):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_a_shift_for_more_volunteers_than_a_number_holds_is_refused_on_the_page(client, world):
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:shift_new"), {
        "unit": world.grid_a.code, "title": "巡逻", "places": "100000000000000000",
        "starts_at": _tomorrow_at(9).strftime("%Y-%m-%dT%H:%M"), "ends_at": _tomorrow_at(11).strftime("%Y-%m-%dT%H:%M")})
    assert answer.status_code in (200, 400)
    assert not Shift.objects.exists()


def test_a_shift_for_more_volunteers_than_a_number_holds_is_refused_in_the_api(client, world):
    answer = _post(client, "/shifts", world.worker_a, {
        "unit_code": world.grid_a.code, "title": "巡逻", "places": 10 ** 17,
        "starts_at": _tomorrow_at(9).isoformat(), "ends_at": _tomorrow_at(11).isoformat()})
    assert answer.status_code in (400, 422)
    assert not Shift.objects.exists()


def test_a_session_at_the_end_of_time_is_refused_on_the_page(client, world):
    activity, _session = h.one_off(world)
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:session_add", args=[activity.pk]), {"starts_at": "9999-12-31T23:30"})
    assert answer.status_code in (200, 302, 400)
    assert Session.objects.filter(activity=activity).count() == 1


def test_a_session_at_the_end_of_time_is_refused_in_the_api(client, world):
    activity, _session = h.one_off(world)
    answer = _post(client, f"/activities/{activity.pk}/sessions", world.worker_a, {"starts_at": "9999-12-31T23:30:00Z"})
    assert answer.status_code in (400, 422)
    assert Session.objects.filter(activity=activity).count() == 1


def test_a_session_lasting_years_is_refused(world):
    activity, _session = h.one_off(world)
    start = _tomorrow_at(9)
    with refused("session"):
        svc.add_session(activity, starts_at=start, ends_at=start + datetime.timedelta(days=3 * 365), by=world.worker_a)
