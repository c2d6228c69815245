"""三会一课: statutory meetings of party organizations, their cadence, and who is behind.

A cadence (``PartyCadence``) says an organization of a kind holds a format's meeting at least
once per calendar period of ``every_months`` months (``models.period_start``: months 1–3, 4–6 …
for quarterly). A period is *held* when a meeting of that format was recorded as HELD with its
start (local date) inside the period; a past period without one is *missed*. Everything here is
computed from the meeting rows, never stored, except ``PartyReminder``, which only remembers
that the reminder for one missed period went out.

Statutory meetings run on the same machinery as deliberation (services.meetings); what is
particular to them lives here: members marked present or absent (with a reason) by the
secretary, and study hours for those present.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.notices import notify_many
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import clean_field
from gongzhi.party.models import InstructorAssignment, PartyMember, PartyOrganization
from gongzhi.people.models import PARTY_ROLES, Role

from . import meetings
from ..models import (
    Attendance, Meeting, MeetingFormat, MeetingStatus, PartyCadence, PartyReminder, Purpose, SignInMethod, period_start,
)

# Missed periods are looked for this far back (a year of organizational life).
LOOKBACK_MONTHS = 12
# Who sees an organization's 三会一课 through their units (an instructor sees the branches
# assigned to them, not every branch of the community their account sits in).
OVERSEER_ROLES = PARTY_ROLES - {Role.INSTRUCTOR}

NOTICES = {
    # Keyed without the app label: core.plugins prefixes it ("deliberation.party_missed").
    "party_missed": _("%(organization)s did not hold its %(meeting)s in the period from %(period)s."),
}


def held_party_meetings():
    """The statutory meetings held, as the really-working rule reads them (party.working)."""
    return Meeting.objects.filter(format__purpose=Purpose.PARTY, status=MeetingStatus.HELD,
                                  organization__isnull=False).annotate(held_on=TruncDate("starts_at"))


# --- calendar ------------------------------------------------------------------------------------

def add_months(day, months):
    """The first of the month ``months`` months from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_end(start, every_months):
    """The last day of the period that begins on ``start``."""
    return add_months(start, every_months) - datetime.timedelta(days=1)


def past_periods(today, every_months):
    """The starts of the whole periods before ``today``'s within the last 12 months, oldest first."""
    current = period_start(today, every_months)
    start = period_start(add_months(today, -LOOKBACK_MONTHS), every_months)
    periods = []
    while start < current:
        periods.append(start)
        start = add_months(start, every_months)
    return periods


@dataclass
class CadenceStatus:
    """One organization's standing for one statutory meeting."""

    organization: PartyOrganization
    format: MeetingFormat
    every_months: int
    period_start: datetime.date        # the current period
    period_end: datetime.date
    status: str                        # "held" | "scheduled" | "due"
    last_held: datetime.date | None
    missed: list = field(default_factory=list)  # starts of past periods without a held meeting

    @property
    def missed_periods(self):
        return [(start, period_end(start, self.every_months)) for start in self.missed]


@dataclass
class Behind:
    organization: PartyOrganization
    cadences: list  # CadenceStatus with something missed

    @property
    def missed_count(self):
        return sum(len(c.missed) for c in self.cadences)


