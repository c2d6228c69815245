"""Excel export of ledgers (台账, issue 11, decision 79).

An app declares its exports in its config (``exports = "gongzhi.<app>.exports.EXPORTS"``), each an
``Export``: a key (the file's name and the URL ``/ledgers/export/<key>.xlsx``), a label, the
app's filter set (the same one its list page uses, decision 70), the queryset of the records the
person may see (``queryset(user, full)``, always built on ``visible_to(user)``, with the
``select_related``/``prefetch_related`` its row function needs), the columns (headers are lazy
texts, Chinese by default) and the row function ``row(record, full) -> list``.

``write`` runs an export: the filter set narrows the queryset exactly as on the list page, the
records are read with ``.iterator(chunk_size=CHUNK)`` (prefetches are one query per chunk, so the
number of queries does not grow with the rows) and written by openpyxl in write-only mode to a
temporary file, which the view streams. Personal data (ID numbers, phones) is masked unless the
export is ``personal``, the person ``may_export_full`` and asked for it by a confirmed POST; every
export, full or not, leaves an ``ExportLog`` row.
"""
import datetime
import inspect
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.people.models import STAFF_ROLES

from .models import ExportLog

CHUNK = 2000
MAX_FILTER_VALUE = 100  # characters of one filter value kept in the log


@dataclass(frozen=True)
class Column:
    header: object  # a lazy text
    width: int = 16
    text_format: bool = False  # codes and numbers that must stay text


def _staff(user):
    return user.is_authenticated and user.holds(STAFF_ROLES)


@dataclass(frozen=True)
class Export:
    key: str
    label: object
    queryset: Callable  # (user, full) -> QuerySet, built on visible_to(user)
    columns: tuple  # Column (or any object with .header and .width)
    row: Callable  # (record, full) -> list of cell values, in column order
    filterset: type | None = None
    may_run: Callable = field(default=_staff)  # who is offered it (and may run it at all)
    personal: bool = False  # carries personal data: masked unless asked for in full
    may_export_full: Callable = field(default=lambda user: False)
    order: int = 100

    @property
    def slug(self):
        # core.plugins.exports() keys the registry by ``slug``.
        return self.key

    def make_filterset(self, data, queryset, user):
        if self.filterset is None:
            return None
        kwargs = {"queryset": queryset}
        if "user" in inspect.signature(self.filterset.__init__).parameters:
            kwargs["user"] = user
        return self.filterset(data, **kwargs)

    def filtered(self, data, user, full=False):
        """(queryset, filters kept for the log, the filter set's errors or None)."""
        queryset = self.queryset(user, full)
        filterset = self.make_filterset(data, queryset, user)
        if filterset is None:
            return queryset, {}, None
        if not filterset.is_valid():
            return queryset.none(), {}, filterset.errors
        used = {name: str(data.get(name))[:MAX_FILTER_VALUE] for name in filterset.filters if data.get(name) not in (None, "")}
        return filterset.qs, used, None


def cell(value):
    """A value openpyxl can store: local naive datetimes, plain text for lazy strings."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return str(_("Yes")) if value else str(_("No"))
    if isinstance(value, (int, float, datetime.date)) or hasattr(value, "as_tuple"):
        return value
    return str(value)


def write(export, queryset, out, *, full=False):
    """Write ``queryset``'s records to ``out`` (a path or a binary file); returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(export.label)[:31])
    text_columns = set()
    for index, column in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = getattr(column, "width", 16)
        if getattr(column, "text_format", False):
            text_columns.add(index - 1)
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    headers = []
    for column in export.columns:
        head = WriteOnlyCell(sheet, value=str(column.header))
        head.font = bold
        headers.append(head)
    sheet.append(headers)
    rows = 0
    for record in queryset.iterator(chunk_size=CHUNK):
        values = [cell(v) for v in export.row(record, full)]
        for index in text_columns:
            if values[index] is not None:
                values[index] = str(values[index])
        line = []
        for value in values:
            if isinstance(value, str) and "\n" in value:
                wrapped = WriteOnlyCell(sheet, value=value)
                wrapped.alignment = wrap
                line.append(wrapped)
            else:
                line.append(value)
        sheet.append(line)
        rows += 1
    book.save(out)
    return rows


def run(export, data, user, *, full=False):
    """Filter, write and log one export; returns (open temporary file, rows) or raises
    ``FilterError`` with the filter set's errors."""
    queryset, used, errors = export.filtered(data, user, full)
    if errors:
        raise FilterError(errors)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        rows = write(export, queryset, out, full=full)
        ExportLog.objects.create(user=user, ledger=export.key, rows=rows, filters=used, full=full)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, rows


class FilterError(Exception):
    def __init__(self, errors):
        super().__init__("bad filters")
        self.errors = errors


def file_name(export):
    return f"{export.key}-{timezone.localdate():%Y%m%d}.xlsx"
