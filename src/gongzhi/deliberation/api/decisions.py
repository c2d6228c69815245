"""API: decisions (/api/v1/deliberation/decisions...): list, get, record, progress, verify, open a case.

Decisions are found through Decision.objects.visible_to, meetings through Meeting.objects.visible_to
(out of scope is 404 like missing); ``POST /decisions`` honours Idempotency-Key like POST /cases.
"""
from datetime import date, datetime
from typing import Optional

from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, Router, Schema, Status
from pydantic import Field

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.cases.models import Category
from gongzhi.core.scoping import under_codes_q
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Agency
from gongzhi.territory.models import Building

from ..models import AgendaItem, Decision, DecisionStatus, DecisionUpdate, Meeting, Purpose
from ..services import decisions as rules

router = Router()


def _limit(model, name):
    return model._meta.get_field(name).max_length


class DecisionIn(Schema):
    meeting_id: Id
    item_id: Optional[Id] = None
    what: Text(_limit(Decision, "what"))
    owner_kind: Text(20)
    due_on: date
    agency_id: Optional[Id] = None
    organization_id: Optional[Id] = None
    member_id: Optional[Id] = None
    owner_name: Text(_limit(Decision, "owner_name")) = ""


class DecisionProgressIn(Schema):
    percent: int = Field(strict=True, ge=0, le=100)
    note: Text(_limit(DecisionUpdate, "note")) = ""


class DecisionCaseIn(Schema):
    category_code: Text(_limit(Category, "code"))
    building_id: Optional[Id] = None


class DecisionUpdateOut(Schema):
    percent: int
    note: str
    at: datetime
    photos: int


class DecisionOut(Schema):
    id: int
    meeting_id: int
    item_id: Optional[int] = None
    unit_code: str
    what: str
    owner_kind: str
    owner: str
    due_on: date
    status: str
    percent: int
    overdue: bool
    escalated_level: Optional[int] = None
    case_number: Optional[str] = None
    case_status: Optional[str] = None
    verified_at: Optional[datetime] = None


class DecisionDetail(DecisionOut):
    updates: list[DecisionUpdateOut]


class DecisionPage(Page):
    items: list[DecisionOut]


RELATED = ("meeting__unit", "agency", "organization", "member", "case")


def decision_out(d, today=None):
    return {
        "id": d.pk, "meeting_id": d.meeting_id, "item_id": d.item_id, "unit_code": d.meeting.unit.code, "what": d.what,
        "owner_kind": d.owner_kind, "owner": d.owner_label(), "due_on": d.due_on, "status": d.status, "percent": d.percent,
        "overdue": d.is_overdue(today), "escalated_level": d.escalated_level,
        "case_number": d.case.number if d.case_id else None, "case_status": d.case.status if d.case_id else None,
        "verified_at": d.verified_at,
    }


def decision_detail(d):
    data = decision_out(d)
    data["updates"] = [{"percent": u.percent, "note": u.note, "at": u.at, "photos": u.n_photos}
                       for u in d.updates.order_by("at", "pk").annotate(n_photos=Count("photos"))]
    return data


def visible_decision(user, decision_id):
    return get_object_or_404(Decision.objects.visible_to(user).select_related(*RELATED), pk=decision_id)


@router.get("/decisions", response=answers(DecisionPage), summary="Decisions of your scope, with filters")
def list_decisions(request, status: str = "", unit: str = "", overdue: bool = False, after: str = "", limit: int = 50):
    found = Decision.objects.visible_to(request.auth).select_related(*RELATED)
    if status:
        found = found.filter(status__in=[s for s in status.split(",") if s in DecisionStatus.values])
    if unit:
        found = found.filter(under_codes_q("meeting__unit__code", [unit[:18]]))
    today = timezone.localdate()
    if overdue:
        found = found.overdue(today)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [decision_out(d, today) for d in rows], "next": cursor}


@router.get("/decisions/{decision_id}", response=answers(DecisionDetail), summary="A decision with its progress history")
def get_decision(request, decision_id: int):
    return decision_detail(visible_decision(request.auth, decision_id))


RECORD_DECISION = "POST /deliberation/decisions"


@router.post("/decisions", response=answers(DecisionDetail, 201, 422),
             summary="Record a meeting's decision (staff; honours Idempotency-Key)")
def record_decision(request, payload: DecisionIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new decision (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, RECORD_DECISION, request_hash)
        if done:
            return Status(done.status, done.body)
    meeting = get_object_or_404(Meeting.objects.visible_to(user).filter(format__purpose=Purpose.DELIBERATION)
                                .select_related("unit", "format"), pk=payload.meeting_id)
    item = get_object_or_404(AgendaItem.objects.filter(meeting=meeting), pk=payload.item_id) if payload.item_id else None
    agency = get_object_or_404(Agency.objects.visible_to(user), pk=payload.agency_id) if payload.agency_id else None
    organization = (get_object_or_404(PartyOrganization.objects.visible_to(user), pk=payload.organization_id)
                    if payload.organization_id else None)
    member = get_object_or_404(PartyMember.objects.visible_to(user), pk=payload.member_id) if payload.member_id else None
    with transaction.atomic():
        done = idempotency.claim(user, key, RECORD_DECISION, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        found = rules.record_decision(meeting=meeting, item=item, what=payload.what, owner_kind=payload.owner_kind,
                                      due_on=payload.due_on, by=user, agency=agency, organization=organization,
                                      member=member, owner_name=payload.owner_name)
        body = DecisionDetail.model_validate(decision_detail(visible_decision(user, found.pk))).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, RECORD_DECISION, 201, body)
    return Status(201, body)


@router.post("/decisions/{decision_id}/progress", response=answers(DecisionDetail),
             summary="Report progress (percent and note; photos on the page)")
def report_decision_progress(request, decision_id: int, payload: DecisionProgressIn):
    found = visible_decision(request.auth, decision_id)
    rules.report_progress(found, percent=payload.percent, note=payload.note, by=request.auth)
    return decision_detail(visible_decision(request.auth, decision_id))


@router.post("/decisions/{decision_id}/verify", response=answers(DecisionDetail),
             summary="Confirm the decision is carried out (the convener)")
def verify_decision(request, decision_id: int):
    rules.verify(visible_decision(request.auth, decision_id), by=request.auth)
    return decision_detail(visible_decision(request.auth, decision_id))


@router.post("/decisions/{decision_id}/case", response=answers(DecisionDetail, 200, 422),
             summary="Open a case for the decision's work and follow it")
def open_decision_case(request, decision_id: int, payload: DecisionCaseIn):
    found = visible_decision(request.auth, decision_id)
    category = Category.objects.visible_to(request.auth).filter(code=payload.category_code).first()
    building = None
    if payload.building_id:
        building = get_object_or_404(Building.objects.filter(under_codes_q("estate__grid__code", [found.meeting.unit.code])),
                                     pk=payload.building_id)
    rules.open_case(found, category=category, by=request.auth, building=building)
    return decision_detail(visible_decision(request.auth, decision_id))

