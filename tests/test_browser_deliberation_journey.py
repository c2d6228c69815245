"""The whole 说七说八 journey in a real browser, through the pages people use:

a resident proposes on a phone, two neighbours support it and the threshold puts it on the next
meeting's agenda; the grid worker opens the meeting, three council members sign in with the code
shown in the room and vote on their phones while the big screen counts live; the vote closes
(passed, quorum computed); a decision is recorded, reported done and confirmed by the convener;
the grid's public notice shows it without any resident's name.

Only the world is made with services (accounts, the council, the scheduled meeting)."""
import datetime
import re

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from gongzhi.deliberation.models import (
    AgendaItem, Council, CouncilMember, CouncilSeat, Decision, DecisionStatus, ItemStatus, Proposal, ProposalStatus,
)
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.deliberation_helpers import meeting, residents

PHONE = {"width": 390, "height": 844}
BIG_SCREEN = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 800}
NAMES = ["赵秀英", "钱建国", "孙桂兰"]
SHOTS = "var/test"


def log_in(page, url, user):
    page.set_default_timeout(30000)  # a loaded CI machine; the big screen polls every 2 s
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.username} could not log in"


def new_page(browser, viewport, user=None, url=None):
    """A browser context of its own (its own cookies), logged in through the login page."""
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    page.set_default_timeout(30000)
    if user is not None:
        log_in(page, url, user)
    return page


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def text(page, testid):
    return page.locator(f"[data-testid={testid}]").inner_text().strip()


def screen_shows(screen, testid, value):
    # A locator assertion polls from Playwright's own script (wait_for_function's string would
    # be an eval, which the Content-Security-Policy refuses).
    expect(screen.locator(f"[data-testid={testid}]")).to_have_text(value, timeout=15000)


