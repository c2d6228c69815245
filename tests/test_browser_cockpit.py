"""In a real browser: a street admin opens the cockpit, sees every chart drawn with data and the
grid map with its polygons, goes down to a grid, and puts the big screen on the wall."""
import pytest
from playwright.sync_api import expect

from gongzhi.dashboard import tallies
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)
from tests.test_cockpit_page import cockpit  # noqa: F401  (fixture)

CHARTS = """() => Array.from(document.querySelectorAll('.cockpit-chart')).map(el => {
  const chart = echarts.getInstanceByDom(el);
  const series = chart ? chart.getOption().series : [];
  return {key: el.dataset.panel, series: series.length,
          points: series.reduce((n, s) => n + (s.data || []).length, 0)};
})"""


def sign_in(page, url, user):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def enterprises_in(w):
    """Three enterprises of grid A (one organized, two reached), a chain between two of them."""
    from gongzhi.industry.models import Chain, ChainLink, CoverageTarget, PartyStatus
    from gongzhi.industry.services.enterprises import create_enterprise
    from gongzhi.industry.services.uscc import make_uscc
    from gongzhi.party.models import OrganizationKind, PartyOrganization

    branch = PartyOrganization.objects.create(name="甲厂党支部", kind=OrganizationKind.ENTERPRISE_BRANCH, unit=w.grid_a)
    made = [create_enterprise(name=name, uscc=make_uscc("370871", n + 1), unit=w.grid_a, staff=30, members_full=full,
                              party_status=PartyStatus.OWN if n == 0 else PartyStatus.NONE,
                              party_org=branch if n == 0 else None, instructor=w.worker_a if n < 2 else None)
            for n, (name, full) in enumerate((("甲厂", 4), ("乙厂", 3), ("丙厂", 0)))]
    CoverageTarget.objects.create(zone=w.district, year=2025, organization_coverage=60)
    chain = Chain.objects.create(zone=w.district, name="纸业链", leader=made[0])
    chain.members.set(made[:2])
    ChainLink.objects.create(chain=chain, supplier=made[1], buyer=made[0], product="纸浆")
    tallies.refresh_recent()


def assert_drawn(page, grids):
    page.wait_for_selector(".cockpit-chart canvas")
    charts = page.evaluate(CHARTS)
    assert {c["key"] for c in charts} >= {"cases-by-category", "rates", "overdue-by-agency", "meetings-and-issues", "services",
                                          "coverage", "chain"}
    empty = [c["key"] for c in charts if not c["series"] or not c["points"]]
    assert empty == [], charts
    page.wait_for_selector("#cockpit-map .leaflet-interactive")
    assert page.locator("#cockpit-map .leaflet-interactive").count() == grids


@pytest.mark.browser
def test_the_cockpit_draws_every_chart_and_the_map_and_the_big_screen_refreshes(live_server, cockpit, browser_page, settings):
    settings.COCKPIT_REFRESH_SECONDS = 5
    enterprises_in(cockpit)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, cockpit.street_admin)
    page.goto(f"{live_server.url}/dashboard/cockpit/")
    assert page.url.endswith(f"/dashboard/cockpit/{cockpit.street.code}/")
    assert_drawn(page, grids=2)
    assert page.locator('[data-figure="cases.received"]').inner_text() == "7"
    page.screenshot(path="var/test/cockpit-street.png", full_page=True)

    # The map is coloured by the chosen measure and goes down to a grid's cockpit.
    page.select_option("#cockpit-map-measure", "overdue")
    page.locator("#cockpit-map .leaflet-interactive").last.click(force=True)
    page.wait_for_url(f"**/dashboard/cockpit/{cockpit.grid_b.code}/")
    assert page.locator('[data-figure="cases.received"]').inner_text() == "2"

    # The big screen, 1920 × 1080, dark, and it follows new cases by itself.
    wall = page.context.browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                            storage_state=page.context.storage_state())
    screen = wall.new_page()
    screen.goto(f"{live_server.url}/dashboard/cockpit/{cockpit.street.code}/screen/")
    assert_drawn(screen, grids=2)
    assert screen.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 26, 46)"
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080 + 40
    screen.screenshot(path="var/test/cockpit-big-screen.png")
    report(cockpit)
    tallies.refresh_recent()
    expect(screen.locator('[data-figure="cases.received"]')).to_have_text("8", timeout=15000)
    wall.close()
