"""Page: 两个覆盖 of a zone (the first of one's zones, or ?zone=): the rates against the year's
targets, coverage over time and by chain (charts, static/industry/coverage.js), by part of the
park, and the gap list (enterprises to act on, most party members first)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from gongzhi.core.errors import NotFound

from ..models import Chain, Enterprise, is_zone_staff
from ..services import coverage as rules
from ..services.zones import zone_of, zones_of


@login_required
@require_GET
def coverage(request):
    try:
        zone = zone_of(request.user, request.GET.get("zone", "")[:18])
    except NotFound:
        raise Http404
    if not is_zone_staff(request.user, zone.code):
        # A liaison's coverage would be their own enterprise's: they have their own page (decision 90).
        return redirect("industry:mine")
    enterprises = Enterprise.objects.visible_to(request.user).filter(pk__in=rules.in_unit(zone).values("pk"))
    report = rules.coverage(enterprises)
    months = rules.over_time(enterprises)
    chains = rules.by_chain(Chain.objects.visible_to(request.user).filter(zone=zone))
    parts = rules.by_part(enterprises, zone)
    gaps = Paginator(rules.gap_list(enterprises).select_related("unit"), 50).get_page(request.GET.get("page"))
    chart = {
        "months": [m["month"] for m in months],
        "organization": [m["organization_rate"] for m in months],
        "work": [m["work_rate"] for m in months],
        "chains": [c.name for c, _r in chains],
        "chain_rates": [r["organization_rate"] for _c, r in chains],
        "target": float(t.organization_coverage) if (t := rules.target_for(zone)) else None,
    }
    return render(request, "industry/coverage.html", {
        "zone": zone, "zones": zones_of(request.user), "report": report, "target": rules.target_for(zone),
        "chains": chains, "parts": parts, "gaps": gaps, "chart": chart,
    })


urlpatterns = [path("coverage/", coverage, name="coverage")]
