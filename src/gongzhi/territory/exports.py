"""The residents ledger in Excel (issue 11, decision 79): the residents of one's ledger scope with
the residents page's filters. ID numbers and phones are masked; only the roles that answer for
their territory's personal data (EDITOR_ROLES: district and street admins, community
secretaries) may ask for them in full, by a confirmed POST, and then only for the residents of
the units they hold with such a role. Every export is logged (ledgers.ExportLog, ``full``).
Care tags are not in this ledger (they belong to the care registry, sites.ElderProfile)."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.core.scoping import under_codes_q
from gongzhi.ledgers.exports import Column, Export
from gongzhi.people.models import EDITOR_ROLES, LEDGER_ROLES

from .filters import ResidentFilterSet
from .models import Gender, Resident

GRID_CODE = "household__building__estate__grid__code"


def residents(user, full=False):
    found = Resident.objects.visible_to(user).select_related("household__building__estate__grid")
    if full and not user.is_superuser:
        found = found.filter(under_codes_q(GRID_CODE, user.scope_codes(EDITOR_ROLES)))
    return found.order_by("pk")


COLUMNS = (
    Column(_("grid"), 14), Column(_("estate"), 16), Column(_("building"), 10), Column(_("room"), 10),
    Column(_("Name"), 12), Column(_("gender"), 6), Column(_("ID number"), 22, text_format=True),
    Column(_("phone"), 16, text_format=True), Column(_("birth date"), 12), Column(_("household head"), 8),
)


def row(resident, full=False):
    household = resident.household
    building = household.building
    return [building.estate.grid.name, building.estate.name, building.number, household.room, resident.name,
            Gender(resident.gender).label,
            resident.id_number if full else mask_id_number(resident.id_number),
            resident.phone if full else mask_phone(resident.phone),
            resident.birth_date if full else resident.birth_date.year, resident.is_household_head]


EXPORTS = [
    Export("residents", _("Residents"), residents, COLUMNS, row, filterset=ResidentFilterSet,
           may_run=lambda user: user.is_authenticated and user.holds(LEDGER_ROLES), personal=True,
           may_export_full=lambda user: user.is_active and user.holds(EDITOR_ROLES), order=50),
]
