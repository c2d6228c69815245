"""The no-show loop: a booking not checked in within its room's grace after the start is released
by the minute job, the room shows free again, and the booker is told."""
import datetime

import pytest

from gongzhi.core.models import OutboxMessage
from gongzhi.sites.models import BookingStatus
from gongzhi.sites.services import bookings as svc
from tests.sites_booking_helpers import at, centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world):
    return centre(world)


def test_a_booking_not_checked_in_is_released_after_the_grace_and_the_room_is_free_again(world, c):
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    assert svc.release_no_shows_step(at(c.day, "15:14")) == {"released": 0}  # still within the 15 minutes
    assert svc.release_no_shows_step(at(c.day, "15:15")) == {"released": 1}
    b.refresh_from_db()
    assert b.status == BookingStatus.RELEASED
    assert all(not busy for _s, _e, busy in svc.free_busy(c.room, c.day))
    told = OutboxMessage.objects.get(dedupe_key=f"booking:{b.pk}:sites.booking_released")
    assert told.payload["user_ids"] == [world.outsider.pk]
    # Someone else may now take what is left of the time.
    again = svc.book(c.room, by=world.worker_a, starts_at=at(c.day, "15:30"), ends_at=at(c.day, "17:00"), purpose="排练",
                     now=at(c.day, "15:16"))
    assert again.status == BookingStatus.CONFIRMED


def test_a_checked_in_booking_is_never_released(world, c):
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    svc.check_in(b, by=world.outsider, now=at(c.day, "15:05"))
    assert svc.release_no_shows_step(at(c.day, "16:00")) == {"released": 0}
    b.refresh_from_db()
    assert b.status == BookingStatus.CHECKED_IN


def test_each_room_keeps_its_own_grace(world, c):
    c.room.checkin_grace_minutes = 45
    c.room.save()
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    assert svc.release_no_shows_step(at(c.day, "15:30")) == {"released": 0}
    assert svc.release_no_shows_step(at(c.day, "15:45")) == {"released": 1}
    b.refresh_from_db()
    assert b.status == BookingStatus.RELEASED


def test_a_request_nobody_approved_in_time_is_released_too(world, c):
    b = svc.book(c.hall, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "16:00"), purpose="讲座", now=c.now)
    svc.release_no_shows_step(at(c.day, "15:20"))
    b.refresh_from_db()
    assert b.status == BookingStatus.RELEASED and b.reason in ("Not approved before it began.", "开始前未获审核。")


def test_the_step_runs_twice_without_telling_twice(world, c):
    svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    later = at(c.day, "15:20")
    assert svc.release_no_shows_step(later) == {"released": 1}
    assert svc.release_no_shows_step(later + datetime.timedelta(minutes=1)) == {"released": 0}
    assert OutboxMessage.objects.filter(dedupe_key__endswith="sites.booking_released").count() == 1


def test_checking_in_after_the_release_is_refused(world, c):
    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    svc.release_no_shows_step(at(c.day, "15:15"))
    from tests.conftest import refused
    with refused("confirmed booking"):
        svc.check_in(b, by=world.outsider, now=at(c.day, "15:16"))


def test_the_release_notice_reaches_the_booker_with_its_text_and_a_link(world, c, django_capture_on_commit_callbacks):
    from gongzhi.core import notices
    from gongzhi.core.models import Notice

    b = svc.book(c.room, by=world.outsider, starts_at=at(c.day, "15:00"), ends_at=at(c.day, "17:00"), purpose="唱歌", now=c.now)
    with django_capture_on_commit_callbacks(execute=True):
        svc.release_no_shows_step(at(c.day, "15:20"))
    notice = Notice.objects.get(user=world.outsider, event="sites.booking_released")
    text = str(notices.render(notice.event, notice.params))
    assert "三郭唱吧" in text and "15:00" in text and "sites.booking_released" not in text
    assert notice.target.get_absolute_url() == f"/services/bookings/{b.pk}/"


def test_every_booking_event_has_a_text():
    from gongzhi.core import notices

    for event in svc.NOTICES:
        text = str(notices.render(event, {"title": "三郭唱吧", "when": "今天"}))
        assert text and event not in text, event
