"""Meetings: series, occurrences, notice, sign-in, attendance, agenda, minutes, councils.

The same machinery runs deliberation meetings (说七说八 …) and party organizations' statutory
meetings (三会一课). Every write here is one transaction and raises ``DomainError`` (bilingual)
on a broken rule; the views and the API only parse and answer.

Who may run a meeting: staff whose territorial role covers its unit (a grid worker for their
grid, the community secretary for the community and its grids …); for a party meeting also the
party roles covering the unit and the organization's secretary (``may_run``).
"""
import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.plugins import meeting_participant_sources
from gongzhi.core.ratelimit import hit
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import clean_field
from gongzhi.people.models import LEDGER_ROLES, RoleAssignment, User
from gongzhi.territory.models import Level

from .. import recurrence
from ..models import (
    DELIBERATION_STAFF_ROLES, PARTICIPANT_ROLES, AgendaItem, Attendance, Council, CouncilMember, ItemStatus, Meeting,
    MeetingSeries, MeetingStatus, ParticipantGroup, Purpose, SignInMethod,
)

# Meetings are generated this far ahead of today (the minute job keeps the window full).
GENERATE_DAYS = 60
# Series handled per minute job run: the work per run stays bounded however many there are.
GENERATE_BATCH = 100
SIGNIN_CODE_DIGITS = 6
SIGNIN_TRIES = "10/minute"

NOTICES = {
    "deliberation.meeting_notice": _("Meeting notice: %(title)s, %(when)s, %(place)s."),
    "deliberation.meeting_moved": _("Meeting moved: %(title)s now takes place %(when)s, %(place)s."),
    "deliberation.meeting_cancelled": _("Meeting cancelled: %(title)s of %(when)s."),
}


# --- who may do what ---------------------------------------------------------------------------

def may_run(user, meeting=None, *, unit=None, organization=None):
    """Whether ``user`` may prepare and run the meeting (or a meeting of ``unit``/``organization``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if meeting is not None:
        unit, organization = meeting.unit, meeting.organization
    if user.is_superuser or user_covers(user, unit.code, DELIBERATION_STAFF_ROLES):
        return True
    if organization is not None:
        if user_covers(user, unit.code, LEDGER_ROLES):
            return True
        secretary = getattr(organization, "secretary", None)
        return secretary is not None and secretary.account_id == user.pk
    return False


def _require_runner(user, meeting=None, **where):
    if not may_run(user, meeting, **where):
        raise DomainError(_("Only the staff of this meeting's unit may do this."), code="forbidden")


def _aware(value, field="starts_at"):
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise DomainError(_("Give the date and time the meeting starts."), code="invalid", field=field)
    return value


def _when(meeting):
    return f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}"


def _check_level(format, unit):
    """A deliberation meeting of a whole district (or park zone) is one of the formats convened
    there (园区说事, 企业供需对接会): a grid's 说七说八 at the district would invite and notify
    every resident of it."""
    if (unit is not None and format.purpose == Purpose.DELIBERATION and unit.level == Level.DISTRICT
            and format.convener_level != Level.DISTRICT):
        raise DomainError(_("This format is not held for a whole district: choose a street, community or grid."),
                          code="format_level", field="unit")


def _check_format(format, organization):
    if not format.active:
        raise DomainError(_("This meeting format is no longer in use."), code="format", field="format")
    if format.purpose == Purpose.PARTY and organization is None:
        raise DomainError(_("A party meeting belongs to a party organization: choose one."), code="organization",
                          field="organization")
    if format.purpose == Purpose.DELIBERATION and organization is not None:
        raise DomainError(_("A deliberation meeting does not belong to a party organization."), code="organization",
                          field="organization")


# --- series and the occurrences generated from them --------------------------------------------

def create_series(*, format, unit, recurrence, starts_on, title, by, place="", organization=None, ends_on=None, now=None):
    """A unit's (or an organization's) recurring meetings of ``format``; the first 60 days of
    meetings are generated at once, the minute job keeps generating after that."""
    from .. import recurrence as rules

    rule = rules.parse(recurrence)
    _check_format(format, organization)
    if organization is not None and organization.unit_id != unit.pk:
        unit = organization.unit
    _check_level(format, unit)
    _require_runner(by, unit=unit, organization=organization)
    title = clean_field(MeetingSeries, "title", title, required=True)
    place = clean_field(MeetingSeries, "place", place)
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The series cannot end before it starts."), code="invalid", field="ends_on")
    with transaction.atomic():
        series = MeetingSeries.objects.create(format=format, unit=unit, organization=organization, title=title,
                                              recurrence=rule.text(), place=place, starts_on=starts_on, ends_on=ends_on,
                                              created_by=by)
        today = timezone.localdate(now) if now else timezone.localdate()
        generate(series, today + datetime.timedelta(days=GENERATE_DAYS), today=today)
    return series


def _missing_occurrences(series, until, today):
    """Meeting rows (unsaved) for the series' dates up to ``until`` it does not have yet."""
    first = max(series.starts_on, today, (series.generated_until + datetime.timedelta(days=1))
                if series.generated_until else series.starts_on)
    last = min(until, series.ends_on) if series.ends_on else until
    rule = recurrence.parse(series.recurrence)
    duration = datetime.timedelta(minutes=series.format.duration_minutes)
    return [
        Meeting(series=series, occurs_on=timezone.localtime(at).date(), format_id=series.format_id, unit_id=series.unit_id,
                organization_id=series.organization_id, title=series.title, starts_at=at, ends_at=at + duration,
                place=series.place, created_by_id=series.created_by_id)
        for at in recurrence.occurrences(rule, first, last, anchor=series.starts_on)
    ]


