"""Importing residents from Excel: a good file writes every row once, the same file again changes
nothing, and any bad row (with its row, column and reason) means nothing at all is written."""
import pytest

from gongzhi.territory.models import Resident
from tests.ledgers_import_helpers import resident_row, run, superuser, workbook

GOOD_IDS = ("370811199001010014", "370811199001010022", "370811198505050031", "37081119850505004X")


@pytest.fixture
def root(world):
    return superuser()


def good_rows(world):
    return [resident_row(world, name=f"居民{i}", id_number=number, phone=f"1370000{i:04d}",
                         household=world.household_b if i % 2 else world.household_a, head="否")
            for i, number in enumerate(GOOD_IDS)]


def test_a_good_file_imports_every_row_and_the_same_file_again_changes_nothing(world, root):
    before = Resident.objects.count()
    content = workbook("residents", good_rows(world))

    first = run("residents", root, content)
    assert first.ok and (first.created, first.updated, first.unchanged) == (4, 0, 0)
    assert Resident.objects.count() == before + 4
    stored = Resident.objects.get(id_number="37081119850505004X")
    assert stored.household == world.household_b and stored.gender == "F" and stored.birth_date.year == 1985

    again = run("residents", root, content)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Resident.objects.count() == before + 4


def test_a_changed_row_updates_the_resident_found_by_id_number(world, root):
    rows = good_rows(world)
    run("residents", root, workbook("residents", rows))
    rows[0][7] = "13911112222"
    result = run("residents", root, workbook("residents", rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Resident.objects.get(id_number=GOOD_IDS[0]).phone == "13911112222"


def bad(result, row, column_en):
    assert not result.ok
    found = [p for p in result.report if p["row"] == row and p["column_en"] == column_en]
    assert found, result.report
    return found[0]


def test_a_bad_id_number_is_reported_masked_and_nothing_is_written(world, root):
    rows = good_rows(world)
    rows[2][6] = "370811198505050032"  # wrong check character
    before = Resident.objects.count()
    result = run("residents", root, workbook("residents", rows))
    problem = bad(result, 5, "ID number")
    assert problem["value"] == "3708**********0032"
    assert "校验" in problem["reason"] and "check character" in problem["reason_en"]
    assert len(result.report) == 1 and Resident.objects.count() == before


def test_an_unknown_grid_code_is_reported_and_nothing_is_written(world, root):
    rows = good_rows(world)
    rows[1][0] = "370871001001999"
    before = Resident.objects.count()
    result = run("residents", root, workbook("residents", rows))
    problem = bad(result, 4, "Grid code")
    assert problem["value"] == "370871001001999" and "370871001001999" in problem["reason"]
    assert Resident.objects.count() == before


def test_a_row_twice_in_the_file_is_reported_with_the_first_row(world, root):
    rows = good_rows(world)
    rows.append(list(rows[0]))
    before = Resident.objects.count()
    result = run("residents", root, workbook("residents", rows))
    problem = bad(result, 7, "ID number")
    assert "3" in problem["reason_en"] and "row 3" in problem["reason_en"]
    assert Resident.objects.count() == before


def test_a_resident_already_registered_outside_ones_scope_is_a_duplicate(world):
    from gongzhi.people.models import Role
    from tests.conftest import make_user

    # A second street with its own admin: the ID number of grid A's resident is already taken.
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Building, Estate, Household, Level

    street = territory.create_unit(name="另一街道", level=Level.STREET, parent=world.district)
    community = territory.create_unit(name="另一社区", level=Level.COMMUNITY, parent=street)
    grid = territory.create_unit(name="C网格", level=Level.GRID, parent=community)
    estate = Estate.objects.create(name="C小区", grid=grid)
    household = Household.objects.create(building=Building.objects.create(estate=estate, number="1号楼"), room="101")
    admin = make_user("street-2", Role.STREET_ADMIN, [street])
    rows = [resident_row(world, name="张三", id_number=world.resident_a.id_number, phone="", household=household)]
    result = run("residents", admin, workbook("residents", rows))
    problem = bad(result, 3, "ID number")
    assert "already registered" in problem["reason_en"] and problem["value"] != world.resident_a.id_number
    assert Resident.objects.get(pk=world.resident_a.pk).household == world.household_a


def test_a_dry_run_counts_and_writes_nothing(world, root):
    before = Resident.objects.count()
    result = run("residents", root, workbook("residents", good_rows(world)), dry_run=True)
    assert result.ok and result.created == 4 and Resident.objects.count() == before
