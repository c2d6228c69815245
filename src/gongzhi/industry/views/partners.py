"""Pages: 四方联动 partners with their services and 政产学研 projects; 五个好 evaluations."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import under_codes_q, user_covers

from ..models import (
    INDUSTRY_STAFF_ROLES, ZONE_CODE_LENGTH, Enterprise, Evaluation, EvaluationItem, EvaluationResult, Partner,
    PartnerService, Project,
)
from ..services import evaluations as evaluation_rules
from ..services.zones import zone_of, zones_of

MAX_CHOICES = 500


@login_required
@require_GET
def partners(request):
    found = (Partner.objects.visible_to(request.user).select_related("zone")
             .prefetch_related(Prefetch("services", queryset=PartnerService.objects.filter(active=True).order_by("kind"))))
    projects = Project.objects.visible_to(request.user).select_related("enterprise", "university").order_by("-started_on")
    return render(request, "industry/partners.html", {"partners": found[:200], "projects": projects[:100]})


def _evaluable(user, zone):
    """The enterprise party organizations of ``zone`` this user may evaluate (park staff covering them)."""
    from gongzhi.party.models import PartyOrganization

    found = (PartyOrganization.objects.visible_to(user).select_related("unit")
             .filter(pk__in=Enterprise.objects.filter(under_codes_q("unit__code", [zone.code]), party_org__isnull=False)
                     .values("party_org"))
             .order_by("name")[:MAX_CHOICES])
    return [org for org in found if user_covers(user, org.unit.code, INDUSTRY_STAFF_ROLES)]


@login_required
@require_GET
def evaluations(request):
    """The zone's 五个好 evaluations, newest year first, and for park staff the form recording one."""
    user = request.user
    try:
        zone = zone_of(user, request.GET.get("zone", "")[:18])
    except NotFound:
        raise Http404 from None
    found = (Evaluation.objects.visible_to(user).filter(under_codes_q("organization__unit__code", [zone.code]))
             .select_related("organization")
             .prefetch_related(Prefetch("results", queryset=EvaluationResult.objects.select_related("item")))
             .order_by("-year", "organization__name"))
    organizations = _evaluable(user, zone)
    return render(request, "industry/evaluations.html", {
        "evaluations": found[:100], "zone": zone, "zones": zones_of(user), "organizations": organizations,
        "items": list(evaluation_rules.checklist(zone.code)) if organizations else [],
        "this_year": timezone.localdate().year,
    })


@login_required
@require_POST
def record_evaluation(request):
    """Park staff record (or redo) a party organization's 五个好 evaluation for a year."""
    from gongzhi.party.models import PartyOrganization

    user, post = request.user, request.POST
    pk = post.get("organization", "").strip()
    org = (PartyOrganization.objects.visible_to(user).select_related("unit")
           .filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 19 else None)
    if org is None:
        raise Http404
    ticked = [int(v) for v in post.getlist("item") if v.isdigit() and len(v) < 19]
    try:
        evaluation = evaluation_rules.record_evaluation(org, post.get("year", ""), EvaluationItem.objects.filter(pk__in=ticked),
                                                        notes=post.get("notes", ""), by=user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Evaluation of %(org)s for %(year)d recorded: %(score)d points.")
                         % {"org": org.name, "year": evaluation.year, "score": evaluation.score})
    return redirect(f"{reverse('industry:evaluations')}?zone={org.unit.code[:ZONE_CODE_LENGTH]}")


urlpatterns = [
    path("partners/", partners, name="partners"),
    path("evaluations/", evaluations, name="evaluations"),
    path("evaluations/record/", record_evaluation, name="evaluation-record"),
]
