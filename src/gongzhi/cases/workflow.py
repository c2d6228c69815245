"""A case's life (GB/T 30428.8: collect → register → dispatch → handle →
feedback → verify and close → evaluate) as one table of states and moves.

``perform`` is the only function that changes a case's status. In one
transaction it locks the case, checks that the actor may see it, that the
copy they acted on is current (``expected_version``), that the move is allowed
from the case's status and by the actor's role, applies the move and writes
the timeline entry.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import Conflict, DomainError, NotFound
from gongzhi.core.text import LONG_TEXT, clean_field, clean_text
from gongzhi.people.models import Agency, Role

from . import notify, rates
from .models import Case, CaseAgency, CaseRating, Rating, Status, TimelineEntry

GRID = frozenset({Role.GRID_WORKER})
TERRITORY = frozenset({Role.GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN, Role.DISTRICT_ADMIN})
SUPERVISORS = frozenset({Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN, Role.DISTRICT_ADMIN})
WHISTLE_REPORT_MINUTES = 30


class CaseNotFound(NotFound):
    """The case does not exist or is outside the actor's scope (views answer 404)."""


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple
    # Who may make it: "territory" (a role in ``roles`` covering the case's
    # grid), "agency" (staff of an agency working on the case) or "reporter".
    actor: str
    roles: frozenset = frozenset()
    needs_note: bool = False


S = Status
OPEN = (S.REGISTERED, S.DISPATCHED, S.HANDLING, S.WHISTLED, S.FED_BACK)

# The whole state table. Targets are set by each move's function below,
# because some depend on the case (a whistle closes only when all fed back).
MOVES = {
    "register": Move(_("Register"), (), "territory", TERRITORY),  # done by intake (services.create_case), never by perform
    "solve_on_spot": Move(_("Solve on the spot"), (S.REGISTERED,), "territory", GRID, needs_note=True),
    "dispatch": Move(_("Dispatch to an agency"), (S.REGISTERED,), "territory", TERRITORY),
    "whistle": Move(_("Blow the whistle"), (S.REGISTERED,), "territory", TERRITORY),
    "merge": Move(_("Merge into a main case"), (S.REGISTERED,), "territory", TERRITORY),
    "accept": Move(_("Accept"), (S.DISPATCHED,), "agency"),
    "return": Move(_("Return: wrong agency"), (S.DISPATCHED,), "agency", needs_note=True),
    "report": Move(_("Report to the whistle"), (S.WHISTLED,), "agency"),
    "feed_back": Move(_("Feed back the result"), (S.HANDLING, S.WHISTLED), "agency", needs_note=True),
    "verify": Move(_("Verify and close"), (S.FED_BACK,), "territory", GRID),
    "send_back": Move(_("Not solved: send back"), (S.FED_BACK,), "territory", GRID, needs_note=True),
    "rate": Move(_("Rate"), (S.CLOSED,), "reporter"),
    "reopen": Move(_("Reopen"), (S.RATED,), "reporter", needs_note=True),
    "urge": Move(_("Urge (催办)"), OPEN, "territory", SUPERVISORS, needs_note=True),
    "supervise": Move(_("Supervise (督办)"), OPEN, "territory", SUPERVISORS, needs_note=True),
}


# Conditions beyond the status that a move needs; perform() checks them too, with a message.
GUARDS = {
    "reopen": lambda case: case.rating == Rating.UNSATISFIED and case.reopen_count < settings.CASE_MAX_REOPENS,
}


def allowed_moves(case, actor):
    """The moves ``actor`` could make on ``case`` now (for showing buttons)."""
    return [
        name for name, move in MOVES.items()
        if case.status in move.sources and GUARDS.get(name, lambda c: True)(case) and _actor_may(move, case, actor)
    ]


def _actor_may(move, case, actor):
    if move.actor == "reporter":
        return case.reporter_id is not None and case.reporter_id == actor.pk
    if move.actor == "agency":
        return case.agency_links.filter(agency_id__in=actor.agency_ids(), returned_at__isnull=True).exists()
    if actor.is_superuser:
        return True
    return any(case.grid_code.startswith(code) for code in actor.scope_codes(move.roles))


