"""API: meetings — list and read (scoped), schedule, move, cancel, open, close, notice, sign in,
agenda items and minutes; meeting series.

Every meeting is found through ``Meeting.objects.visible_to(user)``: out of scope answers 404
exactly like missing. Rules (who may run a meeting, when sign-in works) are the services'; a
broken rule answers 400 with the one error shape. The POSTs that create something (a meeting,
a series, an agenda item) honour an Idempotency-Key like POST /cases.
"""
import datetime
from typing import Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.cases.models import OPEN_STATUSES, Case
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.party.models import PartyOrganization
from gongzhi.people.models import User
from gongzhi.territory.models import Unit

from .. import recurrence as rules_text
from ..models import AgendaItem, Meeting, MeetingFormat, MeetingSeries, Proposal, ProposalStatus
from ..services import meetings as rules

router = Router()


def _limit(model, name):
    return model._meta.get_field(name).max_length


class MeetingIn(Schema):
    format_code: Text(_limit(MeetingFormat, "code"))
    unit_code: Text(18) = ""
    organization_id: Optional[Id] = None
    starts_at: datetime.datetime
    title: Text(_limit(Meeting, "title")) = ""
    place: Text(_limit(Meeting, "place")) = ""


class MeetingSeriesIn(Schema):
    format_code: Text(_limit(MeetingFormat, "code"))
    unit_code: Text(18) = ""
    organization_id: Optional[Id] = None
    recurrence: Text(_limit(MeetingSeries, "recurrence")) = ""
    starts_on: datetime.date
    ends_on: Optional[datetime.date] = None
    title: Text(_limit(MeetingSeries, "title"))
    place: Text(_limit(MeetingSeries, "place")) = ""


class MeetingMoveIn(Schema):
    starts_at: datetime.datetime


class MeetingCancelIn(Schema):
    reason: Text(_limit(Meeting, "cancel_reason"))


class MeetingSignInIn(Schema):
    code: Text(20) = ""
    # Staff only: sign in this present participant on their behalf (no code needed).
    user_id: Optional[Id] = None


class AgendaItemIn(Schema):
    title: Text(_limit(AgendaItem, "title")) = ""
    proposal_id: Optional[Id] = None
    case_number: Optional[Text(20)] = None
    time_box_minutes: int = Field(15, strict=True, ge=1, le=240)


class AgendaItemMoveIn(Schema):
    position: int = Field(strict=True, ge=1, le=1000)


class MeetingMinutesIn(Schema):
    text: Text(LONG_TEXT)


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    proposal_id: Optional[int] = None
    case_number: Optional[str] = None
    time_box_minutes: int
    status: str
    minutes: str
    added_automatically: bool


class AgendaItemPage(Page):
    items: list[AgendaItemOut]


class MeetingOut(Schema):
    id: int
    title: str
    format_code: str
    purpose: str
    unit_code: str
    unit_name: str
    organization_id: Optional[int] = None
    series_id: Optional[int] = None
    occurs_on: Optional[datetime.date] = None
    moved: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    cancel_reason: str
    notice_sent_at: Optional[datetime.datetime] = None


class MeetingPage(Page):
    items: list[MeetingOut]


class MeetingDetail(MeetingOut):
    minutes: str
    attendance_count: int
    signed_in: bool
    # Only for those who run the meeting (for the room's screen); null for everyone else.
    signin_code: Optional[str] = None
    agenda: list[AgendaItemOut]


class MeetingAttendanceOut(Schema):
    meeting_id: int
    signed_in_at: datetime.datetime
    method: str
    on_behalf: bool


class MeetingNoticeOut(Schema):
    invited: int


class MeetingSeriesOut(Schema):
    id: int
    title: str
    format_code: str
    unit_code: str
    organization_id: Optional[int] = None
    recurrence: str
    described: str
    starts_on: datetime.date
    ends_on: Optional[datetime.date] = None
    place: str
    generated_until: Optional[datetime.date] = None


class MeetingSeriesPage(Page):
    items: list[MeetingSeriesOut]


