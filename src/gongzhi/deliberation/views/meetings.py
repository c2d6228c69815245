"""Pages: meetings — the staff's list and forms, a meeting's page (agenda, notice, open/close,
attendance, minutes), the room's sign-in screen, the participant's sign-in page, councils.

Views parse and answer; every rule is in services.meetings. Every meeting is looked up through
``Meeting.objects.visible_to(user)``: out of scope answers 404 exactly like missing.
"""
import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cases.models import OPEN_STATUSES, Case
from gongzhi.core import plugins
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.party.models import PartyOrganization
from gongzhi.people.models import User
from gongzhi.territory.models import Level, Unit

from .. import recurrence
from ..models import (
    DELIBERATION_STAFF_ROLES, AgendaItem, Attendance, Council, CouncilMember, CouncilSeat, Meeting, MeetingFormat,
    MeetingSeries, MeetingStatus, Proposal, ProposalStatus,
)
from ..services import meetings as rules

UNIT_CHOICES_LIMIT = 500


def _pk(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _error(request, error):
    messages.error(request, error.text)


def _meeting_for(request, pk):
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("format", "unit", "organization",
                                                                                    "series"), pk=pk)


def _is_staff(user):
    return user.is_authenticated and user.holds(DELIBERATION_STAFF_ROLES)


def _local_datetime(value, field="starts_at"):
    """A ``datetime-local`` form value (local time) as an aware datetime, or a DomainError."""
    parsed = parse_datetime((value or "").strip()[:30]) if value else None
    if parsed is None:
        raise DomainError(_("Give the date and time the meeting starts."), code="invalid", field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _date(value, field, required=True):
    try:
        parsed = parse_date((value or "").strip()[:10]) if value else None
    except ValueError:
        parsed = None
    if parsed is None and (required or value):
        raise DomainError(_("Give a date as YYYY-MM-DD."), code="invalid", field=field)
    return parsed


# --- the list, scheduling and series --------------------------------------------------------------

def _unit_choices(user):
    # The district (or park zone) itself too: a 园区说事 or 企业供需对接会 is the whole zone's.
    return (Unit.objects.visible_to(user).filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID])
            .filter(under_codes_q("code", user.scope_codes(DELIBERATION_STAFF_ROLES)) if not user.is_superuser else Q())
            .order_by("code")[:UNIT_CHOICES_LIMIT])


@login_required
@require_GET
def meeting_list(request):
    """Meetings through the meetings' filter set, the one their export uses (decision 83); the
    upcoming tab is ``when=upcoming``, the default."""
    from ..filters import MeetingFilterSet

    params = request.GET.copy()
    params.pop("page", None)
    if not params.get("when"):
        params["when"] = "upcoming"
    past = params["when"] == "past"
    filterset = MeetingFilterSet(params, queryset=Meeting.objects.visible_to(request.user).select_related(
        "format", "unit", "organization"))
    found = filterset.qs if filterset.is_valid() else Meeting.objects.none()
    found = found.order_by("-starts_at", "-pk") if past else found.order_by("starts_at", "pk")
    page = Paginator(found.annotate(signed_in=Count("attendances", filter=Q(attendances__present=True))), 30).get_page(
        request.GET.get("page"))
    export = plugins.exports().get("meetings")
    context = {"page": page, "past": past, "staff": _is_staff(request.user), "filter": filterset,
               "query": params.urlencode(), "may_export": bool(export and export.may_run(request.user))}
    if context["staff"]:
        context.update(
            formats=MeetingFormat.objects.filter(active=True),
            units=_unit_choices(request.user),
            organizations=PartyOrganization.objects.visible_to(request.user).order_by("name")[:UNIT_CHOICES_LIMIT],
            series=MeetingSeries.objects.visible_to(request.user).select_related("format", "unit")[:50],
        )
    return render(request, "deliberation/meeting_list.html", context)


def _chosen(request, user):
    post = request.POST
    format = MeetingFormat.objects.filter(pk=_pk(post.get("format")), active=True).first()
    if format is None:
        raise DomainError(_("Choose the meeting's format."), code="required", field="format")
    organization = None
    if post.get("organization"):
        organization = PartyOrganization.objects.visible_to(user).filter(pk=_pk(post["organization"])).select_related(
            "unit").first()
        if organization is None:
            raise DomainError(_("Choose a party organization of your scope."), code="organization", field="organization")
    unit = organization.unit if organization else Unit.objects.visible_to(user).filter(pk=_pk(post.get("unit"))).first()
    if unit is None:
        raise DomainError(_("Choose the unit the meeting belongs to."), code="required", field="unit")
    return format, unit, organization


