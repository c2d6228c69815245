"""Rules for volunteers: teams, volunteers, red partners, shifts, service records and hours.

- Staff of a unit (SITE_STAFF_ROLES) create its teams, register its volunteers (a resident, an
  in-service party member who did 双报到, or a red partner organization) and red partners.
- A shift is organized by whoever created it; its team's leader and the unit's staff organize it
  too. The organizer assigns volunteers (never more than its places), and each assignment is a
  ``ServiceRecord`` with the shift's length as scheduled minutes.
- The volunteer (or the organizer) reports the actual minutes; **hours count only once the
  organizer confirms** them (``confirm``), and a volunteer never confirms their own service.
  Confirming without minutes confirms the reported minutes, or else the scheduled ones (a home
  service is recorded with the minutes the volunteer gave when marking it done).
- A home service (care) is recorded with ``record_service`` and confirmed by the resident, a
  linked relative or the grid worker (``confirm``: the care rules decide, we check they may).
- Hours: per volunteer, team and month, from confirmed records only; a printable statement per
  volunteer carries a verification code computed from its records (``statement``).
"""
import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import clean_field
from gongzhi.territory.models import CODE_LENGTH, Level, ResidentLink

from ..models import (CARE_ROLES, RESIDENT_GRID, SITE_STAFF_ROLES, OrganizationKind, RecordStatus, RedPartner,
                      ServiceRecord, Shift, Team, TeamMembership, Volunteer, VolunteerKind)

NOTICES = {
    "sites.shift_assigned": _("You are on the volunteer shift “%(title)s” on %(date)s."),
    "sites.service_confirmed": _("Your service “%(title)s” was confirmed: %(minutes)s minutes."),
}

# Records that hold a place on their shift.
LIVE_STATUSES = (RecordStatus.SCHEDULED, RecordStatus.REPORTED, RecordStatus.CONFIRMED)
MAX_MINUTES = 24 * 60
# The most volunteers one shift asks for.
MAX_PLACES = 1000


# --- who may do what ------------------------------------------------------------------------

def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def is_staff_of(user, unit):
    """Staff of sites and volunteers (a territorial role) over ``unit``."""
    return _active(user) and user_covers(user, unit.code, SITE_STAFF_ROLES)


def _same_zone(a, b):
    """Two units of one district or park: a team, a shift and a volunteer never cross zones."""
    length = CODE_LENGTH[Level.DISTRICT]
    return a.code[:length] == b.code[:length]


def organizes(user, shift):
    """The shift's organizer, its team's leader, or staff of its unit."""
    if not _active(user):
        return False
    return (shift.organizer_id == user.pk or (shift.team_id is not None and shift.team.leader_id == user.pk)
            or is_staff_of(user, shift.unit))


def leads_or_staff(user, team, unit):
    return is_staff_of(user, unit) or (team is not None and _active(user) and team.leader_id == user.pk)


def may_confirm(user, record):
    """Whether ``user`` may confirm ``record``'s minutes. Never the volunteer themself (their own
    account, or the account of the party member or partner they are)."""
    if not _active(user) or is_the_volunteer(user, record.volunteer):
        return False
    if record.shift_id is not None:
        return organizes(user, record.shift)
    if record.home_service_id is not None:
        # The person served (their own account or a linked relative/carer) or a care role over them.
        resident = record.home_service.elder.resident
        if ResidentLink.objects.filter(user=user, resident=resident).exists():
            return True
        grid = type(resident).objects.filter(pk=resident.pk).values_list(RESIDENT_GRID, flat=True).first() or ""
        return user_covers(user, grid, CARE_ROLES)
    return leads_or_staff(user, record.team, record.unit)


def is_the_volunteer(user, volunteer):
    if volunteer.user_id == user.pk:
        return True
    return volunteer.member_id is not None and volunteer.member.account_id == user.pk


def _refuse_unless(allowed, message=None):
    if not allowed:
        raise DomainError(message or _("Only the organizer or staff of this unit may do this."), code="forbidden")


def _notify(record, event, params):
    if record.volunteer.user_id is None:
        return
    key = f"service_record:{record.pk}:{event}"
    outbox.enqueue("sites.announce", key, {
        "model": "servicerecord", "pk": record.pk, "event": event, "key": key,
        "user_ids": [record.volunteer.user_id], "params": params})


# --- teams and red partners -----------------------------------------------------------------

