"""Who hears about what happens to a case, in app and by mail.

A move writes an outbox message in its own transaction (``announce``); after
commit (or by the minute job) ``on_move`` works out who should hear of it and
gives each person one notice (core.notices: unique per person and event, mail
through the outbox). The minute job's reminders use the same ``Directory`` to
find people for a whole batch of cases with a fixed number of queries.
"""
from django.utils.translation import gettext_lazy as _

from gongzhi.core import notices, outbox
from gongzhi.people.models import Role, RoleAssignment
from gongzhi.territory.models import CODE_LENGTH, Level

from .models import OPEN_STATUSES, WHISTLE_REPORT_MINUTES, Case, CaseAgency, Status


def _overdue(params):
    levels = "、".join(str(Role(level).label) for level in params.get("levels", []) if level in Role.values)
    return _("%(number)s is overdue; reported to: %(levels)s.") % {"number": params["number"], "levels": levels}


# Each event's text, filled with the notice's params when it is read (in the reader's language).
MESSAGES = {
    "register": _("New problem %(number)s in your grid: %(title)s"),
    "dispatch": _("Problem %(number)s was dispatched to your agency: %(title)s"),
    "whistle": _("The whistle was blown for %(number)s: report within %(minutes)s minutes. %(title)s"),
    "accept": _("%(number)s was accepted by the agency."),
    "return": _("%(number)s was returned by the agency: dispatch it again."),
    "feed_back": _("%(number)s has been fed back: please verify it."),
    "feed_back_partial": _("%(number)s: an agency fed back; still waiting for the others."),
    "solve_on_spot": _("Your problem %(number)s was solved on the spot. Please rate it."),
    "verify": _("Your problem %(number)s has been solved and closed. Please rate it."),
    "send_back": _("%(number)s was not solved on verification and comes back to you."),
    "reopen": _("%(number)s was rated unsatisfied and reopened."),
    "urge": _("Urged: please hurry with %(number)s."),
    "supervise": _("%(number)s is now supervised (督办)."),
    "deadline_near": _("%(number)s is due soon."),
    "overdue": _overdue,
    "whistle_unreported": _("An agency has not reported to the whistle on %(number)s."),
}


# The levels whose units can be given as a role's scope over a grid: the grid and its ancestors.
UNIT_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)


def covering_codes(grid_code):
    """Codes of the units whose scope covers this grid: the grid and its ancestors."""
    return [grid_code[:n] for n in (CODE_LENGTH[level] for level in UNIT_LEVELS) if n <= len(grid_code)]


class Directory:
    """The people around a batch of cases, read in three queries whatever the batch size."""

    ROLES = (Role.GRID_WORKER, Role.PROFESSIONAL_GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN,
             Role.DISTRICT_ADMIN)

    def __init__(self, cases):
        cases = list(cases)
        codes = {code for case in cases for code in covering_codes(case.grid_code)}
        # (unit code, role) -> {(user, agency)}
        self.by_code = {}
        for user_id, role, agency_id, code in RoleAssignment.objects.filter(
                role__in=self.ROLES, units__code__in=codes).values_list("user_id", "role", "agency_id", "units__code"):
            self.by_code.setdefault((code, role), set()).add((user_id, agency_id))
        # case -> agencies working on it (not returned)
        self.links = {}
        rounds = {c.pk: c.reopen_count for c in cases}
        for case_id, agency_id, round_ in CaseAgency.objects.filter(
                case__in=list(rounds), returned_at__isnull=True).values_list("case_id", "agency_id", "round"):
            if round_ == rounds[case_id]:  # the agencies of the current round only
                self.links.setdefault(case_id, set()).add(agency_id)
        agencies = {a for ids in self.links.values() for a in ids}
        # An agency with nobody over a grid is told as a whole, so that every dispatch reaches someone.
        self.agency_wide = {}
        for user_id, agency_id in RoleAssignment.objects.filter(
                role=Role.PROFESSIONAL_GRID_WORKER, agency_id__in=agencies).values_list("user_id", "agency_id"):
            self.agency_wide.setdefault(agency_id, set()).add(user_id)

    def with_role(self, case, roles, agency_ids=None):
        found = set()
        for code in covering_codes(case.grid_code):
            for role in roles:
                for user_id, agency_id in self.by_code.get((code, role), ()):
                    if agency_ids is None or agency_id in agency_ids:
                        found.add(user_id)
        return found

    def grid_workers(self, case):
        return self.with_role(case, [Role.GRID_WORKER])

    def agency_staff(self, case, agency_ids=None):
        agency_ids = self.links.get(case.pk, set()) if agency_ids is None else set(agency_ids)
        people = set()
        for agency_id in agency_ids:
            covering = self.with_role(case, [Role.PROFESSIONAL_GRID_WORKER], {agency_id})
            people |= covering or self.agency_wide.get(agency_id, set())
        return people

    def responsible(self, case):
        """Who has the case in hand now: the agencies working on it, else the grid worker."""
        if case.status in (Status.DISPATCHED, Status.HANDLING, Status.WHISTLED):
            return self.agency_staff(case) or self.grid_workers(case)
        return self.grid_workers(case)


def reporters(case):
    ids = {case.reporter_id} if case.reporter_id else set()
    ids |= set(case.duplicates.exclude(reporter=None).values_list("reporter_id", flat=True))
    return ids


def recipients_for_move(case, move, details, directory):
    if move == "register":
        return directory.grid_workers(case)
    if move == "dispatch":
        return directory.agency_staff(case, [details.get("agency")])
    if move == "whistle":
        return directory.agency_staff(case, details.get("agencies", []))
    if move in ("accept", "return", "feed_back", "reopen"):
        return directory.grid_workers(case)
    if move in ("solve_on_spot", "verify"):
        return reporters(case)
    if move == "send_back":
        return directory.agency_staff(case)
    if move in ("urge", "supervise"):
        return directory.agency_staff(case) or directory.grid_workers(case)
    return set()


def params_of(case):
    # Only the number and title: a notice, and the mail made of it, carry no personal data.
    return {"number": case.number, "title": case.title, "minutes": WHISTLE_REPORT_MINUTES}


def announce(case, entry_id, move, details=None, actor_id=None):
    """Called inside the move's transaction: the notices go out after it commits, exactly once."""
    outbox.enqueue("cases.announce", f"case:{case.pk}:entry:{entry_id}", {
        "case": case.pk, "entry": entry_id, "move": move, "details": details or {}, "actor": actor_id,
        "status_after": case.status,
    })


def on_move(payload):
    """The outbox handler: give the move's notices to the people it concerns (not to the one who acted)."""
    case = Case.objects.filter(pk=payload["case"]).first()
    if case is None:
        return
    move, event = payload["move"], payload["move"]
    if move == "feed_back" and payload.get("status_after") != Status.FED_BACK:
        # One of several summoned agencies fed back: the case cannot be verified yet.
        event = "feed_back_partial"
    people = recipients_for_move(case, move, payload.get("details", {}), Directory([case])) - {payload.get("actor")}
    notices.notify(case, f"cases.{event}", f"case:{case.pk}:entry:{payload['entry']}", people, params_of(case))
    if case.status in OPEN_STATUSES:
        # The minute job reads only what fell due since its last run (decision 91): a move that
        # set the deadline or brought people to the case has this case looked at now.
        from .deadlines import check_case

        check_case(case.pk)
