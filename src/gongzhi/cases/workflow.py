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
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import Conflict, DomainError, NotFound
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import LONG_TEXT, clean_field, clean_text
from gongzhi.dashboard import tallies
from gongzhi.people.models import TERRITORIAL_ROLES, Agency, Role

from . import notify, services
from .models import CASE_SCOPE_ROLES, OPEN_STATUSES, WHISTLE_REPORT_MINUTES, Case, CaseAgency, CaseRating, CaseVector, Rating, Status, TimelineEntry

GRID = frozenset({Role.GRID_WORKER})
TERRITORY = TERRITORIAL_ROLES
SUPERVISORS = TERRITORIAL_ROLES - GRID
# Who may record a return visit (回访) for a reporter without an account: the grid's staff, and a
# hotline system (12345) connected as a machine client.
VISITORS = TERRITORIAL_ROLES | {Role.MACHINE_CLIENT}


class CaseNotFound(NotFound):
    """The case does not exist or is outside the actor's scope (views answer 404)."""


@dataclass(frozen=True)
class Move:
    label: str
    sources: tuple
    # Where the move may leave the case; () means "where it was" (notes such as urge).
    targets: tuple
    # Who may make it: "territory" (a role in ``roles`` covering the case's grid), "agency"
    # (staff of an agency working on the case, this round), "reporter" (the reporter's own
    # account), "visit" (``roles`` covering the grid, on behalf of a reporter without an
    # account) or "system" (only the workflow itself, as a consequence of another move).
    actor: str
    roles: frozenset = frozenset()
    needs_note: bool = False


S = Status
OPEN = OPEN_STATUSES

# The whole state table: every move, from where, to where, by whom.
MOVES = {
    "register": Move(_("Register"), (), (S.REGISTERED,), "system"),  # intake (services.create_case), never perform
    "solve_on_spot": Move(_("Solve on the spot"), (S.REGISTERED,), (S.CLOSED,), "territory", GRID, needs_note=True),
    "dispatch": Move(_("Dispatch to an agency"), (S.REGISTERED,), (S.DISPATCHED,), "territory", TERRITORY),
    "whistle": Move(_("Blow the whistle"), (S.REGISTERED,), (S.WHISTLED,), "territory", TERRITORY),
    "merge": Move(_("Merge into a main case"), (S.REGISTERED,), (S.MERGED,), "territory", TERRITORY),
    "accept": Move(_("Accept"), (S.DISPATCHED,), (S.HANDLING,), "agency"),
    "return": Move(_("Return: wrong agency"), (S.DISPATCHED,), (S.REGISTERED,), "agency", needs_note=True),
    "report": Move(_("Report to the whistle"), (S.WHISTLED,), (S.WHISTLED,), "agency"),
    # A whistle waits for every summoned agency: it is fed back when the last one is.
    "feed_back": Move(_("Feed back the result"), (S.HANDLING, S.WHISTLED), (S.FED_BACK, S.WHISTLED), "agency", needs_note=True),
    "verify": Move(_("Verify and close"), (S.FED_BACK,), (S.CLOSED,), "territory", GRID),
    "send_back": Move(_("Not solved: send back"), (S.FED_BACK,), (S.HANDLING, S.WHISTLED), "territory", GRID, needs_note=True),
    # A report merged into a main case is closed with it (answered with the main case's result).
    "close_with_main": Move(_("Closed with the main case"), (S.MERGED,), (S.CLOSED,), "system"),
    "rate": Move(_("Rate"), (S.CLOSED,), (S.RATED,), "reporter"),
    "return_visit": Move(_("Return visit (回访)"), (S.CLOSED,), (S.RATED,), "visit", VISITORS),
    "reopen": Move(_("Reopen"), (S.RATED,), (S.REGISTERED,), "reporter", needs_note=True),
    "urge": Move(_("Urge (催办)"), OPEN, (), "territory", SUPERVISORS, needs_note=True),
    "supervise": Move(_("Supervise (督办)"), OPEN, (), "territory", SUPERVISORS, needs_note=True),
}


# The one reopen rule lives with the other rules (services.reopen_refusal).
reopen_refusal = services.reopen_refusal


# Conditions beyond the status that a move needs; perform() checks them too, with a message.
GUARDS = {
    "reopen": lambda case: reopen_refusal(case) is None,
    # Only for reporters without an account (anonymous, hotline, Open311): they are asked by phone.
    "return_visit": lambda case: case.reporter_id is None,
}


def allowed_moves(case, actor):
    """The moves ``actor`` could make on ``case`` now (for showing buttons)."""
    return [
        name for name, move in MOVES.items()
        if case.status in move.sources and GUARDS.get(name, lambda c: True)(case) and _actor_may(move, case, actor)
    ]


