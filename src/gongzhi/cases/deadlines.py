"""Deadlines: reminders before, escalation after, whistles not reported.

``run(now)`` is what `gongzhi tick` does every minute (see docs/decisions.md).
Every notice has an event key, so running it twice in a minute, or from two
machines, tells nobody anything twice. Each query reads a bounded slice
through the (status, resolve_by) index, never the whole case table.
"""
import datetime

from django.utils import timezone

from gongzhi.people.models import Role

from . import notify
from .models import OPEN_STATUSES, Case, CaseAgency, Status

# Remind when this share of the time to resolve is left.
REMIND_WHEN_LEFT = 0.2
LONGEST_WINDOW = datetime.timedelta(days=15)
# Overdue work rises: to the community at once, the street after a day, the district after three.
ESCALATION = [
    (datetime.timedelta(0), Role.COMMUNITY_SECRETARY),
    (datetime.timedelta(days=1), Role.STREET_ADMIN),
    (datetime.timedelta(days=3), Role.DISTRICT_ADMIN),
]


def supervisor_level(overdue_by):
    """The supervisor role an overdue case has reached."""
    level = ESCALATION[0][1]
    for after, role in ESCALATION:
        if overdue_by >= after:
            level = role
    return level


def responsible(case):
    if case.status in (Status.DISPATCHED, Status.HANDLING, Status.WHISTLED):
        return notify.agency_staff(case) or notify.grid_workers(case)
    return notify.grid_workers(case)


def run(now=None):
    now = now or timezone.now()
    sent = {"deadline_near": 0, "overdue": 0, "whistle_unreported": 0}
    soon = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__gt=now, resolve_by__lte=now + LONGEST_WINDOW)
    for case in soon.select_related("category").iterator(chunk_size=500):
        window = case.resolve_by - case.created_at
        if case.resolve_by - now <= window * REMIND_WHEN_LEFT:
            key = f"case:{case.pk}:near:{case.resolve_by:%Y%m%d%H%M}"
            sent["deadline_near"] += notify.deliver(case, key, "deadline_near", responsible(case))
    # Past the last escalation step nothing new is due, so older overdue cases are not re-read.
    oldest = now - ESCALATION[-1][0] - datetime.timedelta(days=1)
    overdue = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__lte=now, resolve_by__gt=oldest)
    for case in overdue.iterator(chunk_size=500):
        roles = [role for after, role in ESCALATION if now - case.resolve_by >= after]
        for role in roles:
            key = f"case:{case.pk}:overdue:{role}:{case.resolve_by:%Y%m%d%H%M}"
            sent["overdue"] += notify.deliver(case, key, "overdue", notify.people_with_role(case, [role]) | responsible(case))
    late = CaseAgency.objects.filter(whistled=True, reported_at__isnull=True, returned_at__isnull=True, report_by__lte=now,
                                     case__status=Status.WHISTLED).select_related("case")
    for link in late:
        key = f"case:{link.case_id}:unreported:{link.agency_id}"
        people = notify.agency_staff(link.case, [link.agency_id]) | notify.grid_workers(link.case)
        sent["whistle_unreported"] += notify.deliver(link.case, key, "whistle_unreported", people)
    return sent
