"""In a real browser on a phone-sized screen: a resident proposes (similar proposals are
suggested while typing), two neighbours support it, and it lands on the next meeting's agenda."""
import pytest

from gongzhi.deliberation.models import AgendaItem, Proposal, ProposalStatus
from gongzhi.deliberation.services import proposals as svc
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.deliberation_helpers import meeting, residents


def sign_in(page, url, user):
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_a_resident_proposes_on_a_phone_and_two_supports_put_it_on_the_agenda(live_server, world, browser_page):
    page = browser_page
    m = meeting(world.grid_a, threshold=2, title="十二月说七说八")
    svc.propose(unit=world.grid_a, author=world.worker_a, title="小区健身器材坏了该谁修?", body="东门健身区单杠松了")
    sign_in(page, live_server.url, world.outsider)
    page.goto(f"{live_server.url}/deliberation/")
    assert "十二月说七说八" in page.locator("[data-testid=next-meetings]").inner_text()
    assert fits_the_phone(page)
    page.click("[data-testid=propose-link]")
    page.select_option("#id_unit", world.grid_a.code)
    page.fill("#id_title", "健身器材坏了")
    page.wait_for_selector("[data-testid=similar-proposals]")
    assert "小区健身器材坏了该谁修?" in page.locator("[data-testid=similar-proposals]").inner_text()
    assert fits_the_phone(page)
    page.screenshot(path="var/test/proposal-new.png", full_page=True)
    page.fill("#id_title", "公共充电桩放哪儿更合理?")
    page.fill("#id_body", "电动车在楼道里充电很危险,希望在小区里装充电桩。")
    page.click("[data-testid=propose]")
    page.wait_for_selector("[data-testid=proposal-title]")
    proposal = Proposal.objects.get(title="公共充电桩放哪儿更合理?")
    assert page.locator("[data-testid=support-count]").inner_text().startswith("0")

    for neighbour in residents(world, 2, prefix="neighbour"):
        sign_in(page, live_server.url, neighbour)
        page.goto(f"{live_server.url}/deliberation/proposals/{proposal.pk}/")
        assert page.locator("[data-testid=proposal-author]").inner_text() == f"{str(world.outsider)[0]}*"
        page.click("[data-testid=support]")
        page.wait_for_selector("[data-testid=unfollow]")
        assert fits_the_phone(page)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA and proposal.support_count == 2
    assert AgendaItem.objects.get(proposal=proposal).meeting == m
    assert "十二月说七说八" in page.locator("[data-testid=agenda-item]").inner_text()
    page.screenshot(path="var/test/proposal-on-agenda.png", full_page=True)
