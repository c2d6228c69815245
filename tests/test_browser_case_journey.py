"""In a real browser: a resident reports on a phone → the grid worker dispatches →
the agency clerk handles → the grid worker verifies and closes → the resident rates
→ the rates page changes."""
import pytest

from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, Category
from gongzhi.people.models import Agency, AgencyKind, Role
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD, make_user


def sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def sign_out(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # on a phone the menu is folded away
        toggler.click()
        page.wait_for_selector("#nav.collapse.show")  # wait until it has finished unfolding
    page.click("[data-testid=current-user]")  # the account menu holds "sign out"
    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_selector("#id_username")


def do(page, move):
    page.click(f"button[data-move={move}]")
    page.wait_for_selector("[data-testid=case-status]")


@pytest.mark.browser
def test_a_problem_goes_from_a_residents_phone_to_a_rating(live_server, world, browser_page):
    install(Category)
    agency = Agency.objects.create(name="高新区住房和城乡建设局", kind=AgencyKind.DEPARTMENT, district=world.district)
    clerk = make_user("clerk", Role.PROFESSIONAL_GRID_WORKER, [world.grid_a, world.grid_b], agency=agency)
    resident = world.outsider
    base, page = live_server.url, browser_page

    # Before: no rated case, so the rates page has nothing.
    sign_in(page, base, world.secretary)
    page.goto(f"{base}/cases/rates/")
    assert page.locator("[data-rate=total]").inner_text() == "0"
    sign_out(page)

    # The resident reports at a point on the map, on a phone-sized screen.
    sign_in(page, base, resident)
    page.goto(f"{base}/cases/report/")
    page.wait_for_selector("#pick-map .leaflet-interactive")
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    assert page.locator("#id_lat").input_value() != ""
    page.select_option("#id_category", label="健身器材损坏")
    page.fill("#id_title", "健身器材坏了")
    page.fill("#id_description", "小区东侧健身器材的扶手断了，老人容易摔倒。")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-number]")
    number = page.locator("[data-testid=case-number]").inner_text()
    case = Case.objects.get(number=number)
    assert case.grid == world.grid_a and case.reporter == resident
    page.screenshot(path="var/test/journey-1-reported.png", full_page=True)
    sign_out(page)

    # The grid worker dispatches it to the agency.
    sign_in(page, base, world.worker_a)
    page.goto(f"{base}/cases/inbox/")
    page.click(f"[data-case='{number}']")
    page.select_option("select[name=agency]", str(agency.pk))
    do(page, "dispatch")
    assert page.locator("[data-testid=case-status]").get_attribute("data-status") == "dispatched"
    sign_out(page)

    # The agency clerk accepts it and feeds back.
    sign_in(page, base, clerk)
    page.goto(f"{base}/cases/inbox/")
    page.click(f"[data-case='{number}']")
    do(page, "accept")
    page.fill("form:has(button[data-move=feed_back]) textarea[name=note]", "已更换扶手")
    do(page, "feed_back")
    assert page.locator("[data-testid=case-status]").get_attribute("data-status") == "fed_back"
    sign_out(page)

    # The grid worker verifies and closes it.
    sign_in(page, base, world.worker_a)
    page.goto(f"{base}/cases/inbox/?tab=verify")
    page.click(f"[data-case='{number}']")
    page.fill("form:has(button[data-move=verify]) textarea[name=note]", "现场核查已修好")
    do(page, "verify")
    assert page.locator("[data-testid=case-status]").get_attribute("data-status") == "closed"
    sign_out(page)

    # The resident rates it from "my problems".
    sign_in(page, base, resident)
    page.goto(f"{base}/cases/mine/")
    page.click(f"[data-case='{number}']")
    page.check("#solved-1")
    page.check("#rating-satisfied")
    do(page, "rate")
    assert page.locator("[data-testid=case-status]").get_attribute("data-status") == "rated"
    page.screenshot(path="var/test/journey-2-rated.png", full_page=True)
    sign_out(page)

    # After: the rates page counts it.
    sign_in(page, base, world.secretary)
    page.goto(f"{base}/cases/rates/")
    assert page.locator("[data-rate=total]").inner_text() == "1"
    assert page.locator(f"[data-testid=ranking] tr[data-key='{world.grid_a.code}']").count() == 1
    page.screenshot(path="var/test/journey-3-rates.png", full_page=True)
