"""Bookings in the scope matrix (sites/views/bookings.py, sites/api/bookings.py): a booking is
seen by its booker and the staff of its site; another district's is missing."""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.sites.services import bookings as booking_rules
from tests.matrix import sites_sites
from tests.test_scope_matrix import GET, POST, by_pk, on, page


def _slot(hour):
    day = timezone.localdate() + datetime.timedelta(days=3)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


BOOK_FORM = {"day": "2099-01-05", "start": "10:00", "end": "11:00", "purpose": "矩阵", "attendees": "2"}

ROUTES = {
    "sites:book": on("room", by_pk, body=lambda o: BOOK_FORM),
    "sites:bookings": page(methods=(GET,)),
    "sites:booking_queue": page(methods=(GET,)),
    "sites:booking": on("booking", by_pk, methods=(GET,)),
    **{f"sites:booking_{name}": on("booking", by_pk, methods=(POST,), body=lambda o: {"reason": "矩阵"})
       for name in ("cancel", "check_in", "approve", "refuse")},
}


def _api_body(room_id):
    return {"room_id": room_id, "starts_at": _slot(15).isoformat(), "ends_at": _slot(16).isoformat(), "purpose": "矩阵"}


API = {
    "GET /services/bookings": page(methods=(GET,), query=lambda o: {"queue": "true", "status": "confirmed"}),
    "GET /services/bookings/{booking_id}": on("booking", lambda o: {"booking_id": o.pk}, methods=(GET,)),
    "POST /services/bookings": page(methods=(POST,), json_body=True, body=lambda o: _api_body(999999)),
    # A room one cannot see books nothing: the same answer as a missing one.
    "POST /services/bookings#room_id": on("room", lambda o: {}, methods=(POST,), json_body=True,
                                          body=lambda o: _api_body(o.pk)),
}

API_FAMILIES = [
    # Cancel, check in, approve and refuse, each by the booking's id.
    (r"POST /services/bookings/\{booking_id\}/[\w-]+", on("booking", lambda o: {"booking_id": o.pk}, methods=(POST,),
                                                         json_body=True, body=lambda o: {"reason": "矩阵"})),
]


def build(d):
    # The room comes from tests/matrix/sites_sites.py (built here first: parts run in name order).
    sites_sites.build(d)
    d.booking = booking_rules.book(d.room, by=d.reporter, starts_at=_slot(10), ends_at=_slot(11), purpose="合唱排练")


def objects(d):
    return {"booking": SimpleNamespace(pk=d.booking.pk)}
