"""Residents' problems in the JSON API: categories, cases and one POST per move, ratings, rates."""
import datetime as dt
from datetime import date, datetime
from typing import Any, Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field, StrictBool

from gongzhi.api import idempotency
from gongzhi.api.common import MAX_LIMIT, TooManyRequests, answers, pk_page
from gongzhi.api.schemas import Id, Latitude, Longitude, Page, Text, Version
from gongzhi.core.replica import reads_replica
from gongzhi.core.errors import DomainError
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import Agency
from gongzhi.territory.models import Building, Unit

from . import rates as case_rates
from . import services as case_services
from . import workflow
from .models import OPEN_STATUSES, Case, CaseRating, Category, Channel, RateDimension


class CategoryOut(Schema):
    code: str
    name: str
    parent_code: Optional[str] = None
    default_agency: str
    response_hours: int
    resolve_hours: int
    active: bool


def _limit(model, name):
    return model._meta.get_field(name).max_length


# Limits come from the columns, so the schema, the spec and the database agree.
class CaseIn(Schema):
    title: Text(_limit(Case, "title"))
    description: Text(_limit(Case, "description"))
    category_code: Text(_limit(Category, "code"))
    lat: Optional[Latitude] = None
    lng: Optional[Longitude] = None
    building_id: Optional[Id] = None
    address: Text(_limit(Case, "address")) = ""
    contact_phone: Text(_limit(Case, "contact_phone")) = ""
    source_detail: Text(_limit(Case, "source_detail")) = ""


class CaseOut(Schema):
    number: str
    title: str
    description: str
    category_code: str
    category_name: str
    channel: str
    status: str
    grid_code: str
    lat: Optional[float] = None
    lng: Optional[float] = None
    address: str
    created_at: datetime
    respond_by: datetime
    resolve_by: datetime
    closed_at: Optional[datetime] = None
    rating: str
    version: int
    overdue: bool


class TimelineOut(Schema):
    move: str
    actor: Optional[str] = None
    at: datetime
    note: str
    status_before: str
    status_after: str


class CaseDetail(CaseOut):
    timeline: list[TimelineOut]
    agencies: list[str]
    allowed_moves: list[str]


class CasePage(Page):
    items: list[CaseOut]


class MoveIn(Schema):
    version: Optional[Version] = None
    note: Text(LONG_TEXT) = ""
    agency_id: Optional[Id] = None
    agency_ids: list[Id] = Field(default=[], max_length=100)
    main_case: Optional[Text(_limit(Case, "number"))] = None
    category_code: Optional[Text(_limit(Category, "code"))] = None
    rating: Optional[Text(_limit(CaseRating, "rating"))] = None
    solved: StrictBool = True
    comment: Text(_limit(CaseRating, "comment")) = ""


class RatingOut(Schema):
    case_number: str
    rating: str
    solved: bool
    comment: str
    rated_at: datetime


class RatingPage(Page):
    items: list[RatingOut]


class RateOut(Schema):
    rank: Optional[int] = None
    key: str
    name: str
    total: int
    response_rate: float
    solution_rate: float
    satisfaction_rate: float
    composite: float


class RatesOut(Schema):
    dimension: str
    month: Optional[str] = None
    overall: RateOut
    items: list[RateOut]


router = Router(tags=["cases"])


def category_out(c):
    return {"code": c.code, "name": c.name, "parent_code": c.parent.code if c.parent_id else None,
            "default_agency": c.default_agency_kind, "response_hours": c.response_hours,
            "resolve_hours": c.resolve_hours, "active": c.active}


@router.get("/categories", response=answers(list[CategoryOut]), summary="The category tree (大类 and 小类)")
def list_categories(request):
    return [category_out(c) for c in Category.objects.visible_to(request.auth).select_related("parent")]


@router.get("/categories/{code}", response=answers(CategoryOut))
def get_category(request, code: str):
    return category_out(get_object_or_404(Category.objects.visible_to(request.auth).select_related("parent"), code=code))


