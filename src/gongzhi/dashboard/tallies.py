"""The cockpit's roll-ups (Tally): kept current by the moves, corrected by the minute job.

- A move enqueues ``cockpit.tally`` (core.outbox) with the unit code and the month its record
  counts in; after commit, outside any lock, ``on_move`` recounts that unit's rows of that month.
- The tick step ``refresh_recent`` recounts, each minute, only what time alone changed since the
  last minute (a part's ``extra["changed"]``: a case becoming overdue), and the parts that cannot
  say what changed (small tables) in full; once a day (settings.ROLLUP_FULL_HOUR) it recounts
  this month and the last for everything, which corrects anything a lost message missed
  (decision 81: at 10 million cases the full recount takes seconds, the minute's a few queries).
- ``gongzhi rollups --rebuild`` recounts every month that has records.
A unit's figure is the sum of the stored rows under its code (``sums``), never a count of the
raw tables on a page view (decision 74).
"""
import datetime

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from gongzhi.core import plugins
from gongzhi.core.scoping import under_codes_q

from .models import Tally

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
    unit. Upserted in place; rows that no longer count anything are deleted."""
    month = month_start(month)
    start, end = month_bounds(month)
    written = 0
    for part in parts():
        if only is not None and part.key not in only:
            continue
        counted = {}
        for code, measure, n in part.count(start, end, unit_code=unit_code):
            if n:
                counted[(code, measure)] = counted.get((code, measure), 0) + n
        existing = Tally.objects.filter(month=month, measure__startswith=part.prefix)
        if unit_code:
            existing = existing.filter(under_codes_q("unit_code", [unit_code]))
        gone = [pk for pk, code, measure in existing.values_list("pk", "unit_code", "measure")
                if (code, measure) not in counted]
        if gone:
            Tally.objects.filter(pk__in=gone).delete()
        rows = [Tally(month=month, unit_code=code, measure=measure, count=n) for (code, measure), n in counted.items()]
        Tally.objects.bulk_create(rows, batch_size=2000, update_conflicts=True,
                                  unique_fields=["month", "unit_code", "measure"], update_fields=["count", "refreshed_at"])
        written += len(rows)
    return written


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
        Tally.objects.filter(month__lt=month).delete()
        Tally.objects.filter(month__gt=last).delete()
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

def sums(unit_code, months):
    """{month: {measure: n}} under ``unit_code`` for the given months (one query on Tally)."""
    found = {month: {} for month in months}
    rows = (Tally.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=list(months))
            .values("month", "measure").annotate(n=Sum("count")).order_by())
    for row in rows:
        found[row["month"]][row["measure"]] = row["n"]
    return found


def by_child(unit_code, months, measures=None, prefix=None):
    """{child code: {measure: n}}: the stored rows under ``unit_code`` summed per child unit."""
    length = CHILD_LENGTH.get(len(unit_code))
    if length is None:
        return {}
    rows = Tally.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=list(months))
    if measures is not None:
        rows = rows.filter(measure__in=list(measures))
    if prefix is not None:
        rows = rows.filter(measure__startswith=prefix)
    found = {}
    rows = rows.annotate(child=Substr("unit_code", 1, length))
    for row in rows.values("child", "measure").annotate(n=Sum("count")).order_by():
        if len(row["child"]) == length:
            found.setdefault(row["child"], {})[row["measure"]] = row["n"]
    return found


def series(unit_code, months, prefix):
    """{measure: [n per month]} of the measures starting with ``prefix``, months in order."""
    months = list(months)
    rows = (Tally.objects.filter(under_codes_q("unit_code", [unit_code]), month__in=months, measure__startswith=prefix)
            .values("month", "measure").annotate(n=Sum("count")).order_by())
    found = {}
    for row in rows:
        found.setdefault(row["measure"], [0] * len(months))[months.index(row["month"])] = row["n"]
    return found
