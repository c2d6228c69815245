"""The market's journey in a real browser (issue 10): an enterprise liaison posts a need on the
phone page; park staff open the needs board, confirm the suggested chain neighbour's offer at a
matchmaking meeting (园区说事) and mark the need solved; the coverage page still renders and
/figures.json counts one more need solved. Only the world is made with services."""
import json

import pytest
from playwright.sync_api import expect

from gongzhi.industry.models import Need, NeedStatus
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.test_browser_deliberation_journey import LAPTOP, PHONE, fits_the_phone, log_in, new_page
from tests.test_industry_needs_board import market  # noqa: F401  (fixture)

TEXT = "需要流动资金三百万元采购木浆"


def solved(page, url):
    page.goto(f"{url}/figures.json")
    return json.loads(page.locator("body").inner_text())["needs_solved"]


@pytest.mark.browser
def test_a_liaison_posts_a_need_staff_confirm_a_match_at_a_meeting_and_solve_it(
        live_server, market, browser_page, settings):  # noqa: F811
    settings.FIGURES_CACHE_SECONDS = 0
    url = live_server.url
    browser = browser_page.context.browser
    phone = browser_page
    phone.set_viewport_size(PHONE)
    log_in(phone, url, market.liaison)
    before = solved(phone, url)

    # The liaison posts a need on the phone.
    phone.goto(f"{url}/industry/mine/")
    form = phone.locator("[data-testid=need-form]")
    form.locator("select[name=kind]").select_option("funding")
    form.locator("textarea[name=text]").fill(TEXT)
    form.locator("input[name=quantity]").fill("300万元")
    form.locator("[data-testid=post-need]").click()
    phone.wait_for_load_state()
    card = phone.locator("[data-testid=our-need]", has_text=TEXT)
    expect(card).to_contain_text("浆料公司")                # the chain neighbour's offer, suggested at once
    assert fits_the_phone(phone)
    need = Need.objects.get(text=TEXT)

    # Park staff open the board and confirm the suggested match at the 园区说事 meeting.
    desk = new_page(browser, LAPTOP, market.staff, url)
    desk.goto(f"{url}/industry/needs/?kind=funding")
    board = desk.locator(f"[data-testid=need-{need.pk}]")
    expect(board.locator("[data-testid=reason]").first).to_be_visible()
    first = board.locator("[data-testid^=match-]").first
    expect(first).to_contain_text("浆料公司")
    first.locator("select[name=meeting]").select_option(str(market.meeting.pk))
    first.locator("[data-testid=confirm]").click()
    desk.wait_for_load_state()
    board = desk.locator(f"[data-testid=need-{need.pk}]")
    expect(board).to_contain_text(market.meeting.title)

    # ... and mark it solved with its outcome and amount.
    board.locator("input[name=outcome]").fill("建行供应链融资300万元到位")
    board.locator("input[name=amount_yuan]").fill("3000000")
    board.locator("[data-testid=solve]").click()
    desk.wait_for_load_state()
    desk.goto(f"{url}/industry/needs/{need.pk}/")
    expect(desk.locator("[data-testid=outcome]")).to_contain_text("建行供应链融资")
    need.refresh_from_db()
    assert need.status == NeedStatus.SOLVED and need.matches.get(status="confirmed").meeting == market.meeting

    # The coverage page renders and the figure counts the need.
    response = desk.goto(f"{url}/industry/coverage/")
    assert response.status == 200
    assert solved(desk, url) == before + 1

    # The board exported as shown: the downloaded workbook holds the solved need, in Chinese.
    desk.goto(f"{url}/industry/needs/?kind=funding&status=solved")
    shown = desk.locator("div.card[data-testid^=need-]").count()
    with desk.expect_download() as download:
        desk.locator("[data-testid=export-as-is]").click()
    import io

    from openpyxl import load_workbook

    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:
        sheet = load_workbook(io.BytesIO(saved.read())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == shown >= 1
    assert any(TEXT in str(cell) for row in rows for cell in row) and any("已解决" == cell for row in rows for cell in row)
