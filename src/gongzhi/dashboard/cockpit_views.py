"""The cockpit (数据驾驶舱) pages: per unit of one's scope, its big screen (大屏), its JSON and
its monthly report. Every view reads roll-ups only (dashboard.cockpit) and may read a replica."""
import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongzhi.core.replica import reads_replica
from gongzhi.core.scoping import minimal_codes, under_codes_q
from gongzhi.people.models import TERRITORIAL_ROLES
from gongzhi.territory.models import Level, Unit

from . import cockpit, tallies


# Who sees a cockpit: those who work the territory (a resident's grid is not theirs to survey).
COCKPIT_ROLES = TERRITORIAL_ROLES


def may_see_cockpit(user):
    return user.is_authenticated and (user.is_superuser or user.has_role(*COCKPIT_ROLES))


def cockpit_units(user):
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(under_codes_q("code", user.scope_codes(COCKPIT_ROLES)))


def scope_roots(user):
    """The units at the top of one's scope (a superuser's: the districts)."""
    if user.is_superuser:
        return list(Unit.objects.filter(level=Level.DISTRICT).order_by("code"))
    codes = minimal_codes(user.scope_codes(COCKPIT_ROLES))
    return list(Unit.objects.filter(code__in=codes, level__lte=Level.GRID).order_by("code"))


def unit_in_scope(user, code):
    """A district/park, street, community or grid inside one's scope; anything else is 404."""
    return get_object_or_404(cockpit_units(user), code=code, level__lte=Level.GRID)


def chosen_month(request):
    value = request.GET.get("month", "")
    if value:
        try:
            return datetime.date.fromisoformat(f"{value[:7]}-01")
        except ValueError:
            raise Http404("month") from None
    return timezone.localdate().replace(day=1)


def _context(request, unit):
    month = chosen_month(request)
    data = cockpit.build(unit, month)
    return {
        "unit": unit, "data": data, "month": month, "roots": scope_roots(request.user),
        "ancestors": list(cockpit_units(request.user).filter(code__in=[unit.code[:n] for n in (6, 9, 12)])
                          .exclude(code=unit.code).order_by("code")),
        "map_measures": cockpit.map_measures(), "MAP_TILE_URL": settings.MAP_TILE_URL,
        "previous_month": tallies.add_months(month, -1), "next_month": tallies.add_months(month, 1),
    }


@login_required
@require_GET
@reads_replica
def cockpit_root(request):
    roots = scope_roots(request.user)
    if not roots:
        raise Http404("no scope")
    return redirect("cockpit-unit", roots[0].code)


@login_required
@require_GET
@reads_replica
def cockpit_page(request, code):
    return render(request, "dashboard/cockpit.html", _context(request, unit_in_scope(request.user, code)))


@login_required
@require_GET
@reads_replica
def cockpit_screen(request, code):
    context = _context(request, unit_in_scope(request.user, code))
    context["refresh_seconds"] = settings.COCKPIT_REFRESH_SECONDS
    return render(request, "dashboard/cockpit_screen.html", context)


@login_required
@require_GET
@reads_replica
def cockpit_json(request, code):
    unit = unit_in_scope(request.user, code)
    return JsonResponse(cockpit.build(unit, chosen_month(request)), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
@reads_replica
def cockpit_map(request, code):
    unit = unit_in_scope(request.user, code)
    return JsonResponse(cockpit.map_data(unit, chosen_month(request), request.user), json_dumps_params={"ensure_ascii": False})


def with_rows(panel):
    """A panel as table rows for the report: (x, [each series' value at x], link or "")."""
    links = panel.get("links") or [""] * len(panel["x"])
    rows = [(name, [s["data"][i] for s in panel["series"]], links[i]) for i, name in enumerate(panel["x"])]
    return {**panel, "rows": [row[:2] for row in rows] if panel["key"] == "rates" else rows}


@login_required
@require_GET
@reads_replica
def monthly_report(request, code):
    context = _context(request, unit_in_scope(request.user, code))
    context["data"] = {**context["data"], "panels": [with_rows(p) for p in context["data"]["panels"]]}
    return render(request, "dashboard/cockpit_report.html", context)
