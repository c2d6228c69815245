"""Excel files for the importers: the empty template, and the rows of an uploaded file, streamed.

The template has one sheet: the headers on row 1, a notes row on row 2 (what each column takes),
data from row 3. Columns with a fixed set of answers carry a drop-down list (data validation);
code, ID number and phone columns are formatted as text so Excel keeps their leading zeros and
all 18 digits.

Reading streams the first sheet's XML through expat (``Sheet``): openpyxl's read-only mode was
measured too slow for 100,000 rows in a minute (decision 72). openpyxl still writes the template.
"""
import datetime
import re
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError

# Rows a template's drop-down lists and text formats cover.
TEMPLATE_ROWS = 100_000
HEADER_ROW, NOTES_ROW, FIRST_DATA_ROW = 1, 2, 3


class BrokenFile(DomainError):
    """The file cannot be read as a workbook at all."""


def write_template(out, *, title, columns):
    """Write the empty template: headers, notes, lists and text formats. ``out``: a path or a file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = str(title)[:31]
    head_font, note_font = Font(bold=True), Font(italic=True, color="666666")
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    last_row = FIRST_DATA_ROW + TEMPLATE_ROWS - 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=HEADER_ROW, column=index, value=str(column.header))
        head.font = head_font
        if column.required:
            head.fill = required_fill
        note = sheet.cell(row=NOTES_ROW, column=index, value=str(column.note_text()))
        note.font, note.alignment = note_font, Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        if column.text_format:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            labels = ",".join(str(label) for _value, label in column.choices)
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=not column.required)
            check.error = str(_("Choose one of the list."))
            check.errorTitle = str(column.header)
            check.showErrorMessage = True
            sheet.add_data_validation(check)
            check.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    book.save(out)


def cell_text(value):
    """A cell's value as the text a person typed (numbers without '.0', dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _broken(error=None, row=None):
    if row is None:
        message = _("The file is not an Excel workbook (.xlsx) or it is damaged: save it again from Excel as .xlsx.")
        return BrokenFile(message, code="broken_file")
    return BrokenFile(_("The file is damaged after row %(row)d: save it again from Excel as .xlsx."),
                      params={"row": row}, code="broken_file")


_COLUMNS = {}


