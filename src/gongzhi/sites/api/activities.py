"""API: activities — list and read (scoped), create (staff; honours Idempotency-Key), add a
session, sign up (for oneself or on behalf; honours Idempotency-Key), cancel (the first waiting
is promoted), one's sign-ups with their waiting-list position, a session's check-in (the door's
code, or staff recording a resident), open and close check-in.

Every activity, session and sign-up is found through ``visible_to(user)``: out of scope answers
404 exactly like missing. Rules are services.activities'; a broken rule answers 400 with the one
error shape.
"""
import datetime
from typing import Optional

from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.territory.models import Resident, Unit

from ..models import Activity, ActivityKind, CheckIn, Session, Signup, Site, person_q
from ..services import activities as rules
from ..services.people import may_act_for

router = Router()
KEY_DOC = "Any string of at most 100 characters, new for each new request (e.g. a UUID)."


def _limit(model, name):
    return model._meta.get_field(name).max_length


class ActivityIn(Schema):
    unit_code: Text(18)
    kind: Text(20) = ActivityKind.ACTIVITY
    title: Text(_limit(Activity, "title"))
    description: Text(LONG_TEXT) = ""
    site_id: Optional[Id] = None
    capacity: int = Field(30, strict=True, ge=0, le=100000)
    signup_closes_hours: int = Field(2, strict=True, ge=0, le=720)
    recurrence: Text(_limit(Activity, "recurrence")) = ""
    starts_on: Optional[datetime.date] = None
    ends_on: Optional[datetime.date] = None
    duration_minutes: int = Field(90, strict=True, ge=10, le=1440)
    birthday_month_only: bool = False
    status: Text(20) = "published"


class SessionIn(Schema):
    starts_at: datetime.datetime
    ends_at: Optional[datetime.datetime] = None


class SignupIn(Schema):
    # A course is enrolled as a whole (no session); any other activity per session.
    session_id: Optional[Id] = None
    # On behalf: a resident one is linked to (relative, carer) or covers as a grid worker.
    resident_id: Optional[Id] = None


class CheckInIn(Schema):
    code: Text(20) = ""
    # Staff only: check in this present resident on their behalf (no code needed).
    resident_id: Optional[Id] = None


class SessionOut(Schema):
    id: int
    activity_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    cancel_reason: str
    checked_in: int
    # Only for those who run the activity (for the door's screen); null for everyone else.
    checkin_code: Optional[str] = None


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    unit_code: str
    site_id: Optional[int] = None
    site_name: str
    capacity: int
    signup_closes_hours: int
    recurrence: str
    birthday_month_only: bool
    status: str


class ActivityPage(Page):
    items: list[ActivityOut]


class ActivityDetail(ActivityOut):
    description: str
    person_times: int
    places_left: Optional[int] = None
    sessions: list[SessionOut]


class SignupOut(Schema):
    id: int
    activity_id: int
    session_id: Optional[int] = None
    status: str
    waitlist_position: Optional[int] = None
    on_behalf: bool
    for_resident: bool
    created_at: datetime.datetime
    promoted_at: Optional[datetime.datetime] = None


class SignupPage(Page):
    items: list[SignupOut]


class CancelOut(Schema):
    signup: SignupOut
    promoted_id: Optional[int] = None


class CheckInOut(Schema):
    session_id: int
    at: datetime.datetime
    method: str
    on_behalf: bool


def activity_out(a):
    return {"id": a.pk, "kind": a.kind, "title": a.title, "unit_code": a.unit.code, "site_id": a.site_id,
            "site_name": a.site.name if a.site_id else "", "capacity": a.capacity,
            "signup_closes_hours": a.signup_closes_hours, "recurrence": a.recurrence,
            "birthday_month_only": a.birthday_month_only, "status": a.status}


def session_out(s, staff=False):
    return {"id": s.pk, "activity_id": s.activity_id, "starts_at": s.starts_at, "ends_at": s.ends_at, "status": s.status,
            "cancel_reason": s.cancel_reason,
            # Annotated on an activity's sessions (activity_detail): one query for all of them.
            "checked_in": s.n_checked_in if hasattr(s, "n_checked_in") else CheckIn.objects.filter(session=s).count(),
            "checkin_code": (s.checkin_code or None) if staff else None}


