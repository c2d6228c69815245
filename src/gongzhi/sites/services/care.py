"""Care for older residents: the registry, home services, canteen and day-care check-ins, and
linking accounts to residents.

- The registry (``ElderProfile``) is sensitive. Only CARE_ROLES of the resident's grid and the
  resident's linked accounts find it at all (models.ElderProfileQuerySet). Tags, the emergency
  contact and phone are masked wherever they are listed; ``reveal`` returns them in full and
  writes a ``CareDataView`` every time (pages and API alike; it is a POST, never a URL).
- Tags cannot be recovered by filtering or sorting: lists are never sorted by tag, and only care
  staff (who may reveal the tags anyway) may filter by one; ``filter_by_tag`` logs a view for
  every profile such a list shows, because being in the list discloses the tag (decision 56).
- Home services: raised by the resident's own account, a linked relative or carer, or care staff
  of the grid (``raised_as``); ``suggest_matches`` orders available volunteers nearest first
  (the building's point to the volunteer's), with the reason; staff (or the chosen team's
  leader) ``match``; the volunteer ``mark_done`` with the minutes (a ServiceRecord through
  volunteers.record_service); the resident, a linked account or care staff ``confirm_service``
  (volunteers.confirm: only then do the hours count).
- ``care_check_in``: a meal at a canteen or a day at a day-care centre, entered by care staff of
  the site's unit; once per resident, day, kind and meal.
- ``link_account``: care staff record that an account is the resident's own, a relative's or a
  carer's (territory.ResidentLink); every on-behalf rule of the app reads these links.
"""
import datetime
import math

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import clean_field
from gongzhi.territory.models import CODE_LENGTH, AccountRelation, Level, Resident, ResidentLink

from ..models import (CARE_ROLES, CareCheckIn, CareCheckInKind, CareDataView, CareTag, ElderProfile,
                      HomeServiceKind, HomeServiceRequest, HomeServiceStatus, SiteKind, Team, Volunteer)
from .people import notify_ids, resident_grid_code

NOTICES = {
    "sites.home_service_requested": _("A home service (%(service)s) was requested; it is waiting to be matched."),
    "sites.home_service_matched": _("A home service (%(service)s) has been matched; its page says who will come."),
    "sites.home_service_done": _("The home service (%(service)s) is done; please confirm it."),
    "sites.home_service_confirmed": _("The home service (%(service)s) was confirmed. Thank you."),
    "sites.home_service_cancelled": _("The home service (%(service)s) was cancelled."),
}

# What a profile's sensitive fields look like until someone reveals them.
MASK = "•••"
REVEAL_CHANNELS = ("page", "api", "admin", "filter")
MEALS = {"breakfast": _("Breakfast"), "lunch": _("Lunch"), "dinner": _("Dinner")}
# Which site kind takes which check-in: meals at a canteen, days at a day-care centre.
CHECKIN_SITE = {CareCheckInKind.MEAL: SiteKind.CANTEEN, CareCheckInKind.DAY_CARE: SiteKind.DAY_CARE}
# A volunteer with this many matched, not yet done home services is not suggested (busy).
MAX_OPEN_SERVICES = 3
# Words in a volunteer's skills that fit each kind of service (the skills field is free text).
SKILL_WORDS = {
    HomeServiceKind.HOME_VISIT: ("医", "护", "doctor", "nurse", "health", "问诊"),
    HomeServiceKind.ERRAND: ("代办", "帮办", "跑腿", "errand"),
    HomeServiceKind.HOUSEWORK: ("家政", "保洁", "维修", "house", "clean", "repair"),
    HomeServiceKind.MEALS: ("送餐", "meal"),
    HomeServiceKind.COMPANY: ("陪伴", "聊天", "心理", "company"),
}
OPEN_STATES = (HomeServiceStatus.REQUESTED, HomeServiceStatus.MATCHED)
# A meal or a day-care day may be entered late (the tablet was down), not decades late (a typo
# that would count in the figures).
CHECKIN_LATE_DAYS = 31


