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


def test_placing_points_runs_no_query_once_the_locator_is_built(world, django_assert_num_queries):
    locate(35.01, 116.005)
    with django_assert_num_queries(0):
        for i in range(200):
            locate(35.001 + i * 0.00009, 116.001 + i * 0.00009)


def test_a_boundary_changed_by_another_process_is_noticed_by_the_periodic_check(world, settings):
    from django.utils import timezone

    from gongzhi.territory import geometry

    settings.LOCATOR_CHECK_SECONDS = 3600
    assert locate(35.01, 116.005).micro_grid_code == world.micro_a1.code
    far = {"type": "Polygon", "coordinates": [[[116.5, 35.5], [116.6, 35.5], [116.6, 35.6], [116.5, 35.5]]]}
    # As another process would: no signal reaches this one.
    Unit.objects.filter(pk=world.micro_a1.pk).update(boundary=far, updated_at=timezone.now())
    assert locate(35.01, 116.005).micro_grid_code == world.micro_a1.code  # not checked yet
    geometry._cache["due"] = 0.0  # the check interval has passed
    with pytest.raises(OutsideAllGrids):
        locate(35.01, 116.005)


def test_a_new_micro_grid_is_used_at_once_in_the_process_that_made_it(world):
    with pytest.raises(OutsideAllGrids):
        locate(35.05, 116.005)
    services.create_unit(name="A3", level=Level.MICRO_GRID, parent=world.grid_a,
                         boundary={"type": "Polygon", "coordinates": [[[116.0, 35.04], [116.01, 35.04], [116.01, 35.06], [116.0, 35.06], [116.0, 35.04]]]})
    assert locate(35.05, 116.005).grid_code == world.grid_a.code


def _irregular_rows(n=150, seed=7):
    """Irregular micro-grids tiling a square (Voronoi cells), a triangle and a holed square on top."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    rng = np.random.default_rng(seed)
    frame = shapely.box(116.0, 35.0, 116.05, 35.05)
    seeds = shapely.multipoints(np.column_stack([116.0 + rng.random(n) * 0.05, 35.0 + rng.random(n) * 0.05]))
    cells = [c.intersection(frame) for c in shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))]
    cells.append(shapely.Polygon([(116.06, 35.0), (116.08, 35.0), (116.07, 35.02)]))
    cells.append(shapely.box(116.06, 35.03, 116.08, 35.05).difference(shapely.box(116.065, 35.035, 116.075, 35.045)))
    return [(i, f"{i:018d}", i, f"{i:015d}", mapping(c)) for i, c in enumerate(cells)]


def test_the_lattice_gives_the_same_answer_as_testing_every_polygon():
    import random

    import shapely
    from shapely.geometry import Point, shape

    from gongzhi.territory.geometry import GridLocator

    rows = _irregular_rows()
    locator = GridLocator(rows)
    geoms = [shape(r[4]) for r in rows]

    def naive(lat, lng):
        return next((r[1] for r, g in zip(rows, geoms) if g.intersects(Point(lng, lat))), None)

    def located(lat, lng):
        try:
            return locator.locate(lat, lng).micro_grid_code
        except OutsideAllGrids:
            return None

    rng = random.Random(3)
    points = [(rng.uniform(34.99, 35.06), rng.uniform(115.99, 116.09)) for _ in range(3000)]
    # Corners and points on edges: shared borders, where the smallest code must win.
    for g in geoms:
        for x, y in list(shapely.get_coordinates(g))[:6]:
            points.append((y, x))
        (x1, y1), (x2, y2) = shapely.get_coordinates(g)[:2]
        points.append(((y1 + y2) / 2, (x1 + x2) / 2))
    points.append((35.04, 116.07))  # in the hole
    assert [located(*p) for p in points] == [naive(*p) for p in points]
    assert located(35.04, 116.07) is None
