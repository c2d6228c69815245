"""Deadlines: reminders before, escalation after, whistles not reported.

``run(now)`` is a tick step (`gongzhi tick`, every minute; docs/decisions.md 13).
Every notice has an event key, so running it twice in a minute, or from two
machines, tells nobody anything twice. Each query reads a bounded slice
through the (status, resolve_by) index, and the people around a batch of
cases are read once per batch (notify.Directory): the number of queries per
batch does not grow with the number of cases.

A minute reads only what fell due since the last run (decision 91): the cases whose
reminder time, or one of whose escalation times, passed since then (the reminder time
compared in SQL). The first run of each hour reads everything in the windows, as
every run did before: it catches a deadline a move set in the past of the window (a
case recategorized to a shorter limit, or reopened), and a run that failed.
"""
import datetime
from itertools import islice

from django.db.models import FloatField, Func, Q, Value
from django.utils import timezone

from gongzhi.core import notices, tick
from gongzhi.people.models import Role

from .models import OPEN_STATUSES, Case, CaseAgency, Status
from .notify import Directory, params_of

# Remind when this share of the time to resolve is left.
REMIND_WHEN_LEFT = 0.2
LONGEST_WINDOW = datetime.timedelta(days=15)
# Overdue work rises: to the community at once, the street after a day, the district after three.
ESCALATION = [
    (datetime.timedelta(0), Role.COMMUNITY_SECRETARY),
    (datetime.timedelta(days=1), Role.STREET_ADMIN),
    (datetime.timedelta(days=3), Role.DISTRICT_ADMIN),
]
BATCH = 500
MARK = "cases.deadlines"              # the last run: the next one reads what fell due since
FULL_MARK = "cases.deadlines.full"    # the last full pass (hourly)
# Read a little before the last run: a case written in the same second as the mark is not missed
# (what was sent already is not sent again: the event keys).
OVERLAP = datetime.timedelta(minutes=2)


class Epoch(Func):
    """A datetime column as seconds since 1970, in SQL: sums of instants are compared there."""
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as ISO text in UTC; julianday() reads it (day 2440587.5 is 1970-01-01 00:00 UTC).
        return super().as_sql(compiler, connection,
                              template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra)


def reminder_sum():
    """5 × the reminder time, as 4 × resolve_by + created_at (REMIND_WHEN_LEFT = 0.2): the
    reminder is due once this is at most 5 × now (multiples, so no fifth of a second is rounded)."""
    return Value(4.0) * Epoch("resolve_by") + Epoch("created_at")


def supervisor_level(overdue_by):
    """The supervisor role an overdue case has reached."""
    level = ESCALATION[0][1]
    for after, role in ESCALATION:
        if overdue_by >= after:
            level = role
    return level


def levels_reached(overdue_by):
    return [role for after, role in ESCALATION if overdue_by >= after]


def _batches(queryset):
    rows = iter(queryset.iterator(chunk_size=BATCH))
    while batch := list(islice(rows, BATCH)):
        yield batch


def _since(now):
    """The start of this run's window, or None for a full pass (the first run of each hour, the
    first run ever, a clock that went back)."""
    since, full = tick.last_mark(MARK), tick.last_mark(FULL_MARK)
    if since is None or full is None or since > now or full < now.replace(minute=0, second=0, microsecond=0):
        return None
    return since - OVERLAP


def run(now=None):
    now = now or timezone.now()
    since = _since(now)
    sent = _send(now, since)
    tick.mark(MARK, now)
    if since is None:
        tick.mark(FULL_MARK, now)
    return sent


def check_case(case_id, now=None):
    """One case's notices due now, read without the window. Run after each move on it
    (notify.on_move): a move may set its deadline so that its reminder or escalation time lies
    before the window (a recategorization, a reopening), or bring people who were not told yet
    (a dispatch, a whistle), and the hour's full pass may come after the deadline."""
    return _send(now or timezone.now(), None, case_id)


def _send(now, since, case_id=None):
    sent = {"deadline_near": 0, "overdue": 0, "whistle_unreported": 0}
    one = {} if case_id is None else {"pk": case_id}  # check_case: that case alone
    its_links = {} if case_id is None else {"case_id": case_id}
    soon = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__gt=now, resolve_by__lte=now + LONGEST_WINDOW, **one)
    if since is not None:
        soon = soon.alias(remind5=reminder_sum()).filter(remind5__gt=5 * since.timestamp(),
                                                              remind5__lte=5 * now.timestamp())
    for batch in _batches(soon.order_by("resolve_by", "pk")):
        due = [c for c in batch if c.resolve_by - now <= (c.resolve_by - c.created_at) * REMIND_WHEN_LEFT]
        directory = Directory(due)
        sent["deadline_near"] += notices.notify_many([
            (c, "cases.deadline_near", f"case:{c.pk}:near:{c.resolve_by:%Y%m%d%H%M}", directory.responsible(c), params_of(c))
            for c in due
        ])
    # Past the last escalation step nothing new is due, so older overdue cases are not re-read.
    oldest = now - ESCALATION[-1][0] - datetime.timedelta(days=1)
    overdue = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__lte=now, resolve_by__gt=oldest, **one)
    if since is not None:
        # Those of which one escalation time (resolve_by + after) passed since the last run.
        crossed = Q()
        for after, _role in ESCALATION:
            crossed |= Q(resolve_by__gt=since - after, resolve_by__lte=now - after)
        overdue = overdue.filter(crossed)
    for batch in _batches(overdue.order_by("resolve_by", "pk")):
        directory = Directory(batch)
        items = []
        for c in batch:
            levels = levels_reached(now - c.resolve_by)
            # One notice per person and deadline, naming every level it has reached; when it
            # rises, the people of the new level get theirs (the others are not told again).
            people = directory.with_role(c, levels) | directory.responsible(c)
            items.append((c, "cases.overdue", f"case:{c.pk}:overdue:{c.resolve_by:%Y%m%d%H%M}", people,
                          {**params_of(c), "levels": [str(level) for level in levels]}))
        sent["overdue"] += notices.notify_many(items)
    day_ago = now - datetime.timedelta(days=1)
    late = CaseAgency.objects.filter(whistled=True, reported_at__isnull=True, returned_at__isnull=True, report_by__lte=now,
                                     report_by__gt=day_ago if since is None else max(since, day_ago),
                                     case__status=Status.WHISTLED, **its_links).select_related("case").order_by("report_by", "pk")
    for batch in _batches(late):
        directory = Directory([link.case for link in batch])
        sent["whistle_unreported"] += notices.notify_many([
            (link.case, "cases.whistle_unreported", f"case:{link.case_id}:unreported:{link.agency_id}",
             directory.agency_staff(link.case, [link.agency_id]) | directory.grid_workers(link.case), params_of(link.case))
            for link in batch
        ])
    return sent
