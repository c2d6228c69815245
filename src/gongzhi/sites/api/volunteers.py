"""API: volunteers, teams, shifts and service records (/api/v1/services/...), scoped like the pages.

Every read goes through the model's visible_to (out of scope answers 404 like missing); every
write through services.volunteers. Hours come from confirmed records only.
"""
import datetime
from typing import Optional

from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import DomainError

from ..models import RecordStatus, ServiceRecord, Session, Shift, Team, TeamMembership, Volunteer
from ..services import volunteers as rules

router = Router()


class VolunteerOut(Schema):
    id: int
    kind: str
    name: str
    unit_code: str
    skills: str
    party_member_id: Optional[int] = None
    red_partner_id: Optional[int] = None
    team_ids: list[int]
    confirmed_minutes_this_year: int
    confirmed_minutes: int


class VolunteerPage(Page):
    items: list[VolunteerOut]


class MonthOut(Schema):
    month: str  # YYYY-MM
    minutes: int
    services: int


class RecordOut(Schema):
    id: int
    volunteer_id: int
    volunteer: str
    shift_id: Optional[int] = None
    team_id: Optional[int] = None
    what: str
    on: datetime.date
    scheduled_minutes: int
    actual_minutes: Optional[int] = None
    status: str
    confirmed_at: Optional[datetime.datetime] = None


class RecordPage(Page):
    items: list[RecordOut]


class HoursOut(Schema):
    volunteer_id: int
    since: datetime.date
    until: datetime.date
    total_minutes: int
    total_hours: float
    months: list[MonthOut]
    records: list[RecordOut]
    verification_code: str


class TeamOut(Schema):
    id: int
    name: str
    unit_code: str
    description: str
    leader_id: Optional[int] = None
    members: int
    confirmed_minutes_this_year: int
    months: list[MonthOut]


class TeamPage(Page):
    items: list[TeamOut]


class ShiftOut(Schema):
    id: int
    title: str
    unit_code: str
    team_id: Optional[int] = None
    session_id: Optional[int] = None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    places: int
    taken: int
    records: list[RecordOut]


class ShiftPage(Page):
    items: list[ShiftOut]


class ShiftIn(Schema):
    unit_code: Text(18) = ""
    team_id: Optional[Id] = None
    # A shift at an activity's session (serving tea at the birthday party).
    session_id: Optional[Id] = None
    title: Text(100)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    places: int = 1


class AssignIn(Schema):
    volunteer_id: Id


class MinutesIn(Schema):
    actual_minutes: Optional[int] = None


def _year_start():
    return timezone.localdate().replace(month=1, day=1)


def _months(records, since=None, until=None):
    return [{"month": m.strftime("%Y-%m"), "minutes": mins, "services": n}
            for m, mins, n in rules.minutes_by_month(records, since, until)]


def record_out(r):
    return {"id": r.pk, "volunteer_id": r.volunteer_id, "volunteer": r.volunteer.name, "shift_id": r.shift_id,
            "team_id": r.team_id, "what": r.what, "on": r.on, "scheduled_minutes": r.scheduled_minutes,
            "actual_minutes": r.actual_minutes, "status": r.status, "confirmed_at": r.confirmed_at}


def _confirmed_minutes(field, ids, since):
    """{id: (minutes this year, minutes ever)} of confirmed records, for a page of volunteers or
    teams in one query (rules.total_minutes row by row was three queries per row)."""
    rows = (ServiceRecord.objects.filter(**{f"{field}__in": ids}, status=RecordStatus.CONFIRMED).values(field)
            .annotate(year=Sum("actual_minutes", filter=Q(on__gte=since)), ever=Sum("actual_minutes")))
    return {r[field]: (r["year"] or 0, r["ever"] or 0) for r in rows}


def volunteers_out(rows):
    """A page of volunteers, with their current teams and confirmed minutes, in a fixed number of queries."""
    since = _year_start()
    minutes = _confirmed_minutes("volunteer_id", [v.pk for v in rows], since)
    teams = {}
    for volunteer_id, team_id in (TeamMembership.objects.filter(volunteer__in=rows, until__isnull=True)
                                  .order_by("pk").values_list("volunteer_id", "team_id")):
        teams.setdefault(volunteer_id, []).append(team_id)
    return [volunteer_out(v, team_ids=teams.get(v.pk, []), minutes=minutes.get(v.pk, (0, 0))) for v in rows]


def volunteer_out(v, team_ids=None, minutes=None):
    if minutes is None:
        records = ServiceRecord.objects.filter(volunteer=v)
        minutes = (rules.total_minutes(records, since=_year_start()), rules.total_minutes(records))
    if team_ids is None:
        team_ids = list(v.memberships.filter(until__isnull=True).values_list("team_id", flat=True))
    return {"id": v.pk, "kind": v.kind, "name": v.name, "unit_code": v.unit.code, "skills": v.skills,
            "party_member_id": v.member_id, "red_partner_id": v.partner_id, "team_ids": team_ids,
            "confirmed_minutes_this_year": minutes[0], "confirmed_minutes": minutes[1]}