def activity_detail(a, user):
    staff = rules.may_run(user, a)
    sessions = list(Session.objects.filter(activity=a).annotate(n_checked_in=Count("checkins"))
                    .order_by("starts_at", "pk")[:200])
    first = next((s for s in sessions), None)
    data = activity_out(a)
    data.update(description=a.description, person_times=rules.person_times(a),
                places_left=rules.places_left(a, first) if (a.enrols_per_course or first) else None,
                sessions=[session_out(s, staff) for s in sessions])
    return data


def signup_out(s):
    return {"id": s.pk, "activity_id": s.activity_id, "session_id": s.session_id, "status": s.status,
            "waitlist_position": rules.waitlist_position(s), "on_behalf": s.on_behalf, "for_resident": s.resident_id is not None,
            "created_at": s.created_at, "promoted_at": s.promoted_at}


def visible_activity(user, activity_id):
    return get_object_or_404(Activity.objects.visible_to(user).select_related("unit", "site", "team"), pk=activity_id)


def visible_session(user, session_id):
    return get_object_or_404(Session.objects.visible_to(user).select_related("activity", "activity__unit",
                                                                             "activity__team"), pk=session_id)


def _resident(user, resident_id):
    if not resident_id:
        return None
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None or not may_act_for(user, resident):
        raise DomainError(_("No such resident."), code="not_found", field="resident_id")
    return resident


def _idempotent(request, payload, key_header, endpoint, make):
    """Run ``make()`` (returns (status, body)) once per Idempotency-Key, as POST /cases does."""
    user = request.auth
    key = idempotency.clean_key(key_header)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, endpoint, request_hash)
        if done:
            return Status(done.status, done.body)
    with transaction.atomic():
        done = idempotency.claim(user, key, endpoint, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        status, body = make()
        if key:
            idempotency.finish(user, key, endpoint, status, body)
    return Status(status, body)


# --- activities -----------------------------------------------------------------------------------

@router.get("/activities", response=answers(ActivityPage), summary="Activities of your district, by id, with filters")
def list_activities(request, kind: str = "", unit: str = "", site_id: int = None, status: str = "", after: str = "",
                    limit: int = 50):
    found = Activity.objects.visible_to(request.auth).select_related("unit", "site")
    if kind:
        found = found.filter(kind__in=kind.split(","))
    if status:
        found = found.filter(status__in=status.split(","))
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit[:18]]))
    if site_id:
        found = found.filter(site_id=site_id)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [activity_out(a) for a in rows], "next": cursor}


@router.get("/activities/{activity_id}", response=answers(ActivityDetail), summary="An activity with its sessions and person-times")
def get_activity(request, activity_id: int):
    return activity_detail(visible_activity(request.auth, activity_id), request.auth)


@router.post("/activities", response=answers(ActivityDetail, 201, 422),
             summary="Create an activity (staff of its unit; honours Idempotency-Key)")
def create_activity(request, payload: ActivityIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH, description=KEY_DOC)):
    user = request.auth

    def make():
        unit = Unit.objects.visible_to(user).filter(code=payload.unit_code).first()
        if unit is None:
            raise DomainError(_("Choose the unit the activity belongs to."), code="unit", field="unit_code")
        site = None
        if payload.site_id:
            site = Site.objects.visible_to(user).filter(pk=payload.site_id).first()
            if site is None:
                raise DomainError(_("Choose a site of your district."), code="invalid", field="site_id")
        activity = rules.create_activity(
            unit=unit, kind=payload.kind, title=payload.title, by=user, site=site, description=payload.description,
            capacity=payload.capacity, signup_closes_hours=payload.signup_closes_hours, recurrence=payload.recurrence,
            starts_on=payload.starts_on, ends_on=payload.ends_on, duration_minutes=payload.duration_minutes,
            birthday_month_only=payload.birthday_month_only, status=payload.status)
        activity = visible_activity(user, activity.pk)
        return 201, ActivityDetail.model_validate(activity_detail(activity, user)).model_dump(mode="json")

    return _idempotent(request, payload, idempotency_key, "POST /services/activities", make)