def case_out(c, now):
    return {
        "number": c.number, "title": c.title, "description": c.description, "category_code": c.category.code,
        "category_name": c.category.name, "channel": c.channel, "status": c.status, "grid_code": c.grid_code,
        "lat": c.lat, "lng": c.lng, "address": c.address, "created_at": c.created_at, "respond_by": c.respond_by,
        "resolve_by": c.resolve_by, "closed_at": c.closed_at, "rating": c.rating, "version": c.version,
        "overdue": c.status in OPEN_STATUSES and c.resolve_by < now,
    }


# The case list's filters are the case filter set's (decision 83): the same names and meanings as
# /cases/ledger/ and the case export. Listed here for the schema; the filter set reads them.
FILTER_NOTE = ("Filters as on /cases/ledger/: q, category (id), category_code (comma list), unit, agency, status "
               "(comma list, `open` = every open status), channel, created_after/created_before and "
               "closed_after/closed_before (a date, the local day, or an ISO 8601 date and time; before is "
               "exclusive), overdue, rating, solved, supervised.")


@router.get("/cases", response=answers(CasePage), summary="Cases, newest first, with filters and a cursor",
            description=FILTER_NOTE)
def list_cases(request, q: str = "", status: str = "", category: str = "", category_code: str = "", unit: str = "",
               agency: str = "", channel: str = "", created_after: str = "", created_before: str = "",
               closed_after: str = "", closed_before: str = "", overdue: str = "", rating: str = "",
               solved: str = "", supervised: str = "", after: str = "", limit: int = 25):
    from ninja.errors import ValidationError as InvalidQuery

    from .filters import CaseFilterSet

    now = timezone.now()
    params = request.GET.copy()
    for paging in ("after", "limit"):
        params.pop(paging, None)
    filterset = CaseFilterSet(params, queryset=Case.objects.visible_to(request.auth).select_related("category"))
    if not filterset.is_valid():
        raise InvalidQuery([{"loc": ["query", name], "msg": str(messages[0]), "type": "filter"}
                            for name, messages in filterset.errors.items()])
    rows, cursor = cursor_page(filterset.qs, after or None, max(1, min(limit, MAX_LIMIT)))
    return {"items": [case_out(c, now) for c in rows], "next": cursor}


def case_detail(case, user):
    now = timezone.now()
    data = case_out(case, now)
    data["timeline"] = [
        {"move": e.move, "actor": str(e.actor) if e.actor else None, "at": e.at, "note": e.note,
         "status_before": e.status_before, "status_after": e.status_after}
        for e in case.timeline.select_related("actor")
    ]
    data["agencies"] = [link.agency.name for link in case.agency_links.select_related("agency") if link.returned_at is None]
    data["allowed_moves"] = workflow.allowed_moves(case, user)
    return data


def visible_case(user, number):
    return get_object_or_404(Case.objects.visible_to(user).select_related("category"), number=number)


@router.get("/cases/{number}", response=answers(CaseDetail), summary="A case with its timeline")
def get_case(request, number: str):
    return case_detail(visible_case(request.auth, number), request.auth)


CREATE_CASE = "POST /cases"  # the endpoint's name in IdempotencyRecord


@router.post("/cases", response=answers(CaseDetail, 201, 413, 415, 422, 429),
             summary="Report a case (honours Idempotency-Key)",
             description="With an `Idempotency-Key` header (at most 100 characters), a retry of the same request "
                         "answers with the first request's case instead of filing another, for "
                         "GONGZHI_IDEMPOTENCY_HOURS (default 24) hours. The same key with a different body is "
                         "refused with 422; a longer key with 400.")
