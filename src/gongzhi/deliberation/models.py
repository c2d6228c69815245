"""Deliberation (议事协商) and party organizational life (三会一课) on one meeting machinery.

- ``MeetingFormat``: a kind of meeting (说七说八, 楼长夜话, 党员大会 ...) with its voting rule.
- ``MeetingSeries``: one unit's (or one party organization's) recurring meetings of a format;
  ``Meeting`` rows are generated ahead from its rule, one per occurrence, and each occurrence can
  be moved or cancelled alone (``occurs_on`` keeps the date the rule gave it).
- ``Council`` / ``CouncilMember``: the 协商议事会 of a grid or community, membership dated.
- ``Proposal`` / ``Support`` / ``ProposalFollow``: residents' topics and their supporters.
- ``AgendaItem``, ``Attendance``, ``Vote``: the meeting itself.
- ``Decision`` / ``DecisionUpdate``: who does what by when, followed until done (accountability).
- ``PartyCadence``: how often each kind of party organization must hold each statutory meeting.

Every figure (attendance, votes, quorum, hot issues settled) is counted from these rows.
"""
import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import PARTY_ROLES, TERRITORIAL_ROLES, Role
from gongzhi.territory.models import CODE_LENGTH, Level

# People who take part in their own units' deliberation (propose, support, sign in, vote).
PARTICIPANT_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER})
# Staff who prepare and run the deliberation of their scope; in an industrial park its service
# staff run 园区说事 and the supply-and-demand meetings of the units they hold.
DELIBERATION_STAFF_ROLES = TERRITORIAL_ROLES | {Role.PARK_STAFF}


def participant_units_q(field, user):
    """``field`` (a unit code path) is a unit this user takes part in: the units their
    participant roles cover, anything under them, and the units above them (a resident of a grid
    takes part in the community's and the street's deliberation too)."""
    codes = user.scope_codes(PARTICIPANT_ROLES)
    above = {code[: CODE_LENGTH[level]] for code in codes for level in Level if CODE_LENGTH[level] < len(code)}
    return under_codes_q(field, codes) | Q(**{f"{field}__in": sorted(above)})


def staff_units_q(field, user, roles=DELIBERATION_STAFF_ROLES):
    return under_codes_q(field, user.scope_codes(roles))


class Purpose(models.TextChoices):
    DELIBERATION = "deliberation", _("Deliberation (议事协商)")
    PARTY = "party", _("Party organizational life (三会一课)")


class Voters(models.TextChoices):
    COUNCIL = "council", _("Present council members")
    ATTENDEES = "attendees", _("Every signed-in participant")
    NOBODY = "nobody", _("No votes")


class Majority(models.TextChoices):
    # for > against (abstentions do not count)
    SIMPLE = "simple", _("More for than against")
    # for > half of the votes cast (abstentions count as not for)
    HALF_OF_CAST = "half_of_cast", _("More than half of the votes cast")
    # for >= two thirds of the votes cast
    TWO_THIRDS = "two_thirds", _("Two thirds of the votes cast")


class ParticipantGroup(models.TextChoices):
    COUNCIL = "council", _("Council members")
    RESIDENTS = "residents", _("Residents of the unit")
    BUILDING_HEADS = "building_heads", _("Building heads")
    PROPERTY = "property", _("Property company")
    ENTERPRISES = "enterprises", _("Enterprises")
    PARTY_MEMBERS = "party_members", _("Party members of the organization")
    COMMITTEE = "committee", _("Organization committee members")


class PartyMeetingKind(models.TextChoices):
    MEMBERS_MEETING = "members_meeting", _("Members' meeting (党员大会)")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting (支部委员会)")
    GROUP_MEETING = "group_meeting", _("Party group meeting (党小组会)")
    PARTY_LESSON = "party_lesson", _("Party lesson (党课)")
    THEME_DAY = "theme_day", _("Theme party day (主题党日)")


class OpenQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q()  # reference data: open to every signed-in user


