"""Activities and courses: sessions and their recurrence, sign-up with capacity and the waiting
list, check-in at the door, person-times and iCalendar feeds.

- ``create_activity`` / ``update_activity``: staff of the activity's unit (a territorial role
  covering it) make and edit activities; a recurring one (an RRULE of deliberation.recurrence,
  e.g. the birthday party ``FREQ=MONTHLY;BYMONTHDAY=11;BYHOUR=15;BYMINUTE=0``) gets its sessions
  generated 60 days ahead (``generate``; the minute job ``generate_step`` keeps the window full,
  never re-adds a moved or cancelled session, and marks past sessions with check-ins HELD).
- ``sign_up``: one live sign-up per person and session (for a course: per course), for oneself
  or on behalf of a resident (a linked relative or carer, or a grid worker: services.people);
  a place while there is one, else the waiting list. Closes ``signup_closes_hours`` before the
  session (a course: before its first lesson; a running course until its last lesson begins).
- ``cancel_signup``: a freed place goes to the first on the waiting list (created_at, id) in the
  same transaction, under the activity's lock, and they (their relatives, whoever signed them
  up) are told. Two cancelling at once promote two different people, never over capacity.
- ``open_checkin`` / ``check_in`` / ``close_session``: the door. A fresh 6-digit code (shown big
  and as a QR code whose link carries it in the URL fragment), rate-limited; or staff record a
  resident's check-in. Once per person per session; only with a place, except at activities
  without a limit of places (capacity 0), which take walk-ins (decision 54).
- Person-times (人次) are the count of CheckIn rows, never typed (``person_times``).
- ``site_calendar`` / ``person_calendar``: RFC 5545 text written here (no dependency).

Every write is one transaction and raises DomainError (bilingual) on a broken rule.
"""
import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.ratelimit import hit
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import clean_field
from gongzhi.deliberation import recurrence
from gongzhi.territory.models import CODE_LENGTH, Level

from ..models import (SITE_STAFF_ROLES, Activity, ActivityKind, ActivityStatus, CalendarFeed, CheckIn, CheckInMethod,
                      Session, SessionStatus, Signup, SignupStatus, person_q)
from .people import check_person, notify_ids, person_for

# Sessions are generated this far ahead of today (the minute job keeps the window full).
GENERATE_DAYS = 60
GENERATE_BATCH = 100
HELD_BATCH = 500
CHECKIN_CODE_DIGITS = 6
CHECKIN_TRIES = "10/minute"
# A feed shows this much of the past and the future.
FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 120
FEED_LIMIT = 500
# A session added by hand lies within this many days of today and lasts at most a day: a typo
# (year 9999, a lesson of three years) is refused, not stored or carried to an overflow.
SESSION_HORIZON_DAYS = 5 * 366
SESSION_LONGEST = datetime.timedelta(days=1)

NOTICES = {
    "sites.signup_promoted": _("A place freed up: you now have a place at “%(title)s” (%(when)s)."),
    # Chosen when read, so that the status word follows the reader's language too.
    "sites.signup_made": lambda params: (
        _("Signed up for you: “%(title)s” (%(when)s); you have a place.") if params.get("status") == "confirmed"
        else _("Signed up for you: “%(title)s” (%(when)s); you are on the waiting list.")) % params,
    "sites.session_cancelled": _("Cancelled: “%(title)s” of %(when)s."),
}


# --- who may do what ---------------------------------------------------------------------------

