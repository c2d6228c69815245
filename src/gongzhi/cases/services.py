"""Intake: every channel (resident page, grid worker form, API) creates cases here."""
import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field
from gongzhi.territory.geometry import locate
from gongzhi.territory.identity import normalize_phone

from . import notify
from .photos import store_photos
from .models import CASE_SCOPE_ROLES, Case, CaseCounter, Category, Channel, Status, TimelineEntry


def next_number(year):
    """The next case number of the year, e.g. 2026-000123; gapless, safe under concurrency."""
    CaseCounter.objects.get_or_create(year=year)
    CaseCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseCounter.objects.select_for_update().get(year=year).last
    return f"{year}-{last:06d}"


@transaction.atomic
def create_case(*, title, description, category, channel, recorded_by=None, reporter=None, contact_phone="",
                lat=None, lng=None, building=None, address="", source_detail="", photos=(), within_scope_of=None, now=None):
    """Register a problem from any channel, with its photos, in one transaction."""
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
    if within_scope_of is not None and not within_scope_of.is_superuser and not any(
        grid_code.startswith(code) for code in within_scope_of.scope_codes(CASE_SCOPE_ROLES)
    ):
        raise DomainError(_("That place is outside your grids."), code="out_of_scope", field="lat")
    case = Case.objects.create(
        number=next_number(timezone.localtime(now).year), title=title[:100], description=description,
        category=category, channel=channel, source_detail=source_detail, status=Status.REGISTERED,
        grid_id=grid_id, micro_grid_id=micro_id, grid_code=grid_code, building=building, lat=lat, lng=lng,
        address=address, reporter=reporter, contact_phone=contact_phone, recorded_by=recorded_by,
        created_at=now, respond_by=now + datetime.timedelta(hours=category.response_hours),
        resolve_by=now + datetime.timedelta(hours=category.resolve_hours),
    )
    entry = TimelineEntry.objects.create(case=case, move="register", actor=recorded_by or reporter, at=now,
                                         status_before="", status_after=case.status, details={"channel": channel})
    if photos:
        store_photos(case, photos, uploaded_by=recorded_by or reporter)
    notify.announce(case.pk, f"case:{case.pk}:entry:{entry.pk}", "register",
                    actor_id=(recorded_by or reporter).pk if (recorded_by or reporter) else None)
    return case
