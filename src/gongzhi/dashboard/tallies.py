"""The cockpit's roll-ups (Tally): kept current by the moves, corrected by the minute job.

- A move enqueues ``cockpit.tally`` (core.outbox) with the unit code and the month its record
  counts in; after commit, outside any lock, ``on_move`` recounts that unit's rows of that month.
- The tick step ``refresh_recent`` recounts, each minute, only what time alone changed since the
  last minute (a part's ``extra["changed"]``: a case becoming overdue), and the parts that cannot
  say what changed (small tables) in full; once a day (settings.ROLLUP_FULL_HOUR) it recounts
  this month and the last for everything, which corrects anything a lost message missed
  (decision 81: at 10 million cases the full recount takes seconds, the minute's a few queries).
- ``gongzhi rollups --rebuild`` recounts every month that has records.
A unit's figure is its stored sums (TallySum, kept by the same writes: decision 86), never a
count of the raw tables on a page view (decision 74).
"""
import datetime

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Length, Substr
from django.utils import timezone

from gongzhi.core import plugins
from gongzhi.core.scoping import under_codes_q

from .models import SUM_LEVELS, Tally, TallySum

# Unit code length per level (district 6, street 9, community 12, grid 15, micro-grid 18).
CHILD_LENGTH = {6: 9, 9: 12, 12: 15, 15: 18}


def month_start(day):
    return day.replace(day=1)


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(month):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1), tz)
    following = add_months(month, 1)
    return start, timezone.make_aware(datetime.datetime(following.year, following.month, 1), tz)


def parts():
    return sorted(plugins.cockpit_parts().values(), key=lambda p: (p.order, p.key))


@transaction.atomic
def refresh_month(month, unit_code=None, only=None):
    """Recount one month: every part (or the parts keyed in ``only``), everywhere or under one
    unit. Upserted in place; rows that no longer count anything are deleted. The units' own sums
    (TallySum) change in the same transaction: by the difference each Tally row made when under
    one unit, recomputed from the Tally rows when everywhere (decision 86)."""
    month = month_start(month)
    start, end = month_bounds(month)
    written = 0
    for part in parts():
        if only is not None and part.key not in only:
            continue
        # Locked before counting: a recount that waited for another one counts what that one
        # saw and what committed since (PostgreSQL reads each statement's own snapshot).
        _lock(month, part.prefix, unit_code)
        counted = {}
        for code, measure, n in part.count(start, end, unit_code=unit_code):
            if n:
                counted[(code, measure)] = counted.get((code, measure), 0) + n
        existing = Tally.objects.filter(month=month, measure__startswith=part.prefix)
        if unit_code:
            existing = existing.filter(under_codes_q("unit_code", [unit_code]))
        before = {(code, measure): (pk, n) for pk, code, measure, n
                  in existing.values_list("pk", "unit_code", "measure", "count")}
        gone = [pk for key, (pk, _n) in before.items() if key not in counted]
        if gone:
            Tally.objects.filter(pk__in=gone).delete()
        rows = [Tally(month=month, unit_code=code, measure=measure, count=n) for (code, measure), n in counted.items()
                if before.get((code, measure), (None, 0))[1] != n]
        Tally.objects.bulk_create(rows, batch_size=2000, update_conflicts=True,
                                  unique_fields=["month", "unit_code", "measure"], update_fields=["count", "refreshed_at"])
        if unit_code:
            changes = {key: counted.get(key, 0) - before.get(key, (None, 0))[1] for key in {*counted, *before}}
            _add_to_sums(month, changes)
        else:
            resum(month, part.prefix)
        written += len(rows)
    return written


