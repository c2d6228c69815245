"""Pages: care for older residents.

- ``elders``: the care registry of one's scope, masked (care staff may narrow it by one tag; each
  profile such a list shows is logged as a view, decision 56); ``elder_new`` registers one.
- ``elder``: one profile, masked, with its home services; ``elder_reveal`` (POST only, so the
  data is never in a URL) shows it in full and logs the view; ``elder_edit`` changes it.
- ``home_services`` / ``home_service_new`` / ``home_service``: raise a request (the resident, a
  relative or the grid worker, phone-first), see it, and the moves (match with the suggested
  volunteers and their reasons, done, confirm, cancel) as separate POSTs.
- ``care_checkin``: the site's staff check residents in for a meal or a day-care day on a tablet.
- ``resident_links``: staff link an account to a resident (own, relative, carer).

Every row is found through the model's visible_to; out of scope answers 404 like missing.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import query_text, refuse_unstorable
from gongzhi.people.models import User
from gongzhi.territory.models import CODE_LENGTH, AccountRelation, Level, Resident, ResidentLink

from ..models import (RESIDENT_GRID, CareCheckIn, CareCheckInKind, CareTag, ElderProfile, HomeServiceKind,
                      HomeServiceRequest, HomeServiceStatus, Site, Team, Volunteer)
from ..services import care as rules

PAGE_SIZE = 50


def _int(value):
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _days(form, *, default):
    """The visit period typed in; not a whole number gives -1, which the rule refuses with its message."""
    text = form.get("visit_every_days", "")
    if not str(text).strip():
        return default
    found = _int(text)
    return -1 if found is None else found


def _date(value, field):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise DomainError(_("Give a date as YYYY-MM-DD."), code=field, field=field)


def visible_elder(user, pk):
    return get_object_or_404(ElderProfile.objects.visible_to(user).select_related(
        "resident__household__building__estate__grid"), pk=pk)


def visible_request(user, pk):
    return get_object_or_404(HomeServiceRequest.objects.visible_to(user).select_related(
        "elder__resident__household__building__estate__grid", "volunteer", "team", "raised_by"), pk=pk)


# --- the registry -----------------------------------------------------------------------------

@login_required
@require_GET
def elders(request):
    user = request.user
    found = ElderProfile.objects.visible_to(user).select_related("resident__household__building__estate__grid")
    q = query_text(request, "q", max_length=50, label=_("Name"))
    if q:
        found = found.filter(resident__name__contains=q)
    tag = request.GET.get("tag", "") if rules.may_filter_by_tag(user) else ""
    if tag:
        try:
            found = rules.filter_by_tag(found, tag, user=user)
        except DomainError as error:
            messages.error(request, error.text)
            tag = ""
    # Never sorted by tag: by resident, the registry's own order.
    page = Paginator(found.order_by("resident_id"), PAGE_SIZE).get_page(request.GET.get("page"))
    if tag:
        rules.log_listed(page.object_list, user=user)
    rows = [(p, rules.masked(p)) for p in page.object_list]
    return render(request, "sites/care_elders.html", {
        "page": page, "rows": rows, "q": q, "tag": tag, "tags": CareTag.choices if rules.may_filter_by_tag(user) else (),
        "may_register": user.is_superuser or user.holds(rules.CARE_ROLES),
    })


def _tags_from(form):
    return [t for t in form.getlist("tags") if t] if hasattr(form, "getlist") else []


@login_required
@require_http_methods(["GET", "POST"])
def elder_new(request):
    """Care staff register a resident of their scope (chosen by the ledger number shown on the resident's page)."""
    user = request.user
    if not (user.is_superuser or user.holds(rules.CARE_ROLES)):
        raise Http404
    form = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        resident = Resident.objects.visible_to(user).filter(pk=_int(form.get("resident")) or 0).first()
        try:
            if resident is None:
                raise DomainError(_("No such resident."), code="resident", field="resident")
            profile = rules.register_elder(
                resident, tags=_tags_from(form), by=user, emergency_contact=form.get("emergency_contact", ""),
                emergency_phone=form.get("emergency_phone", ""),
                visit_every_days=_days(form, default=30),
                notes=form.get("notes", ""))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Registered in the care registry."))
            return redirect("sites:elder", pk=profile.pk)
    resident = Resident.objects.visible_to(user).filter(pk=_int(form.get("resident")) or 0).first()
    return render(request, "sites/care_elder_new.html", {"form": form, "resident": resident, "tags": CareTag.choices},
                  status=400 if request.method == "POST" else 200)


def _elder_context(request, profile, full=None):
    user = request.user
    services = (HomeServiceRequest.objects.visible_to(user).filter(elder=profile)
                .select_related("volunteer", "team").order_by("-created_at")[:50])
    return {
        "elder": profile, "masked": rules.masked(profile), "full": full, "services": services,
        "is_staff": rules.serves(user, profile.resident), "may_request": rules.raised_as(user, profile.resident) is not None,
        "tags": CareTag.choices, "kinds": HomeServiceKind.choices,
    }


@login_required
@require_GET
def elder(request, pk):
    return render(request, "sites/care_elder.html", _elder_context(request, visible_elder(request.user, pk)))


@login_required
@require_POST
def elder_reveal(request, pk):
    """Show the tags and the emergency contact in full (a POST: never a link), and log it."""
    profile = visible_elder(request.user, pk)
    full = rules.reveal(profile, user=request.user, channel="page")
    response = render(request, "sites/care_elder.html", _elder_context(request, profile, full))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def elder_edit(request, pk):
    profile = visible_elder(request.user, pk)
    form = request.POST
    try:
        rules.update_elder(profile, by=request.user, tags=_tags_from(form),
                           emergency_contact=form.get("emergency_contact", ""),
                           emergency_phone=form.get("emergency_phone", ""),
                           visit_every_days=_days(form, default=None),
                           notes=form.get("notes", ""),
                           last_visited_on=_date(form.get("last_visited_on"), "last_visited_on"))
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Saved."))
    return redirect("sites:elder", pk=profile.pk)


# --- home services ----------------------------------------------------------------------------

@login_required
@require_GET
def home_services(request):
    """The requests one may see: staff's queue of their scope, a volunteer's, a family's."""
    found = (HomeServiceRequest.objects.visible_to(request.user)
             .select_related("elder__resident", "volunteer", "team").order_by("-created_at"))
    status = request.GET.get("status", "")
    if status in HomeServiceStatus.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = ElderProfile.objects.visible_to(request.user).filter(resident__in=ResidentLink.objects.filter(
        user=request.user).values("resident")).select_related("resident")
    return render(request, "sites/care_home_services.html", {
        "page": page, "status": status, "statuses": HomeServiceStatus.choices, "mine": mine,
    })


@login_required
@require_http_methods(["GET", "POST"])
def home_service_new(request, pk):
    """Ask for a home service for an older resident (phone-first)."""
    profile = visible_elder(request.user, pk)
    if rules.raised_as(request.user, profile.resident) is None:
        raise Http404
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            found = rules.request_home_service(elder=profile, kind=form.get("kind", ""), by=request.user,
                                               details=form.get("details", ""),
                                               wanted_on=_date(form.get("wanted_on"), "wanted_on"))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Requested. You will be told when someone is matched."))
            return redirect("sites:home_service", pk=found.pk)
    return render(request, "sites/care_home_service_new.html", {
        "elder": profile, "kinds": HomeServiceKind.choices, "form": form,
        "today": timezone.localdate()}, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def home_service(request, pk):
    found = visible_request(request.user, pk)
    may_match = found.status in rules.OPEN_STATES and rules.may_match(request.user, found)
    staff = rules.serves(request.user, found.elder.resident)
    team_members = ()
    if may_match and not staff and found.team_id:
        team_members = Volunteer.objects.filter(memberships__team_id=found.team_id, memberships__until__isnull=True,
                                                available=True).order_by("name")
    return render(request, "sites/care_home_service.html", {
        "service": found, "is_staff": staff,
        "suggestions": [(f"{'volunteer' if isinstance(h, Volunteer) else 'team'}:{h.pk}", h, d, r)
                        for h, d, r in rules.suggest_matches(found)] if may_match and staff else (),
        "team_members": team_members, "may_match": may_match,
        "may_mark_done": found.status == HomeServiceStatus.MATCHED and rules.may_mark_done(request.user, found),
        "may_confirm": found.status == HomeServiceStatus.DONE and rules.may_confirm(request.user, found),
        "may_cancel": found.status in rules.OPEN_STATES and rules.raised_as(request.user, found.elder.resident) is not None,
    })


def _move(request, pk, do, done_text):
    found = visible_request(request.user, pk)
    try:
        do(found)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, done_text)
    return redirect("sites:home_service", pk=found.pk)


@login_required
@require_POST
def home_service_match(request, pk):
    def do(found):
        volunteer = team = None
        helper = request.POST.get("helper", "")
        kind, _sep, helper_id = helper.partition(":")
        # Only helpers of the resident's district: another district's is no helper, like a missing one.
        zone = found.elder.resident.household.building.estate.grid.code[: CODE_LENGTH[Level.DISTRICT]]
        if kind == "volunteer":
            volunteer = Volunteer.objects.filter(pk=_int(helper_id) or 0, unit__code__startswith=zone).select_related(
                "unit").first()
        elif kind == "team":
            team = Team.objects.filter(pk=_int(helper_id) or 0, unit__code__startswith=zone).select_related("unit").first()
        if volunteer is None and team is None:
            raise DomainError(_("Choose one volunteer or one team."), code="helper", field="helper")
        rules.match(found, by=request.user, volunteer=volunteer, team=team)
    return _move(request, pk, do, _("Matched; they have been told."))


@login_required
@require_POST
def home_service_done(request, pk):
    return _move(request, pk, lambda found: rules.mark_done(found, by=request.user, note=request.POST.get("note", ""),
                                                            minutes=_int(request.POST.get("minutes"))),
                 _("Marked done; the family or the grid worker will confirm."))


@login_required
@require_POST
def home_service_confirm(request, pk):
    return _move(request, pk, lambda found: rules.confirm_service(found, by=request.user),
                 _("Confirmed. The volunteer's hours now count."))


@login_required
@require_POST
def home_service_cancel(request, pk):
    return _move(request, pk, lambda found: rules.cancel_home_service(found, by=request.user), _("Cancelled."))


# --- canteen and day-care check-ins -----------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def care_checkin(request, pk):
    """The site's staff find a resident by name and check them in (a tablet at the door)."""
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not rules.may_check_in_at(request.user, site):
        raise Http404
    kind = CareCheckInKind.MEAL if site.kind == "canteen" else CareCheckInKind.DAY_CARE
    today = timezone.localdate()
    if request.method == "POST":
        resident = (Resident.objects.visible_to(request.user)
                    .filter(pk=_int(request.POST.get("resident")) or 0).first())
        try:
            if resident is None:
                raise DomainError(_("No such resident."), code="resident", field="resident")
            rules.care_check_in(site, resident, kind=kind, by=request.user, meal=request.POST.get("meal", ""))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("%(name)s checked in.") % {"name": resident.name})
        return redirect(f"{request.path}?q={request.POST.get('q', '')[:50]}")
    q = query_text(request, "q", max_length=50, label=_("Name"))
    residents = ()
    if q:
        residents = (Resident.objects.visible_to(request.user).filter(name__contains=q)
                     .filter(under_codes_q(RESIDENT_GRID, [site.unit.code[: CODE_LENGTH[Level.DISTRICT]]])).order_by("name", "pk")[:20])
    checked = (CareCheckIn.objects.visible_to(request.user).filter(site=site, on=today)
               .select_related("resident").order_by("-at")[:200])
    return render(request, "sites/care_checkin.html", {
        "site": site, "kind": kind, "meals": list(rules.MEALS.items()), "q": q, "residents": residents,
        "checked": checked, "today": today,
    })


