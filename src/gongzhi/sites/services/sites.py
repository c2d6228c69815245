"""Sites, their opening hours, rooms and upgrades (提升改造 / 适老化改造).

- Only staff of a site's unit (SITE_STAFF_ROLES covering it) create and run a site; everyone of
  the zone reads it (models.Site.scope_q).
- Opening hours are given per weekday (Monday 0) as a list of ("08:30", "17:30") periods; a day
  may have several (closed at noon), none means closed that day. ``set_opening_hours`` replaces
  the whole week at once, so a site is never left with half its hours.
- ``is_open(site, starts_at, ends_at)``: the span lies inside one opening period of one local day
  (a booking cannot run across the lunch break or past closing). A site with no hours is never open
  for bookings: hours must be recorded before a room can be booked.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import clean_field

from ..models import SITE_STAFF_ROLES, OpeningPeriod, Room, Site, SiteKind, Upgrade, UpgradeKind

NOTICES = {}


# --- who may do what ------------------------------------------------------------------------

def is_site_staff(user, site_or_unit):
    """Staff of the site's unit (or of a unit above it)."""
    unit = getattr(site_or_unit, "unit", site_or_unit)
    return bool(user and user.is_authenticated and user.is_active) and user_covers(user, unit.code, SITE_STAFF_ROLES)


def _check_staff(by, site_or_unit):
    if not is_site_staff(by, site_or_unit):
        raise DomainError(_("Only staff of this site's unit may do this."), code="forbidden")


# --- opening hours --------------------------------------------------------------------------

def _time(value, field):
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(_("Give times as HH:MM, e.g. 08:30."), code="time", field=field)


def parse_hours(hours):
    """{weekday: [(opens, closes), ...]} checked: weekdays 0-6, times HH:MM, closing after opening,
    periods of one day not overlapping. Returns [(weekday, opens, closes)] sorted."""
    periods = []
    for weekday, spans in (hours or {}).items():
        try:
            day = int(weekday)
        except (TypeError, ValueError):
            day = -1
        if not 0 <= day <= 6:
            raise DomainError(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."), code="weekday", field="hours")
        day_periods = sorted((_time(a, "hours"), _time(b, "hours")) for a, b in spans)
        for i, (opens, closes) in enumerate(day_periods):
            if closes <= opens:
                raise DomainError(_("A site must close after it opens."), code="hours", field="hours")
            if i and opens < day_periods[i - 1][1]:
                raise DomainError(_("Two opening periods of one day overlap."), code="hours", field="hours")
            periods.append((day, opens, closes))
    return sorted(periods)


def set_opening_hours(site, hours, *, by):
    """Replace the site's whole week of opening hours (one transaction)."""
    _check_staff(by, site)
    periods = parse_hours(hours)
    with transaction.atomic():
        OpeningPeriod.objects.filter(site=site).delete()
        OpeningPeriod.objects.bulk_create(
            [OpeningPeriod(site=site, weekday=d, opens=o, closes=c) for d, o, c in periods])
    return site


def hours_of(site):
    """{weekday: [(opens, closes)]} as stored, for the site page."""
    week = {}
    for p in OpeningPeriod.objects.filter(site=site).order_by("weekday", "opens"):
        week.setdefault(p.weekday, []).append((p.opens, p.closes))
    return week


def periods_on(site, day):
    """The opening periods of ``day`` (a local date) as aware datetimes [(opens_at, closes_at)]."""
    tz = timezone.get_current_timezone()
    return [(timezone.make_aware(datetime.datetime.combine(day, p.opens), tz),
             timezone.make_aware(datetime.datetime.combine(day, p.closes), tz))
            for p in OpeningPeriod.objects.filter(site=site, weekday=day.weekday()).order_by("opens")]


def is_open(site, starts_at, ends_at):
    """The whole span lies inside one opening period of one day."""
    if ends_at <= starts_at:
        return False
    day = timezone.localtime(starts_at).date()
    return any(opens <= starts_at and ends_at <= closes for opens, closes in periods_on(site, day))


# --- sites, rooms, upgrades -----------------------------------------------------------------

def _coordinate(value, field, low, high):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise DomainError(_("The map point is not valid."), code="point", field=field)
    return number


def create_site(*, unit, kind, name, by, address="", lat=None, lng=None, phone="", facilities="", description="",
                hours=None):
    _check_staff(by, unit)
    if kind not in SiteKind.values:
        raise DomainError(_("Choose a kind of site."), code="kind", field="kind")
    fields = {
        "name": clean_field(Site, "name", name, required=True),
        "address": clean_field(Site, "address", address),
        "phone": clean_field(Site, "phone", phone),
        "facilities": clean_field(Site, "facilities", facilities),
        "description": clean_field(Site, "description", description),
        "lat": _coordinate(lat, "lat", -90, 90), "lng": _coordinate(lng, "lng", -180, 180),
    }
    periods = parse_hours(hours)
    with transaction.atomic():
        site = Site.objects.create(unit=unit, kind=kind, **fields)
        OpeningPeriod.objects.bulk_create([OpeningPeriod(site=site, weekday=d, opens=o, closes=c) for d, o, c in periods])
    return site


def _positive(value, field, minimum=1):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < minimum:
        raise DomainError(_("%(field)s must be a whole number of at least %(min)d."),
                          params={"field": field, "min": minimum}, code="number", field=field)
    return number


def add_room(site, *, name, by, capacity=20, needs_approval=False, bookable=True, checkin_grace_minutes=15,
             max_booking_minutes=240, facilities=""):
    _check_staff(by, site)
    with transaction.atomic():
        return Room.objects.create(
            site=site, name=clean_field(Room, "name", name, required=True), facilities=clean_field(Room, "facilities", facilities),
            capacity=_positive(capacity, "capacity"), needs_approval=bool(needs_approval), bookable=bool(bookable),
            checkin_grace_minutes=_positive(checkin_grace_minutes, "checkin_grace_minutes"),
            max_booking_minutes=_positive(max_booking_minutes, "max_booking_minutes", 15))


def _cost(value):
    try:
        cost = Decimal(str(value))
    except (InvalidOperation, ValueError):
        cost = None
    if cost is None or not cost.is_finite() or cost < 0 or cost >= Decimal("1e10"):
        raise DomainError(_("The cost is an amount in yuan, not below zero."), code="cost", field="cost_yuan")
    return cost.quantize(Decimal("0.01"))


def record_upgrade(site, *, kind, what, started_on, by, cost_yuan=0, finished_on=None):
    _check_staff(by, site)
    if kind not in UpgradeKind.values:
        raise DomainError(_("Choose a kind of upgrade."), code="kind", field="kind")
    if finished_on is not None and finished_on < started_on:
        raise DomainError(_("An upgrade cannot finish before it starts."), code="finished_on", field="finished_on")
    with transaction.atomic():
        return Upgrade.objects.create(site=site, kind=kind, what=clean_field(Upgrade, "what", what, required=True),
                                      started_on=started_on, finished_on=finished_on, cost_yuan=_cost(cost_yuan),
                                      recorded_by=by)


def finish_upgrade(upgrade, *, finished_on, by):
    _check_staff(by, upgrade.site)
    if finished_on < upgrade.started_on:
        raise DomainError(_("An upgrade cannot finish before it starts."), code="finished_on", field="finished_on")
    with transaction.atomic():
        Upgrade.objects.filter(pk=upgrade.pk).update(finished_on=finished_on)
    upgrade.finished_on = finished_on
    return upgrade
