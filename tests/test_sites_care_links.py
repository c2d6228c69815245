"""Care staff link an account to a resident (own, relative, carer): every on-behalf rule reads these."""
import pytest

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user


def test_the_grid_worker_links_a_relative(world):
    son = make_user("son")
    link = care.link_account(world.resident_a, user=son, relation=AccountRelation.RELATIVE, by=world.worker_a)
    assert (link.resident, link.user, link.recorded_by) == (world.resident_a, son, world.worker_a)


def test_staff_of_another_grid_cannot_link(world):
    with pytest.raises(NotFound):
        care.link_account(world.resident_a, user=make_user("son"), relation=AccountRelation.RELATIVE, by=world.worker_b)


def test_an_account_is_the_own_account_of_one_resident_only(world):
    own = make_user("own")
    care.link_account(world.resident_a, user=own, relation=AccountRelation.SELF, by=world.secretary)
    with pytest.raises(DomainError):
        care.link_account(world.resident_b, user=own, relation=AccountRelation.SELF, by=world.secretary)
    with pytest.raises(DomainError):
        care.link_account(world.resident_a, user=make_user("other"), relation=AccountRelation.SELF, by=world.secretary)


def test_a_link_is_recorded_once(world):
    son = make_user("son")
    care.link_account(world.resident_a, user=son, relation=AccountRelation.RELATIVE, by=world.worker_a)
    with pytest.raises(DomainError):
        care.link_account(world.resident_a, user=son, relation=AccountRelation.CARER, by=world.worker_a)


def test_unlinking_is_for_staff_of_the_grid(world):
    link = care.link_account(world.resident_a, user=make_user("son"), relation=AccountRelation.RELATIVE, by=world.worker_a)
    with pytest.raises(NotFound):
        care.unlink_account(link, by=world.worker_b)
    care.unlink_account(link, by=world.worker_a)
    assert not ResidentLink.objects.exists()
