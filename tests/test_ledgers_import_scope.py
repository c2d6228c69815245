"""Whose scope an import writes in: a street admin imports into their own street and not into
another's; a resident registered in another street is a duplicate, not theirs to move."""
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Building, Estate, Household, Level, Resident, Unit
from tests.conftest import make_user
from tests.ledgers_import_helpers import resident_row, run, workbook


def second_street(world):
    street = territory.create_unit(name="第二街道", level=Level.STREET, parent=world.district)
    community = territory.create_unit(name="第二社区", level=Level.COMMUNITY, parent=street)
    grid = territory.create_unit(name="第二网格", level=Level.GRID, parent=community)
    estate = Estate.objects.create(name="第二小区", grid=grid)
    household = Household.objects.create(building=Building.objects.create(estate=estate, number="1号楼"), room="101")
    return street, household


def test_a_street_admin_imports_into_their_own_street(world):
    admin = make_user("street-1", Role.STREET_ADMIN, [world.street])
    result = run("residents", admin, workbook("residents", [resident_row(world)]))
    assert result.ok and result.created == 1


def test_a_street_admin_cannot_import_into_another_street(world):
    street, household = second_street(world)
    admin = make_user("street-1", Role.STREET_ADMIN, [world.street])
    before = Resident.objects.count()
    rows = [resident_row(world), resident_row(world, name="外街", id_number="370811199001010022", household=household)]
    result = run("residents", admin, workbook("residents", rows))
    assert [(p["row"], p["column_en"]) for p in result.report] == [(4, "Grid code")]
    assert "outside your scope" in result.report[0]["reason_en"] and "管辖范围" in result.report[0]["reason"]
    assert Resident.objects.count() == before

    units = run("units", admin, workbook("units", [[street.code + "002", "越界社区", "社区", street.code]]))
    assert units.report[0]["column_en"] == "Unit code" and not Unit.objects.filter(code=street.code + "002").exists()


def test_a_grid_worker_writes_nothing_even_in_their_own_grid(world):
    result = run("residents", world.worker_a, workbook("residents", [resident_row(world)]))
    assert not result.ok and "outside your scope" in result.report[0]["reason_en"]
