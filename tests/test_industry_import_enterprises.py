"""The enterprises ledger from Excel (`gongzhi import enterprises`): found again by the 统一社会
信用代码, checked by the rules the pages use, all or nothing, scoped to the importer's units."""
import datetime

import pytest
from django.core.management import CommandError, call_command

from gongzhi.industry.models import Enterprise, PartyStatus
from gongzhi.industry.services.enterprises import create_enterprise
from gongzhi.industry.services.uscc import make_uscc
from gongzhi.party.models import OrganizationKind, PartyOrganization
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user
from tests.ledgers_import_helpers import run, superuser, workbook

CODE_1, CODE_2, CODE_3 = make_uscc("370871", 1), make_uscc("370871", 2), make_uscc("370871", 3)


@pytest.fixture
def park(world):
    world.branch = PartyOrganization.objects.create(name="甲公司党支部", kind=OrganizationKind.ENTERPRISE_BRANCH,
                                                    unit=world.grid_a)
    world.joint = PartyOrganization.objects.create(name="园区联合党支部", kind=OrganizationKind.BRANCH, unit=world.community)
    world.staff_a = make_user("park-staff-a", Role.PARK_STAFF, [world.grid_a])
    return world


def row(park, uscc=CODE_1, name="甲公司", unit=None, scale="above", status="own", org="甲公司党支部", full=5, **more):
    values = {"industry": "造纸", "address": "园区路1号", "staff": 120, "probationary": 1, "organized_on": "2025-03-01",
              "non_public": "是", "operating": "", "new_sector": "否", "registered_on": "2019-06-18", **more}
    return [uscc, name, (unit or park.grid_a).code, scale, values["industry"], values["address"], values["staff"], full,
            values["probationary"], status, org, values["organized_on"], values["non_public"], values["operating"],
            values["new_sector"], values["registered_on"]]


def test_enterprises_are_created_and_the_same_file_again_changes_nothing(park):
    rows = [row(park), row(park, uscc=CODE_2, name="乙公司", unit=park.grid_b, scale="small", status="joint",
                           org="园区联合党支部", full=2),
            row(park, uscc=CODE_3, name="丙公司", status="none", org="", full=0, organized_on="")]
    first = run("enterprises", superuser(), workbook("enterprises", rows))
    assert first.ok, first.report
    assert first.created == 3
    a = Enterprise.objects.get(uscc=CODE_1)
    assert (a.name, a.unit, a.scale, a.party_status, a.party_org, a.members_full, a.members_probationary) == (
        "甲公司", park.grid_a, "above", PartyStatus.OWN, park.branch, 5, 1)
    assert (a.organized_on, a.registered_on, a.non_public, a.operating, a.is_new_sector) == (
        datetime.date(2025, 3, 1), datetime.date(2019, 6, 18), True, True, False)
    assert Enterprise.objects.get(uscc=CODE_2).party_org == park.joint
    assert Enterprise.objects.get(uscc=CODE_3).organized_on is None
    again = run("enterprises", superuser(), workbook("enterprises", rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_changed_row_updates_its_enterprise_and_keeps_who_reached_it(park):
    instructor = make_user("instructor", Role.INSTRUCTOR, [park.community])
    kept = create_enterprise(name="甲公司", uscc=CODE_1, unit=park.grid_a, party_status=PartyStatus.NONE,
                             instructor=instructor, reached_on=datetime.date(2026, 1, 5))
    result = run("enterprises", superuser(), workbook("enterprises", [row(park, full=7)]))
    assert (result.created, result.updated) == (0, 1), result.report
    kept.refresh_from_db()
    assert (kept.party_status, kept.members_full, kept.instructor, kept.reached_on) == (
        PartyStatus.OWN, 7, instructor, datetime.date(2026, 1, 5))


def test_a_wrong_check_character_is_reported_with_its_row_and_column_and_nothing_is_written(park):
    wrong = CODE_2[:17] + ("0" if CODE_2[17] != "0" else "1")
    result = run("enterprises", superuser(), workbook("enterprises", [row(park), row(park, uscc=wrong, name="乙公司")]))
    assert [(p["row"], p["column_en"]) for p in result.report] == [(4, "unified social credit code")]
    assert "check character" in result.report[0]["reason_en"] and "校验码" in result.report[0]["reason"]
    assert not Enterprise.objects.exists()


def test_bad_rows_each_name_the_column_at_fault(park):
    rows = [
        row(park),                                                            # good
        row(park, uscc=make_uscc("370871", 7), status="own", org=""),         # own organization unnamed
        row(park, uscc=CODE_2, org="无此党组织"),                              # unknown organization
        row(park, uscc=CODE_3, full=500),                                     # more members than staff
        row(park, uscc=make_uscc("370871", 4), staff="很多"),                  # not a number
        row(park, uscc=make_uscc("370871", 5), unit=park.district, scale="巨型"),  # not on the list
        row(park, uscc=make_uscc("370871", 6), registered_on="2099-01-01"),   # in the future
        row(park, uscc=CODE_1, name="甲公司（重复）"),                          # the same code as row 3
    ]
    result = run("enterprises", superuser(), workbook("enterprises", rows))
    assert [(p["row"], p["column_en"]) for p in result.report] == [
        (4, "party organization"), (5, "party organization"), (6, "party members employed (full)"), (7, "staff"),
        (8, "scale"), (9, "registered on"), (10, "unified social credit code")]
    assert "row 3" in result.report[-1]["reason_en"]
    assert not Enterprise.objects.exists()


def test_an_organization_of_another_zone_is_not_found(park):
    other_zone = territory.create_unit(name="昌吉高新区", level=Level.DISTRICT, code="652371")
    PartyOrganization.objects.create(name="外区党支部", kind=OrganizationKind.BRANCH, unit=other_zone)
    result = run("enterprises", superuser(), workbook("enterprises", [row(park, org="外区党支部")]))
    assert "No party organization 外区党支部 in this zone" in result.report[0]["reason_en"]


def test_a_grid_worker_may_not_import_enterprises(park):
    result = run("enterprises", park.worker_a, workbook("enterprises", [row(park)]))
    assert [p["column_en"] for p in result.report] == ["Unit code"]
    assert not Enterprise.objects.exists()


def test_park_staff_import_only_into_their_units(park):
    outside = run("enterprises", park.staff_a, workbook("enterprises", [row(park, unit=park.grid_b)]))
    assert [p["column_en"] for p in outside.report] == ["Unit code"]
    create_enterprise(name="乙公司", uscc=CODE_2, unit=park.grid_b)
    theirs = run("enterprises", park.staff_a, workbook("enterprises", [row(park, uscc=CODE_2, name="乙公司")]))
    assert "outside your scope" in theirs.report[0]["reason_en"]
    mine = run("enterprises", park.staff_a, workbook("enterprises", [row(park)]))
    assert mine.ok and mine.created == 1


def test_the_command_imports_enterprises_and_exits_non_zero_on_a_bad_file(park, tmp_path):
    superuser()
    good = workbook("enterprises", [row(park)], tmp_path / "good.xlsx")
    call_command("import", "enterprises", str(good), "--no-progress")
    assert Enterprise.objects.count() == 1
    bad = workbook("enterprises", [row(park, uscc=CODE_2, status="joint", org="")], tmp_path / "bad.xlsx")
    with pytest.raises((CommandError, SystemExit)):
        call_command("import", "enterprises", str(bad), "--no-progress")
    assert Enterprise.objects.count() == 1
