"""API: coverage (两个覆盖) and chains (/api/v1/industry/coverage, /chains...): the same counts as
the pages, over the enterprises the caller sees, in a zone the caller works in (404 otherwise)."""
from decimal import Decimal
from typing import Optional

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from gongzhi.api.common import answers

from ..models import Chain, Enterprise, is_zone_staff
from ..services import chains as chain_rules
from ..services import coverage as rules
from ..services.zones import zone_of

router = Router()


class CoverageOut(Schema):
    enterprises: int
    organized: int
    reached: int
    sanyou_due: int
    sanyou_met: int
    organization_rate: Optional[float] = None
    work_rate: Optional[float] = None
    sanyou_rate: Optional[float] = None


class MonthOut(Schema):
    month: str
    enterprises: int
    organized: int
    reached: int
    organization_rate: Optional[float] = None
    work_rate: Optional[float] = None


class TargetOut(Schema):
    year: int
    organization_coverage: Decimal
    sanyou_coverage: Decimal
    work_coverage: Decimal


class ZoneCoverageOut(Schema):
    zone_code: str
    zone_name: str
    coverage: CoverageOut
    target: Optional[TargetOut] = None
    months: list[MonthOut]


class SupplyOut(Schema):
    links: int
    local_links: int
    local_share: Optional[float] = None
    saving_rate: Optional[float] = None
    # The yuan saved, for the zone's staff; a liaison gets the rate only (decision 90: with few
    # local links the sum would be another enterprise's own logistics cost).
    saving_yuan: Optional[Decimal] = None


class ChainOut(Schema):
    id: int
    name: str
    zone_code: str
    leader_id: Optional[int] = None
    committee_id: Optional[int] = None
    coverage: CoverageOut
    supply: SupplyOut


def _supply(report, user, chain):
    shown = {k: report[k] for k in ("links", "local_links", "local_share", "saving_rate", "saving_yuan")}
    if not is_zone_staff(user, chain.zone.code):
        shown["saving_yuan"] = None
    return shown


@router.get("/coverage", response=answers(ZoneCoverageOut), summary="两个覆盖 and 三有 of a zone, over time")
def zone_coverage(request, zone: str = ""):
    found = zone_of(request.auth, zone[:18])
    enterprises = Enterprise.objects.visible_to(request.auth).filter(pk__in=rules.in_unit(found).values("pk"))
    target = rules.target_for(found)
    return {"zone_code": found.code, "zone_name": found.name, "coverage": rules.coverage(enterprises),
            "target": target and {"year": target.year, "organization_coverage": target.organization_coverage,
                                  "sanyou_coverage": target.sanyou_coverage, "work_coverage": target.work_coverage},
            "months": rules.over_time(enterprises)}


@router.get("/chains", response=answers(list[ChainOut]), summary="Industry chains of your zones")
def list_chains(request):
    chains = Chain.objects.visible_to(request.auth).select_related("zone")
    return [{"id": c.pk, "name": c.name, "zone_code": c.zone.code, "leader_id": c.leader_id, "committee_id": c.committee_id,
             "coverage": report, "supply": _supply(chain_rules.chain_supply(c), request.auth, c)}
            for c, report in rules.by_chain(chains)]


@router.get("/chains/{chain_id}", response=answers(ChainOut), summary="One industry chain")
def get_chain(request, chain_id: int):
    chain = get_object_or_404(Chain.objects.visible_to(request.auth).select_related("zone"), pk=chain_id)
    report = rules.coverage(chain.members.all())
    return {"id": chain.pk, "name": chain.name, "zone_code": chain.zone.code, "leader_id": chain.leader_id,
            "committee_id": chain.committee_id, "coverage": report, "supply": _supply(chain_rules.chain_supply(chain), request.auth, chain)}