def _insert_occurrences(rows):
    # The (series, occurs_on) constraint names each occurrence: one already there (generated
    # before, moved to another day or cancelled) is never added again.
    if not rows:
        return 0
    wanted = {(m.series_id, m.occurs_on) for m in rows}
    there = set(Meeting.objects.filter(series_id__in={s for s, _d in wanted}, occurs_on__in={d for _s, d in wanted})
                .values_list("series_id", "occurs_on"))
    fresh = [m for m in rows if (m.series_id, m.occurs_on) not in there]
    Meeting.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def generate(series, until, *, today=None):
    """Add the series' meetings up to ``until`` (from today or where the last run stopped);
    returns how many were added. Idempotent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        added = _insert_occurrences(_missing_occurrences(series, until, today))
        if series.generated_until is None or series.generated_until < until:
            MeetingSeries.objects.filter(pk=series.pk).update(generated_until=until)
            series.generated_until = until
    return added


def generate_step(now):
    """The minute job: keep every series' meetings generated 60 days ahead. A bounded batch of
    series per run and a fixed number of queries per batch."""
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=GENERATE_DAYS)
    due = (MeetingSeries.objects.filter(Q(generated_until__isnull=True) | (
        Q(generated_until__lt=horizon) & (Q(ends_on__isnull=True) | Q(ends_on__gt=F("generated_until")))))
           .select_related("format").order_by("generated_until", "pk")[:GENERATE_BATCH])
    due = list(due)
    if not due:
        return {"series": 0, "meetings": 0}
    rows = []
    for series in due:
        try:
            rows += _missing_occurrences(series, horizon, today)
        except DomainError:
            continue  # a rule edited into nonsense in the back office: skip it, the others go on
    with transaction.atomic():
        added = _insert_occurrences(rows)
        MeetingSeries.objects.filter(pk__in=[s.pk for s in due]).update(generated_until=horizon)
    return {"series": len(due), "meetings": added}


# --- one meeting ---------------------------------------------------------------------------------

def schedule_meeting(*, format, unit, starts_at, by, title=None, place="", organization=None):
    """A one-off meeting (not part of a series)."""
    _check_format(format, organization)
    if organization is not None:
        unit = organization.unit
    _check_level(format, unit)
    _require_runner(by, unit=unit, organization=organization)
    starts_at = _aware(starts_at)
    title = clean_field(Meeting, "title", title or format.name, required=True)
    place = clean_field(Meeting, "place", place)
    return Meeting.objects.create(format=format, unit=unit, organization=organization, title=title, starts_at=starts_at,
                                  ends_at=starts_at + datetime.timedelta(minutes=format.duration_minutes), place=place,
                                  created_by=by)


def _locked(meeting):
    # of=self: PostgreSQL cannot lock the nullable side of the join to the organization.
    return Meeting.objects.select_for_update(of=("self",)).select_related("format", "unit", "organization").get(pk=meeting.pk)


def _announce(meeting, event, key, user_ids, outbox_key=None):
    # params carry no personal data: the meeting's title, time and place only.
    params = {"title": meeting.title, "when": _when(meeting), "place": meeting.place or "—"}
    outbox.enqueue("deliberation.announce", outbox_key or key, {
        "model": "meeting", "pk": meeting.pk, "event": event, "key": key, "user_ids": sorted(user_ids), "params": params})


def move_meeting(meeting, *, starts_at, by):
    """Move one occurrence (the series' other meetings stay); its length stays the same. Those
    already given notice are told."""
    _require_runner(by, meeting)
    starts_at = _aware(starts_at)
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can be moved."), code="meeting_state")
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at, meeting.ends_at = starts_at, starts_at + length
        meeting.save(update_fields=["starts_at", "ends_at"])
        if meeting.notice_sent_at:
            stamp = int(timezone.now().timestamp())
            _announce(meeting, "deliberation.meeting_moved", f"deliberation.meeting_moved:{meeting.pk}:{stamp}",
                      participants(meeting))
    return meeting


def cancel_meeting(meeting, *, reason, by):
    """Cancel one occurrence, with the reason shown. The row stays (the generator never adds
    the occurrence again); participants given notice are told."""
    _require_runner(by, meeting)
    reason = clean_field(Meeting, "cancel_reason", reason, required=True)
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can be cancelled."), code="meeting_state")
        meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
        meeting.save(update_fields=["status", "cancel_reason"])
        if meeting.notice_sent_at:
            _announce(meeting, "deliberation.meeting_cancelled", f"deliberation.meeting_cancelled:{meeting.pk}",
                      participants(meeting))
    return meeting


def new_signin_code():
    # ``secrets``: a code shown only in the room must not be predictable from earlier ones.
    return f"{secrets.randbelow(10 ** SIGNIN_CODE_DIGITS):0{SIGNIN_CODE_DIGITS}d}"


def open_meeting(meeting, *, by, now=None):
    """The meeting starts: sign-in opens with a fresh code for the room's screen."""
    _require_runner(by, meeting)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can be opened."), code="meeting_state")
        if meeting.ends_at <= now:
            raise DomainError(_("This meeting's time is over: move it to a new time first."), code="meeting_over")
        meeting.status, meeting.opened_at, meeting.signin_code = MeetingStatus.OPEN, now, new_signin_code()
        meeting.save(update_fields=["status", "opened_at", "signin_code"])
    return meeting


def close_meeting(meeting, *, by, now=None):
    """The meeting is held; sign-in ends (the code is cleared). Refused while a vote is open."""
    _require_runner(by, meeting)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.OPEN:
            raise DomainError(_("Only a meeting in progress can be closed."), code="meeting_state")
        if AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.VOTING).exists():
            raise DomainError(_("A vote is still open: close it before closing the meeting."), code="vote_open")
        meeting.status, meeting.closed_at, meeting.signin_code = MeetingStatus.HELD, now, ""
        meeting.save(update_fields=["status", "closed_at", "signin_code"])
    return meeting


