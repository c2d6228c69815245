"""Pages for 微幸福 micro projects (phone-first).

- ``projects``: the projects of one's zone (a status filter); staff see the proposals waiting
  for their approval first;
- ``project``: one project, its milestones, people, progress with photos, and the forms of
  whoever may run it (``project_action``: approve, cancel, progress, milestone, milestone_done,
  person, finish);
- ``project_new``: an in-service party member (双报到) or staff propose one;
- ``project_from_decision``: staff open one for a deliberation decision's work;
- ``project_photo``: a progress photo, for those who see the project (media is never public).

Every project is found through MicroProject.objects.visible_to (out of scope is 404 like
missing); the rules are in services/projects.py. Also here: the section the public notice
shows and the link the decision page shows (registered in SitesConfig.ready()).
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.party.models import PartyMember

from ..models import SITE_STAFF_ROLES, MicroProject, Milestone, ProjectPerson, ProjectPhoto, ProjectStatus, ProjectUpdate
from ..services import projects as rules

PER_PAGE = 30


def _int(value):
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _date(value, field):
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DomainError(_("Give a date (YYYY-MM-DD)."), code="date", field=field)


def visible_project(user, pk):
    return get_object_or_404(MicroProject.objects.visible_to(user).select_related("unit", "lead__organization", "decision"),
                             pk=pk)


@login_required
@require_GET
def projects(request):
    user = request.user
    found = MicroProject.objects.visible_to(user).select_related("unit", "lead__organization")
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
        found = found.exclude(status=ProjectStatus.CANCELLED)
    waiting = ()
    if user.holds(SITE_STAFF_ROLES):
        waiting = (MicroProject.objects.visible_to(user).filter(under_codes_q("unit__code", user.scope_codes(SITE_STAFF_ROLES)),
                                                                status=ProjectStatus.PROPOSED)
                   .select_related("unit").order_by("created_at", "pk")[:50])
    page = Paginator(found.order_by("-created_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sites/projects_list.html", {
        "page": page, "status": status, "statuses": ProjectStatus.choices, "waiting": waiting,
        "may_propose": user.holds(SITE_STAFF_ROLES) or rules.own_member(user) is not None,
    })


@login_required
@require_GET
def project(request, pk):
    user = request.user
    found = visible_project(user, pk)
    updates = (ProjectUpdate.objects.filter(project=found).select_related("by")
               .prefetch_related(Prefetch("photos", queryset=ProjectPhoto.objects.order_by("pk"))).order_by("-at", "-pk"))
    manage = rules.may_manage(found, user)
    running = found.status in rules.RUNNING
    open_ = found.status not in (ProjectStatus.DONE, ProjectStatus.CANCELLED)
    staff = rules.is_staff_of(found, user)
    return render(request, "sites/projects_detail.html", {
        "project": found, "updates": updates,
        "milestones": Milestone.objects.filter(project=found).order_by("due_on", "pk"),
        "people": ProjectPerson.objects.filter(project=found).select_related("member__organization", "volunteer")
        .order_by("pk"),
        "may_approve": staff and found.status == ProjectStatus.PROPOSED,
        "may_cancel": staff and open_,
        "may_run": manage and running, "may_plan": manage and open_,
        "choices": rules.people_choices(found, user) if manage and open_ else {},
        "decision_visible": found.decision_id is not None and type(found.decision).objects.visible_to(user).filter(
            pk=found.decision_id).exists(),
        "over_budget": found.spent_yuan > found.budget_yuan,
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request):
    user = request.user
    units = rules.proposal_units(user)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            code = str(form.get("unit", ""))[:18]
            # Unit codes are digits; anything else (a NUL byte: PostgreSQL refuses it) is no unit.
            unit = units.filter(code=code).first() if code.isascii() and code.isdigit() else None
            lead = None
            if form.get("lead") and user.holds(SITE_STAFF_ROLES):
                lead = PartyMember.objects.visible_to(user).filter(pk=_int(form.get("lead")) or 0).first()
                if lead is None:
                    raise DomainError(_("No such party member."), code="lead", field="lead")
            found = rules.propose_project(
                unit=unit, title=form.get("title", ""), plan=form.get("plan", ""), by=user, lead=lead,
                budget_yuan=form.get("budget_yuan", ""), beneficiaries=form.get("beneficiaries", ""),
                starts_on=_date(form.get("starts_on"), "starts_on"), due_on=_date(form.get("due_on"), "due_on"))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Project proposed; staff of the unit will review it."))
            return redirect("sites:project", pk=found.pk)
    leads = ()
    if user.holds(SITE_STAFF_ROLES):
        leads = (PartyMember.objects.visible_to(user).filter(employment="in_service", dual_report__isnull=False)
                 .select_related("organization").order_by("name")[:300])
    return render(request, "sites/projects_new.html", {"units": units[:300], "leads": leads, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_from_decision(request, decision_pk):
    from gongzhi.deliberation.models import Decision

    user = request.user
    decision = get_object_or_404(Decision.objects.visible_to(user).select_related("meeting__unit", "item", "member"),
                                 pk=decision_pk)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            found = rules.open_from_decision(decision, by=user, title=form.get("title") or None,
                                             budget_yuan=form.get("budget_yuan", ""),
                                             due_on=_date(form.get("due_on"), "due_on"))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Micro project opened from the decision."))
            return redirect("sites:project", pk=found.pk)
    return render(request, "sites/projects_from_decision.html", {
        "decision": decision, "form": form, "may_open": rules.is_staff_of(decision.meeting.unit, user),
    }, status=400 if request.method == "POST" else 200)


def _money_or_none(value):
    return None if str(value or "").strip() == "" else value


ACTIONS = ("approve", "cancel", "progress", "milestone", "milestone_done", "person", "finish")


@login_required
@require_POST
def project_action(request, pk, action):
    user = request.user
    found = visible_project(user, pk)
    if action not in ACTIONS:
        raise Http404
    form = request.POST
    done = {
        "approve": _("Project approved."), "cancel": _("Project cancelled."), "progress": _("Progress recorded."),
        "milestone": _("Milestone added."), "milestone_done": _("Milestone done."), "person": _("Person added."),
        "finish": _("Project done."),
    }[action]
    try:
        if action == "approve":
            rules.approve_project(found, by=user)
        elif action == "cancel":
            rules.cancel_project(found, by=user)
        elif action == "progress":
            percent = _int(form.get("percent"))
            rules.report_progress(found, percent=percent if percent is not None else -1, note=form.get("note", ""), by=user,
                                  photos=request.FILES.getlist("photos"), spent_yuan=_money_or_none(form.get("spent_yuan")))
        elif action == "milestone":
            rules.add_milestone(found, title=form.get("title", ""), due_on=_date(form.get("due_on"), "due_on"), by=user)
        elif action == "milestone_done":
            milestone = Milestone.objects.filter(project=found, pk=_int(form.get("milestone")) or 0).first()
            if milestone is None:
                raise DomainError(_("No such milestone."), code="milestone", field="milestone")
            rules.complete_milestone(milestone, by=user, on=_date(form.get("on"), "on"))
        elif action == "person":
            member = volunteer = None
            if form.get("member"):
                member = rules.addable_members(found, user).filter(pk=_int(form.get("member")) or 0).first()
                if member is None:
                    raise DomainError(_("No such party member."), code="member", field="member")
            if form.get("volunteer"):
                volunteer = rules.addable_volunteers(found, user).filter(pk=_int(form.get("volunteer")) or 0).first()
                if volunteer is None:
                    raise DomainError(_("No such volunteer."), code="volunteer", field="volunteer")
            rules.add_person(found, by=user, member=member, volunteer=volunteer, role=form.get("role", ""))
        elif action == "finish":
            count = _int(form.get("beneficiaries_count"))
            rules.finish_project(found, by=user, beneficiaries_count=count if count is not None else -1,
                                 done_on=_date(form.get("done_on"), "done_on"),
                                 spent_yuan=_money_or_none(form.get("spent_yuan")))
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, done)
    return redirect("sites:project", pk=found.pk)


@login_required
@require_GET
def project_photo(request, pk, token, size):
    """A progress photo, for those who see the project (media is never public)."""
    found = visible_project(request.user, pk)
    photo = get_object_or_404(ProjectPhoto.objects.filter(update__project=found), token=str(token)[:32])
    stored = photo.thumbnail if size == "thumb" else photo.image
    content_type = "image/jpeg" if size == "thumb" else f"image/{photo.extension.lstrip('.').replace('jpg', 'jpeg')}"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- what deliberation's pages show (registered in SitesConfig.ready) -------------------------

def public_section(unit):
    """The public notice's 微幸福 section: allow-listed rows, no person named (services.public_projects)."""
    rows = rules.public_projects(unit)
    return {"template": "sites/projects_public_section.html", "projects": rows} if rows else None


def decision_followups(decision, user):
    """The projects opened from a decision that ``user`` sees; for staff with none yet, the way to open one."""
    found = list(MicroProject.objects.visible_to(user).filter(decision=decision).order_by("pk"))
    entries = [{"label": p.title, "url": p.get_absolute_url(), "status": p.get_status_display()} for p in found]
    if not any(p.status != ProjectStatus.CANCELLED for p in found) and rules.is_staff_of(decision.meeting.unit, user):
        entries.append({"label": _("Open a micro project (微幸福) for it"),
                        "url": reverse("sites:project_from_decision", args=[decision.pk]), "status": ""})
    return entries


urlpatterns = [
    path("projects/", projects, name="projects"),
    path("projects/new/", project_new, name="project_new"),
    path("projects/from-decision/<int:decision_pk>/", project_from_decision, name="project_from_decision"),
    path("projects/<int:pk>/", project, name="project"),
    path("projects/<int:pk>/photos/<str:token>/<str:size>/", project_photo, name="project_photo"),
    path("projects/<int:pk>/<str:action>/", project_action, name="project_action"),
]
