"""Decisions (accountability): who does what by when, progress, verification, escalation.

A decision a meeting takes names what is to be done, who does it (an agency, the property
company, a party member, a volunteer team, the party branch) and by when. Progress is reported
with a percent, a note and photos; at 100 % it is *reported done*, and only when the convener
(staff of the meeting's unit) confirms it is it *carried out*: the item's proposal is then
decided and the item counts as a settled hot issue (figures.hot_issues_settled).

Overdue decisions rise one level at a time (grid → community → street → district) like overdue
cases; the staff of each level hear of it once.
"""
import datetime
import functools
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import services as case_services
from gongzhi.cases.models import Channel
from gongzhi.cases.photos import delete_files, prepare_photos, write_photo
from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import clean_field
from gongzhi.party.models import OrganizationKind
from gongzhi.people.models import Role, RoleAssignment
from gongzhi.territory.models import CODE_LENGTH, Building, Level

from ..models import (
    Decision, DecisionPhoto, DecisionStatus, DecisionUpdate, MeetingStatus, OwnerKind, ProposalFollow, ProposalStatus,
)
from .votes import is_staff_of, meeting_day

NOTICES = {
    "deliberation.decision_recorded": _("A decision was taken on “%(title)s”: due %(due_on)s."),
    "deliberation.decision_progress": _("Progress on the decision about “%(title)s”: %(percent)s %%."),
    "deliberation.decision_carried_out": _("The decision about “%(title)s” has been carried out."),
    "deliberation.decision_overdue": _("A decision of %(unit)s is overdue (due %(due_on)s): “%(title)s”."),
}

# Overdue decisions rise: to the level above the meeting's at once, one more after a week,
# one more after three weeks; each minute job moves a decision at most one level.
ESCALATION_AFTER_DAYS = [0, 7, 21]
LEVEL_ROLE = {Level.COMMUNITY: Role.COMMUNITY_SECRETARY, Level.STREET: Role.STREET_ADMIN, Level.DISTRICT: Role.DISTRICT_ADMIN}
BATCH = 200


def _require_staff(meeting, by, message=None):
    if not is_staff_of(meeting, by):
        raise DomainError(message or _("Only staff of this meeting's unit may do this."), code="not_staff")


def _title(decision):
    item = decision.item
    return item.title if item is not None else decision.meeting.title


def _followers(decision):
    item = decision.item
    if item is None or item.proposal_id is None:
        return []
    return list(ProposalFollow.objects.filter(proposal_id=item.proposal_id).values_list("user_id", flat=True))


def _announce(decision, event, key, user_ids, params):
    if not user_ids:
        return
    outbox.enqueue("deliberation.announce", f"deliberation:{key}", {
        "model": "decision", "pk": decision.pk, "event": event, "key": key, "user_ids": sorted(set(user_ids)),
        "params": params})


def _check_owner(owner_kind, agency, organization, member, owner_name):
    """The owner's fields that belong to its kind (the others are dropped), or a DomainError."""
    owner_name = clean_field(Decision, "owner_name", owner_name)
    if owner_kind == OwnerKind.AGENCY:
        if agency is None:
            raise DomainError(_("Choose the agency that carries it out."), code="required", field="agency")
        return {"agency": agency}
    if owner_kind == OwnerKind.PROPERTY:
        if organization is not None:
            if organization.kind != OrganizationKind.PROPERTY_ORGANIZATION:
                raise DomainError(_("Choose a property company's party organization, or name the company."),
                                  code="organization_kind", field="organization")
            return {"organization": organization}
        if not owner_name:
            raise DomainError(_("Name the property company."), code="required", field="owner_name")
        return {"owner_name": owner_name}
    if owner_kind == OwnerKind.PARTY_MEMBER:
        if member is None:
            raise DomainError(_("Choose the party member who carries it out."), code="required", field="member")
        return {"member": member}
    if owner_kind == OwnerKind.VOLUNTEER_TEAM:
        if not owner_name:
            raise DomainError(_("Name the volunteer team."), code="required", field="owner_name")
        return {"owner_name": owner_name}
    if owner_kind == OwnerKind.BRANCH:
        if organization is None:
            raise DomainError(_("Choose the party branch that carries it out."), code="required", field="organization")
        return {"organization": organization}
    raise DomainError(_("Say who carries it out."), code="owner_kind", field="owner_kind")