def may_run(user, activity=None, *, unit=None):
    """Staff of the activity's unit (a territorial role covering it), its organizer, or the leader
    of its volunteer team."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if activity is not None:
        unit = activity.unit
        if activity.organizer_id == user.pk or (activity.team_id and activity.team.leader_id == user.pk):
            return True
    return user.is_superuser or user_covers(user, unit.code, SITE_STAFF_ROLES)


def _require_runner(user, activity=None, **where):
    if not may_run(user, activity, **where):
        raise DomainError(_("Only the staff of this activity's unit may do this."), code="forbidden")


def _when(session):
    return f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}" if session is not None else ""


def _same_zone(unit, other):
    size = CODE_LENGTH[Level.DISTRICT]
    return unit.code[:size] == other.code[:size]


# --- activities --------------------------------------------------------------------------------

def _check_rule(text):
    if not text:
        return ""
    return recurrence.parse(text).text()


def create_activity(*, unit, kind, title, by, site=None, room=None, description="", capacity=30, signup_closes_hours=2,
                    recurrence="", starts_on=None, ends_on=None, duration_minutes=90, birthday_month_only=False,
                    team=None, status=ActivityStatus.PUBLISHED, now=None):
    """A new activity of ``unit``; a recurring one has its first 60 days of sessions at once."""
    _require_runner(by, unit=unit)
    if kind not in ActivityKind.values:
        raise DomainError(_("Choose the kind of activity."), code="invalid", field="kind")
    if status not in ActivityStatus.values:
        raise DomainError(_("Unknown status."), code="invalid", field="status")
    title = clean_field(Activity, "title", title, required=True)
    description = clean_field(Activity, "description", description)
    if site is not None and not _same_zone(site.unit, unit):
        raise DomainError(_("Choose a site of this activity's district."), code="invalid", field="site")
    if room is not None and (site is None or room.site_id != site.pk):
        raise DomainError(_("Choose a room of the activity's site."), code="invalid", field="room")
    _check_numbers(capacity, signup_closes_hours, duration_minutes)
    rule = _check_rule(recurrence)
    if rule and starts_on is None:
        raise DomainError(_("A recurring activity needs the date it starts from."), code="invalid", field="starts_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("An activity cannot end before it starts."), code="invalid", field="ends_on")
    with transaction.atomic():
        activity = Activity.objects.create(
            unit=unit, kind=kind, title=title, site=site, room=room, description=description, organizer=by, team=team,
            capacity=capacity, signup_closes_hours=signup_closes_hours, recurrence=rule, starts_on=starts_on,
            ends_on=ends_on, duration_minutes=duration_minutes, birthday_month_only=birthday_month_only, status=status,
            created_at=now or timezone.now())
        if rule:
            today = timezone.localdate(now) if now else timezone.localdate()
            generate(activity, today + datetime.timedelta(days=GENERATE_DAYS), today=today)
    return activity


def _check_numbers(capacity, signup_closes_hours, duration_minutes):
    for name, value, low, high in (("capacity", capacity, 0, 100000), ("signup_closes_hours", signup_closes_hours, 0, 24 * 30),
                                   ("duration_minutes", duration_minutes, 10, 24 * 60)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise DomainError(_("%(field)s must be a whole number from %(low)d to %(high)d."), code="invalid", field=name,
                              params={"field": name, "low": low, "high": high})


EDITABLE = ("title", "description", "capacity", "signup_closes_hours", "status")


def update_activity(activity, *, by, now=None, **changes):
    """Change an activity's title, description, places, closing time or status. More places
    promote from the waiting list at once; cancelling the activity cancels its coming sessions."""
    _require_runner(by, activity)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(_("These cannot be changed here: %(fields)s."), params={"fields": ", ".join(sorted(unknown))})
    now = now or timezone.now()
    if "title" in changes:
        changes["title"] = clean_field(Activity, "title", changes["title"], required=True)
    if "description" in changes:
        changes["description"] = clean_field(Activity, "description", changes["description"])
    if "status" in changes and changes["status"] not in ActivityStatus.values:
        raise DomainError(_("Unknown status."), code="invalid", field="status")
    with transaction.atomic():
        locked = _locked(activity)
        _check_numbers(changes.get("capacity", locked.capacity), changes.get("signup_closes_hours", locked.signup_closes_hours),
                       locked.duration_minutes)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes) or None)
        if changes.get("status") == ActivityStatus.CANCELLED:
            for session in Session.objects.filter(activity=locked, status=SessionStatus.SCHEDULED, starts_at__gt=now):
                _cancel_session(session, locked, reason=str(_("The activity was cancelled.")))
        elif "capacity" in changes:
            for session_id in _queues(locked):
                _fill_places(locked, session_id, now)
    return locked


def _queues(activity):
    """The sessions (None: the course) that have someone waiting."""
    return set(Signup.objects.filter(activity=activity, status=SignupStatus.WAITLISTED).values_list("session_id", flat=True))


def _locked(activity):
    # The activity's row lock serializes every change to its places (PostgreSQL); on SQLite every
    # write transaction is IMMEDIATE and so already one at a time (settings.DATABASES).
    return Activity.objects.select_for_update(of=("self",)).select_related("unit").get(pk=activity.pk)


# --- sessions -----------------------------------------------------------------------------------

def _aware(value, field="starts_at"):
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise DomainError(_("Give the date and time the session starts."), code="invalid", field=field)
    return value


def add_session(activity, *, starts_at, by, ends_at=None):
    """One session by hand (a one-off activity's date, an extra lesson)."""
    _require_runner(by, activity)
    starts_at = _aware(starts_at)
    if abs(starts_at - timezone.now()) > datetime.timedelta(days=SESSION_HORIZON_DAYS):
        raise DomainError(_("A session starts within %(years)d years of today."), code="invalid", field="starts_at",
                          params={"years": SESSION_HORIZON_DAYS // 366})
    ends_at = _aware(ends_at, "ends_at") if ends_at is not None else starts_at + datetime.timedelta(
        minutes=activity.duration_minutes)
    if ends_at <= starts_at:
        raise DomainError(_("A session must end after it starts."), code="invalid", field="ends_at")
    if ends_at - starts_at > SESSION_LONGEST:
        raise DomainError(_("A session lasts at most a day."), code="invalid", field="ends_at")
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("This activity is cancelled."), code="activity_state")
    return Session.objects.create(activity=activity, starts_at=starts_at, ends_at=ends_at)


def _missing_sessions(activity, until, today=None):
    # From where the last run stopped (or the first date); ``today``, when given, is a lower bound.
    first = max(activity.starts_on, (activity.generated_until + datetime.timedelta(days=1))
                if activity.generated_until else activity.starts_on)
    if today is not None:
        first = max(first, today)
    last = min(until, activity.ends_on) if activity.ends_on else until
    duration = datetime.timedelta(minutes=activity.duration_minutes)
    return [Session(activity=activity, occurs_on=timezone.localtime(at).date(), starts_at=at, ends_at=at + duration)
            for at in recurrence.occurrences(activity.recurrence, first, last, anchor=activity.starts_on)]


def _insert_sessions(rows):
    # The (activity, occurs_on) constraint names each occurrence: one already there (generated
    # before, then moved or cancelled) is never added again.
    if not rows:
        return 0
    wanted = {(s.activity_id, s.occurs_on) for s in rows}
    there = set(Session.objects.filter(activity_id__in={a for a, _d in wanted}, occurs_on__in={d for _a, d in wanted})
                .values_list("activity_id", "occurs_on"))
    fresh = [s for s in rows if (s.activity_id, s.occurs_on) not in there]
    Session.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def generate(activity, until, *, today=None):
    """Add the recurring activity's sessions up to ``until``, from where the last run stopped
    (``today``, when given: not before it); returns how many. Idempotent. Without ``today`` a
    gap is filled, past dates included (an activity recorded since it began, as the demo does)."""
    if not activity.recurrence or activity.starts_on is None:
        return 0
    with transaction.atomic():
        added = _insert_sessions(_missing_sessions(activity, until, today))
        if activity.generated_until is None or activity.generated_until < until:
            Activity.objects.filter(pk=activity.pk).update(generated_until=until)
            activity.generated_until = until
    return added


def generate_step(now):
    """Minute job: keep recurring activities' sessions generated 60 days ahead (a bounded batch),
    and mark past sessions that had check-ins HELD (their code no longer works)."""
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=GENERATE_DAYS)
    due = list(Activity.objects.exclude(recurrence="").filter(status=ActivityStatus.PUBLISHED, starts_on__isnull=False)
               .filter(Q(generated_until__isnull=True) | (Q(generated_until__lt=horizon) & (
                   Q(ends_on__isnull=True) | Q(ends_on__gt=F("generated_until")))))
               .order_by("generated_until", "pk")[:GENERATE_BATCH])
    rows = []
    for activity in due:
        try:
            rows += _missing_sessions(activity, horizon, today)
        except DomainError:
            continue  # a rule edited into nonsense in the back office: skip it, the others go on
    with transaction.atomic():
        added = _insert_sessions(rows)
        if due:
            Activity.objects.filter(pk__in=[a.pk for a in due]).update(generated_until=horizon)
        past = list(Session.objects.filter(status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN], ends_at__lt=now,
                                           checkins__isnull=False).values_list("pk", flat=True).distinct()[:HELD_BATCH])
        held = Session.objects.filter(pk__in=past).update(status=SessionStatus.HELD, checkin_code="")
    return {"activities": len(due), "sessions": added, "held": held}


