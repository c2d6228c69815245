import pytest

from tests.conftest import refused, texts

from gongzhi.core.errors import DomainError
from gongzhi.territory import services
from gongzhi.territory.geometry import OutsideAllGrids, locate, validate_boundary
from gongzhi.territory.models import Level, Unit


def test_a_point_inside_a_micro_grid_is_placed_in_it_and_its_grid(world):
    placed = locate(35.01, 116.005)
    assert placed.micro_grid_code == world.micro_a1.code
    assert placed.grid_code == world.grid_a.code
    placed = locate(35.01, 116.03)
    assert (placed.micro_grid_code, placed.grid_code) == (world.micro_b1.code, world.grid_b.code)


def test_a_point_on_a_shared_border_goes_to_the_smallest_code_every_time(world):
    # lng 116.01 is the border of A1 and A2; lng 116.02 is the border of grids A and B.
    assert {locate(35.01, 116.01).micro_grid_code for _ in range(5)} == {world.micro_a1.code}
    assert locate(35.01, 116.02).micro_grid_code == world.micro_a2.code


def test_a_point_outside_every_grid_gets_a_clear_error(world):
    with pytest.raises(OutsideAllGrids) as caught:
        locate(36.5, 117.5)
    assert "outside every grid" in texts(caught.value)
    assert "不在任何网格内" in texts(caught.value)


def test_it_refuses_a_point_that_is_not_a_number(world):
    with refused("must be numbers"):
        locate("north", 116.0)


def test_the_locator_follows_a_changed_boundary(world):
    assert locate(35.01, 116.005).micro_grid_code == world.micro_a1.code
    services.set_boundary(world.micro_a1, {"type": "Polygon", "coordinates": [[[116.5, 35.5], [116.6, 35.5], [116.6, 35.6], [116.5, 35.5]]]})
    with pytest.raises(OutsideAllGrids):
        locate(35.01, 116.005)


def test_it_refuses_a_self_intersecting_polygon_and_saves_nothing(world):
    bow_tie = {"type": "Polygon", "coordinates": [[[116.0, 35.0], [116.1, 35.1], [116.1, 35.0], [116.0, 35.1], [116.0, 35.0]]]}
    before = Unit.objects.count()
    with pytest.raises(DomainError) as caught:
        services.create_unit(name="蝴蝶网格", level=Level.GRID, parent=world.community, boundary=bow_tie)
    assert "Self-intersection" in texts(caught.value) and "自相交" in texts(caught.value)
    assert Unit.objects.count() == before


@pytest.mark.parametrize("geojson, message", [
    ({"type": "Point", "coordinates": [116.0, 35.0]}, "Polygon or MultiPolygon"),
    ("not json at all", "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[1116.0, 35.0], [1116.1, 35.0], [1116.1, 35.1], [1116.0, 35.0]]]}, "longitude, latitude"),
    ({"type": "Polygon", "coordinates": "oops"}, "cannot be read"),
])
def test_it_refuses_a_boundary_that_is_not_a_polygon(geojson, message):
    with refused(message):
        validate_boundary(geojson)


def test_the_locator_follows_a_moved_grid(world):
    from gongzhi.territory.models import Level

    other = services.create_unit(name="新社区", level=Level.COMMUNITY, parent=world.street)
    services.move_unit(world.grid_a, other)
    world.grid_a.refresh_from_db()
    assert locate(35.01, 116.005).grid_code == world.grid_a.code
