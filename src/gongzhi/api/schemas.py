"""Typed shapes of the JSON API (they make the OpenAPI spec at /api/v1/openapi.json)."""
from datetime import date, datetime
from typing import Any, Optional

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class Error(Schema):
    error: ErrorBody


class Page(Schema):
    next: Optional[str] = None


class UnitOut(Schema):
    code: str
    name: str
    level: int
    level_name: str
    parent_code: Optional[str] = None


class UnitDetail(UnitOut):
    boundary: Optional[dict[str, Any]] = None


class UnitPage(Page):
    items: list[UnitOut]


class EstateOut(Schema):
    id: int
    name: str
    grid_code: str
    address: str
    property_company: str


class EstatePage(Page):
    items: list[EstateOut]


class BuildingOut(Schema):
    id: int
    estate_id: int
    number: str
    micro_grid_code: Optional[str] = None
    floors: int
    lat: Optional[float] = None
    lng: Optional[float] = None


class BuildingPage(Page):
    items: list[BuildingOut]


class HouseholdOut(Schema):
    id: int
    building_id: int
    room: str


class HouseholdPage(Page):
    items: list[HouseholdOut]


class ResidentOut(Schema):
    id: int
    household_id: int
    name: str
    gender: str
    birth_date: date
    id_number_masked: str
    phone_masked: str
    is_household_head: bool


class ResidentPage(Page):
    items: list[ResidentOut]


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    field: str
    value: str


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    unit_code: str
    parent_id: Optional[int] = None
    secretary_id: Optional[int] = None
    member_count: int
    is_working: bool


class OrganizationPage(Page):
    items: list[OrganizationOut]


class MemberOut(Schema):
    id: int
    name: str
    organization_id: int
    status: str
    employment: str
    work_unit: str
    phone_masked: str


class MemberPage(Page):
    items: list[MemberOut]


class AgencyOut(Schema):
    id: int
    name: str
    kind: str
    utility_type: str


class AgencyPage(Page):
    items: list[AgencyOut]


class CategoryOut(Schema):
    code: str
    name: str
    parent_code: Optional[str] = None
    default_agency: str
    response_hours: int
    resolve_hours: int
    active: bool


class CaseIn(Schema):
    title: str
    description: str
    category_code: str
    lat: Optional[float] = None
    lng: Optional[float] = None
    building_id: Optional[int] = None
    address: str = ""
    contact_phone: str = ""
    source_detail: str = ""


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
    version: Optional[int] = None
    note: str = ""
    agency_id: Optional[int] = None
    agency_ids: list[int] = []
    main_case: Optional[str] = None
    category_code: Optional[str] = None
    rating: Optional[str] = None
    solved: bool = True
    comment: str = ""


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
