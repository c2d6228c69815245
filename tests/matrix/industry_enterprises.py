"""The industry app in the scope matrix: each district of the matrix world is a zone of its own
(its code is a territory root), with an enterprise in its grid and every industry record around
it. A district's admin sees none of the other's (decision 65)."""
import datetime
import itertools
from types import SimpleNamespace

from gongzhi.industry.services.uscc import make_uscc
from tests.test_scope_matrix import GET, POST, on

serial = itertools.count(1)

ADMIN_OBJECTS = {
    "industry.Enterprise": "enterprise",
    "industry.EnterpriseYear": "enterprise_year",
    "industry.CoverageTarget": "coverage_target",
    "industry.Chain": "chain",
    "industry.ChainLink": "chain_link",
    "industry.AreaLead": "area_lead",
    "industry.LeadVisit": "lead_visit",
    "industry.Need": "need",
    "industry.Offer": "offer",
    "industry.Match": "match",
    "industry.Agreement": "agreement",
    "industry.Partner": "partner",
    "industry.PartnerService": "partner_service",
    "industry.Project": "industry_project",
    "industry.EvaluationItem": "evaluation_item",
    "industry.Evaluation": "evaluation",
    "industry.EvaluationResult": "evaluation_result",
}

by_pk = (lambda o: {"pk": o.pk})

ROUTES = {
    "industry:enterprises": on(None, lambda o: {}, methods=(GET,), query=lambda o: {"scale": "small", "q": "企业"}),
    "industry:enterprise-list": on(None, lambda o: {}, methods=(GET,)),
    "industry:enterprise": on("enterprise", by_pk, methods=(GET,)),
    # The zone by its code: another zone's code is no zone, like a missing one.
    "industry:coverage": on("zone", lambda o: {}, methods=(GET,), query=lambda o: {"zone": o.code}),
    "industry:chains": on(None, lambda o: {}, methods=(GET,)),
    "industry:chain": on("chain", by_pk, methods=(GET,)),
    "industry:partners": on(None, lambda o: {}, methods=(GET,)),
    # 政产学研: a project recorded for an enterprise with a university (both named in the body),
    # and a project's results updated.
    "industry:project-record": on("industry_project", lambda o: {}, methods=(POST,), body=lambda o: {
        "enterprise": getattr(o, "enterprise_id", 999999), "university": getattr(o, "university_id", 999999),
        "title": "矩阵项目"}),
    "industry:project-results": on("industry_project", by_pk, methods=(POST,), body=lambda o: {
        "patents": "3", "standards": "1", "revenue_yuan": "150万"}),
    "industry:evaluations": on(None, lambda o: {}, methods=(GET,)),
    # 五个好 recorded from the page: the organization is named in the body (another zone's: 404).
    "industry:evaluation-record": on("organization", lambda o: {}, methods=(POST,), body=lambda o: {
        "organization": o.pk, "year": "2025"}),
    # The market's pages (decision 77): the board filtered to the need's kind, a need, its moves.
    "industry:needs": on(None, lambda o: {}, methods=(GET,), query=lambda o: {"kind": "funding", "status": "open"}),
    "industry:need": on("need", by_pk, methods=(GET,)),
    "industry:need-solve": on("need", by_pk, methods=(POST,), body=lambda o: {"outcome": "矩阵结果"}),
    "industry:need-agreement": on("need", by_pk, methods=(POST,), body=lambda o: {"title": "矩阵协议"}),
    "industry:match-confirm": on("match", by_pk, methods=(POST,)),
    "industry:match-reject": on("match", by_pk, methods=(POST,)),
    # A liaison's own page and forms: their own enterprises only, nothing to name.
    "industry:mine": on(None, lambda o: {}, methods=(GET,)),
    "industry:mine-need": on(None, lambda o: {}, methods=(POST,), body=lambda o: {"kind": "funding", "text": "矩阵需求"}),
    "industry:mine-offer": on(None, lambda o: {}, methods=(POST,), body=lambda o: {"kind": "funding", "text": "矩阵供给"}),
    # 红色帮扶网: the zone's leads, and a lead's page with the form recording a visit to one of
    # the lead's enterprises (named in the body; the lead by its address).
    "industry:area-leads": on(None, lambda o: {}, methods=(GET,)),
    "industry:agreements": on(None, lambda o: {}, methods=(GET,)),
    "industry:area-lead": on("area_lead", by_pk, body=lambda o: {
        "enterprise": _first_enterprise(o), "visited_on": "2026-01-05", "notes": "矩阵走访"}),
}


def _first_enterprise(lead):
    enterprises = getattr(lead, "enterprises", None)
    return (enterprises.values_list("pk", flat=True).first() if enterprises is not None else None) or 999999

