"""In a real browser: the top menu of the person with the most entries (a superuser) fits
laptop widths, 1200 to 1366 px, in Chinese and in English, and every entry stays in view."""
import pytest

from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.test_browser_case_journey import sign_in
from tests.conftest import make_user

WIDTHS = (1200, 1280, 1366)

# Whatever in the top bar sticks out to the right of the window (none wanted).
OVERFLOW = """() => {
  const limit = window.innerWidth;
  const out = [...document.querySelectorAll("nav.navbar *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 0.5;
  }).map(el => el.tagName + " " + (el.textContent || "").trim().slice(0, 20));
  return {scroll: document.documentElement.scrollWidth, inner: limit, out: out};
}"""


@pytest.mark.browser
def test_the_top_menu_fits_laptop_widths_in_both_languages(live_server, world, browser_page):
    admin = make_user("admin")
    admin.is_superuser = True
    admin.save()
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 1200, "height": 700})
    sign_in(page, base, admin)

    for language in ("zh-hans", "en"):
        page.goto(f"{base}/cases/inbox/")
        if page.locator("html").get_attribute("lang") != language:
            with page.expect_navigation():
                page.click(f"[data-testid=language] [data-language={language}]")
        assert page.locator("html").get_attribute("lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 700})
            page.reload()
            page.wait_for_selector("[data-testid=inbox-tabs]")
            page.screenshot(path=f"var/test/menu-{language}-{width}.png")
            measured = page.evaluate(OVERFLOW)
            assert measured["scroll"] <= measured["inner"] and not measured["out"], (language, width, measured)
            # Unfolded, not hidden behind the menu button: every entry is in view.
            assert not page.locator(".navbar-toggler").is_visible()
            for testid in ("menu-home", "menu-inbox", "menu-mine", "menu-rates", "menu-branches", "menu-residents",
                           "menu-report", "menu-figures", "menu-tokens", "menu-admin", "notices"):
                assert page.locator(f"[data-testid={testid}]").is_visible(), (language, width, testid)
