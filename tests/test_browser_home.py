"""In a real browser: a grid worker signs in on a phone-sized screen and sees only their own grids."""
import pytest

from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD


@pytest.mark.browser
def test_a_grid_worker_signs_in_and_sees_only_their_own_grids(live_server, world, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", world.worker_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=my-grids]")
    assert page.locator("h1").first.inner_text() == "我的辖区"
    codes = page.locator("[data-testid=my-grids] [data-grid-code]").evaluate_all("els => els.map(e => e.dataset.gridCode)")
    assert codes == [world.grid_a.code]
    assert world.grid_b.name not in page.content()
    page.screenshot(path="var/test/home-grid-worker.png", full_page=True)

    # Grid B is out of scope: the same "not found" as a missing page.
    response = page.goto(f"{live_server.url}/territory/units/{world.grid_b.code}/")
    assert response.status == 404
    # A unit name is text, never markup, even when someone types markup into it.
    type(world.micro_a1).objects.filter(pk=world.micro_a1.pk).update(name='<img src=x onerror="window.__pwned=1">A1')
    response = page.goto(f"{live_server.url}/territory/units/{world.grid_a.code}/")
    assert response.status == 200
    page.wait_for_selector(".leaflet-interactive")  # the grid's micro-grids drawn on the map
    assert page.locator(".leaflet-interactive").count() == 2
    page.locator(".leaflet-interactive").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert page.evaluate("window.__pwned") is None
    assert "onerror" in page.locator(".leaflet-tooltip").inner_text()
    page.screenshot(path="var/test/grid-map.png", full_page=True)


@pytest.mark.browser
def test_a_wrong_password_gets_a_clear_message(live_server, world, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.worker_a.username)
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()
