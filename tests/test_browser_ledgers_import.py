"""In a real browser: a community secretary uploads a residents workbook with a bad row; the run
page shows the run's progress while it runs in the background, then the row report, and nothing
is written."""
import threading

import pytest
from playwright.sync_api import expect

from gongzhi.ledgers import runner
from gongzhi.territory.models import Resident
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.ledgers_import_helpers import resident_row, workbook


@pytest.mark.browser
def test_an_import_through_the_page_shows_progress_and_then_the_error_report(live_server, world, browser_page, monkeypatch):
    go = threading.Event()
    run_for_real = runner.execute

    def held_back(*args, **kwargs):  # the run waits until the test has seen its progress page
        go.wait(30)
        run_for_real(*args, **kwargs)

    monkeypatch.setattr(runner, "execute", held_back)
    rows = [resident_row(world, name=f"居民{i}", id_number=number, phone="")
            for i, number in enumerate(("370811199001010014", "370811199001010015"))]
    before = Resident.objects.count()

    page = browser_page
    page.goto(f"{live_server.url}/ledgers/imports/")
    page.fill("#id_username", world.secretary.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Excel 导入")
    expect(page.locator("[data-testid=templates] a")).to_have_count(8)  # six master-data kinds (enterprises too) and the two round trips (decision 80)
    page.select_option("#import-kind", "residents")
    page.set_input_files("#import-file", files=[{"name": "居民.xlsx", "buffer": workbook("residents", rows),
                                                 "mimeType": "application/octet-stream"}])
    page.click("[data-testid=upload] button[type=submit]")

    expect(page.locator("[data-testid=progress]")).to_be_visible()
    expect(page.locator("[data-testid=status]")).to_have_text("排队中")
    page.screenshot(path="var/test/import-progress.png", full_page=True)
    go.set()

    report = page.locator("[data-testid=report]")
    expect(report).to_be_visible(timeout=30000)
    expect(page.locator("[data-testid=refused]")).to_contain_text("未写入任何数据")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").nth(0)).to_have_text("4")
    expect(report.locator("tbody tr td").nth(1)).to_have_text("身份证号码")
    expect(report.locator("tbody tr td").nth(2)).to_have_text("3708**********0015")
    page.screenshot(path="var/test/import-report.png", full_page=True)
    assert Resident.objects.count() == before