# --- participants and notice ---------------------------------------------------------------------

def council_member_ids(unit, day):
    return set(CouncilMember.objects.active_on(day).filter(council__unit=unit).values_list("user_id", flat=True))


def resident_ids(unit):
    """Accounts whose resident, party member or volunteer role covers ``unit`` (from above) or a unit under it."""
    covering = [unit.code, *unit.ancestors_codes()]
    assignments = RoleAssignment.objects.filter(role__in=PARTICIPANT_ROLES).filter(
        Q(units__code__in=covering) | under_codes_q("units__code", [unit.code]))
    return set(assignments.values_list("user_id", flat=True).distinct())


def participants(meeting):
    """The user ids the meeting's format invites (its participant groups), active accounts only.
    A group whose records another app holds is read through that app's ``meeting_participants``
    (the industry app: an enterprise's liaisons); groups nobody holds records for (building heads,
    property) add nobody."""
    groups = set(meeting.format.participant_groups or [])
    ids = set()
    if ParticipantGroup.COUNCIL in groups:
        ids |= council_member_ids(meeting.unit, timezone.localtime(meeting.starts_at).date())
    if ParticipantGroup.RESIDENTS in groups:
        ids |= resident_ids(meeting.unit)
    if groups & {ParticipantGroup.PARTY_MEMBERS, ParticipantGroup.COMMITTEE} and meeting.organization_id:
        ids |= set(meeting.organization.members.filter(account__isnull=False).values_list("account_id", flat=True))
    for group, source in meeting_participant_sources().items():
        if group in groups:
            ids |= set(source.ids(meeting))
    if not ids:
        return []
    return sorted(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def send_notice(meeting, *, by=None):
    """Give every participant the meeting's notice, once each (sending again reaches only
    those added since). Returns how many were invited."""
    if by is not None:
        _require_runner(by, meeting)
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
            raise DomainError(_("Notice goes out only for a meeting still to come."), code="meeting_state")
        invited = participants(meeting)
        if invited:
            # core.notices gives the notice (its key is per meeting) to each person once; the
            # outbox message's own key is per sending, so a second sending reaches newcomers.
            _announce(meeting, "deliberation.meeting_notice", f"deliberation.meeting_notice:{meeting.pk}", invited,
                      outbox_key=f"deliberation.meeting_notice:{meeting.pk}:{timezone.now().timestamp():.6f}")
        meeting.notice_sent_at = timezone.now()
        meeting.save(update_fields=["notice_sent_at"])
    return len(invited)


# --- sign-in ---------------------------------------------------------------------------------------

def _may_record_for(by, meeting):
    return by.is_superuser or user_covers(by, meeting.unit.code, DELIBERATION_STAFF_ROLES | LEDGER_ROLES)


def sign_in(meeting, *, user, code=None, by=None, now=None):
    """``user`` is at the meeting. By the code on the room's screen (only while the meeting is
    open and before it ends), or recorded by a grid worker or staff of the unit for a present
    resident without a phone (method STAFF, recorded_by). One sign-in per person."""
    now = now or timezone.now()
    on_behalf = by is not None and by.pk != user.pk
    if not on_behalf:
        # Counted before the transaction (a refusal rolls it back, and with it a counter kept in
        # the database): ten tries a minute per person and meeting make a million codes unguessable.
        verdict = hit("meeting-signin", f"{meeting.pk}:{user.pk}", SIGNIN_TRIES, now=now.timestamp())
        if not verdict.allowed:
            raise DomainError(_("Too many tries; please try again in %(s)d seconds."), params={"s": verdict.retry_after},
                              code="rate_limited")
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.OPEN:
            raise DomainError(_("Sign-in is open only while the meeting is in progress."), code="signin_closed")
        if now >= meeting.ends_at:
            raise DomainError(_("This meeting has ended: its sign-in code no longer works."), code="signin_closed")
        if on_behalf:
            if not _may_record_for(by, meeting):
                raise DomainError(_("Only the staff of this meeting's unit may sign someone in."), code="forbidden")
            if user.pk not in set(participants(meeting)) | resident_ids(meeting.unit):
                raise DomainError(_("This person does not take part in this unit's meetings."), code="not_participant",
                                  field="user")
        elif not code or not meeting.signin_code or not secrets.compare_digest(str(code).strip(), meeting.signin_code):
            raise DomainError(_("This is not the code shown in the room."), code="signin_code", field="code")
        if Attendance.objects.filter(meeting=meeting, user=user).exists():
            raise DomainError(_("Already signed in to this meeting."), code="already_signed_in")
        values = dict(present=True, absence_reason="", method=SignInMethod.STAFF if on_behalf else SignInMethod.CODE,
                      recorded_by=by if on_behalf else None, signed_in_at=now,
                      study_hours=meeting.format.study_hours if meeting.format.purpose == Purpose.PARTY else 0)
        member = None
        if meeting.organization_id:
            member = meeting.organization.members.filter(account=user).first()
        if member is not None:
            # A party member marked (absent) before signing in: the same row, now present.
            existing = Attendance.objects.filter(meeting=meeting, member=member).first()
            if existing is not None:
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.user = user
                existing.save()
                return existing
        try:
            with transaction.atomic():
                return Attendance.objects.create(meeting=meeting, user=user, member=member, **values)
        except IntegrityError:
            raise DomainError(_("Already signed in to this meeting."), code="already_signed_in")


def attendance_count(meeting):
    return Attendance.objects.filter(meeting=meeting, present=True).count()


# --- agenda and minutes ---------------------------------------------------------------------------

def next_meeting_for(unit, now=None):
    """The next deliberation meeting a proposal of ``unit`` goes to: the unit's own next
    scheduled meeting, else the next one of the unit above it (a grid without its own meeting
    takes its topics to the community's). None when nothing is scheduled."""
    now = now or timezone.now()
    codes = [unit.code] + list(reversed(unit.ancestors_codes()))
    upcoming = (Meeting.objects.filter(format__purpose=Purpose.DELIBERATION, status=MeetingStatus.SCHEDULED,
                                       starts_at__gt=now, unit__code__in=codes)
                .select_related("unit").order_by("starts_at", "pk"))
    by_code = {}
    for meeting in upcoming[:50]:
        by_code.setdefault(meeting.unit.code, meeting)
    for code in codes:
        if code in by_code:
            return by_code[code]
    return None


def add_item(meeting, *, title, by, proposal=None, case=None, time_box_minutes=15, automatic=False):
    """Put an item at the end of ``meeting``'s agenda. A proposal goes on one meeting's agenda
    once; items are added only before the meeting is held."""
    title = clean_field(AgendaItem, "title", title, required=True)
    if not isinstance(time_box_minutes, int) or not 1 <= time_box_minutes <= 240:
        raise DomainError(_("The time box is 1 to 240 minutes."), code="invalid", field="time_box_minutes")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        raise DomainError(_("This meeting is over: its agenda can no longer change."), code="meeting_over")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if proposal is not None and AgendaItem.objects.filter(meeting=meeting, proposal=proposal).exists():
            raise DomainError(_("This proposal is already on the agenda."), code="already_on_agenda")
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0
        return AgendaItem.objects.create(meeting=meeting, position=last + 1, title=title, proposal=proposal, case=case,
                                         time_box_minutes=time_box_minutes, added_automatically=automatic,
                                         status=ItemStatus.PENDING)


def add_proposal_item(meeting, proposal, *, by, title="", time_box_minutes=15):
    """Staff put an open proposal on this meeting's agenda: the proposal is answered "on the
    agenda" (its proposer and supporters see it, services.proposals.answer) and the item is added
    once. One transaction: both happen or neither."""
    _require_runner(by, meeting)
    from . import proposals as proposal_rules

    answer = getattr(proposal_rules, "answer", None)
    with transaction.atomic():
        if answer is not None:
            answer(proposal, outcome="on_agenda", by=by, meeting=meeting,
                   reason=str(_("On the agenda of %(title)s, %(when)s.") % {"title": meeting.title, "when": _when(meeting)}))
        item = AgendaItem.objects.filter(meeting=meeting, proposal=proposal).first()
        if item is None:
            item = add_item(meeting, title=title or proposal.title, by=by, proposal=proposal,
                            time_box_minutes=time_box_minutes)
        elif item.time_box_minutes != time_box_minutes:
            set_time_box(item, minutes=time_box_minutes, by=by)
    return item


def move_item(item, *, position, by):
    """Put ``item`` at ``position`` (1 = first) on its meeting's agenda; the others close up."""
    _require_runner(by, item.meeting)
    with transaction.atomic():
        meeting = _locked(item.meeting)
        if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
            raise DomainError(_("This meeting is over: its agenda can no longer change."), code="meeting_over")
        items = [i for i in AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk") if i.pk != item.pk]
        index = max(0, min(int(position) - 1, len(items)))
        items.insert(index, AgendaItem.objects.get(pk=item.pk))
        for number, each in enumerate(items, start=1):
            each.position = number
        AgendaItem.objects.bulk_update(items, ["position"])
    return items[index]


def set_time_box(item, *, minutes, by):
    _require_runner(by, item.meeting)
    if not isinstance(minutes, int) or not 1 <= minutes <= 240:
        raise DomainError(_("The time box is 1 to 240 minutes."), code="invalid", field="time_box_minutes")
    AgendaItem.objects.filter(pk=item.pk).update(time_box_minutes=minutes)
    item.time_box_minutes = minutes
    return item


def record_minutes(item, *, text, by):
    """The minutes of one agenda item, written during or after the meeting."""
    _require_runner(by, item.meeting)
    text = clean_field(AgendaItem, "minutes", text)
    status = Meeting.objects.filter(pk=item.meeting_id).values_list("status", flat=True).first()
    if status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise DomainError(_("Minutes are written once the meeting has started."), code="meeting_state")
    with transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(minutes=text)
        # An item with minutes was discussed; one put to a vote keeps the vote's state.
        if text and AgendaItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
                status=ItemStatus.DISCUSSED):
            item.status = ItemStatus.DISCUSSED
    item.minutes = text
    return item


def record_meeting_minutes(meeting, *, text, by):
    """The meeting's general minutes (beside each item's)."""
    _require_runner(by, meeting)
    text = clean_field(Meeting, "minutes", text)
    status = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).first()
    if status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise DomainError(_("Minutes are written once the meeting has started."), code="meeting_state")
    Meeting.objects.filter(pk=meeting.pk).update(minutes=text)
    meeting.minutes = text
    return meeting


