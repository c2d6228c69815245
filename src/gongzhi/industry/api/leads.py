"""API: 红色帮扶网 (/api/v1/industry/area-leads): the zone's area leads, one lead with their group
and visits, and recording a visit with the need it collected.

The same rules as the pages (services/leads.py): a visit is recorded by the lead's own account
or by park staff over the enterprise; a need collected on it is posted to the needs board in the
same transaction. Leads and visits are found through ``visible_to`` (out of scope answers 404
like missing); the visit's create honours Idempotency-Key like POST /cases.
"""
import datetime
from typing import Optional

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema

from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import NotFound

from ..models import AreaLead, LeadVisit, Need
from ..services import leads as rules
from .market import KEY_HEADER, NeedOut, _idempotent, _limit, need_out

router = Router()

RECENT_DAYS = 90  # the list's "visits lately", as on the page


class LeadOut(Schema):
    id: int
    zone_code: str
    area: str
    member: str
    enterprises: int
    visits_lately: int
    needs_collected: int


class LeadPage(Page):
    items: list[LeadOut]


class GroupEnterprise(Schema):
    id: int
    name: str


class VisitOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    visited_on: datetime.date
    notes: str
    needs: list[NeedOut]


class LeadDetail(LeadOut):
    group: list[GroupEnterprise]
    visits: list[VisitOut]


class VisitIn(Schema):
    enterprise_id: Id
    visited_on: Optional[datetime.date] = None
    notes: Text(_limit(LeadVisit, "notes")) = ""
    need_kind: Text(12) = ""
    need_text: Text(_limit(Need, "text")) = ""
    need_quantity: Text(_limit(Need, "quantity")) = ""


class VisitCreated(Schema):
    visit: VisitOut
    need: Optional[NeedOut] = None


def _counted(queryset):
    since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS)
    return queryset.select_related("member", "zone").annotate(
        n_enterprises=Count("enterprises", distinct=True),
        n_visits=Count("visits", filter=Q(visits__visited_on__gte=since), distinct=True),
        n_needs=Count("visits__needs", distinct=True))


def lead_out(lead):
    return {"id": lead.pk, "zone_code": lead.zone.code, "area": lead.area, "member": lead.member.name,
            "enterprises": lead.n_enterprises, "visits_lately": lead.n_visits, "needs_collected": lead.n_needs}


def visit_out(visit):
    return {"id": visit.pk, "enterprise_id": visit.enterprise_id, "enterprise": visit.enterprise.name,
            "visited_on": visit.visited_on, "notes": visit.notes,
            "needs": [need_out(n) for n in visit.needs.all()]}


def _lead(user, lead_id):
    return get_object_or_404(_counted(AreaLead.objects.visible_to(user)), pk=lead_id)


def _visits(user, lead):
    needs = Need.objects.select_related("enterprise").order_by("pk")
    return (LeadVisit.objects.visible_to(user).filter(lead=lead).select_related("enterprise")
            .prefetch_related(Prefetch("needs", queryset=needs)).order_by("-visited_on", "-pk"))


@router.get("/area-leads", response=answers(LeadPage), summary="红色帮扶网: the area leads of your scope")
def list_leads(request, after: str = "", limit: int = 50):
    rows, cursor = pk_page(_counted(AreaLead.objects.visible_to(request.auth)), after, limit)
    return {"items": [lead_out(lead) for lead in rows], "next": cursor}


@router.get("/area-leads/{lead_id}", response=answers(LeadDetail),
            summary="One area lead: their group of enterprises and their latest 50 visits with the needs collected")
def get_lead(request, lead_id: int):
    user = request.auth
    lead = _lead(user, lead_id)
    group = rules.group_for(user, lead).order_by("name").values("id", "name")
    return {**lead_out(lead), "group": list(group), "visits": [visit_out(v) for v in _visits(user, lead)[:50]]}


@router.post("/area-leads/{lead_id}/visits", response=answers(VisitCreated, 201, 422),
             summary="Record a visit of the lead to one of their enterprises, with the need it collected "
                     "(the lead's account or park staff; honours Idempotency-Key)")
def record_visit(request, lead_id: int, payload: VisitIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth

    def make():
        lead = _lead(user, lead_id)
        enterprise = rules.group_for(user, lead).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise NotFound(_("No such enterprise."), code="not_found", field="enterprise_id")
        visit, need = rules.record_visit(lead, enterprise, by=user, visited_on=payload.visited_on, notes=payload.notes,
                                         need_kind=payload.need_kind, need_text=payload.need_text,
                                         need_quantity=payload.need_quantity)
        shown = _visits(user, lead).get(pk=visit.pk)
        body = {"visit": visit_out(shown), "need": need_out(shown.needs.all()[0]) if need else None}
        return VisitCreated.model_validate(body).model_dump(mode="json")

    return _idempotent(request, idempotency_key, f"POST /industry/area-leads/{lead_id}/visits", payload, make)