API = {
    "GET /industry/enterprises": on(None, lambda o: {}, methods=(GET,), query=lambda o: {"scale": "small"}),
    "GET /industry/enterprises/{enterprise_id}": on("enterprise", lambda o: {"enterprise_id": o.pk}, methods=(GET,)),
    # A unit one does not cover answers like a missing one.
    "POST /industry/enterprises": on("unit", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "name": "矩阵企业", "uscc": make_uscc(o.code[:6], 99_000_000 + o.pk), "unit_code": o.code}),
    "GET /industry/coverage": on("zone", lambda o: {}, methods=(GET,), query=lambda o: {"zone": o.code}),
    "GET /industry/chains": on(None, lambda o: {}, methods=(GET,)),
    "GET /industry/chains/{chain_id}": on("chain", lambda o: {"chain_id": o.pk}, methods=(GET,)),
    "GET /industry/area-leads": on(None, lambda o: {}, methods=(GET,)),
    "GET /industry/area-leads/{lead_id}": on("area_lead", lambda o: {"lead_id": o.pk}, methods=(GET,)),
    "POST /industry/area-leads/{lead_id}/visits": on("area_lead", lambda o: {"lead_id": o.pk}, methods=(POST,),
                                                     json_body=True, body=lambda o: {
                                                         "enterprise_id": _first_enterprise(o), "notes": "矩阵走访"}),
}

MISSING = {"zone": SimpleNamespace(code="999999", pk=999999)}


def _industry(zone, grid, branch, member, key, liaison=None):
    """Every industry record, in one zone (used by the matrix and the back-office lists)."""
    from gongzhi.industry import models as m
    from gongzhi.industry.services.enterprises import create_enterprise

    n = next(serial)
    o = SimpleNamespace()
    o.enterprise = create_enterprise(name=f"{key}企业{n}", uscc=make_uscc(zone.code, 70_000_000 + n), unit=grid,
                                     staff=50, members_full=3, party_status=m.PartyStatus.OWN, party_org=branch,
                                     liaisons=[liaison] if liaison else ())
    o.supplier = create_enterprise(name=f"{key}供应商{n}", uscc=make_uscc(zone.code, 80_000_000 + n), unit=grid, staff=10)
    o.enterprise_year = m.EnterpriseYear.objects.create(enterprise=o.enterprise, year=2024, revenue_yuan=1000, patents=1)
    # Years long past (1901–1990): a serial year could otherwise meet a test's own target or
    # evaluation year (2025, this year) and break a unique constraint, depending on test order.
    o.coverage_target = m.CoverageTarget.objects.create(zone=zone, year=1901 + n % 90, organization_coverage=60)
    o.chain = m.Chain.objects.create(zone=zone, name=f"{key}产业链{n}", leader=o.enterprise, committee=branch)
    o.chain.members.set([o.enterprise, o.supplier])
    o.chain_link = m.ChainLink.objects.create(chain=o.chain, supplier=o.supplier, buyer=o.enterprise, product="纸浆",
                                              yearly_value_yuan=100, logistics_before_yuan=10, logistics_after_yuan=8)
    o.area_lead = m.AreaLead.objects.create(zone=zone, member=member, area=f"{key}片区")
    o.area_lead.enterprises.set([o.enterprise])
    o.lead_visit = m.LeadVisit.objects.create(lead=o.area_lead, enterprise=o.enterprise, visited_on=datetime.date(2026, 1, 5))
    o.need = m.Need.objects.create(enterprise=o.enterprise, kind=m.NeedKind.FUNDING, text="流动资金", visit=o.lead_visit)
    o.partner = m.Partner.objects.create(zone=zone, kind=m.PartnerKind.BANK, name=f"{key}银行{n}")
    o.partner_service = m.PartnerService.objects.create(partner=o.partner, kind=m.ServiceKind.LOAN, text="党建贷")
    o.offer = m.Offer.objects.create(enterprise=o.supplier, kind=m.NeedKind.FUNDING, text="供应链金融")
    o.match = m.Match.objects.create(need=o.need, offer=o.offer, reason="同链上下游", score=1)
    o.agreement = m.Agreement.objects.create(zone=zone, title=f"{key}合作协议{n}", need=o.need,
                                             signed_on=datetime.date(2026, 1, 6))
    o.agreement.parties.set([o.enterprise, o.supplier])
    o.university = m.Partner.objects.create(zone=zone, kind=m.PartnerKind.UNIVERSITY, name=f"{key}大学{n}")
    o.industry_project = m.Project.objects.create(enterprise=o.enterprise, university=o.university, title="新型建材",
                                                  patents=2)
    o.evaluation_item = m.EvaluationItem.objects.create(zone=zone, position=n % 100, text="班子建设好")
    o.evaluation = m.Evaluation.objects.create(organization=branch, year=1901 + n % 90)
    o.evaluation_result = m.EvaluationResult.objects.create(evaluation=o.evaluation, item=o.evaluation_item, met=True)
    return o


KINDS = [kind for kind in ADMIN_OBJECTS.values()]


def build(d):
    d.industry = _industry(d.district, d.grid, d.branch, d.member, d.district.name)


def objects(d):
    return {**{kind: getattr(d.industry, kind) for kind in KINDS}, "zone": SimpleNamespace(code=d.district.code,
                                                                                           pk=d.district.pk)}


def _maker(kind):
    def make(w):
        from gongzhi.party.models import PartyMember

        member = PartyMember.objects.create(name="老党员", gender="M", organization=w.branch, employment="retired")
        return getattr(_industry(w.district, w.grid_a, w.branch, member, "办"), kind)
    return make


def _back_office_rows():
    from django.apps import apps

    return {apps.get_model(label): _maker(kind) for label, kind in ADMIN_OBJECTS.items()}


BACK_OFFICE_ROWS = _back_office_rows()