def meeting_out(m):
    return {"id": m.pk, "title": m.title, "format_code": m.format.code, "purpose": m.format.purpose,
            "unit_code": m.unit.code, "unit_name": m.unit.name, "organization_id": m.organization_id,
            "series_id": m.series_id, "occurs_on": m.occurs_on, "moved": m.moved, "starts_at": m.starts_at,
            "ends_at": m.ends_at, "place": m.place, "status": m.status, "cancel_reason": m.cancel_reason,
            "notice_sent_at": m.notice_sent_at}


def item_out(i):
    return {"id": i.pk, "position": i.position, "title": i.title, "proposal_id": i.proposal_id,
            "case_number": i.case.number if i.case_id else None, "time_box_minutes": i.time_box_minutes,
            "status": i.status, "minutes": i.minutes, "added_automatically": i.added_automatically}


def _items(meeting, user):
    return AgendaItem.objects.visible_to(user).filter(meeting=meeting).select_related("case").order_by("position", "pk")


def meeting_detail(meeting, user):
    data = meeting_out(meeting)
    data.update(minutes=meeting.minutes, attendance_count=rules.attendance_count(meeting),
                signed_in=meeting.attendances.filter(user=user).exists(),
                signin_code=(meeting.signin_code or None) if rules.may_run(user, meeting) else None,
                agenda=[item_out(i) for i in _items(meeting, user)])
    return data


def visible_meeting(user, meeting_id):
    return get_object_or_404(Meeting.objects.visible_to(user).select_related("format", "unit", "organization"),
                             pk=meeting_id)


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


KEY_DOC = "Any string of at most 100 characters, new for each new request (e.g. a UUID)."


def _where(user, format_code, unit_code, organization_id):
    format = MeetingFormat.objects.filter(code=format_code, active=True).first()
    if format is None:
        raise DomainError(_("Unknown meeting format."), code="format", field="format_code")
    organization = None
    if organization_id:
        organization = PartyOrganization.objects.visible_to(user).select_related("unit").filter(pk=organization_id).first()
        if organization is None:
            raise DomainError(_("Choose a party organization of your scope."), code="organization",
                              field="organization_id")
    unit = organization.unit if organization else Unit.objects.visible_to(user).filter(code=unit_code).first()
    if unit is None:
        raise DomainError(_("Choose the unit the meeting belongs to."), code="unit", field="unit_code")
    return format, unit, organization


# --- meetings -------------------------------------------------------------------------------------

@router.get("/meetings", response=answers(MeetingPage), summary="Meetings of your scope, by id, with filters")
def list_meetings(request, status: str = "", purpose: str = "", unit: str = "", starts_after: datetime.datetime = None,
                  starts_before: datetime.datetime = None, after: str = "", limit: int = 50):
    found = Meeting.objects.visible_to(request.auth).select_related("format", "unit")
    if status:
        found = found.filter(status__in=status.split(","))
    if purpose:
        found = found.filter(format__purpose=purpose)
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit]))
    if starts_after:
        found = found.filter(starts_at__gte=starts_after)
    if starts_before:
        found = found.filter(starts_at__lt=starts_before)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [meeting_out(m) for m in rows], "next": cursor}


@router.get("/meetings/{meeting_id}", response=answers(MeetingDetail), summary="A meeting with its agenda")
def get_meeting(request, meeting_id: int):
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


@router.post("/meetings", response=answers(MeetingDetail, 201, 422), summary="Schedule a one-off meeting (honours Idempotency-Key)")
def schedule_meeting(request, payload: MeetingIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH, description=KEY_DOC)):
    user = request.auth

    def make():
        format, unit, organization = _where(user, payload.format_code, payload.unit_code, payload.organization_id)
        meeting = rules.schedule_meeting(format=format, unit=unit, organization=organization, starts_at=payload.starts_at,
                                         title=payload.title, place=payload.place, by=user)
        meeting = visible_meeting(user, meeting.pk)
        return 201, MeetingDetail.model_validate(meeting_detail(meeting, user)).model_dump(mode="json")

    return _idempotent(request, payload, idempotency_key, "POST /deliberation/meetings", make)


