"""Industry's part of the cockpit (dashboard.parts, decision 74): enterprises' needs posted and
needs solved, per the unit of the enterprise, by month; each number links to the needs board
filtered to that unit and month (decision 77)."""
from urllib.parse import urlencode

from django.db.models import Count, F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from .models import Need, NeedStatus

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


PARTS = [
    Part("industry", _("Supply and demand"), count, PREFIX, order=60, panel="industry",
         extra={"first": first_month, "panels": panels},
         figures=(Measure(PREFIX + "needs_posted", _("Needs posted"), lambda u, s, e: board_link(u, s, posted=True)),
                  Measure(PREFIX + "needs_solved", _("Needs solved"),
                          lambda u, s, e: board_link(u, s, solved=True, status="solved")))),
]
