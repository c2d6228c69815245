"""Residents' problems in the headline figures ("1,500+ problems solved" is counted here).

Read from the cockpit's roll-ups (dashboard.Tally: the cases part's counts per grid and month,
kept current by the moves and the minute job), never counted from the case table: at 10 million
cases those counts took 2.9 s (docs/performance.md). A sum over one measure's district rows of
the stored sums, through the (measure, depth, unit_code) index; per zone, the zone's own rows.
"""
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure
from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.models import SUM_LEVELS, TallySum

from . import rates
from .cockpit import PREFIX

ROOT_LENGTH = SUM_LEVELS[0]  # a district's or a zone's code


def _summed(measure):
    def count(zone_code=None):
        # The districts' (zones') own sums: a handful of rows a month (decision 86).
        rows = TallySum.objects.filter(measure=PREFIX + measure, depth=ROOT_LENGTH)
        if zone_code is not None:
            rows = rows.filter(under_codes_q("unit_code", [zone_code]))
        return rows.aggregate(n=Sum("count"))["n"] or 0

    return count


def _rate(name):
    return lambda: round(getattr(rates.overall(), name), 4)


def _figure(key, label, measure):
    count = _summed(measure)
    return Figure(key, label, lambda: count(), count_in=lambda zone_code: count(zone_code))


FIGURES = [
    # Solved = closed (and possibly rated) cases; merged duplicates are not counted at all.
    _figure("problems_solved", _("Problems solved for residents"), "closed"),
    _figure("cases_total", _("Problems reported"), "received"),
    _figure("cases_open", _("Problems open"), "open"),
    _figure("cases_overdue", _("Problems overdue"), "overdue"),
    Figure("response_rate", _("Response rate"), _rate("response_rate")),
    Figure("solution_rate", _("Solution rate"), _rate("solution_rate")),
    Figure("satisfaction_rate", _("Satisfaction rate"), _rate("satisfaction_rate")),
]