@router.post("/meetings/{meeting_id}/move", response=answers(MeetingDetail), summary="Move this one meeting")
def move_meeting(request, meeting_id: int, payload: MeetingMoveIn):
    meeting = visible_meeting(request.auth, meeting_id)
    rules.move_meeting(meeting, starts_at=payload.starts_at, by=request.auth)
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


@router.post("/meetings/{meeting_id}/cancel", response=answers(MeetingDetail), summary="Cancel this one meeting")
def cancel_meeting(request, meeting_id: int, payload: MeetingCancelIn):
    meeting = visible_meeting(request.auth, meeting_id)
    rules.cancel_meeting(meeting, reason=payload.reason, by=request.auth)
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


@router.post("/meetings/{meeting_id}/open", response=answers(MeetingDetail), summary="Open the meeting (sign-in starts)")
def open_meeting(request, meeting_id: int):
    rules.open_meeting(visible_meeting(request.auth, meeting_id), by=request.auth)
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


@router.post("/meetings/{meeting_id}/close", response=answers(MeetingDetail), summary="Close the meeting (held)")
def close_meeting(request, meeting_id: int):
    rules.close_meeting(visible_meeting(request.auth, meeting_id), by=request.auth)
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


@router.post("/meetings/{meeting_id}/notice", response=answers(MeetingNoticeOut), summary="Send the notice (once per participant)")
def send_meeting_notice(request, meeting_id: int):
    return {"invited": rules.send_notice(visible_meeting(request.auth, meeting_id), by=request.auth)}


@router.post("/meetings/{meeting_id}/signin", response=answers(MeetingAttendanceOut), summary="Sign in with the room's code "
             "(or, for staff, sign in a present participant on their behalf)")
def sign_in_meeting(request, meeting_id: int, payload: MeetingSignInIn):
    user = request.auth
    meeting = visible_meeting(user, meeting_id)
    if payload.user_id:
        person = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if person is None:
            raise DomainError(_("This person does not take part in this unit's meetings."),
                              code="not_participant", field="user_id")
        attendance = rules.sign_in(meeting, user=person, by=user)
    else:
        attendance = rules.sign_in(meeting, user=user, code=payload.code)
    return {"meeting_id": meeting.pk, "signed_in_at": attendance.signed_in_at, "method": attendance.method,
            "on_behalf": attendance.recorded_by_id is not None}


@router.post("/meetings/{meeting_id}/minutes", response=answers(MeetingDetail), summary="The meeting's minutes")
def record_meeting_minutes(request, meeting_id: int, payload: MeetingMinutesIn):
    rules.record_meeting_minutes(visible_meeting(request.auth, meeting_id), text=payload.text, by=request.auth)
    return meeting_detail(visible_meeting(request.auth, meeting_id), request.auth)


# --- agenda items ---------------------------------------------------------------------------------

@router.get("/meetings/{meeting_id}/items", response=answers(AgendaItemPage), summary="A meeting's agenda, in order")
def list_meeting_items(request, meeting_id: int):
    meeting = visible_meeting(request.auth, meeting_id)
    return {"items": [item_out(i) for i in _items(meeting, request.auth)], "next": None}


@router.post("/meetings/{meeting_id}/items", response=answers(AgendaItemOut, 201, 422),
             summary="Add an agenda item, from a proposal or a case of the unit (honours Idempotency-Key)")