def create_team(*, unit, name, by, description="", leader=None, organization=None, founded_on=None):
    _refuse_unless(is_staff_of(by, unit), _("Only staff of this unit may create its teams."))
    name = clean_field(Team, "name", name, required=True)
    description = clean_field(Team, "description", description)
    if organization is not None and not _same_zone(organization.unit, unit):
        raise DomainError(_("The party organization must be of the same district."), code="organization", field="organization")
    with transaction.atomic():
        return Team.objects.create(unit=unit, name=name, description=description, leader=leader,
                                   organization=organization, founded_on=founded_on)


def register_red_partner(*, unit, name, kind, joined_on, by, services="", contact_name="", contact_phone=""):
    """A red partner (红色合伙人) and its Volunteer row, so its service is recorded like anyone's."""
    _refuse_unless(is_staff_of(by, unit), _("Only staff of this unit may register its red partners."))
    name = clean_field(RedPartner, "name", name, required=True)
    if kind not in OrganizationKind.values:
        raise DomainError(_("Choose what kind of organization this is."), code="kind", field="kind")
    if joined_on is None:
        raise DomainError(_("Say when the partner joined."), code="joined_on", field="joined_on")
    with transaction.atomic():
        partner = RedPartner.objects.create(
            unit=unit, name=name, kind=kind, joined_on=joined_on, services=clean_field(RedPartner, "services", services),
            contact_name=clean_field(RedPartner, "contact_name", contact_name),
            contact_phone=clean_field(RedPartner, "contact_phone", contact_phone))
        Volunteer.objects.create(kind=VolunteerKind.PARTNER, name=partner.name, unit=unit, partner=partner,
                                 skills=partner.services[:200], joined_on=joined_on)
        return partner


# --- volunteers -------------------------------------------------------------------------------

def register_volunteer(*, kind, unit, by, name=None, user=None, resident=None, member=None, partner=None, skills="",
                       lat=None, lng=None, teams=()):
    """Register a volunteer of ``unit`` (staff of the unit only).

    - a resident: by their account and/or ledger record (or just a name);
    - an in-service party member: must have registered with the community (双报到: a DualReport);
      their account, skills and name come from the party records;
    - a red partner organization (usually through ``register_red_partner``).
    """
    _refuse_unless(is_staff_of(by, unit), _("Only staff of this unit may register its volunteers."))
    if kind == VolunteerKind.PARTY_MEMBER:
        if member is None:
            raise DomainError(_("Choose the party member."), code="member", field="member")
        # The reverse one-to-one raises when there is none; hasattr() turns that into False.
        report = member.dual_report if hasattr(member, "dual_report") else None
        if report is None:
            raise DomainError(_("Only an in-service party member who has registered with the community (双报到) "
                                "volunteers as a party member."), code="dual_report", field="member")
        if not _same_zone(report.community, unit):
            raise DomainError(_("This party member registered with a community of another district."),
                              code="member", field="member")
        name = name or member.name
        user = user or member.account
        skills = skills or report.skills
    elif kind == VolunteerKind.PARTNER:
        if partner is None:
            raise DomainError(_("Choose the red partner."), code="partner", field="partner")
        if not _same_zone(partner.unit, unit):
            raise DomainError(_("This red partner is of another district."), code="partner", field="partner")
        name = name or partner.name
    elif kind == VolunteerKind.RESIDENT:
        if resident is not None:
            name = name or resident.name
        elif user is not None:
            name = name or user.display_name or user.username
    else:
        raise DomainError(_("Choose what kind of volunteer this is."), code="kind", field="kind")
    name = clean_field(Volunteer, "name", name or "", required=True)
    skills = clean_field(Volunteer, "skills", skills or "")
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise DomainError(_("This account is already a volunteer."), code="duplicate", field="user")
    if member is not None and Volunteer.objects.filter(member=member).exists():
        raise DomainError(_("This party member is already a volunteer."), code="duplicate", field="member")
    if partner is not None and Volunteer.objects.filter(partner=partner).exists():
        raise DomainError(_("This red partner is already a volunteer."), code="duplicate", field="partner")
    for team in teams:
        if not _same_zone(team.unit, unit):
            raise DomainError(_("A team of another district."), code="team", field="teams")
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(kind=kind, name=name, unit=unit, user=user, resident=resident,
                                                 member=member if kind == VolunteerKind.PARTY_MEMBER else None,
                                                 partner=partner if kind == VolunteerKind.PARTNER else None,
                                                 skills=skills, lat=lat, lng=lng)
            for team in teams:
                TeamMembership.objects.create(team=team, volunteer=volunteer)
    except IntegrityError:
        # Two registrations of the same account at once: the one-to-one column refused the second.
        raise DomainError(_("This account is already a volunteer."), code="duplicate", field="user")
    return volunteer