class MeetingFormat(models.Model):
    """A kind of meeting and its rules. Defaults are loaded by a data migration; admins edit them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.DELIBERATION)
    party_kind = models.CharField(_("statutory meeting"), max_length=30, choices=PartyMeetingKind.choices, blank=True)
    convener_level = models.PositiveSmallIntegerField(_("convener level"), choices=Level.choices, default=Level.GRID)
    participant_groups = models.JSONField(_("participant groups"), default=list, blank=True)
    voters = models.CharField(_("who votes"), max_length=20, choices=Voters.choices, default=Voters.COUNCIL)
    # Quorum: present council members (Voters.COUNCIL) or votes cast (ATTENDEES) as a share of
    # those who could vote (the council's members that day / the signed-in participants).
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (%)"), default=50, validators=[MaxValueValidator(100)])
    majority = models.CharField(_("majority"), max_length=20, choices=Majority.choices, default=Majority.HALF_OF_CAST)
    # A default recurrence rule text (see recurrence.py), copied into new series.
    recurrence = models.CharField(_("recurrence"), max_length=100, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90, validators=[MinValueValidator(10)])
    # Supports that put a proposal on the next meeting's agenda by themselves (0: never).
    support_threshold = models.PositiveIntegerField(_("support threshold"), default=5)
    # Study hours a member present at this meeting earns (党课, 主题党日 ...).
    study_hours = models.DecimalField(_("study hours"), max_digits=4, decimal_places=1, default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = OpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting format")
        verbose_name_plural = _("meeting formats")
        ordering = ["purpose", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(purpose="deliberation", party_kind="") | (Q(purpose="party") & ~Q(party_kind="")),
                                   name="meeting_format_party_kind_only_for_party"),
        ]

    def __str__(self):
        return self.local_name

    @property
    def local_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class PartyCadence(models.Model):
    """三会一课 cadence: an organization of ``organization_kind`` holds a ``format`` meeting at
    least once every ``every_months`` months (1 monthly, 3 quarterly), counted by calendar period."""

    format = models.ForeignKey(MeetingFormat, on_delete=models.CASCADE, related_name="cadences", verbose_name=_("format"),
                               limit_choices_to={"purpose": Purpose.PARTY})
    organization_kind = models.CharField(_("organization kind"), max_length=30)
    every_months = models.PositiveSmallIntegerField(_("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(12)])

    objects = OpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("party meeting cadence")
        verbose_name_plural = _("party meeting cadences")
        constraints = [models.UniqueConstraint(fields=["format", "organization_kind"], name="party_cadence_once")]

    def __str__(self):
        return f"{self.format} · {self.organization_kind} · {self.every_months}"


class SeriesQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_units_q("unit__code", user) | under_codes_q("unit__code", user.scope_codes(PARTY_ROLES))


class MeetingSeries(models.Model):
    """One unit's recurring meetings of one format (or one party organization's)."""

    format = models.ForeignKey(MeetingFormat, on_delete=models.PROTECT, related_name="series", verbose_name=_("format"))
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="meeting_series", verbose_name=_("party organization"))
    title = models.CharField(_("title"), max_length=100)
    recurrence = models.CharField(_("recurrence"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # Meetings are generated this far ahead by the minute job.
    generated_until = models.DateField(_("generated until"), null=True, blank=True)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["unit__code", "format__code"]

    def __str__(self):
        return self.title


class CouncilQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_units_q("unit__code", user) | participant_units_q("unit__code", user)


class Council(models.Model):
    """协商议事会 of one grid or community."""

    unit = models.OneToOneField("territory.Unit", on_delete=models.PROTECT, related_name="council", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self):
        return self.name


class CouncilSeat(models.TextChoices):
    BRANCH = "branch", _("Grid party branch")
    PROPERTY = "property", _("Property company party organization")
    REPRESENTATIVE = "representative", _("Residents' representative")
    GRID_WORKER = "grid_worker", _("Grid worker")


class CouncilMemberQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_units_q("council__unit__code", user) | Q(user=user)

    def active_on(self, day):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("council"))
    seat = models.CharField(_("seat"), max_length=20, choices=CouncilSeat.choices)
    # The person who sits and votes; for an organization's seat, its representative.
    user = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="council_seats", verbose_name=_("person"))
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organization represented"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council_id", "seat", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="council_member_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.council} · {self.get_seat_display()} · {self.user}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In progress")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        deliberation = Q(format__purpose=Purpose.DELIBERATION) & (
            staff_units_q("unit__code", user) | participant_units_q("unit__code", user))
        from gongzhi.party.models import InstructorAssignment, PartyMember

        # Subqueries, not joins: a join through the organization's members or instructors would
        # repeat each meeting once per member in every list.
        party = Q(format__purpose=Purpose.PARTY) & (
            under_codes_q("unit__code", user.scope_codes(PARTY_ROLES))
            | Q(organization__in=InstructorAssignment.objects.filter(instructor=user).values("branch"))
            | Q(organization__in=PartyMember.objects.filter(account=user).values("organization")))
        return deliberation | party | self._plugged_groups_q(user)

    @staticmethod
    def _plugged_groups_q(user):
        """Meetings of a format naming a group whose people another app holds (core.plugins'
        ``meeting_participants``; the industry app's liaisons), held by a unit above one of
        the user's places in that group: the people such a meeting invites may open it."""
        from gongzhi.core.plugins import meeting_participant_sources

        found = Q(pk__in=[])
        for group, source in meeting_participant_sources().items():
            codes = source.unit_codes(user)
            if codes:
                formats = [f.pk for f in MeetingFormat.objects.only("pk", "participant_groups")
                           if group in (f.participant_groups or [])]
                found |= Q(format_id__in=formats, format__purpose=Purpose.DELIBERATION, unit__code__in=codes)
        return found

    def held(self):
        return self.filter(status=MeetingStatus.HELD)


class Meeting(models.Model):
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="meetings",
                               verbose_name=_("series"))
    # The date the series' rule gave this occurrence; with ``series`` it names the occurrence, so
    # moving it (a new ``starts_at``) or cancelling it never makes the generator add it again.
    occurs_on = models.DateField(_("occurrence"), null=True, blank=True)
    format = models.ForeignKey(MeetingFormat, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("format"))
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="meetings", verbose_name=_("party organization"))
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Sign-in at the door: a short code (and a QR code of the sign-in link) shown on the room's
    # screen; it works only while the meeting is open and never after ``ends_at``.
    signin_code = models.CharField(_("sign-in code"), max_length=8, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=LONG_TEXT, blank=True)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "occurs_on"], name="meeting_occurrence_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="meeting_unit_start"),
            models.Index(fields=["organization", "status", "starts_at"], name="meeting_org_status_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("deliberation:meeting", args=[self.pk])

    @property
    def is_party(self):
        return self.format.purpose == Purpose.PARTY

    @property
    def moved(self):
        return self.occurs_on is not None and timezone.localtime(self.starts_at).date() != self.occurs_on


def _of_visible_meetings(user, field="meeting"):
    return Q(**{f"{field}__in": Meeting.objects.filter(Meeting.objects.scope_q(user))})


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open for support")
    ON_AGENDA = "on_agenda", _("On the agenda")
    ANSWERED = "answered", _("Answered directly")
    OUT_OF_SCOPE = "out_of_scope", _("Not in scope")
    DECIDED = "decided", _("Decided")


class ProposalQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_units_q("unit__code", user) | participant_units_q("unit__code", user) | Q(author=user)


class Proposal(models.Model):
    """A topic residents (or staff) put to their grid's or community's deliberation."""

    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid or community"))
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=LONG_TEXT)
    author = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("proposed by"))
    # Set when a grid worker or relative typed it in for the author (recorded on their behalf).
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN,
                              db_index=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=LONG_TEXT, blank=True)
    answered_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status", "created_at"], name="proposal_unit_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deliberation:proposal", args=[self.pk])


class ProposalRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(proposal__in=Proposal.objects.filter(Proposal.objects.scope_q(user)))


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="proposal_supports")
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ProposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_person")]
        indexes = [models.Index(fields=["user", "created_at"], name="support_user_time")]


class ProposalFollow(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="followed_proposals")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProposalRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="proposal_follow_once")]


def proposal_photo_path(photo, filename):
    return f"proposals/{photo.proposal_id}/{photo.token}{photo.extension}"


def proposal_thumbnail_path(photo, filename):
    return f"proposals/{photo.proposal_id}/{photo.token}-thumb.jpg"


class ProposalPhoto(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    image = models.FileField(upload_to=proposal_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=proposal_thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalRecordQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Not yet discussed")
    VOTING = "voting", _("Vote open")
    VOTED = "voted", _("Vote closed")
    DISCUSSED = "discussed", _("Discussed")


class MeetingRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return _of_visible_meetings(user)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=100)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
                                 verbose_name=_("proposal"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
                             verbose_name=_("case"))
    time_box_minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), default=15,
                                                        validators=[MinValueValidator(1), MaxValueValidator(240)])
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    minutes = models.TextField(_("minutes"), max_length=LONG_TEXT, blank=True)
    vote_opened_at = models.DateTimeField(_("vote opened at"), null=True, blank=True)
    vote_closed_at = models.DateTimeField(_("vote closed at"), null=True, blank=True)
    # The result as computed when the vote closed (services.tally); never typed in.
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    eligible_voters = models.PositiveIntegerField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    added_automatically = models.BooleanField(_("added by the support threshold"), default=False)

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "proposal"], name="agenda_item_proposal_once"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deliberation:meeting", args=[self.meeting_id]) + f"#item-{self.pk}"


