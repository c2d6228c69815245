"""Pages: 四方联动 partners with their services and 政产学研 projects; 五个好 evaluations."""
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..models import Evaluation, EvaluationResult, Partner, PartnerService, Project


@login_required
@require_GET
def partners(request):
    found = (Partner.objects.visible_to(request.user).select_related("zone")
             .prefetch_related(Prefetch("services", queryset=PartnerService.objects.filter(active=True).order_by("kind"))))
    projects = Project.objects.visible_to(request.user).select_related("enterprise", "university").order_by("-started_on")
    return render(request, "industry/partners.html", {"partners": found[:200], "projects": projects[:100]})


@login_required
@require_GET
def evaluations(request):
    found = (Evaluation.objects.visible_to(request.user).select_related("organization")
             .prefetch_related(Prefetch("results", queryset=EvaluationResult.objects.select_related("item")))
             .order_by("-year", "organization__name"))
    return render(request, "industry/evaluations.html", {"evaluations": found[:100]})


urlpatterns = [
    path("partners/", partners, name="partners"),
    path("evaluations/", evaluations, name="evaluations"),
]