@login_required
@require_POST
def meeting_schedule(request):
    try:
        format, unit, organization = _chosen(request, request.user)
        meeting = rules.schedule_meeting(format=format, unit=unit, organization=organization, by=request.user,
                                         starts_at=_local_datetime(request.POST.get("starts_at")),
                                         title=request.POST.get("title", ""), place=request.POST.get("place", ""))
    except DomainError as error:
        _error(request, error)
        return redirect("deliberation:meetings")
    messages.success(request, _("Meeting scheduled."))
    return redirect(meeting)


@login_required
@require_POST
def series_create(request):
    try:
        format, unit, organization = _chosen(request, request.user)
        series = rules.create_series(format=format, unit=unit, organization=organization, by=request.user,
                                     recurrence=request.POST.get("recurrence") or format.recurrence,
                                     starts_on=_date(request.POST.get("starts_on"), "starts_on"),
                                     ends_on=_date(request.POST.get("ends_on"), "ends_on", required=False),
                                     title=request.POST.get("title", ""), place=request.POST.get("place", ""))
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Series created: %(rule)s.") % {"rule": recurrence.describe(series.recurrence)})
    return redirect("deliberation:meetings")


# --- one meeting ------------------------------------------------------------------------------------

@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting_for(request, pk)
    user = request.user
    staff = rules.may_run(user, meeting)
    items = list(AgendaItem.objects.visible_to(user).filter(meeting=meeting).select_related("proposal", "case")
                 .order_by("position", "pk"))
    context = {
        "meeting": meeting, "items": items, "staff": staff, "now": timezone.now(),
        "count": rules.attendance_count(meeting),
        "mine": Attendance.objects.filter(meeting=meeting, user=user).first(),
        "rule": recurrence.describe(meeting.series.recurrence) if meeting.series_id else "",
        "council": (CouncilMember.objects.active_on(timezone.localtime(meeting.starts_at).date())
                    .filter(council__unit=meeting.unit).select_related("user", "organization")),
        # What other apps record at a meeting (the industry app's matches and agreements).
        "sections": [s for section in plugins.meeting_sections() if (s := section(meeting, user))],
    }
    if staff:
        scope = under_codes_q("unit__code", [meeting.unit.code])
        context.update(
            attendances=Attendance.objects.filter(meeting=meeting).select_related("user", "member", "recorded_by"),
            proposals=(Proposal.objects.visible_to(user).filter(scope, status=ProposalStatus.OPEN)
                       .exclude(agenda_items__meeting=meeting).order_by("-support_count")[:50]),
            cases=(Case.objects.visible_to(user).filter(under_codes_q("grid_code", [meeting.unit.code]),
                                                        status__in=OPEN_STATUSES).order_by("-created_at")[:50]),
            not_signed_in=_not_signed_in(meeting) if meeting.status == MeetingStatus.OPEN else [],
        )
    return render(request, "deliberation/meeting_detail.html", context)


def _not_signed_in(meeting, limit=300):
    there = Attendance.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    ids = set(rules.participants(meeting)) | rules.resident_ids(meeting.unit)
    return User.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=there).order_by("display_name", "pk")[:limit]


ACTIONS = ("notice", "open", "close", "move", "cancel", "minutes")


@login_required
@require_POST
def meeting_action(request, pk, action):
    meeting = _meeting_for(request, pk)
    if action not in ACTIONS:
        raise Http404
    user, post = request.user, request.POST
    try:
        if action == "notice":
            invited = rules.send_notice(meeting, by=user)
            messages.success(request, _("Notice sent to %(n)d participants (each once).") % {"n": invited})
        elif action == "open":
            rules.open_meeting(meeting, by=user)
            messages.success(request, _("The meeting is open: show the sign-in screen in the room."))
        elif action == "close":
            rules.close_meeting(meeting, by=user)
            messages.success(request, _("The meeting is closed and recorded as held."))
        elif action == "move":
            rules.move_meeting(meeting, starts_at=_local_datetime(post.get("starts_at")), by=user)
            messages.success(request, _("This meeting was moved; the others of its series stay as they are."))
        elif action == "cancel":
            rules.cancel_meeting(meeting, reason=post.get("reason", ""), by=user)
            messages.success(request, _("This meeting was cancelled; the others of its series stay as they are."))
        elif action == "minutes":
            rules.record_meeting_minutes(meeting, text=post.get("minutes", ""), by=user)
            messages.success(request, _("Minutes saved."))
    except DomainError as error:
        _error(request, error)
    return redirect(meeting)