@transaction.atomic
def perform(case_id, move_name, actor, *, expected_version=None, note="", now=None, **params):
    """Make one move. ``now`` is for importers and the demo, which replay past events."""
    move = MOVES.get(move_name)
    if move is None:
        raise DomainError(_("Unknown move."), code="unknown_move")
    try:
        case = Case.objects.select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise CaseNotFound(_("No such case."), code="not_found")
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise CaseNotFound(_("No such case."), code="not_found")
    if expected_version is not None and case.version != expected_version:
        raise Conflict(_("Someone else has just changed this case. Reload it and try again."), code="conflict")
    if case.status not in move.sources:
        raise DomainError(
            _("“%(move)s” is not possible while the case is “%(status)s”."),
            params={"move": move.label, "status": Status(case.status).label}, code="wrong_status",
        )
    if not _actor_may(move, case, actor):
        raise DomainError(_("Your role does not allow “%(move)s” on this case."), params={"move": move.label}, code="forbidden")
    # Free text is checked before anything is written (core.text); a rating keeps its comment (or the note) as CaseRating.comment.
    note = clean_text(note, field="note", label=_("note"), max_length=LONG_TEXT, multiline=True)
    if move_name == "rate":
        params["comment"] = clean_field(CaseRating, "comment", params.get("comment") or note)
    if move.needs_note and not note:
        raise DomainError(_("Please say why or what was done."), code="note_required", field="note")
    now = now or timezone.now()
    before = case.status
    details = APPLY[move_name](case, actor, now, note=note, **params) or {}
    case.version += 1
    case.save()
    entry = TimelineEntry.objects.create(case=case, move=move_name, actor=actor, at=now, note=note,
                                         status_before=before, status_after=case.status, details=details)
    notify.announce(case.pk, f"case:{case.pk}:entry:{entry.pk}", move_name, details, actor_id=actor.pk)
    if move_name in ("rate", "reopen"):
        case_id = case.pk
        transaction.on_commit(lambda: rates.refresh_for_case(Case.objects.get(pk=case_id)))
    return case


def _respond(case, now):
    if case.responded_at is None:
        case.responded_at = now


def _links_of(case, actor):
    return case.agency_links.filter(agency_id__in=actor.agency_ids(), returned_at__isnull=True)


def _solve_on_spot(case, actor, now, **unused):
    _respond(case, now)
    case.status, case.closed_at = S.CLOSED, now
    return {"duplicates_closed": _close_duplicates(case, actor, now)}


def _recategorize(case, category):
    """The person dispatching confirms or corrects the 小类; its time limits then apply."""
    if category is None or category.pk == case.category_id:
        return {}
    if category.parent_id is None or not category.active:
        raise DomainError(_("Choose an active minor category (小类)."), code="category", field="category")
    before = case.category_id
    case.category = category
    case.respond_by = case.created_at + datetime.timedelta(hours=category.response_hours)
    case.resolve_by = case.created_at + datetime.timedelta(hours=category.resolve_hours)
    return {"category_before": before, "category": category.pk}


def _dispatch(case, actor, now, agency=None, category=None, **unused):
    if not isinstance(agency, Agency):
        raise DomainError(_("Choose the agency to dispatch to."), code="agency_required", field="agency")
    changed = _recategorize(case, category)
    CaseAgency.objects.create(case=case, agency=agency, summoned_at=now)
    _respond(case, now)
    case.status = S.DISPATCHED
    return {"agency": agency.pk, **changed}


def _whistle(case, actor, now, agencies=(), category=None, **unused):
    agencies = list({a.pk: a for a in agencies}.values())
    if not agencies:
        raise DomainError(_("Summon at least one agency."), code="agency_required", field="agencies")
    changed = _recategorize(case, category)
    report_by = now + datetime.timedelta(minutes=WHISTLE_REPORT_MINUTES)
    CaseAgency.objects.bulk_create([
        CaseAgency(case=case, agency=a, whistled=True, summoned_at=now, report_by=report_by) for a in agencies
    ])
    _respond(case, now)
    case.status = S.WHISTLED
    return {"agencies": [a.pk for a in agencies], **changed}


