"""Pages: 四方联动 partners with their services and 政产学研 projects (park staff record one and
update its results); 五个好 evaluations (park staff record a year's)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import under_codes_q, user_covers

from ..models import (
    INDUSTRY_STAFF_ROLES, ZONE_CODE_LENGTH, Enterprise, Evaluation, EvaluationItem, EvaluationResult, Partner,
    PartnerService, Project, staff_q,
)
from ..services import evaluations as evaluation_rules
from ..services import projects as project_rules
from ..services.zones import zone_of, zones_of
from . import parse

MAX_CHOICES = 500


@login_required
@require_GET
def partners(request):
    user = request.user
    found = (Partner.objects.visible_to(user).select_related("zone")
             .prefetch_related(Prefetch("services", queryset=PartnerService.objects.filter(active=True).order_by("kind"))))
    projects = list(Project.objects.visible_to(user).select_related("enterprise__unit", "university")
                    .order_by("-started_on", "-pk")[:100])
    for project in projects:
        project.editable = user_covers(user, project.enterprise.unit.code, INDUSTRY_STAFF_ROLES)
    # The form recording a project: park staff, their first zone (or ?zone=), its enterprises
    # and its universities and institutes.
    enterprises, universities, zone = [], [], None
    try:
        zone = zone_of(user, request.GET.get("zone", "")[:18])
    except NotFound:
        pass
    may_record = zone is not None and (user.is_superuser or user.has_role(*INDUSTRY_STAFF_ROLES))
    chosen = None
    if may_record:
        mine = Enterprise.objects.visible_to(user).filter(_staff_q(user, "unit__code"))
        # Opened from an enterprise's page (?enterprise=): that enterprise, its zone's form.
        chosen = mine.select_related("unit").filter(pk=_pk(request.GET.get("enterprise"))).first()
        if chosen is not None:
            zone = next((z for z in zones_of(user) if chosen.unit.code.startswith(z.code)), zone)
        enterprises = list(mine.filter(under_codes_q("unit__code", [zone.code])).order_by("name")[:MAX_CHOICES])
        if chosen is not None and chosen not in enterprises:
            enterprises.insert(0, chosen)
        universities = list(Partner.objects.visible_to(user).filter(zone=zone, kind__in=project_rules.RESEARCH_PARTNERS)
                            .order_by("name"))
    return render(request, "industry/partners.html", {
        "partners": found[:200], "projects": projects, "zone": zone, "zones": zones_of(user),
        "enterprises": enterprises, "universities": universities if enterprises else [], "may_record": may_record,
        "chosen": chosen,
    })


def _date(value):
    return parse.date(value, "started_on", _("Give the start date as a date."))


def _partners_act(request, done, zone_code):
    try:
        message = done()
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, message)
    return redirect(f"{reverse('industry:partners')}?zone={zone_code}#projects")


_pk = parse.pk


@login_required
@require_POST
def record_project(request):
    """Park staff record a 政产学研 project of one of their zone's enterprises."""
    user, post = request.user, request.POST
    enterprise = Enterprise.objects.visible_to(user).select_related("unit").filter(pk=_pk(post.get("enterprise"))).first()
    university = Partner.objects.visible_to(user).select_related("zone").filter(pk=_pk(post.get("university"))).first()
    if enterprise is None or university is None:
        raise Http404

    def record():
        project = project_rules.record_project(
            by=user, enterprise=enterprise, university=university, title=post.get("title", ""),
            started_on=_date(post.get("started_on")), patents=post.get("patents", ""), standards=post.get("standards", ""),
            revenue_yuan=post.get("revenue_yuan", "").strip() or None)
        return _("Project recorded: %(title)s.") % {"title": project.title}

    return _partners_act(request, record, enterprise.unit.code[:ZONE_CODE_LENGTH])


@login_required
@require_POST
def project_results(request, pk):
    """Park staff update what came of a project (patents, standards drafted, revenue)."""
    user, post = request.user, request.POST
    project = get_object_or_404(Project.objects.visible_to(user).select_related("enterprise__unit"), pk=pk)

    def update():
        # A field left out of the form keeps its value (only what is sent is changed).
        done = project_rules.update_results(
            project, by=user, patents=post.get("patents", project.patents),
            standards=post.get("standards", project.standards),
            revenue_yuan=post.get("revenue_yuan", "").strip() or (None if "revenue_yuan" in post else project.revenue_yuan))
        return _("Results of %(title)s updated.") % {"title": done.title}

    return _partners_act(request, update, project.enterprise.unit.code[:ZONE_CODE_LENGTH])


def _staff_q(user, field):
    """Rows under the units where ``user`` is park staff (everything for a superuser)."""
    return Q() if user.is_superuser else staff_q(field, user)


def _evaluable(user, zone):
    """The enterprise party organizations of ``zone`` this user may evaluate (park staff covering them)."""
    from gongzhi.party.models import PartyOrganization

    return list(PartyOrganization.objects.visible_to(user).filter(_staff_q(user, "unit__code"))
                .filter(pk__in=evaluation_rules.enterprise_organizations(zone.code)).order_by("name")[:MAX_CHOICES])


@login_required
@require_GET
def evaluations(request):
    """The zone's 五个好 evaluations, newest year first, and for park staff the form recording one.
    Someone who sees evaluations through the party tree but holds no industry role gets the list
    of what they see, without a zone or a form."""
    user = request.user
    asked = request.GET.get("zone", "")[:18]
    try:
        zone = zone_of(user, asked)
    except NotFound:
        if asked:
            raise Http404 from None
        zone = None
    found = Evaluation.objects.visible_to(user)
    if zone is not None:
        found = found.filter(under_codes_q("organization__unit__code", [zone.code]))
    found = (found.select_related("organization")
             .prefetch_related(Prefetch("results", queryset=EvaluationResult.objects.select_related("item")))
             .order_by("-year", "organization__name"))
    organizations = _evaluable(user, zone) if zone is not None else []
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
    if not pk:
        messages.error(request, _("Choose a party organization of your scope."))
        return redirect("industry:evaluations")
    org = (PartyOrganization.objects.visible_to(user).select_related("unit")
           .filter(pk=int(pk)).first() if pk.isascii() and pk.isdigit() and len(pk) < 19 else None)
    if org is None:
        raise Http404
    ticked = [int(v) for v in post.getlist("item") if v.isascii() and v.isdigit() and len(v) < 19]
    try:
        evaluation = evaluation_rules.record_evaluation(org, post.get("year", ""), EvaluationItem.objects.filter(pk__in=ticked),
                                                        notes=post.get("notes", ""), by=user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, ngettext("Evaluation of %(org)s for %(year)d recorded: %(score)d point.",
                                           "Evaluation of %(org)s for %(year)d recorded: %(score)d points.",
                                           evaluation.score)
                         % {"org": org.name, "year": evaluation.year, "score": evaluation.score})
        if evaluation.score_before is not None:
            messages.warning(request, _("It replaces the evaluation recorded before for that year (%(before)d points).")
                             % {"before": evaluation.score_before})
    return redirect(f"{reverse('industry:evaluations')}?zone={org.unit.code[:ZONE_CODE_LENGTH]}")


urlpatterns = [
    path("partners/", partners, name="partners"),
    path("partners/projects/", record_project, name="project-record"),
    path("partners/projects/<int:pk>/results/", project_results, name="project-results"),
    path("evaluations/", evaluations, name="evaluations"),
    path("evaluations/record/", record_evaluation, name="evaluation-record"),
]