@router.post("/activities/{activity_id}/sessions", response=answers(SessionOut, 201), summary="Add a session by hand (staff)")
def add_activity_session(request, activity_id: int, payload: SessionIn):
    activity = visible_activity(request.auth, activity_id)
    session = rules.add_session(activity, starts_at=payload.starts_at, ends_at=payload.ends_at, by=request.auth)
    return Status(201, session_out(session, True))


# --- sign-ups -------------------------------------------------------------------------------------

@router.post("/activities/{activity_id}/signups", response=answers(SignupOut, 201, 422),
             summary="Sign up for the course or a session, for yourself or on behalf of a resident "
                     "(a place, or the waiting list when full; honours Idempotency-Key)")
def sign_up_activity(request, activity_id: int, payload: SignupIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH, description=KEY_DOC)):
    user = request.auth
    activity = visible_activity(user, activity_id)

    def make():
        session = None
        if payload.session_id:
            session = Session.objects.filter(activity=activity, pk=payload.session_id).first()
            if session is None:
                raise DomainError(_("Choose the session to sign up for."), code="required", field="session_id")
        signup = rules.sign_up(activity, by=user, session=session, resident=_resident(user, payload.resident_id))
        return 201, SignupOut.model_validate(signup_out(signup)).model_dump(mode="json")

    return _idempotent(request, payload, idempotency_key, f"POST /services/activities/{activity.pk}/signups", make)


@router.get("/activities/{activity_id}/signups", response=answers(SignupPage),
            summary="An activity's sign-ups: all of them for its staff, your own (and those you made) for anyone else")
def list_activity_signups(request, activity_id: int, after: str = "", limit: int = 50):
    user = request.auth
    activity = visible_activity(user, activity_id)
    found = Signup.objects.visible_to(user).filter(activity=activity)
    if not rules.may_run(user, activity):
        found = found.filter(person_q(user))
    rows, cursor = pk_page(found, after, limit)
    return {"items": [signup_out(s) for s in rows], "next": cursor}


@router.get("/signups", response=answers(SignupPage), summary="Your sign-ups (and those you made for others), with waiting-list positions")
def list_my_signups(request, after: str = "", limit: int = 50):
    rows, cursor = pk_page(Signup.objects.visible_to(request.auth).filter(person_q(request.auth)).live(), after, limit)
    return {"items": [signup_out(s) for s in rows], "next": cursor}


@router.post("/signups/{signup_id}/cancel", response=answers(CancelOut),
             summary="Cancel a sign-up; a freed place goes to the first on the waiting list at once")
def cancel_activity_signup(request, signup_id: int):
    signup = get_object_or_404(Signup.objects.visible_to(request.auth).select_related("activity", "resident"), pk=signup_id)
    promoted = rules.cancel_signup(signup, by=request.auth)
    signup.refresh_from_db()
    return {"signup": signup_out(signup), "promoted_id": promoted.pk if promoted else None}


# --- check-in -------------------------------------------------------------------------------------

@router.post("/activity-sessions/{session_id}/checkin", response=answers(CheckInOut),
             summary="Check in with the door's code (or, for staff, check in a present resident on their behalf)")
def check_in_session(request, session_id: int, payload: CheckInIn):
    user = request.auth
    session = visible_session(user, session_id)
    if payload.resident_id:
        row = rules.check_in(session, by=user, resident=_resident(user, payload.resident_id))
    else:
        row = rules.check_in(session, by=user, code=payload.code)
    return {"session_id": session.pk, "at": row.at, "method": row.method, "on_behalf": row.on_behalf}


@router.post("/activity-sessions/{session_id}/open", response=answers(SessionOut), summary="Open check-in (a fresh code)")
def open_session_checkin(request, session_id: int):
    session = rules.open_checkin(visible_session(request.auth, session_id), by=request.auth)
    return session_out(session, True)


@router.post("/activity-sessions/{session_id}/close", response=answers(SessionOut), summary="Record the session as held")
def close_activity_session(request, session_id: int):
    session = rules.close_session(visible_session(request.auth, session_id), by=request.auth)
    return session_out(session, True)