def _merge(case, actor, now, main_case=None, **unused):
    if not isinstance(main_case, Case) or main_case.pk == case.pk:
        raise DomainError(_("Choose the main case to merge into."), code="main_required", field="main_case")
    if main_case.status not in OPEN or main_case.main_case_id:
        raise DomainError(_("The main case must be open and not itself merged."), code="main_closed", field="main_case")
    case.main_case, case.status = main_case, S.MERGED
    return {"main_case": main_case.number}


def _accept(case, actor, now, **unused):
    _links_of(case, actor).update(accepted_at=now)
    case.status = S.HANDLING


def _return(case, actor, now, **unused):
    _links_of(case, actor).update(returned_at=now)
    case.status = S.REGISTERED


def _report(case, actor, now, **unused):
    _links_of(case, actor).filter(reported_at__isnull=True).update(reported_at=now)


def _feed_back(case, actor, now, **unused):
    _links_of(case, actor).update(fed_back_at=now)
    still_waiting = case.agency_links.filter(returned_at__isnull=True, fed_back_at__isnull=True).exists()
    if case.status == S.HANDLING or not still_waiting:
        case.status = S.FED_BACK


def _verify(case, actor, now, **unused):
    case.status, case.closed_at = S.CLOSED, now
    return {"duplicates_closed": _close_duplicates(case, actor, now)}


def _close_duplicates(case, actor, now):
    """Close the reports merged into ``case``: every reporter is answered with the main case."""
    duplicates = list(case.duplicates.select_for_update().filter(status=S.MERGED))
    for dup in duplicates:
        dup.status, dup.closed_at, dup.version = S.CLOSED, now, dup.version + 1
        dup.save(update_fields=["status", "closed_at", "version"])
        TimelineEntry.objects.create(case=dup, move="verify", actor=actor, at=now, status_before=S.MERGED,
                                     status_after=S.CLOSED, details={"with_main_case": case.number})
    return [d.number for d in duplicates]


def _send_back(case, actor, now, **unused):
    case.agency_links.filter(returned_at__isnull=True).update(fed_back_at=None)
    case.status = S.HANDLING if not case.agency_links.filter(whistled=True).exists() else S.WHISTLED


def _rate(case, actor, now, rating=None, solved=True, comment="", note="", **unused):
    comment = comment or note
    if rating not in Rating.values:
        raise DomainError(_("Choose satisfied, basically satisfied or unsatisfied."), code="rating_required", field="rating")
    solved = bool(solved)
    CaseRating.objects.create(case=case, rating=rating, solved=solved, comment=(comment or "")[:500], rated_by=actor, rated_at=now)
    case.rating, case.rating_solved, case.rated_at = rating, solved, now
    case.status = S.RATED
    return {"rating": rating, "solved": solved}


def _reopen(case, actor, now, **unused):
    last = case.ratings.order_by("-rated_at", "-id").first()
    if last is None or last.rating != Rating.UNSATISFIED:
        raise DomainError(_("Only a case rated unsatisfied can be reopened."), code="not_unsatisfied")
    if case.reopen_count >= settings.CASE_MAX_REOPENS:
        raise DomainError(_("This case has been reopened as often as the rules allow."), code="reopen_limit")
    case.reopen_count += 1
    case.closed_at = None
    # The reopened case gets its time again, counted from now.
    case.respond_by = now + datetime.timedelta(hours=case.category.response_hours)
    case.resolve_by = now + datetime.timedelta(hours=case.category.resolve_hours)
    # A reopened case leaves the rates until it is rated again.
    case.rating, case.rating_solved, case.rated_at = "", None, None
    case.status = S.REGISTERED


def _note_only(case, actor, now, **unused):
    return None


APPLY = {
    "solve_on_spot": _solve_on_spot, "dispatch": _dispatch, "whistle": _whistle, "merge": _merge,
    "accept": _accept, "return": _return, "report": _report, "feed_back": _feed_back,
    "verify": _verify, "send_back": _send_back, "rate": _rate, "reopen": _reopen,
    "urge": _note_only, "supervise": _note_only,
}
assert set(APPLY) == set(MOVES) - {"register"}, "every move in the table needs its function"