@login_required
@require_POST
def meeting_item_add(request, pk):
    meeting = _meeting_for(request, pk)
    user, post = request.user, request.POST
    try:
        if not rules.may_run(user, meeting):
            raise DomainError(_("Only the staff of this meeting's unit may do this."), code="forbidden")
        proposal = case = None
        if post.get("proposal"):
            proposal = Proposal.objects.visible_to(user).filter(
                under_codes_q("unit__code", [meeting.unit.code]), pk=_pk(post["proposal"]), status=ProposalStatus.OPEN).first()
            if proposal is None:
                raise DomainError(_("Choose an open proposal of this meeting's unit."), code="proposal", field="proposal")
        if post.get("case"):
            case = Case.objects.visible_to(user).filter(under_codes_q("grid_code", [meeting.unit.code]),
                                                        status__in=OPEN_STATUSES, pk=_pk(post["case"])).first()
            if case is None:
                raise DomainError(_("Choose an open case of this meeting's unit."), code="case", field="case")
        title = post.get("title", "").strip() or (proposal.title if proposal else case.title if case else "")
        minutes = _pk(post.get("time_box_minutes")) or 15
        if proposal is not None:
            rules.add_proposal_item(meeting, proposal, by=user, title=title, time_box_minutes=minutes)
        else:
            rules.add_item(meeting, title=title, by=user, case=case, time_box_minutes=minutes)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Item added to the agenda."))
    return redirect(meeting)


ITEM_ACTIONS = ("move", "minutes", "time_box")


@login_required
@require_POST
def meeting_item_action(request, pk, action):
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user).select_related("meeting__unit",
                                                                                       "meeting__organization"), pk=pk)
    if action not in ITEM_ACTIONS:
        raise Http404
    user, post = request.user, request.POST
    try:
        if action == "move":
            rules.move_item(item, position=_pk(post.get("position")) or 1, by=user)
        elif action == "minutes":
            rules.record_minutes(item, text=post.get("minutes", ""), by=user)
            messages.success(request, _("Minutes saved."))
        elif action == "time_box":
            rules.set_time_box(item, minutes=_pk(post.get("time_box_minutes")) or 0, by=user)
    except DomainError as error:
        _error(request, error)
    return redirect(reverse("deliberation:meeting", args=[item.meeting_id]) + f"#item-{item.pk}")


# --- sign-in ----------------------------------------------------------------------------------------

def _signin_url(request, meeting):
    # The code travels in the fragment (#code=…): a browser never sends a fragment to the
    # server, so the code is in no access log, yet the page fills the field from it.
    return request.build_absolute_uri(reverse("deliberation:signin", args=[meeting.pk])) + f"#code={meeting.signin_code}"


