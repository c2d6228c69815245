from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import PartyOrganization
from .service import service_hours


@login_required
@require_GET
def branch_list(request):
    branches = (
        PartyOrganization.objects.visible_to(request.user).grid_branches().with_working()
        .select_related("unit", "secretary").order_by("unit__code", "pk")
    )
    only = request.GET.get("working")
    if only in ("yes", "no"):
        branches = branches.filter(is_working=(only == "yes"))
    page = Paginator(branches, 50).get_page(request.GET.get("page"))
    return render(request, "party/branch_list.html", {"page": page, "working": only})


@login_required
@require_GET
def organization_detail(request, pk):
    org = get_object_or_404(
        PartyOrganization.objects.visible_to(request.user).select_related("unit", "parent", "secretary", "building__estate"),
        pk=pk,
    )
    members = list(org.members.select_related("dual_report").order_by("name"))
    # Confirmed volunteer service this year counts toward an in-service member's 双报到 record.
    year_start = timezone.localdate().replace(month=1, day=1)
    served = service_hours(members, since=year_start)
    for m in members:
        m.service_hours = served.get(m.pk, 0)
    return render(request, "party/organization_detail.html", {
        "org": org,
        "report": org.working_report(),
        "children": org.children.visible_to(request.user).order_by("kind", "name"),
        "members": members,
        "service_year": year_start.year,
        "activities": org.activities.order_by("-held_on")[:20],
        "instructors": org.instructor_assignments.select_related("instructor"),
        "posts": org.pioneer_posts.select_related("holder"),
    })
