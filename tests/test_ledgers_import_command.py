"""`gongzhi import KIND FILE.xlsx` on the command line: a good file is written, a bad one exits
non-zero with the row report (printed and as a file) and writes nothing; --template writes the
empty template; --dry-run counts and writes nothing; --as imports within that person's scope."""
import csv

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongzhi.people.models import Role
from gongzhi.territory.models import Resident
from tests.conftest import make_user
from tests.ledgers_import_helpers import resident_row, superuser, workbook


def test_a_good_file_is_imported_and_counted(world, tmp_path, capsys):
    superuser()
    path = workbook("residents", [resident_row(world)], tmp_path / "good.xlsx")
    call_command("import", "residents", str(path), "--no-progress")
    assert "created 1, updated 0, unchanged 0" in capsys.readouterr().out
    assert Resident.objects.filter(id_number="370811199001010014").exists()
    call_command("import", "residents", str(path), "--no-progress")
    assert "created 0, updated 0, unchanged 1" in capsys.readouterr().out


def test_a_bad_file_exits_non_zero_with_the_row_report_and_writes_nothing(world, tmp_path, capsys):
    superuser()
    rows = [resident_row(world), resident_row(world, name="赵六", id_number="370811199001010015"),
            resident_row(world, name="钱七", id_number="370811199001010022", phone="12345")]
    path = workbook("residents", rows, tmp_path / "bad.xlsx")
    before = Resident.objects.count()
    with pytest.raises(CommandError, match="2 bad row.*nothing was written"):
        call_command("import", "residents", str(path), "--no-progress", "--report", str(tmp_path / "report.csv"))
    printed = capsys.readouterr().err
    assert "4 | 身份证号码 (ID number) | 3708**********0015" in printed
    assert "5 | 联系电话 (Phone) | ***** | 电话号码无效" in printed
    assert Resident.objects.count() == before
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as written:
        lines = list(csv.reader(written))
    assert lines[0][:4] == ["行", "列", "值", "原因"] and len(lines) == 3
    assert [line[0] for line in lines[1:]] == ["4", "5"] and "370811199001010015" not in str(lines)


def test_the_report_may_be_written_as_a_workbook(world, tmp_path):
    superuser()
    path = workbook("residents", [resident_row(world, id_number="1234")], tmp_path / "bad.xlsx")
    with pytest.raises(CommandError):
        call_command("import", "residents", str(path), "--no-progress", "--report", str(tmp_path / "report.xlsx"))
    sheet = load_workbook(tmp_path / "report.xlsx").active
    assert [c.value for c in sheet[2]][:3] == [3, "身份证号码", "****"]


def test_a_broken_file_exits_non_zero(world, tmp_path):
    superuser()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="refused"):
        call_command("import", "residents", str(path), "--no-progress")


def test_the_template_option_writes_the_empty_template(tmp_path):
    call_command("import", "units", "--template", str(tmp_path / "units.xlsx"))
    sheet = load_workbook(tmp_path / "units.xlsx").active
    assert [c.value for c in sheet[1]] == ["区划编码", "单位名称", "层级", "上级单位编码"]
    assert sheet.max_row == 2


def test_a_dry_run_writes_nothing(world, tmp_path, capsys):
    superuser()
    path = workbook("residents", [resident_row(world)], tmp_path / "good.xlsx")
    call_command("import", "residents", str(path), "--dry-run", "--no-progress")
    assert "created 1" in capsys.readouterr().out and not Resident.objects.filter(id_number="370811199001010014").exists()


def test_as_a_grid_worker_of_another_grid_the_rows_are_outside_the_scope(world, tmp_path, capsys):
    make_user("secretary-b", Role.COMMUNITY_SECRETARY, [world.grid_b])
    path = workbook("residents", [resident_row(world)], tmp_path / "a.xlsx")
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import", "residents", str(path), "--as", "secretary-b", "--no-progress")
    assert "outside your scope" in capsys.readouterr().err


def test_an_unknown_kind_is_refused():
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("import", "spaceships", "x.xlsx")
