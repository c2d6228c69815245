"""In a real browser: a council member votes from a phone while the room's big screen counts live."""
import pytest
from playwright.sync_api import expect

from gongzhi.deliberation.models import Choice, Vote
from gongzhi.deliberation.services import votes
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

from .deliberation_rooms import build_room, sign_in


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
def test_a_phone_vote_shows_on_the_big_screen_without_reloading_it(live_server, world, browser_page):
    room = build_room(world)
    for member in room.members:
        sign_in(room.meeting, member)
    votes.open_vote(room.item, by=world.worker_a)
    votes.cast(room.item, voter=room.members[1], choice=Choice.AGAINST)

    # The big screen, on the room's laptop (a wide window), signed in as the grid worker.
    screen_context = browser_page.context.browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 900})
    screen = screen_context.new_page()
    screen.set_default_timeout(30000)  # a loaded CI machine: the screen polls every 2 s
    log_in(screen, live_server.url, world.worker_a)
    screen.goto(f"{live_server.url}/deliberation/meetings/{room.meeting.pk}/votes/screen/")
    assert screen.locator("[data-testid=screen-for]").inner_text() == "0"
    assert screen.locator("[data-testid=screen-against]").inner_text() == "1"

    # A member votes for on a phone.
    phone = browser_page
    phone.set_default_timeout(30000)
    log_in(phone, live_server.url, room.members[0])
    phone.goto(f"{live_server.url}/deliberation/meetings/{room.meeting.pk}/vote/")
    phone.click("[data-testid=vote-for]")
    phone.wait_for_selector("[data-testid=my-vote]")
    assert "赞成" in phone.locator("[data-testid=my-vote]").inner_text()
    assert Vote.objects.get(voter=room.members[0]).choice == Choice.FOR

    # The screen counts it within a few seconds, and the result follows (1 for, 1 against: not passed).
    expect(screen.locator("[data-testid=screen-for]")).to_have_text("1", timeout=15000)
    assert "未通过" in screen.locator("[data-testid=screen-result]").inner_text()
    votes.cast(room.item, voter=room.members[2], choice=Choice.FOR)
    expect(screen.locator("[data-testid=screen-for]")).to_have_text("2", timeout=15000)
    expect(screen.locator("[data-field=passed]")).to_have_text("通过", timeout=15000)
    screen.screenshot(path="var/test/vote-screen.png", full_page=True)
    phone.screenshot(path="var/test/vote-phone.png", full_page=True)
    screen_context.close()