def _session_for_update(session):
    return Session.objects.select_for_update(of=("self",)).select_related("activity", "activity__unit").get(pk=session.pk)


def new_checkin_code():
    # ``secrets``: a code shown only at the door must not be predictable from earlier ones.
    return f"{secrets.randbelow(10 ** CHECKIN_CODE_DIGITS):0{CHECKIN_CODE_DIGITS}d}"


def open_checkin(session, *, by, now=None):
    """Check-in opens at the door with a fresh code (opening again gives a new one)."""
    _require_runner(by, session.activity)
    now = now or timezone.now()
    with transaction.atomic():
        session = _session_for_update(session)
        if session.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
            raise DomainError(_("Check-in opens only for a session still to be held."), code="session_state")
        if session.ends_at <= now:
            raise DomainError(_("This session is over."), code="session_over")
        session.status, session.checkin_code = SessionStatus.OPEN, new_checkin_code()
        session.save(update_fields=["status", "checkin_code"])
    return session


def close_session(session, *, by, now=None):
    """The session was held: check-in ends and its code stops working."""
    _require_runner(by, session.activity)
    with transaction.atomic():
        session = _session_for_update(session)
        if session.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
            raise DomainError(_("Only a session still to be held can be closed."), code="session_state")
        session.status, session.checkin_code = SessionStatus.HELD, ""
        session.save(update_fields=["status", "checkin_code"])
    return session


