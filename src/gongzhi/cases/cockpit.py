"""The cases' parts of the cockpit (dashboard.parts): counted per grid and month reported."""
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from gongzhi.people.models import Agency

from .models import OPEN_STATUSES, Case, CaseAgency, Category, Rating, Status
from .rates import MIN_RATED_TO_RANK, Rates

PREFIX = "cases."


# The case ledger (issue 11, its filter set) is being built on another branch; until it is on
# main the path is written here, and the API's case list (/api/v1/cases) takes the same filters.
LEDGER_PATH = "/cases/ledger/"


def ledger_link(unit_code, start, end, **filters):
    """The one place the cockpit's links to the cases it counts are built: the ledger's filters
    (unit, category, status, created_after/before as dates, overdue, agency, rating)."""
    try:
        path = reverse("cases:ledger")
    except NoReverseMatch:
        path = LEDGER_PATH
    query = {"unit": unit_code, "created_after": start.isoformat(), "created_before": end.isoformat()}
    query.update({k: v for k, v in filters.items() if v is not None})
    return f"{path}?{urlencode(query)}"


def count(start, end, unit_code=None, now=None):
    now = now or timezone.now()
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status=Status.MERGED)
    if unit_code and len(unit_code) >= GRID_LENGTH:
        yield from _count_one_grid(cases.filter(under_codes_q("grid_code", [unit_code])), now)
        return
    if unit_code:
        cases = cases.filter(under_codes_q("grid_code", [unit_code]))
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(resolve_by__lt=now)
    totals = cases.values("grid_code").annotate(
        received=Count("id"),
        closed=Count("id", filter=Q(status__in=CLOSED_STATUSES)),
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
    yield from _overdue_by_agency(links)


# What one grid's month is counted from: read by the covering index case_grid_month (an index-only
# scan on PostgreSQL), so a move's recount does not visit a heap page per case of the month. The
# deadlines are compared in the database: parsing three timestamps a row cost more than the read.
GRID_LENGTH = 15
CLOSED_STATUSES = (Status.CLOSED, Status.RATED)


def _count_one_grid(cases, now):
    """One grid's month (a move's recount, in the request after its commit), counted in Python
    from one read of its rows: the same measures as the GROUP BY above (tests compare them). At
    10 M cases a grid's month is some 1,500 rows; three aggregate queries read them three times,
    and asked for its overdue cases the planner ANDed the index of every open case (105 ms)."""
    rows = cases.order_by().annotate(
        late=ExpressionWrapper(Q(resolve_by__lt=now), output_field=BooleanField()),
        in_time=ExpressionWrapper(Q(responded_at__lte=F("respond_by")), output_field=BooleanField()),
    ).values_list("pk", "grid_code", "status", "late", "rating", "in_time", "rating_solved", "category_id")
    counts, categories, late_cases = {}, {}, {}
    for pk, code, status, late, rating, in_time, solved, category in rows:
        row = counts.setdefault(code, dict.fromkeys(
            ("received", "closed", "open", "overdue", "rated", "responded", "solved", "satisfied", "basically"), 0))
        row["received"] += 1
        row["closed"] += status in CLOSED_STATUSES
        if status in OPEN_STATUSES:
            row["open"] += 1
            if late:
                row["overdue"] += 1
                late_cases[pk] = code
        if rating:
            row["rated"] += 1
            row["responded"] += in_time is True
        row["solved"] += solved is True
        row["satisfied"] += rating == Rating.SATISFIED
        row["basically"] += rating == Rating.BASICALLY
        categories[(code, category)] = categories.get((code, category), 0) + 1
    for code, row in counts.items():
        for measure, n in row.items():
            yield code, PREFIX + measure, n
    for (code, category), n in categories.items():
        yield code, f"{PREFIX}category:{category}", n
    # Overdue work by agency: the late cases' open links, their grids known here (no join back).
    by_agency = {}
    links = CaseAgency.objects.filter(returned_at__isnull=True, case_id__in=list(late_cases))
    for case_id, agency_id in (links.values_list("case_id", "agency_id").distinct() if late_cases else ()):
        key = (late_cases[case_id], agency_id)
        by_agency[key] = by_agency.get(key, 0) + 1
    for (code, agency_id), n in by_agency.items():
        yield code, f"{PREFIX}overdue_agency:{agency_id}", n


def _overdue_by_agency(links):
    for row in links.values("case__grid_code", "agency_id").annotate(n=Count("case_id", distinct=True)).order_by():
        yield row["case__grid_code"], f"{PREFIX}overdue_agency:{row['agency_id']}", row["n"]


def changed(since, until):
    """(grid code, month reported) of what time alone changed in (since, until]: open cases whose
    deadline passed (they count as overdue now). Moves tell the tallies themselves (the outbox)."""
    late = Case.objects.filter(status__in=OPEN_STATUSES, resolve_by__gt=since, resolve_by__lte=until)
    return {(code, timezone.localtime(created).date().replace(day=1))
            for code, created in late.values_list("grid_code", "created_at").iterator(chunk_size=2000)}


def first_month():
    first = Case.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localtime(first).date() if first else None


FIGURES = (
    Measure("cases.received", _("Problems reported"), lambda u, s, e: ledger_link(u, s, e)),
    Measure("cases.closed", _("Problems solved"), lambda u, s, e: ledger_link(u, s, e, status="closed,rated")),
    Measure("cases.open", _("Problems open"), lambda u, s, e: ledger_link(u, s, e, status="open")),
    Measure("cases.overdue", _("Problems overdue"), lambda u, s, e: ledger_link(u, s, e, status="open", overdue=1)),
    Measure("cases.solved", _("Rated solved"), lambda u, s, e: ledger_link(u, s, e, solved=1)),
    Measure("cases.satisfied", _("Rated satisfied"), lambda u, s, e: ledger_link(u, s, e, rating="satisfied")),
    Measure("cases.basically", _("Rated basically satisfied"), lambda u, s, e: ledger_link(u, s, e, rating="basically")),
)



# ------------------------------------------------------------------ panels (drawn by cockpit.js)

def _rates(counts):
    return Rates(total=counts.get(PREFIX + "rated", 0), responded=counts.get(PREFIX + "responded", 0),
                 resolved=counts.get(PREFIX + "solved", 0), satisfied=counts.get(PREFIX + "satisfied", 0),
                 basically=counts.get(PREFIX + "basically", 0))


def rates_of(counts):
    r = _rates(counts)
    return {"rated": r.total, "response": round(r.response_rate, 4), "solution": round(r.solution_rate, 4),
            "satisfaction": round(r.satisfaction_rate, 4), "composite": round(r.composite, 4)}


def ranking(view):
    """The children of the unit by composite, best first: (code, name, rates); too few ratings
    (rates.MIN_RATED_TO_RANK) are left out of the ranking."""
    rows = [(code, name, rates_of(view.children.get(code, {}))) for code, name in view.child_names.items()]
    ranked = [row for row in rows if row[2]["rated"] >= MIN_RATED_TO_RANK]
    return sorted(ranked, key=lambda row: (-row[2]["composite"], row[0]))


def _names(model, prefix, keys):
    ids = [int(k.rsplit(":", 1)[1]) for k in keys]
    return {f"{prefix}{pk}": name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")}


def panels(view):
    start, end = view.start, view.end
    found = []
    categories = view.measures(PREFIX + "category:")
    names = _names(Category, PREFIX + "category:", categories)
    totals = sorted(categories, key=lambda k: -sum(view.series(k)))
    shown, rest = totals[:8], totals[8:]
    series = [{"name": names.get(k, k), "data": view.series(k),
               "link": ledger_link(view.unit.code, start, end, category=k.rsplit(":", 1)[1])} for k in shown]
    if rest:
        series.append({"name": str(_("Other")), "data": [sum(v) for v in zip(*(view.series(k) for k in rest))]})
    found.append({"key": "cases-by-category", "title": str(_("Problems by category and month")), "kind": "stacked",
                  "x": [m.strftime("%Y-%m") for m in view.months], "series": series})

    own = rates_of(view.now)
    ranked = ranking(view)
    # The chart shows every unit with ratings (the ranked first); top and bottom only the ranked.
    ranked_codes = {code for code, _n, _r in ranked}
    shown = ranked + [(code, name, rates_of(view.children.get(code, {}))) for code, name in view.child_names.items()
                      if code not in ranked_codes and view.children.get(code, {}).get(PREFIX + "rated")]
    found.append({"key": "rates", "title": str(_("The three rates and the composite by unit")), "kind": "bar",
                  "x": [name for _code, name, _r in shown], "max": 1,
                  "series": [{"name": str(label), "data": [r[key] for _c, _n, r in shown]} for key, label in
                             (("response", _("Response")), ("solution", _("Solution")),
                              ("satisfaction", _("Satisfaction")), ("composite", _("Composite")))],
                  "own": own,
                  "top": [{"code": c, "name": n, **r} for c, n, r in ranked[:5]],
                  "bottom": [{"code": c, "name": n, **r} for c, n, r in ranked[::-1][:5]]})

    agencies = [k for k in view.now if k.startswith(PREFIX + "overdue_agency:")]
    agency_names = _names(Agency, PREFIX + "overdue_agency:", agencies)
    agencies.sort(key=lambda k: (-view.now[k], agency_names.get(k, k)))
    found.append({"key": "overdue-by-agency", "title": str(_("Overdue work by agency")), "kind": "hbar",
                  "x": [agency_names.get(k, k) for k in agencies[:15]],
                  "series": [{"name": str(_("Overdue")), "data": [view.now[k] for k in agencies[:15]]}],
                  "links": [ledger_link(view.unit.code, start, end, status="open", overdue=1, agency=k.rsplit(":", 1)[1])
                            for k in agencies[:15]]})
    return found


def map_values(counts):
    r = _rates(counts)
    return {"density": counts.get(PREFIX + "received", 0), "overdue": counts.get(PREFIX + "overdue", 0),
            "satisfaction": round(r.satisfaction_rate, 4) if r.total else None}


# What map_values reads (the map asks only these of the stored sums).
MAP_READS = tuple(PREFIX + m for m in ("received", "overdue", "rated", "responded", "solved", "satisfied", "basically"))
MAP_MEASURES = (("density", _("Problems reported")), ("overdue", _("Problems overdue")),
                ("satisfaction", _("Satisfaction rate")))


PARTS = [
    Part("cases", _("Residents' problems"), count, PREFIX, figures=FIGURES, panel="cases", order=10,
         extra={"first": first_month, "changed": changed, "panels": panels, "map": map_values, "map_measures": MAP_MEASURES,
                "map_reads": MAP_READS}),
]