def _lock(month, prefix, unit_code):
    """Serialize the recounts that could read the same Tally rows (PostgreSQL; SQLite has one
    writer). A difference is only right if no other transaction changes the rows between the
    read and the write: a recount under a unit holds its unit exclusively and every unit above it
    (and the whole month) shared, so two grids recount side by side while a community's or the
    whole month's recount waits for them. Taken in the order of the code, shortest first."""
    if connection.vendor != "postgresql":
        return
    base = f"tally:{month:%Y-%m}:{prefix}:"
    if not unit_code:
        shared, own = [], base
    else:
        shared = [base] + [base + unit_code[:n] for n in SUM_LEVELS if n < len(unit_code)]
        own = base + unit_code
    calls = ["pg_advisory_xact_lock_shared(hashtextextended(%s, 0))"] * len(shared)
    calls.append("pg_advisory_xact_lock(hashtextextended(%s, 0))")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(calls), [*shared, own])


def _add_to_sums(month, changes):
    """Add each Tally row's change to the sums of its unit and every unit above it. One upsert
    adding to what is stored (rows in the order of their key, so that two transactions adding
    to the same district row never wait on each other in a cycle)."""
    delta = {}
    for (code, measure), n in changes.items():
        if n:
            for length in SUM_LEVELS:
                if length <= len(code):
                    key = (code[:length], measure)
                    delta[key] = delta.get(key, 0) + n
    delta = sorted((key, n) for key, n in delta.items() if n)
    if not delta:
        return
    table = connection.ops.quote_name(TallySum._meta.db_table)
    day = month.isoformat()
    for i in range(0, len(delta), 500):
        batch = delta[i:i + 500]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        params = [v for (code, measure), n in batch for v in (day, code, len(code), measure, n)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (month, unit_code, depth, measure, count) VALUES {values} "
                f"ON CONFLICT (month, unit_code, measure) DO UPDATE SET count = {table}.count + excluded.count",
                params)
    TallySum.objects.filter(month=month, count=0, unit_code__in={code for (code, _m), _n in delta}).delete()


def resum(month, prefix=""):
    """Recompute every unit's sums of one month (the measures starting with ``prefix``) from the
    Tally rows: after a recount of the whole month, and wherever Tally was written otherwise."""
    month = month_start(month)
    TallySum.objects.filter(month=month, measure__startswith=prefix).delete()
    rows = []
    for length in SUM_LEVELS:
        found = (Tally.objects.filter(month=month, measure__startswith=prefix).annotate(n_code=Length("unit_code"))
                 .filter(n_code__gte=length).annotate(code=Substr("unit_code", 1, length))
                 .values_list("code", "measure").annotate(n=Sum("count")).order_by())
        rows += [TallySum(month=month, unit_code=code, depth=length, measure=measure, count=n)
                 for code, measure, n in found if n]
    TallySum.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def on_move(payload):
    """The outbox handler: recount the rows of one unit and month after a move."""
    month = datetime.date.fromisoformat(payload["month"])
    refresh_month(month, unit_code=payload["unit"], only=payload.get("parts"))


def enqueue(unit_code, when, part, reason):
    """Called by an app's move (inside its transaction): recount ``unit_code``'s month after commit."""
    from gongzhi.core import outbox

    month = month_start(timezone.localtime(when).date())
    outbox.enqueue("cockpit.tally", f"tally:{part}:{unit_code}:{month:%Y-%m}:{reason}"[:200],
                   {"unit": unit_code, "month": month.isoformat(), "parts": [part]})


# A window overlaps the last by this much: a move's transaction that began before the last tick
# and committed after it is still seen.
OVERLAP = datetime.timedelta(minutes=5)
FULL_MARK, MINUTE_MARK = "tallies.full", "tallies.minute"