def _announce(signup, event, user_ids, params, key):
    # params carry no personal data: the activity's title, the time and a status word.
    outbox.enqueue("sites.announce", key, {"model": "signup", "pk": signup.pk, "event": event, "key": key,
                                           "user_ids": sorted(set(user_ids)), "params": params})


def _cancel_session(session, activity, *, reason):
    session.status, session.cancel_reason, session.checkin_code = SessionStatus.CANCELLED, reason, ""
    session.save(update_fields=["status", "cancel_reason", "checkin_code"])
    for signup in Signup.objects.filter(session=session).live():
        _announce(signup, "sites.session_cancelled", notify_ids(signup.user, signup.resident, signup.recorded_by),
                  {"title": activity.title, "when": _when(session)}, f"sites.session_cancelled:{session.pk}:{signup.pk}")


def cancel_session(session, *, by, reason):
    """One session does not take place (the others stay); everyone signed up for it is told."""
    _require_runner(by, session.activity)
    reason = clean_field(Session, "cancel_reason", reason, required=True)
    with transaction.atomic():
        activity = _locked(session.activity)
        session = _session_for_update(session)
        if session.status != SessionStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled session can be cancelled."), code="session_state")
        _cancel_session(session, activity, reason=reason)
    return session


# --- sign-up and the waiting list ---------------------------------------------------------------

def first_session(activity, after=None):
    """The activity's first session not cancelled (``after``: the first not started by then)."""
    found = Session.objects.filter(activity=activity).exclude(status=SessionStatus.CANCELLED)
    if after is not None:
        found = found.filter(starts_at__gt=after)
    return found.order_by("starts_at", "pk").first()