@pytest.mark.browser
def test_a_phone_proposal_goes_through_a_live_meeting_to_a_decision_carried_out_in_public(
        live_server, world, browser_page):
    url = live_server.url
    browser = browser_page.context.browser
    m = meeting(world.grid_a, days=1, threshold=2, title="十二月说七说八")
    people = residents(world, 3, prefix="council")
    council = Council.objects.create(unit=world.grid_a, name="A网格协商议事会")
    for person, name in zip(people, NAMES):
        person.display_name = name
        person.save(update_fields=["display_name"])
        CouncilMember.objects.create(council=council, seat=CouncilSeat.REPRESENTATIVE, user=person,
                                     starts_on=datetime.date(2026, 1, 1))
    proposer, *neighbours = people

    # A resident proposes on the phone.
    phones = [browser_page] + [new_page(browser, PHONE) for _ in neighbours]
    for phone, person in zip(phones, people):
        log_in(phone, url, person)
    phone = phones[0]
    phone.goto(f"{url}/deliberation/")
    phone.click("[data-testid=propose-link]")
    phone.select_option("#id_unit", world.grid_a.code)
    phone.fill("#id_title", "小区健身器材坏了该谁修?")
    phone.fill("#id_body", "东门健身区的单杠松了,漫步机也转不动,老人孩子用着危险。")
    assert fits_the_phone(phone)
    phone.click("[data-testid=propose]")
    phone.wait_for_selector("[data-testid=proposal-title]")
    proposal = Proposal.objects.get(title="小区健身器材坏了该谁修?")
    assert proposal.author == proposer
    phone.screenshot(path=f"{SHOTS}/journey-1-proposed.png", full_page=True)

    # Two neighbours support it, each on their own phone; the second support reaches the threshold.
    for neighbour_phone in phones[1:]:
        neighbour_phone.goto(f"{url}/deliberation/proposals/{proposal.pk}/")
        neighbour_phone.click("[data-testid=support]")
        neighbour_phone.wait_for_selector("[data-testid=unfollow]")
        assert fits_the_phone(neighbour_phone)
    last = phones[-1]
    assert text(last, "support-count").startswith("2")
    assert "十二月说七说八" in text(last, "agenda-item")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA
    item = AgendaItem.objects.get(proposal=proposal)
    assert item.meeting == m and item.added_automatically

    # The grid worker sees it on the agenda (put there by the supports) and opens the meeting.
    staff = new_page(browser, LAPTOP, world.worker_a, url)
    staff.goto(f"{url}/deliberation/meetings/{m.pk}/")
    agenda = text(staff, "agenda")
    assert "小区健身器材坏了该谁修?" in agenda and "因附议达标" in agenda
    staff.click("[data-testid=open-meeting]")
    staff.wait_for_selector("[data-testid=meeting-status][data-status=open]")

    # The room's sign-in screen shows the code; three council members sign in with it on their phones.
    room = new_page(browser, BIG_SCREEN, world.worker_a, url)
    room.goto(f"{url}/deliberation/meetings/{m.pk}/screen/")
    code = text(room, "signin-code")
    assert re.fullmatch(r"\d{4,8}", code), code
    assert text(room, "screen-count") == "0"
    for phone in phones:
        phone.goto(f"{url}/deliberation/meetings/{m.pk}/signin/")
        phone.fill("#signin-code", code)
        phone.click("[data-testid=signin-submit]")
        phone.wait_for_selector("[data-testid=signed-in]")
    assert fits_the_phone(phones[0])
    screen_shows(room, "screen-count", "3")  # the screen polls the count without a reload
    room.screenshot(path=f"{SHOTS}/journey-2-signin-screen.png")

    # The staff opens the vote on the item; the big screen is open before anyone votes.
    staff.goto(f"{url}/deliberation/meetings/{m.pk}/votes/console/")
    staff.click(f"[data-testid=console-item-{item.pk}] [data-testid=open-vote]")
    staff.wait_for_selector(f"[data-testid=console-item-{item.pk}] [data-testid=close-vote]")
    room.goto(f"{url}/deliberation/meetings/{m.pk}/votes/screen/")
    assert text(room, "screen-title") == "小区健身器材坏了该谁修?"
    assert (text(room, "screen-for"), text(room, "screen-against"), text(room, "screen-abstain")) == ("0", "0", "0")
    room.evaluate("window.__same_page = true")  # gone if the page were ever reloaded

    # They vote live on their phones; the open big screen follows each vote.
    for phone, choice, label, shown in [(phones[0], "for", "赞成", ("screen-for", "1")),
                                        (phones[1], "against", "反对", ("screen-against", "1")),
                                        (phones[2], "for", "赞成", ("screen-for", "2"))]:
        phone.goto(f"{url}/deliberation/meetings/{m.pk}/vote/")
        phone.click(f"[data-testid=vote-{choice}]")
        phone.wait_for_selector("[data-testid=my-vote]")
        assert label in text(phone, "my-vote")
        screen_shows(room, *shown)
    phones[2].screenshot(path=f"{SHOTS}/journey-3-vote-phone.png", full_page=True)
    assert fits_the_phone(phones[2])
    # 2 for, 1 against: half of the votes cast; 3 of 3 seated members present (quorum 50 %: 2 needed).
    screen_shows(room, "screen-against", "1")
    expect(room.locator("[data-field=passed]")).to_have_text("通过", timeout=15000)
    assert room.locator("[data-field=quorum_met]").inner_text().strip() == "已达法定人数"
    assert (room.locator("[data-field=counted]").inner_text(), room.locator("[data-field=eligible]").inner_text(),
            room.locator("[data-field=quorum_needed]").inner_text()) == ("3", "3", "2")
    assert room.evaluate("window.__same_page === true")
    room.screenshot(path=f"{SHOTS}/journey-4-big-screen.png")

    # The staff closes the vote: passed, with the quorum as computed.
    staff.click(f"[data-testid=console-item-{item.pk}] [data-testid=close-vote]")
    staff.wait_for_selector(f"[data-testid=console-item-{item.pk}] [data-testid=close-vote]", state="detached")
    item.refresh_from_db()
    assert item.status == ItemStatus.VOTED and item.passed and item.quorum_met
    assert (item.votes_for, item.votes_against, item.votes_abstain, item.eligible_voters) == (2, 1, 0, 3)
    expect(room.locator("[data-field=status]")).to_have_text("表决结束", timeout=15000)
    staff.goto(f"{url}/deliberation/meetings/{m.pk}/")
    assert text(staff, "vote-result") == "通过"
    assert "已达法定人数" in text(staff, "vote-counts")
    staff.click("[data-testid=close-meeting]")
    staff.wait_for_selector("[data-testid=meeting-status][data-status=held]")

    # A decision: what, who (the property company) and by when; reported 100 % done by the grid worker.
    staff.goto(f"{url}/deliberation/meetings/{m.pk}/decisions/new/")
    staff.select_option("#item", str(item.pk))
    staff.fill("#what", "物业公司两周内修好东门健身器材,社区每月检查一次")
    staff.select_option("#owner_kind", "property")
    staff.fill("#owner_name", "龙城物业服务有限公司")
    due = timezone.localdate() + datetime.timedelta(days=14)
    staff.fill("#due_on", due.isoformat())
    staff.click("[data-testid=decision-form] button.btn-primary")
    staff.wait_for_selector("[data-testid=decision-what]")
    decision = Decision.objects.get(item=item)
    assert decision.status == DecisionStatus.OPEN
    staff.fill("#percent", "100")
    staff.fill("#note", "单杠已加固,漫步机已更换轴承")
    staff.click("[data-testid=progress-form] button.btn-primary")
    staff.wait_for_selector("[data-testid=verify]")
    assert "100 %" in text(staff, "progress-history")

    # The convener (the community's secretary, staff of the grid's meeting) confirms it is carried out.
    convener = new_page(browser, LAPTOP, world.secretary, url)
    convener.goto(f"{url}/deliberation/decisions/{decision.pk}/")
    convener.click("[data-testid=verify]")
    convener.wait_for_selector("[data-testid=verify]", state="detached")
    assert text(convener, "decision-status").startswith("已落实")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CARRIED_OUT and decision.verified_by == world.secretary

    # The public notice, in a fresh context without login, on a phone.
    public = new_page(browser, PHONE)
    public.goto(f"{url}/deliberation/public/{world.grid_a.code}/")
    row = text(public, "public-decision")
    assert "小区健身器材坏了该谁修?" in row and "物业公司两周内修好东门健身器材" in row
    assert "龙城物业服务有限公司" in row and "已落实" in row and "100 %" in row
    assert "十二月说七说八" in text(public, "public-held")
    body = public.content()
    for person in people:
        assert person.display_name not in body and person.username not in body
    assert world.worker_a.username not in body and world.secretary.username not in body
    public.screenshot(path=f"{SHOTS}/journey-5-public.png", full_page=True)
    for page in [*phones[1:], staff, room, convener, public]:
        page.context.close()