def join_team(team, volunteer, *, by):
    """Add a volunteer to a team (staff of the team's unit or its leader). Joining again after
    leaving reopens the membership; joining twice is harmless."""
    _refuse_unless(leads_or_staff(by, team, team.unit), _("Only the team's leader or staff of its unit may add members."))
    if not _same_zone(team.unit, volunteer.unit):
        raise DomainError(_("A volunteer of another district cannot join this team."), code="volunteer", field="volunteer")
    with transaction.atomic():
        membership, created = TeamMembership.objects.get_or_create(team=team, volunteer=volunteer)
        if not created and membership.until is not None:
            membership.until = None
            membership.since = timezone.localdate()
            membership.save(update_fields=["until", "since"])
        return membership


def leave_team(team, volunteer, *, by, on=None):
    _refuse_unless(leads_or_staff(by, team, team.unit) or is_the_volunteer(by, volunteer),
                   _("Only the team's leader or staff of its unit may remove members."))
    with transaction.atomic():
        updated = TeamMembership.objects.filter(team=team, volunteer=volunteer, until__isnull=True).update(
            until=on or timezone.localdate())
        if not updated:
            raise DomainError(_("This volunteer is not a member of the team."), code="not_member")


# --- shifts and service records ----------------------------------------------------------------

def create_shift(*, unit, title, starts_at, ends_at, by, team=None, session=None, places=1):
    _refuse_unless(leads_or_staff(by, team, unit), _("Only staff of this unit or the team's leader may create shifts."))
    title = clean_field(Shift, "title", title, required=True)
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise DomainError(_("A shift ends after it starts."), code="ends_at", field="ends_at")
    if ends_at - starts_at > datetime.timedelta(minutes=MAX_MINUTES):
        raise DomainError(_("A shift lasts at most a day."), code="ends_at", field="ends_at")
    if places is None or int(places) < 1:
        raise DomainError(_("A shift needs at least one volunteer."), code="places", field="places")
    if int(places) > MAX_PLACES:  # a typo, and beyond what the column holds on PostgreSQL (a 500)
        raise DomainError(_("A shift needs at most %(n)d volunteers."), code="places", field="places",
                          params={"n": MAX_PLACES})
    if team is not None and not _same_zone(team.unit, unit):
        raise DomainError(_("A team of another district."), code="team", field="team")
    if session is not None and not _same_zone(session.activity.unit, unit):
        raise DomainError(_("An activity of another district."), code="session", field="session")
    with transaction.atomic():
        return Shift.objects.create(unit=unit, title=title, starts_at=starts_at, ends_at=ends_at, team=team,
                                    session=session, places=int(places), organizer=by)


def _lock_shift(shift):
    # A no-op UPDATE takes the shift row's write lock (PostgreSQL) or the database's (SQLite):
    # assignments of one shift are serialized, so two at once never exceed its places.
    Shift.objects.filter(pk=shift.pk).update(places=F("places"))


def assign(shift, volunteer, *, by):
    """Put ``volunteer`` on ``shift``: a SCHEDULED record with the shift's length. Assigning again
    someone cancelled or a no-show reopens their record; someone already on it is refused."""
    _refuse_unless(organizes(by, shift))
    if not _same_zone(shift.unit, volunteer.unit):
        raise DomainError(_("A volunteer of another district cannot take this shift."), code="volunteer", field="volunteer")
    minutes = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    with transaction.atomic():
        _lock_shift(shift)
        taken = ServiceRecord.objects.filter(shift=shift, status__in=LIVE_STATUSES)
        if taken.filter(volunteer=volunteer).exists():
            raise DomainError(_("This volunteer is already on the shift."), code="duplicate", field="volunteer")
        if taken.count() >= shift.places:
            raise DomainError(_("The shift is full."), code="full")
        record = ServiceRecord.objects.filter(shift=shift, volunteer=volunteer).first()
        fields = {"unit": shift.unit, "team": shift.team, "what": shift.title, "scheduled_minutes": minutes,
                  "on": timezone.localdate(shift.starts_at), "status": RecordStatus.SCHEDULED, "actual_minutes": None,
                  "confirmed_by": None, "confirmed_at": None}
        if record is None:
            record = ServiceRecord.objects.create(shift=shift, volunteer=volunteer, **fields)
        else:
            for name, value in fields.items():
                setattr(record, name, value)
            record.save()
        _notify(record, "sites.shift_assigned", {"title": shift.title, "date": record.on.isoformat()})
        return record


