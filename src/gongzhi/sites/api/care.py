"""API: care for older residents (/api/v1/services/care/...), scoped like the pages.

The registry answers masked; ``POST /care/elders/{id}/reveal`` gives the sensitive fields and
logs a CareDataView (channel "api"). ``tag`` narrows the list for care staff only (each profile
listed is logged); for anyone else it is refused. Home services: raise (honours
Idempotency-Key), suggestions, match, done, confirm, cancel. Canteen and day-care check-ins.
Everything goes through visible_to: out of scope answers 404 exactly like missing.
"""
from datetime import date, datetime
from typing import Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import DomainError
from gongzhi.core.text import LONG_TEXT
from gongzhi.territory.models import CODE_LENGTH, Level, Resident

from ..models import CareCheckIn, ElderProfile, HomeServiceRequest, HomeServiceStatus, Site, Team, Volunteer
from ..services import care as rules

router = Router()


class ElderOut(Schema):
    id: int
    resident_id: int
    name: str
    grid_code: str
    tag_count: int
    tags: str
    emergency_contact: str
    emergency_phone: str
    visit_every_days: int
    last_visited_on: Optional[date] = None


class ElderPage(Page):
    items: list[ElderOut]


class ElderFullOut(Schema):
    id: int
    tags: list[str]
    tag_labels: list[str]
    emergency_contact: str
    emergency_phone: str
    notes: str


class HomeServiceIn(Schema):
    elder_id: Id
    kind: Text(20)
    details: Text(LONG_TEXT) = ""
    wanted_on: Optional[date] = None


class HomeServiceOut(Schema):
    id: int
    elder_id: int
    kind: str
    details: str
    wanted_on: Optional[date] = None
    raised_as: str
    status: str
    volunteer_id: Optional[int] = None
    volunteer_name: str
    team_id: Optional[int] = None
    team_name: str
    match_reason: str
    created_at: datetime
    matched_at: Optional[datetime] = None
    done_at: Optional[datetime] = None
    done_note: str
    confirmed_at: Optional[datetime] = None


class HomeServicePage(Page):
    items: list[HomeServiceOut]


class SuggestionOut(Schema):
    kind: str  # volunteer | team
    id: int
    name: str
    distance_km: Optional[float] = None
    reason: str


class MatchIn(Schema):
    volunteer_id: Optional[Id] = None
    team_id: Optional[Id] = None


class DoneIn(Schema):
    note: Text(LONG_TEXT)
    minutes: int


class CheckInIn(Schema):
    site_id: Id
    resident_id: Id
    kind: Text(10)
    meal: Text(10) = ""
    on: Optional[date] = None


class CheckInOut(Schema):
    id: int
    site_id: int
    resident_id: int
    kind: str
    meal: str
    on: date


def elder_out(p):
    shown = rules.masked(p)
    return {"id": p.pk, "resident_id": p.resident_id, "name": p.resident.name,
            "grid_code": p.resident.household.building.estate.grid.code, "tag_count": shown["tag_count"],
            "tags": shown["tags"], "emergency_contact": shown["emergency_contact"],
            "emergency_phone": shown["emergency_phone"], "visit_every_days": p.visit_every_days,
            "last_visited_on": p.last_visited_on}


def service_out(s):
    return {"id": s.pk, "elder_id": s.elder_id, "kind": s.kind, "details": s.details, "wanted_on": s.wanted_on,
            "raised_as": s.raised_as, "status": s.status, "volunteer_id": s.volunteer_id,
            "volunteer_name": s.volunteer.name if s.volunteer_id else "", "team_id": s.team_id,
            "team_name": s.team.name if s.team_id else "", "match_reason": s.match_reason, "created_at": s.created_at,
            "matched_at": s.matched_at, "done_at": s.done_at, "done_note": s.done_note, "confirmed_at": s.confirmed_at}


def visible_elder(user, elder_id):
    return get_object_or_404(ElderProfile.objects.visible_to(user).select_related(
        "resident__household__building__estate__grid"), pk=elder_id)


def visible_service(user, service_id):
    return get_object_or_404(HomeServiceRequest.objects.visible_to(user).select_related(
        "elder__resident__household__building__estate__grid", "volunteer", "team"), pk=service_id)


@router.get("/care/elders", response=answers(ElderPage),
            summary="The care registry of your scope, masked (tag: care staff only, each listed profile is logged)")
def list_elders(request, tag: str = "", after: str = "", limit: int = 50):
    user = request.auth
    found = ElderProfile.objects.visible_to(user).select_related("resident__household__building__estate__grid")
    if tag:
        found = rules.filter_by_tag(found, tag[:30], user=user)
    rows, cursor = pk_page(found, after, limit)
    if tag:
        rules.log_listed(rows, user=user, channel="filter")
    return {"items": [elder_out(p) for p in rows], "next": cursor}


@router.get("/care/elders/{elder_id}", response=answers(ElderOut), summary="An older resident, masked")
def get_elder(request, elder_id: int):
    return elder_out(visible_elder(request.auth, elder_id))


@router.post("/care/elders/{elder_id}/reveal", response=answers(ElderFullOut),
             summary="Care tags and the emergency contact in full (logged)")
def reveal_elder(request, elder_id: int):
    profile = visible_elder(request.auth, elder_id)
    return {"id": profile.pk, **rules.reveal(profile, user=request.auth, channel="api")}


