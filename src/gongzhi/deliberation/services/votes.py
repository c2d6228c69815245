"""Votes in the room: open, cast (also on behalf), close, and the tally.

Who may vote is the format's ``voters``:
- COUNCIL: signed-in (present) accounts holding a seat of the council of the meeting's unit that
  is active on the meeting's date;
- ATTENDEES: every signed-in participant;
- NOBODY: the format takes no votes.

Quorum and majority are computed here (``compute``, a pure function), never typed: the item keeps
the result as it stood when the vote closed.
"""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import user_covers

from ..models import (
    DELIBERATION_STAFF_ROLES, AgendaItem, Attendance, Choice, CouncilMember, ItemStatus, Majority, MeetingStatus, Vote,
    VoteChange, Voters,
)

NOTICES = {
    "deliberation.vote_on_behalf": _("A vote on “%(title)s” was recorded on your behalf at the meeting. "
                                     "You can see it, and change it while the vote is open, on your vote page."),
}


@dataclass(frozen=True)
class Tally:
    votes_for: int
    against: int
    abstain: int
    # Those who could vote: the council's members that day (COUNCIL) or the signed-in participants (ATTENDEES).
    eligible: int
    quorum_met: bool
    passed: bool
    # What the quorum counts: present council members (COUNCIL) or votes cast (ATTENDEES).
    counted: int = 0
    quorum_percent: int = 0
    majority: str = Majority.SIMPLE

    @property
    def cast(self):
        return self.votes_for + self.against + self.abstain

    @property
    def quorum_needed(self):
        """The smallest count that meets the quorum (ceil of percent × eligible / 100)."""
        return -(-self.quorum_percent * self.eligible // 100)


def compute(*, votes_for, against, abstain, eligible, counted, quorum_percent, majority):
    """The result of a vote from its counts, in whole numbers only (no rounding anywhere).

    - quorum: ``counted`` is at least ``quorum_percent`` % of ``eligible`` (exactly the quorum
      meets it); nobody eligible never meets a quorum;
    - majority SIMPLE: more for than against (abstentions do not count);
      HALF_OF_CAST: more for than half of the votes cast (an abstention counts as not for);
      TWO_THIRDS: for at least two thirds of the votes cast;
    - passed only if the quorum is met, and never with no vote for.
    """
    cast = votes_for + against + abstain
    quorum_met = eligible > 0 and counted * 100 >= quorum_percent * eligible
    if majority == Majority.SIMPLE:
        majority_met = votes_for > against
    elif majority == Majority.HALF_OF_CAST:
        majority_met = votes_for * 2 > cast
    elif majority == Majority.TWO_THIRDS:
        majority_met = votes_for * 3 >= cast * 2
    else:
        raise ValueError(f"unknown majority {majority!r}")
    passed = quorum_met and majority_met and votes_for > 0
    return Tally(votes_for, against, abstain, eligible, quorum_met, passed, counted=counted,
                 quorum_percent=quorum_percent, majority=majority)


# --- who may vote ---------------------------------------------------------------------------------

def meeting_day(meeting):
    return timezone.localtime(meeting.starts_at).date()


def council_members(meeting):
    """Seats of the council of the meeting's unit active on the meeting's date."""
    return CouncilMember.objects.filter(council__unit_id=meeting.unit_id).active_on(meeting_day(meeting))


def present_user_ids(meeting):
    return Attendance.objects.filter(meeting=meeting, present=True, user__isnull=False).values("user")


def eligible_voters(meeting):
    """A queryset of user ids who may vote at ``meeting`` now (present, and seated if the format asks)."""
    voters = meeting.format.voters
    if voters == Voters.COUNCIL:
        return council_members(meeting).filter(user__in=present_user_ids(meeting)).values("user").distinct()
    if voters == Voters.ATTENDEES:
        return present_user_ids(meeting)
    return Attendance.objects.none().values("user")


def may_vote(item, user):
    """May ``user`` cast a vote on ``item`` (the meeting's voters rule; the vote need not be open)."""
    if user is None or not user.is_authenticated:
        return False
    return eligible_voters(item.meeting).filter(user=user.pk).exists()


def is_staff_of(meeting, user):
    """Staff of the meeting's unit (its grid worker, the community's secretary, the admins above)."""
    return user_covers(user, meeting.unit.code, DELIBERATION_STAFF_ROLES)


def _require_staff(meeting, by):
    if not is_staff_of(meeting, by):
        raise DomainError(_("Only staff of this meeting's unit may run its votes."), code="not_staff")


# --- counting -------------------------------------------------------------------------------------

def count(item):
    """The live tally of ``item`` from its votes and who could vote (three queries)."""
    meeting = item.meeting
    fmt = meeting.format
    by_choice = dict(Vote.objects.filter(item=item).values_list("choice").annotate(n=Count("pk")).values_list("choice", "n"))
    votes_for, against, abstain = (by_choice.get(c, 0) for c in (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN))
    if fmt.voters == Voters.COUNCIL:
        seated = council_members(meeting).values_list("user", flat=True).distinct()
        eligible = seated.count()
        counted = council_members(meeting).filter(user__in=present_user_ids(meeting)).values("user").distinct().count()
    elif fmt.voters == Voters.ATTENDEES:
        eligible = Attendance.objects.filter(meeting=meeting, present=True, user__isnull=False).count()
        counted = votes_for + against + abstain
    else:
        eligible = counted = 0
    return compute(votes_for=votes_for, against=against, abstain=abstain, eligible=eligible, counted=counted,
                   quorum_percent=fmt.quorum_percent, majority=fmt.majority)


def tally(item):
    """The result of ``item``'s vote: as stored when it closed, else counted now."""
    if item.status == ItemStatus.VOTED and item.votes_for is not None:
        meeting = item.meeting
        fmt = meeting.format
        if fmt.voters == Voters.ATTENDEES:
            counted = item.votes_for + item.votes_against + item.votes_abstain
        elif fmt.voters == Voters.COUNCIL:
            # The present council members, as at the close (the result itself is stored; this
            # is only the figure shown beside it, which was missing from the closed tally).
            counted = council_members(meeting).filter(user__in=present_user_ids(meeting)).values("user").distinct().count()
        else:
            counted = 0
        return Tally(item.votes_for, item.votes_against, item.votes_abstain, item.eligible_voters,
                     bool(item.quorum_met), bool(item.passed), counted=counted,
                     quorum_percent=fmt.quorum_percent, majority=fmt.majority)
    return count(item)


# --- moves ----------------------------------------------------------------------------------------

def _locked(item):
    # Only the item's row is locked (not its meeting, format or unit, which other rooms share).
    return AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting__format", "meeting__unit").get(pk=item.pk)


def open_vote(item, *, by, now=None):
    """Open the vote on ``item``: the meeting is in progress and no other of its items is being voted on."""
    with transaction.atomic():
        item = _locked(item)
        meeting = item.meeting
        _require_staff(meeting, by)
        if meeting.format.voters == Voters.NOBODY:
            raise DomainError(_("Meetings of this format take no votes."), code="no_votes")
        if meeting.status != MeetingStatus.OPEN:
            raise DomainError(_("Votes are taken only while the meeting is in progress."), code="meeting_not_open")
        if item.status == ItemStatus.VOTING:
            return item
        if item.status == ItemStatus.VOTED:
            raise DomainError(_("The vote on this item is closed already."), code="vote_closed")
        if AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.VOTING).exclude(pk=item.pk).exists():
            raise DomainError(_("Close the vote on the other item first: one vote at a time."), code="other_vote_open")
        item.status = ItemStatus.VOTING
        item.vote_opened_at = now or timezone.now()
        item.save(update_fields=["status", "vote_opened_at"])
        return item


