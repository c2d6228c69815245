"""The industry demo step alone (昌吉高新区): the article's numbers are counted back from the
records it makes, and every record obeys the rules. The full world is tested in test_demo_world."""
import datetime
import time

import pytest
from django.test import override_settings

from gongzhi.core.demo import DemoBuilder
from gongzhi.industry import demo, figures
from gongzhi.industry.models import ORGANIZED, Chain, Enterprise, PartyStatus
from gongzhi.industry.services import chains, coverage
from gongzhi.industry.services.uscc import clean_uscc


@pytest.fixture(scope="module")
def changji(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        try:
            builder = DemoBuilder(seed=7, today=datetime.date(2026, 11, 28))
            started = time.monotonic()
            demo.build(builder)
            builder.seconds = time.monotonic() - started
            yield builder
        finally:  # rows written outside the tests' transactions must go even when building failed
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def w(changji, db):
    return changji.world


def test_the_step_is_quick(changji):
    assert changji.seconds < 30


def test_the_zone_has_the_articles_enterprises(w):
    code = demo.ZONE_CODE
    assert figures.above_scale(code) == 97
    assert 2100 < figures.small(code) < 2200
    assert figures.new_sector_orgs(code) == 42
    assert figures.new_sector_members(code) == 409
    assert figures.patents(code) == 24


def test_coverage_is_counted_from_the_records_near_the_articles(w):
    report = coverage.coverage(coverage.in_unit(w.changji))
    assert 60.0 <= report["organization_rate"] <= 62.0
    assert report["sanyou_rate"] == 100.0
    base = Enterprise.objects.filter(operating=True, non_public=True)
    assert report["organized"] == base.filter(party_status__in=ORGANIZED).count()
    assert figures.org_coverage(demo.ZONE_CODE) == round(report["organization_rate"] / 100, 3)


def test_the_chains_save_fifteen_to_twenty_percent_on_logistics(w):
    assert set(w.chains) == {"输变电", "造纸", "新型建材", "电商"}
    assert w.chains["造纸"].leader.name == "恒安纸业"
    assert w.chains["输变电"].leader.name == "特变电工"
    report = chains.zone_supply(w.changji)
    assert 15.0 <= report["saving_rate"] <= 20.0
    assert 50.0 < report["local_share"] < 100.0
    for chain in Chain.objects.all():
        assert 15.0 <= chains.chain_supply(chain)["saving_rate"] <= 20.0


def test_every_enterprise_obeys_the_rules_the_services_check(w):
    rows = list(Enterprise.objects.select_related("party_org__unit", "unit"))
    assert len({e.uscc for e in rows}) == len(rows)
    for e in rows:
        assert clean_uscc(e.uscc) == e.uscc
        assert e.unit.code.startswith(demo.ZONE_CODE)
        if e.party_status == PartyStatus.NONE:
            assert e.party_org is None
        else:
            assert e.party_org.unit.code.startswith(demo.ZONE_CODE) and e.organized_on is not None
        if e.members_full >= 3:
            assert e.party_status == PartyStatus.OWN  # 三有


def test_the_named_enterprises_carry_the_articles_numbers(w):
    henan = w.enterprises_by_name["恒安纸业"].years.get(year=2024)
    assert (henan.revenue_yuan, henan.tax_yuan) == (410_000_000, 14_710_000)
    hengtai = w.enterprises_by_name["恒泰建材"]
    assert sum(p.revenue_yuan for p in hengtai.projects.all()) == 2_500_000
    assert {p.university.name for p in hengtai.projects.all()} == {"同济大学", "新疆工程学院"}


def test_the_logins_see_their_zone_and_their_enterprise(w):
    assert Enterprise.objects.visible_to(w.park_staff).count() == Enterprise.objects.count()
    assert list(Enterprise.objects.visible_to(w.changji_liaison)) == [w.enterprises_by_name["恒安纸业"]]


@override_settings(DEMO_MODE=True)
def test_figures_json_has_the_zone_breakdown(client, w):
    from django.core.cache import cache

    cache.clear()
    found = client.get("/figures.json").json()
    zone = found["zones"][demo.ZONE_CODE]
    assert zone["name"] == "昌吉高新区"
    assert zone["enterprises_above_scale"] == found["enterprises_above_scale"] == 97
    assert 0.60 <= zone["org_coverage_rate"] <= 0.62


def test_the_enterprise_branches_have_their_members_a_secretary_and_pioneer_posts(w):
    from gongzhi.party.models import MemberStatus, PioneerPost

    for name in ("特变电工", "恒安纸业", "恒泰建材"):
        e = Enterprise.objects.select_related("party_org__secretary").get(name=name)
        members = e.party_org.members.all()
        assert members.filter(status=MemberStatus.FULL).count() == e.members_full, name
        assert members.filter(status=MemberStatus.PROBATIONARY).count() == e.members_probationary, name
        assert e.party_org.secretary in members
        assert PioneerPost.objects.filter(organization=e.party_org, holder__organization=e.party_org).exists(), name
