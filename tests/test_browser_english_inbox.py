"""In a real browser: a grid worker switches the pages to English and works the inbox:
the tabs, the category and the moves read English."""
import pytest

from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.test_browser_case_journey import sign_in
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


@pytest.mark.browser
def test_the_english_inbox_shows_english_tabs(live_server, cw, browser_page):
    case = report(cw)
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, base, cw.worker_a)
    page.goto(f"{base}/cases/inbox/")
    tabs = page.locator("[data-testid=inbox-tabs] .nav-link")
    assert tabs.first.inner_text() == "新登记"

    # The language button of the top bar switches to English.
    with page.expect_navigation():
        page.click("[data-testid=language] [data-language=en]")
    page.wait_for_selector("[data-testid=inbox-tabs]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert tabs.all_inner_texts() == ["New", "To verify", "Overdue", "All open"]
    row = page.locator(f"[data-case='{case.number}']")
    assert "Broken fitness equipment" in row.inner_text()
    page.screenshot(path="var/test/english-inbox.png", full_page=True)

    # Another tab, then the case itself: still English.
    page.click("[data-testid=inbox-tabs] >> text=All open")
    page.wait_for_selector(f"[data-case='{case.number}']")
    assert "active" in page.locator("[data-testid=inbox-tabs] >> text=All open").get_attribute("class")
    page.click(f"[data-case='{case.number}']")
    page.wait_for_selector("[data-testid=case-status]")
    assert page.locator("[data-testid=case-status]").inner_text() == "Registered"
    assert "Facilities / Broken fitness equipment" in page.locator("main").inner_text()
    assert page.locator("button[data-move=dispatch]").inner_text() == "Dispatch to an agency"
