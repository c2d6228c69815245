"""Accounts, the roles they hold, the territory each role covers, and agencies."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District / park admin")
    STREET_ADMIN = "street_admin", _("Street admin")
    COMMUNITY_SECRETARY = "community_secretary", _("Community party secretary")
    GRID_WORKER = "grid_worker", _("Grid worker")
    PROFESSIONAL_GRID_WORKER = "professional_grid_worker", _("Professional grid worker")
    LEGAL_OFFICER = "legal_officer", _("Police, judge, prosecutor or lawyer")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")
    ENTERPRISE_LIAISON = "enterprise_liaison", _("Enterprise liaison")
    PARK_STAFF = "park_staff", _("Park service staff")
    # An account for another system (a hotline, an Open311 client): its scope says where it may report.
    MACHINE_CLIENT = "machine_client", _("Machine client")


# Roles that keep the territory's ledgers (residents, households, buildings):
# they see personal records of their scope, masked by default.
LEDGER_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER}
)
# Roles that may use the back office (Django admin) over their scope.
BACK_OFFICE_ROLES = LEDGER_ROLES
# Roles that may edit master data of their scope in the back office.
EDITOR_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_SECRETARY})
# Roles that see the party organizations and members of their scope.
PARTY_ROLES = LEDGER_ROLES | {Role.INSTRUCTOR}
# Roles that work cases of a territory (the inbox, the rates of their scope).
TERRITORIAL_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER})
# Staff: everyone who works for the district, an agency or a system (not residents, volunteers or members).
STAFF_ROLES = TERRITORIAL_ROLES | {Role.PROFESSIONAL_GRID_WORKER, Role.LEGAL_OFFICER, Role.INSTRUCTOR,
                                   Role.PARK_STAFF, Role.MACHINE_CLIENT}


class LegalKind(models.TextChoices):
    POLICE = "police", _("Police officer")
    JUDGE = "judge", _("Judge")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    LAWYER = "lawyer", _("Lawyer")


class UserQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        in_scope = RoleAssignment.objects.filter(under_codes_q("units__code", user.scope_codes(EDITOR_ROLES)))
        return models.Q(pk=user.pk) | models.Q(pk__in=in_scope.values("user"))


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    display_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.display_name or self.username

    # Scope lookups are cached on the instance: one request, one query.
    def _assignments(self):
        if not hasattr(self, "_assignment_cache"):
            self._assignment_cache = list(
                self.role_assignments.prefetch_related("units").all()
            ) if self.pk else []
        return self._assignment_cache

    def roles(self):
        return {a.role for a in self._assignments()}

    def has_role(self, *roles):
        return bool(self.roles() & set(roles))

    def holds(self, roles):
        """Superusers hold every role; anyone else the roles they were given (False when signed out)."""
        return self.is_superuser or self.has_role(*roles)

    def may_use_back_office(self):
        return self.is_active and self.holds(BACK_OFFICE_ROLES)

    def may_hold_api_tokens(self):
        """Staff who connect other systems (not residents, volunteers or members)."""
        return self.is_active and self.holds(STAFF_ROLES)

    def may_edit_master_data(self):
        return self.is_active and self.holds(EDITOR_ROLES)

    def agency_ids(self):
        """The agencies this account works for as a professional grid worker."""
        return {a.agency_id for a in self._assignments() if a.agency_id and a.role == Role.PROFESSIONAL_GRID_WORKER}

    def scope_codes(self, roles=None):
        """Codes of the units this user's roles cover, optionally only for ``roles``.

        Kept per role set for as long as the assignments are (a page asks a dozen times)."""
        assignments = self._assignments()
        memo = getattr(self, "_scope_memo", None)
        if memo is None or memo[0] is not assignments:
            memo = self._scope_memo = (assignments, {})
        key = None if roles is None else frozenset(roles)
        if key not in memo[1]:
            memo[1][key] = frozenset(u.code for a in assignments if roles is None or a.role in roles for u in a.units.all())
        return set(memo[1][key])


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Functional department")
    UTILITY = "utility", _("Utility service unit")


class UtilityType(models.TextChoices):
    WATER = "water", _("Water")
    POWER = "power", _("Power")
    GAS = "gas", _("Gas")
    HEATING = "heating", _("Heating")
    TELECOM = "telecom", _("Telecom")


class AgencyQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The directory of agencies is open to every signed-in user: grid
        # workers must be able to pick one when they dispatch.
        return models.Q()


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    utility_type = models.CharField(
        _("utility type"), max_length=20, choices=UtilityType.choices, blank=True
    )
    district = models.ForeignKey(
        "territory.Unit", on_delete=models.PROTECT, related_name="agencies", verbose_name=_("district")
    )
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="agency_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind="department", utility_type="")
                | (models.Q(kind="utility") & ~models.Q(utility_type="")),
                name="agency_utility_type_matches_kind",
            ),
        ]

    def __str__(self):
        return self.name


class RoleAssignmentQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        in_scope = RoleAssignment.objects.filter(under_codes_q("units__code", user.scope_codes(EDITOR_ROLES)))
        return models.Q(user=user) | models.Q(pk__in=in_scope.values("pk"))


class RoleAssignment(models.Model):
    """One role held by one account over one or more territory units (一人多格)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, db_index=True)
    units = models.ManyToManyField("territory.Unit", related_name="role_assignments", verbose_name=_("territory scope"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("agency")
    )
    legal_kind = models.CharField(_("legal role"), max_length=20, choices=LegalKind.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="professional_grid_worker") | models.Q(agency__isnull=False),
                name="professional_grid_worker_has_agency",
            ),
            models.CheckConstraint(
                condition=models.Q(role="legal_officer", legal_kind__in=["police", "judge", "prosecutor", "lawyer"])
                | (~models.Q(role="legal_officer") & models.Q(legal_kind="")),
                name="legal_kind_only_for_legal_officer",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"