def closes_at(activity, session=None, now=None):
    """When sign-up closes: ``signup_closes_hours`` before the session. A course closes that long
    before its first lesson; once it has begun (老年学堂 runs all year) it takes newcomers and its
    waiting list keeps moving until its last lesson begins. None: no session at all."""
    if activity.enrols_per_course:
        lessons = Session.objects.filter(activity=activity).exclude(status=SessionStatus.CANCELLED)
        first, last = lessons.order_by("starts_at", "pk").first(), lessons.order_by("-starts_at", "-pk").first()
        if first is None:
            return None
        if (now or timezone.now()) >= first.starts_at:
            return last.starts_at
        session = first
    if session is None:
        return None
    return session.starts_at - datetime.timedelta(hours=activity.signup_closes_hours)


def _person_q(person, prefix=""):
    q = Q(pk__in=[])
    if person.user is not None:
        q |= Q(**{f"{prefix}user": person.user})
    if person.resident is not None:
        q |= Q(**{f"{prefix}resident": person.resident})
    return q


def _confirmed(activity, session_id):
    return Signup.objects.filter(activity=activity, session_id=session_id, status=SignupStatus.CONFIRMED).count()


def _has_room(activity, session_id):
    return activity.capacity == 0 or _confirmed(activity, session_id) < activity.capacity


def sign_up(activity, *, by, session=None, resident=None, now=None):
    """A place (or a waiting-list place) for ``by`` or, on their behalf, for ``resident``. A course
    is enrolled as a whole (no session); any other activity is signed up per session."""
    now = now or timezone.now()
    person = check_person(person_for(by, resident=resident))
    if activity.enrols_per_course:
        session = None
    elif session is None:
        raise DomainError(_("Choose the session to sign up for."), code="required", field="session")
    elif session.activity_id != activity.pk:
        raise NotFound(_("No such session."))
    with transaction.atomic():
        activity = _locked(activity)
        if activity.status != ActivityStatus.PUBLISHED:
            raise DomainError(_("This activity does not take sign-ups."), code="activity_state")
        if session is not None:
            session = Session.objects.get(pk=session.pk)
            if session.status not in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
                raise DomainError(_("This session does not take sign-ups."), code="session_state")
        closing = closes_at(activity, session, now)
        if closing is not None and now >= closing:
            if activity.enrols_per_course and first_session(activity).starts_at <= now:
                raise DomainError(_("The course's last lesson has begun: sign-up is closed."), code="signup_closed")
            raise DomainError(_("Sign-up closed %(hours)d hours before the start."), code="signup_closed",
                              params={"hours": activity.signup_closes_hours})
        if activity.birthday_month_only:
            _check_birthday(activity, session, person)
        if Signup.objects.filter(_person_q(person), activity=activity, session=session).live().exists():
            raise DomainError(_("Already signed up."), code="already_signed_up")
        status = SignupStatus.CONFIRMED if _has_room(activity, session.pk if session else None) else SignupStatus.WAITLISTED
        try:
            with transaction.atomic():
                signup = Signup.objects.create(activity=activity, session=session, status=status, created_at=now,
                                               **person.fields())
        except IntegrityError:  # a twin request won
            raise DomainError(_("Already signed up."), code="already_signed_up") from None
        if person.on_behalf:
            _announce(signup, "sites.signup_made", notify_ids(person.user, person.resident, None),
                      {"title": activity.title, "when": _when(session or first_session(activity)), "status": status},
                      f"sites.signup_made:{signup.pk}")
    return signup


def _check_birthday(activity, session, person):
    if person.resident is None:
        raise DomainError(_("Only residents born in the month of the party may sign up: sign up through the grid "
                            "worker, who knows your birth date."), code="birthday_month")
    month = timezone.localtime(session.starts_at).month if session is not None else None
    if month is not None and person.resident.birth_date.month != month:
        raise DomainError(_("This party is for residents born in month %(month)d."), code="birthday_month",
                          params={"month": month})


def may_cancel(user, signup):
    """The person, whoever signed them up, an account linked to them, or staff of the activity."""
    if user is None or not user.is_authenticated:
        return False
    if user.pk in (signup.user_id, signup.recorded_by_id):
        return True
    if signup.resident_id and signup.resident.links.filter(user=user).exists():
        return True
    return may_run(user, signup.activity)