# --- who may do what ------------------------------------------------------------------------

def serves(user, resident):
    """Care staff (CARE_ROLES) whose scope covers the resident's grid."""
    return user_covers(user, resident_grid_code(resident), CARE_ROLES)


def link_of(user, resident):
    """The ResidentLink between this account and the resident, or None."""
    if user is None or not user.is_authenticated:
        return None
    return ResidentLink.objects.filter(user=user, resident=resident).first()


def _visible_profile(profile, user):
    if not ElderProfile.objects.visible_to(user).filter(pk=profile.pk).exists():
        raise NotFound(_("No such older resident."))


def _zone(code):
    return code[: CODE_LENGTH[Level.DISTRICT]]


# --- the registry -----------------------------------------------------------------------------

def _clean_tags(tags):
    tags = list(dict.fromkeys(tags or ()))
    unknown = [t for t in tags if t not in CareTag.values]
    if unknown:
        raise DomainError(_("Unknown care tag: %(tag)s.") % {"tag": ", ".join(map(str, unknown))[:60]}, code="tags",
                          field="tags")
    return tags


def register_elder(resident, *, tags, by, emergency_contact="", emergency_phone="", visit_every_days=30, notes=""):
    """Put a resident in the care registry (care staff of their grid only)."""
    if not serves(by, resident):
        raise NotFound(_("No such resident."))
    if visit_every_days is None or not 0 <= int(visit_every_days) <= 365:
        raise DomainError(_("Visit every 0 to 365 days."), code="visit_every_days", field="visit_every_days")
    fields = {
        "tags": _clean_tags(tags),
        "emergency_contact": clean_field(ElderProfile, "emergency_contact", emergency_contact),
        "emergency_phone": clean_field(ElderProfile, "emergency_phone", emergency_phone),
        "notes": clean_field(ElderProfile, "notes", notes),
        "visit_every_days": int(visit_every_days),
    }
    with transaction.atomic():
        if ElderProfile.objects.filter(resident=resident).exists():
            raise DomainError(_("This resident is already in the care registry."), code="registered")
        return ElderProfile.objects.create(resident=resident, recorded_by=by, **fields)


def update_elder(profile, *, by, tags=None, emergency_contact=None, emergency_phone=None, visit_every_days=None,
                 notes=None, last_visited_on=None):
    """Change a profile (care staff of the grid). Fields left None stay as they are."""
    if not serves(by, profile.resident):
        raise NotFound(_("No such older resident."))
    changes = {}
    if tags is not None:
        changes["tags"] = _clean_tags(tags)
    for name, value in (("emergency_contact", emergency_contact), ("emergency_phone", emergency_phone), ("notes", notes)):
        if value is not None:
            changes[name] = clean_field(ElderProfile, name, value)
    if visit_every_days is not None:
        if not 0 <= int(visit_every_days) <= 365:
            raise DomainError(_("Visit every 0 to 365 days."), code="visit_every_days", field="visit_every_days")
        changes["visit_every_days"] = int(visit_every_days)
    if last_visited_on is not None:
        if last_visited_on > timezone.localdate():
            raise DomainError(_("A visit cannot be in the future."), code="last_visited_on", field="last_visited_on")
        changes["last_visited_on"] = last_visited_on
    with transaction.atomic():
        ElderProfile.objects.filter(pk=profile.pk).update(**changes)
        for name, value in changes.items():
            setattr(profile, name, value)
    return profile


def mask_name(value):
    """The emergency contact's surname, the rest hidden (张** for 张三丰)."""
    value = value or ""
    return value[:1] + "*" * (len(value) - 1) if value else ""


def masked(profile):
    """What a list or page shows before anyone reveals: the number of tags, never which."""
    return {
        "tags": MASK if profile.tags else "",
        "tag_count": len(profile.tags or ()),
        "emergency_contact": mask_name(profile.emergency_contact),
        "emergency_phone": mask_phone(profile.emergency_phone),
    }


