"""Residents' problems (诉求/事件): categories, cases, the agencies working on
them, and the append-only timeline.

A case's life is the explicit state table in workflow.py; nothing else
changes ``Case.status``.
"""
import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import minimal_codes, under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import EDITOR_ROLES, TERRITORIAL_ROLES, Role
from gongzhi.territory.models import CODE_LENGTH, Level

GRID_CODE_LENGTH = CODE_LENGTH[Level.GRID]


class CategoryQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q()  # the category tree is open to every signed-in user


class Category(models.Model):
    """大类 (parent is None) or 小类 (under a 大类), in the spirit of GB/T 30428.2."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    # Shown to readers of the English pages; empty: they see the Chinese name.
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("major category"))
    # For a 小类: the kind of agency it usually goes to, and its time limits.
    default_agency_kind = models.CharField(_("default agency"), max_length=20, blank=True,
                                           help_text=_("department name or utility type"))
    response_hours = models.PositiveIntegerField(_("hours to respond"), default=24)
    resolve_hours = models.PositiveIntegerField(_("hours to resolve"), default=168)
    active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.parent.local_name} / {self.local_name}" if self.parent_id else self.local_name

    @property
    def local_name(self):
        """The name in the reader's language (the active one): English if given, else Chinese."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class CategoryTimeLimitQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # A district's own limits are kept by that district's admins.
        return under_codes_q("district__code", user.scope_codes({Role.DISTRICT_ADMIN}))

    def for_grid(self, grid_code):
        return self.filter(district__code=grid_code[:CODE_LENGTH[Level.DISTRICT]])


class CategoryTimeLimit(models.Model):
    """A district's own time limits for a 小类 of the shared tree (districts want different ones).

    Without a row, the category's own limits apply (``cases.services.time_limits``).
    """

    district = models.ForeignKey("territory.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("district"),
                                 limit_choices_to={"level": Level.DISTRICT})
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="time_limits", verbose_name=_("category"),
                                 limit_choices_to={"parent__isnull": False})
    response_hours = models.PositiveIntegerField(_("hours to respond"), validators=[MinValueValidator(1)])
    resolve_hours = models.PositiveIntegerField(_("hours to resolve"), validators=[MinValueValidator(1)])

    objects = CategoryTimeLimitQuerySet.as_manager()

    class Meta:
        verbose_name = _("district time limit")
        verbose_name_plural = _("district time limits")
        ordering = ["district__code", "category__code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "category"], name="category_time_limit_once_per_district"),
            models.CheckConstraint(condition=Q(response_hours__gte=1) & Q(resolve_hours__gte=models.F("response_hours")),
                                   name="category_time_limit_resolve_after_response"),
        ]

    def __str__(self):
        return f"{self.district} · {self.category}"

    def clean(self):
        if self.district_id and self.district.level != Level.DISTRICT:
            raise ValidationError({"district": _("Choose a district.")})
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("Choose a minor category (小类).")})
        if self.response_hours and self.resolve_hours and self.resolve_hours < self.response_hours:
            raise ValidationError({"resolve_hours": _("The time to resolve cannot be shorter than the time to respond.")})


class Channel(models.TextChoices):
    RESIDENT = "resident", _("Resident page")
    PATROL = "patrol", _("Grid worker patrol")
    MEETING = "meeting", _("Meeting")
    HOTLINE = "hotline", _("Hotline transfer")
    MACHINE = "machine", _("Machine client")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Being handled")
    WHISTLED = "whistled", _("Whistle blown")
    FED_BACK = "fed_back", _("Fed back")
    CLOSED = "closed", _("Closed")
    RATED = "rated", _("Rated")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = (Status.REGISTERED, Status.DISPATCHED, Status.HANDLING, Status.WHISTLED, Status.FED_BACK)
# An agency summoned by a whistle reports (报到) within this many minutes.
WHISTLE_REPORT_MINUTES = 30
# Who sees and reports the cases of their territory: the territorial roles and
# machine clients (a hotline, an Open311 client), each within its own scope.
CASE_SCOPE_ROLES = TERRITORIAL_ROLES | {Role.MACHINE_CLIENT}


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


def _grid_codes_q(codes):
    """Cases under ``codes``, as the (grid_code, status, created_at) index reads them best.

    A case carries its grid's code, so a grid's cases all have exactly that code:
    a grid (or a micro-grid, which holds no case code) is an equality, and the index
    gives a grid's cases of one status already in date order, with no sort. Larger
    units are code ranges (decision 2).
    """
    codes = minimal_codes(codes)
    exact = [c for c in codes if len(c) >= GRID_CODE_LENGTH]
    ranges = [c for c in codes if len(c) < GRID_CODE_LENGTH]
    parts = ([Q(grid_code=exact[0]) if len(exact) == 1 else Q(grid_code__in=exact)] if exact else [])
    parts += [under_codes_q("grid_code", ranges)] if ranges else []
    return reduce(or_, parts) if parts else Q(pk__in=[])


class CaseQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # A reporter follows their own cases, and the main case theirs was merged into.
        merged_into = Q(pk__in=Case.objects.filter(reporter=user, main_case__isnull=False).values("main_case"))
        return self.inbox_q(user) | Q(reporter=user) | merged_into

    def inbox_q(self, user):
        """The cases ``user`` works on: those of their territory and of their agencies.

        Not their own reports: those are "my problems" (the ``mine`` page). Kept apart
        because ``reporter = user OR pk IN (...)`` would make the database read and
        sort every open case of the scope for each page of an inbox.
        """
        in_territory = _grid_codes_q(user.scope_codes(CASE_SCOPE_ROLES))
        agencies = user.agency_ids()
        if not agencies:
            return in_territory
        return in_territory | Q(pk__in=CaseAgency.objects.filter(agency_id__in=agencies).values("case"))

    def visible_to(self, user, *, include_own=True):
        """What ``user`` may see; ``include_own=False``: only the cases they work on (inboxes)."""
        if include_own:
            return super().visible_to(user)
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_superuser else self.filter(self.inbox_q(user))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def public(self, now=None):
        """The cases anyone may read without an account (decision 19): those reported in the
        last PUBLIC_WINDOW, whatever their status. Nothing else is left out, and nothing
        older is ever reachable, by number, id list or dates. Show them through public_view()."""
        now = now or timezone.now()
        return self.filter(created_at__gte=now - PUBLIC_WINDOW)


# The public view (decision 19): how far back anyone may read, and how blurred the place is.
PUBLIC_WINDOW = datetime.timedelta(days=90)
PUBLIC_COORDINATE_DECIMALS = 3  # 0.001° is about 111 m of latitude: the street, not the door


# The columns public_view reads: a public query loads these and nothing else (.only(*PUBLIC_COLUMNS)).
PUBLIC_COLUMNS = ("number", "status", "category__code", "category__name", "grid__name", "created_at",
                  "resolve_by", "closed_at", "lat", "lng")


