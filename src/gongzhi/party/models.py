"""Party organizations attached to territory, their members and their work.

The tree mirrors the four-level grid system: community party organization →
grid party branch → building party group → party-member central household.
An organization is attached to a territory unit; the industry app will attach
enterprise and industry-chain organizations through its own link models
(OrganizationKind already names their kinds), so nothing here has to change.
"""
import datetime

from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.people.models import PARTY_ROLES

from . import working

# A branch is "functioning" (实体化运行) when, on the day asked about, it
# has a secretary, at least this many members, and a statutory meeting (三会一课)
# recorded as held within this many days (the meetings come from the sources
# registered in party.working). Computed from records, never stored.
WORKING_MIN_MEMBERS = 3
WORKING_ACTIVITY_DAYS = 90


class OrganizationKind(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")
    CENTRAL_HOUSEHOLD = "central_household", _("Party-member central household")
    CHAIN_COMMITTEE = "chain_committee", _("Industry chain joint party committee")
    ENTERPRISE_BRANCH = "enterprise_branch", _("Enterprise party branch")
    PROPERTY_ORGANIZATION = "property_organization", _("Property company party organization")


class OrganizationQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        in_scope = under_codes_q("unit__code", user.scope_codes(PARTY_ROLES))
        # An instructor also sees the branches assigned to them.
        assigned = InstructorAssignment.objects.filter(instructor=user).values("branch")
        return in_scope | Q(pk__in=assigned)

    def grid_branches(self):
        return self.filter(kind=OrganizationKind.BRANCH, unit__level=4)

    def with_working(self, on=None):
        """Annotate ``member_count``, ``has_recent_activity`` and ``is_working``."""
        on = on or timezone.localdate()
        since = on - datetime.timedelta(days=WORKING_ACTIVITY_DAYS)
        members = (
            PartyMember.objects.filter(organization=OuterRef("pk"))
            .order_by().values("organization").annotate(n=Count("pk")).values("n")
        )
        return self.annotate(
            member_count=Coalesce(Subquery(members), Value(0)),
            has_recent_activity=working.held_between_exists(since, on),
        ).annotate(
            is_working=Case(
                When(
                    Q(secretary__isnull=False, member_count__gte=WORKING_MIN_MEMBERS, has_recent_activity=True),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class PartyOrganization(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent organization")
    )
    unit = models.ForeignKey(
        "territory.Unit", on_delete=models.PROTECT, related_name="party_organizations", verbose_name=_("territory unit")
    )
    # A building party group may be attached to one building.
    building = models.ForeignKey(
        "territory.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="party_groups", verbose_name=_("building"),
    )
    # A party-member central household: the member's own household and the
    # households around it that it looks after.
    household = models.ForeignKey(
        "territory.Household", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("household"),
    )
    cared_households = models.ManyToManyField(
        "territory.Household", blank=True, related_name="central_households", verbose_name=_("households looked after")
    )
    secretary = models.ForeignKey(
        "PartyMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("secretary")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["unit__code", "kind", "name"]
        indexes = [models.Index(fields=["kind", "unit"], name="party_org_kind_unit")]

    def __str__(self):
        return self.name

    def working_report(self, on=None):
        """The rule, applied to this one organization, with the reasons."""
        on = on or timezone.localdate()
        since = on - datetime.timedelta(days=WORKING_ACTIVITY_DAYS)
        members = self.members.count()
        last = working.last_held(self, on)
        checks = {
            "has_secretary": self.secretary_id is not None,
            "enough_members": members >= WORKING_MIN_MEMBERS,
            "recent_activity": last is not None and last >= since,
        }
        return {"is_working": all(checks.values()), "members": members, "last_activity": last, **checks}


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Employment(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
    MOBILE = "mobile", _("Mobile")


class MemberQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(organization__in=PartyOrganization.objects.visible_to(user))


class PartyMember(models.Model):
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="members", verbose_name=_("organization")
    )
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL)
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    account = models.OneToOneField(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="party_member", verbose_name=_("account")
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["organization_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(employment="in_service") | ~Q(work_unit=""),
                name="in_service_member_has_work_unit",
            ),
        ]

    def __str__(self):
        return self.name


class DualReportQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("grid__code", user.scope_codes(PARTY_ROLES)) | Q(member__account=user)


class DualReport(models.Model):
    """双报到: an in-service member registers with the home community and a grid."""

    member = models.OneToOneField(PartyMember, on_delete=models.CASCADE, related_name="dual_report", verbose_name=_("party member"))
    community = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    grid = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="dual_reports", verbose_name=_("grid"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    services = models.CharField(_("services offered"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))

    objects = DualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("dual registration")
        verbose_name_plural = _("dual registrations")

    def __str__(self):
        return f"{self.member} → {self.grid.name}"


class InstructorAssignmentQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(branch__in=PartyOrganization.objects.visible_to(user)) | Q(instructor=user)


class InstructorAssignment(models.Model):
    instructor = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="instructed_branches", verbose_name=_("instructor"))
    branch = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="instructor_assignments", verbose_name=_("branch"))
    since = models.DateField(_("since"))

    objects = InstructorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        constraints = [models.UniqueConstraint(fields=["instructor", "branch"], name="instructor_assignment_unique")]

    def __str__(self):
        return f"{self.instructor} → {self.branch}"


class ActivityKind(models.TextChoices):
    MEMBERS_MEETING = "members_meeting", _("Members' meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LESSON = "party_lesson", _("Party lesson")
    SERVICE = "service", _("Service activity")


class ActivityQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(organization__in=PartyOrganization.objects.visible_to(user))


class OrganizationActivity(models.Model):
    """A hand-entered activity of a party organization (组织生活记录). Statutory meetings are
    recorded on the deliberation app's meeting machinery, and only those count for the
    really-working rule (party.working)."""

    organization = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="activities", verbose_name=_("organization"))
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    attendees = models.PositiveIntegerField(_("attendees"), default=0)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization activity")
        verbose_name_plural = _("organization activities")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["organization", "held_on"], name="party_activity_org_date")]

    def __str__(self):
        return self.title


class PioneerPostQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(organization__in=PartyOrganization.objects.visible_to(user))


class PioneerPost(models.Model):
    """党员先锋岗: a post held by a member as an example to others."""

    organization = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="pioneer_posts", verbose_name=_("organization"))
    name = models.CharField(_("name"), max_length=100)
    holder = models.ForeignKey(PartyMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="pioneer_posts", verbose_name=_("holder"))

    objects = PioneerPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("pioneer post")
        verbose_name_plural = _("pioneer posts")

    def __str__(self):
        return self.name