def record_service(*, volunteer, unit, what, on, scheduled_minutes, by, team=None, home_service=None):
    """A service outside a shift (a home service, usually): SCHEDULED with the minutes given,
    counted only once confirmed. Recorded by the volunteer themself, their team's leader or staff."""
    allowed = _active(by) and (is_the_volunteer(by, volunteer) or leads_or_staff(by, team, unit)
                               or (home_service is not None and _is_matched(by, home_service)))
    _refuse_unless(allowed, _("Only the volunteer, their team's leader or staff may record this service."))
    what = clean_field(ServiceRecord, "what", what, required=True)
    minutes = _minutes(scheduled_minutes, field="scheduled_minutes")
    if on is None:
        raise DomainError(_("Say on which day the service was done."), code="on", field="on")
    if not _same_zone(volunteer.unit, unit):
        raise DomainError(_("A volunteer of another district."), code="volunteer", field="volunteer")
    with transaction.atomic():
        return ServiceRecord.objects.create(volunteer=volunteer, unit=unit, team=team, home_service=home_service,
                                            what=what, on=on, scheduled_minutes=minutes, status=RecordStatus.SCHEDULED)


def _is_matched(user, home_service):
    return (home_service.volunteer_id is not None and home_service.volunteer.user_id == user.pk) or (
        home_service.team_id is not None and home_service.team.leader_id == user.pk)


def _minutes(value, *, field="actual_minutes"):
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Give the minutes as a whole number."), code="minutes", field=field)
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError(_("Minutes must be between 1 and 1440."), code="minutes", field=field)
    return minutes


def _locked(record):
    return ServiceRecord.objects.select_for_update(of=("self",)).select_related("volunteer", "shift", "shift__team").get(pk=record.pk)


def report_minutes(record, *, actual_minutes, by):
    """The volunteer (or the organizer) says how long the service took; it still has to be confirmed."""
    if not (_active(by) and is_the_volunteer(by, record.volunteer)) and not may_confirm(by, record):
        raise DomainError(_("Only the volunteer or the organizer may report the minutes."), code="forbidden")
    minutes = _minutes(actual_minutes)
    with transaction.atomic():
        record = _locked(record)
        if record.status not in (RecordStatus.SCHEDULED, RecordStatus.REPORTED):
            raise DomainError(_("Minutes can be reported only for a service not yet confirmed."), code="status")
        record.actual_minutes = minutes
        record.status = RecordStatus.REPORTED
        record.save(update_fields=["actual_minutes", "status"])
        return record


def confirm(record, *, by, actual_minutes=None, now=None):
    """The organizer confirms the actual minutes; only then do they count as hours. Without
    ``actual_minutes``: the reported minutes, or else the scheduled ones."""
    now = now or timezone.now()
    if _active(by) and is_the_volunteer(by, record.volunteer):
        raise DomainError(_("A volunteer cannot confirm their own service."), code="own_service")
    _refuse_unless(may_confirm(by, record), _("Only the organizer may confirm the minutes."))
    with transaction.atomic():
        record = _locked(record)
        if record.status == RecordStatus.CONFIRMED:
            raise DomainError(_("This service is already confirmed."), code="status")
        if record.status not in (RecordStatus.SCHEDULED, RecordStatus.REPORTED):
            raise DomainError(_("A cancelled service or a no-show cannot be confirmed."), code="status")
        if record.shift_id is not None and record.shift.starts_at > now:
            raise DomainError(_("The shift has not started yet."), code="not_yet")
        if actual_minutes not in (None, ""):
            minutes = _minutes(actual_minutes)
        elif record.actual_minutes:
            minutes = record.actual_minutes
        elif record.scheduled_minutes:
            minutes = record.scheduled_minutes
        else:
            raise DomainError(_("Say how many minutes the service took."), code="minutes", field="actual_minutes")
        record.actual_minutes = minutes
        record.status = RecordStatus.CONFIRMED
        record.confirmed_by = by
        record.confirmed_at = now
        record.save(update_fields=["actual_minutes", "status", "confirmed_by", "confirmed_at"])
        _notify(record, "sites.service_confirmed", {"title": record.what, "minutes": minutes})
        return record


