"""Excel files for the importers: the empty template, and the rows of an uploaded file, streamed.

The template has one sheet: the headers on row 1, a notes row on row 2 (what each column takes),
data from row 3. Columns with a fixed set of answers carry a drop-down list (data validation);
code, ID number and phone columns are formatted as text so Excel keeps their leading zeros and
all 18 digits.

Reading uses openpyxl in read-only mode (the sheet's XML is parsed as it is read, never held
whole): measured at about 60,000 rows of nine columns a second here, a few seconds of an import's
minute at 100,000 rows, so no reader of our own is needed (decision 72).
"""
import datetime
import zipfile

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


class Sheet:
    """The first sheet of an uploaded workbook, read streamed. Use as a context manager."""

    def __init__(self, source):
        from openpyxl import load_workbook

        try:
            self.book = load_workbook(source, read_only=True, data_only=True)
            self.sheet = self.book.worksheets[0]
            self._rows = self.sheet.iter_rows(values_only=True)
            self.header = [cell_text(v) for v in next(self._rows, ())]
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, EOFError) as error:
            raise BrokenFile(
                _("The file is not an Excel workbook (.xlsx) or it is damaged: save it again from Excel as .xlsx."),
                code="broken_file",
            ) from error
        except Exception as error:  # openpyxl raises its own kinds for a damaged package
            raise BrokenFile(
                _("The file is not an Excel workbook (.xlsx) or it is damaged: save it again from Excel as .xlsx."),
                code="broken_file",
            ) from error

    def size_hint(self):
        """The rows below the header as the sheet declares them (may be wrong for files not from Excel)."""
        try:
            return max((self.sheet.max_row or 0) - HEADER_ROW, 0)
        except Exception:
            return 0

    def rows(self):
        """(row number, [cell texts]) for every row below the header."""
        number = HEADER_ROW
        try:
            for values in self._rows:
                number += 1
                yield number, [cell_text(v) for v in values]
        except Exception as error:
            raise BrokenFile(
                _("The file is damaged after row %(row)d: save it again from Excel as .xlsx."),
                params={"row": number}, code="broken_file",
            ) from error

    def close(self):
        self.book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