@login_required
@require_GET
def signin_screen(request, pk):
    """The room's screen: the big code, its QR code and the live count (the page refreshes)."""
    meeting = _meeting_for(request, pk)
    if not rules.may_run(request.user, meeting):
        raise Http404
    qr = link = ""
    if meeting.status == MeetingStatus.OPEN and meeting.signin_code:
        link = _signin_url(request, meeting)
        qr = segno.make(link, error="m").svg_inline(scale=8, dark="#000", light="#fff")
    if request.GET.get("format") == "json":
        return JsonResponse({"count": rules.attendance_count(meeting), "status": meeting.status})
    response = render(request, "deliberation/meeting_signin_screen.html", {
        "meeting": meeting, "qr": qr, "link": link, "count": rules.attendance_count(meeting)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def signin(request, pk):
    """A participant signs in with the code shown in the room (typed, or filled from the QR link)."""
    meeting = _meeting_for(request, pk)
    mine = Attendance.objects.filter(meeting=meeting, user=request.user).first()
    status = 200
    if request.method == "POST" and mine is None:
        try:
            mine = rules.sign_in(meeting, user=request.user, code=request.POST.get("code", "")[:20])
        except DomainError as error:
            _error(request, error)
            status = 400
        else:
            messages.success(request, _("You are signed in. Welcome!"))
            return redirect("deliberation:signin", pk=meeting.pk)
    return render(request, "deliberation/meeting_signin.html", {"meeting": meeting, "mine": mine}, status=status)


@login_required
@require_POST
def signin_behalf(request, pk):
    """A grid worker signs in a present resident without a phone (recorded as such, and by whom)."""
    meeting = _meeting_for(request, pk)
    person = User.objects.filter(pk=_pk(request.POST.get("user")), is_active=True).first()
    try:
        if person is None:
            # The same answer as for someone who does not take part: it tells nothing about accounts.
            raise DomainError(_("This person does not take part in this unit's meetings."), code="not_participant",
                              field="user")
        rules.sign_in(meeting, user=person, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Signed in on their behalf: %(name)s.") % {"name": person})
    return redirect(meeting)


# --- councils -------------------------------------------------------------------------------------

def _unit_for_council(request, code):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), code=code)
    if unit.level not in (Level.GRID, Level.COMMUNITY):
        raise Http404
    return unit


@login_required
@require_GET
def council(request, code):
    unit = _unit_for_council(request, code)
    council = Council.objects.visible_to(request.user).filter(unit=unit).first()
    members = (CouncilMember.objects.visible_to(request.user).filter(council=council).select_related("user", "organization")
               if council else CouncilMember.objects.none())
    staff = rules.may_run(request.user, unit=unit)
    today = timezone.localdate()
    return render(request, "deliberation/meeting_council.html", {
        "unit": unit, "council": council, "members": members, "staff": staff, "today": today,
        "seats": CouncilSeat.choices,
        "people": (User.objects.filter(is_active=True, role_assignments__units__in=Unit.objects.filter(
            under_codes_q("code", [unit.code]))).distinct().order_by("display_name")[:300] if staff else []),
        "organizations": PartyOrganization.objects.visible_to(request.user).filter(
            under_codes_q("unit__code", [unit.code])).order_by("name")[:100] if staff else [],
    })


@login_required
@require_POST
def council_member_add(request, code):
    unit = _unit_for_council(request, code)
    post = request.POST
    try:
        council_row = rules.council_for(unit, by=request.user)
        person = User.objects.filter(pk=_pk(post.get("user")), is_active=True).first()
        if person is None:
            raise DomainError(_("Choose the person."), code="required", field="user")
        if post.get("seat") not in CouncilSeat.values:
            raise DomainError(_("Choose the seat."), code="required", field="seat")
        organization = None
        if post.get("organization"):
            organization = PartyOrganization.objects.visible_to(request.user).filter(pk=_pk(post["organization"])).first()
        rules.add_council_member(council=council_row, seat=post["seat"], user=person, organization=organization,
                                 starts_on=_date(post.get("starts_on"), "starts_on"),
                                 ends_on=_date(post.get("ends_on"), "ends_on", required=False), by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Council member added."))
    return redirect("deliberation:council", code=unit.code)


@login_required
@require_POST
def council_member_end(request, pk):
    member = get_object_or_404(CouncilMember.objects.visible_to(request.user).select_related("council__unit"), pk=pk)
    try:
        rules.end_council_membership(member, ends_on=_date(request.POST.get("ends_on"), "ends_on"), by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Membership ended."))
    return redirect("deliberation:council", code=member.council.unit.code)


urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("meetings/schedule/", meeting_schedule, name="meeting_schedule"),
    path("meetings/series/", series_create, name="series_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/do/<slug:action>/", meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/items/", meeting_item_add, name="meeting_item_add"),
    path("meetings/items/<int:pk>/<slug:action>/", meeting_item_action, name="meeting_item_action"),
    path("meetings/<int:pk>/screen/", signin_screen, name="signin_screen"),
    path("meetings/<int:pk>/signin/", signin, name="signin"),
    path("meetings/<int:pk>/signin/behalf/", signin_behalf, name="signin_behalf"),
    path("councils/<str:code>/", council, name="council"),
    path("councils/<str:code>/members/", council_member_add, name="council_member_add"),
    path("councils/members/<int:pk>/end/", council_member_end, name="council_member_end"),
]
