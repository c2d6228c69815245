"""两个覆盖 and the 三有 rule, counted from the enterprise records (never typed).

- The base: operating non-public enterprises (``operating`` and ``non_public``).
- Organization coverage (组织覆盖): enterprises of the base with their own organization or in a
  joint branch (``ORGANIZED``), over the base (the reports call it ``enterprises``). Being covered by the park federation branch
  (企业联合会党支部) is not organization coverage: it is the step before one.
- Work coverage (工作覆盖): enterprises of the base that an instructor or park liaison reached
  (``instructor`` set), over the base (the reports call it ``enterprises``).
- 三有: enterprises of the base with ``SANYOU_MIN_FULL_MEMBERS`` or more full members that have an
  organization of their own, over those with that many.
- Over time: an enterprise counts at a month's end when it was registered by then (or has no
  date), and was organized / reached by then (``organized_on``, ``reached_on``); closed
  enterprises are left out of every month (the records do not say when they closed).

Each function takes a queryset of enterprises (already scoped by the caller) and runs one query.
"""
import calendar
import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Substr
from django.utils import timezone

from gongzhi.core.scoping import under_codes_q

from ..models import ORGANIZED, SANYOU_MIN_FULL_MEMBERS, Chain, CoverageTarget, Enterprise, PartyStatus

BASE = Q(operating=True, non_public=True)
ORGANIZED_Q = Q(party_status__in=ORGANIZED)
REACHED_Q = Q(instructor__isnull=False)
SANYOU_DUE_Q = Q(members_full__gte=SANYOU_MIN_FULL_MEMBERS)
SANYOU_MET_Q = SANYOU_DUE_Q & Q(party_status=PartyStatus.OWN)


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to count."""
    return round(100 * float(part) / float(whole), 1) if whole else None


def _prefixed(q, prefix):
    """``q`` with every lookup under ``prefix`` (e.g. "members__")."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        out.children.append(_prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]))
    return out


def aggregates(prefix=""):
    """The counts of a coverage report as aggregate expressions over ``prefix`` enterprises."""
    target = prefix.removesuffix("__") or "pk"
    distinct = bool(prefix)

    def count(q):
        return Count(target, filter=_prefixed(BASE & q, prefix) if prefix else BASE & q, distinct=distinct)

    return {
        "enterprises": count(Q()),
        "organized": count(ORGANIZED_Q),
        "reached": count(REACHED_Q),
        "sanyou_due": count(SANYOU_DUE_Q),
        "sanyou_met": count(SANYOU_MET_Q),
    }


def report(counts):
    """Rates from a dict of counts (``aggregates`` keys)."""
    return {
        **counts,
        "organization_rate": rate(counts["organized"], counts["enterprises"]),
        "work_rate": rate(counts["reached"], counts["enterprises"]),
        "sanyou_rate": rate(counts["sanyou_met"], counts["sanyou_due"]),
    }


def coverage(enterprises):
    """The coverage report of these enterprises (one query)."""
    return report(enterprises.aggregate(**aggregates()))


def in_unit(unit):
    return Enterprise.objects.filter(under_codes_q("unit__code", [unit.code]))


def by_part(enterprises, parent):
    """Coverage of each part directly below ``parent`` (one query): a list of (unit, report)."""
    from gongzhi.territory.models import Unit

    parts = list(Unit.objects.filter(parent=parent).order_by("code"))
    if not parts:
        return []
    width = len(parts[0].code)
    rows = (enterprises.filter(under_codes_q("unit__code", [parent.code]))
            .annotate(part=Substr("unit__code", 1, width)).order_by().values("part").annotate(**aggregates()))
    found = {row.pop("part"): row for row in rows}
    empty = {key: 0 for key in aggregates()}
    return [(part, report(found.get(part.code, empty))) for part in parts]


def by_chain(chains):
    """Coverage of each chain's member enterprises (one query): a list of (chain, report)."""
    rows = chains.annotate(**aggregates("members__")).select_related("leader")
    return [(chain, report({key: getattr(chain, key) for key in aggregates()})) for chain in rows]


def gap_list(enterprises):
    """The enterprises to act on, most party members employed first: operating non-public ones
    without organization coverage, or due an own organization under 三有 without one."""
    return (enterprises.filter(BASE).filter(~ORGANIZED_Q | (SANYOU_DUE_Q & ~Q(party_status=PartyStatus.OWN)))
            .annotate(sanyou_gap=ExpressionWrapper(SANYOU_DUE_Q & ~Q(party_status=PartyStatus.OWN),
                                                   output_field=BooleanField()))
            .order_by("-members_full", "-members_probationary", "name", "pk"))


def month_ends(months, today=None):
    today = today or timezone.localdate()
    ends = []
    year, month = today.year, today.month
    for _i in range(months):
        last = today if (year, month) == (today.year, today.month) else \
            datetime.date(year, month, calendar.monthrange(year, month)[1])
        ends.append(last)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(ends))


def over_time(enterprises, months=12, today=None):
    """Organization and work coverage at each of the last ``months`` month ends (one query):
    a list of {"month", "operating", "organized", "reached", "organization_rate", "work_rate"}."""
    ends = month_ends(months, today)
    expressions = {}
    for i, end in enumerate(ends):
        existing = BASE & (Q(registered_on__isnull=True) | Q(registered_on__lte=end))
        expressions[f"o{i}"] = Count("pk", filter=existing)
        expressions[f"g{i}"] = Count("pk", filter=existing & ORGANIZED_Q & Q(organized_on__lte=end))
        expressions[f"r{i}"] = Count("pk", filter=existing & REACHED_Q & Q(reached_on__lte=end))
    row = enterprises.aggregate(**expressions)
    return [{"month": end.strftime("%Y-%m"), "enterprises": row[f"o{i}"], "organized": row[f"g{i}"],
             "reached": row[f"r{i}"], "organization_rate": rate(row[f"g{i}"], row[f"o{i}"]),
             "work_rate": rate(row[f"r{i}"], row[f"o{i}"])} for i, end in enumerate(ends)]


def target_for(zone, year=None):
    year = year or timezone.localdate().year
    return CoverageTarget.objects.filter(zone=zone, year__lte=year).order_by("-year").first()


def zone_chains(zone):
    return Chain.objects.filter(zone=zone)

