"""Pages: find a site, see a room's free and busy times (no names), book it on a phone, check in,
cancel; staff approve from their queue; another zone's site, room or booking is a 404."""
import pytest
from django.urls import reverse

from gongzhi.people.models import Role
from gongzhi.sites.models import Booking, BookingStatus, SiteKind
from gongzhi.sites.services import bookings as svc
from gongzhi.sites.services import sites as site_rules
from gongzhi.territory import services as territory
from gongzhi.territory.models import AccountRelation, Level, ResidentLink
from tests.conftest import make_user
from tests.sites_booking_helpers import at, centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world):
    return centre(world)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_site_list_filters_by_kind_and_unit_and_shows_the_map_point(client, world, c):
    site_rules.create_site(unit=world.community, kind=SiteKind.CANTEEN, name="幸福食堂", by=world.secretary)
    page = signed_in(client, world.outsider).get(reverse("sites:sites"), {"kind": "service_centre"})
    text = page.content.decode()
    assert "三郭社区党群服务中心" in text and "幸福食堂" not in text
    assert 'data-lat="35.410000"' in text
    assert "幸福食堂" in client.get(reverse("sites:sites"), {"unit": world.community.code}).content.decode()


def test_the_site_page_shows_hours_rooms_and_upgrades(client, world, c):
    import datetime
    site_rules.record_upgrade(c.site, kind="age_friendly", what="加装扶手", started_on=datetime.date(2026, 3, 1), by=world.secretary)
    text = signed_in(client, world.outsider).get(reverse("sites:site", args=[c.site.pk])).content.decode()
    assert "08:30–11:30, 14:00–21:00" in text and "三郭唱吧" in text and "加装扶手" in text


def test_the_room_page_shows_busy_times_without_the_bookers_name(client, world, c):
    svc.book(c.room, by=world.worker_a, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="秘密排练", now=c.now)
    text = signed_in(client, world.outsider).get(reverse("sites:room", args=[c.room.pk]), {"day": c.day.isoformat()}).content.decode()
    assert 'data-busy="1"' in text and "15:00–17:00" in text
    assert "worker-a" not in text and "秘密排练" not in text


def test_a_resident_books_on_the_phone_and_checks_in(client, world, c, settings):
    signed_in(client, world.outsider)
    day = c.day.isoformat()
    answer = client.post(reverse("sites:book", args=[c.room.pk]),
                         {"day": day, "start": "15:00", "end": "16:00", "purpose": "合唱", "attendees": "6"})
    booking = Booking.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("sites:booking", args=[booking.pk])
    assert (booking.user, booking.status, booking.attendees) == (world.outsider, BookingStatus.CONFIRMED, 6)
    assert "三郭唱吧" in client.get(reverse("sites:bookings")).content.decode()
    # Checking in too early is refused with a clear message; the booking stays confirmed.
    client.post(reverse("sites:booking_check_in", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_an_overlapping_booking_on_the_page_is_refused_with_a_message(client, world, c):
    svc.book(c.room, by=world.worker_a, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="排练", now=c.now)
    answer = signed_in(client, world.outsider).post(reverse("sites:book", args=[c.room.pk]), {
        "day": c.day.isoformat(), "start": "16:00", "end": "17:00", "purpose": "合唱", "attendees": "2"})
    assert answer.status_code == 400
    assert "already booked" in answer.content.decode() or "已被预约" in answer.content.decode()
    assert Booking.objects.count() == 1


def test_a_relative_books_for_their_mother_from_the_form(client, world, c):
    relative = make_user("relative", Role.RESIDENT, [world.grid_b])
    ResidentLink.objects.create(resident=world.resident_a, user=relative, relation=AccountRelation.RELATIVE)
    signed_in(client, relative)
    assert "张三" in client.get(reverse("sites:book", args=[c.room.pk])).content.decode()
    client.post(reverse("sites:book", args=[c.room.pk]), {
        "day": c.day.isoformat(), "start": "15:00", "end": "16:00", "purpose": "合唱", "attendees": "1",
        "for_whom": f"resident:{world.resident_a.pk}"})
    booking = Booking.objects.get()
    assert (booking.resident, booking.recorded_by, booking.on_behalf) == (world.resident_a, relative, True)


def test_staff_approve_a_request_from_their_queue(client, world, c):
    b = svc.book(c.hall, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="讲座", now=c.now)
    signed_in(client, world.secretary)
    assert "讲座" in client.get(reverse("sites:booking_queue")).content.decode()
    client.post(reverse("sites:booking_approve", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == BookingStatus.CONFIRMED


def test_a_resident_has_no_approval_queue_and_cannot_approve(client, world, c):
    b = svc.book(c.hall, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="讲座", now=c.now)
    signed_in(client, world.outsider)
    assert client.get(reverse("sites:booking_queue")).status_code == 404
    client.post(reverse("sites:booking_approve", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == BookingStatus.REQUESTED


def test_the_booker_cancels_from_the_booking_page(client, world, c):
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="合唱", now=c.now)
    signed_in(client, world.outsider).post(reverse("sites:booking_cancel", args=[b.pk]), {"reason": ""})
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED


def test_another_residents_booking_is_a_404_like_a_missing_one(client, world, c):
    b = svc.book(c.room, by=world.worker_a, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="合唱", now=c.now)
    signed_in(client, world.outsider)
    assert client.get(reverse("sites:booking", args=[b.pk])).status_code == 404
    assert client.post(reverse("sites:booking_cancel", args=[b.pk])).status_code == 404


def test_another_zones_site_and_room_are_404(client, world, c):
    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    stranger = make_user("stranger", Role.RESIDENT, [other])
    signed_in(client, stranger)
    for url in (reverse("sites:site", args=[c.site.pk]), reverse("sites:room", args=[c.room.pk]),
                reverse("sites:book", args=[c.room.pk])):
        assert client.get(url).status_code == 404
    assert "三郭" not in client.get(reverse("sites:sites")).content.decode()


def test_the_site_list_puts_the_sites_of_ones_own_street_first(client, world):
    from gongzhi.people.models import Role
    from gongzhi.sites.models import SiteKind
    from gongzhi.sites.services import sites as site_rules
    from gongzhi.territory.models import Level
    from gongzhi.territory.services import create_unit
    from tests.conftest import make_user

    # The resident lives in a street whose code sorts after the first street's.
    home_street = create_unit(name="家的街道", level=Level.STREET, parent=world.district)
    home = create_unit(name="家的社区", level=Level.COMMUNITY, parent=home_street)
    admin = make_user("district-admin-list", Role.DISTRICT_ADMIN, [world.district])
    site_rules.create_site(unit=world.community, kind=SiteKind.SERVICE_CENTRE, name="甲·别处中心", by=admin)
    site_rules.create_site(unit=home, kind=SiteKind.STATION, name="乙·家门口驿站", by=admin)
    client.force_login(make_user("home-resident", Role.RESIDENT, [home]))
    page = client.get(reverse("sites:sites")).content.decode()
    assert page.index("乙·家门口驿站") < page.index("甲·别处中心")
