"""The three rates of 接诉即办, with their composite score and ranking.

Over the rated cases of a month (by the month the case was reported):
- 响应率 response rate     = responded within the time limit / total
- 解决率 solution rate     = rated "solved" by the reporter / total
- 满意率 satisfaction rate = (满意 + 0.9 × 基本满意) / total
- composite = 0.1 × response + 0.5 × solution + 0.4 × satisfaction
Weights come from settings (GONGZHI_CASE_RATE_WEIGHTS). The counts are rolled
up per month into RateRollup by the background tick and after each rating;
pages read the roll-ups, never aggregate the case table.
"""
import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from gongzhi.core.scoping import minimal_codes, under_codes_q

from .models import AgencyRateRollup, Case, CaseAgency, RateDimension, RateRollup, Rating

BASICALLY_WEIGHT = 0.9
# Fewer rated cases than this and a unit is listed but not ranked: one happy
# resident must not put a grid at the top.
MIN_RATED_TO_RANK = 5
UNIT_KEY_LENGTH = {RateDimension.DISTRICT: 6, RateDimension.STREET: 9, RateDimension.COMMUNITY: 12, RateDimension.GRID: 15}


@dataclass(frozen=True)
class Rates:
    total: int
    responded: int
    resolved: int
    satisfied: int
    basically: int

    def _share(self, n):
        return n / self.total if self.total else 0.0

    @property
    def response_rate(self):
        return self._share(self.responded)

    @property
    def solution_rate(self):
        return self._share(self.resolved)

    @property
    def satisfaction_rate(self):
        return self._share(self.satisfied + BASICALLY_WEIGHT * self.basically)

    @property
    def composite(self):
        w_response, w_solution, w_satisfaction = settings.CASE_RATE_WEIGHTS
        return w_response * self.response_rate + w_solution * self.solution_rate + w_satisfaction * self.satisfaction_rate

    @classmethod
    def of(cls, row):
        return cls(**{f: getattr(row, f) if not isinstance(row, dict) else row[f] for f in ("total", "responded", "resolved", "satisfied", "basically")})


def _counts(prefix=""):
    rated = Q(**{f"{prefix}rating__gt": ""})
    return {
        "total": Count(f"{prefix}id", filter=rated, distinct=True),
        "responded": Count(f"{prefix}id", filter=rated & Q(**{f"{prefix}responded_at__lte": F(f"{prefix}respond_by")}), distinct=True),
        "resolved": Count(f"{prefix}id", filter=rated & Q(**{f"{prefix}rating_solved": True}), distinct=True),
        "satisfied": Count(f"{prefix}id", filter=Q(**{f"{prefix}rating": Rating.SATISFIED}), distinct=True),
        "basically": Count(f"{prefix}id", filter=Q(**{f"{prefix}rating": Rating.BASICALLY}), distinct=True),
    }


def month_bounds(month):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1), tz)
    end = timezone.make_aware(datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1), tz)
    return start, end


ROLLUP_COUNTS = ["total", "responded", "resolved", "satisfied", "basically"]


@transaction.atomic
def refresh_month(month, *, grid_code=None, agency_ids=None):
    """Recompute the roll-ups of one month: all of them, or only those one grid's cases count in.

    Rows are upserted in place (INSERT ... ON CONFLICT DO UPDATE) and rows whose
    cases are gone are deleted by key: a reader never sees the month missing, and
    two refreshes at once cannot collide on the unique key. ``agency_ids`` is accepted for
    callers that know them; a grid's refresh finds every agency it touches itself.
    """
    month = month.replace(day=1)
    start, end = month_bounds(month)
    if grid_code:
        return _refresh_grid(month, start, end, grid_code)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end, rating__gt="")
    rows = []
    for dimension, length in UNIT_KEY_LENGTH.items():
        for row in cases.annotate(key=Substr("grid_code", 1, length)).values("key").annotate(**_counts()).order_by():
            rows.append(RateRollup(month=month, dimension=dimension, **row))
    links = CaseAgency.objects.filter(returned_at__isnull=True, case__created_at__gte=start, case__created_at__lt=end)
    for row in links.values("agency_id").annotate(**_counts("case__")).order_by():
        rows.append(RateRollup(month=month, dimension=RateDimension.AGENCY, key=str(row.pop("agency_id")), **row))
    rows = [r for r in rows if r.total]
    fresh = {(r.dimension, r.key) for r in rows}
    gone = [pk for pk, dimension, key in RateRollup.objects.filter(month=month).values_list("pk", "dimension", "key")
            if (dimension, key) not in fresh]
    if gone:
        RateRollup.objects.filter(pk__in=gone).delete()
    _upsert(rows)
    refresh_agency_grids(month, start, end)


