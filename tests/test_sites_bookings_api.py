"""The sites and bookings API: scoped reads (404 outside one's zone or bookings), free/busy
without names, booking with idempotency and the error shape, check-in, cancel, approval."""
import pytest

from gongzhi.api.services import create_token
from gongzhi.people.models import Role
from gongzhi.sites.models import Booking, BookingStatus
from gongzhi.sites.services import bookings as svc
from gongzhi.territory import services as territory
from gongzhi.territory.models import AccountRelation, Level, ResidentLink
from tests.conftest import make_user
from tests.sites_booking_helpers import at, centre

BASE = "/api/v1/services"
pytestmark = pytest.mark.django_db


def bearer(user):
    _token, plaintext = create_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def api(client):
    class Api:
        def get(self, path, user, **params):
            return client.get(BASE + path, params, **bearer(user))

        def post(self, path, data, user, **headers):
            return client.post(BASE + path, data, content_type="application/json", **bearer(user), **headers)

    return Api()


@pytest.fixture
def c(world):
    return centre(world)


def body(c, start="15:00", end="16:00", **extra):
    return {"room_id": c.room.pk, "starts_at": at(c.day, start).isoformat(), "ends_at": at(c.day, end).isoformat(),
            "purpose": "合唱", "attendees": 4, **extra}


def test_sites_are_listed_and_read_with_hours_rooms_and_the_map_point(api, world, c):
    listed = api.get("/sites", world.outsider, kind="service_centre").json()
    assert [s["name"] for s in listed["items"]] == ["三郭社区党群服务中心"]
    site = api.get(f"/sites/{c.site.pk}", world.outsider).json()
    assert (site["lat"], site["lng"]) == (35.41, 116.59)
    assert {"weekday": 0, "opens": "08:30", "closes": "11:30"} in site["hours"]
    assert [r["name"] for r in site["rooms"]] == ["三郭唱吧", "多功能厅"]


def test_another_zones_site_room_and_booking_answer_404(api, world, c):
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="x", now=c.now)
    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    stranger = make_user("stranger", Role.RESIDENT, [other])
    for path in (f"/sites/{c.site.pk}", f"/rooms/{c.room.pk}/free-busy", f"/bookings/{b.pk}"):
        answer = api.get(path, stranger)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    # A neighbour of the same zone sees the site, not the booking.
    assert api.get(f"/bookings/{b.pk}", world.worker_b).status_code == 404


def test_free_busy_has_no_names(api, world, c):
    svc.book(c.room, by=world.worker_a, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="秘密", now=c.now)
    answer = api.get(f"/rooms/{c.room.pk}/free-busy", world.outsider, day=c.day.isoformat())
    spans = answer.json()["spans"]
    assert [s["busy"] for s in spans] == [False, False, True, False]
    assert "worker" not in answer.content.decode() and "秘密" not in answer.content.decode()


def test_booking_is_idempotent_and_an_overlap_is_refused_with_code_taken(api, world, c):
    first = api.post("/bookings", body(c), world.outsider, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = api.post("/bookings", body(c), world.outsider, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["id"] == first.json()["id"] and Booking.objects.count() == 1
    clash = api.post("/bookings", body(c, "15:30", "16:30"), world.worker_a)
    assert clash.status_code == 400 and clash.json()["error"]["code"] == "taken"


def test_booking_another_zones_room_is_refused_like_a_missing_one(api, world, c):
    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    stranger = make_user("stranger", Role.RESIDENT, [other])
    out = api.post("/bookings", body(c), stranger).json()
    missing = api.post("/bookings", {**body(c), "room_id": 999999}, stranger).json()
    assert out == missing and out["error"]["code"] == "room"


def test_booking_for_a_resident_needs_a_link_and_is_recorded_on_behalf(api, world, c):
    assert api.post("/bookings", body(c, resident_id=world.resident_a.pk), world.outsider).status_code == 404
    ResidentLink.objects.create(resident=world.resident_a, user=world.outsider, relation=AccountRelation.RELATIVE)
    made = api.post("/bookings", body(c, resident_id=world.resident_a.pk), world.outsider).json()
    assert made["on_behalf"] and made["for_whom"] == "张三"
    assert [b["id"] for b in api.get("/bookings", world.outsider).json()["items"]] == [made["id"]]


def test_check_in_cancel_and_the_approval_queue(api, world, c):
    hall = api.post("/bookings", {**body(c), "room_id": c.hall.pk}, world.outsider).json()
    assert hall["status"] == "requested"
    queue = api.get("/bookings", world.secretary, queue="true", status="requested").json()
    assert [b["id"] for b in queue["items"]] == [hall["id"]]
    assert api.post(f"/bookings/{hall['id']}/approve", {}, world.outsider).json()["error"]["code"] == "forbidden"
    refused = api.post(f"/bookings/{hall['id']}/refuse", {"reason": "检修"}, world.secretary).json()
    assert (refused["status"], refused["reason"]) == ("refused", "检修")
    room = api.post("/bookings", body(c), world.outsider).json()
    early = api.post(f"/bookings/{room['id']}/check-in", {}, world.outsider)
    assert early.status_code == 400 and early.json()["error"]["code"] == "early"
    assert api.post(f"/bookings/{room['id']}/cancel", {}, world.outsider).json()["status"] == BookingStatus.CANCELLED


def test_bad_input_is_refused_before_anything_is_written(api, world, c):
    answer = api.post("/bookings", body(c, attendees=0), world.outsider)
    assert answer.status_code == 400
    answer = api.post("/bookings", body(c, "16:00", "15:00"), world.outsider)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "time"
    assert not Booking.objects.exists()