def _fill_places(activity, session_id, now):
    """Promote from the waiting list, first come first served, while places are free. Called
    under the activity's lock, so two freed places promote two different people."""
    promoted = []
    while _has_room(activity, session_id):
        first = (Signup.objects.filter(activity=activity, session_id=session_id, status=SignupStatus.WAITLISTED)
                 .select_related("session").order_by("created_at", "pk").first())
        if first is None:
            break
        first.status, first.promoted_at = SignupStatus.CONFIRMED, now
        first.save(update_fields=["status", "promoted_at"])
        session = first.session or first_session(activity)
        _announce(first, "sites.signup_promoted", notify_ids(first.user_id, first.resident, first.recorded_by_id),
                  {"title": activity.title, "when": _when(session)}, f"sites.signup_promoted:{first.pk}")
        promoted.append(first)
    return promoted


def cancel_signup(signup, *, by, now=None):
    """Cancel a place or a waiting-list place; a freed place goes to the first waiting at once.
    Returns the promoted sign-up, or None."""
    now = now or timezone.now()
    if not may_cancel(by, signup):
        raise NotFound(_("No such sign-up."))
    with transaction.atomic():
        activity = _locked(signup.activity)
        signup = Signup.objects.select_for_update(of=("self",)).select_related("session").get(pk=signup.pk)
        if signup.status == SignupStatus.CANCELLED:
            raise DomainError(_("This sign-up is already cancelled."), code="already_cancelled")
        if signup.session is not None and signup.session.starts_at <= now:
            raise DomainError(_("The session has started: it can no longer be cancelled."), code="session_started")
        was_confirmed = signup.status == SignupStatus.CONFIRMED
        signup.status, signup.cancelled_at = SignupStatus.CANCELLED, now
        signup.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_places(activity, signup.session_id, now) if was_confirmed else []
    return promoted[0] if promoted else None


def waitlist_position(signup):
    """1 for the first on the waiting list; None for anyone not waiting."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = Signup.objects.filter(activity_id=signup.activity_id, session_id=signup.session_id,
                                  status=SignupStatus.WAITLISTED).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)).count()
    return ahead + 1


def places_left(activity, session=None):
    """Free places (None: no limit)."""
    if activity.capacity == 0:
        return None
    return max(0, activity.capacity - _confirmed(activity, None if activity.enrols_per_course else session.pk))


# --- check-in at the door -----------------------------------------------------------------------

def _has_place(activity, session, person):
    return Signup.objects.filter(_person_q(person), activity=activity, status=SignupStatus.CONFIRMED,
                                 session=None if activity.enrols_per_course else session).exists()


def check_in(session, *, by, code=None, resident=None, now=None):
    """``by`` checks in with the code at the door (or the QR link that carries it); or staff of the
    activity record ``resident``'s check-in (method STAFF, on behalf). Once per person per
    session, while check-in is open; only with a place, unless the activity has no limit."""
    now = now or timezone.now()
    activity = session.activity
    if resident is not None or code is None:
        if resident is None:
            raise DomainError(_("Choose the resident to check in."), code="required", field="resident")
        _require_runner(by, activity)
        person = person_for(by, resident=resident)
        method = CheckInMethod.STAFF
    else:
        verdict = hit("session-checkin", f"{session.pk}:{by.pk}", CHECKIN_TRIES, now=now.timestamp())
        if not verdict.allowed:
            raise DomainError(_("Too many tries; please try again in %(s)d seconds."), params={"s": verdict.retry_after},
                              code="rate_limited")
        person = person_for(by)
        method = CheckInMethod.CODE
    check_person(person)
    with transaction.atomic():
        session = _session_for_update(session)
        if session.status != SessionStatus.OPEN:
            raise DomainError(_("Check-in is open only while the session is on."), code="checkin_closed")
        if now >= session.ends_at:
            raise DomainError(_("This session has ended: its code no longer works."), code="checkin_closed")
        # Compared as bytes: compare_digest refuses a str with non-ASCII characters (a code typed
        # in full-width or Chinese digits), which would otherwise be a 500 instead of a wrong code.
        if method == CheckInMethod.CODE and (not session.checkin_code or not secrets.compare_digest(
                str(code).strip().encode(), session.checkin_code.encode())):
            raise DomainError(_("This is not the code shown at the door."), code="checkin_code", field="code")
        if activity.capacity and not _has_place(activity, session, person):
            raise DomainError(_("Only people with a place can check in to this activity."), code="no_place")
        if CheckIn.objects.filter(_person_q(person), session=session).exists():
            raise DomainError(_("Already checked in to this session."), code="already_checked_in")
        try:
            with transaction.atomic():
                return CheckIn.objects.create(session=session, method=method, at=now, **person.fields())
        except IntegrityError:
            raise DomainError(_("Already checked in to this session."), code="already_checked_in") from None


def person_times(activity):
    """人次: check-ins at the activity's sessions, counted from the rows."""
    return CheckIn.objects.filter(session__activity=activity).count()


