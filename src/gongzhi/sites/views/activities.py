"""Pages: activities — find one (by kind, date, site; phone-first), an activity's page (sessions,
sign up, cancel, waiting-list position, person-times), staff forms (create, edit, add a session),
a session's page (check in with the door's code; staff open/close, record a resident's check-in),
the door's screen (big code and QR), and the iCalendar feeds (a site's, public; one's own, by a
secret address).

Views parse and answer; every rule is in services.activities. Every activity and session is
looked up through ``visible_to(user)``: out of scope answers 404 exactly like missing.
"""
import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.territory.models import Level, Resident, Unit

from ..models import (
    SITE_STAFF_ROLES, Activity, ActivityKind, ActivityStatus, CalendarFeed, CheckIn, Session, SessionStatus, Signup,
    SignupStatus, Site, person_q,
)
from ..services import activities as rules
from ..services.people import may_act_for

PAGE_SIZE = 30
CHOICES_LIMIT = 300


def _pk(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _activity_for(request, pk):
    return get_object_or_404(Activity.objects.visible_to(request.user).select_related("unit", "site", "room", "team"), pk=pk)


def _session_for(request, pk):
    return get_object_or_404(Session.objects.visible_to(request.user).select_related(
        "activity", "activity__unit", "activity__site", "activity__team"), pk=pk)


def _local_datetime(value, field="starts_at"):
    try:
        parsed = parse_datetime((value or "").strip()[:30]) if value else None
    except ValueError:  # well formed but no such moment (30 February): the same message as nonsense
        parsed = None
    if parsed is None:
        raise DomainError(_("Give the date and time the session starts."), code="invalid", field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _date(value, field, required=False):
    try:
        parsed = parse_date((value or "").strip()[:10]) if value else None
    except ValueError:
        parsed = None
    if parsed is None and (required or value):
        raise DomainError(_("Give a date as YYYY-MM-DD."), code="invalid", field=field)
    return parsed


def _number(value, field, default):
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or len(value) > 6:
        raise DomainError(_("%(field)s must be a whole number."), code="invalid", field=field, params={"field": field})
    return int(value)


def _staff_units(user):
    units = Unit.objects.filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID]).order_by("code")
    if not user.is_superuser:
        units = units.filter(under_codes_q("code", user.scope_codes(SITE_STAFF_ROLES)))
    return units


def _is_staff(user):
    return user.is_authenticated and user.holds(SITE_STAFF_ROLES)


def _acting_for(user):
    """Residents this account may sign up on behalf of: those linked to it (relatives, carers)."""
    return Resident.objects.filter(links__user=user).exclude(links__relation="self").order_by("name")[:50]


# --- the list --------------------------------------------------------------------------------

@login_required
@require_GET
def activity_list(request):
    """Upcoming sessions of published activities (phone-first), by kind, day and site."""
    user, now = request.user, timezone.now()
    kind = request.GET.get("kind", "")
    site_pk = _pk(request.GET.get("site"))
    try:
        day = _date(request.GET.get("day"), "day")
        # Sessions lie within the services' horizon; a day beyond it (9999-12-31, whose next day
        # overflows) lists nothing anyway: the same message as a date that is no date.
        if day and abs(day - timezone.localdate()).days > rules.SESSION_HORIZON_DAYS:
            raise DomainError(_("Give a date as YYYY-MM-DD."), code="invalid", field="day")
    except DomainError as error:
        messages.error(request, error.text)
        day = None
    found = (Session.objects.visible_to(user).filter(activity__status=ActivityStatus.PUBLISHED,
                                                   status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN])
             .select_related("activity", "activity__site").order_by("starts_at", "pk"))
    if kind in ActivityKind.values:
        found = found.filter(activity__kind=kind)
    if site_pk:
        found = found.filter(activity__site_id=site_pk)
    if day:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        found = found.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
    else:
        found = found.filter(ends_at__gte=now)
        # One enrols in a course once: list its next lesson only, not every week of it.
        earlier = Session.objects.filter(activity=OuterRef("activity"), status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN],
                                         ends_at__gte=now, starts_at__lt=OuterRef("starts_at"))
        found = found.exclude(Q(activity__kind=ActivityKind.COURSE) & Exists(earlier))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    sites = Site.objects.visible_to(user).filter(active=True, activities__isnull=False).distinct().order_by("name")[:100]
    staff_list, filterset, query = None, None, ""
    if _is_staff(user):
        # The activities ledger's own filter set over its own base: the list and the export agree.
        from gongzhi.core import plugins

        from ..exports import of_my_units
        from ..filters import ActivityFilterSet

        params = request.GET.copy()
        for own in ("page", "site", "day"):
            params.pop(own, None)
        filterset = ActivityFilterSet(params, queryset=of_my_units(user))
        staff_list = (filterset.qs if filterset.is_valid() else Activity.objects.none()).order_by("-created_at", "-pk")[:50]
        export = plugins.exports().get("activities")
        query = params.urlencode() if export and export.may_run(user) else None
    return render(request, "sites/activities_list.html", {
        "page": page, "kinds": ActivityKind.choices, "kind": kind, "sites": sites, "site_pk": site_pk,
        "filter": filterset, "query": query,
        "day": day, "staff": _is_staff(user), "mine": staff_list,
    })