def due_and_missed(organizations, today):
    """{organization id: [CadenceStatus, …]} for each organization and each cadence of its kind.

    A fixed number of queries whatever the number of organizations: the cadences, the meetings
    of the window (held or scheduled), and the last held date per organization and format."""
    organizations = list(organizations)
    if not organizations:
        return {}
    kinds = {o.kind for o in organizations}
    cadences = {}
    for cadence in PartyCadence.objects.filter(organization_kind__in=kinds, format__active=True).select_related("format"):
        cadences.setdefault(cadence.organization_kind, []).append(cadence)
    org_ids = [o.pk for o in organizations if o.kind in cadences]
    if not org_ids:
        return {o.pk: [] for o in organizations}
    # From 1 January of the year a year ago: before the first period of any cadence length.
    window = datetime.date(add_months(today, -LOOKBACK_MONTHS).year, 1, 1)
    window_start = timezone.make_aware(datetime.datetime.combine(window - datetime.timedelta(days=1), datetime.time()))
    held, scheduled = set(), set()  # (organization, format, local date)
    rows = (Meeting.objects.filter(organization_id__in=org_ids, format__purpose=Purpose.PARTY, starts_at__gte=window_start,
                                   status__in=[MeetingStatus.HELD, MeetingStatus.SCHEDULED, MeetingStatus.OPEN])
            .values_list("organization_id", "format_id", "starts_at", "status"))
    for org_id, format_id, starts_at, status in rows.iterator(chunk_size=5000):
        day = timezone.localtime(starts_at).date()
        (held if status == MeetingStatus.HELD else scheduled).add((org_id, format_id, day))
    last = {(o, f): timezone.localtime(at).date() for o, f, at in
            Meeting.objects.filter(organization_id__in=org_ids, format__purpose=Purpose.PARTY, status=MeetingStatus.HELD,
                                   starts_at__lt=timezone.make_aware(datetime.datetime.combine(
                                       today + datetime.timedelta(days=1), datetime.time())))
            .values("organization_id", "format_id").annotate(last=Max("starts_at"))
            .values_list("organization_id", "format_id", "last")}
    # Index the held dates by (organization, format, period start) for each cadence length.
    lengths = {c.every_months for rows in cadences.values() for c in rows}
    held_periods = {n: {(o, f, period_start(d, n)) for o, f, d in held if d <= today} for n in lengths}
    scheduled_periods = {n: {(o, f, period_start(d, n)) for o, f, d in scheduled if d >= today} for n in lengths}
    answer = {}
    for org in organizations:
        statuses = []
        for cadence in sorted(cadences.get(org.kind, []), key=lambda c: (c.format.code)):
            n, fmt = cadence.every_months, cadence.format
            current = period_start(today, n)
            key = (org.pk, fmt.pk, current)
            if key in held_periods[n]:
                status = "held"
            elif key in scheduled_periods[n]:
                status = "scheduled"
            else:
                status = "due"
            # A period that began before the organization was founded cannot have been missed.
            missed = [p for p in past_periods(today, n)
                      if (org.pk, fmt.pk, p) not in held_periods[n] and (org.founded_on is None or org.founded_on <= p)]
            statuses.append(CadenceStatus(organization=org, format=fmt, every_months=n, period_start=current,
                                          period_end=period_end(current, n), status=status,
                                          last_held=last.get((org.pk, fmt.pk)), missed=missed))
        answer[org.pk] = statuses
    return answer


def overseen_organizations(user):
    """The organizations whose 三会一课 ``user`` follows: those under their units (community
    secretaries, street and district admins, grid workers), the branches assigned to them as an
    instructor, and the one they are secretary of."""
    if not user.is_authenticated:
        return PartyOrganization.objects.none()
    kinds = PartyCadence.objects.values("organization_kind")
    mine = (under_codes_q("unit__code", user.scope_codes(OVERSEER_ROLES))
            | Q(pk__in=InstructorAssignment.objects.filter(instructor=user).values("branch"))
            | Q(secretary__account=user))
    if user.is_superuser:
        mine = Q()
    return PartyOrganization.objects.filter(mine, kind__in=kinds)


def behind_schedule(user, today):
    """The organizations in ``user``'s scope that missed a period in the last 12 months, with
    what they missed, the most behind first."""
    orgs = overseen_organizations(user).select_related("unit", "secretary").order_by("unit__code", "name")
    statuses = due_and_missed(orgs, today)
    behind = []
    for org_id, cadences in statuses.items():
        missed = [c for c in cadences if c.missed]
        if missed:
            behind.append(Behind(organization=missed[0].organization, cadences=missed))
    behind.sort(key=lambda b: (-b.missed_count, b.organization.unit.code, b.organization.name))
    return behind


# --- reminders -------------------------------------------------------------------------------------

