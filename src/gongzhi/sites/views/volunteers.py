"""Pages for volunteers.

- ``volunteers`` (staff): the volunteers of one's scope with their confirmed hours this year;
  ``volunteer_new``: register one (a resident, an in-service party member with 双报到, a red
  partner); ``volunteer``: one volunteer, hours by month, services, teams;
  ``volunteer_statement``: the printable hour statement for a period.
- ``my_hours``: a volunteer on a phone: my services, report the minutes, my hours.
- ``teams``, ``team``: teams, their members and hours by month; staff or the leader add members.
- ``shifts``, ``shift_new``, ``shift``: shifts; the organizer assigns volunteers and confirms the
  actual minutes (``record_action``: report, confirm, no_show, cancel).

Every object is found through its model's visible_to (out of scope is 404 like missing); every
write goes through services.volunteers.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.text import query_text
from gongzhi.party.models import DualReport
from gongzhi.territory.models import Unit

from ..models import (SITE_STAFF_ROLES, OrganizationKind, RecordStatus, ServiceRecord, Session, Shift, Team,
                      TeamMembership, Volunteer, VolunteerKind)
from ..services import volunteers as rules

ACTIONS = ("report", "confirm", "no_show", "cancel")


def _int(value):
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _year_start():
    return timezone.localdate().replace(month=1, day=1)


def _staff_units(user):
    if user.is_superuser:
        return Unit.objects.order_by("code")
    from gongzhi.core.scoping import under_codes_q
    return Unit.objects.filter(under_codes_q("code", user.scope_codes(SITE_STAFF_ROLES))).order_by("code")


def _unit_from(request, user):
    """The unit code in the form, among the units the user is staff of (anything else is none)."""
    code = (request.POST.get("unit") or "").strip()
    unit = _staff_units(user).filter(code=code).first() if code.isascii() and code.isdigit() else None
    if unit is None:
        raise DomainError(_("Choose a unit of your scope."), code="unit", field="unit")
    return unit


def _with_minutes(volunteers, since):
    return volunteers.annotate(confirmed_minutes=Sum(
        "records__actual_minutes", filter=Q(records__status=RecordStatus.CONFIRMED, records__on__gte=since)))


# --- volunteers -------------------------------------------------------------------------------

@login_required
@require_GET
def volunteers(request):
    if not request.user.holds(SITE_STAFF_ROLES):
        raise Http404
    found = Volunteer.objects.visible_to(request.user).select_related("unit")
    kind = request.GET.get("kind", "")
    if kind in VolunteerKind.values:
        found = found.filter(kind=kind)
    q = query_text(request, "q", max_length=50, label=_("Name"))
    if q:
        found = found.filter(Q(name__icontains=q) | Q(skills__icontains=q))
    team = _int(request.GET.get("team"))
    if team:
        found = found.filter(memberships__team_id=team, memberships__until__isnull=True)
    since = _year_start()
    page = Paginator(_with_minutes(found, since).order_by("unit__code", "name", "pk"), 50).get_page(request.GET.get("page"))
    for v in page:
        v.hours = rules.hours(v.confirmed_minutes)
    return render(request, "sites/volunteers_list.html", {
        "page": page, "kind": kind, "kinds": VolunteerKind.choices, "q": q, "year": since.year,
        "teams": Team.objects.visible_to(request.user).filter(active=True).order_by("name")[:200], "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request):
    user = request.user
    if not user.holds(SITE_STAFF_ROLES):
        raise Http404
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            unit = _unit_from(request, user)
            kind = request.POST.get("kind", "")
            if kind == "partner_new":
                partner = rules.register_red_partner(
                    unit=unit, name=request.POST.get("name", ""), kind=request.POST.get("partner_kind", ""),
                    joined_on=_day(request.POST.get("joined_on")) or timezone.localdate(), by=user,
                    services=request.POST.get("skills", ""), contact_name=request.POST.get("contact_name", ""),
                    contact_phone=request.POST.get("contact_phone", ""))
                volunteer = partner.volunteer
            else:
                member = None
                if kind == VolunteerKind.PARTY_MEMBER:
                    report = DualReport.objects.visible_to(user).select_related("member").filter(
                        pk=_int(request.POST.get("dual_report"))).first()
                    if report is None:
                        raise DomainError(_("Choose the party member."), code="member", field="member")
                    member = report.member
                volunteer = rules.register_volunteer(kind=kind, unit=unit, by=user, name=request.POST.get("name") or None,
                                                     member=member, skills=request.POST.get("skills", ""))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Volunteer registered."))
            return redirect("sites:volunteer", pk=volunteer.pk)
    reports = (DualReport.objects.visible_to(user).filter(member__volunteer__isnull=True)
               .select_related("member", "grid").order_by("member__name")[:300])
    return render(request, "sites/volunteers_new.html", {
        "units": _staff_units(user)[:300], "reports": reports, "partner_kinds": OrganizationKind.choices, "form": form})


@login_required
@require_GET
def volunteer(request, pk):
    found = get_object_or_404(Volunteer.objects.visible_to(request.user).select_related("unit", "member", "partner", "user"),
                              pk=pk)
    records = ServiceRecord.objects.filter(volunteer=found)
    since = _year_start()
    return render(request, "sites/volunteers_detail.html", {
        "volunteer": found, "months": [(m, rules.hours(mins), n) for m, mins, n in rules.minutes_by_month(records, since=since)],
        "year_hours": rules.hours(rules.total_minutes(records, since=since)),
        "all_hours": rules.hours(rules.total_minutes(records)),
        "records": records.select_related("shift", "team").order_by("-on", "-id")[:100],
        "memberships": found.memberships.select_related("team").order_by("-since"),
        "year": since.year, "today": timezone.localdate(),
    })


@login_required
@require_GET
def volunteer_statement(request, pk):
    found = get_object_or_404(Volunteer.objects.visible_to(request.user).select_related("unit"), pk=pk)
    today = timezone.localdate()
    since = _day(request.GET.get("since")) or today.replace(month=1, day=1)
    until = _day(request.GET.get("until")) or today
    try:
        paper = rules.statement(found, since=since, until=until)
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("sites:volunteer", pk=found.pk)
    for r in paper["records"]:
        r.hours = rules.hours(r.actual_minutes)
    return render(request, "sites/volunteers_statement.html", paper)


@login_required
@require_GET
def my_hours(request):
    mine = Volunteer.objects.filter(Q(user=request.user) | Q(member__account=request.user)).select_related("unit").first()
    context = {"volunteer": mine}
    if mine is not None:
        records = ServiceRecord.objects.filter(volunteer=mine)
        since = _year_start()
        context.update({
            "year": since.year, "year_hours": rules.hours(rules.total_minutes(records, since=since)),
            "months": [(m, rules.hours(mins), n) for m, mins, n in rules.minutes_by_month(records, since=since)],
            "open": records.filter(status__in=[RecordStatus.SCHEDULED, RecordStatus.REPORTED])
                           .select_related("shift").order_by("on", "id")[:50],
            "done": records.exclude(status__in=[RecordStatus.SCHEDULED, RecordStatus.REPORTED]).order_by("-on", "-id")[:50],
        })
    return render(request, "sites/volunteers_mine.html", context)


# --- the hours ledger -----------------------------------------------------------------------------

@login_required
@require_GET
def service_records(request):
    """Volunteer hours (服务记录) through their filter set, the one their export uses (decision 83):
    the cockpit's volunteer-hours figure opens it for a unit and a month, and the confirmed hours
    of the rows shown add up to the figure."""
    from gongzhi.core import plugins

    from ..filters import ServiceRecordFilterSet

    user = request.user
    if not (user.is_superuser or user.holds(SITE_STAFF_ROLES)):
        raise Http404
    base = ServiceRecord.objects.visible_to(user).select_related("volunteer", "unit", "team")
    filterset = ServiceRecordFilterSet(request.GET or None, queryset=base)
    found = filterset.qs if not filterset.is_bound or filterset.is_valid() else base.none()
    confirmed = found.filter(status=RecordStatus.CONFIRMED).aggregate(m=Sum("actual_minutes"))["m"] or 0
    page = Paginator(found.order_by("-on", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = plugins.exports().get("volunteer_hours")
    return render(request, "sites/volunteers_records.html", {
        "page": page, "filter": filterset, "query": query.urlencode(), "confirmed_hours": round(confirmed / 60, 1),
        "confirmed_minutes": confirmed, "may_export": bool(export and export.may_run(user)),
    })


# --- teams --------------------------------------------------------------------------------------

@login_required
@require_GET
def teams(request):
    found = Team.objects.visible_to(request.user).filter(active=True).select_related("unit", "leader")
    q = query_text(request, "q", max_length=50, label=_("Name"))
    if q:
        found = found.filter(name__icontains=q)
    page = Paginator(found.order_by("unit__code", "name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "sites/volunteers_teams.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def team(request, pk):
    found = get_object_or_404(Team.objects.visible_to(request.user).select_related("unit", "leader", "organization"), pk=pk)
    if request.method == "POST":
        member = Volunteer.objects.visible_to(request.user).filter(pk=_int(request.POST.get("volunteer"))).first()
        try:
            if member is None:
                raise DomainError(_("Choose a volunteer of your scope."), code="volunteer", field="volunteer")
            rules.join_team(found, member, by=request.user)
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Added to the team."))
        return redirect("sites:team", pk=found.pk)
    since = _year_start()
    records = ServiceRecord.objects.filter(team=found)
    may_add = rules.leads_or_staff(request.user, found, found.unit)
    members = (TeamMembership.objects.filter(team=found, until__isnull=True).select_related("volunteer")
               .order_by("volunteer__name"))
    return render(request, "sites/volunteers_team.html", {
        "team": found, "members": members, "year": since.year,
        "year_hours": rules.hours(rules.total_minutes(records, since=since)),
        "months": [(m, rules.hours(mins), n) for m, mins, n in rules.minutes_by_month(records, since=since)],
        "shifts": found.shifts.order_by("-starts_at")[:20], "may_add": may_add,
        "candidates": (Volunteer.objects.visible_to(request.user).exclude(memberships__team=found, memberships__until__isnull=True)
                       .order_by("name")[:300]) if may_add else [],
    })


# --- shifts ---------------------------------------------------------------------------------------

@login_required
@require_GET
def shifts(request):
    found = Shift.objects.visible_to(request.user).select_related("unit", "team").distinct()
    when = request.GET.get("when", "coming")
    now = timezone.now()
    found = found.filter(ends_at__gte=now).order_by("starts_at") if when == "coming" else found.filter(
        ends_at__lt=now).order_by("-starts_at")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "sites/volunteers_shifts.html", {"page": page, "when": when,
                                                            "may_create": request.user.holds(SITE_STAFF_ROLES)
                                                            or Team.objects.filter(leader=request.user).exists()})


@login_required
@require_http_methods(["GET", "POST"])
def shift_new(request):
    user = request.user
    led = Team.objects.visible_to(user).filter(leader=user)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            team_pk = _int(request.POST.get("team"))
            chosen = Team.objects.visible_to(user).select_related("unit").filter(pk=team_pk).first() if team_pk else None
            if team_pk and chosen is None:
                raise DomainError(_("Choose a team of your scope."), code="team", field="team")
            if request.POST.get("unit"):
                unit = _unit_from(request, user)
            elif chosen is not None:
                unit = chosen.unit
            else:
                raise DomainError(_("Choose a unit of your scope."), code="unit", field="unit")
            session = None
            if request.POST.get("session"):
                session = Session.objects.visible_to(user).select_related("activity__unit").filter(
                    pk=_int(request.POST.get("session"))).first()
                if session is None:
                    raise DomainError(_("Choose a session of your scope."), code="session", field="session")
            starts_at = _local(request.POST.get("starts_at"))
            ends_at = _local(request.POST.get("ends_at"))
            created = rules.create_shift(unit=unit, title=request.POST.get("title", ""), starts_at=starts_at, ends_at=ends_at,
                                         by=user, team=chosen, session=session, places=_int(request.POST.get("places")) or 0)
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Shift created."))
            return redirect("sites:shift", pk=created.pk)
    teams_offered = Team.objects.visible_to(user).filter(active=True).order_by("name")
    if not user.holds(SITE_STAFF_ROLES):
        teams_offered = led
    # Opened from an activity's session: the shift is at that session, at its times.
    at_session = Session.objects.visible_to(user).select_related("activity").filter(pk=_int(request.GET.get("session"))).first()
    return render(request, "sites/volunteers_shift_new.html", {
        "session": at_session,
        "units": _staff_units(user)[:300] if user.holds(SITE_STAFF_ROLES) else [], "teams": teams_offered[:300], "form": form})


def _day(text):
    """A date typed in, or None; a well-formed impossible one (30 February) is none too, not a 500."""
    try:
        return parse_date((text or "").strip()[:10])
    except ValueError:
        return None


def _local(text):
    try:
        value = parse_datetime((text or "").strip()[:30])
    except ValueError:  # well formed but no such moment: the rule then asks for the times
        return None
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@login_required
@require_http_methods(["GET", "POST"])
def shift(request, pk):
    found = get_object_or_404(Shift.objects.visible_to(request.user).select_related("unit", "team", "team__leader",
                                                                                     "session__activity"), pk=pk)
    organizer = rules.organizes(request.user, found)
    if request.method == "POST":
        candidate = Volunteer.objects.visible_to(request.user).filter(pk=_int(request.POST.get("volunteer"))).first()
        try:
            if candidate is None:
                raise DomainError(_("Choose a volunteer of your scope."), code="volunteer", field="volunteer")
            rules.assign(found, candidate, by=request.user)
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Volunteer assigned."))
        return redirect("sites:shift", pk=found.pk)
    records = found.records.select_related("volunteer", "confirmed_by").order_by("volunteer__name", "id")
    if not organizer:
        # A volunteer sees their own line, not the others' (who did what is the organizer's record).
        records = records.filter(Q(volunteer__user=request.user) | Q(volunteer__member__account=request.user))
    for r in records:
        r.mine = rules.is_the_volunteer(request.user, r.volunteer)
    live = found.records.filter(status__in=rules.LIVE_STATUSES).count()
    return render(request, "sites/volunteers_shift.html", {
        "shift": found, "records": records, "organizer": organizer, "live": live, "started": found.starts_at <= timezone.now(),
        "candidates": (Volunteer.objects.visible_to(request.user).exclude(records__shift=found, records__status__in=rules.LIVE_STATUSES)
                       .order_by("name")[:300]) if organizer else [],
    })


@login_required
@require_POST
def record_action(request, pk, action):
    record = get_object_or_404(ServiceRecord.objects.visible_to(request.user).select_related(
        "volunteer", "volunteer__member", "shift", "shift__team", "team", "unit"), pk=pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "report":
            rules.report_minutes(record, actual_minutes=request.POST.get("minutes"), by=request.user)
        elif action == "confirm":
            rules.confirm(record, by=request.user, actual_minutes=(request.POST.get("minutes") or "").strip() or None)
        elif action == "no_show":
            rules.mark_no_show(record, by=request.user)
        else:
            rules.cancel_record(record, by=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Saved."))
    nxt = request.POST.get("next", "")
    if nxt == "mine":
        return redirect("sites:my_hours")
    if record.shift_id:
        return redirect("sites:shift", pk=record.shift_id)
    return redirect("sites:volunteer", pk=record.volunteer_id)


urlpatterns = [
    path("volunteers/", volunteers, name="volunteers"),
    path("volunteers/new/", volunteer_new, name="volunteer_new"),
    path("volunteers/mine/", my_hours, name="my_hours"),
    path("volunteers/<int:pk>/", volunteer, name="volunteer"),
    path("volunteers/<int:pk>/statement/", volunteer_statement, name="volunteer_statement"),
    path("teams/", teams, name="teams"),
    path("teams/<int:pk>/", team, name="team"),
    path("shifts/", shifts, name="shifts"),
    path("shifts/new/", shift_new, name="shift_new"),
    path("shifts/<int:pk>/", shift, name="shift"),
    path("service-records/", service_records, name="service_records"),
    path("service-records/<int:pk>/<str:action>/", record_action, name="record_action"),
]
