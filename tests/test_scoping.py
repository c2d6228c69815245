"""Who sees what: a grid worker of grid A meets a 404 on grid B's records,
on the pages and in the back office, exactly as for a missing record."""
import pytest
from django.urls import reverse

from gongzhi.territory.models import PersonalDataView, Resident, Unit
from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_grid_worker_sees_the_residents_of_their_own_grid(client, world):
    login(client, world.worker_a)
    response = client.get(reverse("territory:resident", args=[world.resident_a.pk]))
    assert response.status_code == 200
    assert "张三" in response.content.decode()


def test_a_grid_worker_gets_404_on_another_grids_resident(client, world):
    login(client, world.worker_a)
    assert client.get(reverse("territory:resident", args=[world.resident_b.pk])).status_code == 404
    missing = Resident.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("territory:resident", args=[missing])).status_code == 404


def test_a_grid_worker_gets_404_on_another_grids_resident_in_the_back_office(client, world):
    login(client, world.worker_a)
    assert client.get(reverse("admin:territory_resident_change", args=[world.resident_a.pk])).status_code == 200
    assert client.get(reverse("admin:territory_resident_change", args=[world.resident_b.pk])).status_code == 404
    changelist = client.get(reverse("admin:territory_resident_changelist")).content.decode()
    assert "张三" in changelist and "李四" not in changelist


def test_a_grid_worker_gets_404_on_another_grid(client, world):
    login(client, world.worker_a)
    assert client.get(reverse("territory:unit", args=[world.grid_a.code])).status_code == 200
    assert client.get(reverse("territory:unit", args=[world.grid_b.code])).status_code == 404
    assert client.get(reverse("admin:territory_unit_change", args=[world.grid_b.pk])).status_code == 404


def test_the_resident_list_shows_only_the_own_grid_masked(client, world):
    login(client, world.worker_a)
    page = client.get(reverse("territory:residents")).content.decode()
    assert "张三" in page and "李四" not in page
    assert "3708**********001X" in page and "138****5678" in page
    assert "37081119800101001X" not in page and "13812345678" not in page


def test_the_community_secretary_sees_both_grids(client, world):
    login(client, world.secretary)
    page = client.get(reverse("territory:residents")).content.decode()
    assert "张三" in page and "李四" in page


def test_an_outsider_gets_404_on_every_resident(client, world):
    login(client, world.outsider)
    for resident in (world.resident_a, world.resident_b):
        assert client.get(reverse("territory:resident", args=[resident.pk])).status_code == 404
    assert client.get(reverse("admin:index")).status_code == 302  # no back office for a resident


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("territory:resident", args=[world.resident_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_seeing_an_id_number_in_full_is_logged(client, world):
    login(client, world.worker_a)
    response = client.post(reverse("territory:resident-reveal", args=[world.resident_a.pk]), {"field": "id_number"})
    assert response.status_code == 200
    assert "37081119800101001X" in response.content.decode()
    log = PersonalDataView.objects.get()
    assert (log.user, log.resident, log.field) == (world.worker_a, world.resident_a, "id_number")


def test_revealing_another_grids_resident_answers_404_and_logs_nothing(client, world):
    login(client, world.worker_a)
    response = client.post(reverse("territory:resident-reveal", args=[world.resident_b.pk]), {"field": "id_number"})
    assert response.status_code == 404
    assert not PersonalDataView.objects.exists()


def test_a_reveal_is_refused_by_get(client, world):
    login(client, world.worker_a)
    assert client.get(reverse("territory:resident-reveal", args=[world.resident_a.pk])).status_code == 405


def test_visible_to_is_built_from_every_assignment_a_user_holds(world):
    from gongzhi.people.models import Role, RoleAssignment

    extra = RoleAssignment.objects.create(user=world.worker_a, role=Role.PARTY_MEMBER)
    extra.units.set([world.grid_b])
    fresh = type(world.worker_a).objects.get(pk=world.worker_a.pk)
    assert set(Unit.objects.visible_to(fresh).values_list("code", flat=True)) >= {world.grid_a.code, world.grid_b.code}
    # ...but a party-member role does not open grid B's resident ledger.
    assert list(Resident.objects.visible_to(fresh)) == [world.resident_a]


@pytest.mark.parametrize("url_name", ["territory:residents", "party:branches", "home"])
def test_list_pages_use_a_flat_number_of_queries(client, world, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization
    from gongzhi.territory import services
    from gongzhi.territory.identity import id_check_char
    from gongzhi.territory.models import Household

    login(client, world.secretary)

    def queries():
        from django.core.cache import cache

        cache.clear()  # the home page's counts are cached: measure the uncached page
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    def add(i):
        household = Household.objects.create(building=world.household_a.building, room=f"9-{i:03d}")
        first17 = f"37081119700101{i:03d}"
        services.create_resident(household=household, name=f"居民{i}", gender="", id_number=first17 + id_check_char(first17))
        branch = PartyOrganization.objects.create(name=f"支部{i}", kind=OrganizationKind.BRANCH, unit=world.grid_a)
        branch.secretary = PartyMember.objects.create(name=f"书记{i}", gender="M", organization=branch, employment="retired")
        branch.save()

    add(0)
    before = queries()
    for i in range(1, 21):
        add(i)
    assert queries() == before
