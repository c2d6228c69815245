"""The industry pages, back office and API with two zones: 济宁高新区 (370871) and 昌吉高新区
(652371), each its own territory root. A Jining admin gets 404 on every Changji record; park
staff see their zone; a liaison sees only their own enterprise; list pages run a flat number
of queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.api.services import create_token
from gongzhi.industry.models import Chain, ChainLink, CoverageTarget, PartyStatus, Scale
from gongzhi.industry.services.enterprises import create_enterprise
from gongzhi.industry.services.uscc import make_uscc
from gongzhi.party.models import OrganizationKind, PartyOrganization
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user
from tests import test_scope_matrix  # noqa: F401,I001 - first: the matrix imports its parts itself; a part imported
# before it would be registered there half-made (its ROUTES not yet defined) and the matrix would miss it.
from tests.matrix.industry_enterprises import _industry  # noqa: E402


@pytest.fixture
def zones(world):
    w = world
    w.changji = territory.create_unit(name="昌吉高新区", level=Level.DISTRICT, code="652371")
    w.changji_part = territory.create_unit(name="北区", level=Level.STREET, parent=w.changji)
    w.changji_area = territory.create_unit(name="装备制造片区", level=Level.COMMUNITY, parent=w.changji_part)
    w.changji_branch = PartyOrganization.objects.create(name="昌吉企业党支部", kind=OrganizationKind.ENTERPRISE_BRANCH,
                                                        unit=w.changji_area)
    from gongzhi.party.models import PartyMember

    veteran = PartyMember.objects.create(name="老党员", gender="M", organization=w.changji_branch, employment="retired")
    w.c = _industry(w.changji, w.changji_area, w.changji_branch, veteran, "昌吉")
    w.changji_admin = make_user("changji-admin", Role.DISTRICT_ADMIN, [w.changji])
    w.jining_admin = make_user("jining-admin", Role.DISTRICT_ADMIN, [w.district])
    w.liaison = make_user("liaison", Role.ENTERPRISE_LIAISON, [w.changji])
    w.c.enterprise.liaisons.add(w.liaison)
    CoverageTarget.objects.create(zone=w.changji, year=2025, organization_coverage=60)
    return w


def _pages(c):
    return [f"/industry/enterprises/{c.enterprise.pk}/", f"/industry/chains/{c.chain.pk}/",
            "/industry/coverage/?zone=652371"]


def _admin_pages(c):
    return [f"/admin/industry/{kind.replace('industry_project', 'project').replace('_', '')}/{getattr(c, kind).pk}/change/"
            for kind in ("enterprise", "enterprise_year", "chain", "chain_link", "area_lead", "lead_visit", "need", "offer",
                         "match", "agreement", "partner", "partner_service", "industry_project", "evaluation_item",
                         "evaluation", "evaluation_result", "coverage_target")]


def _api(c):
    return [f"/api/v1/industry/enterprises/{c.enterprise.pk}", f"/api/v1/industry/chains/{c.chain.pk}",
            "/api/v1/industry/coverage?zone=652371"]


def test_the_zones_own_admin_sees_every_changji_record(client, zones):
    client.force_login(zones.changji_admin)
    for url in _pages(zones.c) + _admin_pages(zones.c):
        assert client.get(url).status_code == 200, url
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(zones.changji_admin, name='t')[1]}"}
    for url in _api(zones.c):
        assert client.get(url, **auth).status_code == 200, url


def test_a_jining_admin_gets_404_on_every_changji_record(client, zones):
    client.force_login(zones.jining_admin)
    for url in _pages(zones.c) + _admin_pages(zones.c):
        assert client.get(url).status_code == 404, url
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(zones.jining_admin, name='t')[1]}"}
    for url in _api(zones.c):
        response = client.get(url, **auth)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    listed = client.get("/api/v1/industry/enterprises", **auth).json()["items"]
    assert zones.c.enterprise.pk not in {e["id"] for e in listed}
    assert "昌吉" not in client.get("/industry/chains/").content.decode()
    assert "昌吉" not in client.get("/industry/partners/").content.decode()


def test_a_liaison_sees_their_own_enterprise_and_not_the_others(client, zones):
    client.force_login(zones.liaison)
    assert client.get(f"/industry/enterprises/{zones.c.enterprise.pk}/").status_code == 200
    assert client.get(f"/industry/enterprises/{zones.c.supplier.pk}/").status_code == 404
    body = client.get("/industry/").content.decode()
    assert zones.c.enterprise.name in body and zones.c.supplier.name not in body
    # The zone's chains and partners are shared with its liaisons.
    assert client.get(f"/industry/chains/{zones.c.chain.pk}/").status_code == 200


def test_a_liaison_sees_the_chain_map_but_the_money_of_their_own_links_only(client, zones):
    other = create_enterprise(name="邻居企业", uscc=make_uscc("652301", 8), unit=zones.changji_area, staff=20)
    zones.c.chain.members.add(other)
    ChainLink.objects.create(chain=zones.c.chain, supplier=zones.c.supplier, buyer=other, product="纸箱",
                             yearly_value_yuan=7654321, logistics_before_yuan=987654, logistics_after_yuan=876543)
    client.force_login(zones.liaison)
    page = client.get(f"/industry/chains/{zones.c.chain.pk}/").content.decode()
    # Who supplies whom is the chain's map; the neighbours' value and costs are theirs (decision 90).
    assert "纸箱" in page and "邻居企业" in page and 'data-testid="link-private"' in page
    assert "7,654,321" not in page and "987,654" not in page and 'data-testid="saving-yuan"' not in page
    assert "纸浆" in page  # their own link, with its figures
    import json
    import re

    graph = json.loads(re.search(r'<script id="chain-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert {node["value"] for node in graph["nodes"]} == {0}    # no enterprise's party-member count
    chain = client.get(f"/api/v1/industry/chains/{zones.c.chain.pk}",
                       HTTP_AUTHORIZATION=f"Bearer {create_token(zones.liaison, name='t')[1]}").json()
    assert chain["supply"]["saving_yuan"] is None and chain["supply"]["saving_rate"] is not None
    client.force_login(zones.changji_admin)
    page = client.get(f"/industry/chains/{zones.c.chain.pk}/").content.decode()
    assert "7,654,321" in page and 'data-testid="link-private"' not in page and 'data-testid="saving-yuan"' in page
    chain = client.get(f"/api/v1/industry/chains/{zones.c.chain.pk}",
                       HTTP_AUTHORIZATION=f"Bearer {create_token(zones.changji_admin, name='t')[1]}").json()
    assert chain["supply"]["saving_yuan"] is not None


def test_a_liaison_is_sent_from_the_staff_pages_to_their_own(client, zones):
    client.force_login(zones.liaison)
    for url in ("/industry/coverage/", "/industry/coverage/?zone=652371", "/industry/needs/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/industry/mine/"), url
    nav = client.get("/industry/mine/").content.decode()
    assert 'href="/industry/coverage/"' not in nav and 'href="/industry/needs/"' not in nav
    assert 'href="/industry/chains/"' in nav
    client.force_login(zones.changji_admin)
    nav = client.get("/industry/chains/").content.decode()
    assert 'href="/industry/coverage/"' in nav and 'href="/industry/needs/"' in nav
    # The list's address as people type it leads to the list.
    response = client.get("/industry/enterprises/?scale=small")
    assert (response.status_code, response["Location"]) == (302, "/industry/?scale=small")


def test_the_coverage_page_shows_the_rates_and_the_gap_list(client, zones):
    gap = create_enterprise(name="待建企业", uscc=make_uscc("652301", 5), unit=zones.changji_area, members_full=4, staff=30)
    client.force_login(zones.changji_admin)
    response = client.get("/industry/coverage/")
    assert response.status_code == 200
    page = response.content.decode()
    # own 1, none 2 (the supplier and the gap): 1 / 3 = 33.3 %
    assert 'data-rate="organization">33.3%' in page
    assert gap.name in page and "<script>" not in page.replace("<script src", "")
    assert response.context["target"].organization_coverage == 60


def test_the_chain_page_draws_its_graph_from_static_files(client, zones):
    client.force_login(zones.changji_admin)
    page = client.get(f"/industry/chains/{zones.c.chain.pk}/").content.decode()
    assert 'id="chain-data"' in page and "industry/chain.js" in page


def test_creating_an_enterprise_through_the_api_refuses_a_wrong_code(client, zones):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(zones.changji_admin, name='t')[1]}"}
    wrong = client.post("/api/v1/industry/enterprises", {"name": "错码企业", "uscc": "91350100M000100Y44",
                                                         "unit_code": zones.changji_area.code},
                        content_type="application/json", **auth)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "uscc_check"
    good = {"name": "新企业", "uscc": make_uscc("652301", 6), "unit_code": zones.changji_area.code}
    made = client.post("/api/v1/industry/enterprises", good, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1",
                       **auth)
    again = client.post("/api/v1/industry/enterprises", good, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1",
                        **auth)
    assert made.status_code == again.status_code == 201 and made.json()["id"] == again.json()["id"]
    jining = {**good, "uscc": make_uscc("652301", 7)}
    jining_auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(zones.jining_admin, name='t')[1]}"}
    assert client.post("/api/v1/industry/enterprises", jining, content_type="application/json",
                       **jining_auth).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_pages_run_a_flat_number_of_queries(client, zones):
    client.force_login(zones.changji_admin)
    urls = ["/industry/", "/industry/coverage/", "/industry/chains/", "/industry/partners/", "/industry/evaluations/"]
    few = [_count(client, url) for url in urls]
    from gongzhi.party.models import PartyMember

    for _i in range(4):
        veteran = PartyMember.objects.create(name="老党员", gender="M", organization=zones.changji_branch,
                                             employment="retired")
        _industry(zones.changji, zones.changji_area, zones.changji_branch, veteran, "昌吉")
    many = [_count(client, url) for url in urls]
    # The chains page asks each chain for its supply (a handful of chains per zone).
    assert few[:2] + few[3:] == many[:2] + many[3:]
    assert many[2] <= few[2] + 4


def test_the_menu_shows_the_entry_only_to_who_would_see_an_enterprise(client, zones):
    client.force_login(zones.changji_admin)
    assert 'data-testid="menu-industry"' in client.get("/").content.decode()
    client.force_login(zones.worker_a)  # Jining grid worker: no enterprise in their grid
    assert 'data-testid="menu-industry"' not in client.get("/").content.decode()


def test_the_list_finds_an_enterprise_by_the_beginning_of_its_credit_code_and_names_its_selects(client, zones):
    client.force_login(zones.changji_admin)
    code = zones.c.enterprise.uscc
    for q in (code, code[:8], code[:8].lower()):
        page = client.get("/industry/", {"q": q})
        assert zones.c.enterprise.name in page.content.decode(), q
    page = client.get("/industry/", {"q": "9" * 6}).content.decode()
    assert zones.c.enterprise.name not in page
    assert 'class="form-select" aria-label=' in page and "---------" not in page