# --- iCalendar (RFC 5545) -------------------------------------------------------------------------

def feed_for(user):
    """The account's personal feed (its secret token made on first use)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        CalendarFeed.objects.bulk_create([CalendarFeed(user=user, token=secrets.token_urlsafe(32))], ignore_conflicts=True)
        feed = CalendarFeed.objects.get(user=user)
    return feed


def reset_feed(user):
    """A new secret: the old address stops working at once."""
    feed = feed_for(user)
    CalendarFeed.objects.filter(pk=feed.pk).update(token=secrets.token_urlsafe(32), created_at=timezone.now())
    feed.refresh_from_db()
    return feed


def _escape(text):
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line):
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return b"\r\n ".join(out).decode()


def _stamp(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _event(session, host, url_of, now):
    activity = session.activity
    lines = ["BEGIN:VEVENT", f"UID:session-{session.pk}@{host}", f"DTSTAMP:{_stamp(now)}",
             f"DTSTART:{_stamp(session.starts_at)}", f"DTEND:{_stamp(session.ends_at)}",
             f"SUMMARY:{_escape(activity.title)}"]
    if activity.site_id:
        where = activity.site.name + (f" {activity.room.name}" if activity.room_id else "")
        if activity.site.address:
            where += f", {activity.site.address}"
        lines.append(f"LOCATION:{_escape(where)}")
    if activity.description:
        lines.append(f"DESCRIPTION:{_escape(activity.description[:1000])}")
    if url_of:
        lines.append(f"URL:{url_of(session)}")
    lines.append("STATUS:" + ("CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"))
    lines.append("END:VEVENT")
    return lines


def calendar_text(sessions, *, name, host, url_of=None, now=None):
    """An iCalendar document of ``sessions`` (times in UTC; no personal data)."""
    now = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//gongzhi//sites//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(name)}"]
    for session in sessions:
        lines += _event(session, host, url_of, now)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _window(now):
    return now - datetime.timedelta(days=FEED_PAST_DAYS), now + datetime.timedelta(days=FEED_FUTURE_DAYS)


def site_sessions(site, now=None):
    """The published activities' sessions at ``site`` (public: no personal data in them)."""
    start, end = _window(now or timezone.now())
    return (Session.objects.filter(activity__site=site, activity__status=ActivityStatus.PUBLISHED,
                                   starts_at__gte=start, starts_at__lt=end)
            .select_related("activity", "activity__site", "activity__room").order_by("starts_at", "pk")[:FEED_LIMIT])


def person_sessions(user, now=None):
    """The sessions of the account's live sign-ups (its own, and those it made or is linked to);
    a course's sign-up brings all its sessions."""
    start, end = _window(now or timezone.now())
    signups = Signup.objects.filter(person_q(user)).live()
    return (Session.objects.filter(Q(signups__in=signups) | Q(activity__signups__in=signups.filter(session__isnull=True)),
                                   starts_at__gte=start, starts_at__lt=end)
            .exclude(activity__status=ActivityStatus.DRAFT).distinct()
            .select_related("activity", "activity__site", "activity__room").order_by("starts_at", "pk")[:FEED_LIMIT])