def _upsert(rows):
    RateRollup.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["month", "dimension", "key"],
        update_fields=[*ROLLUP_COUNTS, "refreshed_at"],
    )


def _refresh_grid(month, start, end, grid_code):
    """One grid's month: its own rows counted from its cases, the units above it and the agencies
    it touches summed from the stored per-grid rows. A rating at 10 million cases reads one grid's
    month, never the whole district's (decision 81)."""
    grid_key = grid_code[:GRID_CODE_LENGTH]
    cases = Case.objects.filter(under_codes_q("grid_code", [grid_key]), created_at__gte=start, created_at__lt=end,
                                rating__gt="")
    grid_rows = [RateRollup(month=month, dimension=RateDimension.GRID, **row)
                 for row in cases.annotate(key=Substr("grid_code", 1, GRID_CODE_LENGTH)).values("key")
                 .annotate(**_counts()).order_by() if row["total"]]
    stored_grids = RateRollup.objects.filter(under_codes_q("key", [grid_key]), month=month, dimension=RateDimension.GRID)
    kept = {r.key for r in grid_rows}
    gone = [pk for pk, key in stored_grids.values_list("pk", "key") if key not in kept]
    if gone:  # delete by key only what is gone: a refresh that changes nothing deletes nothing
        RateRollup.objects.filter(pk__in=gone).delete()
    _upsert(grid_rows)
    before = set(AgencyRateRollup.objects.filter(under_codes_q("grid_code", [grid_key]), month=month)
                 .values_list("agency_id", flat=True))
    refresh_agency_grids(month, start, end, grid_code=grid_key)
    after = set(AgencyRateRollup.objects.filter(under_codes_q("grid_code", [grid_key]), month=month)
                .values_list("agency_id", flat=True))
    # The units above the grid: sums of the stored grid rows under each one's code.
    for dimension in (RateDimension.COMMUNITY, RateDimension.STREET, RateDimension.DISTRICT):
        key = grid_key[:UNIT_KEY_LENGTH[dimension]]
        grids = RateRollup.objects.filter(under_codes_q("key", [key]), month=month, dimension=RateDimension.GRID)
        _store_sum(month, dimension, key, grids)
    for agency_id in sorted(before | after):
        _store_sum(month, RateDimension.AGENCY, str(agency_id),
                   AgencyRateRollup.objects.filter(month=month, agency_id=agency_id))


def _store_sum(month, dimension, key, rows):
    totals = rows.aggregate(**{f: Sum(f) for f in ROLLUP_COUNTS})
    if totals["total"]:
        _upsert([RateRollup(month=month, dimension=dimension, key=key, **{f: totals[f] or 0 for f in ROLLUP_COUNTS})])
    elif (gone := RateRollup.objects.filter(month=month, dimension=dimension, key=key).values_list("pk", flat=True)[:1]):
        RateRollup.objects.filter(pk__in=list(gone)).delete()


COUNT_FIELDS = ["total", "responded", "resolved", "satisfied", "basically"]


