"""In a real browser on a phone-sized screen: a resident finds 三郭唱吧, sees when it is free,
books it, and the room then shows that time as booked; a second booking of it is refused."""
import pytest

from gongzhi.sites.models import Booking, BookingStatus
from tests.browser import browser_page  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.sites_booking_helpers import centre


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
def test_a_resident_books_the_changba_on_a_phone(live_server, world, browser_page):
    page = browser_page
    c = centre(world)
    sign_in(page, live_server.url, world.outsider)
    page.goto(f"{live_server.url}/services/sites/")
    assert fits_the_phone(page)
    page.click("text=三郭社区党群服务中心")
    page.wait_for_selector("[data-testid=opening-hours]")
    assert fits_the_phone(page)
    page.click("text=三郭唱吧")
    page.goto(page.url + f"?day={c.day.isoformat()}")
    assert page.locator("[data-testid=free-busy] [data-busy='1']").count() == 0
    page.click("[data-testid=book-link]")
    page.fill("#id_start", "15:00")
    page.fill("#id_end", "17:00")
    page.fill("#id_purpose", "夕阳红合唱排练")
    page.fill("#id_attendees", "8")
    assert fits_the_phone(page)
    page.click("[data-testid=book]")
    page.wait_for_selector("[data-testid=booking-status]")
    booking = Booking.objects.get()
    assert (booking.user, booking.status) == (world.outsider, BookingStatus.CONFIRMED)
    page.goto(f"{live_server.url}/services/rooms/{c.room.pk}/?day={c.day.isoformat()}")
    assert "15:00–17:00" in page.locator("[data-testid=free-busy] [data-busy='1']").inner_text()
    # The same time again: refused on the form, with the reason, and nothing written.
    page.click("[data-testid=book-link]")
    page.fill("#id_start", "16:00")
    page.fill("#id_end", "17:00")
    page.fill("#id_purpose", "再订一次")
    page.click("[data-testid=book]")
    page.wait_for_selector(".invalid-feedback, [data-testid=form-errors]")
    assert "已被预约" in page.content()
    assert Booking.objects.count() == 1