def mark_no_show(record, *, by):
    """The volunteer did not come: the record stays, counts nothing and frees the place."""
    _refuse_unless(may_confirm(by, record) and not (_active(by) and is_the_volunteer(by, record.volunteer)))
    with transaction.atomic():
        record = _locked(record)
        if record.status not in (RecordStatus.SCHEDULED, RecordStatus.REPORTED):
            raise DomainError(_("Only a service not yet confirmed can be marked as a no-show."), code="status")
        record.status = RecordStatus.NO_SHOW
        record.save(update_fields=["status"])
        return record


def cancel_record(record, *, by):
    """Take a volunteer off a shift before it is confirmed (they, or the organizer)."""
    if not (_active(by) and is_the_volunteer(by, record.volunteer)) and not may_confirm(by, record):
        raise DomainError(_("Only the volunteer or the organizer may cancel this."), code="forbidden")
    with transaction.atomic():
        record = _locked(record)
        if record.status not in (RecordStatus.SCHEDULED, RecordStatus.REPORTED):
            raise DomainError(_("Only a service not yet confirmed can be cancelled."), code="status")
        record.status = RecordStatus.CANCELLED
        record.save(update_fields=["status"])
        return record


# --- hours ------------------------------------------------------------------------------------

def confirmed(records, since=None, until=None):
    records = records.filter(status=RecordStatus.CONFIRMED)
    if since is not None:
        records = records.filter(on__gte=since)
    if until is not None:
        records = records.filter(on__lte=until)
    return records


def total_minutes(records, since=None, until=None):
    return confirmed(records, since, until).aggregate(m=Sum("actual_minutes"))["m"] or 0


def minutes_by_month(records, since=None, until=None):
    """[(first day of the month, minutes, services)], oldest first, from confirmed records."""
    rows = (confirmed(records, since, until).annotate(month=TruncMonth("on")).values("month")
            .annotate(minutes=Sum("actual_minutes"), services=Count("id")).order_by("month"))
    return [(_as_date(r["month"]), r["minutes"], r["services"]) for r in rows]


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def hours(minutes):
    """Minutes as hours with one decimal (the unit statements and figures speak in)."""
    return round((minutes or 0) / 60, 1)


def volunteer_minutes(volunteer, since=None, until=None):
    return total_minutes(ServiceRecord.objects.filter(volunteer=volunteer), since, until)


def team_minutes(team, since=None, until=None):
    return total_minutes(ServiceRecord.objects.filter(team=team), since, until)


def statement(volunteer, *, since, until, now=None):
    """The printable hour statement: each confirmed service in [since, until] with its date and
    minutes, the total, the issuing unit, and a code computed from exactly these records (anyone
    holding the statement can have staff recompute it; a changed line changes the code)."""
    if since is None or until is None or until < since:
        raise DomainError(_("Choose a period whose end is not before its start."), code="period")
    records = list(confirmed(ServiceRecord.objects.filter(volunteer=volunteer), since, until)
                   .select_related("team", "unit").order_by("on", "id"))
    total = sum(r.actual_minutes for r in records)
    return {
        "volunteer": volunteer, "since": since, "until": until, "records": records, "total_minutes": total,
        "total_hours": hours(total), "issued_by": volunteer.unit, "issued_on": timezone.localdate(now),
        "code": statement_code(volunteer, since, until, records),
    }


def statement_code(volunteer, since, until, records):
    text = "|".join([str(volunteer.pk), since.isoformat(), until.isoformat(),
                     *(f"{r.pk}:{r.on.isoformat()}:{r.actual_minutes}" for r in records)])
    digest = hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:12].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 12, 4))


def member_minutes(member_ids, since=None, until=None):
    """{party member id: confirmed minutes} for the 双报到 record (party.service registry)."""
    rows = (confirmed(ServiceRecord.objects.filter(volunteer__member_id__in=list(member_ids)), since, until)
            .values("volunteer__member_id").annotate(m=Sum("actual_minutes")))
    return {r["volunteer__member_id"]: r["m"] or 0 for r in rows}


def visible_volunteer(user, pk):
    volunteer = Volunteer.objects.visible_to(user).select_related("unit", "member", "partner", "user").filter(pk=pk).first()
    if volunteer is None:
        raise NotFound(_("No such volunteer."))
    return volunteer