def remind_step(now):
    """The minute job: one reminder per (organization, format, missed period), to the
    organization's secretary (their account) and its instructors. Bounded queries whatever the
    number of organizations; the unique PartyReminder row makes it once only, even when two
    jobs run at the same time (the notice key is the reminder's)."""
    today = timezone.localdate(now)
    kinds = PartyCadence.objects.values("organization_kind")
    orgs = list(PartyOrganization.objects.filter(kind__in=kinds).select_related("secretary"))
    statuses = due_and_missed(orgs, today)
    # Only the period that has just ended: an organization that starts recording its meetings
    # here is not sent a year of history at once (the behind-schedule list shows it all).
    wanted = {(c.organization.pk, c.format.pk, c.missed[-1]): c for rows in statuses.values() for c in rows
              if c.missed and c.missed[-1] == add_months(c.period_start, -c.every_months)}
    if not wanted:
        return {"reminders": 0}
    oldest = min(p for _o, _f, p in wanted)
    sent = set(PartyReminder.objects.filter(period_start__gte=oldest)
               .values_list("organization_id", "format_id", "period_start"))
    fresh = [key for key in wanted if key not in sent]
    if not fresh:
        return {"reminders": 0}
    with transaction.atomic():
        PartyReminder.objects.bulk_create(
            [PartyReminder(organization_id=o, format_id=f, period_start=p, sent_at=now) for o, f, p in fresh],
            ignore_conflicts=True, batch_size=1000)
        reminders = list(PartyReminder.objects.filter(sent_at=now))  # the rows this run made
        instructors = {}
        for branch_id, user_id in InstructorAssignment.objects.filter(
                branch_id__in={r.organization_id for r in reminders}).values_list("branch_id", "instructor_id"):
            instructors.setdefault(branch_id, set()).add(user_id)
        items = []
        for reminder in reminders:
            cadence = wanted.get((reminder.organization_id, reminder.format_id, reminder.period_start))
            if cadence is None:
                continue
            org = cadence.organization
            users = set(instructors.get(org.pk, ()))
            if org.secretary is not None and org.secretary.account_id:
                users.add(org.secretary.account_id)
            items.append((reminder, "deliberation.party_missed", f"deliberation.party_missed:{reminder.pk}", users,
                          {"organization": org.name, "meeting": cadence.format.name,
                           "period": reminder.period_start.isoformat()}))
        notify_many(items)
    return {"reminders": len(items)}


# --- recording a statutory meeting ---------------------------------------------------------------

def may_run(user, organization):
    """Who records an organization's statutory meetings: its secretary, its instructors, and
    the staff whose units cover it."""
    if not user.is_authenticated:
        return False
    return overseen_organizations(user).filter(pk=organization.pk).exists()


def _require_runner(user, organization):
    if not may_run(user, organization):
        raise DomainError(_("Only the organization's secretary, its instructors and the staff above it record its meetings."),
                          code="not_allowed")


def _party_meeting(meeting):
    if meeting.format.purpose != Purpose.PARTY or meeting.organization_id is None:
        raise DomainError(_("This is not a statutory meeting of a party organization."), code="not_party_meeting")


def schedule_party_meeting(organization, *, format, starts_at, by, title=None, place=""):
    """A statutory meeting of ``organization`` on the meeting machinery."""
    _require_runner(by, organization)
    if format.purpose != Purpose.PARTY:
        raise DomainError(_("Choose one of the statutory meetings (三会一课)."), code="not_party_format", field="format")
    if not PartyCadence.objects.filter(format=format, organization_kind=organization.kind).exists():
        raise DomainError(_("This kind of organization does not hold this meeting."), code="no_cadence", field="format")
    title = clean_field(Meeting, "title", title or f"{timezone.localtime(starts_at):%Y年%m月}{format.name}")
    place = clean_field(Meeting, "place", place)
    return meetings.schedule_meeting(format=format, unit=organization.unit, starts_at=starts_at, by=by, title=title,
                                     place=place, organization=organization)


