"""API: sites (list, read with opening hours, rooms and upgrades) and a room's free/busy day.

Every read goes through ``visible_to(user)``: another zone's site or room answers 404 exactly
like a missing one. Sites are written in the back office (master data), not here.
"""
import datetime
from decimal import Decimal
from typing import Optional

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Page
from gongzhi.core.scoping import under_codes_q

from ..models import Room, Site, SiteKind, Upgrade
from ..services import bookings as booking_rules
from ..services import sites as services

router = Router()


class PeriodOut(Schema):
    weekday: int
    opens: str
    closes: str


class RoomOut(Schema):
    id: int
    name: str
    capacity: int
    facilities: str
    bookable: bool
    needs_approval: bool
    checkin_grace_minutes: int
    max_booking_minutes: int


class UpgradeOut(Schema):
    id: int
    kind: str
    what: str
    started_on: datetime.date
    finished_on: Optional[datetime.date] = None
    cost_yuan: Decimal
    done: bool


class SiteOut(Schema):
    id: int
    kind: str
    name: str
    unit_code: str
    unit_name: str
    address: str
    lat: Optional[float] = None
    lng: Optional[float] = None
    phone: str
    facilities: str


class SiteDetailOut(SiteOut):
    description: str
    hours: list[PeriodOut]
    rooms: list[RoomOut]
    upgrades: list[UpgradeOut]


class SitePage(Page):
    items: list[SiteOut]


class SpanOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    busy: bool


class FreeBusyOut(Schema):
    room_id: int
    day: datetime.date
    spans: list[SpanOut]


def site_out(s):
    return {"id": s.pk, "kind": s.kind, "name": s.name, "unit_code": s.unit.code, "unit_name": s.unit.name,
            "address": s.address, "lat": s.lat, "lng": s.lng, "phone": s.phone, "facilities": s.facilities}


def room_out(r):
    return {f: getattr(r, f) for f in ("name", "capacity", "facilities", "bookable", "needs_approval",
                                       "checkin_grace_minutes", "max_booking_minutes")} | {"id": r.pk}


@router.get("/sites", response=answers(SitePage), summary="Sites of your zone, by kind and unit")
def list_sites(request, kind: str = "", unit: str = "", after: str = "", limit: int = 50):
    found = Site.objects.visible_to(request.auth).filter(active=True).select_related("unit")
    if kind:
        found = found.filter(kind__in=[k for k in kind.split(",") if k in SiteKind.values] or ["-"])
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit[:18]]))
    rows, cursor = pk_page(found, after, limit)
    return {"items": [site_out(s) for s in rows], "next": cursor}


@router.get("/sites/{site_id}", response=answers(SiteDetailOut), summary="A site: opening hours, rooms, upgrades")
def get_site(request, site_id: int):
    site = get_object_or_404(Site.objects.visible_to(request.auth).select_related("unit"), pk=site_id)
    hours = [{"weekday": d, "opens": f"{o:%H:%M}", "closes": f"{c:%H:%M}"}
             for d, spans in sorted(services.hours_of(site).items()) for o, c in spans]
    return {**site_out(site), "description": site.description, "hours": hours,
            "rooms": [room_out(r) for r in Room.objects.filter(site=site).order_by("name")],
            "upgrades": [{"id": u.pk, "kind": u.kind, "what": u.what, "started_on": u.started_on,
                          "finished_on": u.finished_on, "cost_yuan": u.cost_yuan, "done": u.done}
                         for u in Upgrade.objects.filter(site=site).order_by("-started_on")]}


@router.get("/rooms/{room_id}/free-busy", response=answers(FreeBusyOut),
            summary="A room's free and busy times on a day (no names)")
def room_free_busy(request, room_id: int, day: Optional[datetime.date] = None):
    room = get_object_or_404(Room.objects.visible_to(request.auth).select_related("site"), pk=room_id)
    day = day or timezone.localdate()
    return {"room_id": room.pk, "day": day,
            "spans": [{"starts_at": s, "ends_at": e, "busy": b} for s, e, b in booking_rules.free_busy(room, day)]}