def add_meeting_item(request, meeting_id: int, payload: AgendaItemIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH, description=KEY_DOC)):
    user = request.auth
    meeting = visible_meeting(user, meeting_id)

    def make():
        if not rules.may_run(user, meeting):
            raise DomainError(_("Only the staff of this meeting's unit may do this."), code="forbidden")
        proposal = case = None
        if payload.proposal_id:
            proposal = Proposal.objects.visible_to(user).filter(
                under_codes_q("unit__code", [meeting.unit.code]), pk=payload.proposal_id, status=ProposalStatus.OPEN).first()
            if proposal is None:
                raise DomainError(_("Choose an open proposal of this meeting's unit."), code="proposal",
                                  field="proposal_id")
        if payload.case_number:
            case = Case.objects.visible_to(user).filter(under_codes_q("grid_code", [meeting.unit.code]),
                                                        status__in=OPEN_STATUSES, number=payload.case_number).first()
            if case is None:
                raise DomainError(_("Choose an open case of this meeting's unit."), code="case",
                                  field="case_number")
        title = payload.title or (proposal.title if proposal else case.title if case else "")
        if proposal is not None:
            item = rules.add_proposal_item(meeting, proposal, by=user, title=title,
                                           time_box_minutes=payload.time_box_minutes)
        else:
            item = rules.add_item(meeting, title=title, by=user, case=case, time_box_minutes=payload.time_box_minutes)
        item = AgendaItem.objects.select_related("case").get(pk=item.pk)
        return 201, AgendaItemOut.model_validate(item_out(item)).model_dump(mode="json")

    return _idempotent(request, payload, idempotency_key, f"POST /deliberation/meetings/{meeting.pk}/items", make)


def visible_item(user, item_id):
    return get_object_or_404(AgendaItem.objects.visible_to(user).select_related("meeting__unit", "meeting__organization",
                                                                                "case"), pk=item_id)


@router.post("/items/{item_id}/move", response=answers(AgendaItemPage), summary="Put an item at another place on the agenda")
def move_meeting_item(request, item_id: int, payload: AgendaItemMoveIn):
    item = visible_item(request.auth, item_id)
    rules.move_item(item, position=payload.position, by=request.auth)
    return {"items": [item_out(i) for i in _items(item.meeting, request.auth)], "next": None}


@router.post("/items/{item_id}/minutes", response=answers(AgendaItemOut), summary="An item's minutes")
def record_item_minutes(request, item_id: int, payload: MeetingMinutesIn):
    item = visible_item(request.auth, item_id)
    rules.record_minutes(item, text=payload.text, by=request.auth)
    return item_out(visible_item(request.auth, item_id))


# --- series ---------------------------------------------------------------------------------------

def _described(rule_text):
    try:
        return rules_text.describe(rule_text)
    except DomainError:  # a rule edited into nonsense in the back office: shown as written only
        return ""


def series_out(s):
    return {"id": s.pk, "title": s.title, "format_code": s.format.code, "unit_code": s.unit.code,
            "organization_id": s.organization_id, "recurrence": s.recurrence, "described": _described(s.recurrence),
            "starts_on": s.starts_on, "ends_on": s.ends_on, "place": s.place, "generated_until": s.generated_until}


@router.get("/series", response=answers(MeetingSeriesPage), summary="Meeting series of your scope")
def list_series(request, after: str = "", limit: int = 50):
    rows, cursor = pk_page(MeetingSeries.objects.visible_to(request.auth).select_related("format", "unit"), after, limit)
    return {"items": [series_out(s) for s in rows], "next": cursor}


@router.post("/series", response=answers(MeetingSeriesOut, 201, 422),
             summary="Create a meeting series; its meetings are generated 60 days ahead (honours Idempotency-Key)")
def create_series(request, payload: MeetingSeriesIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH, description=KEY_DOC)):
    user = request.auth

    def make():
        format, unit, organization = _where(user, payload.format_code, payload.unit_code, payload.organization_id)
        series = rules.create_series(format=format, unit=unit, organization=organization,
                                     recurrence=payload.recurrence or format.recurrence, starts_on=payload.starts_on,
                                     ends_on=payload.ends_on, title=payload.title, place=payload.place, by=user)
        series = MeetingSeries.objects.select_related("format", "unit").get(pk=series.pk)
        return 201, MeetingSeriesOut.model_validate(series_out(series)).model_dump(mode="json")

    return _idempotent(request, payload, idempotency_key, "POST /deliberation/series", make)
