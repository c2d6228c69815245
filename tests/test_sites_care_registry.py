"""The care registry: only the roles that serve older residents (and the resident's linked
accounts) find a profile; tags and the emergency contact are masked; every full view is logged."""
import pytest

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.people.models import Role
from gongzhi.sites.models import CareDataView, ElderProfile
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user


@pytest.fixture
def elder(world):
    return care.register_elder(world.resident_a, tags=["living_alone", "advanced_age"], by=world.worker_a,
                               emergency_contact="张小明", emergency_phone="13900001111")


def test_the_grid_worker_registers_an_older_resident_of_their_grid(world, elder):
    assert elder.tags == ["living_alone", "advanced_age"] and elder.recorded_by == world.worker_a


def test_a_grid_worker_of_another_grid_cannot_register_and_is_told_no_such_resident(world):
    with pytest.raises(NotFound):
        care.register_elder(world.resident_a, tags=[], by=world.worker_b)


def test_an_unknown_tag_is_refused_and_nothing_is_written(world):
    with pytest.raises(DomainError):
        care.register_elder(world.resident_a, tags=["rich"], by=world.worker_a)
    assert not ElderProfile.objects.exists()


def test_a_resident_is_registered_once(world, elder):
    with pytest.raises(DomainError):
        care.register_elder(world.resident_a, tags=[], by=world.worker_a)


def test_only_care_roles_of_the_scope_and_linked_accounts_see_a_profile(world, elder):
    relative = make_user("relative")
    ResidentLink.objects.create(resident=world.resident_a, user=relative, relation=AccountRelation.RELATIVE)
    instructor = make_user("instructor", Role.INSTRUCTOR, [world.community])
    seen = lambda user: ElderProfile.objects.visible_to(user).filter(pk=elder.pk).exists()  # noqa: E731
    assert seen(world.worker_a) and seen(world.secretary) and seen(relative)
    assert not seen(world.worker_b) and not seen(world.outsider) and not seen(instructor)


def test_a_profile_is_listed_once_for_staff_however_many_accounts_are_linked(world, elder):
    for name in ("son", "daughter"):
        ResidentLink.objects.create(resident=world.resident_a, user=make_user(name), relation=AccountRelation.RELATIVE)
    assert list(ElderProfile.objects.visible_to(world.worker_a)) == [elder]


def test_masked_shows_how_many_tags_but_not_which(elder):
    shown = care.masked(elder)
    assert shown["tag_count"] == 2 and "living_alone" not in str(shown) and "独居" not in str(shown)
    assert shown["emergency_contact"] == "张**" and shown["emergency_phone"] == "139****1111"


def test_reveal_gives_the_fields_in_full_and_logs_the_view(world, elder):
    full = care.reveal(elder, user=world.worker_a, channel="api")
    assert full["tags"] == ["living_alone", "advanced_age"] and full["emergency_phone"] == "13900001111"
    view = CareDataView.objects.get()
    assert (view.user, view.profile, view.channel) == (world.worker_a, elder, "api")


def test_reveal_refuses_someone_who_cannot_see_the_profile_and_logs_nothing(world, elder):
    with pytest.raises(NotFound):
        care.reveal(elder, user=world.worker_b)
    assert not CareDataView.objects.exists()


def test_filtering_by_tag_is_for_care_staff_and_logs_every_profile_listed(world, elder):
    other = care.register_elder(world.resident_b, tags=["empty_nest"], by=world.worker_b)
    found = list(care.filter_by_tag(ElderProfile.objects.visible_to(world.secretary), "living_alone", user=world.secretary))
    assert found == [elder] and other not in found
    care.log_listed(found, user=world.secretary)
    assert CareDataView.objects.filter(user=world.secretary, channel="filter").count() == 1


def test_a_linked_relative_cannot_filter_by_tag(world, elder):
    relative = make_user("relative")
    ResidentLink.objects.create(resident=world.resident_a, user=relative, relation=AccountRelation.RELATIVE)
    with pytest.raises(DomainError):
        care.filter_by_tag(ElderProfile.objects.visible_to(relative), "living_alone", user=relative)
