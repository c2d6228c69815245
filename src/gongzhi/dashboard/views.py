import hashlib

from django.conf import settings
from django.core.cache import cache
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.core.scoping import minimal_codes
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import LEDGER_ROLES, PARTY_ROLES
from gongzhi.territory.models import Level, Resident, Unit

from .figures import current_figures, current_zone_figures, labels


def scope_counts(user, units, branches):
    """The home page's counts of one's scope. A district admin's are whole-table counts, so they
    are kept in the shared cache for a minute per scope (decision 23), not counted per view."""
    scope = ",".join(sorted(minimal_codes(user.scope_codes()))) if not user.is_superuser else "*"
    key = "gongzhi:home-counts:" + hashlib.sha256(f"{user.pk}|{scope}".encode()).hexdigest()[:32]

    def count():
        return {
            "grids": units.filter(level=Level.GRID).count(),
            "micro_grids": units.filter(level=Level.MICRO_GRID).count(),
            "residents": Resident.objects.visible_to(user).count(),
            "branches": branches.count(),
            "branches_working": branches.filter(is_working=True).count(),
            "members": PartyMember.objects.visible_to(user).count(),
        }

    return cache.get_or_set(key, count, timeout=settings.FIGURES_CACHE_SECONDS)


@login_required
def home(request):
    user = request.user
    units = Unit.objects.visible_to(user)
    if user.is_superuser:
        top = units.filter(level=Level.DISTRICT)
    else:
        top = Unit.objects.filter(code__in=minimal_codes(user.scope_codes())).select_related("parent")
    branches = (
        PartyOrganization.objects.visible_to(user).grid_branches().with_working()
        .select_related("unit", "secretary").order_by("unit__code")
    )
    branch_list = list(branches[:20])
    counts = scope_counts(user, units, branches)
    return render(request, "dashboard/home.html", {
        "top_units": top,
        "grids": units.filter(level=Level.GRID).select_related("parent")[:30],
        "branches": branch_list,
        "counts": counts,
        "roles": sorted({a.get_role_display() for a in user.role_assignments.all()}),
        # Only the cards a person can see into: a zero must mean none, not "not yours to see".
        "sees_ledgers": user.is_superuser or user.has_role(*LEDGER_ROLES),
        "sees_party": user.is_superuser or user.has_role(*PARTY_ROLES),
    })


def _may_read_figures(request):
    return request.user.is_authenticated or settings.DEMO_MODE


@require_GET
def figures_page(request):
    if not _may_read_figures(request):
        return redirect_to_login(request.get_full_path())
    names = labels()
    rows = [(key, names[key], _shown(key, value)) for key, value in current_figures().items()]
    # Each zone's own figures (/figures.json's "zones"): one row per figure, one column per zone.
    zones = current_zone_figures()
    keys = [key for key in names if any(key in figures for figures in zones.values())]
    by_zone = [(key, names[key], [_shown(key, figures.get(key)) for figures in zones.values()]) for key in keys]
    return render(request, "dashboard/figures.html", {
        "rows": rows, "zones": [(code, figures["name"]) for code, figures in zones.items()], "by_zone": by_zone,
    })


# Figures that are shares of a whole (0.61 in /figures.json): shown on the page as percentages.
SHARE_SUFFIXES = ("_rate", "_share")


def _shown(key, value):
    if key.endswith(SHARE_SUFFIXES) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:.1f}%"
    return value


@require_GET
def figures_json(request):
    if not _may_read_figures(request):
        return JsonResponse(
            {"error": {"code": "not_authenticated", "message": "请先登录 / Sign in first"}}, status=401
        )
    # The whole instance's figures, and each zone's own under "zones" (decision 67).
    return JsonResponse({**current_figures(), "zones": current_zone_figures()}, json_dumps_params={"ensure_ascii": False})
