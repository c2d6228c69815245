"""Pages: the enterprises of one's scope (filters) and one enterprise (indicators by year, party
status, chains and supply links). Everything through Enterprise.objects.visible_to."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

from gongzhi.core.scoping import user_covers

from ..filters import EnterpriseFilter
from ..models import INDUSTRY_STAFF_ROLES, ChainLink, Enterprise

PER_PAGE = 30


@login_required
@require_GET
def enterprises(request):
    found = Enterprise.objects.visible_to(request.user).select_related("unit", "party_org")
    filters = EnterpriseFilter(request.GET or None, queryset=found, user=request.user)
    rows = filters.qs if not filters.is_bound or filters.is_valid() else found.none()
    page = Paginator(rows.order_by("unit__code", "name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "industry/enterprises.html", {"filters": filters, "page": page, "query": query.urlencode()})


@login_required
@require_GET
def enterprise(request, pk):
    e = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("unit", "party_org", "instructor"),
                          pk=pk)
    links = (ChainLink.objects.filter(chain__in=e.chains.all()).filter(supplier=e) |
             ChainLink.objects.filter(chain__in=e.chains.all()).filter(buyer=e))
    return render(request, "industry/enterprise.html", {
        "e": e, "years": e.years.order_by("-year"), "chains": e.chains.select_related("leader").order_by("name"),
        "links": links.select_related("chain", "supplier", "buyer").order_by("chain__name", "pk"),
        "projects": e.projects.select_related("university").order_by("title"),
        "may_record_project": user_covers(request.user, e.unit.code, INDUSTRY_STAFF_ROLES),
    })


urlpatterns = [
    path("", enterprises, name="enterprises"),
    # The list is the app's front page; its address by name, as people type it, leads there.
    path("enterprises/", RedirectView.as_view(pattern_name="industry:enterprises", query_string=True),
         name="enterprise-list"),
    path("enterprises/<int:pk>/", enterprise, name="enterprise"),
]
