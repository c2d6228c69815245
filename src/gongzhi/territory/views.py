from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import query_text

from . import services
from .geometry import locate
from .models import Level, Resident, Unit


@login_required
@require_GET
def unit_detail(request, code):
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("parent"), code=code)
    children = unit.children.visible_to(request.user).order_by("code")
    ancestors = Unit.objects.visible_to(request.user).filter(code__in=unit.ancestors_codes()).order_by("code")
    estates = unit.estates.visible_to(request.user) if unit.level == Level.GRID else None
    return render(request, "territory/unit_detail.html", {
        "unit": unit, "children": children, "ancestors": ancestors, "estates": estates,
    })


@login_required
@require_GET
def unit_map(request, code):
    """GeoJSON of the unit's own boundary and its children's, for the Leaflet map."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), code=code)
    level = Level.MICRO_GRID if unit.level >= Level.GRID else Level.GRID
    shown = Unit.objects.visible_to(request.user).filter(under_codes_q("code", [unit.code]), level=level)
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": c, "name": n, "url": f"/territory/units/{c}/"}}
        for c, n, boundary in shown.exclude(boundary=None).values_list("code", "name", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_GET
def resident_list(request):
    residents = Resident.objects.visible_to(request.user).select_related(
        "household__building__estate__grid"
    )
    grid_code = query_text(request, "unit", max_length=Unit._meta.get_field("code").max_length, label=_("Unit code"))
    if grid_code:
        residents = residents.filter(under_codes_q("household__building__estate__grid__code", [grid_code]))
    query = query_text(request, "q", max_length=Resident._meta.get_field("name").max_length, label=_("Name"))
    if query:
        residents = residents.filter(name__contains=query)
    page = Paginator(residents.order_by("pk"), 50).get_page(request.GET.get("page"))
    return render(request, "territory/resident_list.html", {"page": page, "q": query, "unit": grid_code})


@login_required
@require_GET
def resident_detail(request, pk):
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("household__building__estate__grid"), pk=pk
    )
    return render(request, "territory/resident_detail.html", {"resident": resident})


@login_required
@require_POST
def resident_reveal(request, pk):
    """Show one personal field in full (POST, so it is never a link or in a URL), and log it."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=pk)
    try:
        value = services.reveal_personal_field(request.user, resident, request.POST.get("field", ""))
    except DomainError as e:
        return JsonResponse({"error": {"code": "bad_field", "message": e.text}}, status=400)
    return render(request, "territory/_revealed.html", {"value": value})


@login_required
@require_GET
def locate_point(request):
    try:
        placed = locate(request.GET.get("lat"), request.GET.get("lng"))
    except DomainError as e:
        return JsonResponse({"error": {"code": e.domain_code, "message": e.text}}, status=400)
    visible = Unit.objects.visible_to(request.user)
    if not visible.filter(pk=placed.micro_grid_id).exists():
        raise Http404
    return JsonResponse({"micro_grid": placed.micro_grid_code, "grid": placed.grid_code})
