"""The bench's import measure: a generated residents workbook of N rows over the world's households,
imported by the product (``gongzhi import residents``'s importer, as a superuser) and, as the
yardstick, the same rows written by a raw bulk insert (COPY on PostgreSQL, one executemany on
SQLite) in one transaction. Both leave the database as they found it."""
import datetime
import random
import time
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.core import plugins
from gongzhi.people.models import User
from gongzhi.territory.identity import id_check_char
from gongzhi.territory.models import Household, Resident

from .data import Writer, _stamp

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def households(limit=50_000):
    """(grid code, estate, building, room, pk) of up to ``limit`` households."""
    return list(Household.objects.order_by("pk").values_list(
        "building__estate__grid__code", "building__estate__name", "building__number", "room", "pk")[:limit])


def rows(n, places, seed=2026):
    """N residents: unique valid ID numbers (a region code no demo resident uses), mobiles, names."""
    rng = random.Random(seed)
    start = datetime.date(1940, 1, 1)
    out = []
    for i in range(n):
        # 999 sequence numbers a day, the days spread over 80 years (97 is prime to 29,200): unique.
        born = start + datetime.timedelta(days=(i // 999) * 97 % 29_200)
        first17 = f"990000{born:%Y%m%d}{i % 999 + 1:03d}"
        place = places[i % len(places)]
        out.append((place[0], place[1], place[2], place[3],
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "", first17 + id_check_char(first17),
                    f"13{rng.randrange(0, 10**9):09d}", "否", place[4]))
    return out


def write_file(path, data):
    """A workbook like the template: headers, notes, then the rows."""
    from openpyxl import Workbook

    importer = plugins.importers()["residents"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("residents")
    sheet.append([str(c.header) for c in importer.columns])
    sheet.append([c.note_text() for c in importer.columns])
    for row in data:
        sheet.append(list(row[:9]))
    book.save(path)
    return path


def _remove(id_numbers):
    ids = list(id_numbers)
    for start in range(0, len(ids), 900):
        Resident.objects.filter(id_number__in=ids[start:start + 900]).delete()


def measure(n, workdir, seed=2026, progress=print):
    """(product rows/s, raw rows/s, rows, notes) for N residents."""
    places = households()
    if not places:
        raise RuntimeError("the world has no households to import residents into")
    data = rows(n, places, seed)
    n = len(data)
    path = Path(workdir) / f"residents-{n}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    progress(f"  writing a {n:,}-row residents workbook")
    write_file(path, data)
    user = User.objects.filter(is_superuser=True).order_by("pk").first() or User.objects.create_superuser("bench-import")
    ids = [row[6] for row in data]
    _remove(ids)
    try:
        progress("  importing it (the product)")
        phases = {}

        def phase(name, done, total):
            phases.setdefault(name, time.perf_counter())

        started = time.perf_counter()
        result = plugins.importers()["residents"](user).run(str(path), progress=phase)
        product_s = time.perf_counter() - started
        marks = sorted(phases.items(), key=lambda item: item[1]) + [("end", started + product_s)]
        split = ", ".join(f"{name} {after - at:.1f} s" for (name, at), (_next, after) in zip(marks, marks[1:]))
        if not result.ok or result.created != n:
            raise RuntimeError(f"the import did not write the {n} rows: {result.refused or result.report[:3]}")
        _remove(ids)
        progress("  writing the same rows raw")
        stamp = _stamp(connection.vendor == "postgresql")
        now = stamp(timezone.now())
        raw_rows = [(row[9], row[4], "M" if int(row[6][16]) % 2 else "F", row[6], row[7],
                     datetime.date(int(row[6][6:10]), int(row[6][10:12]), int(row[6][12:14])), False, now)
                    for row in data]
        writer = Writer(Resident, ["household_id", "name", "gender", "id_number", "phone", "birth_date",
                                   "is_household_head", "created_at"])
        started = time.perf_counter()
        with transaction.atomic():
            for start in range(0, len(raw_rows), 10_000):
                writer.write(raw_rows[start:start + 10_000])
        raw_s = time.perf_counter() - started
    finally:
        _remove(ids)
        path.unlink(missing_ok=True)
    notes = (f"import: {n:,} residents over {len(places):,} households: the product's import {product_s:.1f} s "
             f"({split}: read streamed, checked row by row with the pages' rules, written in bulk in one transaction), "
             f"raw bulk insert {raw_s:.1f} s.")
    return n / product_s, n / raw_s, n, notes
