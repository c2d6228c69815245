"""Who may change accounts, roles and agencies in the back office."""
from django.urls import reverse

from gongzhi.people.models import Agency, AgencyKind, Role, RoleAssignment
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import PASSWORD, make_user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_secretary_cannot_reset_the_password_of_an_account_in_their_community(client, world):
    wide = make_user("wide", Role.INSTRUCTOR, [world.community])
    RoleAssignment.objects.create(user=wide, role=Role.DISTRICT_ADMIN).units.set([world.district])
    login(client, world.secretary)
    response = client.post(f"/admin/people/user/{wide.pk}/password/",
                           {"password1": "Hijack-2026-xyz", "password2": "Hijack-2026-xyz"})
    assert response.status_code in (403, 404)
    assert not client.login(username="wide", password="Hijack-2026-xyz")


def test_the_account_page_shows_the_phone_masked(client, world):
    world.worker_a.phone = "13911112222"
    world.worker_a.save()
    login(client, world.secretary)
    page = client.get(f"/admin/people/user/{world.worker_a.pk}/change/").content.decode()
    assert "13911112222" not in page and "139****2222" in page


def test_a_secretary_cannot_hand_out_roles(client, world):
    login(client, world.secretary)
    response = client.post(reverse("admin:people_roleassignment_add"),
                           {"user": world.worker_a.pk, "role": Role.DISTRICT_ADMIN, "units": [world.community.pk]})
    assert response.status_code == 403
    assert not world.worker_a.role_assignments.filter(role=Role.DISTRICT_ADMIN).exists()


def test_a_district_admin_cannot_make_peers_or_change_their_own_roles(client, world):
    admin = make_user("district-admin", Role.DISTRICT_ADMIN, [world.district])
    login(client, admin)
    response = client.post(reverse("admin:people_roleassignment_add"),
                           {"user": world.worker_a.pk, "role": Role.DISTRICT_ADMIN, "units": [world.grid_a.pk]})
    assert response.status_code == 200  # the role is not among the choices
    assert not world.worker_a.role_assignments.filter(role=Role.DISTRICT_ADMIN).exists()
    own = admin.role_assignments.get()
    assert client.get(reverse("admin:people_roleassignment_change", args=[own.pk])).status_code == 200  # view only
    response = client.post(reverse("admin:people_roleassignment_change", args=[own.pk]),
                           {"user": admin.pk, "role": Role.DISTRICT_ADMIN, "units": [world.district.pk]})
    assert response.status_code == 403


def test_an_agency_of_another_district_cannot_be_changed_or_deleted(client, world):
    other = territory.create_unit(name="别的区", level=Level.DISTRICT, code="370872")
    foreign = Agency.objects.create(name="别区住建局", kind=AgencyKind.DEPARTMENT, district=other)
    admin = make_user("district-admin", Role.DISTRICT_ADMIN, [world.district])
    login(client, admin)
    assert client.post(reverse("admin:people_agency_delete", args=[foreign.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:people_agency_change", args=[foreign.pk]),
                           {"name": "改名", "kind": "department", "utility_type": "", "district": world.district.pk})
    assert response.status_code == 403
    foreign.refresh_from_db()
    assert foreign.name == "别区住建局"
