"""Files for the import tests: a kind's own template with rows written under its notes row."""
import io

from openpyxl import load_workbook

from gongzhi.core import plugins
from gongzhi.ledgers.imports import Importer
from gongzhi.people.models import User


def workbook(kind, rows, path=None):
    """The template of ``kind`` with ``rows`` (lists of cell values) from row 3; bytes, or written to ``path``."""
    buffer = io.BytesIO()
    plugins.importers()[kind].template(buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    sheet = book.active
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=3 + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    if path is not None:
        path.write_bytes(out.getvalue())
        return path
    return out.getvalue()


def run(kind, user, content, **options):
    importer: Importer = plugins.importers()[kind](user)
    return importer.run(io.BytesIO(content), **options)


def superuser():
    return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("root", password="x")


def resident_row(world, name="王五", id_number="370811199001010014", phone="13700001111", household=None, head="是"):
    household = household or world.household_a
    building = household.building
    return [building.estate.grid.code, building.estate.name, building.number, household.room, name, "", id_number, phone, head]