def record_decision(*, meeting, item=None, what, owner_kind, due_on, by, agency=None, organization=None, member=None,
                    owner_name="", now=None):
    """Record what ``meeting`` decided (on ``item``), who carries it out and by when."""
    _require_staff(meeting, by)
    what = clean_field(Decision, "what", what, required=True, label=_("What was decided"))
    owner = _check_owner(owner_kind, agency, organization, member, owner_name)
    if meeting.status not in (MeetingStatus.OPEN, MeetingStatus.HELD):
        raise DomainError(_("Decisions are recorded at the meeting or after it, not before."), code="meeting_not_held")
    if item is not None and item.meeting_id != meeting.pk:
        raise DomainError(_("That item is on another meeting's agenda."), code="item", field="item")
    if not isinstance(due_on, datetime.date):
        raise DomainError(_("Give the date it is due."), code="required", field="due_on")
    if due_on < meeting_day(meeting):
        raise DomainError(_("The due date cannot be before the meeting."), code="due_on", field="due_on")
    with transaction.atomic():
        decision = Decision.objects.create(meeting=meeting, item=item, what=what, owner_kind=owner_kind, due_on=due_on,
                                           decided_by=by, decided_at=now or timezone.now(), **owner)
        _announce(decision, "deliberation.decision_recorded", f"decision:{decision.pk}:recorded", _followers(decision),
                  {"title": _title(decision), "due_on": due_on.isoformat()})
    return decision


def may_report(decision, user):
    """Staff of the meeting's unit, or a clerk of the agency that carries the decision out."""
    if is_staff_of(decision.meeting, user):
        return True
    return decision.agency_id is not None and user.is_authenticated and decision.agency_id in user.agency_ids()


def _photos_first(report):
    """Decode and re-encode photos before the transaction (cases.services does the same): a
    slow image must not hold the decision's lock."""
    @functools.wraps(report)
    def with_prepared_photos(decision, *, photos=(), **kwargs):
        return report(decision, photos=prepare_photos(photos), **kwargs)
    return with_prepared_photos


@_photos_first
def report_progress(decision, *, percent, note, by, photos=(), now=None):
    """A progress report: percent done, a note, photos. 100 % marks it reported done; less
    than 100 % after that takes it back to being carried out (the convener found it unfinished)."""
    if not may_report(decision, by):
        raise DomainError(_("Only staff of the meeting's unit or the agency in charge may report progress."), code="not_staff")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DomainError(_("Progress is a whole percent from 0 to 100."), code="percent", field="percent")
    note = clean_field(DecisionUpdate, "note", note)
    written = []
    try:
        with transaction.atomic():
            decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting", "item").get(pk=decision.pk)
            if decision.status in (DecisionStatus.CARRIED_OUT, DecisionStatus.CANCELLED):
                raise DomainError(_("This decision is closed: no more progress can be reported."), code="decision_closed")
            now = now or timezone.now()
            update = DecisionUpdate.objects.create(decision=decision, percent=percent, note=note, by=by, at=now)
            for prepared in photos:
                write_photo(DecisionPhoto(update=update), prepared, written)
            decision.percent = percent
            if percent == 100:
                decision.status, decision.done_at = DecisionStatus.DONE, decision.done_at or now
            else:
                decision.status, decision.done_at = DecisionStatus.OPEN, None
            decision.save(update_fields=["percent", "status", "done_at"])
            _announce(decision, "deliberation.decision_progress", f"decision:{decision.pk}:progress:{update.pk}",
                      _followers(decision), {"title": _title(decision), "percent": percent})
            return update
    except BaseException:
        delete_files(written)
        raise


