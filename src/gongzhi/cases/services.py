"""Intake: every channel (resident page, grid worker form, API) creates cases here."""
import datetime
import functools
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import clean_field
from gongzhi.dashboard import tallies
from gongzhi.people.models import TERRITORIAL_ROLES
from gongzhi.territory.geometry import locate
from gongzhi.territory.models import Building
from gongzhi.territory.identity import normalize_phone

from . import notify, vectors
from .photos import prepare_photos, store_photos
from .textserve import case_words
from .models import (CASE_SCOPE_ROLES, Case, CaseAgency, CaseContactView, CaseCounter, Category, CategoryTimeLimit, Channel, Rating,
                     Status, TimelineEntry)


def time_limits(category, grid_code):
    """(response_hours, resolve_hours) for a case of ``category`` at ``grid_code``: the limits its
    district set for the category (CategoryTimeLimit), else the category's own."""
    own = CategoryTimeLimit.objects.for_grid(grid_code).filter(category=category).values_list("response_hours", "resolve_hours").first()
    return own or (category.response_hours, category.resolve_hours)


def next_number(year):
    """The next case number of the year, e.g. 2026-000123; gapless, safe under concurrency.

    The counter's row stays locked until the transaction ends, so every intake waits for the
    one before it from here to its commit: take the number as the last write (create_case).
    """
    CaseCounter.objects.get_or_create(year=year)
    CaseCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseCounter.objects.select_for_update().get(year=year).last
    return f"{year}-{last:06d}"


def buildings_for_report(user):
    """The buildings ``user`` may name as the place of a problem: those whose grid is under the
    units of the user's case roles (CASE_SCOPE_ROLES: the territorial roles and the machine
    client), the same scope in which create_case accepts a point; every building for superusers.

    Not Building.visible_to, which opens the building ledger to LEDGER_ROLES only: a machine
    client (a hotline, an Open311 client) may place a report at a building of its area without
    reading the ledger (decision 26).
    """
    buildings = Building.objects.select_related("estate__grid", "micro_grid")
    if user.is_superuser:
        return buildings
    return buildings.filter(under_codes_q("estate__grid__code", user.scope_codes(CASE_SCOPE_ROLES)))


def building_for_report(user, building_id, *, field="building_id"):
    """The one rule for every channel that takes a building (the API's ``building_id``,
    Open311's ``address_id``): the building, if in buildings_for_report(user); a building
    outside it is refused exactly like a missing one."""
    text = str(building_id).strip()
    # ASCII digits only ("²" is a digit to str.isdigit), and within a bigint: never a database error.
    building = None
    if text.isascii() and text.isdigit() and len(text) <= 18:
        building = buildings_for_report(user).filter(pk=int(text)).first()
    if building is None:
        raise DomainError(_("No such building in your scope."), code="building", field=field)
    return building


def _photos_before_the_lock(create):
    """Check and re-encode the photos before ``create`` opens its transaction.

    Decoding and encoding images takes long; inside the transaction it would hold
    the year's case-number counter (and, on SQLite, the database's write lock), and
    every other intake would wait behind it. Only writing the encoded bytes and the
    rows happens inside.
    """
    @functools.wraps(create)
    def create_with_prepared_photos(*args, photos=(), **kwargs):
        return create(*args, photos=prepare_photos(photos), **kwargs)

    return create_with_prepared_photos