def teams_out(rows):
    """A page of teams with members, minutes this year and by month, in a fixed number of queries."""
    since = _year_start()
    ids = [t.pk for t in rows]
    minutes = _confirmed_minutes("team_id", ids, since)
    members = dict(TeamMembership.objects.filter(team_id__in=ids, until__isnull=True).values("team_id")
                   .annotate(n=Count("pk")).values_list("team_id", "n"))
    months = {}
    for r in (rules.confirmed(ServiceRecord.objects.filter(team_id__in=ids), since).annotate(month=TruncMonth("on"))
              .values("team_id", "month").annotate(minutes=Sum("actual_minutes"), services=Count("id"))
              .order_by("team_id", "month")):
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        months.setdefault(r["team_id"], []).append({"month": month.strftime("%Y-%m"), "minutes": r["minutes"],
                                                    "services": r["services"]})
    return [team_out(t, members=members.get(t.pk, 0), minutes_this_year=minutes.get(t.pk, (0, 0))[0],
                     months=months.get(t.pk, [])) for t in rows]


def team_out(t, members=None, minutes_this_year=None, months=None):
    if members is None:
        records = ServiceRecord.objects.filter(team=t)
        since = _year_start()
        members = t.memberships.filter(until__isnull=True).count()
        minutes_this_year, months = rules.total_minutes(records, since=since), _months(records, since)
    return {"id": t.pk, "name": t.name, "unit_code": t.unit.code, "description": t.description, "leader_id": t.leader_id,
            "members": members, "confirmed_minutes_this_year": minutes_this_year, "months": months}


SHIFT_RECORDS = Prefetch("records", queryset=ServiceRecord.objects.select_related("volunteer", "volunteer__member")
                         .order_by("id"), to_attr="all_records")


def shift_out(s, user):
    # ``all_records`` when the caller prefetched them (SHIFT_RECORDS): a list page then makes no query per shift.
    every = getattr(s, "all_records", None)
    if every is None:
        every = list(s.records.select_related("volunteer", "volunteer__member").order_by("id"))
    records = every
    if not rules.organizes(user, s):
        records = [r for r in records if rules.is_the_volunteer(user, r.volunteer)]
    return {"id": s.pk, "title": s.title, "unit_code": s.unit.code, "team_id": s.team_id, "session_id": s.session_id,
            "starts_at": s.starts_at, "ends_at": s.ends_at, "places": s.places,
            "taken": sum(1 for r in every if r.status in rules.LIVE_STATUSES), "records": [record_out(r) for r in records]}


def _volunteer(user, pk):
    return get_object_or_404(Volunteer.objects.visible_to(user).select_related("unit"), pk=pk)


def _shift(user, pk):
    return get_object_or_404(Shift.objects.visible_to(user).select_related("unit", "team").distinct(), pk=pk)


def _record(user, pk):
    return get_object_or_404(ServiceRecord.objects.visible_to(user).select_related(
        "volunteer", "volunteer__member", "shift", "shift__team", "team", "unit").distinct(), pk=pk)


@router.get("/volunteers", response=answers(VolunteerPage), summary="Volunteers of one's scope (staff), or oneself")
def list_volunteers(request, kind: str = "", team_id: int = 0, after: str = "", limit: int = 50):
    found = Volunteer.objects.visible_to(request.auth).select_related("unit").distinct()
    if kind:
        found = found.filter(kind=kind)
    if team_id:
        found = found.filter(memberships__team_id=team_id, memberships__until__isnull=True)
    rows, cursor = pk_page(found, after, limit)
    return {"items": volunteers_out(rows), "next": cursor}


@router.get("/volunteers/{volunteer_id}", response=answers(VolunteerOut), summary="A volunteer with confirmed minutes")
def get_volunteer(request, volunteer_id: int):
    return volunteer_out(_volunteer(request.auth, volunteer_id))


@router.get("/volunteers/{volunteer_id}/hours", response=answers(HoursOut),
            summary="A volunteer's confirmed services in a period, by month, with the statement's verification code")
def volunteer_hours(request, volunteer_id: int, since: Optional[datetime.date] = None,
                    until: Optional[datetime.date] = None):
    v = _volunteer(request.auth, volunteer_id)
    today = timezone.localdate()
    paper = rules.statement(v, since=since or today.replace(month=1, day=1), until=until or today)
    records = ServiceRecord.objects.filter(volunteer=v)
    return {"volunteer_id": v.pk, "since": paper["since"], "until": paper["until"], "total_minutes": paper["total_minutes"],
            "total_hours": paper["total_hours"], "months": _months(records, paper["since"], paper["until"]),
            "records": [record_out(r) for r in paper["records"]], "verification_code": paper["code"]}


@router.get("/teams", response=answers(TeamPage), summary="Volunteer teams of one's district")
def list_teams(request, after: str = "", limit: int = 50):
    rows, cursor = pk_page(Team.objects.visible_to(request.auth).select_related("unit").filter(active=True), after, limit)
    return {"items": teams_out(rows), "next": cursor}


