"""Deadlines: reminders before, escalation after, whistles not reported.

``run(now)`` is a tick step (`gongzhi tick`, every minute; docs/decisions.md 13).
Every notice has an event key, so running it twice in a minute, or from two
machines, tells nobody anything twice. Each query reads a bounded slice
through the (status, resolve_by) index, and the people around a batch of
cases are read once per batch (notify.Directory): the number of queries per
batch does not grow with the number of cases.
"""
import datetime
from itertools import islice

from django.utils import timezone

from gongzhi.core import notices
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


def run(now=None):
    now = now or timezone.now()
    sent = {"deadline_near": 0, "overdue": 0, "whistle_unreported": 0}
    soon = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__gt=now, resolve_by__lte=now + LONGEST_WINDOW)
    for batch in _batches(soon.order_by("resolve_by", "pk")):
        due = [c for c in batch if c.resolve_by - now <= (c.resolve_by - c.created_at) * REMIND_WHEN_LEFT]
        directory = Directory(due)
        sent["deadline_near"] += notices.notify_many([
            (c, "cases.deadline_near", f"case:{c.pk}:near:{c.resolve_by:%Y%m%d%H%M}", directory.responsible(c), params_of(c))
            for c in due
        ])
    # Past the last escalation step nothing new is due, so older overdue cases are not re-read.
    oldest = now - ESCALATION[-1][0] - datetime.timedelta(days=1)
    overdue = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__lte=now, resolve_by__gt=oldest)
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
    late = CaseAgency.objects.filter(whistled=True, reported_at__isnull=True, returned_at__isnull=True, report_by__lte=now,
                                     report_by__gt=now - datetime.timedelta(days=1),
                                     case__status=Status.WHISTLED).select_related("case").order_by("report_by", "pk")
    for batch in _batches(late):
        directory = Directory([link.case for link in batch])
        sent["whistle_unreported"] += notices.notify_many([
            (link.case, "cases.whistle_unreported", f"case:{link.case_id}:unreported:{link.agency_id}",
             directory.agency_staff(link.case, [link.agency_id]) | directory.grid_workers(link.case), params_of(link.case))
            for link in batch
        ])
    return sent