def refresh_agency_grids(month, start, end, *, grid_code=None, agency_ids=None):
    """The month's per-(agency, grid) roll-ups: all of them, or one grid's for some agencies.

    Upserted; rows that no longer count anything (a reopened case) are deleted.
    """
    links = CaseAgency.objects.filter(returned_at__isnull=True, case__created_at__gte=start, case__created_at__lt=end)
    existing = AgencyRateRollup.objects.filter(month=month)
    if grid_code:
        # Everything under the grid's code (its micro-grids too), by a code range on the index.
        links = links.filter(under_codes_q("case__grid_code", [grid_code]))
        existing = existing.filter(under_codes_q("grid_code", [grid_code]))
    if agency_ids is not None:
        links, existing = links.filter(agency_id__in=agency_ids), existing.filter(agency_id__in=agency_ids)
    rows = [
        AgencyRateRollup(month=month, agency_id=row["agency_id"], grid_code=row["grid"], **{f: row[f] for f in COUNT_FIELDS})
        for row in links.values("agency_id", grid=F("case__grid_code")).annotate(**_counts("case__")).order_by()
        if row["total"]
    ]
    kept = {(r.agency_id, r.grid_code) for r in rows}
    gone = [pk for pk, agency, grid in existing.values_list("pk", "agency_id", "grid_code") if (agency, grid) not in kept]
    if gone:
        AgencyRateRollup.objects.filter(pk__in=gone).delete()
    AgencyRateRollup.objects.bulk_create(rows, update_conflicts=True, unique_fields=["month", "agency", "grid_code"],
                                         update_fields=COUNT_FIELDS + ["refreshed_at"])


def refresh_for_case(case):
    """After a rating: refresh just the rows this case counts in."""
    agencies = list(case.agency_links.filter(returned_at__isnull=True).values_list("agency_id", flat=True))
    refresh_month(timezone.localtime(case.created_at).date(), grid_code=case.grid_code, agency_ids=agencies)


def on_rated(payload):
    """The outbox handler after a rating or a reopening: refresh the rows that case counts in."""
    case = Case.objects.filter(pk=payload["case"]).first()
    if case is not None:
        refresh_for_case(case)


FULL_MARK = "rates.full"


def refresh_recent(now=None):
    """The tick step: once a day (settings.ROLLUP_FULL_HOUR), this month and the last in full
    (ratings arrive after the month ends). Every rating and reopening refreshes its own grid's rows
    after commit (on_rated, through the outbox); the daily pass corrects anything a lost message
    missed. Nothing about the rates changes with time alone, so the other minutes do nothing."""
    from gongzhi.core import tick

    now = now or timezone.now()
    if not tick.full_pass_due(FULL_MARK, now):
        return {"full": False}
    today = timezone.localtime(now).date().replace(day=1)
    previous = (today - datetime.timedelta(days=1)).replace(day=1)
    for month in (previous, today):
        refresh_month(month)
    tick.mark(FULL_MARK, now)
    return {"full": True}


def ranking(dimension, month=None, keys=None):
    """Roll-ups of one dimension, summed over ``month`` or all months, best composite first."""
    rows = RateRollup.objects.filter(dimension=dimension)
    if month:
        rows = rows.filter(month=month.replace(day=1))
    if keys is not None:
        rows = rows.filter(key__in=keys)
    summed = rows.values("key").annotate(
        total=Sum("total"), responded=Sum("responded"), resolved=Sum("resolved"),
        satisfied=Sum("satisfied"), basically=Sum("basically"),
    ).order_by()
    ranked = sorted(((row["key"], Rates.of(row)) for row in summed), key=lambda kv: (-kv[1].composite, kv[0]))
    return ranked


def overall(month=None):
    """The rates of the whole instance (all districts' roll-ups)."""
    rows = RateRollup.objects.filter(dimension=RateDimension.DISTRICT)
    if month:
        rows = rows.filter(month=month.replace(day=1))
    totals = rows.aggregate(total=Sum("total"), responded=Sum("responded"), resolved=Sum("resolved"),
                            satisfied=Sum("satisfied"), basically=Sum("basically"))
    return Rates(**{k: v or 0 for k, v in totals.items()})


def months():
    """The months that have roll-ups, newest first (a small table)."""
    return list(RateRollup.objects.order_by("-month").values_list("month", flat=True).distinct())


