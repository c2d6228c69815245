"""The agencies directory in the JSON API."""
from datetime import date, datetime
from typing import Any, Optional

from ninja import Schema

from gongzhi.api.schemas import Page
from django.shortcuts import get_object_or_404
from ninja import Router

from gongzhi.api.common import MAX_LIMIT, answers, pk_page

from .models import Agency


class AgencyOut(Schema):
    id: int
    name: str
    kind: str
    utility_type: str


class AgencyPage(Page):
    items: list[AgencyOut]


router = Router(tags=["agencies"])


def agency_out(a):
    return {"id": a.pk, "name": a.name, "kind": a.kind, "utility_type": a.utility_type}


@router.get("/agencies", response=answers(AgencyPage))
def list_agencies(request, kind: str = "", after: str = "", limit: int = 50):
    agencies = Agency.objects.visible_to(request.auth)
    if kind:
        agencies = agencies.filter(kind=kind)
    rows, cursor = pk_page(agencies, after, limit)
    return {"items": [agency_out(a) for a in rows], "next": cursor}


@router.get("/agencies/{agency_id}", response=answers(AgencyOut))
def get_agency(request, agency_id: int):
    return agency_out(get_object_or_404(Agency.objects.visible_to(request.auth), pk=agency_id))


