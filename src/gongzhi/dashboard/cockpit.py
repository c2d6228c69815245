"""What the cockpit shows for one unit and month, read from the roll-ups only (decision 74).

``build(unit, month)`` asks the stored sums (TallySum, decision 86) two questions (the unit's
sums for thirteen months, its children's sums for the month; the map a third, its grids'), the territory two (children's
names, grids' boundaries) and each part for its names; it never counts a raw table, so its
cost does not grow with the number of records. The same dict feeds the page, the big screen's
JSON and the monthly report. Each part contributes figures (Measure, each with its link to the
records it counts) and panels (``extra["panels"](view) -> [panel]``, drawn by cockpit.js).
"""
from dataclasses import dataclass

from django.urls import reverse

from gongzhi.core.scoping import under_codes_q
from gongzhi.territory.models import Level, Unit

from . import tallies
from .models import TallySum

GRID_LENGTH = 15
TREND_MONTHS = 12


@dataclass
class View:
    """What a part's panel function gets: the unit, the months and the stored sums."""

    unit: Unit
    month: object  # first day of the month shown
    months: list  # the last TREND_MONTHS months, oldest first, ending with ``month``
    monthly: dict  # {month: {measure: n}} under the unit
    children: dict  # {child code: {measure: n}} for ``month``
    child_names: dict  # {child code: name}
    start: object  # the month's first day
    end: object  # the next month's first day

    @property
    def now(self):
        return self.monthly.get(self.month, {})

    def series(self, measure):
        return [self.monthly.get(m, {}).get(measure, 0) for m in self.months]

    def measures(self, prefix):
        """Measure keys starting with ``prefix`` seen in these months, sorted."""
        return sorted({k for sums in self.monthly.values() for k in sums if k.startswith(prefix)})


def trend(now, before):
    if not before:
        return None
    return round((now - before) / before, 4)


def grid_sums(unit_code, month, measures=None):
    """{grid code: {measure: n}} for the grids under ``unit_code`` (their stored sums), only the
    ``measures`` the map reads when they are known."""
    if len(unit_code) > GRID_LENGTH:
        return {}
    rows = TallySum.objects.filter(under_codes_q("unit_code", [unit_code]), month=month, depth=GRID_LENGTH)
    if measures is not None:
        rows = rows.filter(measure__in=sorted(measures))
    found = {}
    for grid, measure, n in rows.values_list("unit_code", "measure", "count"):
        found.setdefault(grid, {})[measure] = n
    return found


def build(unit, month):
    month = tallies.month_start(month)
    months = [tallies.add_months(month, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    last_year = tallies.add_months(month, -12)
    monthly = tallies.sums(unit.code, [last_year, *months])
    children = tallies.by_child(unit.code, [month])
    child_units = {}
    if unit.level < Level.GRID:
        child_units = dict(Unit.objects.filter(parent=unit).order_by("code").values_list("code", "name"))
    start, end = month, tallies.add_months(month, 1)
    view = View(unit, month, months, monthly, children, child_units, start, end)

    figures, panels = [], []
    for part in tallies.parts():
        for measure in part.figures:
            value = view.now.get(measure.key, 0)
            previous = monthly.get(months[-2], {}).get(measure.key, 0) if len(months) > 1 else 0
            year_ago = monthly.get(last_year, {}).get(measure.key, 0)
            figures.append({
                "key": measure.key, "label": str(measure.label), "value": value,
                "last_month": previous, "last_year": year_ago,
                "vs_last_month": trend(value, previous), "vs_last_year": trend(value, year_ago),
                "link": measure.link(unit.code, start, end) if measure.link else "",
            })
        if part.extra.get("panels"):
            panels.extend(part.extra["panels"](view))
    return {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "month": month.strftime("%Y-%m"),
        "months": [m.strftime("%Y-%m") for m in months],
        "figures": figures,
        "panels": panels,
    }


def map_measures():
    """The measures the map may be coloured by: [(key, label)] from the parts' ``map_measures``."""
    return [(key, str(label)) for part in tallies.parts() for key, label in part.extra.get("map_measures", ())]


def map_data(unit, month, user):
    """The grids under ``unit`` (their polygons) with each grid's measures for the map (the parts'
    ``extra["map"](counts) -> {measure: value}``)."""
    month = tallies.month_start(month)
    parts = [part for part in tallies.parts() if part.extra.get("map")]
    # A part says which measures its map function reads ("map_reads"); one that does not gets all.
    reads = [part.extra.get("map_reads") for part in parts]
    sums = grid_sums(unit.code, month, None if None in reads else {m for r in reads for m in r})
    grids = (Unit.objects.visible_to(user).filter(under_codes_q("code", [unit.code]), level=Level.GRID)
             .exclude(boundary=None).values_list("code", "name", "boundary"))
    features = []
    for code, name, boundary in grids:
        properties = {"code": code, "name": name, "url": reverse("cockpit-unit", args=[code])}
        for part in parts:
            properties.update(part.extra["map"](sums.get(code, {})))
        features.append({"type": "Feature", "geometry": boundary, "properties": properties})
    return {"type": "FeatureCollection", "features": features}