class SignInMethod(models.TextChoices):
    CODE = "code", _("Code or QR code")
    STAFF = "staff", _("Recorded by staff")


class Attendance(models.Model):
    """One person at one meeting: a signed-in participant, or a party member marked present or
    absent (with a reason) at a statutory meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey("people.User", on_delete=models.PROTECT, null=True, blank=True, related_name="attendances")
    member = models.ForeignKey("party.PartyMember", on_delete=models.CASCADE, null=True, blank=True, related_name="attendances")
    present = models.BooleanField(default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=SignInMethod.choices, default=SignInMethod.CODE)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    signed_in_at = models.DateTimeField(default=timezone.now)
    study_hours = models.DecimalField(_("study hours"), max_digits=4, decimal_places=1, default=0)

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting_id", "signed_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_user"),
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member"),
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(member__isnull=False), name="attendance_names_someone"),
            models.CheckConstraint(condition=Q(present=True) | ~Q(absence_reason=""), name="absence_has_reason"),
        ]


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class VoteQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Staff of the meeting's unit see each vote; a voter sees their own.
        meetings = Meeting.objects.filter(staff_units_q("unit__code", user) | under_codes_q("unit__code", user.scope_codes(PARTY_ROLES)))
        return Q(item__meeting__in=meetings) | Q(voter=user)


class Vote(models.Model):
    """One person's vote on one item: changeable until the vote closes (one row per person)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    # Set when a grid worker recorded this vote for a present resident without a phone; cleared
    # when the resident changes it themselves (the change history keeps both).
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded on behalf by"))
    updated_at = models.DateTimeField(default=timezone.now)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "voter"], name="vote_once_per_person")]


class VoteChangeQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(vote__in=Vote.objects.filter(Vote.objects.scope_q(user)))