# --- creating and editing (staff) -------------------------------------------------------------

def _activity_fields(request, user):
    post = request.POST
    site = None
    if post.get("site"):
        site = Site.objects.visible_to(user).filter(pk=_pk(post["site"])).first()
        if site is None:
            raise DomainError(_("Choose a site of your district."), code="invalid", field="site")
    room = site.rooms.filter(pk=_pk(post.get("room"))).first() if site and post.get("room") else None
    return dict(kind=post.get("kind", ""), title=post.get("title", ""), description=post.get("description", ""),
                site=site, room=room, capacity=_number(post.get("capacity"), "capacity", 30),
                signup_closes_hours=_number(post.get("signup_closes_hours"), "signup_closes_hours", 2),
                recurrence=post.get("recurrence", "").strip()[:100],
                starts_on=_date(post.get("starts_on"), "starts_on"), ends_on=_date(post.get("ends_on"), "ends_on"),
                duration_minutes=_number(post.get("duration_minutes"), "duration_minutes", 90),
                birthday_month_only=post.get("birthday_month_only") == "on",
                status=post.get("status") or ActivityStatus.PUBLISHED)


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    user = request.user
    if not _is_staff(user):
        raise Http404
    if request.method == "POST":
        try:
            unit = _staff_units(user).filter(pk=_pk(request.POST.get("unit"))).first()
            if unit is None:
                raise DomainError(_("Choose the unit the activity belongs to."), code="required", field="unit")
            activity = rules.create_activity(unit=unit, by=user, **_activity_fields(request, user))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Activity created."))
            return redirect(activity)
    return render(request, "sites/activity_form.html", {
        "units": _staff_units(user)[:CHOICES_LIMIT], "kinds": ActivityKind.choices, "statuses": ActivityStatus.choices,
        "sites": Site.objects.visible_to(user).filter(active=True).order_by("name")[:CHOICES_LIMIT], "post": request.POST,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def activity_edit(request, pk):
    activity = _activity_for(request, pk)
    post = request.POST
    try:
        changes = {name: post[name] for name in ("title", "description", "status") if name in post}
        for name in ("capacity", "signup_closes_hours"):
            if post.get(name, "").strip():
                changes[name] = _number(post[name], name, 0)
        rules.update_activity(activity, by=request.user, **changes)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Saved."))
    return redirect(activity)


@login_required
@require_POST
def session_add(request, pk):
    activity = _activity_for(request, pk)
    try:
        rules.add_session(activity, starts_at=_local_datetime(request.POST.get("starts_at")), by=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Session added."))
    return redirect(activity)


# --- one activity -----------------------------------------------------------------------------

@login_required
@require_GET
def activity_detail(request, pk):
    activity = _activity_for(request, pk)
    user, now = request.user, timezone.now()
    staff = rules.may_run(user, activity)
    sessions = list(Session.objects.filter(activity=activity, ends_at__gte=now - datetime.timedelta(days=1))
                    .annotate(confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)))
                    .order_by("starts_at", "pk")[:60])
    mine = list(Signup.objects.filter(person_q(user), activity=activity).live().select_related("session", "resident")
                .order_by("created_at", "pk"))
    for s in mine:
        s.position = rules.waitlist_position(s)
    context = {
        "activity": activity, "sessions": sessions, "mine": mine, "staff": staff, "now": now,
        "person_times": rules.person_times(activity), "places_left": rules.places_left(activity, sessions[0]) if (
            activity.enrols_per_course or sessions) else None,
        "closes_at": rules.closes_at(activity, now=now) if activity.enrols_per_course else None,
        "for_whom": _acting_for(user),
        "rule": _described(activity.recurrence),
    }
    if staff:
        context["signups"] = (Signup.objects.filter(activity=activity).live().select_related("session", "resident", "user",
                                                                                             "recorded_by")
                              .order_by("session__starts_at", "status", "created_at", "pk")[:500])
        context["statuses"] = ActivityStatus.choices
    return render(request, "sites/activity_detail.html", context)


def _described(text):
    from gongzhi.deliberation import recurrence

    if not text:
        return ""
    try:
        return recurrence.describe(text)
    except DomainError:
        return text


@login_required
@require_POST
def activity_signup(request, pk):
    """Sign up oneself (or a linked resident / a resident of one's grid) for the course or a session."""
    activity = _activity_for(request, pk)
    post = request.POST
    try:
        session = None
        if post.get("session"):
            session = Session.objects.filter(activity=activity, pk=_pk(post["session"])).first()
            if session is None:
                raise DomainError(_("Choose the session to sign up for."), code="required", field="session")
        signup = rules.sign_up(activity, by=request.user, session=session,
                               resident=_resident(request.user, post.get("resident") or post.get("resident_id")))
    except DomainError as error:
        messages.error(request, error.text)
    else:
        if signup.status == SignupStatus.CONFIRMED:
            messages.success(request, _("You have a place."))
        else:
            messages.warning(request, _("Full: you are number %(n)d on the waiting list.") % {
                "n": rules.waitlist_position(signup)})
    return redirect(activity)


def _resident(user, value):
    """The resident chosen in a form, if ``user`` may act for them (else the same refusal as missing)."""
    if not value:
        return None
    resident = Resident.objects.filter(pk=_pk(value)).first()
    if resident is None or not may_act_for(user, resident):
        raise DomainError(_("No such resident."), code="not_found", field="resident")
    return resident


@login_required
@require_POST
def signup_cancel(request, pk):
    signup = get_object_or_404(Signup.objects.visible_to(request.user).select_related("activity", "resident"), pk=pk)
    try:
        rules.cancel_signup(signup, by=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Cancelled."))
    return redirect("sites:activity", pk=signup.activity_id)


# --- one session: check-in ---------------------------------------------------------------------

def _checkin_url(request, session):
    # The code travels in the fragment (#code=…): a browser never sends it to the server, so it is
    # in no access log, yet the page fills the field from it.
    return request.build_absolute_uri(reverse("sites:session", args=[session.pk])) + f"#code={session.checkin_code}"


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    """A participant checks in with the door's code (typed, or filled from the QR link); staff run
    the session from here."""
    session = _session_for(request, pk)
    user, activity = request.user, session.activity
    mine = CheckIn.objects.filter(session=session, user=user).first()
    status = 200
    if request.method == "POST" and mine is None:
        try:
            mine = rules.check_in(session, by=user, code=request.POST.get("code", "")[:20])
        except DomainError as error:
            messages.error(request, error.text)
            status = 400
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("sites:session", pk=session.pk)
    staff = rules.may_run(user, activity)
    context = {"session": session, "activity": activity, "mine": mine, "staff": staff,
               "count": CheckIn.objects.filter(session=session).count()}
    if staff:
        context["checkins"] = CheckIn.objects.filter(session=session).select_related("resident", "user", "recorded_by")[:500]
        context["expected"] = (Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED)
                               .filter(Q(session=session) if not activity.enrols_per_course else Q(session__isnull=True))
                               .exclude(resident__isnull=True)
                               .exclude(resident__in=CheckIn.objects.filter(session=session, resident__isnull=False)
                                        .values("resident"))
                               .select_related("resident")[:500])
    return render(request, "sites/session_detail.html", context, status=status)


SESSION_ACTIONS = ("open", "close", "cancel")


@login_required
@require_POST
def session_action(request, pk, action):
    session = _session_for(request, pk)
    if action not in SESSION_ACTIONS:
        raise Http404
    try:
        if action == "open":
            rules.open_checkin(session, by=request.user)
            messages.success(request, _("Check-in is open: show the screen at the door."))
        elif action == "close":
            rules.close_session(session, by=request.user)
            messages.success(request, _("The session is recorded as held."))
        else:
            rules.cancel_session(session, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The session is cancelled; those signed up are told."))
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("sites:session", pk=session.pk)


@login_required
@require_POST
def session_checkin_record(request, pk):
    """Staff check in a present resident (from the list of those with a place, or any resident of
    their grid at an activity without a limit)."""
    session = _session_for(request, pk)
    try:
        if not rules.may_run(request.user, session.activity):
            raise DomainError(_("Only the staff of this activity's unit may do this."), code="forbidden")
        resident = _resident(request.user, request.POST.get("resident"))
        rules.check_in(session, by=request.user, resident=resident)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Checked in."))
    return redirect("sites:session", pk=session.pk)


@login_required
@require_GET
def session_screen(request, pk):
    """The door's screen: the big code, its QR code and the live count."""
    session = _session_for(request, pk)
    if not rules.may_run(request.user, session.activity):
        raise Http404
    count = CheckIn.objects.filter(session=session).count()
    if request.GET.get("format") == "json":
        return JsonResponse({"count": count, "status": session.status})
    qr = link = ""
    if session.status == SessionStatus.OPEN and session.checkin_code:
        link = _checkin_url(request, session)
        qr = segno.make(link, error="m").svg_inline(scale=8, dark="#000", light="#fff")
    response = render(request, "sites/session_screen.html", {"session": session, "qr": qr, "link": link, "count": count})
    response["Cache-Control"] = "no-store"
    return response


# --- iCalendar -----------------------------------------------------------------------------------

def _ics(request, sessions, name):
    text = rules.calendar_text(sessions, name=name, host=request.get_host().split(":")[0] or "gongzhi",
                               url_of=lambda s: request.build_absolute_uri(reverse("sites:activity", args=[s.activity_id])))
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def site_calendar(request, pk):
    """A site's published activities, for calendar apps (which cannot sign in): public on purpose,
    with no personal data in it (decision 54)."""
    site = get_object_or_404(Site.objects.filter(active=True), pk=pk)
    return _ics(request, rules.site_sessions(site), site.name)


@require_GET
def person_calendar(request, token):
    """One's own sign-ups, at a secret address (no sign-in: a calendar app fetches it)."""
    feed = CalendarFeed.objects.filter(token=token[:43]).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    response = _ics(request, rules.person_sessions(feed.user), _("My activities"))
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request):
    """The address of one's personal feed, and a button to make a new one (the old stops working)."""
    if request.method == "POST":
        rules.reset_feed(request.user)
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("sites:my_calendar")
    feed = rules.feed_for(request.user)
    link = request.build_absolute_uri(reverse("sites:person_calendar", args=[feed.token]))
    response = render(request, "sites/my_calendar.html", {"link": link})
    response["Cache-Control"] = "no-store"
    return response


# --- person-times --------------------------------------------------------------------------------

@login_required
@require_GET
def checkins(request):
    """Person-times (人次) through their filter set: the cockpit's activity person-times figure opens
    it for a unit and a month, and the number of rows is the figure."""
    from ..filters import CheckInFilterSet

    user = request.user
    if not (user.is_superuser or _is_staff(user)):
        raise Http404
    base = (CheckIn.objects.visible_to(user)
            .select_related("session__activity__unit", "resident", "user", "recorded_by"))
    filterset = CheckInFilterSet(request.GET or None, queryset=base)
    found = filterset.qs if not filterset.is_bound or filterset.is_valid() else base.none()
    page = Paginator(found.order_by("-session__starts_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sites/checkins.html", {"page": page, "filter": filterset, "query": query.urlencode()})


urlpatterns = [
    path("activities/", activity_list, name="activities"),
    path("activities/check-ins/", checkins, name="checkins"),
    path("activities/new/", activity_new, name="activity_new"),
    path("activities/<int:pk>/", activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:pk>/sessions/", session_add, name="session_add"),
    path("activities/<int:pk>/signup/", activity_signup, name="activity_signup"),
    path("activities/signups/<int:pk>/cancel/", signup_cancel, name="signup_cancel"),
    path("activities/sessions/<int:pk>/", session_detail, name="session"),
    path("activities/sessions/<int:pk>/do/<slug:action>/", session_action, name="session_action"),
    path("activities/sessions/<int:pk>/checkin/", session_checkin_record, name="session_checkin_record"),
    path("activities/sessions/<int:pk>/screen/", session_screen, name="session_screen"),
    path("activities/sites/<int:pk>/calendar.ics", site_calendar, name="site_calendar"),
    path("calendar/", my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", person_calendar, name="person_calendar"),
]
