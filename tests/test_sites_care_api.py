"""The care API: masked by default, reveal logged (channel api), hidden from those who do not
serve (404 like missing), tag filter for care staff only, home services raised idempotently."""
import json

import pytest

from gongzhi.api.services import create_token
from gongzhi.sites.models import CareCheckIn, CareDataView, HomeServiceRequest, Site, SiteKind, Volunteer, VolunteerKind
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user

API = "/api/v1/services"


def auth(user, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='t')[1]}", **extra}


def post(client, user, path, body=None, **extra):
    return client.post(API + path, json.dumps(body or {}), content_type="application/json", **auth(user, **extra))


@pytest.fixture
def elder(world):
    return care.register_elder(world.resident_a, tags=["living_alone", "dementia"], by=world.worker_a,
                               emergency_contact="张小明", emergency_phone="13900001111")


def test_the_registry_answers_masked(client, world, elder):
    body = client.get(f"{API}/care/elders", **auth(world.worker_a)).json()
    row = body["items"][0]
    assert row["tag_count"] == 2 and row["emergency_phone"] == "139****1111"
    assert "living_alone" not in json.dumps(body) and "13900001111" not in json.dumps(body)
    assert not CareDataView.objects.exists()


@pytest.mark.parametrize("who", ["worker_b", "outsider"])
def test_those_who_do_not_serve_get_404_like_missing_and_an_empty_list(client, world, elder, who):
    user = getattr(world, who)
    assert client.get(f"{API}/care/elders/{elder.pk}", **auth(user)).status_code == 404
    assert post(client, user, f"/care/elders/{elder.pk}/reveal").status_code == 404
    assert post(client, user, "/care/elders/999999/reveal").status_code == 404
    assert client.get(f"{API}/care/elders", **auth(user)).json()["items"] == []
    assert not CareDataView.objects.exists()


def test_reveal_gives_the_data_and_logs_the_view(client, world, elder):
    body = post(client, world.worker_a, f"/care/elders/{elder.pk}/reveal").json()
    assert body["tags"] == ["living_alone", "dementia"] and body["emergency_phone"] == "13900001111"
    assert CareDataView.objects.get().channel == "api"


def test_the_tag_filter_is_refused_to_a_relative_and_logged_for_staff(client, world, elder):
    son = make_user("son")
    ResidentLink.objects.create(resident=world.resident_a, user=son, relation=AccountRelation.RELATIVE)
    assert client.get(f"{API}/care/elders?tag=dementia", **auth(son)).status_code == 400
    assert len(client.get(f"{API}/care/elders?tag=dementia", **auth(world.secretary)).json()["items"]) == 1
    assert client.get(f"{API}/care/elders?tag=empty_nest", **auth(world.secretary)).json()["items"] == []
    assert CareDataView.objects.filter(channel="filter").count() == 1


def test_a_relative_raises_a_request_once_per_idempotency_key(client, world, elder):
    son = make_user("son")
    ResidentLink.objects.create(resident=world.resident_a, user=son, relation=AccountRelation.RELATIVE)
    first = post(client, son, "/care/home-services", {"elder_id": elder.pk, "kind": "home_visit"}, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, son, "/care/home-services", {"elder_id": elder.pk, "kind": "home_visit"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["raised_as"] == "relative" and HomeServiceRequest.objects.count() == 1


def test_a_bad_kind_is_a_clear_error(client, world, elder):
    response = post(client, world.worker_a, "/care/home-services", {"elder_id": elder.pk, "kind": "massage"})
    assert response.status_code == 400 and response.json()["error"]["message"]


def test_suggestions_and_match_through_the_api(client, world, elder):
    building = world.household_a.building
    building.lat, building.lng = 35.01, 116.01
    building.save()
    helper = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="王志愿", unit=world.grid_a, lat=35.02, lng=116.01)
    service = care.request_home_service(elder=elder, kind="errand", by=world.worker_a)
    found = client.get(f"{API}/care/home-services/{service.pk}/suggestions", **auth(world.worker_a)).json()
    assert found[0]["id"] == helper.pk and 1.0 < found[0]["distance_km"] < 1.2 and "1.1" in found[0]["reason"]
    body = post(client, world.worker_a, f"/care/home-services/{service.pk}/match", {"volunteer_id": helper.pk}).json()
    assert body["status"] == "matched" and body["volunteer_id"] == helper.pk


def test_the_canteen_checks_in_through_the_api(client, world):
    canteen = Site.objects.create(unit=world.community, kind=SiteKind.CANTEEN, name="老年食堂")
    body = {"site_id": canteen.pk, "resident_id": world.resident_a.pk, "kind": "meal", "meal": "lunch"}
    assert post(client, world.secretary, "/care/checkins", body).status_code == 201
    assert post(client, world.secretary, "/care/checkins", body).status_code == 400
    assert post(client, world.outsider, "/care/checkins", body).status_code == 404
    assert CareCheckIn.objects.count() == 1