def record_member_attendance(meeting, *, member, present, absence_reason="", by):
    """Mark one member of the meeting's organization present, or absent with a reason.

    Recording again changes the mark (one row per member). A present member earns the
    format's study hours; an absent one none."""
    _party_meeting(meeting)
    _require_runner(by, meeting.organization)
    if member.organization_id != meeting.organization_id:
        raise DomainError(_("Only members of the meeting's organization are marked here."), code="not_a_member",
                          field="member")
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("This meeting was cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise DomainError(_("This meeting has not started yet."), code="not_started")
    reason = "" if present else clean_field(Attendance, "absence_reason", absence_reason, required=True)
    hours = meeting.format.study_hours if present else Decimal("0")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        found = Attendance.objects.filter(meeting=meeting, member=member).first()
        if found is None and member.account_id:
            # The member signed in at the door with their own account.
            found = Attendance.objects.filter(meeting=meeting, user_id=member.account_id).first()
        if found is None:
            found = Attendance(meeting=meeting, member=member, user_id=member.account_id, method=SignInMethod.STAFF)
        found.member = member
        found.present, found.absence_reason, found.study_hours = bool(present), reason, hours
        found.recorded_by = by
        found.save()
        return found


def record_meeting_minutes(meeting, *, text, by):
    _party_meeting(meeting)
    _require_runner(by, meeting.organization)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("This meeting was cancelled."), code="meeting_cancelled")
    text = clean_field(Meeting, "minutes", text, required=True)
    Meeting.objects.filter(pk=meeting.pk).update(minutes=text)
    meeting.minutes = text
    return meeting


def close_party_meeting(meeting, *, by):
    """Record the statutory meeting as held (it then counts for the cadence and the
    really-working rule); the members marked present get the format's study hours."""
    _party_meeting(meeting)
    _require_runner(by, meeting.organization)
    if meeting.status == MeetingStatus.HELD:
        raise DomainError(_("This meeting is already recorded as held."), code="already_held")
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("This meeting was cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise DomainError(_("This meeting has not started yet."), code="not_started")
    if not Attendance.objects.filter(meeting=meeting, member__isnull=False).exists():
        raise DomainError(_("Mark the members present or absent before closing the meeting."), code="no_attendance")
    with transaction.atomic():
        _close(meeting, by=by)
        Attendance.objects.filter(meeting=meeting, present=True).update(study_hours=meeting.format.study_hours)
        Attendance.objects.filter(meeting=meeting, present=False).update(study_hours=0)
    return meeting


def _close(meeting, *, by, now=None):
    """Held, through the meeting machinery. A statutory meeting is often recorded after it took
    place: one still only scheduled is opened as of its start, then closed now."""
    now = now or timezone.now()
    if meeting.status == MeetingStatus.SCHEDULED:
        meetings.open_meeting(meeting, by=by, now=min(meeting.starts_at, now))
    meetings.close_meeting(meeting, by=by, now=now)
    meeting.refresh_from_db()


def study_hours(member, year):
    """The study hours ``member`` earned in ``year`` (local calendar) at meetings held."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    total = Attendance.objects.filter(member=member, present=True, meeting__status=MeetingStatus.HELD,
                                      meeting__starts_at__gte=start, meeting__starts_at__lt=end
                                      ).aggregate(s=Sum("study_hours"))["s"]
    # One decimal place whatever the database's sum gives back (SQLite drops it).
    return Decimal(total or 0).quantize(Decimal("0.1"))


def visible_members(user):
    """The members whose attendance and study hours ``user`` may read: those of the
    organizations they follow (their secretary included), and themselves."""
    if not user.is_authenticated:
        return PartyMember.objects.none()
    return PartyMember.objects.filter(Q(organization__in=overseen_organizations(user).values("pk")) | Q(account=user))


def member_of(user):
    """The PartyMember linked to ``user``'s account, or None."""
    if not user.is_authenticated:
        return None
    return PartyMember.objects.filter(account=user).select_related("organization").first()
