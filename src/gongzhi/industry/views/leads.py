"""Pages: 红色帮扶网 — the zone's area leads with their groups of enterprises, and one lead's
page: the group, the visits with the needs they collected, and the form to record a visit."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongzhi.core.errors import DomainError, NotFound

from ..models import INDUSTRY_STAFF_ROLES, AreaLead, LeadVisit, Need, NeedKind
from ..services import leads as rules
from . import parse

RECENT_DAYS = 90


@login_required
@require_http_methods(["GET"])
def area_leads(request):
    since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS)
    found = (AreaLead.objects.visible_to(request.user).select_related("member", "zone")
             .annotate(n_enterprises=Count("enterprises", distinct=True),
                       n_visits=Count("visits", filter=Q(visits__visited_on__gte=since), distinct=True),
                       n_needs=Count("visits__needs", distinct=True))
             .order_by("zone__code", "area", "pk"))
    return render(request, "industry/area_leads.html", {"leads": found[:200], "days": RECENT_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def area_lead(request, pk):
    lead = get_object_or_404(AreaLead.objects.visible_to(request.user).select_related("member", "zone"), pk=pk)
    group = rules.group_for(request.user, lead).order_by("name")
    kept = {}
    if request.method == "POST":
        enterprise = group.filter(pk=_int(request.POST.get("enterprise"))).first()
        try:
            if enterprise is None:
                raise NotFound(_("No such enterprise."), code="not_found", field="enterprise")
            visit, need = rules.record_visit(
                lead, enterprise, by=request.user, visited_on=_date(request.POST.get("visited_on")),
                notes=request.POST.get("notes", ""), need_kind=request.POST.get("need_kind", ""),
                need_text=request.POST.get("need_text", ""), need_quantity=request.POST.get("need_quantity", ""))
        except DomainError as error:
            messages.error(request, "；".join(str(m) for m in error.messages))
            # What was typed stays in the form (the date as typed only if it is one).
            kept = {k: request.POST.get(k, "") for k in ("enterprise", "notes", "need_kind", "need_text", "need_quantity")}
            kept["visited_on"] = _kept_date(request.POST.get("visited_on"))
        else:
            messages.success(request, _("Visit recorded.") + (" " + _("The need is on the board.") if need else ""))
            return redirect("industry:area-lead", pk=lead.pk)
    visits = (LeadVisit.objects.visible_to(request.user).filter(lead=lead).select_related("enterprise")
              .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("pk"))).order_by("-visited_on", "-pk"))
    return render(request, "industry/area_lead.html", {
        "lead": lead, "group": group, "visits": visits[:50], "kinds": NeedKind.choices,
        "today": timezone.localdate(), "kept": kept,
        # The form for the lead's own account and park staff; the service checks the enterprise's scope.
        "may_record": request.user.is_superuser or lead.account_id == request.user.pk
        or request.user.has_role(*INDUSTRY_STAFF_ROLES),
    })


_int = parse.pk


def _kept_date(value):
    try:
        return _date(value)
    except DomainError:
        return None


def _date(value):
    return parse.date(value, "visited_on", _("Give the date as YYYY-MM-DD."))


urlpatterns = [
    path("area-leads/", area_leads, name="area-leads"),
    path("area-leads/<int:pk>/", area_lead, name="area-lead"),
]
