"""Two (or more) people book one room for overlapping times at the same instant: exactly one
booking is written, the others are refused; on SQLite and PostgreSQL alike (the room's lock)."""
import threading
import time

import pytest
from django.db import connection

from gongzhi.core.errors import DomainError
from gongzhi.people.models import Role
from gongzhi.sites.models import Booking, Room
from gongzhi.sites.services import bookings as svc
from tests.conftest import make_user
from tests.sites_booking_helpers import at, centre


def run_together(jobs):
    start = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        try:
            start.wait()
            job()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.domain_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def _people(world, n):
    return [make_user(f"singer-{i}", Role.RESIDENT, [world.grid_a]) for i in range(n)]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between the overlap check and the insert: only the lock can close it."""
    checked = svc.overlapping

    def slow(*args, **kwargs):
        found = checked(*args, **kwargs)
        exists = found.exists()
        time.sleep(0.3)
        return found if exists else Booking.objects.none()

    monkeypatch.setattr(svc, "overlapping", slow)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_overlapping_bookings_of_one_room_give_exactly_one(world, slow_check):
    c = centre(world)
    people = _people(world, 4)
    jobs = [lambda u=u, i=i: svc.book(Room.objects.select_related("site").get(pk=c.room.pk), by=u,
                                      starts_at=at(c.day, "15:00"), ends_at=at(c.day, f"16:{i}0"), purpose="唱歌", now=c.now)
            for i, u in enumerate(people)]
    assert run_together(jobs) == ["ok", "taken", "taken", "taken"]
    assert Booking.objects.filter(room=c.room).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_different_times_all_succeed(world, slow_check):
    c = centre(world)
    people = _people(world, 3)
    jobs = [lambda u=u, h=h: svc.book(Room.objects.select_related("site").get(pk=c.room.pk), by=u,
                                      starts_at=at(c.day, f"{h}:00"), ends_at=at(c.day, f"{h + 1}:00"), purpose="唱歌",
                                      now=c.now)
            for u, h in zip(people, (14, 16, 18))]
    assert run_together(jobs) == ["ok", "ok", "ok"]
    assert Booking.objects.filter(room=c.room).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_lock_is_what_refuses_the_race(world, slow_check, monkeypatch):
    # Proof that the concurrency test can fail: without the room's lock both requests pass the
    # check before either writes. (SQLite serializes whole write transactions anyway, since they
    # begin IMMEDIATE; there the lock is belt and braces, and this proof is for PostgreSQL.)
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's IMMEDIATE transactions serialize writers whatever the code does")
    c = centre(world)
    monkeypatch.setattr(svc, "_lock_room", lambda room: None)
    people = _people(world, 2)
    jobs = [lambda u=u: svc.book(Room.objects.select_related("site").get(pk=c.room.pk), by=u,
                                 starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="唱歌", now=c.now)
            for u in people]
    assert run_together(jobs) == ["ok", "ok"]
    assert Booking.objects.filter(room=c.room).count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_api_requests_for_one_slot_give_one_booking_and_refuse_the_others(world, slow_check):
    # Real requests through the API (the whole stack: token, idempotency, the service), at once.
    from django.test import Client

    from gongzhi.api.services import create_token

    c = centre(world)
    people = _people(world, 3)
    tokens = [create_token(u, name="race")[1] for u in people]
    body = {"room_id": c.room.pk, "starts_at": at(c.day, "15:00").isoformat(), "ends_at": at(c.day, "16:00").isoformat(),
            "purpose": "唱歌"}
    statuses = []

    def post(token):
        answer = Client().post("/api/v1/services/bookings", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        statuses.append((answer.status_code, answer.json().get("error", {}).get("code", "")))

    assert run_together([lambda t=t: post(t) for t in tokens]) == ["ok"] * 3
    assert sorted(statuses) == [(201, ""), (400, "taken"), (400, "taken")]
    assert Booking.objects.filter(room=c.room).count() == 1