def refresh_recent(now=None):
    """The tick step: what changed since the last minute, and once a day this month and the last
    in full."""
    from gongzhi.core import tick

    now = now or timezone.now()
    today = month_start(timezone.localtime(now).date())
    recent = (add_months(today, -1), today)
    since = tick.last_mark(MINUTE_MARK)
    if since is None or tick.full_pass_due(FULL_MARK, now):
        rows = sum(refresh_month(month) for month in recent)
        tick.mark(FULL_MARK, now)
        tick.mark(MINUTE_MARK, now)
        return {"tallies": rows, "full": True}
    told = [p for p in parts() if p.extra.get("changed")]
    rest = [p.key for p in parts() if not p.extra.get("changed")]
    rows = sum(refresh_month(month, only=rest) for month in recent) if rest else 0
    touched = {}
    for part in told:
        for unit_code, month in part.extra["changed"](since - OVERLAP, now):
            touched.setdefault((unit_code, month_start(month)), set()).add(part.key)
    for (unit_code, month), keys in sorted(touched.items()):
        rows += refresh_month(month, unit_code=unit_code, only=keys)
    tick.mark(MINUTE_MARK, now)
    return {"tallies": rows, "units": len(touched)}


def rebuild(first=None, last=None, progress=None):
    """Recount every month from ``first`` (the oldest record any part knows) to ``last``."""
    last = month_start(last or timezone.localdate())
    if first is None:
        firsts = [p.extra["first"]() for p in parts() if p.extra.get("first")]
        firsts = [f for f in firsts if f]
        first = min(firsts) if firsts else last
    month, written = month_start(first), 0
    with transaction.atomic():
        for model in (Tally, TallySum):
            model.objects.filter(month__lt=month).delete()
            model.objects.filter(month__gt=last).delete()
    while month <= last:
        written += refresh_month(month)
        if progress:
            progress(month, written)
        month = add_months(month, 1)
    return written


def demo_step(builder):
    """The demo's last step: count every month the other steps wrote (their moves' messages are
    still queued; they recount the same again when the minute job drains them)."""
    rebuild(last=builder.today)


# ------------------------------------------------------------------ reading the stored rows

def _stored_sums(unit_code):
    """Whether ``unit_code``'s own sums are stored (TallySum) or summed from Tally (a micro-grid)."""
    return len(unit_code) in SUM_LEVELS


def sums(unit_code, months):
    """{month: {measure: n}} under ``unit_code`` for the given months (one query)."""
    found = {month: {} for month in months}
    if _stored_sums(unit_code):
        rows = TallySum.objects.filter(unit_code=unit_code, month__in=list(months)).values_list("month", "measure", "count")
    else:
        rows = (Tally.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=list(months))
                .values_list("month", "measure").annotate(n=Sum("count")).order_by())
    for month, measure, n in rows:
        found[month][measure] = n
    return found


def by_child(unit_code, months, measures=None, prefix=None):
    """{child code: {measure: n}}: the sums under ``unit_code`` per child unit (one query)."""
    length = CHILD_LENGTH.get(len(unit_code))
    if length is None:
        return {}
    if length in SUM_LEVELS:
        rows = TallySum.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=list(months), depth=length)
        if measures is not None:
            rows = rows.filter(measure__in=list(measures))
        if prefix is not None:
            rows = rows.filter(measure__startswith=prefix)
        rows = rows.values_list("unit_code", "measure").annotate(n=Sum("count")).order_by()
    else:
        rows = Tally.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=list(months))
        if measures is not None:
            rows = rows.filter(measure__in=list(measures))
        if prefix is not None:
            rows = rows.filter(measure__startswith=prefix)
        rows = (rows.annotate(child=Substr("unit_code", 1, length)).values_list("child", "measure")
                .annotate(n=Sum("count")).order_by())
    found = {}
    for child, measure, n in rows:
        if len(child) == length:
            found.setdefault(child, {})[measure] = n
    return found


def series(unit_code, months, prefix):
    """{measure: [n per month]} of the measures starting with ``prefix``, months in order."""
    months = list(months)
    found = {}
    for month, by_measure in sums(unit_code, months).items():
        for measure, n in by_measure.items():
            if measure.startswith(prefix):
                found.setdefault(measure, [0] * len(months))[months.index(month)] = n
    return found