def create_case(request, payload: CaseIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new case (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        # A retry of a finished request is answered without counting against the intake limit.
        done = idempotency.find(user, key, CREATE_CASE, request_hash)
        if done:
            return Status(done.status, done.body)
    verdict = intake(request, user)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    category = Category.objects.filter(code=payload.category_code).first()
    building = case_services.building_for_report(user, payload.building_id) if payload.building_id else None
    with transaction.atomic():
        # The key is taken first, in this transaction: a second request with it waits here
        # and then replays this one's answer (gongzhi.api.idempotency).
        done = idempotency.claim(user, key, CREATE_CASE, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        case = case_services.create_case(
            title=payload.title, description=payload.description, category=category, channel=Channel.MACHINE,
            recorded_by=user, contact_phone=payload.contact_phone, lat=payload.lat, lng=payload.lng,
            building=building, address=payload.address, source_detail=payload.source_detail, within_scope_of=user,
            numbered=False,
        )
        # The answer is made before the number is taken (services.take_number): from the number
        # to the commit every other intake waits, so only two writes and the commit lie between.
        body = CaseDetail.model_validate(case_detail(case, user)).model_dump(mode="json")
        body["number"] = case_services.take_number(case)
        if key:
            idempotency.finish(user, key, CREATE_CASE, 201, body)
    return Status(201, body)


def _move_endpoint(name):
    def make_move(request, number: str, payload: MoveIn):
        user = request.auth
        case = visible_case(user, number)
        params = {}
        if payload.category_code and name in ("dispatch", "whistle"):
            params["category"] = get_object_or_404(Category.objects.visible_to(user), code=payload.category_code)
        if name == "dispatch":
            params["agency"] = Agency.objects.visible_to(user).filter(pk=payload.agency_id or 0).first()
        elif name == "whistle":
            params["agencies"] = list(Agency.objects.visible_to(user).filter(pk__in=payload.agency_ids))
        elif name == "merge":
            params["main_case"] = Case.objects.visible_to(user).filter(number=payload.main_case or "").first()
        elif name in ("rate", "return_visit"):
            params.update(rating=payload.rating, solved=payload.solved, comment=payload.comment)
        workflow.perform(case.pk, name, user, expected_version=payload.version, note=payload.note, **params)
        return case_detail(visible_case(user, number), user)

    make_move.__name__ = f"case_{name}"
    return make_move


for _name, _move in workflow.MOVES.items():
    if _move.actor == "system":
        continue  # register is POST /cases; close_with_main follows from closing the main case
    router.post(f"/cases/{{number}}/{_name}", response=answers(CaseDetail, 200, 409, 413, 415), summary=str(_move.label),
               operation_id=f"case_{_name}")(_move_endpoint(_name))


@router.get("/ratings", response=answers(RatingPage), summary="Ratings of the cases you can see")
def list_ratings(request, after: str = "", limit: int = 50):
    ratings = CaseRating.objects.filter(case__in=Case.objects.visible_to(request.auth)).select_related("case")
    rows, cursor = pk_page(ratings, after, limit)
    return {"items": [{"case_number": r.case.number, "rating": r.rating, "solved": r.solved, "comment": r.comment,
                       "rated_at": r.rated_at} for r in rows], "next": cursor}


def rate_out(rank, key, name, r):
    return {"rank": rank, "key": key, "name": name, "total": r.total, "response_rate": r.response_rate,
            "solution_rate": r.solution_rate, "satisfaction_rate": r.satisfaction_rate, "composite": r.composite}


@router.get("/rates", response=answers(RatesOut), summary="The three rates and the composite ranking")
@reads_replica
def get_rates(request, dimension: str = "grid", month: str = ""):
    if dimension not in RateDimension.values:
        raise DomainError(_("Unknown dimension."), code="dimension", field="dimension")
    month_date = None
    if month:
        try:
            month_date = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise DomainError(_("A month is written YYYY-MM."), code="month", field="month")
    ranked, overall = case_rates.visible_ranking(request.auth, dimension, month_date)
    keys = [k for k, _r in ranked]
    if dimension == RateDimension.AGENCY:
        names = {str(pk): n for pk, n in Agency.objects.filter(pk__in=[k for k in keys if k.isdigit()]).values_list("pk", "name")}
    else:
        names = dict(Unit.objects.filter(code__in=keys).values_list("code", "name"))
    return {
        "dimension": dimension, "month": month or None,
        "overall": rate_out(None, "all", "", overall),
        "items": [rate_out(rank, key, names.get(key, key), r) for rank, key, r in case_rates.ranks(ranked)],
    }


