"""The streamed reader of an uploaded sheet (ledgers/xlsx.py): shared and inline strings, numbers
without '.0', dates by their number format, a namespace prefix, gaps between cells; a damaged
sheet is reported with the last good row."""
import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from gongzhi.ledgers.xlsx import BrokenFile, Sheet

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def package(sheet_xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    buffer.seek(0)
    return buffer


def test_a_workbook_saved_by_openpyxl_reads_as_typed():
    book = Workbook()
    sheet = book.active
    sheet.append(["编码", "日期", "数"])
    sheet.append(["370871001", datetime.date(2001, 7, 1), 18])
    sheet.append(["A&B <c>", None, 2.5])
    buffer = io.BytesIO()
    book.save(buffer)
    with Sheet(io.BytesIO(buffer.getvalue())) as read:
        assert read.header == ["编码", "日期", "数"]
        assert list(read.rows()) == [(2, ["370871001", "2001-07-01", "18"]), (3, ["A&B <c>", "", "2.5"])]


def test_inline_strings_a_prefix_and_gaps_between_cells():
    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c></x:row>'
           '<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>张</x:t></x:is></x:c>'
           '<x:c r="C3" t="b"><x:v>1</x:v></x:c></x:row>'
           '</x:sheetData></x:worksheet>')
    with Sheet(package(xml)) as read:
        assert read.header == ["姓名"]
        assert list(read.rows()) == [(3, ["张", "", "1"])]


def test_a_damaged_sheet_names_the_last_good_row():
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
           '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></ro')
    with Sheet(package(xml)) as read:
        with pytest.raises(BrokenFile) as refused:
            list(read.rows())
    assert refused.value.params == {"row": 2}
