"""A 微幸福 project on a phone, through the pages: an in-service party member proposes it, staff
approve it, the member reports progress with a photo and marks it done, and the grid's public
notice shows it by party branch, without the member's name."""
import io

import pytest
from PIL import Image

from gongzhi.sites.models import MicroProject, ProjectStatus
from gongzhi.sites.services import projects as rules
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.sites_projects_helpers import add_party
from tests.test_browser_deliberation_journey import fits_the_phone, log_in, text

SHOTS = "var/test"


@pytest.mark.browser
def test_a_member_runs_a_micro_project_on_a_phone_and_the_public_notice_shows_it(live_server, world, browser_page,
                                                                                   settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = add_party(world)
    url, phone = live_server.url, browser_page
    log_in(phone, url, w.member_user)

    phone.goto(f"{url}/services/projects/")
    phone.click("[data-testid=project-propose]")
    phone.select_option("#unit", w.grid_a.code)
    phone.fill("#title", "楼道照明改造")
    phone.fill("#plan", "为3号楼楼道更换声控灯。")
    phone.fill("#budget_yuan", "8000")
    phone.click("[data-testid=project-new-form] button")
    phone.wait_for_load_state()
    assert fits_the_phone(phone)
    project = MicroProject.objects.get()
    assert text(phone, "project-title") == "楼道照明改造" and project.status == ProjectStatus.PROPOSED

    rules.approve_project(project, by=w.worker_a)  # staff approve (their page is tested elsewhere)
    phone.reload()
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(photo, "JPEG")
    phone.fill("#percent", "60")
    phone.fill("#spent_yuan", "5000")
    phone.fill("#note", "一半楼层已装好")
    phone.set_input_files("#photos", files=[{"name": "light.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}])
    phone.click("[data-testid=project-progress-form] button")
    phone.wait_for_load_state()
    assert phone.locator("[data-testid=project-updates] img").count() == 1
    phone.fill("#beneficiaries_count", "48")
    phone.click("[data-testid=project-finish-form] button")
    phone.wait_for_load_state()
    project.refresh_from_db()
    assert project.status == ProjectStatus.DONE and project.beneficiaries_count == 48
    assert fits_the_phone(phone)
    phone.screenshot(path=f"{SHOTS}/sites-project-phone.png", full_page=True)

    public = phone.context.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    public.goto(f"{url}/deliberation/public/{w.grid_a.code}/")
    card = public.locator("[data-testid=public-project]").inner_text()
    assert "楼道照明改造" in card and "A网格党支部" in card and "100 %" in card
    assert "王党员" not in public.content() and "<img" not in public.locator("[data-testid=public-projects]").inner_html()
    assert fits_the_phone(public)
    public.wait_for_load_state("networkidle")
    public.screenshot(path=f"{SHOTS}/sites-project-public-phone.png", full_page=True)
