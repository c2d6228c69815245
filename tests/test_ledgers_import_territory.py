"""Importing the territory from Excel: units by code (parents before children, in the same file),
estates and buildings, households; each again changes nothing, and a bad row writes nothing."""
import datetime

from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.territory.models import Building, Estate, Household, Level, Unit
from tests.ledgers_import_helpers import run, superuser, workbook


def test_units_are_created_parents_first_and_again_nothing_changes(world):
    street = world.street.code
    rows = [[street + "002", "新街道社区", "社区", street],
            [street + "002001", "新网格", "网格", street + "002"],
            [street + "002001001", "新微网格", "微网格", street + "002001"]]
    first = run("units", superuser(), workbook("units", rows))
    assert first.ok, first.report
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    micro = Unit.objects.get(code=street + "002001001")
    assert micro.level == Level.MICRO_GRID and micro.parent.code == street + "002001"
    assert run("units", superuser(), workbook("units", rows)).unchanged == 3
    rows[1][1] = "新网格（改名）"
    again = run("units", superuser(), workbook("units", rows))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)


def test_a_unit_code_that_does_not_fit_its_parent_is_a_bad_row(world):
    rows = [[world.street.code + "003", "社区", "社区", world.street.code],
            ["370871999001", "错社区", "社区", world.street.code]]
    result = run("units", superuser(), workbook("units", rows))
    assert [(p["row"], p["column_en"]) for p in result.report] == [(4, "Unit code")]
    assert "must start with the parent" in result.report[0]["reason_en"]
    assert not Unit.objects.filter(code=world.street.code + "003").exists()


def test_buildings_create_their_estates_and_update_by_estate_and_number(world):
    grid = world.grid_a.code
    rows = [[grid, "新小区", "幸福路1号", "安居物业", "1号楼", 18, world.micro_a1.code, 35.005, 116.005],
            [grid, "新小区", "幸福路1号", "安居物业", "2号楼", "", "", "", ""]]
    first = run("buildings", superuser(), workbook("buildings", rows))
    assert first.ok, first.report
    assert first.created == 2 and Estate.objects.filter(name="新小区", grid=world.grid_a).count() == 1
    tall = Building.objects.get(estate__name="新小区", number="1号楼")
    assert (tall.floors, tall.micro_grid, tall.lat) == (18, world.micro_a1, 35.005)
    assert Building.objects.get(estate__name="新小区", number="2号楼").floors == 6
    assert run("buildings", superuser(), workbook("buildings", rows)).unchanged == 2
    rows[1][5] = 11
    assert run("buildings", superuser(), workbook("buildings", rows)).updated == 1


def test_a_micro_grid_of_another_grid_is_a_bad_row(world):
    rows = [[world.grid_a.code, "新小区", "", "", "1号楼", "", world.micro_b1.code, "", ""]]
    result = run("buildings", superuser(), workbook("buildings", rows))
    assert result.report[0]["column_en"] == "Micro-grid code" and not Estate.objects.filter(name="新小区").exists()


def test_households_are_created_once_under_existing_buildings(world):
    grid = world.grid_a.code
    rows = [[grid, "A小区", "1号楼", "1-102"], [grid, "A小区", "1号楼", "1-101"]]
    result = run("households", superuser(), workbook("households", rows))
    assert (result.created, result.unchanged) == (1, 1)
    assert Household.objects.filter(building__estate__name="A小区", room="1-102").exists()
    assert run("households", superuser(), workbook("households", rows)).unchanged == 2
    unknown = run("households", superuser(), workbook("households", [[grid, "A小区", "9号楼", "1-101"]]))
    assert unknown.report[0]["column_en"] == "Building number" and "import the buildings first" in unknown.report[0]["reason_en"]


def test_party_members_are_found_again_by_phone(world):
    PartyOrganization.objects.create(name="测试社区党委", kind="committee", unit=world.community)
    code = world.community.code
    rows = [[code, "测试社区党委", "党员甲", "男", "13600001111", "正式党员", "在职", "某公司", datetime.date(2001, 7, 1)],
            [code, "测试社区党委", "党员乙", "女", "13600002222", "", "离退休", "", "2010-05-04"]]
    first = run("members", superuser(), workbook("members", rows))
    assert first.ok, first.report
    assert first.created == 2
    member = PartyMember.objects.get(phone="13600001111")
    assert (member.employment, member.work_unit, member.joined_on) == ("in_service", "某公司", datetime.date(2001, 7, 1))
    assert PartyMember.objects.get(phone="13600002222").status == "full"
    assert run("members", superuser(), workbook("members", rows)).unchanged == 2
    rows[1][2] = "党员乙（改）"
    assert run("members", superuser(), workbook("members", rows)).updated == 1


def test_a_member_in_service_without_a_work_unit_is_a_bad_row(world):
    PartyOrganization.objects.create(name="测试社区党委", kind="committee", unit=world.community)
    rows = [[world.community.code, "测试社区党委", "党员丙", "男", "13600003333", "", "在职", "", ""],
            [world.community.code, "无此党组织", "党员丁", "男", "13600004444", "", "离退休", "", ""]]
    result = run("members", superuser(), workbook("members", rows))
    assert [(p["row"], p["column_en"]) for p in result.report] == [(3, "Work unit"), (4, "Party organization")]
    assert not PartyMember.objects.exists()