# --- accounts linked to residents -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def resident_links(request, pk):
    """Staff link an account to a resident after checking in person: own, relative or carer."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=pk)
    if not rules.serves(request.user, resident):
        raise Http404
    if request.method == "POST":
        try:
            remove = _int(request.POST.get("remove"))
            if remove:
                link = ResidentLink.objects.filter(resident=resident, pk=remove).first()
                if link is None:
                    raise DomainError(_("No such link."), code="link")
                rules.unlink_account(link, by=request.user)
                messages.success(request, _("Link removed."))
            else:
                # A NUL byte would reach PostgreSQL (which refuses it: a 500); it is a clear form error.
                username = refuse_unstorable(request.POST.get("username", "")[:150], field="username",
                                             label=_("account"))
                account = User.objects.filter(username=username, is_active=True).first()
                if account is None:
                    raise DomainError(_("No such account."), code="user", field="username")
                rules.link_account(resident, user=account, relation=request.POST.get("relation", ""), by=request.user)
                messages.success(request, _("Account linked."))
        except DomainError as error:
            messages.error(request, error.text)
        return redirect("sites:resident_links", pk=resident.pk)
    links = ResidentLink.objects.filter(resident=resident).select_related("user", "recorded_by").order_by("pk")
    profile = ElderProfile.objects.visible_to(request.user).filter(resident=resident).first()
    return render(request, "sites/care_links.html", {
        "resident": resident, "links": links, "relations": AccountRelation.choices, "elder": profile,
    })


@login_required
@require_GET
def my_care(request):
    """A resident's or relative's way in: the older residents they are linked to."""
    found = (ElderProfile.objects.visible_to(request.user)
             .filter(resident__in=ResidentLink.objects.filter(user=request.user).values("resident"))
             .select_related("resident").prefetch_related(Prefetch(
                 "home_services", queryset=HomeServiceRequest.objects.order_by("-created_at"))))
    return render(request, "sites/care_mine.html", {"elders": found})


urlpatterns = [
    path("care/", elders, name="elders"),
    path("care/mine/", my_care, name="care_mine"),
    path("care/new/", elder_new, name="elder_new"),
    path("care/<int:pk>/", elder, name="elder"),
    path("care/<int:pk>/reveal/", elder_reveal, name="elder_reveal"),
    path("care/<int:pk>/edit/", elder_edit, name="elder_edit"),
    path("care/<int:pk>/request/", home_service_new, name="home_service_new"),
    path("care/services/", home_services, name="home_services"),
    path("care/services/<int:pk>/", home_service, name="home_service"),
    path("care/services/<int:pk>/match/", home_service_match, name="home_service_match"),
    path("care/services/<int:pk>/done/", home_service_done, name="home_service_done"),
    path("care/services/<int:pk>/confirm/", home_service_confirm, name="home_service_confirm"),
    path("care/services/<int:pk>/cancel/", home_service_cancel, name="home_service_cancel"),
    path("care/sites/<int:pk>/checkin/", care_checkin, name="care_checkin"),
    path("care/residents/<int:pk>/links/", resident_links, name="resident_links"),
]