def tag_labels(tags):
    labels = dict(CareTag.choices)
    return [str(labels.get(t, t)) for t in tags or ()]


def reveal(profile, *, user, channel="page", now=None):
    """The sensitive fields in full, and a CareDataView row saying who saw them, when and where.

    Callers found ``profile`` through ElderProfile.objects.visible_to(user); checked again here
    so that no path shows the data without the log.
    """
    if channel not in REVEAL_CHANNELS:
        raise DomainError(_("Unknown channel."), code="channel")
    _visible_profile(profile, user)
    CareDataView.objects.create(user=user, profile=profile, channel=channel, viewed_at=now or timezone.now())
    return {
        "tags": list(profile.tags or ()), "tag_labels": tag_labels(profile.tags),
        "emergency_contact": profile.emergency_contact, "emergency_phone": profile.emergency_phone,
        "notes": profile.notes,
    }


def may_filter_by_tag(user):
    """Only care staff may narrow a list by tag (decision 56); for anyone else there is no such filter."""
    return bool(user and user.is_authenticated) and (user.is_superuser or user.holds(CARE_ROLES))


def filter_by_tag(profiles, tag, *, user, channel="filter"):
    """``profiles`` narrowed to one tag, for care staff. Being listed discloses the tag, so the
    caller logs a view for each profile it shows (``log_listed``)."""
    if not may_filter_by_tag(user):
        raise DomainError(_("Only care staff may filter by care tag."), code="tag", field="tag")
    if tag not in CareTag.values:
        raise DomainError(_("Unknown care tag: %(tag)s.") % {"tag": str(tag)[:30]}, code="tag", field="tag")
    # JSON "contains" is not on SQLite; the pks are found in Python over the visible rows only.
    pks = [pk for pk, tags in profiles.values_list("pk", "tags") if tag in (tags or ())]
    return profiles.filter(pk__in=pks)


def log_listed(profiles, *, user, channel="filter", now=None):
    """One CareDataView per profile shown in a list filtered by tag."""
    now = now or timezone.now()
    CareDataView.objects.bulk_create([CareDataView(user=user, profile=p, channel=channel, viewed_at=now) for p in profiles])


# --- home services ----------------------------------------------------------------------------

def raised_as(user, resident):
    """self / relative / carer (a linked account) or staff (care staff of the grid); None: neither."""
    link = link_of(user, resident)
    if link is not None:
        return link.relation
    if serves(user, resident):
        return "staff"
    return None


def _service_label(request):
    return str(HomeServiceKind(request.kind).label)


def _notify(request, event, user_ids, params=None, key_suffix=""):
    key = f"home_service:{request.pk}:{event}{key_suffix}"
    outbox.enqueue("sites.announce", key, {
        "model": "homeservicerequest", "pk": request.pk, "event": event, "key": key,
        "user_ids": sorted(set(user_ids) - {None}),
        # The kind of service only (its label, in the language of whoever acted): never a name or a tag.
        "params": {"service": _service_label(request), **(params or {})}})


def _people_of(request):
    """Who hears about a request: the resident's linked accounts and whoever raised it."""
    return set(notify_ids(resident=request.elder.resident, recorded_by=request.raised_by))


def _helpers_of(request):
    ids = set()
    if request.volunteer_id and request.volunteer.user_id:
        ids.add(request.volunteer.user_id)
    if request.team_id and request.team.leader_id:
        ids.add(request.team.leader_id)
    return ids


def _staff_ids(request):
    """The grid's workers and the community's secretary: who matches the request (district and
    street admins see the queue but are not told of each one)."""
    from django.db.models import Q

    from gongzhi.people.models import Role, RoleAssignment
    code = resident_grid_code(request.elder.resident)
    community = code[: CODE_LENGTH[Level.COMMUNITY]]
    return set(RoleAssignment.objects.filter(
        Q(role=Role.GRID_WORKER, units__code=code) | Q(role=Role.COMMUNITY_SECRETARY, units__code=community),
        user__is_active=True).values_list("user_id", flat=True))


