"""The territory's part of the JSON API: units, estates, buildings, households, residents."""
from datetime import date, datetime
from typing import Any, Optional

from ninja import Schema

from gongzhi.api.schemas import Page
from django.shortcuts import get_object_or_404
from ninja import Router

from gongzhi.api.common import MAX_LIMIT, answers, pk_page
from gongzhi.core.scoping import under_codes_q

from . import services as territory_services
from .models import CODE_LENGTH, Building, Estate, Household, Level, Resident, Unit


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


router = Router(tags=["territory"])


def unit_out(unit, detail=False):
    parent_code = unit.code[: CODE_LENGTH[Level(unit.level - 1)]] if unit.level > Level.DISTRICT else None
    data = {"code": unit.code, "name": unit.name, "level": unit.level, "level_name": str(Level(unit.level).label),
            "parent_code": parent_code}
    if detail:
        data["boundary"] = unit.boundary
    return data


@router.get("/units", response=answers(UnitPage), summary="Territory units")
def list_units(request, prefix: str = "", level: int = 0, after: str = "", limit: int = 50):
    units = Unit.objects.visible_to(request.auth)
    if prefix:
        units = units.filter(under_codes_q("code", [prefix]))
    if level:
        units = units.filter(level=level)
    rows, cursor = pk_page(units, after, limit)
    return {"items": [unit_out(u) for u in rows], "next": cursor}


@router.get("/units/{code}", response=answers(UnitDetail), summary="A territory unit with its GeoJSON boundary")
def get_unit(request, code: str):
    return unit_out(get_object_or_404(Unit.objects.visible_to(request.auth), code=code), detail=True)


@router.get("/estates", response=answers(EstatePage))
def list_estates(request, unit: str = "", after: str = "", limit: int = 50):
    estates = Estate.objects.visible_to(request.auth).select_related("grid")
    if unit:
        estates = estates.filter(under_codes_q("grid__code", [unit]))
    rows, cursor = pk_page(estates, after, limit)
    return {"items": [estate_out(e) for e in rows], "next": cursor}


def estate_out(e):
    return {"id": e.pk, "name": e.name, "grid_code": e.grid.code, "address": e.address, "property_company": e.property_company}


@router.get("/estates/{estate_id}", response=answers(EstateOut))
def get_estate(request, estate_id: int):
    return estate_out(get_object_or_404(Estate.objects.visible_to(request.auth).select_related("grid"), pk=estate_id))


def building_out(b):
    return {"id": b.pk, "estate_id": b.estate_id, "number": b.number, "micro_grid_code": b.micro_grid.code if b.micro_grid else None,
            "floors": b.floors, "lat": b.lat, "lng": b.lng}


@router.get("/buildings", response=answers(BuildingPage))
def list_buildings(request, estate_id: int = 0, after: str = "", limit: int = 50):
    buildings = Building.objects.visible_to(request.auth).select_related("micro_grid")
    if estate_id:
        buildings = buildings.filter(estate_id=estate_id)
    rows, cursor = pk_page(buildings, after, limit)
    return {"items": [building_out(b) for b in rows], "next": cursor}


@router.get("/buildings/{building_id}", response=answers(BuildingOut))
def get_building(request, building_id: int):
    return building_out(get_object_or_404(Building.objects.visible_to(request.auth).select_related("micro_grid"), pk=building_id))


@router.get("/households", response=answers(HouseholdPage))
def list_households(request, building_id: int = 0, after: str = "", limit: int = 50):
    households = Household.objects.visible_to(request.auth)
    if building_id:
        households = households.filter(building_id=building_id)
    rows, cursor = pk_page(households, after, limit)
    return {"items": [{"id": h.pk, "building_id": h.building_id, "room": h.room} for h in rows], "next": cursor}


@router.get("/households/{household_id}", response=answers(HouseholdOut))
def get_household(request, household_id: int):
    h = get_object_or_404(Household.objects.visible_to(request.auth), pk=household_id)
    return {"id": h.pk, "building_id": h.building_id, "room": h.room}


def resident_out(r):
    return {"id": r.pk, "household_id": r.household_id, "name": r.name, "gender": r.gender, "birth_date": r.birth_date,
            "id_number_masked": r.masked_id_number, "phone_masked": r.masked_phone, "is_household_head": r.is_household_head}


@router.get("/residents", response=answers(ResidentPage), summary="Residents (ID numbers and phones masked)")
def list_residents(request, household_id: int = 0, unit: str = "", after: str = "", limit: int = 50):
    residents = Resident.objects.visible_to(request.auth)
    if household_id:
        residents = residents.filter(household_id=household_id)
    if unit:
        residents = residents.filter(under_codes_q("household__building__estate__grid__code", [unit]))
    rows, cursor = pk_page(residents, after, limit)
    return {"items": [resident_out(r) for r in rows], "next": cursor}


@router.get("/residents/{resident_id}", response=answers(ResidentOut))
def get_resident(request, resident_id: int):
    return resident_out(get_object_or_404(Resident.objects.visible_to(request.auth), pk=resident_id))


@router.post("/residents/{resident_id}/reveal", response=answers(RevealOut), summary="One personal field in full (logged)")
def reveal_resident_field(request, resident_id: int, payload: RevealIn):
    resident = get_object_or_404(Resident.objects.visible_to(request.auth), pk=resident_id)
    value = territory_services.reveal_personal_field(request.auth, resident, payload.field)
    return {"field": payload.field, "value": value}