def current_links(case):
    """The agencies working on the case in its current round (a reopened case starts a new round)."""
    return case.agency_links.filter(returned_at__isnull=True, round=case.reopen_count)


def _actor_may(move, case, actor):
    if move.actor == "system":
        return False
    if move.actor == "reporter":
        return case.reporter_id is not None and case.reporter_id == actor.pk
    if move.actor == "agency":
        return _links_of(case, actor, move).exists()
    return user_covers(actor, case.grid_code, move.roles)


def _links_of(case, actor, move=None):
    links = current_links(case).filter(agency_id__in=actor.agency_ids())
    if move is MOVES["report"]:
        # 报到 once, before feeding back: a second press would only repeat the timeline.
        links = links.filter(reported_at__isnull=True, fed_back_at__isnull=True)
    elif move is MOVES["feed_back"]:
        links = links.filter(fed_back_at__isnull=True)
    return links


def _may_see(case, actor):
    """``Case.scope_q`` for the one case in hand. Its territory and own-report branches are
    answered in Python by the same rule (core.scoping), which settles most moves without a
    query; the other ways in (an agency on the case, a merged report) ask the database."""
    if actor is not None and actor.is_authenticated and actor.is_active and (
            user_covers(actor, case.grid_code, CASE_SCOPE_ROLES)
            or (case.reporter_id is not None and case.reporter_id == actor.pk)):
        return True
    return Case.objects.visible_to(actor).filter(pk=case.pk).exists()


@transaction.atomic
def perform(case_id, move_name, actor, *, expected_version=None, note="", now=None, **params):
    """Make one move. ``now`` is for importers and the demo, which replay past events."""
    move = MOVES.get(move_name)
    if move is None or move.actor == "system":
        raise DomainError(_("Unknown move."), code="unknown_move")
    try:
        # One move at a time per case. FOR NO KEY UPDATE on PostgreSQL: it still queues every
        # other move, but not the inserts that reference the case (timeline entries, notices,
        # photos, agency links: their foreign-key checks take FOR KEY SHARE, which plain FOR
        # UPDATE would block). SQLite locks the whole database on write anyway.
        case = Case.objects.select_for_update(no_key=connection.features.has_select_for_no_key_update).get(pk=case_id)
    except Case.DoesNotExist:
        raise CaseNotFound(_("No such case."), code="not_found")
    if not _may_see(case, actor):
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
    if move_name == "return_visit" and not GUARDS["return_visit"](case):
        raise DomainError(_("A return visit is for reporters without an account; this reporter rates the case themselves."),
                          code="has_account")
    # Free text is checked before anything is written (core.text); a rating keeps its comment (or the note) as CaseRating.comment.
    note = clean_text(note, field="note", label=_("note"), max_length=LONG_TEXT, multiline=True)
    if move_name in ("rate", "return_visit"):
        params["comment"] = clean_field(CaseRating, "comment", params.get("comment") or note)
    if move.needs_note and not note:
        raise DomainError(_("Please say why or what was done."), code="note_required", field="note")
    now = now or timezone.now()
    return _apply(case, move_name, actor, now, note, params)


def _apply(case, move_name, actor, now, note="", params=None):
    """Apply a checked move, write its timeline entry and its side effects (after commit)."""
    move = MOVES[move_name]
    before = case.status
    details = APPLY[move_name](case, actor, now, note=note, **(params or {})) or {}
    after = case.status
    assert after in (move.targets or (before,)), f"{move_name} left the case {after}, not in {move.targets}"
    case.version += 1
    case.save()
    entry = TimelineEntry.objects.create(case=case, move=move_name, actor=actor, at=now, note=note,
                                         status_before=before, status_after=after, details=details)
    notify.announce(case, entry.pk, move_name, details, actor_id=actor.pk if actor else None)
    if before in OPEN_STATUSES and after not in OPEN_STATUSES:
        # Only open cases are compared for duplicates: a closed or merged case's stored row goes
        # (decision 82); a reopened one is computed when searched, and stored after the next refit.
        CaseVector.objects.filter(case_id=case.pk).delete()
    if move_name in ("rate", "return_visit", "reopen"):
        # The rates roll-up follows after commit (outbox), outside the case's lock.
        outbox.enqueue("cases.refresh_rates", f"rates:case:{case.pk}:entry:{entry.pk}", {"case": case.pk})
    # The cockpit's counts of this grid and month follow after commit too (dashboard.tallies).
    tallies.enqueue(case.grid_code, case.created_at, "cases", f"entry:{entry.pk}")
    return case


