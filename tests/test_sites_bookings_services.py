"""Booking a room: within opening hours, one at a time, approval, cancellation, check-in, on behalf."""
import datetime

import pytest

from gongzhi.core.models import OutboxMessage
from gongzhi.sites.models import Booking, BookingStatus, Team
from gongzhi.sites.services import bookings as svc
from gongzhi.sites.services import sites as site_rules
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user, refused
from tests.sites_booking_helpers import at, centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world):
    return centre(world)


def book(c, who, start="15:00", end="17:00", **kw):
    return svc.book(c.room, by=who, starts_at=at(c.day, start), ends_at=at(c.day, end), purpose="合唱排练",
                    now=c.now, **kw)


def test_a_resident_books_a_free_room_and_it_is_confirmed(world, c):
    b = book(c, world.outsider)
    assert b.status == BookingStatus.CONFIRMED
    assert (b.user, b.recorded_by, b.on_behalf) == (world.outsider, world.outsider, False)


def test_an_overlapping_booking_is_refused_and_an_adjacent_one_is_not(world, c):
    book(c, world.outsider)
    with refused("already booked"):
        book(c, world.worker_a, "16:00", "18:00")
    assert book(c, world.worker_a, "17:00", "18:00").status == BookingStatus.CONFIRMED


def test_a_cancelled_booking_frees_its_time(world, c):
    b = book(c, world.outsider)
    svc.cancel(b, by=world.outsider, now=c.now)
    assert book(c, world.worker_a).status == BookingStatus.CONFIRMED


def test_bookings_only_within_one_opening_period(world, c):
    with refused("not open"):
        book(c, world.outsider, "11:00", "12:00")  # runs into the lunch break
    with refused("not open"):
        book(c, world.outsider, "20:30", "21:30")  # past closing


def test_a_site_with_no_hours_is_never_open_for_bookings(world, c):
    site_rules.set_opening_hours(c.site, {}, by=world.secretary)
    with refused("not open"):
        book(c, world.outsider)


def test_a_booking_no_longer_than_the_rooms_longest(world, c):
    with refused("at most 180 minutes"):
        book(c, world.outsider, "14:00", "17:30")


def test_no_booking_in_the_past_or_backwards_or_over_capacity(world, c):
    with refused("in the past"):
        svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="唱歌",
                 now=at(c.day, "15:30"))
    with refused("end after it starts"):
        book(c, world.outsider, "16:00", "15:00")
    with refused("at most 12 people"):
        book(c, world.outsider, attendees=13)


def test_a_room_that_needs_approval_waits_for_staff_who_approve_or_refuse(world, c):
    b = svc.book(c.hall, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="讲座",
                 now=c.now)
    assert b.status == BookingStatus.REQUESTED
    with refused("Only staff"):
        svc.approve(b, by=world.outsider, now=c.now)
    assert svc.approve(b, by=world.secretary, now=c.now).status == BookingStatus.CONFIRMED
    other = svc.book(c.hall, by=world.worker_a, starts_at=at(c.day, "16:00"), ends_at=at(c.day, "17:00"), purpose="会议",
                     now=c.now)
    with refused("Reason is required"):
        svc.refuse(other, "", by=world.secretary, now=c.now)
    refused_booking = svc.refuse(other, "设备检修", by=world.secretary, now=c.now)
    assert (refused_booking.status, refused_booking.reason) == (BookingStatus.REFUSED, "设备检修")


def test_a_request_awaiting_approval_already_holds_the_time(world, c):
    svc.book(c.hall, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="讲座", now=c.now)
    with refused("already booked"):
        svc.book(c.hall, by=world.worker_a, starts_at=at(c.day, "15:30"), ends_at=at(c.day, "16:30"), purpose="会议",
                 now=c.now)


def test_a_relative_books_on_behalf_of_a_resident_recorded_as_such(world, c):
    relative = make_user("relative")
    ResidentLink.objects.create(resident=world.resident_a, user=relative, relation=AccountRelation.RELATIVE)
    b = book(c, relative, resident=world.resident_a)
    assert (b.resident, b.user, b.recorded_by, b.on_behalf) == (world.resident_a, None, relative, True)
    # ...and sees it as theirs, and may cancel it.
    assert Booking.objects.visible_to(relative).filter(pk=b.pk).exists()
    svc.cancel(b, by=relative, now=c.now)


def test_nobody_books_for_a_resident_they_may_not_act_for(world, c):
    from gongzhi.core.errors import NotFound
    with pytest.raises(NotFound):
        book(c, world.outsider, resident=world.resident_a)
    with pytest.raises(NotFound):
        book(c, world.worker_b, resident=world.resident_a)  # another grid's worker
    assert book(c, world.worker_a, resident=world.resident_a).on_behalf  # the resident's own grid worker