@router.get("/care/home-services", response=answers(HomeServicePage), summary="Home service requests you may see")
def list_home_services(request, status: str = "", after: str = "", limit: int = 50):
    found = HomeServiceRequest.objects.visible_to(request.auth).select_related("volunteer", "team")
    if status:
        found = found.filter(status__in=[s for s in status.split(",") if s in HomeServiceStatus.values] or ["-"])
    rows, cursor = pk_page(found, after, limit)
    return {"items": [service_out(s) for s in rows], "next": cursor}


@router.get("/care/home-services/{service_id}", response=answers(HomeServiceOut), summary="A home service request")
def get_home_service(request, service_id: int):
    return service_out(visible_service(request.auth, service_id))


CREATE_HOME_SERVICE = "POST /services/care/home-services"


@router.post("/care/home-services", response=answers(HomeServiceOut, 201, 422),
             summary="Ask for a home service (honours Idempotency-Key)",
             description="By the resident's own account, a linked relative or carer, or care staff of the grid; "
                         "`raised_as` records which. With an `Idempotency-Key`, a retry answers with the first request.")
def create_home_service(request, payload: HomeServiceIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new request (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, CREATE_HOME_SERVICE, request_hash)
        if done:
            return Status(done.status, done.body)
    profile = visible_elder(user, payload.elder_id)
    with transaction.atomic():
        done = idempotency.claim(user, key, CREATE_HOME_SERVICE, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        found = rules.request_home_service(elder=profile, kind=payload.kind, by=user, details=payload.details,
                                           wanted_on=payload.wanted_on)
        body = HomeServiceOut.model_validate(service_out(found)).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, CREATE_HOME_SERVICE, 201, body)
    return Status(201, body)


@router.get("/care/home-services/{service_id}/suggestions", response=answers(list[SuggestionOut]),
            summary="Volunteers and teams to match, nearest available first, with the reason (care staff)")
def home_service_suggestions(request, service_id: int):
    found = visible_service(request.auth, service_id)
    if not rules.serves(request.auth, found.elder.resident):
        return []
    return [{"kind": "volunteer" if isinstance(h, Volunteer) else "team", "id": h.pk, "name": h.name,
             "distance_km": d, "reason": r} for h, d, r in rules.suggest_matches(found)]


@router.post("/care/home-services/{service_id}/match", response=answers(HomeServiceOut),
             summary="Match to a volunteer or a team (care staff; a team's leader names a member)")
def match_home_service(request, service_id: int, payload: MatchIn):
    found = visible_service(request.auth, service_id)
    zone = found.elder.resident.household.building.estate.grid.code[: CODE_LENGTH[Level.DISTRICT]]
    volunteer = team = None
    if payload.volunteer_id:
        volunteer = Volunteer.objects.filter(pk=payload.volunteer_id, unit__code__startswith=zone).first()
        if volunteer is None:
            raise DomainError(_("No such volunteer here."), code="volunteer", field="volunteer_id")
    if payload.team_id:
        team = Team.objects.filter(pk=payload.team_id, unit__code__startswith=zone).first()
        if team is None:
            raise DomainError(_("No such team here."), code="team", field="team_id")
    rules.match(found, by=request.auth, volunteer=volunteer, team=team)
    return service_out(visible_service(request.auth, service_id))


@router.post("/care/home-services/{service_id}/done", response=answers(HomeServiceOut),
             summary="The volunteer marks it done, with the minutes it took")
def home_service_done(request, service_id: int, payload: DoneIn):
    rules.mark_done(visible_service(request.auth, service_id), by=request.auth, note=payload.note, minutes=payload.minutes)
    return service_out(visible_service(request.auth, service_id))


@router.post("/care/home-services/{service_id}/confirm", response=answers(HomeServiceOut),
             summary="The resident, a linked account or care staff confirm it was done (the hours then count)")
def home_service_confirm(request, service_id: int):
    rules.confirm_service(visible_service(request.auth, service_id), by=request.auth)
    return service_out(visible_service(request.auth, service_id))


@router.post("/care/home-services/{service_id}/cancel", response=answers(HomeServiceOut),
             summary="Cancel a request not yet done")
def home_service_cancel(request, service_id: int):
    rules.cancel_home_service(visible_service(request.auth, service_id), by=request.auth)
    return service_out(visible_service(request.auth, service_id))


@router.post("/care/checkins", response=answers(CheckInOut, 201),
             summary="Check a resident in for a canteen meal or a day-care day (the site's care staff)")
def create_care_checkin(request, payload: CheckInIn):
    user = request.auth
    site = get_object_or_404(Site.objects.visible_to(user).select_related("unit"), pk=payload.site_id)
    resident = get_object_or_404(Resident.objects.visible_to(user), pk=payload.resident_id)
    found = rules.care_check_in(site, resident, kind=payload.kind, by=user, on=payload.on, meal=payload.meal)
    return Status(201, {"id": found.pk, "site_id": site.pk, "resident_id": resident.pk, "kind": found.kind,
                        "meal": found.meal, "on": found.on})


@router.get("/care/checkins", response=answers(list[CheckInOut]), summary="A site's check-ins of one day")
def list_care_checkins(request, site_id: int, on: Optional[date] = None):
    from django.utils import timezone
    site = get_object_or_404(Site.objects.visible_to(request.auth), pk=site_id)
    rows = CareCheckIn.objects.visible_to(request.auth).filter(site=site, on=on or timezone.localdate()).order_by("pk")[:1000]
    return [{"id": c.pk, "site_id": c.site_id, "resident_id": c.resident_id, "kind": c.kind, "meal": c.meal, "on": c.on}
            for c in rows]
