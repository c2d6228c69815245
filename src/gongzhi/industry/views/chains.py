"""Pages: the chains of one's zones (coverage and local supply of each) and one chain as an
interactive graph (ECharts, static/industry/chain.js), enterprises coloured by party status."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from ..models import Chain
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
    c = get_object_or_404(Chain.objects.visible_to(request.user).select_related("zone", "leader", "committee"), pk=pk)
    return render(request, "industry/chain.html", {
        "chain": c, "coverage": rules.coverage(c.members.all()), "supply": chain_rules.chain_supply(c),
        "graph": chain_rules.graph(c),
        "links": c.links.select_related("supplier", "buyer").order_by("pk"),
    })


urlpatterns = [
    path("chains/", chains, name="chains"),
    path("chains/<int:pk>/", chain, name="chain"),
]