# --- councils ------------------------------------------------------------------------------------

def council_for(unit, *, by):
    """The unit's 协商议事会, created on first use (grids and communities have one)."""
    if unit.level not in (Level.GRID, Level.COMMUNITY):
        raise DomainError(_("A council belongs to a grid or a community."), code="invalid", field="unit")
    _require_runner(by, unit=unit)
    council, _created = Council.objects.get_or_create(unit=unit, defaults={"name": f"{unit.name}协商议事会"})
    return council


def add_council_member(*, council, seat, user, starts_on, by, organization=None, ends_on=None):
    _require_runner(by, unit=council.unit)
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("A membership cannot end before it starts."), code="invalid", field="ends_on")
    if CouncilMember.objects.filter(council=council, user=user).active_on(starts_on).exists():
        raise DomainError(_("This person already sits on the council on that date."), code="already_member", field="user")
    return CouncilMember.objects.create(council=council, seat=seat, user=user, organization=organization,
                                        starts_on=starts_on, ends_on=ends_on)


def end_council_membership(member, *, ends_on, by):
    _require_runner(by, unit=member.council.unit)
    if ends_on < member.starts_on:
        raise DomainError(_("A membership cannot end before it starts."), code="invalid", field="ends_on")
    CouncilMember.objects.filter(pk=member.pk).update(ends_on=ends_on)
    member.ends_on = ends_on
    return member