def verify(decision, *, by, now=None):
    """The convener confirms the work is done: carried out; the item's proposal is decided."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting__unit", "item").get(pk=decision.pk)
        _require_staff(decision.meeting, by, _("Only the convener (staff of the meeting's unit) may confirm a decision."))
        if decision.status == DecisionStatus.CARRIED_OUT:
            return decision
        if decision.status != DecisionStatus.DONE:
            raise DomainError(_("Report the work as 100 percent done before confirming it."), code="not_done")
        decision.status, decision.verified_by, decision.verified_at = DecisionStatus.CARRIED_OUT, by, now or timezone.now()
        decision.save(update_fields=["status", "verified_by", "verified_at"])
        if decision.item is not None and decision.item.proposal_id:
            from ..models import Proposal
            Proposal.objects.filter(pk=decision.item.proposal_id).update(status=ProposalStatus.DECIDED)
        _announce(decision, "deliberation.decision_carried_out", f"decision:{decision.pk}:carried_out",
                  _followers(decision), {"title": _title(decision)})
        return decision


def _place_of(meeting, building):
    """Where a case opened by a meeting's decision lies: the building named, else a point inside
    the meeting's grid, else the first building under the meeting's unit."""
    if building is not None:
        return {"building": building}
    unit = meeting.unit
    if unit.level == Level.GRID and unit.boundary:
        import shapely.geometry

        point = shapely.geometry.shape(unit.boundary).representative_point()
        return {"lat": point.y, "lng": point.x, "address": meeting.place}
    first = Building.objects.filter(under_codes_q("estate__grid__code", [unit.code])).select_related(
        "estate__grid", "micro_grid").order_by("pk").first()
    if first is None:
        raise DomainError(_("Choose the building where the work is to be done."), code="place_required", field="building")
    return {"building": first}


def open_case(decision, *, category, by, building=None):
    """Open a case for the decision's work (channel: meeting) and link it; the decision page
    follows the case's status. One case per decision."""
    meeting = decision.meeting
    _require_staff(meeting, by)
    if decision.case_id:
        raise DomainError(_("This decision has a case already."), code="case_exists")
    if decision.status in (DecisionStatus.CARRIED_OUT, DecisionStatus.CANCELLED):
        raise DomainError(_("This decision is closed."), code="decision_closed")
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.case_id:
            raise DomainError(_("This decision has a case already."), code="case_exists")
        case = case_services.create_case(
            title=_title(decision)[:100], description=decision.what, category=category, channel=Channel.MEETING,
            recorded_by=by, source_detail=meeting.title[:50], **_place_of(meeting, building))
        locked.case = case
        locked.save(update_fields=["case"])
        decision.case = case
        return case


# --- the minute job -------------------------------------------------------------------------------

def target_level(unit_level, overdue_days):
    """The level an overdue decision of a meeting at ``unit_level`` should have reached."""
    steps = sum(1 for after in ESCALATION_AFTER_DAYS if overdue_days >= after)
    return max(Level.DISTRICT, min(unit_level, Level.GRID) - steps)


def next_level(decision, unit_level, today):
    """The level the decision rises to now (one step from where it is), or None."""
    overdue_days = (today - decision.due_on).days - 1  # due_on itself is not overdue
    if overdue_days < 0:
        return None
    current = decision.escalated_level or min(unit_level, Level.GRID)
    goal = target_level(unit_level, overdue_days)
    if goal >= current:
        return None
    return current - 1


def escalate_step(now):
    """Raise overdue decisions one level each; tell the staff of the new level once.

    Only decisions that may rise now are read: never raised yet, or overdue long enough for a
    second step (ESCALATION_AFTER_DAYS[1]); in batches of BATCH, each with a fixed number of
    queries (plus one outbox row per notice).
    """
    today = timezone.localdate(now)
    second_step = today - datetime.timedelta(days=ESCALATION_AFTER_DAYS[1] + 1)
    candidates = (Decision.objects.overdue(today)
                  .filter(Q(escalated_level__isnull=True) | Q(escalated_level__gt=Level.DISTRICT, due_on__lte=second_step))
                  .select_related("meeting__unit", "item").order_by("due_on", "pk"))
    escalated = 0
    rows = iter(candidates.iterator(chunk_size=BATCH))
    while batch := list(islice(rows, BATCH)):
        escalated += _escalate(batch, today)
    return {"decisions_escalated": escalated}


def _escalate(batch, today):
    risen = []
    for decision in batch:
        level = next_level(decision, decision.meeting.unit.level, today)
        if level is not None:
            risen.append((decision, level))
    if not risen:
        return 0
    # The staff of each new level, read once for the batch.
    codes = {decision.meeting.unit.code[: CODE_LENGTH[level]] for decision, level in risen}
    roles = {LEVEL_ROLE[level] for _d, level in risen}
    staff = {}
    for role, code, user_id in (RoleAssignment.objects.filter(role__in=roles, units__code__in=codes, user__is_active=True)
                                .values_list("role", "units__code", "user_id")):
        staff.setdefault((role, code), set()).add(user_id)
    with transaction.atomic():
        for level in {level for _d, level in risen}:
            Decision.objects.filter(pk__in=[d.pk for d, lv in risen if lv == level]).update(escalated_level=level)
        for decision, level in risen:
            code = decision.meeting.unit.code[: CODE_LENGTH[level]]
            _announce(decision, "deliberation.decision_overdue", f"decision:{decision.pk}:overdue:{level}",
                      staff.get((LEVEL_ROLE[level], code), ()),
                      {"title": _title(decision), "due_on": decision.due_on.isoformat(), "unit": decision.meeting.unit.name})
    return len(risen)
