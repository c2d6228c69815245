"""The care pages: the registry is masked and only for those who serve (or are linked); showing
it in full is a POST and is logged; home services are raised, matched with the reason shown,
and confirmed; the site's staff check residents in; staff link accounts to residents."""
import pytest
from django.urls import reverse

from gongzhi.sites.models import (CareCheckIn, CareDataView, HomeServiceRequest, HomeServiceStatus, Site, SiteKind,
                                  Volunteer, VolunteerKind)
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user


@pytest.fixture
def elder(world):
    building = world.household_a.building
    building.lat, building.lng = 35.01, 116.01
    building.save()
    return care.register_elder(world.resident_a, tags=["living_alone"], by=world.worker_a,
                               emergency_contact="张小明", emergency_phone="13900001111")


@pytest.fixture
def son(world):
    user = make_user("son")
    ResidentLink.objects.create(resident=world.resident_a, user=user, relation=AccountRelation.RELATIVE)
    return user


def test_the_grid_worker_sees_the_registry_masked(client, world, elder):
    client.force_login(world.worker_a)
    # The list itself (the filter's menu names every tag, for everyone who may filter).
    page = client.get(reverse("sites:elders")).content.decode().split('data-testid="elders"')[1]
    assert "张三" in page and "13900001111" not in page and "独居" not in page and "Living alone" not in page
    page = client.get(reverse("sites:elder", args=[elder.pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page and "独居" not in page
    assert not CareDataView.objects.exists()


@pytest.mark.parametrize("who", ["worker_b", "outsider"])
def test_those_who_do_not_serve_get_404_and_an_empty_list(client, world, elder, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("sites:elder", args=[elder.pk])).status_code == 404
    assert client.post(reverse("sites:elder_reveal", args=[elder.pk])).status_code == 404
    assert "张三" not in client.get(reverse("sites:elders")).content.decode()
    assert not CareDataView.objects.exists()


def test_showing_in_full_is_a_post_and_is_logged(client, world, elder):
    client.force_login(world.worker_a)
    url = reverse("sites:elder_reveal", args=[elder.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    page = response.content.decode()
    assert "13900001111" in page and ("独居" in page or "Living alone" in page)
    assert response["Cache-Control"] == "no-store"
    assert CareDataView.objects.get().channel == "page"


def test_a_linked_relative_sees_their_own_and_may_show_it_in_full(client, world, elder, son):
    client.force_login(son)
    assert client.get(reverse("sites:elder", args=[elder.pk])).status_code == 200
    client.post(reverse("sites:elder_reveal", args=[elder.pk]))
    assert CareDataView.objects.get().user == son


def test_care_staff_filter_by_tag_and_every_listed_profile_is_logged(client, world, elder):
    client.force_login(world.secretary)
    page = client.get(reverse("sites:elders"), {"tag": "living_alone"}).content.decode()
    assert "张三" in page
    assert CareDataView.objects.filter(user=world.secretary, channel="filter").count() == 1
    assert "张三" not in client.get(reverse("sites:elders"), {"tag": "empty_nest"}).content.decode()


def test_for_anyone_else_the_tag_filter_does_not_exist(client, world, elder, son):
    client.force_login(son)
    # The tag is ignored: the same list whichever tag is asked, so it cannot be probed.
    assert "张三" in client.get(reverse("sites:elders"), {"tag": "empty_nest"}).content.decode()
    assert not CareDataView.objects.exists()


def test_a_relative_asks_for_a_home_service_on_a_phone_and_it_is_recorded_as_such(client, world, elder, son):
    client.force_login(son)
    response = client.post(reverse("sites:home_service_new", args=[elder.pk]), {"kind": "errand", "details": "代缴电费"})
    request = HomeServiceRequest.objects.get()
    assert response.status_code == 302 and (request.raised_by, request.raised_as) == (son, "relative")
    assert client.get(reverse("sites:home_service", args=[request.pk])).status_code == 200


def test_bad_input_is_refused_with_a_message_and_nothing_is_written(client, world, elder, son):
    client.force_login(son)
    response = client.post(reverse("sites:home_service_new", args=[elder.pk]), {"kind": "massage"})
    assert response.status_code == 400 and not HomeServiceRequest.objects.exists()


def test_staff_see_the_suggestions_with_their_reasons_and_match(client, world, elder):
    helper = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="王志愿", unit=world.grid_a, lat=35.011, lng=116.011,
                                      user=make_user("volunteer"))
    request = care.request_home_service(elder=elder, kind="errand", by=world.worker_a)
    client.force_login(world.worker_a)
    page = client.get(reverse("sites:home_service", args=[request.pk])).content.decode()
    assert "王志愿" in page and "0.1" in page.split('data-testid="match-form"')[1]
    client.post(reverse("sites:home_service_match", args=[request.pk]), {"helper": f"volunteer:{helper.pk}"})
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.MATCHED and request.volunteer == helper
    # The volunteer sees the request but not the reason staff saw (it names their load).
    client.force_login(helper.user)
    page = client.get(reverse("sites:home_service", args=[request.pk])).content.decode()
    assert 'data-testid="done-form"' in page and 'data-testid="match-reason"' not in page


def test_a_volunteer_of_another_district_is_no_helper(client, world, elder):
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level
    elsewhere = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    stranger = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="外区", unit=elsewhere)
    request = care.request_home_service(elder=elder, kind="errand", by=world.worker_a)
    client.force_login(world.worker_a)
    client.post(reverse("sites:home_service_match", args=[request.pk]), {"helper": f"volunteer:{stranger.pk}"})
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.REQUESTED


def test_the_canteen_staff_check_a_resident_in_for_lunch(client, world):
    canteen = Site.objects.create(unit=world.community, kind=SiteKind.CANTEEN, name="老年食堂")
    client.force_login(world.secretary)
    url = reverse("sites:care_checkin", args=[canteen.pk])
    assert "张三" in client.get(url, {"q": "张"}).content.decode()
    client.post(url, {"resident": world.resident_a.pk, "meal": "lunch"})
    client.post(url, {"resident": world.resident_a.pk, "meal": "lunch"})
    assert CareCheckIn.objects.filter(resident=world.resident_a, meal="lunch").count() == 1


def test_the_check_in_screen_is_not_for_a_resident(client, world):
    canteen = Site.objects.create(unit=world.community, kind=SiteKind.CANTEEN, name="老年食堂")
    client.force_login(world.outsider)
    assert client.get(reverse("sites:care_checkin", args=[canteen.pk])).status_code == 404


def test_the_grid_worker_links_and_unlinks_an_account(client, world):
    make_user("daughter")
    client.force_login(world.worker_a)
    url = reverse("sites:resident_links", args=[world.resident_a.pk])
    client.post(url, {"username": "daughter", "relation": "relative"})
    link = ResidentLink.objects.get()
    assert link.recorded_by == world.worker_a
    client.post(url, {"remove": link.pk})
    assert not ResidentLink.objects.exists()


def test_another_grids_worker_cannot_open_the_links_page(client, world):
    client.force_login(world.worker_b)
    assert client.get(reverse("sites:resident_links", args=[world.resident_a.pk])).status_code == 404


def test_my_care_lists_the_residents_an_account_is_linked_to(client, world, elder, son):
    client.force_login(son)
    assert "张三" in client.get(reverse("sites:care_mine")).content.decode()


def test_the_grid_worker_registers_an_older_resident_on_the_page(client, world):
    from gongzhi.sites.models import ElderProfile
    client.force_login(world.worker_a)
    url = reverse("sites:elder_new")
    bad = client.post(url, {"resident": world.resident_a.pk, "tags": ["living_alone"], "visit_every_days": "每月"})
    assert bad.status_code == 400 and not ElderProfile.objects.exists()
    client.post(url, {"resident": world.resident_a.pk, "tags": ["living_alone", "advanced_age"]})
    profile = ElderProfile.objects.get()
    assert profile.tags == ["living_alone", "advanced_age"] and profile.visit_every_days == 30
    # Another grid's resident is no resident.
    assert client.post(url, {"resident": world.resident_b.pk}).status_code == 400