def _column_index(ref):
    """'C12' -> 2 (the letters' index is remembered: a sheet has few columns)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + ord(char.upper()) - 64
        index = _COLUMNS.setdefault(letters, index - 1)
    return index


def _is_date_format(code):
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
    return any(ch in code for ch in "ymdh") and "general" not in code


class Sheet:
    """The first sheet of an uploaded workbook, read streamed by expat. Use as a context manager.

    openpyxl's read-only reader builds an element tree and a cell object per cell: about 7,000
    rows of nine columns a second on this machine, too slow for 100,000 residents in a minute.
    This reads the sheet's XML events directly (shared strings, inline strings, numbers, booleans,
    dates by the cell's number format): about ten times faster (decision 72).
    """

    def __init__(self, source):
        try:
            self.zip = zipfile.ZipFile(source)
            names = set(self.zip.namelist())
            if "xl/workbook.xml" not in names:
                raise KeyError("xl/workbook.xml")
            self.sheet_path = self._first_sheet(names)
            self.strings = self._shared_strings() if "xl/sharedStrings.xml" in names else []
            self.date_styles = self._date_styles() if "xl/styles.xml" in names else set()
            self._rows = self._iter_rows()
            first = next(self._rows, None)
            self.header = first[1] if first and first[0] == HEADER_ROW else []
            self._pending = first if first and first[0] != HEADER_ROW else None
        except BrokenFile:
            raise
        except Exception as error:  # a damaged zip, a missing part, bad XML: all one answer
            raise _broken() from error

    def _parse(self, member, start=None, end=None, chars=None):
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if chars:
            parser.CharacterDataHandler = chars
        with self.zip.open(member) as stream:
            parser.ParseFile(stream)

    def _first_sheet(self, names):
        found = {}

        def sheet(name, attrs):
            if name == f"{MAIN_NS} sheet" and "rid" not in found:
                found["rid"] = attrs.get(f"{REL_NS} id")

        self._parse("xl/workbook.xml", start=sheet)
        targets = {}
        if "xl/_rels/workbook.xml.rels" in names:
            def rel(name, attrs):
                if name.endswith(" Relationship") or name == "Relationship":
                    targets[attrs.get("Id")] = attrs.get("Target", "")

            self._parse("xl/_rels/workbook.xml.rels", start=rel)
        target = targets.get(found.get("rid"), "worksheets/sheet1.xml")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path not in names:
            raise KeyError(path)
        return path

    def _shared_strings(self):
        strings, parts, state = [], [], {"in_t": False, "skip": 0}

        def start(name, attrs):
            local = name.rsplit(" ", 1)[-1]
            if local == "si":
                parts.clear()
            elif local == "t" and not state["skip"]:
                state["in_t"] = True
            elif local == "rPh":  # phonetic guide runs are not part of the text
                state["skip"] += 1

        def end(name):
            local = name.rsplit(" ", 1)[-1]
            if local == "si":
                strings.append("".join(parts))
            elif local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["skip"] -= 1

        def chars(text):
            if state["in_t"]:
                parts.append(text)

        self._parse("xl/sharedStrings.xml", start, end, chars)
        return strings

    def _date_styles(self):
        custom, xfs, state = {}, [], {"in_xfs": False}

        def start(name, attrs):
            local = name.rsplit(" ", 1)[-1]
            if local == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["in_xfs"] = True
            elif local == "xf" and state["in_xfs"]:
                xfs.append(int(attrs.get("numFmtId", "0")))

        def end(name):
            if name.endswith("cellXfs"):
                state["in_xfs"] = False

        self._parse("xl/styles.xml", start, end)
        return {str(index) for index, fmt in enumerate(xfs)
                if fmt in DATE_FORMAT_IDS or (fmt in custom and _is_date_format(custom[fmt]))}

    def _iter_rows(self):
        """(row number, [texts]) as the sheet's XML streams through expat, 64 KiB at a time.

        The handlers are the hot loop of an import (nine events a cell): plain closures over
        local variables, no namespace processing (a prefix such as ``x:c`` is dropped)."""
        done = []  # rows completed by the last chunk
        cells = {}
        text_parts = []
        row_number, column, kind, style, text, collecting = HEADER_ROW - 1, -1, "n", None, None, False
        strings, date_styles, value_of = self.strings, self.date_styles, self._value

        def start(name, attrs):
            nonlocal row_number, column, kind, style, text, collecting
            if ":" in name:
                name = name.rpartition(":")[2]
            if name == "c":
                ref = attrs.get("r")
                column = _column_index(ref) if ref else column + 1
                kind = attrs.get("t", "n")
                style = attrs.get("s")
                text = None
            elif name == "v" or (name == "t" and kind == "inlineStr"):
                text_parts.clear()
                collecting = True
            elif name == "row":
                number = attrs.get("r")
                row_number = int(number) if number else row_number + 1
                column = -1
                cells.clear()

        def end(name):
            nonlocal text, collecting
            if ":" in name:
                name = name.rpartition(":")[2]
            if name == "c":
                cells[column] = value_of(text, kind, style, strings, date_styles)
            elif name == "v" or name == "t":
                if collecting:
                    collecting = False
                    piece = "".join(text_parts)
                    text = piece if text is None or name == "v" else text + piece
            elif name == "row":
                if cells:
                    done.append((row_number, [cells.get(i, "") for i in range(max(cells) + 1)]))

        def chars(data):
            if collecting:
                text_parts.append(data)

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        with self.zip.open(self.sheet_path) as stream:
            while True:
                chunk = stream.read(1 << 16)
                parser.Parse(chunk, not chunk)
                yield from done
                done.clear()
                if not chunk:
                    break

    @staticmethod
    def _value(text, kind, style, strings, date_styles):
        if text is None:
            return ""
        if kind == "s":
            return strings[int(text)].strip()
        if kind in ("str", "inlineStr", "e"):
            return text.strip()
        if kind == "b":
            return "1" if text == "1" else "0"
        if style in date_styles:
            try:
                return cell_text(EXCEL_EPOCH + datetime.timedelta(days=float(text)))
            except (ValueError, OverflowError):
                return text
        if kind == "d":
            return text[:10] if text.endswith("T00:00:00") else text
        number = float(text)
        return cell_text(number) if number.is_integer() and abs(number) < 1e15 else text.strip()

    def size_hint(self):
        """Rows below the header as far as known before reading them: unknown (None) for a stream."""
        return None

    def rows(self):
        """(row number, [cell texts]) for every row below the header."""
        number = HEADER_ROW
        try:
            if self._pending:
                number = self._pending[0]
                yield self._pending
            for number, cells in self._rows:
                yield number, cells
        except Exception as error:
            raise _broken(row=number) from error

    def close(self):
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
