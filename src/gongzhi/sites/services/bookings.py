"""Bookings of rooms: one at a time per room, approval, cancellation, check-in, the no-show loop.

- ``book``: for oneself, for a team one leads, or for a resident one may act for
  (services.people.person_for: a linked relative or carer, or staff covering them; recorded as
  on behalf). Only in the future, inside one opening period of the site, no longer than the room's
  longest booking, for no more people than the room holds. A room that is not bookable by
  residents is booked by the site's staff only. A room that needs approval gives REQUESTED
  (staff of the site approve or refuse), unless its own staff book it.
- **No double booking, even at the same instant.** Every write that can make a booking hold time
  starts by bumping ``Room.lock_version`` with an UPDATE: that takes the room row's write lock
  (PostgreSQL) or the database's write lock (SQLite, whose transactions begin IMMEDIATE), so the
  overlap check and the insert of two requests for one room never interleave. The second one
  waits, then sees the first one's booking (READ COMMITTED reads afresh on each statement) and
  is refused.
- ``check_in``: the booker (or whoever acts for them, or the site's staff) from CHECKIN_EARLY
  before the start until the room's grace time after it.
- ``release_no_shows_step(now)`` (the minute job): a booking not checked in
  ``room.checkin_grace_minutes`` after its start is RELEASED (a request nobody approved in time
  too), the room shows free again, and the booker is told.
- ``free_busy(room, day)``: the day's opening periods cut into free and busy spans, with no names.
"""
import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field

from ..models import HOLDING_STATUSES, Booking, BookingStatus, Room, Team
from .people import check_person, notify_ids, person_for
from .sites import is_open, is_site_staff, periods_on

NOTICES = {
    "sites.booking_confirmed": _("Your booking of %(title)s on %(when)s is confirmed."),
    "sites.booking_requested": _("Your booking of %(title)s on %(when)s awaits the site's approval."),
    "sites.booking_approved": _("Your booking of %(title)s on %(when)s was approved."),
    "sites.booking_refused": _("Your booking of %(title)s on %(when)s was refused; the reason is on its page."),
    "sites.booking_cancelled": _("The booking of %(title)s on %(when)s was cancelled."),
    "sites.booking_released": _("Your booking of %(title)s on %(when)s was released: nobody checked in in time."),
}

# Check-in opens this long before a booking starts (people arrive early).
CHECKIN_EARLY = datetime.timedelta(minutes=30)
# Bookings at most this far ahead.
BOOK_AHEAD = datetime.timedelta(days=90)
RELEASE_BATCH = 200
# The shortest grace a room may have (models: MinValueValidator(1)): nothing younger is looked at.
MIN_GRACE = datetime.timedelta(minutes=1)


# --- who may do what ------------------------------------------------------------------------

def is_staff_of(user, booking_or_room):
    room = getattr(booking_or_room, "room", booking_or_room)
    return is_site_staff(user, room.site)


def acts_for(user, booking):
    """The booker, whoever recorded it, an account linked to its resident, or its team's leader."""
    if user is None or not user.is_authenticated:
        return False
    if user.pk in (booking.user_id, booking.recorded_by_id):
        return True
    if booking.team_id and booking.team.leader_id == user.pk:
        return True
    return bool(booking.resident_id) and booking.resident.links.filter(user=user).exists()


def _lock_room(room):
    """Take the room's write lock (see the module's docstring); every booking write starts here."""
    Room.objects.filter(pk=room.pk).update(lock_version=F("lock_version") + 1)


def _when(booking):
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _notify(booking, event, extra_ids=()):
    """Tell the booker (their account, linked relatives, whoever recorded it; a team's leader)."""
    ids = set(notify_ids(booking.user, booking.resident, booking.recorded_by)) | set(extra_ids)
    if booking.team_id and booking.team.leader_id:
        ids.add(booking.team.leader_id)
    if not ids:
        return
    key = f"booking:{booking.pk}:{event}"
    outbox.enqueue("sites.announce", key, {
        "model": "booking", "pk": booking.pk, "event": event, "key": key, "user_ids": sorted(ids),
        # The room and the time only: nothing about the person.
        "params": {"title": str(booking.room), "when": _when(booking)}})