def _respond(case, now):
    if case.responded_at is None:
        case.responded_at = now


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
    respond_hours, resolve_hours = services.time_limits(category, case.grid_code)  # the district's own, if it set them
    case.respond_by, case.resolve_by = (case.created_at + datetime.timedelta(hours=h) for h in (respond_hours, resolve_hours))
    return {"category_before": before, "category": category.pk}


def _dispatch(case, actor, now, agency=None, category=None, **unused):
    if not isinstance(agency, Agency):
        raise DomainError(_("Choose the agency to dispatch to."), code="agency_required", field="agency")
    changed = _recategorize(case, category)
    CaseAgency.objects.create(case=case, agency=agency, summoned_at=now, round=case.reopen_count)
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
        CaseAgency(case=case, agency=a, whistled=True, summoned_at=now, report_by=report_by, round=case.reopen_count)
        for a in agencies
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
    _links_of(case, actor, MOVES["report"]).update(reported_at=now)


def _feed_back(case, actor, now, **unused):
    _links_of(case, actor, MOVES["feed_back"]).update(fed_back_at=now)
    waiting = current_links(case).filter(fed_back_at__isnull=True).count()
    if case.status == S.HANDLING or not waiting:
        case.status = S.FED_BACK
    return {"agencies_waiting": waiting} if waiting else {}


def _verify(case, actor, now, **unused):
    case.status, case.closed_at = S.CLOSED, now
    return {"duplicates_closed": _close_duplicates(case, actor, now)}


def _close_duplicates(case, actor, now):
    """Close the reports merged into ``case`` (the declared move close_with_main): every
    reporter is answered with the main case."""
    duplicates = list(case.duplicates.select_for_update().filter(status=S.MERGED))
    for dup in duplicates:
        _apply(dup, "close_with_main", actor, now, params={"main_case": case})
    return [d.number for d in duplicates]


def _close_with_main(case, actor, now, main_case=None, **unused):
    case.status, case.closed_at = S.CLOSED, now
    return {"with_main_case": main_case.number}


def _send_back(case, actor, now, **unused):
    links = current_links(case)
    links.update(fed_back_at=None)
    case.status = S.WHISTLED if links.filter(whistled=True).exists() else S.HANDLING


def _rate(case, actor, now, rating=None, solved=True, comment="", note="", on_behalf=False, **unused):
    comment = comment or note
    if rating not in Rating.values:
        raise DomainError(_("Choose satisfied, basically satisfied or unsatisfied."), code="rating_required", field="rating")
    solved = bool(solved)
    CaseRating.objects.create(case=case, rating=rating, solved=solved, comment=(comment or "")[:500], rated_by=actor,
                              rated_at=now, on_behalf=on_behalf)
    case.rating, case.rating_solved, case.rated_at = rating, solved, now
    case.status = S.RATED
    return {"rating": rating, "solved": solved, **({"on_behalf": True} if on_behalf else {})}


def _return_visit(case, actor, now, **params):
    """The reporter's answers taken by phone (回访), recorded on their behalf and marked so."""
    return _rate(case, actor, now, **{**params, "on_behalf": True})


def _reopen(case, actor, now, **unused):
    refusal = reopen_refusal(case)
    if refusal:
        raise DomainError(refusal, code="reopen_refused")
    # A new round: the agencies of the last one keep their record, new summons start afresh.
    case.reopen_count += 1
    case.closed_at = None
    # The reopened case gets its time again, counted from now.
    respond_hours, resolve_hours = services.time_limits(case.category, case.grid_code)
    case.respond_by, case.resolve_by = (now + datetime.timedelta(hours=h) for h in (respond_hours, resolve_hours))
    # A reopened case leaves the rates until it is rated again.
    case.rating, case.rating_solved, case.rated_at = "", None, None
    case.status = S.REGISTERED


def _supervise(case, actor, now, **unused):
    """Urge (催办) or supervise (督办): a note on the timeline, and the time copied to the case
    so that the supervisors' tab finds it by an index instead of searching the timeline."""
    case.supervised_at = now


APPLY = {
    "solve_on_spot": _solve_on_spot, "dispatch": _dispatch, "whistle": _whistle, "merge": _merge,
    "accept": _accept, "return": _return, "report": _report, "feed_back": _feed_back,
    "verify": _verify, "send_back": _send_back, "close_with_main": _close_with_main, "rate": _rate,
    "return_visit": _return_visit, "reopen": _reopen,
    "urge": _supervise, "supervise": _supervise,
}
assert set(APPLY) == set(MOVES) - {"register"}, "every move in the table needs its function"
