"""The services home: the way into every part, one's places with the waiting-list position,
and the staff desks only for staff."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.sites.services import activities as svc
from tests.sites_activity_helpers import course, resident

pytestmark = pytest.mark.django_db


def test_a_resident_sees_the_doors_and_their_place_on_the_waiting_list(client, world):
    full = course(world, capacity=1)
    first, second = resident(world), resident(world)
    svc.sign_up(full, by=first.account)
    svc.sign_up(full, by=second.account)
    client.force_login(second.account)
    page = client.get(reverse("sites:home")).content.decode()
    for door in ("door-activities", "door-sites", "door-projects", "door-calendar"):
        assert door in page
    assert 'data-testid="waitlist-position"' in page and "太极拳班" in page
    assert "services-staff" not in page and "door-hours" not in page


def test_a_relative_linked_to_a_resident_finds_the_home_services(client, world):
    from gongzhi.territory.models import AccountRelation, ResidentLink
    from tests.conftest import make_user

    parent = resident(world, account=False)
    son = make_user("son", "resident", [world.grid_a])
    client.force_login(son)
    assert "door-care" not in client.get(reverse("sites:home")).content.decode()
    ResidentLink.objects.create(resident=parent, user=son, relation=AccountRelation.RELATIVE, recorded_by=world.worker_a)
    assert "door-care" in client.get(reverse("sites:home")).content.decode()


def test_staff_see_their_desks(client, world):
    client.force_login(world.worker_a)
    page = client.get(reverse("sites:home")).content.decode()
    assert "services-staff" in page and reverse("sites:elders") in page


def test_the_home_runs_as_many_queries_for_ten_places_as_for_one(client, world):
    person = resident(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sites:home")).status_code == 200
        return len(queries)

    client.force_login(person.account)
    svc.sign_up(course(world, capacity=5), by=person.account)
    one = count()
    for _ in range(9):
        svc.sign_up(course(world, capacity=5), by=person.account)
    # Each waiting place asks its position (at most ten rows); confirmed places ask nothing more.
    assert count() == one
