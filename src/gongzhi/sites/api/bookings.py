"""API: bookings (mine, the staff queue, read, book, cancel, check in, approve, refuse).

Reads go through Booking.objects.visible_to(user): another person's or another zone's booking
answers 404 exactly like a missing one. Booking honours Idempotency-Key like POST /cases.
"""
import datetime
from typing import Annotated, Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from gongzhi.api import idempotency
from gongzhi.api.common import TooManyRequests, answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.ratelimit import intake

from gongzhi.territory.models import Resident

from ..models import Booking, BookingStatus, Room, Team, staff_q
from ..services import bookings as services

router = Router()
RELATED = ("room", "room__site", "team", "resident", "user", "recorded_by")


class BookingIn(Schema):
    room_id: Id
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    purpose: Text(200)
    attendees: Annotated[int, Field(strict=True, ge=1, le=10000)] = 1
    # For a resident one may act for (a linked relative or carer, or their grid's staff)...
    resident_id: Optional[Id] = None
    # ...or for a team one leads.
    team_id: Optional[Id] = None


class ReasonIn(Schema):
    reason: Text(200) = ""


class BookingOut(Schema):
    id: int
    room_id: int
    room_name: str
    site_id: int
    site_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    purpose: str
    attendees: int
    status: str
    team_id: Optional[int] = None
    for_whom: str
    on_behalf: bool
    checked_in_at: Optional[datetime.datetime] = None
    check_in_by: datetime.datetime
    reason: str
    created_at: datetime.datetime


class BookingPage(Page):
    items: list[BookingOut]


def booking_out(b):
    return {"id": b.pk, "room_id": b.room_id, "room_name": b.room.name, "site_id": b.room.site_id,
            "site_name": b.room.site.name, "starts_at": b.starts_at, "ends_at": b.ends_at, "purpose": b.purpose,
            "attendees": b.attendees, "status": b.status, "team_id": b.team_id,
            "for_whom": b.team.name if b.team_id else b.person_label(), "on_behalf": b.on_behalf,
            "checked_in_at": b.checked_in_at, "check_in_by": services.grace_ends(b), "reason": b.reason,
            "created_at": b.created_at}


def visible_booking(user, booking_id):
    return get_object_or_404(Booking.objects.visible_to(user).select_related(*RELATED), pk=booking_id)


@router.get("/bookings", response=answers(BookingPage),
            summary="My bookings (made by or for me, my linked residents', my teams'); staff: queue=true for their sites'")
def list_bookings(request, status: str = "", queue: bool = False, after: str = "", limit: int = 50):
    user = request.auth
    found = Booking.objects.visible_to(user).select_related(*RELATED)
    if queue:
        if not user.is_superuser:
            found = found.filter(staff_q("room__site__unit__code", user))
    else:
        found = found.filter(pk__in=Booking.objects.filter(services.mine_q(user)).values("pk"))
    if status:
        found = found.filter(status__in=[s for s in status.split(",") if s in BookingStatus.values] or ["-"])
    rows, cursor = pk_page(found, after, limit)
    return {"items": [booking_out(b) for b in rows], "next": cursor}


@router.get("/bookings/{booking_id}", response=answers(BookingOut), summary="A booking")
def get_booking(request, booking_id: int):
    return booking_out(visible_booking(request.auth, booking_id))


CREATE_BOOKING = "POST /services/bookings"  # the endpoint's name in IdempotencyRecord


def _named(model, user, pk, field, message):
    found = model.objects.visible_to(user).filter(pk=pk).first() if pk else None
    if pk and found is None:
        raise DomainError(message, code=field.removesuffix("_id"), field=field)
    return found


@router.post("/bookings", response=answers(BookingOut, 201, 422, 429),
             summary="Book a room (honours Idempotency-Key)",
             description="Refused with 422 and code `taken` when the time overlaps a booking that holds the room, "
                         "even when two requests arrive at the same instant. `resident_id`: for a resident you may act "
                         "for; `team_id`: for a team you lead. With an `Idempotency-Key` header a retry answers with "
                         "the first request's booking.")
def create_booking(request, payload: BookingIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new booking (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, CREATE_BOOKING, request_hash)
        if done:
            return Status(done.status, done.body)
    verdict = intake(request, user)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    room = _named(Room, user, payload.room_id, "room_id", _("No such room."))
    team = _named(Team, user, payload.team_id, "team_id", _("No such team."))
    # A resident one may not act for is refused like a missing one (services.people.person_for).
    resident = None
    if payload.resident_id:
        resident = Resident.objects.filter(pk=payload.resident_id).first()
        if resident is None:
            raise NotFound(_("No such resident."))
    with transaction.atomic():
        done = idempotency.claim(user, key, CREATE_BOOKING, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        booking = services.book(room, by=user, starts_at=payload.starts_at, ends_at=payload.ends_at,
                                purpose=payload.purpose, attendees=payload.attendees, resident=resident, team=team)
        body = BookingOut.model_validate(booking_out(visible_booking(user, booking.pk))).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, CREATE_BOOKING, 201, body)
    return Status(201, body)


@router.post("/bookings/{booking_id}/cancel", response=answers(BookingOut),
             summary="Cancel a booking (the booker; staff give a reason)")
def cancel_booking(request, booking_id: int, payload: ReasonIn = None):
    user = request.auth
    services.cancel(visible_booking(user, booking_id), payload.reason if payload else "", by=user)
    return booking_out(visible_booking(user, booking_id))


@router.post("/bookings/{booking_id}/check-in", response=answers(BookingOut),
             summary="Check in to a booking (from 30 minutes before the start until the room's grace ends)")
def check_in_booking(request, booking_id: int):
    user = request.auth
    services.check_in(visible_booking(user, booking_id), by=user)
    return booking_out(visible_booking(user, booking_id))


@router.post("/bookings/{booking_id}/approve", response=answers(BookingOut),
             summary="Approve a booking awaiting approval (staff of the site)")
def approve_booking(request, booking_id: int):
    user = request.auth
    services.approve(visible_booking(user, booking_id), by=user)
    return booking_out(visible_booking(user, booking_id))


@router.post("/bookings/{booking_id}/refuse", response=answers(BookingOut),
             summary="Refuse a booking awaiting approval, with a reason (staff of the site)")
def refuse_booking(request, booking_id: int, payload: ReasonIn):
    user = request.auth
    services.refuse(visible_booking(user, booking_id), payload.reason, by=user)
    return booking_out(visible_booking(user, booking_id))
