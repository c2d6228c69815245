"""Industry's cockpit part (decision 74): needs posted and solved per unit and month, each number
linking to the needs board filtered to that unit and month."""
from django.utils import timezone

from gongzhi.dashboard.parts import Part
from gongzhi.industry import cockpit
from gongzhi.industry.models import Match
from gongzhi.industry.services import market as rules
from tests.test_industry_needs_board import market  # noqa: F401 - the fixture


def test_needs_posted_and_solved_are_counted_per_unit_and_month_and_link_to_the_board(client, market):  # noqa: F811
    match = Match.objects.get(need=market.need)
    rules.confirm_match(match, by=market.staff, meeting=market.meeting)
    rules.solve_need(market.need, by=market.staff, outcome="融资到位")
    now = timezone.localtime()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timezone.timedelta(days=32)).replace(day=1)
    counted = {(code, measure): n for code, measure, n in cockpit.count(start, end)}
    code = market.area.code
    assert counted == {(code, "industry.needs_posted"): 2, (code, "industry.needs_solved"): 1}
    assert list(cockpit.count(start, end, unit_code=market.district.code)) == []
    part = cockpit.PARTS[0]
    assert isinstance(part, Part) and part.prefix == "industry."
    solved_link = part.figures[1].link(market.changji.code, start.date(), end.date())
    client.force_login(market.staff)
    body = client.get(solved_link).content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" not in body
    posted_link = part.figures[0].link(market.changji.code, start.date(), end.date())
    body = client.get(posted_link).content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" in body
    assert "流动资金五百万元" not in client.get(posted_link.replace(now.strftime("%Y-%m"), "2001-01")).content.decode()
    client.force_login(market.jining_admin)
    assert "流动资金五百万元" not in client.get(solved_link).content.decode()


# --- 两个覆盖 on the cockpit (decision 85), on the hand-computed fixture of test_industry_services ---

from tests.test_industry_services import park  # noqa: E402,F401 - the fixture


def month_of(day):
    import datetime

    from gongzhi.dashboard import tallies

    return tallies.month_bounds(datetime.date.fromisoformat(day))


def test_coverage_is_stored_per_unit_as_it_stood_at_each_month_end(park):  # noqa: F811
    counted = {(code, m): n for code, m, n in cockpit.count_coverage(*month_of("2026-02-01"))}
    a, b = park.grid_a.code, park.grid_b.code
    assert (counted[(a, "coverage.enterprises")], counted[(a, "coverage.organized")], counted[(a, "coverage.reached")]) == (3, 1, 1)
    assert (counted[(b, "coverage.enterprises")], counted[(b, "coverage.organized")], counted[(b, "coverage.reached")]) == (2, 0, 0)
    now = {(code, m): n for code, m, n in cockpit.count_coverage(*month_of(timezone.localdate().replace(day=1).isoformat()))}
    assert sum(n for (code, m), n in now.items() if m == "coverage.organized") == 2
    assert sum(n for (code, m), n in now.items() if m == "coverage.reached") == 3
    assert (now[(a, "coverage.sanyou_due")], now[(a, "coverage.sanyou_met")], now[(b, "coverage.sanyou_due")]) == (2, 1, 1)
    assert list(cockpit.count_coverage(*month_of("2026-02-01"), unit_code=park.grid_b.code)) == [
        (b, f"coverage.{m}", n) for m, n in zip(cockpit.COVERAGE_MEASURES, (2, 0, 0, 1, 0))]


def test_the_gauges_show_the_rates_against_the_targets_and_link_to_as_many_enterprises(client, park):  # noqa: F811
    from gongzhi.dashboard import cockpit as board
    from gongzhi.dashboard import tallies
    from gongzhi.industry.models import Chain, ChainLink, CoverageTarget

    CoverageTarget.objects.create(zone=park.district, year=2025, organization_coverage=60, sanyou_coverage=100, work_coverage=80)
    chain = Chain.objects.create(zone=park.district, name="造纸", leader=park.e["E1"])
    chain.members.set([park.e["E1"], park.e["E3"], park.e["E4"]])
    ChainLink.objects.create(chain=chain, supplier=park.e["E3"], buyer=park.e["E1"], product="木浆")
    ChainLink.objects.create(chain=chain, outside_supplier="外地浆厂", buyer=park.e["E1"], product="木浆")
    today = timezone.localdate()
    tallies.refresh_month(today)
    panels = {p["key"]: p for p in board.build(park.district, today)["panels"]}
    gauges = panels["coverage"]["series"]
    assert [(g["value"], g["part"], g["whole"], g["target"]) for g in gauges] == [
        (40.0, 2, 5, 60.0), (33.3, 1, 3, 100.0), (60.0, 3, 5, 80.0)]
    client.force_login(park.staff)
    for gauge in gauges:
        assert client.get(gauge["link"]).context["page"].paginator.count == gauge["part"], gauge["link"]
    graph = panels["chain"]
    assert graph["kind"] == "graph" and graph["title"].endswith("造纸")
    names = {n["name"]: n for n in graph["series"][0]["data"]}
    assert set(names) == {"E1", "E3", "E4", "外地浆厂"}
    assert names["E1"]["leader"] and client.get(names["E1"]["url"]).status_code == 200
    assert [e["local"] for e in graph["edges"]] == [True, False]


def test_a_unit_without_enterprises_has_no_coverage_panel(park):  # noqa: F811
    from gongzhi.dashboard import cockpit as board
    from gongzhi.dashboard import tallies
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    empty = territory.create_unit(name="空街道", level=Level.STREET, parent=park.district)
    tallies.refresh_month(timezone.localdate())
    assert "coverage" not in {p["key"] for p in board.build(empty, timezone.localdate())["panels"]}
