"""What an import does with the file itself: the template a person downloads has the headers,
the notes row and the drop-down lists; a broken file or another kind's template is refused whole
with a clear reason, and nothing is written."""
import io

from openpyxl import load_workbook
from openpyxl import Workbook

from gongzhi.core import plugins
from gongzhi.territory.models import Resident
from tests.ledgers_import_helpers import resident_row, run, superuser, workbook


def test_every_kind_has_a_template_with_headers_notes_and_drop_down_lists():
    assert {"units", "buildings", "households", "residents", "members"} <= set(plugins.importers())
    buffer = io.BytesIO()
    plugins.importers()["residents"].template(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    headers = [c.value for c in sheet[1]]
    assert headers == ["网格编码", "小区", "楼号", "房号", "姓名", "性别", "身份证号码", "联系电话", "户主"]
    notes = [c.value for c in sheet[2]]
    assert notes[0].startswith("必填") and notes[7].startswith("选填")
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["F3:F100002"] == '"男,女"' and lists["I3:I100002"] == '"是,否"'
    assert sheet.column_dimensions["G"].number_format == "@"


def test_the_template_follows_the_language(settings):
    from django.utils import translation

    buffer = io.BytesIO()
    with translation.override("en"):
        plugins.importers()["members"].template(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]][:3] == ["Unit code", "Party organization", "Name"]


def test_a_broken_file_is_refused_with_a_reason_and_nothing_is_written(world):
    before = Resident.objects.count()
    result = run("residents", superuser(), b"PK\x03\x04 this is not a workbook")
    assert not result.ok and "损坏" in result.refused and "damaged" in result.refused_en
    truncated = workbook("residents", [resident_row(world)])[:2000]
    assert "damaged" in run("residents", superuser(), truncated).refused_en
    assert Resident.objects.count() == before


def test_another_kinds_template_is_refused_as_the_wrong_template(world):
    before = Resident.objects.count()
    result = run("residents", superuser(), workbook("households", [["370871001001001", "A小区", "1号楼", "1-102"]]))
    assert not result.ok and "not the template for Residents" in result.refused_en and "模板" in result.refused
    own = Workbook()
    own.active.append(["姓名", "身份证号"])
    buffer = io.BytesIO()
    own.save(buffer)
    assert "not the template" in run("residents", superuser(), buffer.getvalue()).refused_en
    assert Resident.objects.count() == before


def test_english_headers_are_accepted_and_the_notes_row_may_be_left_out(world):
    from django.utils import translation

    buffer = io.BytesIO()
    with translation.override("en"):
        plugins.importers()["residents"].template(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    book.active.delete_rows(2)
    book.active.append(resident_row(world, head="No"))
    out = io.BytesIO()
    book.save(out)
    result = run("residents", superuser(), out.getvalue())
    assert result.ok and result.created == 1
    assert Resident.objects.get(id_number="370811199001010014").is_household_head is False
