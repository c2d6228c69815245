"""The course journey in a real browser, on a phone: a resident finds a full course and is
waitlisted (her position shown); the resident holding the place cancels on his phone; she is
promoted at once and told (a notice); the staff open check-in at the door, she checks in through
the QR link (the code in its fragment), and the course's person-times rise by one.

Only the world is made with services (accounts linked to the ledger, the course, the first place)."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.sites.models import CheckIn, Session, Signup, SignupStatus
from gongzhi.sites.services import activities as svc
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.sites_activity_helpers import resident, site

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def log_in(page, url, user):
    page.set_default_timeout(30000)
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.username} could not log in"


def new_page(browser, viewport, user, url):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, url, user)
    return page


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def text(page, testid):
    return page.locator(f"[data-testid={testid}]").first.inner_text().strip()


@pytest.mark.browser
def test_a_waitlisted_resident_is_promoted_told_checks_in_and_person_times_rise(live_server, world, browser_page):
    url = live_server.url
    browser = browser_page.context.browser
    # 老年学堂's 声乐班: one place, sign-up open until the lesson starts (in an hour).
    course = svc.create_activity(unit=world.grid_a, kind="course", title="老年学堂声乐班", by=world.worker_a,
                                 site=site(world, "测试老年学堂"), capacity=1, signup_closes_hours=0)
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)
    lesson = svc.add_session(course, starts_at=start, by=world.worker_a)
    svc.add_session(course, starts_at=start + datetime.timedelta(weeks=1), by=world.worker_a)
    she, he = resident(world, name="孙桂兰"), resident(world, name="钱建国")
    svc.sign_up(course, by=he.account)

    # She finds the course on her phone: full, so she is waitlisted, first in line.
    phone = browser_page
    log_in(phone, url, she.account)
    phone.goto(f"{url}/services/activities/?kind=course")
    phone.get_by_text("老年学堂声乐班").first.click()
    assert text(phone, "person-times-count") == "0" and text(phone, "places-left") == "0"
    phone.click("[data-testid=signup-submit]")
    phone.wait_for_selector("[data-testid=waitlist-position]")
    assert "1" in text(phone, "waitlist-position")
    assert phone.locator("[data-testid=my-signup]").get_attribute("data-status") == "waitlisted"
    assert fits_the_phone(phone)

    # He cancels his place on his phone.
    his = new_page(browser, PHONE, he.account, url)
    his.goto(f"{url}/services/activities/{course.pk}/")
    his.click("[data-testid=signup-cancel]")
    his.wait_for_load_state()
    assert Signup.objects.get(user=he.account).status == SignupStatus.CANCELLED

    # She is promoted at once, and told.
    phone.goto(f"{url}/services/activities/{course.pk}/")
    assert phone.locator("[data-testid=my-signup]").get_attribute("data-status") == "confirmed"
    assert phone.locator("[data-testid=waitlist-position]").count() == 0
    phone.goto(f"{url}/notices/")
    assert "老年学堂声乐班" in text(phone, "notification-list")
    assert "名额" in text(phone, "notification-list")

    # At the door: the staff open check-in; the screen shows the code and the QR code's link.
    desk = new_page(browser, LAPTOP, world.worker_a, url)
    desk.goto(f"{url}/services/activities/sessions/{lesson.pk}/")
    desk.click("[data-testid=session-open]")
    desk.click("[data-testid=session-screen]")
    code = text(desk, "checkin-code")
    link = desk.locator("[data-testid=checkin-qr]").get_attribute("data-link")
    assert len(code) == 6 and link.endswith(f"#code={code}")

    # She scans it: the page fills the code from the fragment, and she checks in.
    phone.goto(link)
    assert phone.input_value("#checkin-code") == code
    phone.click("[data-testid=checkin-submit]")
    phone.wait_for_selector("[data-testid=checked-in]")
    assert CheckIn.objects.filter(session=lesson, user=she.account).count() == 1

    # The course's person-times rose by one, counted from the check-in.
    phone.goto(f"{url}/services/activities/{course.pk}/")
    assert text(phone, "person-times-count") == "1"
    assert fits_the_phone(phone)
    assert Session.objects.get(pk=lesson.pk).status == "open"