def public_view(case):
    """What anyone may see of a case, and nothing more: its number, status, category, grid,
    dates, the agencies working on it, and its place rounded to about 100 m.

    A whitelist, so a field added to Case stays private until it is named here. Never the
    title, description, notes, address, building, reporter or contact phone: residents' free
    text names people and numbers, and a building is a door. Reads PUBLIC_COLUMNS and
    ``agency_links`` (prefetch them with their agency for lists).
    """
    def blur(coordinate):
        return None if coordinate is None else round(coordinate, PUBLIC_COORDINATE_DECIMALS)

    agencies = [link.agency.name for link in case.agency_links.all() if link.returned_at is None]
    return {
        "number": case.number,
        "status": case.status,
        "status_label": str(Status(case.status).label),  # get_status_display hashes every choice per call
        "category": case.category,
        "grid": case.grid,
        "created_at": case.created_at,
        "resolve_by": case.resolve_by,
        "closed_at": case.closed_at,
        "agencies": list(dict.fromkeys(agencies)),
        "lat": blur(case.lat),
        "lng": blur(case.lng),
    }


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=LONG_TEXT)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    source_detail = models.CharField(_("source"), max_length=50, blank=True, help_text=_("e.g. the meeting it was raised at"))
    status = models.CharField(_("case status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # Place: the grid is copied as a code so that "everything under X" is one
    # indexed range on the case table itself, with no join (lists at 10M rows).
    grid = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("grid"))
    micro_grid = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("micro-grid"))
    grid_code = models.CharField(max_length=18, editable=False)
    building = models.ForeignKey("territory.Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("building"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    reporter = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="reported_cases", verbose_name=_("reporter"))
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    main_case = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("main case"))
    reopen_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    respond_by = models.DateTimeField(_("respond by"))
    resolve_by = models.DateTimeField(_("resolve by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The latest rating, copied here so the rates are sums over one table.
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_solved = models.BooleanField(_("solved, says the reporter"), null=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # Bumped by every move: a move made on a stale copy is refused (optimistic lock).
    version = models.PositiveIntegerField(default=0)
    # The latest urge (催办) or supervision (督办), copied from the timeline by those moves so
    # that the supervisors' "supervised" tab is one indexed filter, not a join on the timeline.
    supervised_at = models.DateTimeField(_("last urged or supervised"), null=True, blank=True, editable=False)
    # Answers to the category's extra questions (CategoryAttribute), by attribute code.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # jieba's words of the title and description, cut once at intake (textserve.tokens, joined by
    # spaces): the similar-case search compares thousands of open cases, and cutting their words
    # again on every search was most of its time (docs/performance.md). Empty: cut when needed.
    words = models.TextField(default="", blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Inboxes and lists: a grid and a status give their cases in date order. Ascending, with
            # the id: read backwards it is exactly ORDER BY created_at DESC, id DESC (no sort at all).
            models.Index(fields=["grid_code", "status", "created_at", "id"], name="case_scope_status_time"),
            models.Index(fields=["status", "resolve_by"], name="case_status_deadline"),
            # The routing model learns from the latest closed cases; the tick counts the new ones.
            models.Index(fields=["closed_at"], name="case_closed_at"),
            # Similar cases: the open cases of one 小类 in a street.
            models.Index(fields=["category", "status", "grid_code", "created_at"], name="case_open_category"),
            # The supervised tab: open cases that were urged or supervised.
            models.Index(fields=["status", "supervised_at"], name="case_status_supervised"),
            # (On PostgreSQL also case_grid_month: (grid_code, created_at) INCLUDE the columns a
            # grid's month recount reads, made by migration 0016 for PostgreSQL only. SQLite has no
            # INCLUDE: there it would be a plain index its planner prefers to this one's prefix.)
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"number": self.number})


def _of_visible_cases(user):
    """For records that belong to one case: visible exactly when their case is."""
    return Q(case__in=Case.objects.filter(Case.objects.scope_q(user)))


class CaseRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return _of_visible_cases(user)


class CaseAgency(models.Model):
    """An agency a case was dispatched or whistled to (吹哨报到 summons several)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agency_links")
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="case_links")
    whistled = models.BooleanField(default=False)
    summoned_at = models.DateTimeField()
    report_by = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    fed_back_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # The case's reopen_count when summoned: a reopened case is worked in a new round.
    round = models.PositiveSmallIntegerField(default=0)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "fed_back_at"], name="case_agency_inbox")]

    @property
    def active(self):
        return self.returned_at is None


class CaseRating(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    # As in the 12345 return visit, two questions: was it solved, and are you satisfied.
    solved = models.BooleanField(_("solved"), default=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+")
    rated_at = models.DateTimeField()
    # Taken by phone on a return visit (回访) and recorded by ``rated_by`` for the reporter.
    on_behalf = models.BooleanField(_("recorded on behalf"), default=False)

    objects = CaseRecordQuerySet.as_manager()


class TimelineEntry(models.Model):
    """Append-only: who did what, when, why, and the status before and after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    move = models.CharField(max_length=30)
    actor = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20)
    details = models.JSONField(default=dict, blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="timeline_case_at")]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Timeline entries are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Timeline entries are never deleted.")


class NobodyQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(pk__in=[])  # machinery: no person browses it (superusers excepted)


class CaseContactViewQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The log is for those who answer for the grids: community secretaries and above.
        return under_codes_q("case__grid_code", user.scope_codes(EDITOR_ROLES))


