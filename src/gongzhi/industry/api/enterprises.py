"""API: enterprises (/api/v1/industry/enterprises...).

Enterprises are found through Enterprise.objects.visible_to (out of scope is 404 like missing);
the rules are services/enterprises.py. ``POST /enterprises`` honours Idempotency-Key like
POST /cases. Party members employed are counts, never names.
"""
from datetime import date
from decimal import Decimal
from typing import Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Header, Router, Schema, Status
from pydantic import Field
from django.utils.translation import gettext_lazy as _

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import NotFound
from gongzhi.core.scoping import under_codes_q
from gongzhi.party.models import PartyOrganization
from gongzhi.territory.models import Unit

from ..models import INDUSTRY_STAFF_ROLES, Enterprise, PartyStatus, Scale
from ..services import enterprises as rules

router = Router()


def _limit(name):
    return Enterprise._meta.get_field(name).max_length


Count = Field(0, strict=True, ge=0, le=1_000_000)


class EnterpriseIn(Schema):
    name: Text(_limit("name"))
    uscc: Text(30)
    unit_code: Text(18)
    scale: Text(10) = Scale.SMALL
    industry: Text(_limit("industry")) = ""
    address: Text(_limit("address")) = ""
    staff: int = Count
    members_full: int = Count
    members_probationary: int = Count
    operating: bool = True
    is_new_sector: bool = False
    party_status: Text(12) = PartyStatus.NONE
    party_org_id: Optional[Id] = None
    organized_on: Optional[date] = None


class YearOut(Schema):
    year: int
    revenue_yuan: Decimal
    tax_yuan: Decimal
    output_yuan: Decimal
    patents: int
    standards: int


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    scale: str
    industry: str
    unit_code: str
    staff: int
    members_full: int
    members_probationary: int
    operating: bool
    is_new_sector: bool
    party_status: str
    party_org_id: Optional[int] = None
    organized_on: Optional[date] = None
    reached: bool


class EnterpriseDetail(EnterpriseOut):
    address: str
    years: list[YearOut]
    chains: list[str]


class EnterprisePage(Page):
    items: list[EnterpriseOut]


def enterprise_out(e):
    return {"id": e.pk, "name": e.name, "uscc": e.uscc, "scale": e.scale, "industry": e.industry, "unit_code": e.unit.code,
            "staff": e.staff, "members_full": e.members_full, "members_probationary": e.members_probationary,
            "operating": e.operating, "is_new_sector": e.is_new_sector, "party_status": e.party_status,
            "party_org_id": e.party_org_id, "organized_on": e.organized_on, "reached": e.instructor_id is not None}


def enterprise_detail(e):
    return {**enterprise_out(e), "address": e.address,
            "years": [{"year": y.year, "revenue_yuan": y.revenue_yuan, "tax_yuan": y.tax_yuan, "output_yuan": y.output_yuan,
                       "patents": y.patents, "standards": y.standards} for y in e.years.order_by("-year")],
            "chains": [c.name for c in e.chains.order_by("name")]}


def visible_enterprise(user, enterprise_id):
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("unit"), pk=enterprise_id)


@router.get("/enterprises", response=answers(EnterprisePage), summary="Enterprises of your scope")
def list_enterprises(request, unit: str = "", scale: str = "", party_status: str = "", q: str = "", after: str = "",
                     limit: int = 50):
    found = Enterprise.objects.visible_to(request.auth).select_related("unit")
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit[:18]]))
    if scale in Scale.values:
        found = found.filter(scale=scale)
    if party_status in PartyStatus.values:
        found = found.filter(party_status=party_status)
    if q:
        found = found.filter(name__contains=q[:50])
    rows, cursor = pk_page(found, after, limit)
    return {"items": [enterprise_out(e) for e in rows], "next": cursor}


@router.get("/enterprises/{enterprise_id}", response=answers(EnterpriseDetail), summary="One enterprise")
def get_enterprise(request, enterprise_id: int):
    return enterprise_detail(visible_enterprise(request.auth, enterprise_id))


CREATE = "POST /industry/enterprises"


KEY_HEADER = dict(alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
                  description="Send the same key to retry safely: the first answer is replayed (422 if the body differs).")


@router.post("/enterprises", response=answers(EnterpriseDetail, 201, 422),
             summary="Register an enterprise (the credit code's check character is verified; honours Idempotency-Key)")
def create_enterprise(request, payload: EnterpriseIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    data = payload.dict()
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, CREATE, request_hash)
        if done:
            return Status(done.status, done.body)
    with transaction.atomic():
        done = idempotency.claim(user, key, CREATE, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        unit = Unit.objects.visible_to(user).filter(code=data.pop("unit_code")).first()
        if unit is None or not user.holds(INDUSTRY_STAFF_ROLES):
            raise NotFound(_("No such unit."), code="not_found", field="unit_code")
        org_id = data.pop("party_org_id")
        org = PartyOrganization.objects.visible_to(user).select_related("unit").filter(pk=org_id).first() if org_id else None
        if org_id and org is None:
            raise NotFound(_("No such party organization."), code="not_found", field="party_org_id")
        enterprise = rules.create_enterprise(by=user, unit=unit, party_org=org, **data)
        body = EnterpriseDetail.model_validate(enterprise_detail(visible_enterprise(user, enterprise.pk))).model_dump(
            mode="json")
        if key:
            idempotency.finish(user, key, CREATE, 201, body)
    return Status(201, body)
