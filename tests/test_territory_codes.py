import pytest

from tests.conftest import refused, texts

from gongzhi.core.errors import DomainError
from gongzhi.territory import services
from gongzhi.territory.models import Level, Unit


def test_codes_are_generated_as_the_parents_code_plus_a_fixed_width_part(world):
    assert world.street.code == "370871001"
    assert world.community.code == "370871001001"
    assert world.grid_a.code == "370871001001001"
    assert world.grid_b.code == "370871001001002"
    assert len(world.grid_a.code) == 15
    assert world.micro_a1.code == "370871001001001001"


def test_everything_under_a_unit_is_one_prefix_range(world):
    under_a = set(Unit.objects.under(world.grid_a.code).values_list("name", flat=True))
    assert under_a == {"A网格", "A1", "A2"}
    under_community = Unit.objects.under(world.community.code).count()
    assert under_community == 6  # the community, 2 grids, 3 micro-grids


def test_an_imported_code_is_kept_when_valid(world):
    unit = services.create_unit(name="C网格", level=Level.GRID, parent=world.community, code="370871001001009")
    assert unit.code == "370871001001009"
    assert services.create_unit(name="D网格", level=Level.GRID, parent=world.community).code == "370871001001010"


@pytest.mark.parametrize("code, message", [
    ("37087100100100X", "digits"),
    ("3708710010010", "15 digits"),
    ("370871002001003", "parent's code"),
    ("370871001001000", "all zeros"),
])
def test_it_refuses_a_wrong_code_and_saves_nothing(world, code, message):
    before = Unit.objects.count()
    with pytest.raises(DomainError) as caught:
        services.create_unit(name="坏网格", level=Level.GRID, parent=world.community, code=code)
    assert message in texts(caught.value)
    assert Unit.objects.count() == before


def test_it_refuses_a_code_already_taken(world):
    with refused("already used"):
        services.create_unit(name="重复", level=Level.GRID, parent=world.community, code=world.grid_a.code)


def test_it_refuses_a_parent_of_the_wrong_level(world):
    before = Unit.objects.count()
    with pytest.raises(DomainError) as caught:
        services.create_unit(name="错层网格", level=Level.GRID, parent=world.street)
    assert "directly under" in texts(caught.value) and "上级" in texts(caught.value)
    assert Unit.objects.count() == before


def test_a_district_needs_its_county_code(db):
    with refused("6-digit county code"):
        services.create_unit(name="区", level=Level.DISTRICT)


def test_moving_a_grid_rewrites_the_codes_of_its_whole_subtree(world):
    other = services.create_unit(name="另一社区", level=Level.COMMUNITY, parent=world.street)
    services.move_unit(world.grid_a, other)
    world.grid_a.refresh_from_db()
    assert world.grid_a.code == other.code + "001"
    assert world.grid_a.parent == other
    micro_codes = sorted(Unit.objects.filter(parent=world.grid_a).values_list("code", flat=True))
    assert micro_codes == [world.grid_a.code + "001", world.grid_a.code + "002"]


def test_a_unit_cannot_be_moved_under_a_parent_of_the_wrong_level(world):
    with refused("directly under"):
        services.move_unit(world.grid_a, world.street)
    world.grid_a.refresh_from_db()
    assert world.grid_a.parent == world.community
    assert world.grid_a.code == "370871001001001"
