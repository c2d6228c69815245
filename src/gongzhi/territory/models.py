"""The four-level grid system: district → street → community → grid → micro-grid,
and under it estates, buildings, households and residents.

Codes follow GB/T 30428.1's idea of unit grid codes: a 6-digit county code,
then 3 digits for the street, 3 for the community, 3 for the grid (15 digits in
all). Micro-grids add a 3-digit suffix of our own (18 digits). A unit's code is
always its parent's code plus its own part, so "everything under X" is one
range filter on the indexed ``code`` column (see gongzhi.core.scoping).
"""
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.people.models import EDITOR_ROLES, LEDGER_ROLES

from .identity import mask_id_number, mask_phone


class Level(models.IntegerChoices):
    DISTRICT = 1, _("District / park")
    STREET = 2, _("Street")
    COMMUNITY = 3, _("Community")
    GRID = 4, _("Grid")
    MICRO_GRID = 5, _("Micro-grid")


# Width of each level's own part of the code.
CODE_PART_WIDTH = {Level.DISTRICT: 6, Level.STREET: 3, Level.COMMUNITY: 3, Level.GRID: 3, Level.MICRO_GRID: 3}
CODE_LENGTH = {}
_total = 0
for _level in Level:
    _total += CODE_PART_WIDTH[_level]
    CODE_LENGTH[_level] = _total


class UnitQuerySet(ScopedQuerySet):
    def under(self, code):
        """The unit with this code and everything below it."""
        return self.filter(under_codes_q("code", [code]))

    def scope_q(self, user):
        return under_codes_q("code", user.scope_codes())

    def grids(self):
        return self.filter(level=Level.GRID)


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # A GeoJSON geometry (Polygon or MultiPolygon, WGS 84 lng/lat) for grids and micro-grids.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory unit")
        verbose_name_plural = _("territory units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True) | models.Q(level__gt=1, parent__isnull=False),
                name="unit_only_district_is_root",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def ancestors_codes(self):
        """Codes of this unit's ancestors, from the district down (no query)."""
        return [self.code[: CODE_LENGTH[level]] for level in Level if CODE_LENGTH[level] < len(self.code)]


class EstateQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("grid__code", user.scope_codes(LEDGER_ROLES))


class Estate(models.Model):
    """小区: a residential estate inside one grid."""

    name = models.CharField(_("name"), max_length=100)
    grid = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="estates", verbose_name=_("grid"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    property_company = models.CharField(_("property company"), max_length=100, blank=True)

    objects = EstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["grid__code", "name"]

    def __str__(self):
        return self.name


class BuildingQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("estate__grid__code", user.scope_codes(LEDGER_ROLES))


class Building(models.Model):
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate"))
    micro_grid = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="buildings", verbose_name=_("micro-grid")
    )
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate_id", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")]

    def __str__(self):
        return f"{self.estate.name} {self.number}"


class HouseholdQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("building__estate__grid__code", user.scope_codes(LEDGER_ROLES))


class Household(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building"))
    room = models.CharField(_("room"), max_length=20)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "room"], name="household_unique_room")]

    def __str__(self):
        return f"{self.building} {self.room}"


class ResidentQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("household__building__estate__grid__code", user.scope_codes(LEDGER_ROLES))


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Resident(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household"))
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    # Personal data: shown masked by default (see masked_* and the reveal log).
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"))
    is_household_head = models.BooleanField(_("household head"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "-is_household_head", "name"]

    def __str__(self):
        return self.name

    @property
    @admin.display(description=_("ID number"))
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    @admin.display(description=_("phone"))
    def masked_phone(self):
        return mask_phone(self.phone)


class PersonalDataViewQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The log is for those who answer for the ledgers: admins and secretaries.
        return under_codes_q("resident__household__building__estate__grid__code", user.scope_codes(EDITOR_ROLES))


class PersonalDataView(models.Model):
    """An audit row written every time someone sees a personal field in full."""

    user = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("viewed by"))
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+", verbose_name=_("resident"))
    field = models.CharField(_("field"), max_length=30, choices=[("id_number", _("ID number")), ("phone", _("phone"))])
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    objects = PersonalDataViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user} · {self.resident} · {self.get_field_display()} · {self.viewed_at:%Y-%m-%d %H:%M}"


class AccountRelation(models.TextChoices):
    SELF = "self", _("The resident's own account")
    RELATIVE = "relative", _("A relative")
    CARER = "carer", _("A carer")


class ResidentLinkQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return (under_codes_q("resident__household__building__estate__grid__code", user.scope_codes(LEDGER_ROLES))
                | models.Q(user=user))


class ResidentLink(models.Model):
    """An account that may act for a resident in the ledger: the resident's own account, or a
    relative's or carer's. Grid staff record it after checking in person, so that a resident
    without a smartphone can be signed up, booked or helped by a relative, recorded as such."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="links", verbose_name=_("resident"))
    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="resident_links", verbose_name=_("account"))
    relation = models.CharField(_("relation"), max_length=10, choices=AccountRelation.choices)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ResidentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("account linked to a resident")
        verbose_name_plural = _("accounts linked to residents")
        constraints = [
            models.UniqueConstraint(fields=["resident", "user"], name="resident_link_once"),
            # One account is one person: it is the own account of at most one resident.
            models.UniqueConstraint(fields=["user"], condition=models.Q(relation="self"), name="resident_link_one_self"),
            models.UniqueConstraint(fields=["resident"], condition=models.Q(relation="self"),
                                    name="resident_link_one_own_account"),
        ]

    def __str__(self):
        return f"{self.user} → {self.resident} ({self.get_relation_display()})"