def cast(item, *, voter, choice, by=None, now=None):
    """Record ``voter``'s choice on ``item``; one vote per person, changeable until the vote closes.

    ``by``: the grid worker (staff of the meeting's unit) recording the vote of a present
    resident without a phone. The vote is then marked as recorded on their behalf; when the
    resident changes it themselves the mark goes (the history in VoteChange keeps both).
    """
    if choice not in Choice.values:
        raise DomainError(_("Vote for, against or abstain."), code="choice", field="choice")
    on_behalf = by is not None and by.pk != voter.pk
    with transaction.atomic():
        item = _locked(item)  # a vote and the close of the vote take turns
        meeting = item.meeting
        if on_behalf:
            _require_staff(meeting, by)
        if item.status != ItemStatus.VOTING or meeting.status != MeetingStatus.OPEN:
            raise DomainError(_("The vote on this item is not open."), code="vote_not_open")
        if not may_vote(item, voter):
            if on_behalf:
                raise DomainError(_("This person may not vote here: only present voters of this meeting can."),
                                  code="not_a_voter")
            raise DomainError(_("You may not vote on this item: sign in to the meeting first, and the format must "
                                "count you among its voters."), code="not_a_voter")
        vote = Vote.objects.select_for_update().filter(item=item, voter=voter).first()
        if on_behalf and vote is not None and vote.recorded_by_id is None:
            raise DomainError(_("This person has voted themselves; only they can change their vote."), code="voted_themselves")
        now = now or timezone.now()
        if vote is None:
            vote = Vote.objects.create(item=item, voter=voter, choice=choice, recorded_by=by if on_behalf else None,
                                       updated_at=now)
        else:
            vote.choice, vote.recorded_by, vote.updated_at = choice, (by if on_behalf else None), now
            vote.save(update_fields=["choice", "recorded_by", "updated_at"])
        VoteChange.objects.create(vote=vote, choice=choice, recorded_by=by if on_behalf else voter, on_behalf=on_behalf, at=now)
        if on_behalf:
            outbox.enqueue("deliberation.announce", f"deliberation:vote:{vote.pk}:behalf", {
                "model": "agendaitem", "pk": item.pk, "event": "deliberation.vote_on_behalf",
                "key": f"vote:{vote.pk}:behalf", "user_ids": [voter.pk], "params": {"title": item.title}})
        return vote


def close_vote(item, *, by, now=None):
    """Close the vote and store its tally on the item (never typed in)."""
    with transaction.atomic():
        item = _locked(item)
        _require_staff(item.meeting, by)
        if item.status != ItemStatus.VOTING:
            raise DomainError(_("The vote on this item is not open."), code="vote_not_open")
        result = count(item)
        item.status = ItemStatus.VOTED
        item.vote_closed_at = now or timezone.now()
        item.votes_for, item.votes_against, item.votes_abstain = result.votes_for, result.against, result.abstain
        item.eligible_voters, item.quorum_met, item.passed = result.eligible, result.quorum_met, result.passed
        item.save(update_fields=["status", "vote_closed_at", "votes_for", "votes_against", "votes_abstain",
                                 "eligible_voters", "quorum_met", "passed"])
        return item


def own_vote(item, user):
    """``user``'s vote on ``item`` (with who recorded it), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Vote.objects.filter(item=item, voter=user).select_related("recorded_by").first()


def open_item(meeting):
    """The item of ``meeting`` being voted on now, or None."""
    return AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.VOTING).order_by("position", "pk").first()
