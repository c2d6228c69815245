"""The Excel importer every ledger builds on (decision 72).

An app declares its importers in its config (``importers = "gongzhi.<app>.importers.IMPORTERS"``),
each a subclass of ``Importer`` with a ``kind``, a ``title`` and its ``columns``, and three steps:

- ``prepare(rows)``: load, in a few bulk queries, what the rows refer to (units, households,
  the records that already exist under the rows' natural keys);
- ``check(row)``: check one row with the same services the pages use and return what it will
  write (raise ``RowProblem`` or a ``DomainError`` naming the column's key);
- ``write(records)``: write all the records in bulk and return ``(created, updated, unchanged)``.

``run()`` does the rest, in the same order for every importer: the file is opened streamed and
refused whole if it is broken or is not this template; every row is checked (none is written
yet); a natural key seen twice in the file is a bad row; if any row is bad the report lists them
all (row, column, value masked when personal, reason in Chinese and English) and nothing is
written; otherwise everything is written in one transaction. The same file imported again
finds every record equal and changes nothing.
"""
from dataclasses import dataclass, field as dataclass_field
from typing import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.core.scoping import code_within
from gongzhi.core.text import clean_text
from gongzhi.people.models import EDITOR_ROLES

from .xlsx import NOTES_ROW, BrokenFile, Sheet, write_template

LANGUAGES = ("zh-hans", "en")
MAX_ROWS = 200_000  # rows held in memory while a file is checked (decision 72)
BATCH = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy text: Chinese in the template by default, English with LANGUAGE en
    note: object = ""
    required: bool = False
    choices: tuple = ()  # ((value, lazy label), ...): a drop-down list in the template
    mask: Callable | None = None  # how the value shows in a report (personal data)
    text_format: bool = False  # digits that must stay text (codes, ID numbers, phones)
    width: int = 16

    def note_text(self):
        parts = [str(_("Required")) if self.required else str(_("Optional"))]
        if self.note:
            parts.append(str(self.note))
        if self.choices:
            parts.append(str(_("choose from the list")))
        return "; ".join(parts)

    def headers(self):
        """The header in every language we accept it in."""
        found = set()
        for language in LANGUAGES:
            with translation.override(language):
                found.add(str(self.header).strip())
        return found

    def choice_map(self):
        """{text a person may type: stored value}: the value itself and the label in every language."""
        found = {}
        for value, label in self.choices:
            found[str(value)] = value
            for language in LANGUAGES:
                with translation.override(language):
                    found.setdefault(str(label), value)
        return found

    def choice(self, text, choices=None):
        """The stored value for a list answer given as its label in any language, or its value."""
        try:
            return (choices if choices is not None else self.choice_map())[text]
        except KeyError:
            raise RowProblem(self.key, _("Not one of the list: choose from the drop-down."))


MASK_ID = mask_id_number
MASK_PHONE = mask_phone


class RowProblem(Exception):
    """A bad cell: the column's key and the reason (a lazy text with its params)."""

    def __init__(self, column, reason, params=None):
        super().__init__(column)
        self.column, self.reason, self.params = column, reason, params or {}


class FileRefused(DomainError):
    """The whole file is refused (broken, not this template, too large)."""


@dataclass
class Row:
    number: int
    values: dict

    def __getitem__(self, key):
        return self.values.get(key, "")


@dataclass
class Result:
    kind: str
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: str = ""  # the file-level reason (Chinese), when the file itself was refused
    refused_en: str = ""
    report: list = dataclass_field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.refused and not self.report


def both_languages(render):
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(render())
    return texts


def error_texts(error):
    """(Chinese, English) of a DomainError or ValidationError raised with a lazy message."""
    return both_languages(lambda: "；".join(str(m) for m in error.messages))


