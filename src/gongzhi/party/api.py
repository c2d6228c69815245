"""Party organizations and members in the JSON API."""
from datetime import date, datetime
from typing import Any, Optional

from ninja import Schema

from gongzhi.api.schemas import Page
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from gongzhi.api.common import MAX_LIMIT, answers, pk_page
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import under_codes_q

from .models import PartyMember, PartyOrganization
from .service import service_minutes


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
    # Confirmed volunteer service this calendar year (双报到), from the registered sources.
    service_minutes_this_year: int = 0


class MemberPage(Page):
    items: list[MemberOut]


router = Router(tags=["party"])


def organization_out(o):
    return {"id": o.pk, "name": o.name, "kind": o.kind, "unit_code": o.unit.code, "parent_id": o.parent_id,
            "secretary_id": o.secretary_id, "member_count": o.member_count, "is_working": o.is_working}


@router.get("/organizations", response=answers(OrganizationPage), summary="Party organizations, with the functioning rule")
def list_organizations(request, kind: str = "", unit: str = "", after: str = "", limit: int = 50):
    orgs = PartyOrganization.objects.visible_to(request.auth).with_working().select_related("unit")
    if kind:
        orgs = orgs.filter(kind=kind)
    if unit:
        orgs = orgs.filter(under_codes_q("unit__code", [unit]))
    rows, cursor = pk_page(orgs, after, limit)
    return {"items": [organization_out(o) for o in rows], "next": cursor}


@router.get("/organizations/{org_id}", response=answers(OrganizationOut))
def get_organization(request, org_id: int):
    qs = PartyOrganization.objects.visible_to(request.auth).with_working().select_related("unit")
    return organization_out(get_object_or_404(qs, pk=org_id))


def member_out(m, served=None):
    if served is None:
        served = service_minutes([m], since=_year_start())
    return {"id": m.pk, "name": m.name, "organization_id": m.organization_id, "status": m.status,
            "employment": m.employment, "work_unit": m.work_unit, "phone_masked": mask_phone(m.phone),
            "service_minutes_this_year": served.get(m.pk, 0)}


def _year_start():
    return timezone.localdate().replace(month=1, day=1)


@router.get("/members", response=answers(MemberPage))
def list_members(request, organization_id: int = 0, after: str = "", limit: int = 50):
    members = PartyMember.objects.visible_to(request.auth)
    if organization_id:
        members = members.filter(organization_id=organization_id)
    rows, cursor = pk_page(members, after, limit)
    served = service_minutes(rows, since=_year_start())  # one query per source for the page
    return {"items": [member_out(m, served) for m in rows], "next": cursor}


@router.get("/members/{member_id}", response=answers(MemberOut))
def get_member(request, member_id: int):
    return member_out(get_object_or_404(PartyMember.objects.visible_to(request.auth), pk=member_id))


