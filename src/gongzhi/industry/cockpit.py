"""Industry's parts of the cockpit (dashboard.parts, decision 74).

- Supply and demand: enterprises' needs posted and solved, per the unit of the enterprise, by
  month; each number links to the needs board filtered to that unit and month (decision 77).
- 两个覆盖: the coverage counts as they stood at each month's end (today for this month), per
  unit, stored like every other measure; the panel draws the three rates as gauges against the
  zone's targets, and the zone's largest chain as a graph coloured by party status (decision 85).
  Each gauge and each node opens the records behind it.
"""
from urllib.parse import urlencode

import datetime

from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from .models import ZONE_CODE_LENGTH, CoverageTarget, Enterprise, Need, NeedStatus
from .services import chains as chain_rules
from .services.coverage import BASE, ORGANIZED_Q, REACHED_Q, SANYOU_DUE_Q, SANYOU_MET_Q, rate

PREFIX = "industry."


def count(start, end, unit_code=None):
    posted = Need.objects.filter(created_at__gte=start, created_at__lt=end)
    solved = Need.objects.filter(status=NeedStatus.SOLVED, solved_at__gte=start, solved_at__lt=end)
    if unit_code:
        posted = posted.filter(under_codes_q("enterprise__unit__code", [unit_code]))
        solved = solved.filter(under_codes_q("enterprise__unit__code", [unit_code]))
    for measure, rows in (("needs_posted", posted), ("needs_solved", solved)):
        for row in rows.values(code=F("enterprise__unit__code")).annotate(n=Count("id")).order_by():
            yield row["code"], PREFIX + measure, row["n"]


def first_month():
    first = Need.objects.aggregate(m=Min("created_at"))["m"]
    return timezone.localtime(first).date() if first else None


def board_link(unit_code, start, **filters):
    """The needs board filtered to the unit and the month (``posted`` or ``solved``: YYYY-MM)."""
    month = timezone.localtime(start).strftime("%Y-%m") if hasattr(start, "tzinfo") else start.strftime("%Y-%m")
    query = {"unit": unit_code, **{k: month if v is True else v for k, v in filters.items()}}
    return f"{reverse('industry:needs')}?{urlencode(query)}"


def panels(view):
    if not any(view.series(PREFIX + "needs_posted")) and not any(view.series(PREFIX + "needs_solved")):
        return []
    return [{"key": "industry", "title": str(_("Enterprise needs posted and solved")), "kind": "bar",
             "x": [m.strftime("%Y-%m") for m in view.months],
             "series": [{"name": str(_("Needs posted")), "data": view.series(PREFIX + "needs_posted")},
                        {"name": str(_("Needs solved")), "data": view.series(PREFIX + "needs_solved")}]}]


COVERAGE = "coverage."
# What each stored coverage measure counts: the enterprises list's ``coverage`` filter takes the same names.
COVERAGE_MEASURES = ("enterprises", "organized", "reached", "sanyou_due", "sanyou_met")


def as_of(end):
    """The day a month's stock is counted at: its last day, or today for this month (``end``: the
    next month's first moment, or its first day)."""
    last = (timezone.localtime(end).date() if isinstance(end, datetime.datetime) else end) - datetime.timedelta(days=1)
    return min(last, timezone.localdate())


def coverage_q(which, day):
    """Enterprises counted under ``which`` on ``day`` (from the dates on the records)."""
    existing = BASE & (Q(registered_on__isnull=True) | Q(registered_on__lte=day))
    organized = ORGANIZED_Q & Q(organized_on__lte=day)
    return existing & {
        "enterprises": Q(),
        "organized": organized,
        "reached": REACHED_Q & Q(reached_on__lte=day),
        "sanyou_due": SANYOU_DUE_Q,
        "sanyou_met": SANYOU_MET_Q & Q(organized_on__lte=day),
    }[which]


def count_coverage(start, end, unit_code=None):
    day = as_of(end)
    if day < timezone.localtime(start).date():
        return
    found = Enterprise.objects.all()
    if unit_code:
        found = found.filter(under_codes_q("unit__code", [unit_code]))
    counts = {which: Count("pk", filter=coverage_q(which, day)) for which in COVERAGE_MEASURES}
    for row in found.values(code=F("unit__code")).annotate(**counts).order_by():
        for which in COVERAGE_MEASURES:
            yield row["code"], COVERAGE + which, row[which]


def first_enterprise_month():
    first = Enterprise.objects.aggregate(m=Min("created_at"))["m"]
    return timezone.localtime(first).date() if first else None


def enterprises_link(unit_code, which, day):
    return f"{reverse('industry:enterprises')}?{urlencode({'unit': unit_code, 'coverage': which, 'on': day.isoformat()})}"


def coverage_panels(view):
    now = view.now
    if not now.get(COVERAGE + "enterprises"):
        return []
    day = as_of(view.end)
    target = (CoverageTarget.objects.filter(zone__code=view.unit.code[:ZONE_CODE_LENGTH], year__lte=view.month.year)
              .order_by("-year").first())
    gauges = []
    for key, label, part, whole, goal in (
            ("organized", _("Organization coverage"), "organized", "enterprises", "organization_coverage"),
            ("sanyou_met", _("三有 coverage"), "sanyou_met", "sanyou_due", "sanyou_coverage"),
            ("reached", _("Work coverage"), "reached", "enterprises", "work_coverage")):
        value = rate(now.get(COVERAGE + part, 0), now.get(COVERAGE + whole, 0))
        gauges.append({"name": str(label), "value": value, "part": now.get(COVERAGE + part, 0),
                       "whole": now.get(COVERAGE + whole, 0),
                       "target": float(getattr(target, goal)) if target else None,
                       "link": enterprises_link(view.unit.code, part, day)})
    panels = [{"key": "coverage", "title": str(_("Two coverages against the targets")), "kind": "gauge",
               "series": gauges, "links": [g["link"] for g in gauges], "target_label": str(_("target"))}]
    chain = chain_rules.largest_chain(view.unit.code[:ZONE_CODE_LENGTH])
    if chain is not None:
        graph = chain_rules.graph(chain, url=lambda pk: reverse("industry:enterprise", args=[pk]))
        panels.append({"key": "chain", "title": str(_("Industry chain: %(name)s")) % {"name": chain.name},
                       "kind": "graph", "series": [{"name": chain.name, "data": graph["nodes"]}],
                       "edges": graph["links"], "categories": graph["categories"],
                       "link": reverse("industry:chain", args=[chain.pk])})
    return panels


PARTS = [
    Part("industry", _("Supply and demand"), count, PREFIX, order=60, panel="industry",
         extra={"first": first_month, "panels": panels},
         figures=(Measure(PREFIX + "needs_posted", _("Needs posted"), lambda u, s, e: board_link(u, s, posted=True)),
                  Measure(PREFIX + "needs_solved", _("Needs solved"),
                          lambda u, s, e: board_link(u, s, solved=True, status="solved")))),
    # Stocks at each month's end: no figures of their own (the gauges show them, and link).
    Part("coverage", _("Two coverages"), count_coverage, COVERAGE, order=61, panel="coverage",
         extra={"first": first_enterprise_month, "panels": coverage_panels}),
]