def test_only_a_teams_leader_books_for_the_team(world, c):
    team = Team.objects.create(unit=world.community, name="夕阳红合唱队", leader=world.outsider)
    assert book(c, world.outsider, team=team).team == team
    with refused("leader"):
        book(c, world.worker_b, "18:00", "19:00", team=team)


def test_a_room_not_bookable_by_residents_is_booked_by_staff_only(world, c):
    office = site_rules.add_room(c.site, name="办公室", by=world.secretary, bookable=False)
    with refused("staff only"):
        svc.book(office, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="x", now=c.now)
    svc.book(office, by=world.secretary, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="x", now=c.now)


def test_cancelling_someone_elses_booking_is_refused_and_staff_give_a_reason(world, c):
    b = book(c, world.outsider)
    with refused("Only the booker"):
        svc.cancel(b, by=world.worker_b, now=c.now)
    with refused("Say why"):
        svc.cancel(b, by=world.secretary, now=c.now)
    assert svc.cancel(b, "停电", by=world.secretary, now=c.now).status == BookingStatus.CANCELLED
    with refused("no longer be cancelled"):
        svc.cancel(b, by=world.outsider, now=c.now)


def test_check_in_from_half_an_hour_before_until_the_grace_ends(world, c):
    b = book(c, world.outsider)
    with refused("30 minutes before"):
        svc.check_in(b, by=world.outsider, now=at(c.day, "14:29"))
    with refused("Too late"):
        svc.check_in(b, by=world.outsider, now=at(c.day, "15:15"))
    done = svc.check_in(b, by=world.outsider, now=at(c.day, "15:10"))
    assert (done.status, done.checked_in_at) == (BookingStatus.CHECKED_IN, at(c.day, "15:10"))
    with refused("already checked in"):
        svc.check_in(b, by=world.outsider, now=at(c.day, "15:11"))


def test_the_booker_is_told_and_the_notice_carries_no_personal_data(world, c):
    b = book(c, world.outsider)
    message = OutboxMessage.objects.get(dedupe_key=f"booking:{b.pk}:sites.booking_confirmed")
    assert message.payload["user_ids"] == [world.outsider.pk]
    assert set(message.payload["params"]) == {"title", "when"}
    assert "outsider" not in str(message.payload["params"])


def test_free_busy_shows_the_days_opening_hours_cut_by_bookings_without_names(world, c):
    book(c, world.outsider, "15:00", "17:00")
    spans = svc.free_busy(c.room, c.day)
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M"), busy) for s, e, busy in
            [(svc.timezone.localtime(s), svc.timezone.localtime(e), busy) for s, e, busy in spans]] == [
        ("08:30", "11:30", False), ("14:00", "15:00", False), ("15:00", "17:00", True), ("17:00", "21:00", False)]
    assert all(len(span) == 3 for span in spans)


def test_opening_hours_are_checked(world, c):
    with refused("close after it opens"):
        site_rules.set_opening_hours(c.site, {0: [("18:00", "09:00")]}, by=world.secretary)
    with refused("overlap"):
        site_rules.set_opening_hours(c.site, {0: [("08:00", "12:00"), ("11:00", "13:00")]}, by=world.secretary)
    with refused("0 (Monday)"):
        site_rules.set_opening_hours(c.site, {7: [("08:00", "12:00")]}, by=world.secretary)
    with refused("HH:MM"):
        site_rules.set_opening_hours(c.site, {0: [("8点", "12:00")]}, by=world.secretary)
    # Refused whole: the old hours stand.
    assert site_rules.hours_of(c.site)[0] == [(datetime.time(8, 30), datetime.time(11, 30)),
                                              (datetime.time(14, 0), datetime.time(21, 0))]


def test_only_staff_of_the_unit_run_a_site(world, c):
    with refused("Only staff"):
        site_rules.add_room(c.site, name="x", by=world.outsider)
    with refused("Only staff"):
        site_rules.add_room(c.site, name="x", by=world.worker_a)  # a grid's worker, the site is the community's


def test_an_upgrade_is_recorded_and_finished(world, c):
    u = site_rules.record_upgrade(c.site, kind="age_friendly", what="加装扶手", started_on=datetime.date(2026, 3, 1),
                                  by=world.secretary, cost_yuan="12000.5")
    assert not u.done
    with refused("finish before it starts"):
        site_rules.finish_upgrade(u, finished_on=datetime.date(2026, 2, 1), by=world.secretary)
    assert site_rules.finish_upgrade(u, finished_on=datetime.date(2026, 4, 1), by=world.secretary).done
    with refused("not below zero"):
        site_rules.record_upgrade(c.site, kind="renovation", what="x", started_on=datetime.date(2026, 3, 1),
                                  by=world.secretary, cost_yuan=-1)