class Importer:
    kind = ""
    title = ""
    columns = ()
    # Roles whose scope says where the importing person may write (superusers write anywhere).
    roles = EDITOR_ROLES

    def __init__(self, user):
        self.user = user
        self._scope = None if user.is_superuser else user.scope_codes(self.roles)

    # -- the template ------------------------------------------------------------------------
    @classmethod
    def template(cls, out):
        write_template(out, title=cls.title, columns=cls.columns)

    # -- scope ---------------------------------------------------------------------------------
    def covers(self, code):
        return self._scope is None or bool(code) and code_within(code, self._scope)

    def require_scope(self, column, code):
        if not self.covers(code):
            raise RowProblem(column, _("The unit %(code)s is outside your scope: you may not import into it."), {"code": code})

    # -- what subclasses write ---------------------------------------------------------------
    def prepare(self, rows):
        """Load what the rows refer to, in bulk."""

    def check(self, row):
        raise NotImplementedError

    def natural_key(self, record):
        """What makes two rows the same record (a duplicate inside the file)."""
        return record["key"]

    def key_column(self, record):
        return record.get("key_column") or self.columns[0].key

    def write(self, records):
        raise NotImplementedError

    # -- helpers for check() ---------------------------------------------------------------
    @staticmethod
    def text(row, key, *, max_length, required=False, label=None):
        return clean_text(row[key], field=key, max_length=max_length, required=required, label=label if label is not None else key)

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    def choice(self, key, text):
        """A list column's stored value for ``text`` (a label in any language, or the value)."""
        maps = self.__dict__.setdefault("_choice_maps", {})
        if key not in maps:
            maps[key] = self.column(key).choice_map()
        return self.column(key).choice(text, maps[key]) if text not in maps[key] else maps[key][text]

    # -- running -----------------------------------------------------------------------------
    def read(self, source, progress=None):
        """The rows of the file as ``Row``s; raises FileRefused for a broken file or another template."""
        try:
            with Sheet(source) as sheet:
                self._check_header(sheet.header)
                if progress:
                    progress("reading", 0, sheet.size_hint())
                rows = []
                for number, cells in sheet.rows():
                    if not any(cells):
                        continue
                    values = {c.key: (cells[i] if i < len(cells) else "") for i, c in enumerate(self.columns)}
                    if number == NOTES_ROW and self._is_notes(values):
                        continue
                    rows.append(Row(number, values))
                    if len(rows) > MAX_ROWS:
                        raise FileRefused(
                            _("A file may hold at most %(n)d rows: split it."), params={"n": MAX_ROWS}, code="too_many_rows")
                return rows
        except BrokenFile as error:
            raise FileRefused(error.message, params=error.params, code="broken_file") from error

    def _check_header(self, header):
        expected = [c.headers() for c in self.columns]
        given = [h for h in header]
        while given and not given[-1]:
            given.pop()
        if len(given) != len(expected) or any(h not in names for h, names in zip(given, expected)):
            raise FileRefused(
                _("This is not the template for %(title)s: its first row must be the headers %(headers)s. "
                  "Download the template and copy the rows into it."),
                params={"title": self.title, "headers": format_lazy("、".join(["{}"] * len(self.columns)), *(c.header for c in self.columns))},
                code="wrong_template",
            )

    def _is_notes(self, values):
        first = self.columns[0]
        given = values[first.key]
        return any(given == text for text in both_languages(first.note_text))

    def problem(self, row, column_key, reason_zh, reason_en):
        column = self.column(column_key) if any(c.key == column_key for c in self.columns) else self.columns[0]
        value = row[column.key]
        if column.mask and value:
            value = column.mask(value)
        header_zh, header_en = both_languages(lambda: str(column.header))
        return {"row": row.number, "column": header_zh, "column_en": header_en, "value": value,
                "reason": reason_zh, "reason_en": reason_en}

    def run(self, source, *, dry_run=False, progress=None):
        """Import ``source`` (a path or a file); returns a Result. Writes nothing unless every row is good."""
        result = Result(kind=self.kind, dry_run=dry_run)
        try:
            rows = self.read(source, progress)
        except FileRefused as error:
            result.refused, result.refused_en = error_texts(error)
            return result
        result.rows_total = len(rows)
        if progress:
            progress("checking", 0, len(rows))
        self.prepare(rows)
        records, seen = [], {}
        for index, row in enumerate(rows, start=1):
            try:
                record = self.check(row)
                key = self.natural_key(record)
                if key in seen:
                    raise RowProblem(self.key_column(record), _("The same record as row %(row)d of this file."), {"row": seen[key]})
                seen[key] = row.number
                records.append(record)
            except RowProblem as bad:
                zh, en = both_languages(lambda: str(bad.reason) % bad.params if bad.params else str(bad.reason))
                result.report.append(self.problem(row, bad.column, zh, en))
            except ValidationError as error:
                zh, en = error_texts(error)
                result.report.append(self.problem(row, getattr(error, "field", None) or self.columns[0].key, zh, en))
            if progress and index % 1000 == 0:
                progress("checking", index, len(rows))
        if progress:
            progress("checking", len(rows), len(rows))
        if result.report or dry_run:
            if dry_run and not result.report:
                result.created, result.updated, result.unchanged = self.count(records)
            return result
        if progress:
            progress("writing", 0, len(records))
        with transaction.atomic():
            result.created, result.updated, result.unchanged = self.write(records)
        if progress:
            progress("writing", len(records), len(records))
        return result

    def count(self, records):
        """(created, updated, unchanged) without writing: for a dry run."""
        created = sum(1 for r in records if r["pk"] is None)
        unchanged = sum(1 for r in records if r["pk"] is not None and not r["changed"])
        return created, len(records) - created - unchanged, unchanged


def batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def chunked_in(queryset, field, values, size=900):
    """Rows of ``queryset`` whose ``field`` is in ``values``, in chunks (SQLite's variable limit)."""
    values = list(values)
    for part in batches(values, size):
        yield from queryset.filter(**{f"{field}__in": part})


def upsert(model, records, fields, *, batch_size=BATCH):
    """Create the records without a pk and update the changed ones; returns the three counts.

    ``records`` are dicts with ``pk`` (None for new), ``changed`` and ``obj`` (an unsaved or a
    loaded instance with the new values set)."""
    new = [r["obj"] for r in records if r["pk"] is None]
    changed = [r["obj"] for r in records if r["pk"] is not None and r["changed"]]
    for part in batches(new, batch_size):
        model.objects.bulk_create(part, batch_size=batch_size)
    if changed and fields:
        for part in batches(changed, 500):
            model.objects.bulk_update(part, fields, batch_size=500)
    return len(new), len(changed), len(records) - len(new) - len(changed)
