"""The back office for sites: opening hours and rooms inline, the same hour rules as the
services, and only the staff of a site's unit list and edit it."""
import pytest

from gongzhi.sites.models import OpeningPeriod, Room, Site
from tests.sites_booking_helpers import centre

pytestmark = pytest.mark.django_db


def inline(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def site_form(world, periods):
    return {"unit": world.community.pk, "kind": "station", "name": "书城宿舍红帆驿站", "active": "on",
            **inline("opening_periods", periods),
            **inline("rooms", [{"name": "议事角", "capacity": "10", "bookable": "on", "checkin_grace_minutes": "15",
                                "max_booking_minutes": "120"}])}


def test_a_secretary_adds_a_site_with_hours_and_a_room(client, world):
    client.force_login(world.secretary)
    answer = client.post("/admin/sites/site/add/", site_form(world, [
        {"weekday": "0", "opens": "08:30", "closes": "11:30"}, {"weekday": "0", "opens": "14:00", "closes": "17:30"}]))
    assert answer.status_code == 302, answer.context["errors"] if answer.context else answer
    site = Site.objects.get()
    assert OpeningPeriod.objects.filter(site=site).count() == 2 and Room.objects.get().name == "议事角"


def test_overlapping_hours_are_refused_in_the_back_office_and_nothing_is_written(client, world):
    client.force_login(world.secretary)
    answer = client.post("/admin/sites/site/add/", site_form(world, [
        {"weekday": "0", "opens": "08:30", "closes": "12:00"}, {"weekday": "0", "opens": "11:00", "closes": "17:30"}]))
    assert answer.status_code == 200 and not Site.objects.exists()
    assert "重叠" in answer.content.decode()


def test_a_grid_worker_does_not_list_or_edit_the_communitys_site(client, world):
    c = centre(world)
    client.force_login(world.worker_a)
    assert "三郭社区党群服务中心" not in client.get("/admin/sites/site/").content.decode()
    assert client.get(f"/admin/sites/site/{c.site.pk}/change/").status_code == 404
    client.force_login(world.secretary)
    assert "三郭社区党群服务中心" in client.get("/admin/sites/site/").content.decode()


@pytest.mark.parametrize("lat,lng", [("1000", "116.0"), ("35.0", "-500")])
def test_a_map_point_off_the_globe_is_refused_in_the_back_office(client, world, lat, lng):
    # The pages and the API refuse it (services.sites); the back office, where sites are edited, too.
    client.force_login(world.secretary)
    answer = client.post("/admin/sites/site/add/", {**site_form(world, []), "lat": lat, "lng": lng})
    assert answer.status_code == 200 and not Site.objects.exists()


def test_a_volunteers_map_point_off_the_globe_is_refused_in_the_back_office(client, world):
    from gongzhi.sites.models import Volunteer

    volunteer = Volunteer.objects.create(kind="resident", unit=world.grid_a, name="志愿者甲")
    client.force_login(world.secretary)
    answer = client.post(f"/admin/sites/volunteer/{volunteer.pk}/change/", {
        "skills": "", "lat": "91", "lng": "116", "available": "on"})
    assert answer.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.lat is None