@router.get("/teams/{team_id}", response=answers(TeamOut), summary="A team with its confirmed minutes by month")
def get_team(request, team_id: int):
    return team_out(get_object_or_404(Team.objects.visible_to(request.auth).select_related("unit"), pk=team_id))


@router.get("/shifts", response=answers(ShiftPage), summary="Shifts one organizes or serves on")
def list_shifts(request, after: str = "", limit: int = 50):
    rows, cursor = pk_page(Shift.objects.visible_to(request.auth).select_related("unit", "team").distinct()
                           .prefetch_related(SHIFT_RECORDS), after, limit)
    return {"items": [shift_out(s, request.auth) for s in rows], "next": cursor}


@router.get("/shifts/{shift_id}", response=answers(ShiftOut), summary="A shift and its service records")
def get_shift(request, shift_id: int):
    return shift_out(_shift(request.auth, shift_id), request.auth)


CREATE_SHIFT = "POST /services/shifts"


@router.post("/shifts", response=answers(ShiftOut, 201, 422),
             summary="Create a shift (staff of the unit or the team's leader; honours Idempotency-Key)")
def create_volunteer_shift(request, payload: ShiftIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new shift (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, CREATE_SHIFT, request_hash)
        if done:
            return Status(done.status, done.body)
    team = None
    if payload.team_id:
        team = Team.objects.visible_to(user).select_related("unit").filter(pk=payload.team_id).first()
        if team is None:
            raise DomainError(_("Choose a team of your scope."), code="team", field="team_id")
    session = None
    if payload.session_id:
        session = Session.objects.visible_to(user).select_related("activity__unit").filter(pk=payload.session_id).first()
        if session is None:
            raise DomainError(_("Choose a session of your scope."), code="session", field="session_id")
    unit = _staff_unit(user, payload.unit_code) if payload.unit_code else (team.unit if team else None)
    if unit is None:
        raise DomainError(_("Choose a unit of your scope."), code="unit", field="unit_code")
    with transaction.atomic():
        done = idempotency.claim(user, key, CREATE_SHIFT, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        created = rules.create_shift(unit=unit, title=payload.title, starts_at=payload.starts_at, ends_at=payload.ends_at,
                                     by=user, team=team, session=session, places=payload.places)
        body = ShiftOut.model_validate(shift_out(created, user)).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, CREATE_SHIFT, 201, body)
    return Status(201, body)


def _staff_unit(user, code):
    from gongzhi.territory.models import Unit
    unit = Unit.objects.filter(code=code).first()
    # A unit one is not staff of is no unit, like a missing one.
    if unit is None or not (rules.is_staff_of(user, unit) or Team.objects.filter(unit=unit, leader=user).exists()):
        raise DomainError(_("Choose a unit of your scope."), code="unit", field="unit_code")
    return unit


@router.post("/shifts/{shift_id}/assign", response=answers(RecordOut), summary="Put a volunteer on a shift (the organizer)")
def assign_to_shift(request, shift_id: int, payload: AssignIn):
    user = request.auth
    found = _shift(user, shift_id)
    volunteer = Volunteer.objects.visible_to(user).filter(pk=payload.volunteer_id).first()
    if volunteer is None:
        raise DomainError(_("Choose a volunteer of your scope."), code="volunteer", field="volunteer_id")
    return record_out(rules.assign(found, volunteer, by=user))


@router.get("/service-records", response=answers(RecordPage), summary="Service records one may see (one's own, or one's scope)")
def list_service_records(request, status: str = "", volunteer_id: int = 0, after: str = "", limit: int = 50):
    found = ServiceRecord.objects.visible_to(request.auth).select_related("volunteer").distinct()
    if status:
        found = found.filter(status=status)
    if volunteer_id:
        found = found.filter(volunteer_id=volunteer_id)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [record_out(r) for r in rows], "next": cursor}


@router.post("/service-records/{record_id}/minutes", response=answers(RecordOut),
             summary="Report the actual minutes (the volunteer or the organizer); they count once confirmed")
def report_service_minutes(request, record_id: int, payload: MinutesIn):
    return record_out(rules.report_minutes(_record(request.auth, record_id), actual_minutes=payload.actual_minutes,
                                           by=request.auth))


@router.post("/service-records/{record_id}/confirm", response=answers(RecordOut),
             summary="Confirm the actual minutes (the organizer, never the volunteer): only then they count as hours")
def confirm_service_record(request, record_id: int, payload: MinutesIn = None):
    minutes = payload.actual_minutes if payload is not None else None
    return record_out(rules.confirm(_record(request.auth, record_id), by=request.auth, actual_minutes=minutes))


@router.post("/service-records/{record_id}/no-show", response=answers(RecordOut), summary="The volunteer did not come")
def no_show_service_record(request, record_id: int):
    return record_out(rules.mark_no_show(_record(request.auth, record_id), by=request.auth))