class VoteChange(models.Model):
    """The history of a vote: every choice recorded, by whom (the voter or on their behalf)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="changes")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    recorded_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+")
    on_behalf = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    objects = VoteChangeQuerySet.as_manager()

    class Meta:
        ordering = ["vote_id", "at", "id"]


class OwnerKind(models.TextChoices):
    AGENCY = "agency", _("Agency")
    PROPERTY = "property", _("Property company")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    BRANCH = "branch", _("Party branch")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Being carried out")
    DONE = "done", _("Reported done")
    CARRIED_OUT = "carried_out", _("Carried out (verified)")
    CANCELLED = "cancelled", _("Cancelled")


class DecisionQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # The agency that carries a decision out sees it (to report progress), wherever it was taken.
        agencies = user.agency_ids()
        return _of_visible_meetings(user) | (Q(agency_id__in=sorted(agencies)) if agencies else Q(pk__in=[]))

    def settled(self):
        return self.filter(status=DecisionStatus.CARRIED_OUT)

    def overdue(self, today):
        return self.filter(status__in=[DecisionStatus.OPEN, DecisionStatus.DONE], due_on__lt=today)


class Decision(models.Model):
    """What was decided on an item, who carries it out and by when; followed until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting"))
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
                             verbose_name=_("agenda item"))
    what = models.TextField(_("what"), max_length=LONG_TEXT)
    owner_kind = models.CharField(_("who"), max_length=20, choices=OwnerKind.choices)
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("agency"))
    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organization"))
    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("party member"))
    # A volunteer team or property company named in words (the services part will link teams).
    owner_name = models.CharField(_("name of the team or company"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.OPEN,
                              db_index=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    # Overdue decisions rise one level at a time (community, then street, then district).
    escalated_level = models.PositiveSmallIntegerField(_("escalated to"), choices=Level.choices, null=True, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
                             verbose_name=_("case opened"))
    decided_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="decision_status_due")]

    def __str__(self):
        return self.what[:50]

    def get_absolute_url(self):
        return reverse("deliberation:decision", args=[self.pk])

    def owner_label(self):
        """Who carries it out, as shown everywhere (organizations and agencies by name)."""
        if self.owner_kind == OwnerKind.AGENCY and self.agency_id:
            return str(self.agency)
        if self.owner_kind in (OwnerKind.BRANCH,) and self.organization_id:
            return str(self.organization)
        if self.owner_kind == OwnerKind.PROPERTY:
            return str(self.organization) if self.organization_id else self.owner_name
        if self.owner_kind == OwnerKind.PARTY_MEMBER and self.member_id:
            return str(self.member)
        return self.owner_name

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status in (DecisionStatus.OPEN, DecisionStatus.DONE) and self.due_on < today


class DecisionRecordQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(decision__in=Decision.objects.filter(Decision.objects.scope_q(user)))


class DecisionUpdate(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"), max_length=LONG_TEXT, blank=True)
    by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["decision_id", "at", "id"]


def update_photo_path(photo, filename):
    return f"decisions/{photo.update.decision_id}/{photo.token}{photo.extension}"


def update_thumbnail_path(photo, filename):
    return f"decisions/{photo.update.decision_id}/{photo.token}-thumb.jpg"


class DecisionPhotoQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(update__in=DecisionUpdate.objects.filter(DecisionUpdate.objects.scope_q(user)))


class DecisionPhoto(models.Model):
    update = models.ForeignKey(DecisionUpdate, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=8)
    image = models.FileField(upload_to=update_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=update_thumbnail_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    objects = DecisionPhotoQuerySet.as_manager()


class PartyReminderQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        # Its readers: who sees the organization (staff above it, its instructors) and its
        # secretary, so that a reminder notice opens on the organization's 三会一课 page.
        from gongzhi.party.models import PartyOrganization

        return (Q(organization__in=PartyOrganization.objects.visible_to(user).values("pk"))
                | Q(organization__secretary__account=user))


class PartyReminder(models.Model):
    """One reminder per organization, format and missed period (so the minute job sends it once)."""

    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.CASCADE, related_name="+")
    format = models.ForeignKey(MeetingFormat, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    objects = PartyReminderQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "format", "period_start"], name="party_reminder_once")]

    def get_absolute_url(self):
        return reverse("deliberation:party_organization", args=[self.organization_id])


def period_start(day, every_months):
    """The first day of the calendar period of ``every_months`` months that holds ``day``
    (months 1–3, 4–6 ... for quarterly)."""
    month0 = (day.month - 1) // every_months * every_months
    return datetime.date(day.year, month0 + 1, 1)
