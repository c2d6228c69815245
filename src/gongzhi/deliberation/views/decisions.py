"""Pages: decisions (accountability).

- ``decisions``: the decisions of one's scope, overdue first, with filters;
- ``decision``: one decision, its progress history and photos, and the forms of whoever may act
  (progress, verify, open a case);
- ``decision_new``: staff record a meeting's decision.

Every decision is found through Decision.objects.visible_to; out of scope is 404 like missing.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as CaseWhen, IntegerField, Prefetch, Value, When
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cases.models import Case, Category
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import query_text
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Agency
from gongzhi.territory.models import CODE_LENGTH, Building, Level

from .. import extensions
from ..models import AgendaItem, Decision, DecisionPhoto, DecisionStatus, DecisionUpdate, OwnerKind
from ..services import decisions as rules
from ..services.votes import is_staff_of
from .votes import staff_meeting

OPEN_STATES = (DecisionStatus.OPEN, DecisionStatus.DONE)


def _int(value):
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def visible_decision(user, pk):
    return get_object_or_404(Decision.objects.visible_to(user).select_related(
        "meeting__unit", "meeting__format", "item__proposal", "agency", "organization", "member", "case"), pk=pk)


@login_required
@require_GET
def decisions(request):
    """Overdue first (oldest due date first), then the rest by due date; filters: status, unit, overdue."""
    today = timezone.localdate()
    found = Decision.objects.visible_to(request.user).select_related("meeting__unit", "agency", "organization", "member")
    status = request.GET.get("status", "")
    if status in DecisionStatus.values:
        found = found.filter(status=status)
    unit = query_text(request, "unit", max_length=18, label=_("Unit code"))
    if unit:
        found = found.filter(under_codes_q("meeting__unit__code", [unit]))
    if request.GET.get("overdue"):
        found = found.overdue(today)
    found = found.annotate(late=CaseWhen(When(status__in=OPEN_STATES, due_on__lt=today, then=Value(0)), default=Value(1),
                                      output_field=IntegerField())).order_by("late", "due_on", "pk")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "deliberation/decisions_list.html", {
        "page": page, "today": today, "statuses": DecisionStatus.choices, "status": status, "unit": unit,
        "overdue": bool(request.GET.get("overdue")),
    })


@login_required
@require_GET
def decision(request, pk):
    found = visible_decision(request.user, pk)
    updates = (DecisionUpdate.objects.filter(decision=found).select_related("by")
               .prefetch_related(Prefetch("photos", queryset=DecisionPhoto.objects.order_by("pk"))).order_by("-at", "-pk"))
    staff = is_staff_of(found.meeting, request.user)
    case = found.case
    return render(request, "deliberation/decision_detail.html", {
        "decision": found, "updates": updates, "is_staff": staff,
        "may_report": found.status in OPEN_STATES and rules.may_report(found, request.user),
        "may_verify": staff and found.status == DecisionStatus.DONE,
        "may_open_case": staff and case is None and found.status in OPEN_STATES,
        "case": case, "case_visible": case is not None and Case.objects.visible_to(request.user).filter(pk=case.pk).exists(),
        "categories": (Category.objects.visible_to(request.user).filter(parent__isnull=False, active=True)
                       .select_related("parent").order_by("code")) if staff and case is None else (),
        "overdue": found.is_overdue(),
        # What other apps opened from it (a 微幸福 project): deliberation/extensions.py.
        "followups": extensions.decision_followups(found, request.user),
    })


@login_required
@require_POST
def decision_progress(request, pk):
    found = visible_decision(request.user, pk)
    try:
        percent = _int(request.POST.get("percent"))
        rules.report_progress(found, percent=percent if percent is not None else -1, note=request.POST.get("note", ""),
                              by=request.user, photos=request.FILES.getlist("photos"))
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Progress recorded."))
    return redirect("deliberation:decision", pk=found.pk)


@login_required
@require_POST
def decision_verify(request, pk):
    found = visible_decision(request.user, pk)
    try:
        rules.verify(found, by=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Confirmed: the decision is carried out."))
    return redirect("deliberation:decision", pk=found.pk)


@login_required
@require_POST
def decision_open_case(request, pk):
    found = visible_decision(request.user, pk)
    category = Category.objects.visible_to(request.user).filter(code=request.POST.get("category", "")[:10]).first()
    building_id = _int(request.POST.get("building"))
    building = None
    if building_id:
        building = Building.objects.filter(under_codes_q("estate__grid__code", [found.meeting.unit.code]), pk=building_id).first()
    try:
        if building_id and building is None:
            raise DomainError(_("No such building in this meeting's unit."), code="building", field="building")
        case = rules.open_case(found, category=category, by=request.user, building=building)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Case %(number)s opened; this page follows it.") % {"number": case.number})
    return redirect("deliberation:decision", pk=found.pk)


@login_required
@require_GET
def decision_photo(request, pk, token, size):
    """A progress photo, for those who may see the decision (media is never public)."""
    found = visible_decision(request.user, pk)
    photo = get_object_or_404(DecisionPhoto.objects.filter(update__decision=found), token=token)
    stored = photo.thumbnail if size == "thumb" else photo.image
    content_type = "image/jpeg" if size == "thumb" else f"image/{photo.extension.lstrip('.').replace('jpg', 'jpeg')}"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def owner_choices(user, meeting):
    """What the record form offers: agencies (an open directory), the party organizations of the
    meeting's area one can see, and their members."""
    area = meeting.unit.code[: CODE_LENGTH[Level.STREET]]  # the street around the unit (or the district itself)
    organizations = PartyOrganization.objects.visible_to(user).filter(under_codes_q("unit__code", [area])).order_by("name")
    return {
        "agencies": Agency.objects.visible_to(user).order_by("kind", "name")[:300],
        "organizations": organizations[:300], "organization_qs": organizations,
        "members": PartyMember.objects.visible_to(user).filter(organization__in=organizations).order_by("name")[:300],
    }


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request, pk):
    """Staff record what a meeting decided, who does it and by when."""
    meeting = staff_meeting(request.user, pk)
    choices = owner_choices(request.user, meeting)
    organizations = choices.pop("organization_qs")
    items = AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            item = items.filter(pk=_int(form.get("item")) or 0).first() if form.get("item") else None
            try:
                due_on = datetime.date.fromisoformat(form.get("due_on", ""))
            except ValueError:
                raise DomainError(_("Give the date it is due (YYYY-MM-DD)."), code="due_on", field="due_on")
            found = rules.record_decision(
                meeting=meeting, item=item, what=form.get("what", ""), owner_kind=form.get("owner_kind", ""), due_on=due_on,
                by=request.user,
                agency=Agency.objects.visible_to(request.user).filter(pk=_int(form.get("agency")) or 0).first(),
                organization=organizations.filter(pk=_int(form.get("organization")) or 0).first(),
                member=PartyMember.objects.visible_to(request.user).filter(
                    organization__in=organizations, pk=_int(form.get("member")) or 0).first(),
                owner_name=form.get("owner_name", ""))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("deliberation:decision", pk=found.pk)
    return render(request, "deliberation/decision_new.html", {
        "meeting": meeting, "items": items, "owner_kinds": OwnerKind.choices, "form": form, **choices,
    }, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("decisions/", decisions, name="decisions"),
    path("decisions/<int:pk>/", decision, name="decision"),
    path("decisions/<int:pk>/progress/", decision_progress, name="decision_progress"),
    path("decisions/<int:pk>/verify/", decision_verify, name="decision_verify"),
    path("decisions/<int:pk>/case/", decision_open_case, name="decision_open_case"),
    path("decisions/<int:pk>/photos/<str:token>/<str:size>/", decision_photo, name="decision_photo"),
    path("meetings/<int:pk>/decisions/new/", decision_new, name="decision_new"),
]
