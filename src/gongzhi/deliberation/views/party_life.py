"""Pages: party organizational life (三会一课) for secretaries, instructors and members.

- ``party_meetings``: the calendar of the organizations one follows (each cadence, last held,
  due or missed) and, for a party member, their organization's meetings and their own hours;
- ``party_behind``: the organizations behind schedule;
- ``party_organization``: one organization's calendar and meetings, and scheduling one;
- ``party_meeting``: one statutory meeting: members present or absent (with a reason),
  minutes, closing it as held;
- ``party_member_hours``: a member's attendance and study hours by year.

Views only parse and answer; the rules and every write are in services.party_life. Out of
scope answers 404 exactly like missing.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.errors import DomainError
from gongzhi.party.models import PartyMember, PartyOrganization

from ..models import Attendance, Meeting, MeetingFormat, MeetingStatus, Purpose
from ..services import party_life


def _visible_organizations(user):
    """Organizations whose 三会一课 pages ``user`` may open: those they follow, and a member's own."""
    member = party_life.member_of(user)
    own = Q(pk=member.organization_id) if member else Q(pk__in=[])
    followed = party_life.overseen_organizations(user).values("pk")
    return PartyOrganization.objects.filter(Q(pk__in=followed) | own)


def _party_meetings(user):
    return Meeting.objects.visible_to(user).filter(format__purpose=Purpose.PARTY, organization__isnull=False)


@login_required
@require_GET
def party_meetings(request):
    today = timezone.localdate()
    orgs = party_life.overseen_organizations(request.user).select_related("unit", "secretary").order_by("unit__code", "name")
    page = Paginator(orgs, 30).get_page(request.GET.get("page"))
    calendar = party_life.due_and_missed(list(page), today)
    rows = [(org, calendar.get(org.pk, [])) for org in page]
    member = party_life.member_of(request.user)
    mine = []
    if member is not None:
        attendance = {a.meeting_id: a for a in Attendance.objects.filter(member=member)}
        for m in (Meeting.objects.filter(organization_id=member.organization_id, format__purpose=Purpose.PARTY)
                  .select_related("format").order_by("-starts_at")[:24]):
            mine.append((m, attendance.get(m.pk)))
    return render(request, "deliberation/party_meetings.html", {
        "page": page, "rows": rows, "member": member, "mine": mine, "today": today,
        "hours": party_life.study_hours(member, today.year) if member else None,
    })


@login_required
@require_GET
def party_behind(request):
    today = timezone.localdate()
    return render(request, "deliberation/party_behind.html", {
        "behind": party_life.behind_schedule(request.user, today), "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def party_organization(request, pk):
    org = get_object_or_404(_visible_organizations(request.user).select_related("unit", "secretary"), pk=pk)
    today = timezone.localdate()
    may_run = party_life.may_run(request.user, org)
    formats = MeetingFormat.objects.filter(cadences__organization_kind=org.kind, purpose=Purpose.PARTY).order_by("code")
    problem, status = "", 200
    if request.method == "POST":
        try:
            fmt = formats.filter(pk=_int(request.POST.get("format"))).first()
            if fmt is None:
                raise DomainError(_("Choose one of the statutory meetings (三会一课)."), field="format")
            starts_at = _local_datetime(request.POST.get("starts_at"))
            meeting = party_life.schedule_party_meeting(org, format=fmt, starts_at=starts_at, by=request.user,
                                                        title=request.POST.get("title") or None,
                                                        place=request.POST.get("place", ""))
        except DomainError as error:
            problem, status = error.text, 400
        else:
            messages.success(request, _("Meeting scheduled."))
            return redirect("deliberation:party_meeting", meeting.pk)
    meetings = Paginator(_party_meetings(request.user).filter(organization=org).select_related("format")
                         .order_by("-starts_at"), 30).get_page(request.GET.get("page"))
    return render(request, "deliberation/party_organization.html", {
        "org": org, "cadences": party_life.due_and_missed([org], today).get(org.pk, []), "page": meetings,
        "may_run": may_run, "formats": formats, "problem": problem, "today": today,
    }, status=status)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _local_datetime(text):
    """A datetime-local field's value, in the site's time zone."""
    value = parse_datetime((text or "").strip()) if text else None
    if value is None:
        raise DomainError(_("Enter the date and time of the meeting."), field="starts_at")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@login_required
@require_http_methods(["GET", "POST"])
def party_meeting(request, pk):
    meeting = get_object_or_404(_party_meetings(request.user).select_related("format", "organization", "unit"), pk=pk)
    org = meeting.organization
    may_run = party_life.may_run(request.user, org)
    problem, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if not may_run:
                raise DomainError(_("Only the organization's secretary, its instructors and the staff above it record its meetings."))
            if action == "attendance":
                member = PartyMember.objects.filter(organization=org, pk=_int(request.POST.get("member"))).first()
                if member is None:
                    raise DomainError(_("Only members of the meeting's organization are marked here."), field="member")
                party_life.record_member_attendance(meeting, member=member, present=request.POST.get("present") == "yes",
                                                    absence_reason=request.POST.get("absence_reason", ""), by=request.user)
                messages.success(request, _("Attendance recorded."))
            elif action == "minutes":
                party_life.record_meeting_minutes(meeting, text=request.POST.get("minutes", ""), by=request.user)
                messages.success(request, _("Minutes saved."))
            elif action == "close":
                party_life.close_party_meeting(meeting, by=request.user)
                messages.success(request, _("The meeting is recorded as held."))
            else:
                raise DomainError(_("Unknown action."))
        except DomainError as error:
            problem, status = error.text, 400
        else:
            return redirect("deliberation:party_meeting", meeting.pk)
    marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting, member__isnull=False)}
    if may_run:
        rows = [(m, marks.get(m.pk)) for m in org.members.order_by("pk")]
    else:
        # A member sees their own mark, not the others' (absence reasons are personal).
        member = party_life.member_of(request.user)
        rows = [(member, marks.get(member.pk))] if member and member.organization_id == org.pk else []
    return render(request, "deliberation/party_meeting.html", {
        "meeting": meeting, "org": org, "rows": rows, "may_run": may_run, "problem": problem,
        "present": sum(1 for a in marks.values() if a.present), "absent": sum(1 for a in marks.values() if not a.present),
        "editable": may_run and meeting.status != MeetingStatus.CANCELLED,
    }, status=status)


@login_required
@require_GET
def party_member_hours(request, pk):
    member = get_object_or_404(party_life.visible_members(request.user).select_related("organization"), pk=pk)
    today = timezone.localdate()
    year = _int(request.GET.get("year")) or today.year
    if not 2000 <= year <= today.year + 1:
        raise Http404
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    rows = (Attendance.objects.filter(member=member, meeting__starts_at__gte=start, meeting__starts_at__lt=end)
            .select_related("meeting__format").order_by("meeting__starts_at"))
    return render(request, "deliberation/party_member_hours.html", {
        "member": member, "year": year, "rows": rows, "hours": party_life.study_hours(member, year),
        "years": list(range(today.year, today.year - 3, -1)),
    })


urlpatterns = [
    path("party/", party_meetings, name="party_meetings"),
    path("party/behind/", party_behind, name="party_behind"),
    path("party/organizations/<int:pk>/", party_organization, name="party_organization"),
    path("party/meetings/<int:pk>/", party_meeting, name="party_meeting"),
    path("party/members/<int:pk>/hours/", party_member_hours, name="party_member_hours"),
]
