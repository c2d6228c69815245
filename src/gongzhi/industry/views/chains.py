"""Pages: the chains of one's zones (coverage and local supply of each) and one chain as an
interactive graph (ECharts, static/industry/chain.js), enterprises coloured by party status."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from ..models import Chain, is_zone_staff, liaison_enterprises
from ..services import chains as chain_rules
from ..services import coverage as rules


@login_required
@require_GET
def chains(request):
    rows = rules.by_chain(Chain.objects.visible_to(request.user).select_related("zone", "committee"))
    return render(request, "industry/chains.html", {
        "rows": [(c, r, chain_rules.chain_supply(c)) for c, r in rows]})


@login_required
@require_GET
def chain(request, pk):
    user = request.user
    c = get_object_or_404(Chain.objects.visible_to(user).select_related("zone", "leader", "committee"), pk=pk)
    staff = is_zone_staff(user, c.zone.code)
    return render(request, "industry/chain.html", {
        "chain": c, "coverage": rules.coverage(c.members.all()), "supply": chain_rules.chain_supply(c),
        "graph": chain_rules.graph(c, members=staff),
        "links": c.links.select_related("supplier", "buyer").order_by("pk"),
        # Who supplies whom is the chain's map, seen zone-wide; a link's value and logistics costs
        # are its two parties' business: a liaison sees them on their own links only (decision 90).
        "staff": staff, "ours": set() if staff else set(liaison_enterprises(user).values_list("enterprise", flat=True)),
    })


urlpatterns = [
    path("chains/", chains, name="chains"),
    path("chains/<int:pk>/", chain, name="chain"),
]
