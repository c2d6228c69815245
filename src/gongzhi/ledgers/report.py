"""The row report of an import, as a table for a person: printed, or written as .xlsx or .csv."""
import csv

from django.utils.translation import gettext_lazy as _

HEADERS = (("row", _("Row")), ("column", _("Column")), ("value", _("Value")), ("reason", _("Reason")),
           ("column_en", "Column (English)"), ("reason_en", "Reason (English)"))


def lines(report):
    for problem in report:
        yield [problem.get(key, "") if problem.get(key) is not None else "" for key, _label in HEADERS]


def write(report, path):
    """Write ``report`` to ``path``: .csv (UTF-8 with a BOM, so Excel reads the Chinese) or .xlsx."""
    path = str(path)
    headers = [str(label) for _key, label in HEADERS]
    if path.lower().endswith(".csv"):
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(lines(report))
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Import report"))[:31])
    sheet.append(headers)
    for line in lines(report):
        sheet.append(line)
    book.save(path)
