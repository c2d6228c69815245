"""Sites and services (阵地与服务): the places, what happens there, who helps, and who is cared for.

- ``Site`` (党群服务中心, 红帆驿站, 老年食堂 ...) with ``OpeningPeriod`` rows, ``Room`` and
  ``Upgrade`` (提升改造 / 适老化改造); ``Booking`` of a room, one at a time per room.
- ``Activity`` (one-off, recurring, a course, a free clinic) and its ``Session`` rows;
  ``Signup`` (confirmed or on the waiting list) and ``CheckIn`` at the door. Person-times (人次)
  are counted from check-ins, never typed.
- ``Team`` (志愿服务队), ``Volunteer`` (a resident, an in-service party member, or a red partner
  organization), ``RedPartner`` (红色合伙人), ``Shift`` and ``ServiceRecord``: hours count only
  once the organizer confirms the actual minutes.
- ``ElderProfile`` (the care registry, sensitive), ``HomeServiceRequest`` (上门问诊, 帮办代办),
  ``CareCheckIn`` (canteen meals, day-care attendance), ``CareDataView`` (every full view logged).
- ``MicroProject`` (微幸福) with milestones, people, updates and photos.

A person served is named two ways: ``user`` (an account) and/or ``resident`` (a ledger record,
for residents without a smartphone). ``recorded_by`` and ``on_behalf`` say who acted for them.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import LEDGER_ROLES, TERRITORIAL_ROLES
from gongzhi.territory.models import CODE_LENGTH, Level, ResidentLink

# Staff who run the sites, activities and volunteers of their scope.
SITE_STAFF_ROLES = TERRITORIAL_ROLES
# Roles that serve older residents and so may see the care registry of their scope (masked by
# default; every full view is logged). Nobody else sees it, whatever their other roles.
CARE_ROLES = LEDGER_ROLES

RESIDENT_GRID = "household__building__estate__grid__code"

# A map point on the globe: the services check it (services.sites), and the back office's forms,
# where sites and volunteers' points are edited, read these validators.
LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


def zone_q(field, user):
    """``field`` (a unit code) lies in a district or park where this user holds any role:
    sites, activities and teams are open to everyone of their zone, never to another zone."""
    return under_codes_q(field, {code[: CODE_LENGTH[Level.DISTRICT]] for code in user.scope_codes()})


def staff_q(field, user, roles=SITE_STAFF_ROLES):
    return under_codes_q(field, user.scope_codes(roles))


def person_q(user, prefix=""):
    """Rows about this account: made for it, by it, or for a resident it is linked to."""
    return (Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}recorded_by": user})
            | Q(**{f"{prefix}resident__in": linked_residents(user)}))


def linked_residents(user):
    """The residents this account is linked to, as a subquery: a join through the links, OR-ed
    with another condition, would repeat a row once per link of its resident."""
    return ResidentLink.objects.filter(user=user).values("resident")


class PersonMixin(models.Model):
    """Who a row is for: an account, a ledger resident, or both (a resident's own account)."""

    user = models.ForeignKey("people.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("account"))
    resident = models.ForeignKey("territory.Resident", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("resident"))
    # Who wrote the row (the person themself, a relative, a grid worker) and whether for another.
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    on_behalf = models.BooleanField(_("on behalf"), default=False)

    class Meta:
        abstract = True

    def person_label(self):
        if self.resident_id:
            return self.resident.name
        return str(self.user) if self.user_id else ""


# --- Sites -----------------------------------------------------------------------------------

class SiteKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("Party-mass service centre (党群服务中心)")
    STATION = "station", _("Red Sail station (红帆驿站)")
    CANTEEN = "canteen", _("Elderly canteen (老年食堂)")
    DAY_CARE = "day_care", _("Day-care centre (日间照料中心)")
    NIGHT_SCHOOL = "night_school", _("Party-mass night school (党群夜校)")
    PARTY_HALL = "party_hall", _("Party-building hall (党建馆)")
    CULTURE_SQUARE = "culture_square", _("Party culture square (党建文化广场)")
    OTHER = "other", _("Other")


class SiteQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("unit__code", user)


class Site(models.Model):
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE)
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # the site's desk, not a person's
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    facilities = models.CharField(_("facilities"), max_length=300, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["unit__code", "kind", "name"]
        indexes = [models.Index(fields=["unit", "kind"], name="site_unit_kind")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sites:site", args=[self.pk])


class SiteChildQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("site__unit__code", user)


class OpeningPeriod(models.Model):
    """One opening period of a site on one weekday (Monday 0); a day may have several."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    objects = SiteChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        ordering = ["site_id", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_period_closes_after")]


class Room(models.Model):
    """A bookable room or facility of a site (三郭唱吧, a meeting room, the dance floor)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    facilities = models.CharField(_("facilities"), max_length=300, blank=True)
    bookable = models.BooleanField(_("bookable by residents"), default=True)
    needs_approval = models.BooleanField(_("bookings need staff approval"), default=False)
    # A booking not checked in this long after its start is released (the no-show loop).
    checkin_grace_minutes = models.PositiveIntegerField(_("check-in grace (minutes)"), default=15,
                                                        validators=[MinValueValidator(1)])
    max_booking_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=240,
                                                      validators=[MinValueValidator(15)])
    # Bumped by every booking write: taking this row's write lock serializes the bookings of one
    # room on PostgreSQL and SQLite alike (see sites/services/bookings.py).
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    objects = SiteChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("site room")
        verbose_name_plural = _("rooms")
        ordering = ["site_id", "name"]

    def __str__(self):
        return f"{self.site.name} · {self.name}"

    def get_absolute_url(self):
        return reverse("sites:room", args=[self.pk])


class UpgradeKind(models.TextChoices):
    RENOVATION = "renovation", _("Upgrade (提升改造)")
    AGE_FRIENDLY = "age_friendly", _("Age-friendly refit (适老化改造)")


class Upgrade(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="upgrades", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=UpgradeKind.choices)
    what = models.CharField(_("what"), max_length=300)
    started_on = models.DateField(_("started on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)  # null: not done yet
    cost_yuan = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = SiteChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("site upgrade")
        verbose_name_plural = _("site upgrades")
        ordering = ["site_id", "-started_on"]
        constraints = [models.CheckConstraint(condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("started_on")),
                                              name="upgrade_finishes_after_start")]

    @property
    def done(self):
        return self.finished_on is not None


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Refused")
    RELEASED = "released", _("Released (no-show)")


# Bookings in these states hold their room's time.
HOLDING_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


class BookingQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("room__site__unit__code", user) | person_q(user) | Q(team__leader=user)

    def holding(self):
        return self.filter(status__in=HOLDING_STATUSES)


class Booking(PersonMixin):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("site room"))
    team = models.ForeignKey("Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings",
                             verbose_name=_("for the team"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveIntegerField(_("expected people"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    decided_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)  # for a refusal or cancellation
    created_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["room_id", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(resident__isnull=False) | Q(team__isnull=False),
                                   name="booking_names_someone"),
        ]
        indexes = [
            models.Index(fields=["room", "status", "starts_at"], name="booking_room_status_start"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
        ]

    def get_absolute_url(self):
        return reverse("sites:booking", args=[self.pk])


# --- Activities, courses and check-in --------------------------------------------------------

class ActivityKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    COURSE = "course", _("Course (enrol once, attend every session)")
    CLINIC = "clinic", _("Free clinic (义医义诊)")
    BIRTHDAY = "birthday", _("Collective birthday party")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return (Q(status__in=[ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED]) & zone_q("unit__code", user)) | staff_q(
            "unit__code", user)


class Activity(models.Model):
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
                             verbose_name=_("site"))
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities",
                             verbose_name=_("site room"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.ACTIVITY)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    organizer = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("organizer"))
    team = models.ForeignKey("Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities",
                             verbose_name=_("volunteer team"))
    # Places per session (per course for a course); 0: no limit.
    capacity = models.PositiveIntegerField(_("places"), default=30)
    # Sign-up closes this long before a session (a course: before its first session).
    signup_closes_hours = models.PositiveIntegerField(_("sign-up closes (hours before)"), default=2)
    # An RRULE subset (deliberation.recurrence) for recurring activities; blank: sessions by hand.
    recurrence = models.CharField(_("recurrence"), max_length=100, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90, validators=[MinValueValidator(10)])
    generated_until = models.DateField(null=True, blank=True)
    # Only residents whose birthday falls in the session's month may sign up (collective birthdays).
    birthday_month_only = models.BooleanField(_("only for residents born in that month"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED,
                              db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "status"], name="activity_unit_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sites:activity", args=[self.pk])

    @property
    def enrols_per_course(self):
        return self.kind == ActivityKind.COURSE


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Check-in open")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityChildQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(activity__in=Activity.objects.filter(Activity.objects.scope_q(user)))


class Session(models.Model):
    """One occurrence of an activity (one lesson of a course)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity"))
    # The date the recurrence gave this session; a moved or cancelled one is never generated again.
    occurs_on = models.DateField(null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # The code at the door (and in the QR link's fragment), fresh when check-in opens.
    checkin_code = models.CharField(_("check-in code"), max_length=8, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = ActivityChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "occurs_on"], name="session_occurrence_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["activity", "starts_at"], name="session_activity_start")]

    def __str__(self):
        return f"{self.activity.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("sites:session", args=[self.pk])


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Has a place")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SignupQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("activity__unit__code", user) | person_q(user)

    def live(self):
        return self.exclude(status=SignupStatus.CANCELLED)


class Signup(PersonMixin):
    """A place (or a waiting-list place) at one session, or at a whole course (``session`` null).
    The waiting list is ordered by ``created_at``, id."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True, related_name="signups")
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(resident__isnull=False), name="signup_names_someone"),
            # One live sign-up per person and session (or course); cancelled ones stay as history.
            models.UniqueConstraint(fields=["activity", "session", "user"], condition=~Q(status="cancelled") & Q(user__isnull=False),
                                    name="signup_once_per_user"),
            models.UniqueConstraint(fields=["activity", "session", "resident"],
                                    condition=~Q(status="cancelled") & Q(resident__isnull=False),
                                    name="signup_once_per_resident"),
        ]
        indexes = [models.Index(fields=["activity", "session", "status", "created_at"], name="signup_queue")]

    def get_absolute_url(self):
        # A sign-up is shown on its activity's page (with its waiting-list position).
        return reverse("sites:activity", args=[self.activity_id])


class CheckInQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("session__activity__unit__code", user) | person_q(user)


class CheckInMethod(models.TextChoices):
    CODE = "code", _("Code or QR code")
    STAFF = "staff", _("Recorded by staff")


class CheckIn(PersonMixin):
    """One person at one session: the only source of person-times (人次)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="checkins")
    method = models.CharField(max_length=10, choices=CheckInMethod.choices, default=CheckInMethod.CODE)
    at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["session_id", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(resident__isnull=False), name="checkin_names_someone"),
            models.UniqueConstraint(fields=["session", "user"], name="checkin_once_per_user"),
            models.UniqueConstraint(fields=["session", "resident"], name="checkin_once_per_resident"),
        ]


class CalendarFeedQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(user=user)


class CalendarFeed(models.Model):
    """A personal iCalendar feed's secret: calendar apps cannot sign in, so the address carries a
    random token (no personal data); resetting it cuts off the old address."""

    user = models.OneToOneField("people.User", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CalendarFeedQuerySet.as_manager()


# --- Volunteers --------------------------------------------------------------------------------

class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop or merchant")
    INSTITUTION = "institution", _("Public institution")
    SOCIAL = "social", _("Social organization")


class ZoneQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("unit__code", user)


class RedPartner(models.Model):
    """红色合伙人: an organization that serves the community (a shop, a firm, a hospital)."""

    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.SHOP)
    services = models.CharField(_("services offered"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    joined_on = models.DateField(_("joined the service on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("red partner")
        verbose_name_plural = _("red partners")
        ordering = ["unit__code", "name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    """志愿服务队: a volunteer team of a unit."""

    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("what it does"), max_length=300, blank=True)
    leader = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams",
                               verbose_name=_("leader"))
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("party organization"))
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["unit__code", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sites:team", args=[self.pk])


class VolunteerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("In-service party member (双报到)")
    PARTNER = "partner", _("Red partner organization")


class VolunteerQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The leader's members through a subquery: a join would repeat a volunteer once per team.
        led = TeamMembership.objects.filter(team__leader=user).values("volunteer_id")
        return staff_q("unit__code", user) | Q(user=user) | Q(pk__in=led)


class Volunteer(models.Model):
    """Someone (or an organization) who gives time; hours come only from confirmed records."""

    kind = models.CharField(_("kind"), max_length=20, choices=VolunteerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("home unit"))
    user = models.OneToOneField("people.User", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="volunteer", verbose_name=_("account"))
    resident = models.ForeignKey("territory.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("resident"))
    member = models.OneToOneField("party.PartyMember", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="volunteer", verbose_name=_("party member"))
    partner = models.OneToOneField(RedPartner, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="volunteer", verbose_name=_("red partner"))
    teams = models.ManyToManyField(Team, through="TeamMembership", related_name="volunteers", blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    # Where they start from, for "nearest available first" (a building's point, usually).
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE)
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE)
    available = models.BooleanField(_("available for home services"), default=True)
    joined_on = models.DateField(_("joined the service on"), default=timezone.localdate)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["unit__code", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="party_member") | Q(member__isnull=False), name="volunteer_member_named"),
            models.CheckConstraint(condition=~Q(kind="partner") | Q(partner__isnull=False), name="volunteer_partner_named"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sites:volunteer", args=[self.pk])


class TeamMembershipQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("team__unit__code", user) | Q(volunteer__user=user) | Q(team__leader=user)


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="team_membership_once")]


class ShiftQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # One's own shifts through a subquery, so that a shift is listed once.
        mine = ServiceRecord.objects.filter(volunteer__user=user, shift__isnull=False).values("shift_id")
        return staff_q("unit__code", user) | Q(team__leader=user) | Q(pk__in=mine)


class Shift(models.Model):
    """A stretch of volunteer work (at an activity's session or on its own), to be staffed."""

    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts",
                             verbose_name=_("team"))
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts",
                                verbose_name=_("session"))
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    places = models.PositiveIntegerField(_("volunteers needed"), default=1, validators=[MinValueValidator(1)])
    organizer = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("organizer"))

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sites:shift", args=[self.pk])


class RecordStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    REPORTED = "reported", _("Minutes reported")
    CONFIRMED = "confirmed", _("Confirmed by the organizer")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return (staff_q("unit__code", user) | Q(volunteer__user=user) | Q(team__leader=user))

    def confirmed(self):
        return self.filter(status=RecordStatus.CONFIRMED)


class ServiceRecord(models.Model):
    """One volunteer's service: on a shift or a home service. Hours count only when confirmed."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="records")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, null=True, blank=True, related_name="records")
    home_service = models.ForeignKey("HomeServiceRequest", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="records")
    what = models.CharField(_("what"), max_length=200)
    on = models.DateField(_("date"), db_index=True)
    scheduled_minutes = models.PositiveIntegerField(_("scheduled minutes"), default=0)
    actual_minutes = models.PositiveIntegerField(_("actual minutes"), null=True, blank=True,
                                                 validators=[MaxValueValidator(24 * 60)])
    status = models.CharField(_("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.SCHEDULED,
                              db_index=True)
    confirmed_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], condition=Q(shift__isnull=False), name="service_record_once_per_shift"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(actual_minutes__isnull=False, confirmed_by__isnull=False),
                                   name="service_record_confirmed_has_minutes"),
        ]
        indexes = [models.Index(fields=["volunteer", "status", "on"], name="service_record_volunteer")]

    def get_absolute_url(self):
        # A notice about a service opens its shift, or the volunteer's hours for a home service.
        if self.shift_id:
            return reverse("sites:shift", args=[self.shift_id])
        return reverse("sites:volunteer", args=[self.volunteer_id])


# --- Care for older residents --------------------------------------------------------------

class CareTag(models.TextChoices):
    LIVING_ALONE = "living_alone", _("Living alone (独居)")
    EMPTY_NEST = "empty_nest", _("Empty nest (空巢)")
    DISABLED = "disabled", _("Disabled (失能)")
    SEMI_DISABLED = "semi_disabled", _("Partly disabled (半失能)")
    ADVANCED_AGE = "advanced_age", _("Advanced age (高龄, 80+)")
    LOW_INCOME = "low_income", _("Low income (低保)")
    CHRONIC = "chronic", _("Chronic illness (慢病)")
    DEMENTIA = "dementia", _("Dementia (认知障碍)")


class ElderProfileQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Only the roles that serve them, in their scope. A relative or the resident sees the
        # profile through their link (their own data).
        return under_codes_q(f"resident__{RESIDENT_GRID}", user.scope_codes(CARE_ROLES)) | Q(resident__in=linked_residents(user))


class ElderProfile(models.Model):
    """An older resident in the care registry. Tags and the emergency contact are sensitive."""

    resident = models.OneToOneField("territory.Resident", on_delete=models.CASCADE, related_name="elder_profile",
                                    verbose_name=_("resident"))
    tags = models.JSONField(_("care tags"), default=list, blank=True)
    emergency_contact = models.CharField(_("emergency contact"), max_length=50, blank=True)
    emergency_phone = models.CharField(_("emergency phone"), max_length=20, blank=True)
    # How often the grid worker visits (days); 0: no regular visit.
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ElderProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("older resident")
        verbose_name_plural = _("care registry")
        ordering = ["resident_id"]

    def __str__(self):
        return self.resident.name

    def get_absolute_url(self):
        return reverse("sites:elder", args=[self.pk])


class CareDataViewQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        from gongzhi.people.models import EDITOR_ROLES
        return under_codes_q(f"profile__resident__{RESIDENT_GRID}", user.scope_codes(EDITOR_ROLES))


class CareDataView(models.Model):
    """An audit row written every time someone sees a care profile's sensitive fields in full."""

    user = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("viewed by"))
    profile = models.ForeignKey(ElderProfile, on_delete=models.CASCADE, related_name="views", verbose_name=_("older resident"))
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("where"), max_length=10, default="page")  # page | api | admin

    objects = CareDataViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("care data view")
        verbose_name_plural = _("care data views")
        ordering = ["-viewed_at"]


class HomeServiceKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit by a doctor (上门问诊)")
    ERRAND = "errand", _("Errand done for them (帮办代办)")
    HOUSEWORK = "housework", _("Housework")
    MEALS = "meals", _("Meal delivery")
    COMPANY = "company", _("Company and chat")


class HomeServiceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    MATCHED = "matched", _("Matched")
    DONE = "done", _("Done, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class HomeServiceQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return (under_codes_q(f"elder__resident__{RESIDENT_GRID}", user.scope_codes(CARE_ROLES))
                | Q(elder__resident__in=linked_residents(user)) | Q(raised_by=user)
                | Q(volunteer__user=user) | Q(team__leader=user))


class HomeServiceRequest(models.Model):
    elder = models.ForeignKey(ElderProfile, on_delete=models.PROTECT, related_name="home_services",
                              verbose_name=_("older resident"))
    kind = models.CharField(_("service"), max_length=20, choices=HomeServiceKind.choices)
    details = models.TextField(_("details"), max_length=LONG_TEXT, blank=True)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    raised_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("raised by"))
    # self | relative | carer | staff: who raised it, for the record.
    raised_as = models.CharField(_("raised as"), max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=HomeServiceStatus.choices,
                              default=HomeServiceStatus.REQUESTED, db_index=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.SET_NULL, null=True, blank=True, related_name="home_services")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="home_services")
    # Why this volunteer or team was chosen (nearest available, distance, skills), shown to staff.
    match_reason = models.CharField(_("why matched"), max_length=300, blank=True)
    matched_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    matched_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(_("what was done"), max_length=LONG_TEXT, blank=True)
    confirmed_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HomeServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("home service request")
        verbose_name_plural = _("home service requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="home_service_status")]

    def get_absolute_url(self):
        return reverse("sites:home_service", args=[self.pk])


class CareCheckInKind(models.TextChoices):
    MEAL = "meal", _("Canteen meal")
    DAY_CARE = "day_care", _("Day-care attendance")


class CareCheckInQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("site__unit__code", user, CARE_ROLES) | Q(resident__in=linked_residents(user))


class CareCheckIn(models.Model):
    """A meal at an elderly canteen or a day at a day-care centre: counted, never typed."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="care_checkins")
    resident = models.ForeignKey("territory.Resident", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=CareCheckInKind.choices)
    on = models.DateField(db_index=True)
    # The meal (lunch/dinner) or blank for a day-care day.
    meal = models.CharField(max_length=10, blank=True)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = CareCheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("canteen or day-care check-in")
        verbose_name_plural = _("canteen and day-care check-ins")
        constraints = [models.UniqueConstraint(fields=["site", "resident", "on", "kind", "meal"], name="care_checkin_once")]
        indexes = [models.Index(fields=["site", "on"], name="care_checkin_site_day")]


# --- 微幸福 micro projects -----------------------------------------------------------------

class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class MicroProjectQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("unit__code", user)


class MicroProject(models.Model):
    """微幸福: a small community project led by an in-service party member (or opened by a
    deliberation decision)."""

    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=100)
    plan = models.TextField(_("plan"), max_length=LONG_TEXT)
    lead = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("led by"))
    decision = models.ForeignKey("deliberation.Decision", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="micro_projects", verbose_name=_("opened by the decision"))
    budget_yuan = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0)])
    spent_yuan = models.DecimalField(_("spent (yuan)"), max_digits=12, decimal_places=2, default=0,
                                     validators=[MinValueValidator(0)])
    # Who benefits, in words and as the number of people reached when it is done.
    beneficiaries = models.CharField(_("who benefits"), max_length=200, blank=True)
    beneficiaries_count = models.PositiveIntegerField(_("people reached"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED,
                              db_index=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = MicroProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro project (微幸福)")
        verbose_name_plural = _("micro projects (微幸福)")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sites:project", args=[self.pk])


class ProjectChildQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("project__unit__code", user)


class ProjectPerson(models.Model):
    """Who works on a project: party members, volunteers or anyone named."""

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="people")
    member = models.ForeignKey("party.PartyMember", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    role = models.CharField(_("role"), max_length=50, blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(member__isnull=False) | Q(volunteer__isnull=False),
                                              name="project_person_names_someone")]


class Milestone(models.Model):
    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "due_on", "id"]


class ProjectUpdate(models.Model):
    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"), max_length=LONG_TEXT, blank=True)
    by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "at", "id"]


def project_photo_path(photo, filename):
    return f"projects/{photo.update.project_id}/{photo.token}{photo.extension}"


def project_thumbnail_path(photo, filename):
    return f"projects/{photo.update.project_id}/{photo.token}-thumb.jpg"


class ProjectPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("update__project__unit__code", user)


class ProjectPhoto(models.Model):
    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    image = models.FileField(upload_to=project_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=project_thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    objects = ProjectPhotoQuerySet.as_manager()