@_photos_before_the_lock
@transaction.atomic
def create_case(*, title, description, category, channel, recorded_by=None, reporter=None, contact_phone="",
                lat=None, lng=None, building=None, address="", source_detail="", photos=(), within_scope_of=None, now=None,
                numbered=True):
    """Register a problem from any channel, with its photos, in one transaction.

    ``numbered=False`` leaves the stand-in number: the caller does what else its answer needs
    and then calls ``take_number(case)`` as its transaction's last write (the API's intake)."""
    now = now or timezone.now()
    # Every text field is checked against its column here, before the database sees it
    # (core.text: control characters, broken Unicode, the model's length), for every channel.
    title, description = clean_field(Case, "title", title), clean_field(Case, "description", description)
    address, source_detail = clean_field(Case, "address", address), clean_field(Case, "source_detail", source_detail)
    contact_phone = clean_field(Case, "contact_phone", contact_phone)
    if not title:
        raise DomainError(_("Give the problem a short title."), code="required", field="title")
    if not description:
        raise DomainError(_("Describe the problem."), code="required", field="description")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="channel", field="channel")
    if not isinstance(category, Category) or category.parent_id is None or not category.active:
        raise DomainError(_("Choose an active minor category (小类)."), code="category", field="category")
    if reporter is None and not contact_phone and channel == Channel.RESIDENT:
        raise DomainError(_("Leave a contact phone so that we can answer you."), code="required", field="contact_phone")
    contact_phone = normalize_phone(contact_phone, field="contact_phone") if contact_phone else ""
    if lat is not None and lng is not None:
        placed = locate(lat, lng)
        grid_id, micro_id, grid_code = placed.grid_id, placed.micro_grid_id, placed.grid_code
    elif building is not None:
        micro = building.micro_grid
        grid = building.estate.grid
        grid_id, micro_id, grid_code = grid.pk, micro.pk if micro else None, grid.code
    else:
        raise DomainError(_("Place the problem on the map or choose a building."), code="place_required", field="place")
    if within_scope_of is not None and not user_covers(within_scope_of, grid_code, CASE_SCOPE_ROLES):
        raise DomainError(_("That place is outside your grids."), code="out_of_scope", field="lat")
    respond_hours, resolve_hours = time_limits(category, grid_code)  # the district's own, if it set them
    case = Case.objects.create(
        # A stand-in, unique and never seen outside this transaction: the number comes last, below.
        number=f"~{uuid.uuid4().hex[:19]}", title=title[:100], description=description,
        category=category, channel=channel, source_detail=source_detail, status=Status.REGISTERED,
        grid_id=grid_id, micro_grid_id=micro_id, grid_code=grid_code, building=building, lat=lat, lng=lng,
        address=address, reporter=reporter, contact_phone=contact_phone, recorded_by=recorded_by,
        words=case_words(title[:100], description),
        created_at=now, respond_by=now + datetime.timedelta(hours=respond_hours),
        resolve_by=now + datetime.timedelta(hours=resolve_hours),
    )
    entry = TimelineEntry.objects.create(case=case, move="register", actor=recorded_by or reporter, at=now,
                                         status_before="", status_after=case.status, details={"channel": channel})
    vectors.store_new(case)  # what the similar-case search compares it by (decision 82)
    if photos:
        store_photos(case, photos, uploaded_by=recorded_by or reporter)
    notify.announce(case, entry.pk, "register", actor_id=(recorded_by or reporter).pk if (recorded_by or reporter) else None)
    tallies.enqueue(case.grid_code, now, "cases", f"entry:{entry.pk}")
    if numbered:
        take_number(case)
    return case


def take_number(case):
    """Give ``case`` its year's number. The counter row stays locked from here to the commit and
    every other intake waits on it: call it as the transaction's last write (the inserts, the
    photos, the outbox rows and the answer's queries before it run side by side)."""
    case.number = next_number(timezone.localtime(case.created_at).year)
    Case.objects.filter(pk=case.pk).update(number=case.number)
    return case.number


_interpolated = lazy(lambda message, params: str(message) % params, str)


def reopen_refusal(case):
    """Why this case cannot be reopened now, or None: the one reopen rule (GONGZHI_CASE_MAX_REOPENS)."""
    if case.rating != Rating.UNSATISFIED:
        return _("Only a case rated unsatisfied can be reopened.")
    if case.reopen_count >= settings.CASE_MAX_REOPENS:
        # Filled when shown, so it follows the reader's language like the other messages.
        return _interpolated(_("This case has been reopened as often as the rules allow (%(n)d)."), {"n": settings.CASE_MAX_REOPENS})
    return None


def reopen_limit_reached(case, user):
    """Whether ``user``, the reporter, would reopen this unsatisfying case but the rules forbid
    it now (reopened CASE_MAX_REOPENS times already): the page then says why 重办 is gone."""
    return (case.reporter_id is not None and case.reporter_id == user.pk and case.status == Status.RATED
            and case.rating == Rating.UNSATISFIED and reopen_refusal(case) is not None)


def contact_phone_of(case):
    """The number to call the reporter back on: the one left with the case, else their account's."""
    return case.contact_phone or (case.reporter.phone if case.reporter_id else "")


def may_call_back(user, case):
    """Staff who may act on the case: a territorial role over its grid, or an agency still on it.

    Callers must have found ``case`` through Case.objects.visible_to(user).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # The territorial rule answered in Python (core.scoping), as the case's own scope query would.
    if user_covers(user, case.grid_code, TERRITORIAL_ROLES):
        return True
    agencies = user.agency_ids()
    return bool(agencies) and CaseAgency.objects.filter(case=case, agency_id__in=agencies, returned_at__isnull=True).exists()


def reveal_contact_phone(user, case):
    """The reporter's phone in full, for a call back; every view is logged (CaseContactView).

    Raises NotFound when ``user`` may not call back (the page answers 404, as for a missing case)
    and DomainError when no phone was left.
    """
    if not may_call_back(user, case):
        raise NotFound(_("No such case."), code="not_found")
    phone = contact_phone_of(case)
    if not phone:
        raise DomainError(_("No phone number was left with this case."), code="no_phone")
    CaseContactView.objects.create(user=user, case=case)
    return phone
