"""Who hears about what happens to a case, in-app and by email.

Each event has a key; (person, key) is unique in the table, so an event
reaches each person exactly once however often it is announced. Notices are
sent only after the transaction that caused them commits (``announce``).
"""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gongzhi.people.models import Role, RoleAssignment, User

from .models import Case, Notification

MESSAGES = {
    "register": _("New problem %(number)s in your grid: %(title)s"),
    "dispatch": _("Problem %(number)s was dispatched to your agency: %(title)s"),
    "whistle": _("The whistle was blown for %(number)s: report within 30 minutes. %(title)s"),
    "accept": _("%(number)s was accepted by the agency."),
    "return": _("%(number)s was returned by the agency: dispatch it again."),
    "feed_back": _("%(number)s has been fed back: please verify it."),
    "solve_on_spot": _("Your problem %(number)s was solved on the spot. Please rate it."),
    "verify": _("Your problem %(number)s has been solved and closed. Please rate it."),
    "send_back": _("%(number)s was not solved on verification and comes back to you."),
    "reopen": _("%(number)s was rated unsatisfied and reopened."),
    "urge": _("Urged: please hurry with %(number)s."),
    "supervise": _("%(number)s is now supervised (督办)."),
    "deadline_near": _("%(number)s is due soon."),
    "overdue": _("%(number)s is overdue."),
    "whistle_unreported": _("An agency has not reported to the whistle on %(number)s."),
}


def _covering(grid_code):
    """Codes of the units whose scope covers this grid: the grid and its ancestors."""
    return [grid_code[:n] for n in (6, 9, 12, 15) if n <= len(grid_code)]


def people_with_role(case, roles, agency_ids=None):
    assignments = RoleAssignment.objects.filter(role__in=roles, units__code__in=_covering(case.grid_code))
    if agency_ids is not None:
        assignments = assignments.filter(agency_id__in=agency_ids)
    return set(assignments.values_list("user_id", flat=True))


def grid_workers(case):
    return people_with_role(case, [Role.GRID_WORKER])


def agency_staff(case, agency_ids=None):
    """The agencies' professional grid workers over this grid; an agency with
    nobody over it is told as a whole, so that every dispatch reaches someone."""
    if agency_ids is None:
        agency_ids = list(case.agency_links.filter(returned_at__isnull=True).values_list("agency_id", flat=True))
    people = set()
    for agency_id in agency_ids:
        covering = people_with_role(case, [Role.PROFESSIONAL_GRID_WORKER], [agency_id])
        if not covering:
            covering = set(RoleAssignment.objects.filter(role=Role.PROFESSIONAL_GRID_WORKER, agency_id=agency_id)
                           .values_list("user_id", flat=True))
        people |= covering
    return people


def reporters(case):
    ids = {case.reporter_id} if case.reporter_id else set()
    ids |= set(case.duplicates.exclude(reporter=None).values_list("reporter_id", flat=True))
    return ids


def recipients_for_move(case, move, details):
    if move == "register":
        return grid_workers(case)
    if move == "dispatch":
        return agency_staff(case, [details.get("agency")])
    if move == "whistle":
        return agency_staff(case, details.get("agencies", []))
    if move in ("accept", "return", "feed_back", "reopen"):
        return grid_workers(case)
    if move in ("solve_on_spot", "verify"):
        return reporters(case)
    if move == "send_back":
        return agency_staff(case)
    if move in ("urge", "supervise"):
        return agency_staff(case) or grid_workers(case)
    return set()


def deliver(case, event_key, event, user_ids):
    """Create the notices not yet sent for this event and email them. Returns how many were new."""
    user_ids = set(user_ids)
    if not user_ids:
        return 0
    already = set(Notification.objects.filter(event_key=event_key, user_id__in=user_ids).values_list("user_id", flat=True))
    new_ids = user_ids - already
    if not new_ids:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = str(MESSAGES[event] % {"number": case.number, "title": case.title})[:300]
    Notification.objects.bulk_create(
        [Notification(user_id=u, case=case, event_key=event_key, message=message) for u in sorted(new_ids)],
        ignore_conflicts=True,
    )
    emails = list(User.objects.filter(pk__in=new_ids).exclude(email="").values_list("pk", "email"))
    for user_id, address in emails:
        # The message names the case number and title only: no personal data in mail.
        send_mail(f"[共治] {case.number}", message, None, [address], fail_silently=True)
    if emails:
        Notification.objects.filter(event_key=event_key, user_id__in=[u for u, _ in emails]).update(emailed=True)
    return len(new_ids)


def announce(case_id, event_key, event, details=None, actor_id=None):
    """Send the event's notices once the current transaction commits (not to the one who acted)."""

    def send():
        case = Case.objects.get(pk=case_id)
        deliver(case, event_key, event, recipients_for_move(case, event, details or {}) - {actor_id})

    transaction.on_commit(send)
