"""Creating and updating an enterprise: one transaction, every rule checked before the database
sees the row (the code's check character, lengths, the organization's zone)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import code_within, under_codes_q, user_covers
from gongzhi.core.text import clean_field

from gongzhi.territory.models import Unit

from ..models import INDUSTRY_STAFF_ROLES, ORGANIZED, ZONE_CODE_LENGTH, Enterprise, PartyStatus, Scale
from .uscc import clean_uscc

TEXT_FIELDS = ("name", "industry", "address")
NUMBER_FIELDS = ("staff", "members_full", "members_probationary")
FLAGS = ("operating", "non_public", "is_new_sector")
FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *FLAGS, "uscc", "scale", "unit", "party_status", "party_org", "organized_on",
          "instructor", "reached_on", "registered_on")


def zone_code(unit_or_code):
    code = getattr(unit_or_code, "code", unit_or_code)
    return code[:ZONE_CODE_LENGTH]


def _check(enterprise, by):
    enterprise.uscc = clean_uscc(enterprise.uscc)
    taken = Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk)
    if taken.exists():
        raise DomainError(_("An enterprise with this unified social credit code is already registered."),
                          code="uscc_taken", field="uscc")
    unit = enterprise.unit
    if by is not None and not user_covers(by, unit.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such unit."), code="not_found", field="unit")
    check_fields(enterprise)


def check_fields(enterprise):
    """Every rule on the row's own values (texts, code, lists, numbers, organization and dates),
    cleaning them in place. No query beyond the organization's unit, which callers checking many
    rows load with it (the Excel importer); the code's uniqueness and the scope are the caller's."""
    for name in TEXT_FIELDS:
        setattr(enterprise, name, clean_field(Enterprise, name, getattr(enterprise, name), required=name == "name"))
    enterprise.uscc = clean_uscc(enterprise.uscc)
    if enterprise.scale not in Scale.values:
        raise DomainError(_("Choose a scale."), code="invalid", field="scale")
    if enterprise.party_status not in PartyStatus.values:
        raise DomainError(_("Choose a party organization status."), code="invalid", field="party_status")
    for name in NUMBER_FIELDS:
        value = getattr(enterprise, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 1_000_000:
            raise DomainError(_("%(label)s must be a whole number from 0 to 1,000,000."), code="invalid", field=name,
                              params={"label": Enterprise._meta.get_field(name).verbose_name})
    if enterprise.members_total > enterprise.staff and enterprise.staff:
        raise DomainError(_("More party members are employed than the enterprise has staff."), code="too_many_members",
                          field="members_full")
    unit = enterprise.unit
    org = enterprise.party_org
    if enterprise.party_status == PartyStatus.NONE:
        enterprise.party_org = None
        enterprise.organized_on = None
    else:
        if enterprise.party_status in ORGANIZED and org is None:
            raise DomainError(_("Name the party organization (own or joint) of this enterprise."),
                              code="organization_required", field="party_org")
        if org is not None and not code_within(org.unit.code, [zone_code(unit)]):
            raise DomainError(_("The party organization belongs to another zone."), code="other_zone",
                              field="party_org")
        enterprise.organized_on = enterprise.organized_on or timezone.localdate()
    if enterprise.instructor_id and not enterprise.reached_on:
        enterprise.reached_on = timezone.localdate()
    if not enterprise.instructor_id:
        enterprise.reached_on = None


@transaction.atomic
def create_enterprise(*, by=None, liaisons=(), **fields):
    """A new enterprise; ``by`` (when given) must cover its unit. Unknown fields are an error."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    enterprise = Enterprise(**fields)
    _check(enterprise, by)
    enterprise.save()
    if liaisons:
        enterprise.liaisons.set(liaisons)
    return enterprise


@transaction.atomic
def update_enterprise(enterprise, *, by=None, liaisons=None, **changes):
    """Change an enterprise (locked while it changes); ``by`` must cover its old and new unit."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if by is not None and not user_covers(by, enterprise.unit.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such enterprise."), code="not_found")
    for name, value in changes.items():
        setattr(enterprise, name, value)
    _check(enterprise, by)
    enterprise.save()
    if liaisons is not None:
        enterprise.liaisons.set(liaisons)
    return enterprise



class MeetingLiaisons:
    """The "enterprises" group of meeting formats (园区说事, 企业供需对接会), declared as this app's
    ``meeting_participants`` so the deliberation part reads it without importing this app:
    the liaisons of the operating enterprises under a meeting's unit are invited (``ids``), and
    a liaison sees the meetings of the units above their enterprises (``unit_codes``)."""

    @staticmethod
    def ids(meeting):
        return (Enterprise.liaisons.through.objects
                .filter(under_codes_q("enterprise__unit__code", [meeting.unit.code]), enterprise__operating=True)
                .values_list("user_id", flat=True).distinct())

    @staticmethod
    def unit_codes(user):
        """The units whose "enterprises" meetings ``user`` takes part in: each of their operating
        enterprises' unit and the units above it (none, and no query, for anyone not a liaison)."""
        from gongzhi.people.models import Role

        if not user.is_authenticated or not user.has_role(Role.ENTERPRISE_LIAISON):
            return []
        codes = set()
        for code in Enterprise.objects.filter(liaisons=user, operating=True).values_list("unit__code", flat=True):
            codes |= {code, *Unit(code=code).ancestors_codes()}
        return sorted(codes)
