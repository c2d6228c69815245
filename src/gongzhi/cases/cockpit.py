"""The cases' parts of the cockpit (dashboard.parts): counted per grid and month reported."""
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from .models import OPEN_STATUSES, Case, CaseAgency, Rating, Status

PREFIX = "cases."


def ledger_link(unit_code, start, end, **filters):
    """The one place cockpit links to the case list are built (the ledger's filter names)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {"unit": unit_code, "created_after": start.isoformat(), "created_before": end.isoformat()}
    query.update({k: v for k, v in filters.items() if v is not None})
    return f"{reverse('cases:list')}?{urlencode(query)}"


def count(start, end, unit_code=None, now=None):
    now = now or timezone.now()
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status=Status.MERGED)
    if unit_code:
        cases = cases.filter(under_codes_q("grid_code", [unit_code]))
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(resolve_by__lt=now)
    totals = cases.values("grid_code").annotate(
        received=Count("id"),
        closed=Count("id", filter=Q(status__in=(Status.CLOSED, Status.RATED))),
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=overdue_q),
        rated=Count("id", filter=Q(rating__gt="")),
        responded=Count("id", filter=Q(rating__gt="", responded_at__lte=F("respond_by"))),
        solved=Count("id", filter=Q(rating_solved=True)),
        satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
        basically=Count("id", filter=Q(rating=Rating.BASICALLY)),
    ).order_by()
    for row in totals:
        code = row.pop("grid_code")
        for measure, n in row.items():
            yield code, PREFIX + measure, n
    for row in cases.values("grid_code", "category_id").annotate(n=Count("id")).order_by():
        yield row["grid_code"], f"{PREFIX}category:{row['category_id']}", row["n"]
    links = CaseAgency.objects.filter(returned_at__isnull=True, case__in=cases.filter(overdue_q))
    for row in links.values("case__grid_code", "agency_id").annotate(n=Count("case_id", distinct=True)).order_by():
        yield row["case__grid_code"], f"{PREFIX}overdue_agency:{row['agency_id']}", row["n"]


def first_month():
    first = Case.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localtime(first).date() if first else None


FIGURES = (
    Measure("cases.received", _("Problems reported"), lambda u, s, e: ledger_link(u, s, e)),
    Measure("cases.closed", _("Problems solved"), lambda u, s, e: ledger_link(u, s, e, status="closed")),
    Measure("cases.open", _("Problems open"), lambda u, s, e: ledger_link(u, s, e, status="open")),
    Measure("cases.overdue", _("Problems overdue"), lambda u, s, e: ledger_link(u, s, e, status="open", overdue=1)),
    Measure("cases.solved", _("Rated solved"), lambda u, s, e: ledger_link(u, s, e, solved=1)),
    Measure("cases.satisfied", _("Rated satisfied"), lambda u, s, e: ledger_link(u, s, e, rating="satisfied")),
    Measure("cases.basically", _("Rated basically satisfied"), lambda u, s, e: ledger_link(u, s, e, rating="basically")),
)

PARTS = [
    Part("cases", _("Residents' problems"), count, PREFIX, figures=FIGURES, panel="cases", order=10,
         extra={"first": first_month}),
]