def ranks(ranked):
    """(rank, key, rates) rows: equal composites share a rank; too few ratings get no rank."""
    rows, rank, last = [], 0, None
    for position, (key, r) in enumerate((kv for kv in ranked if kv[1].total >= MIN_RATED_TO_RANK), 1):
        score = round(r.composite, 6)
        if score != last:
            rank, last = position, score
        rows.append((rank, key, r))
    rows += [(None, key, r) for key, r in ranked if r.total < MIN_RATED_TO_RANK]
    return rows


DIMENSION_OF_LENGTH = {length: dimension for dimension, length in UNIT_KEY_LENGTH.items()}
GRID_CODE_LENGTH = UNIT_KEY_LENGTH[RateDimension.GRID]


def _sum(rows):
    totals = rows.aggregate(**{f: Sum(f) for f in COUNT_FIELDS})
    return Rates(**{f: totals[f] or 0 for f in COUNT_FIELDS})


def _scope_codes(user):
    """The viewer's own top units as roll-up keys, or None for a superuser (everything).

    Roll-ups stop at the grid: a scope of micro-grids reads its grids' rates.
    """
    if user.is_superuser:
        return None
    return minimal_codes(code[:GRID_CODE_LENGTH] for code in user.scope_codes())


def shown_dimension(user, dimension):
    """What a ranking by ``dimension`` is shown by for ``user``: a unit level above the viewer's
    scope (a street admin asking by district) shows the viewer's own top units instead."""
    codes = _scope_codes(user)
    if dimension == RateDimension.AGENCY or not codes:
        return dimension
    shallowest = min(len(code) for code in codes)
    return DIMENSION_OF_LENGTH[shallowest] if UNIT_KEY_LENGTH[dimension] < shallowest else dimension


def visible_ranking(user, dimension, month=None):
    """The ranking of what ``user`` may see, and the rates of their whole scope (the headline).

    Every dimension stays inside the viewer's scope: units under it (and, for a level above it,
    the viewer's own top units rather than a wider unit's figures or zeros); agencies counted
    over the rated cases of the viewer's grids only. The headline sums the viewer's own top
    units, so it is the same whichever dimension is shown (an agency row may count a case that
    several agencies worked on, so agency rows need not add up to it).
    """
    codes = _scope_codes(user)
    months = {"month": month.replace(day=1)} if month else {}
    if codes == []:
        return [], Rates(0, 0, 0, 0, 0)
    if dimension == RateDimension.AGENCY:
        rows = AgencyRateRollup.objects.filter(**months)
        if codes is not None:
            rows = rows.filter(under_codes_q("grid_code", codes))
        summed = rows.values("agency_id").annotate(**{f: Sum(f) for f in COUNT_FIELDS}).order_by()
        ranked = sorted(((str(row["agency_id"]), Rates.of(row)) for row in summed), key=lambda kv: (-kv[1].composite, kv[0]))
    elif codes is None:
        ranked = ranking(dimension, month=month)
    else:
        length = UNIT_KEY_LENGTH[dimension]
        # Per own unit: the units of the asked level under it, or the unit itself when the level is above it.
        wanted = reduce(or_, (
            Q(dimension=dimension) & under_codes_q("key", [code]) if len(code) <= length
            else Q(dimension=DIMENSION_OF_LENGTH[len(code)], key=code)
            for code in codes
        ))
        rows = RateRollup.objects.filter(wanted, **months)
        summed = rows.values("key").annotate(**{f: Sum(f) for f in COUNT_FIELDS}).order_by()
        ranked = sorted(((row["key"], Rates.of(row)) for row in summed), key=lambda kv: (-kv[1].composite, kv[0]))
    if codes is None:
        headline = overall(month)
    else:
        own = reduce(or_, (Q(dimension=DIMENSION_OF_LENGTH[len(code)], key=code) for code in codes))
        headline = _sum(RateRollup.objects.filter(own, **months))
    return ranked, headline