def request_home_service(*, elder, kind, by, details="", wanted_on=None, now=None):
    """The resident (own account), a linked relative or carer, or care staff ask for a home service."""
    now = now or timezone.now()
    role = raised_as(by, elder.resident)
    if role is None:
        raise NotFound(_("No such older resident."))
    if kind not in HomeServiceKind.values:
        raise DomainError(_("Choose a kind of service."), code="kind", field="kind")
    if wanted_on is not None and wanted_on < timezone.localdate(now):
        raise DomainError(_("The wanted date cannot be in the past."), code="wanted_on", field="wanted_on")
    details = clean_field(HomeServiceRequest, "details", details)
    with transaction.atomic():
        request = HomeServiceRequest.objects.create(elder=elder, kind=kind, details=details, wanted_on=wanted_on,
                                                    raised_by=by, raised_as=role, created_at=now)
        _notify(request, "sites.home_service_requested", (_people_of(request) | _staff_ids(request)) - {by.pk})
    return request


def distance_km(lat1, lng1, lat2, lng2):
    """Great-circle distance (haversine), in kilometres."""
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlng = rlat2 - rlat1, math.radians(lng2 - lng1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlng / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _skills_fit(kind, skills):
    text = (skills or "").lower()
    return [w for w in SKILL_WORDS.get(kind, ()) if w.lower() in text]


def _open_load(volunteer_ids=None, team_ids=None):
    from django.db.models import Count
    rows = HomeServiceRequest.objects.filter(status=HomeServiceStatus.MATCHED)
    if volunteer_ids is not None:
        return dict(rows.filter(volunteer_id__in=volunteer_ids).values("volunteer_id").annotate(n=Count("pk"))
                    .values_list("volunteer_id", "n"))
    return dict(rows.filter(team_id__in=team_ids, volunteer__isnull=True).values("team_id").annotate(n=Count("pk"))
                .values_list("team_id", "n"))


def _reason(distance, fits, load):
    parts = [_("%(km).1f km away") % {"km": distance} if distance is not None else _("distance unknown")]
    parts.append(_("skills: %(skills)s") % {"skills": ", ".join(fits)} if fits else _("no matching skill listed"))
    parts.append(_("%(n)d open home services") % {"n": load})
    return "; ".join(str(p) for p in parts)


def suggest_matches(request, limit=5):
    """[(volunteer or team, distance_km or None, reason)]: available volunteers of the resident's
    district, nearest first (the building's point to the volunteer's), those whose skills fit
    before the others at the same distance, the least loaded first; then active teams of the
    resident's grid, community and street (teams have no point; the leader picks a member).

    A volunteer who is not available or has MAX_OPEN_SERVICES matched services is left out.
    """
    resident = Resident.objects.select_related("household__building__estate__grid").get(pk=request.elder.resident_id)
    building = resident.household.building
    grid_code = resident.household.building.estate.grid.code
    volunteers = list(Volunteer.objects.filter(available=True, unit__code__startswith=_zone(grid_code))
                      .exclude(user__isnull=False, user__in=ResidentLink.objects.filter(resident=resident).values("user"))
                      .order_by("pk")[:2000])
    load = _open_load(volunteer_ids=[v.pk for v in volunteers])
    ranked = []
    for v in volunteers:
        n = load.get(v.pk, 0)
        if n >= MAX_OPEN_SERVICES:
            continue
        distance = None
        if None not in (building.lat, building.lng, v.lat, v.lng):
            distance = distance_km(building.lat, building.lng, v.lat, v.lng)
        fits = _skills_fit(request.kind, v.skills)
        ranked.append(((distance is None, round(distance or 0, 1), not fits, n, v.pk), v, distance, _reason(distance, fits, n)))
    ranked.sort(key=lambda row: row[0])
    found = [(v, None if d is None else round(d, 2), reason) for _key, v, d, reason in ranked[:limit]]
    if len(found) < limit:
        # Teams of the units above the resident's grid, the nearest unit (longest code) first.
        prefixes = {grid_code[:n] for n in CODE_LENGTH.values() if n <= len(grid_code)}
        teams = [t for t in Team.objects.filter(active=True, unit__code__in=prefixes).select_related("unit")
                 .order_by("pk")[:200]]
        team_load = _open_load(team_ids=[t.pk for t in teams])
        teams.sort(key=lambda t: (-len(t.unit.code), team_load.get(t.pk, 0), t.pk))
        for team in teams[: limit - len(found)]:
            fits = _skills_fit(request.kind, team.description)
            reason = "; ".join(str(p) for p in (
                _("a team of %(unit)s") % {"unit": team.unit.name},
                _("skills: %(skills)s") % {"skills": ", ".join(fits)} if fits else _("no matching skill listed"),
                _("%(n)d open home services") % {"n": team_load.get(team.pk, 0)}))
            found.append((team, None, reason))
    return found


def _locked(request):
    """The request re-read under its row's write lock, taken by a no-op UPDATE at the start of the
    caller's transaction: this serializes two moves on one request on PostgreSQL and SQLite alike
    (SELECT ... FOR UPDATE is not on SQLite, and not on the nullable side of a join)."""
    HomeServiceRequest.objects.filter(pk=request.pk).update(status=F("status"))
    return HomeServiceRequest.objects.select_related("elder__resident", "volunteer", "team").get(pk=request.pk)


def may_match(user, request):
    """Care staff of the resident's grid; or the leader of the team it was matched to (who names a member)."""
    if serves(user, request.elder.resident):
        return True
    return bool(request.team_id and request.team.leader_id and user and user.pk == request.team.leader_id)


def match(request, *, by, volunteer=None, team=None, reason=None, now=None):
    """Give the request to a volunteer or a team, with the reason shown to staff.

    The team leader may only name one of their team's volunteers for a request matched to the team.
    """
    now = now or timezone.now()
    if (volunteer is None) == (team is None):
        raise DomainError(_("Choose one volunteer or one team."), code="helper")
    with transaction.atomic():
        request = _locked(request)
        # The caller found the request through visible_to: say why, rather than "not found".
        if not may_match(by, request):
            raise DomainError(_("Only care staff of the grid, or the team's leader, match a request."), code="not_allowed")
        if request.status not in OPEN_STATES:
            raise DomainError(_("Only a request not yet done can be matched."), code="status")
        staff = serves(by, request.elder.resident)
        zone = _zone(resident_grid_code(request.elder.resident))
        if volunteer is not None:
            if not volunteer.available or not volunteer.unit.code.startswith(zone):
                raise DomainError(_("This volunteer is not available here."), code="volunteer", field="volunteer")
            # A current member: someone who has left the team (``until`` set) is no longer the leader's to send.
            if not staff and not volunteer.memberships.filter(team_id=request.team_id, until__isnull=True).exists():
                raise DomainError(_("Choose a volunteer of your team."), code="volunteer", field="volunteer")
        else:
            if not staff:
                raise DomainError(_("Only care staff of the grid match a request to a team."), code="not_allowed")
            if not team.active or not team.unit.code.startswith(zone):
                raise DomainError(_("This team does not serve here."), code="team", field="team")
        if reason is None:
            helper = volunteer or team
            reason = next((r for h, _d, r in suggest_matches(request, limit=50) if h == helper), "")
            if not reason and volunteer is not None:
                reason = str(_("chosen by hand"))
        request.volunteer = volunteer
        if team is not None:
            request.team = team
        request.match_reason = clean_field(HomeServiceRequest, "match_reason", str(reason or "")[:300])
        request.matched_by, request.matched_at, request.status = by, now, HomeServiceStatus.MATCHED
        request.save(update_fields=["volunteer", "team", "match_reason", "matched_by", "matched_at", "status"])
        _notify(request, "sites.home_service_matched", (_people_of(request) | _helpers_of(request)) - {by.pk},
                key_suffix=f":{request.volunteer_id}:{request.team_id}")
    return request


def may_mark_done(user, request):
    if user is None or not user.is_authenticated:
        return False
    if request.volunteer_id and request.volunteer.user_id == user.pk:
        return True
    if request.team_id and request.team.leader_id == user.pk:
        return True
    # Many volunteers (older residents themselves) have no account: they tell the grid worker,
    # who records it for them.
    return bool(request.volunteer_id or request.team_id) and serves(user, request.elder.resident)


def mark_done(request, *, by, note, minutes, now=None):
    """The volunteer (or, for a team, its leader) says it is done and how long it took; the
    minutes go on a ServiceRecord that counts only once the resident's side confirms."""
    from . import volunteers as volunteer_rules

    now = now or timezone.now()
    note = clean_field(HomeServiceRequest, "done_note", note, required=True, label=_("what was done"))
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = -1
    if not 1 <= minutes <= 24 * 60:
        raise DomainError(_("Give the minutes it took (1 to 1440)."), code="minutes", field="minutes")
    with transaction.atomic():
        request = _locked(request)
        if not may_mark_done(by, request):
            raise DomainError(_("Only the volunteer who was matched marks it done."), code="not_allowed")
        if request.status != HomeServiceStatus.MATCHED:
            raise DomainError(_("Only a matched request can be marked done."), code="status")
        volunteer = request.volunteer
        if volunteer is None:
            # Matched to a team with no member named: only the team's leader is taken to be the
            # one who went. Care staff (who may mark it done for a volunteer without an account)
            # would otherwise put the team's service, and its hours, on their own volunteer row.
            leader = request.team_id is not None and request.team.leader_id == by.pk
            volunteer = Volunteer.objects.filter(user=by).first() if leader else None
            if volunteer is None:
                raise DomainError(_("Name the volunteer who went before marking it done."), code="volunteer")
            request.volunteer = volunteer
        grid = request.elder.resident.household.building.estate.grid
        volunteer_rules.record_service(volunteer=volunteer, unit=grid, what=_service_label(request),
                                       on=timezone.localdate(now), scheduled_minutes=minutes, by=by,
                                       team=request.team, home_service=request)
        request.status, request.done_at, request.done_note = HomeServiceStatus.DONE, now, note
        request.save(update_fields=["volunteer", "status", "done_at", "done_note"])
        _notify(request, "sites.home_service_done", _people_of(request) - {by.pk})
    return request


def may_confirm(user, request):
    """The resident's own or linked accounts, or care staff of the grid; never the one who served."""
    if user is None or not user.is_authenticated:
        return False
    if request.volunteer_id and request.volunteer.user_id == user.pk:
        return False
    return raised_as(user, request.elder.resident) is not None


def confirm_service(request, *, by, now=None):
    """The resident's side confirms it was done: the volunteer's minutes now count as hours."""
    from . import volunteers as volunteer_rules

    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(request)
        if request.volunteer_id and request.volunteer.user_id == getattr(by, "pk", None):
            raise DomainError(_("The volunteer who served cannot confirm their own service."), code="own")
        if not may_confirm(by, request):
            raise DomainError(_("Only the resident, a linked relative or carer, or the grid's staff confirm it."),
                              code="not_allowed")
        if request.status != HomeServiceStatus.DONE:
            raise DomainError(_("Only a service marked done can be confirmed."), code="status")
        for record in request.records.exclude(status__in=["confirmed", "cancelled", "no_show"]):
            volunteer_rules.confirm(record, by=by, actual_minutes=record.actual_minutes or record.scheduled_minutes, now=now)
        request.status, request.confirmed_by, request.confirmed_at = HomeServiceStatus.CONFIRMED, by, now
        request.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        _notify(request, "sites.home_service_confirmed", (_people_of(request) | _helpers_of(request)) - {by.pk})
    return request


def cancel_home_service(request, *, by, now=None):
    """Whoever may raise one cancels a request that is not done yet."""
    with transaction.atomic():
        request = _locked(request)
        if raised_as(by, request.elder.resident) is None:
            raise DomainError(_("Only the resident, a linked relative or carer, or the grid's staff cancel it."),
                              code="not_allowed")
        if request.status not in OPEN_STATES:
            raise DomainError(_("Only a request not yet done can be cancelled."), code="status")
        request.status = HomeServiceStatus.CANCELLED
        request.save(update_fields=["status"])
        _notify(request, "sites.home_service_cancelled", (_people_of(request) | _helpers_of(request)) - {by.pk})
    return request


# --- canteen and day-care check-ins -----------------------------------------------------------

def may_check_in_at(user, site):
    return site.kind in CHECKIN_SITE.values() and user_covers(user, site.unit.code, CARE_ROLES)


def care_check_in(site, resident, *, kind, by, on=None, meal="", now=None):
    """A meal at a canteen or a day at a day-care centre, entered by care staff of the site's unit."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    if not user_covers(by, site.unit.code, CARE_ROLES):
        raise NotFound(_("No such site."))
    if kind not in CareCheckInKind.values:
        raise DomainError(_("Choose a meal or a day-care day."), code="kind", field="kind")
    if site.kind != CHECKIN_SITE[kind]:
        raise DomainError(_("Meals are taken at a canteen, day care at a day-care centre."), code="site", field="kind")
    if kind == CareCheckInKind.MEAL and meal not in MEALS:
        raise DomainError(_("Choose the meal."), code="meal", field="meal")
    if kind == CareCheckInKind.DAY_CARE:
        meal = ""
    if on > timezone.localdate(now):
        raise DomainError(_("A check-in cannot be in the future."), code="on", field="on")
    if on < timezone.localdate(now) - datetime.timedelta(days=CHECKIN_LATE_DAYS):
        raise DomainError(_("A check-in is entered at most %(days)d days late."), code="on", field="on",
                          params={"days": CHECKIN_LATE_DAYS})
    # A resident of the site's district (canteens serve the residents of their zone).
    if not resident_grid_code(resident).startswith(_zone(site.unit.code)):
        raise NotFound(_("No such resident."))
    try:
        with transaction.atomic():
            return CareCheckIn.objects.create(site=site, resident=resident, kind=kind, on=on, meal=meal, recorded_by=by, at=now)
    except IntegrityError:
        raise DomainError(_("Already checked in today."), code="already")


# --- accounts linked to residents -------------------------------------------------------------

def link_account(resident, *, user, relation, by):
    """Care staff of the resident's grid record that ``user`` is the resident's own account, a
    relative's or a carer's (after checking in person)."""
    if not serves(by, resident):
        raise NotFound(_("No such resident."))
    if relation not in AccountRelation.values:
        raise DomainError(_("Choose the relation."), code="relation", field="relation")
    if user is None or not user.is_active:
        raise DomainError(_("No such account."), code="user", field="user")
    try:
        with transaction.atomic():
            if ResidentLink.objects.filter(resident=resident, user=user).exists():
                raise DomainError(_("This account is already linked to this resident."), code="linked", field="user")
            if relation == AccountRelation.SELF:
                if ResidentLink.objects.filter(user=user, relation=AccountRelation.SELF).exists():
                    raise DomainError(_("This account is already another resident's own."), code="self", field="user")
                if ResidentLink.objects.filter(resident=resident, relation=AccountRelation.SELF).exists():
                    raise DomainError(_("This resident already has an own account."), code="self", field="relation")
            return ResidentLink.objects.create(resident=resident, user=user, relation=relation, recorded_by=by)
    except IntegrityError:
        raise DomainError(_("This account is already linked to this resident."), code="linked", field="user")


def unlink_account(link, *, by):
    if not serves(by, link.resident):
        raise NotFound(_("No such link."))
    with transaction.atomic():
        ResidentLink.objects.filter(pk=link.pk).delete()