class CaseContactView(models.Model):
    """An audit row written every time someone sees a case's contact phone in full
    (to call the reporter back). The number itself is never stored here."""

    user = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("viewed by"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    objects = CaseContactViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact phone view")
        verbose_name_plural = _("contact phone views")
        ordering = ["-viewed_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.case.number} · {self.viewed_at:%Y-%m-%d %H:%M}"


class CaseCounter(models.Model):
    """The last number given in a year: case numbers are 2026-000123, gapless per year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    objects = NobodyQuerySet.as_manager()


def photo_path(instance, filename):
    # Names are ours, never the uploader's: no personal data or path tricks in file names.
    return f"cases/{instance.case.created_at:%Y/%m}/{instance.case_id}/{instance.token}{instance.extension}"


def thumbnail_path(instance, filename):
    return f"cases/{instance.case.created_at:%Y/%m}/{instance.case_id}/{instance.token}.thumb.jpg"


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Reported")
    RESULT = "result", _("Result")


class CasePhoto(models.Model):
    """A photo of a case: checked to be an image by its content, EXIF (GPS included) stripped."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    image = models.FileField(upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]


class ReportDraftQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Reached only through the browser session that holds the token (cases.drafts), never listed.
        return Q(pk__in=[])


class ReportDraft(models.Model):
    """A report form's one-time token: claimed by the submit that files the case (``case``), so a
    second submit of the same form answers with that case; it also holds the photos kept across
    a failed submit (DraftPhoto). Forgotten after a day (cases.drafts.forget_stale)."""

    token = models.CharField(max_length=32, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    objects = ReportDraftQuerySet.as_manager()


def draft_photo_path(instance, filename):
    # Names are ours (a random token), outside the cases' folders, never served as media.
    return f"drafts/{instance.created_at:%Y/%m/%d}/{instance.token}{instance.extension}"


def draft_thumbnail_path(instance, filename):
    return f"drafts/{instance.created_at:%Y/%m/%d}/{instance.token}.thumb.jpg"


class DraftPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(pk__in=[])  # like its draft: only through the session that sent it


class DraftPhoto(models.Model):
    """A photo already checked and encoded anew (no EXIF), kept for a report form that failed."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    image = models.FileField(upload_to=draft_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=draft_thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    objects = DraftPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]


class RateDimension(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    AGENCY = "agency", _("Agency")


class RateRollupQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        from gongzhi.people.models import Agency

        codes = user.scope_codes()
        units = Q(dimension__in=[d for d in RateDimension.values if d != RateDimension.AGENCY]) & under_codes_q("key", codes)
        districts = {code[:6] for code in codes}
        agencies = Agency.objects.filter(district__code__in=districts).values_list("pk", flat=True)
        return units | Q(dimension=RateDimension.AGENCY, key__in=[str(pk) for pk in agencies])


class RollupCounts(models.Model):
    """The counts behind the three rates (rates.Rates reads these five), kept by a roll-up row."""

    total = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateRollup(RollupCounts):
    """Counts behind the three rates for one month and one grid, community,
    street, district or agency. Pages read these rows, never the case table."""

    month = models.DateField()
    dimension = models.CharField(max_length=20, choices=RateDimension.choices)
    key = models.CharField(max_length=20, help_text="unit code, or agency id")

    objects = RateRollupQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "dimension", "key"], name="rate_rollup_unique")]
        indexes = [models.Index(fields=["dimension", "month"], name="rate_rollup_dimension_month")]


class TextModel(models.Model):
    """The text model fitted by the minute job (cases/routing.py): the routing classifier
    and the vectoriser of the similar-case search, as plain arrays (textserve.Model). Every process
    loads the newest row; older rows are pruned (decision 28)."""

    version = models.CharField(max_length=32, unique=True)
    trained_at = models.DateTimeField()
    closed_cases = models.PositiveIntegerField(help_text="closed cases learnt from")
    newest_closed_at = models.DateTimeField(null=True, blank=True)
    newest_case_id = models.BigIntegerField(default=0)
    library = models.CharField(max_length=40, help_text="scikit-learn version that pickled it")
    blob = models.BinaryField()

    objects = NobodyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]


class CaseVector(models.Model):
    """An open case's wording as the stored text model sees it: its TF-IDF row, packed
    (cases/vectors.py). Written at intake and, for the open cases, by the minute job after each
    refit; the similar-case search reads thousands per search instead of computing them
    (decision 82). Kept apart from Case so that no other read of a case carries it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="vector")
    model = models.BigIntegerField()  # the TextModel row it was made with; another one means stale
    data = models.BinaryField()

    objects = NobodyQuerySet.as_manager()


class AgencyRateRollupQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("grid_code", user.scope_codes())


class AgencyRateRollup(RollupCounts):
    """Counts behind an agency's rates for one month and one grid, so that an agency's row can be
    summed over just the grids a viewer may see (a street admin sees its work in the street only)."""

    month = models.DateField()
    agency = models.ForeignKey("people.Agency", on_delete=models.CASCADE, related_name="+")
    grid_code = models.CharField(max_length=15)

    objects = AgencyRateRollupQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agency", "grid_code"], name="agency_rate_rollup_unique")]
        indexes = [models.Index(fields=["grid_code", "month"], name="agency_rate_rollup_grid_month")]


class AttributeType(models.TextChoices):
    """The datatypes of Open311 GeoReport v2 service attributes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


class CategoryAttributeQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q()  # open like the category tree it belongs to


class CategoryAttribute(models.Model):
    """An extra question a 小类 asks when a problem is reported (an Open311 service attribute).

    ``values`` lists the choices of a (single|multi)valuelist as [{"key": ..., "name": ...}].
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("category"))
    code = models.CharField(_("code"), max_length=50)
    datatype = models.CharField(_("datatype"), max_length=20, choices=AttributeType.choices, default=AttributeType.STRING)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(_("choices"), default=list, blank=True, help_text=_('[{"key": "yes", "name": "是"}, ...]'))

    objects = CategoryAttributeQuerySet.as_manager()

    class Meta:
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")
        ordering = ["category_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="category_attribute_unique_code"),
            models.CheckConstraint(condition=Q(datatype__in=AttributeType.values), name="category_attribute_known_datatype"),
        ]

    def __str__(self):
        return f"{self.category.name} · {self.code}"