def overlapping(room, starts_at, ends_at, exclude=None):
    found = Booking.objects.filter(room=room, status__in=HOLDING_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found


# --- booking --------------------------------------------------------------------------------

def _check_span(room, starts_at, ends_at, attendees, now):
    if starts_at is None or ends_at is None:
        raise DomainError(_("Give the start and the end of the booking."), code="time", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(_("A booking must end after it starts."), code="time", field="ends_at")
    if starts_at < now:
        raise DomainError(_("A booking cannot start in the past."), code="past", field="starts_at")
    if starts_at > now + BOOK_AHEAD:
        raise DomainError(_("Rooms are booked at most 90 days ahead."), code="too_far", field="starts_at")
    if (ends_at - starts_at) > datetime.timedelta(minutes=room.max_booking_minutes):
        raise DomainError(_("This room is booked for at most %(minutes)d minutes at a time."),
                          params={"minutes": room.max_booking_minutes}, code="too_long", field="ends_at")
    if not is_open(room.site, starts_at, ends_at):
        raise DomainError(_("The site is not open for the whole of that time; see its opening hours."),
                          code="closed", field="starts_at")
    if not isinstance(attendees, int) or attendees < 1:
        raise DomainError(_("Say how many people will come (at least one)."), code="attendees", field="attendees")
    if attendees > room.capacity:
        raise DomainError(_("This room holds at most %(capacity)d people."), params={"capacity": room.capacity},
                          code="capacity", field="attendees")


def book(room, *, by, starts_at, ends_at, purpose, resident=None, team=None, attendees=1, now=None):
    """A booking of ``room`` (see the module's docstring for the rules). Raises DomainError with
    code "taken" when the time overlaps a booking that holds the room."""
    now = now or timezone.now()
    staff = is_staff_of(by, room)
    if not room.site.active:
        raise DomainError(_("This site is closed."), code="closed")
    if not room.bookable and not staff:
        raise DomainError(_("This room is booked by the site's staff only."), code="not_bookable")
    if team is not None:
        if resident is not None:
            raise DomainError(_("Book for a team or for a resident, not both."), code="who")
        if not (staff or team.leader_id == by.pk):
            raise DomainError(_("Only the team's leader books for the team."), code="forbidden", field="team")
        fields = {"user": by, "resident": None, "recorded_by": by, "on_behalf": False}
    else:
        fields = check_person(person_for(by, resident=resident)).fields()
    purpose = clean_field(Booking, "purpose", purpose, required=True)
    _check_span(room, starts_at, ends_at, attendees, now)
    status = BookingStatus.REQUESTED if room.needs_approval and not staff else BookingStatus.CONFIRMED
    with transaction.atomic():
        _lock_room(room)
        if overlapping(room, starts_at, ends_at).exists():
            raise DomainError(_("The room is already booked for part of that time; choose another time."),
                              code="taken", field="starts_at")
        booking = Booking.objects.create(room=room, team=team, starts_at=starts_at, ends_at=ends_at, purpose=purpose,
                                         attendees=attendees, status=status, created_at=now, **fields)
        _notify(booking, "sites.booking_requested" if status == BookingStatus.REQUESTED else "sites.booking_confirmed")
    return booking


def _locked(booking):
    """The booking re-read after its room's lock is taken (so its status is the current one)."""
    _lock_room(booking.room)
    return Booking.objects.select_related("room", "room__site", "team", "resident", "user", "recorded_by").get(pk=booking.pk)


def approve(booking, *, by, now=None):
    now = now or timezone.now()
    if not is_staff_of(by, booking):
        raise DomainError(_("Only staff of this site may approve bookings."), code="forbidden")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != BookingStatus.REQUESTED:
            raise DomainError(_("Only a booking awaiting approval can be approved or refused."), code="status")
        if booking.ends_at <= now:
            raise DomainError(_("This booking is over."), code="over")
        booking.status, booking.decided_by, booking.decided_at = BookingStatus.CONFIRMED, by, now
        booking.save(update_fields=["status", "decided_by", "decided_at"])
        _notify(booking, "sites.booking_approved")
    return booking


def refuse(booking, reason, *, by, now=None):
    now = now or timezone.now()
    if not is_staff_of(by, booking):
        raise DomainError(_("Only staff of this site may approve bookings."), code="forbidden")
    reason = clean_field(Booking, "reason", reason, required=True)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != BookingStatus.REQUESTED:
            raise DomainError(_("Only a booking awaiting approval can be approved or refused."), code="status")
        booking.status, booking.reason, booking.decided_by, booking.decided_at = BookingStatus.REFUSED, reason, by, now
        booking.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _notify(booking, "sites.booking_refused")
    return booking


def cancel(booking, reason="", *, by, now=None):
    """The booker (or whoever acts for them, or the team's leader) or the site's staff cancel a
    booking that has not ended; staff cancelling tell the booker, with a reason."""
    now = now or timezone.now()
    staff = is_staff_of(by, booking)
    if not (staff or acts_for(by, booking)):
        raise DomainError(_("Only the booker or the site's staff may cancel this booking."), code="forbidden")
    reason = clean_field(Booking, "reason", reason)
    if staff and not acts_for(by, booking) and not reason:
        raise DomainError(_("Say why the booking is cancelled; the booker will read it."), code="reason", field="reason")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
            raise DomainError(_("This booking can no longer be cancelled."), code="status")
        if booking.ends_at <= now:
            raise DomainError(_("This booking is over."), code="over")
        booking.status, booking.reason, booking.decided_by, booking.decided_at = BookingStatus.CANCELLED, reason, by, now
        booking.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _notify(booking, "sites.booking_cancelled")
    return booking


def check_in(booking, *, by, now=None):
    now = now or timezone.now()
    if not (is_staff_of(by, booking) or acts_for(by, booking)):
        raise DomainError(_("Only the booker or the site's staff may check in to this booking."), code="forbidden")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == BookingStatus.CHECKED_IN:
            raise DomainError(_("This booking is already checked in."), code="status")
        if booking.status != BookingStatus.CONFIRMED:
            raise DomainError(_("Only a confirmed booking can be checked in."), code="status")
        if now < booking.starts_at - CHECKIN_EARLY:
            raise DomainError(_("Check-in opens 30 minutes before the booking starts."), code="early")
        if now >= grace_ends(booking):
            raise DomainError(_("Too late: a booking not checked in within %(minutes)d minutes of its start is released."),
                              params={"minutes": booking.room.checkin_grace_minutes}, code="late")
        booking.status, booking.checked_in_at = BookingStatus.CHECKED_IN, now
        booking.save(update_fields=["status", "checked_in_at"])
    return booking


def grace_ends(booking):
    return booking.starts_at + datetime.timedelta(minutes=booking.room.checkin_grace_minutes)


# --- the no-show loop -----------------------------------------------------------------------

def release_no_shows_step(now):
    """Minute job: release bookings not checked in within their room's grace after the start."""
    now = now or timezone.now()
    # Grace differs per room: read the candidates (a small set: confirmed or requested bookings
    # that started at least the shortest grace ago) and compare in Python, the same on both databases.
    candidates = (Booking.objects.filter(status__in=(BookingStatus.CONFIRMED, BookingStatus.REQUESTED),
                                         starts_at__lte=now - MIN_GRACE)
                  .select_related("room").order_by("starts_at", "pk")[:RELEASE_BATCH])
    due = [b.pk for b in candidates if grace_ends(b) <= now]
    released = 0
    for pk in due:
        with transaction.atomic():
            booking = Booking.objects.select_related("room").get(pk=pk)
            booking = _locked(booking)
            if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.REQUESTED):
                continue  # checked in or cancelled meanwhile
            booking.reason = (str(_("Not approved before it began.")) if booking.status == BookingStatus.REQUESTED
                              else str(_("Nobody checked in in time.")))
            booking.status, booking.decided_at = BookingStatus.RELEASED, now
            booking.save(update_fields=["status", "reason", "decided_at"])
            _notify(booking, "sites.booking_released")
            released += 1
    return {"released": released}


# --- free and busy --------------------------------------------------------------------------

def free_busy(room, day):
    """[(start, end, busy)] over the opening periods of ``day`` (a local date). Busy spans are the
    bookings that hold the room; nothing says whose they are."""
    spans = []
    for opens, closes in periods_on(room.site, day):
        busy = list(overlapping(room, opens, closes).order_by("starts_at").values_list("starts_at", "ends_at"))
        cursor = opens
        for start, end in busy:
            start, end = max(start, opens), min(end, closes)
            if start > cursor:
                spans.append((cursor, start, False))
            if end > cursor:
                spans.append((max(start, cursor), end, True))
                cursor = end
        if cursor < closes:
            spans.append((cursor, closes, False))
    return spans


def bookable_teams(user):
    """The teams ``user`` leads (they book for them)."""
    return Team.objects.filter(leader=user, active=True).order_by("name")


def mine_q(user):
    """Bookings that are this account's: made by or for it, for a resident it is linked to, or its teams'."""
    return Q(user=user) | Q(recorded_by=user) | Q(resident__links__user=user) | Q(team__leader=user)
