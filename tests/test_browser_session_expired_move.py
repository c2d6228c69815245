"""In a real browser: a grid worker types a note on a case, signs out in another tab, then
presses the move: they sign in again and land on the case page with the note still typed."""
import pytest

from gongzhi.cases.models import Case, Status
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.test_browser_case_journey import sign_in, sign_out
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

NOTE = "扶手已重新焊接，请居民确认"


@pytest.mark.browser
def test_a_move_sent_after_signing_out_in_another_tab_keeps_the_note(live_server, cw, browser_page):
    case = report(cw)
    base, page = live_server.url, browser_page

    sign_in(page, base, cw.worker_a)
    page.goto(f"{base}/cases/{case.number}/")
    note = page.locator("form:has(button[data-move=solve_on_spot]) textarea[name=note]")
    note.fill(NOTE)

    # Another tab of the same browser signs out.
    other = page.context.new_page()
    other.goto(f"{base}/cases/inbox/")
    sign_out(other)
    other.close()

    # Back in the first tab, the move is sent: the session has gone.
    with page.expect_navigation():
        page.click("button[data-move=solve_on_spot]")
    page.wait_for_selector("#id_username")
    assert "/accounts/login/" in page.url and NOTE not in page.url
    assert page.locator(".alert-info").count() == 1  # says why, and that the note is kept
    page.screenshot(path="var/test/session-expired-1-login.png", full_page=True)

    page.fill("#id_username", cw.worker_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]")
    assert page.url.endswith(f"/cases/{case.number}/")
    assert page.locator("form:has(button[data-move=solve_on_spot]) textarea[name=note]").input_value() == NOTE
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED  # nothing done while signed out
    page.screenshot(path="var/test/session-expired-2-note-kept.png", full_page=True)

    # The worker sends it again, and this time it is done.
    page.click("button[data-move=solve_on_spot]")
    page.wait_for_selector("[data-testid=case-status][data-status=closed]")
    assert Case.objects.get(pk=case.pk).timeline.get(move="solve_on_spot").note == NOTE
