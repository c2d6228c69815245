"""The sites list pages and back-office lists run as many queries for many rows as for few (no N+1)."""
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.sites.models import MicroProject, Shift, Team, Volunteer
from gongzhi.sites.services import activities as svc
from gongzhi.sites.services import care
from tests import sites_activity_helpers as h

serial = itertools.count(1)


def _activity(w):
    h.one_off(w)


def _elder(w):
    r = h.resident(w, account=False)
    care.register_elder(r, tags=["living_alone"], by=w.worker_a, emergency_contact="张小明", emergency_phone="13900001111")


def _home_service(w):
    r = h.resident(w, account=False)
    elder = care.register_elder(r, tags=[], by=w.worker_a)
    care.request_home_service(elder=elder, kind="errand", by=w.worker_a)


def _volunteer(w):
    Volunteer.objects.create(kind="resident", unit=w.grid_a, name=f"志愿者{next(serial)}")


def _team(w):
    Team.objects.create(unit=w.grid_a, name=f"队{next(serial)}", leader=w.worker_a)


def _shift(w):
    start = timezone.now() + datetime.timedelta(days=2)
    Shift.objects.create(unit=w.grid_a, title="巡逻", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                         team=Team.objects.create(unit=w.grid_a, name=f"队{next(serial)}"), organizer=w.worker_a)


def _project(w):
    MicroProject.objects.create(unit=w.grid_a, title=f"微幸福{next(serial)}", plan="x", status="approved",
                                created_by=w.worker_a)


PAGES = [("sites:activities", _activity), ("sites:elders", _elder), ("sites:home_services", _home_service),
         ("sites:volunteers", _volunteer), ("sites:teams", _team), ("sites:shifts", _shift), ("sites:projects", _project)]


def _count(client, url):
    with CaptureQueriesContext(connection) as seen:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(seen)


@pytest.mark.parametrize("name,make", PAGES, ids=[p[0] for p in PAGES])
def test_a_list_page_runs_the_same_queries_for_six_rows_as_for_two(client, world, name, make):
    client.force_login(world.worker_a)
    for _ in range(2):
        make(world)
    url = reverse(name)
    _count(client, url)
    few = _count(client, url)
    for _ in range(4):
        make(world)
    assert _count(client, url) == few


API_LISTS = [("/volunteers", _volunteer), ("/teams", _team), ("/shifts", _shift), ("/projects", _project),
             ("/activities", _activity)]


@pytest.mark.parametrize("url,make", API_LISTS, ids=[a[0] for a in API_LISTS])
def test_an_api_list_runs_the_same_queries_for_six_rows_as_for_two(client, world, url, make):
    from gongzhi.api.services import create_token

    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world.worker_a, name='t')[1]}"}
    for _ in range(2):
        make(world)

    def count():
        with CaptureQueriesContext(connection) as seen:
            answer = client.get("/api/v1/services" + url, **headers)
        assert answer.status_code == 200 and answer.json()["items"]
        return len(seen)

    count()
    few = count()
    for _ in range(4):
        make(world)
    assert count() == few


def test_an_activity_in_the_api_counts_its_sessions_check_ins_in_one_query(client, world):
    from gongzhi.api.services import create_token

    activity = h.course(world, capacity=0, sessions=2)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world.worker_a, name='t')[1]}"}
    url = f"/api/v1/services/activities/{activity.pk}"

    def count():
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url, **headers).status_code == 200
        return len(seen)

    count()
    few = count()
    start = activity.sessions.order_by("-starts_at").first().starts_at
    for week in range(1, 5):
        svc.add_session(activity, starts_at=start + datetime.timedelta(weeks=week), by=world.worker_a)
    assert count() == few
