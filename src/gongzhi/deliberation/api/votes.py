"""API: votes on agenda items (/api/v1/deliberation/items/{item_id}/vote...).

Items are found through AgendaItem.objects.visible_to (out of scope is 404 like missing); the
rules, and who may open, close or record a vote on someone's behalf, are services.votes'.
"""
from datetime import datetime
from typing import Literal, Optional

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from gongzhi.api.common import answers
from gongzhi.api.schemas import Id
from gongzhi.core.errors import DomainError, NotFound

from ..models import AgendaItem, Attendance
from ..services import votes

router = Router()


class VoteIn(Schema):
    choice: Literal["for", "against", "abstain"]


class VoteOnBehalfIn(VoteIn):
    voter_id: Id


class OwnVoteOut(Schema):
    item_id: int
    item_status: str
    may_vote: bool
    choice: Optional[str] = None
    recorded_on_behalf: bool = False
    recorded_by: Optional[str] = None
    updated_at: Optional[datetime] = None


class VoteTallyOut(Schema):
    item_id: int
    item_status: str
    votes_for: int
    against: int
    abstain: int
    cast: int
    eligible: int
    counted: int
    quorum_percent: int
    quorum_needed: int
    quorum_met: bool
    majority: str
    passed: bool


def visible_item(user, item_id):
    return get_object_or_404(AgendaItem.objects.visible_to(user).select_related("meeting__format", "meeting__unit"), pk=item_id)


def own_vote_out(item, user):
    vote = votes.own_vote(item, user)
    return {
        "item_id": item.pk, "item_status": item.status, "may_vote": votes.may_vote(item, user),
        "choice": vote.choice if vote else None, "recorded_on_behalf": bool(vote and vote.recorded_by_id),
        "recorded_by": str(vote.recorded_by) if vote and vote.recorded_by_id else None,
        "updated_at": vote.updated_at if vote else None,
    }


def tally_out(item):
    t = votes.tally(item)
    return {"item_id": item.pk, "item_status": item.status, "votes_for": t.votes_for, "against": t.against,
            "abstain": t.abstain, "cast": t.cast, "eligible": t.eligible, "counted": t.counted,
            "quorum_percent": t.quorum_percent, "quorum_needed": t.quorum_needed, "quorum_met": t.quorum_met,
            "majority": str(t.majority), "passed": t.passed}


@router.get("/items/{item_id}/vote", response=answers(OwnVoteOut), summary="Your own vote on an item")
def get_own_vote(request, item_id: int):
    return own_vote_out(visible_item(request.auth, item_id), request.auth)


@router.post("/items/{item_id}/vote", response=answers(OwnVoteOut), summary="Cast or change your vote (until the vote closes)")
def cast_vote(request, item_id: int, payload: VoteIn):
    item = visible_item(request.auth, item_id)
    votes.cast(item, voter=request.auth, choice=payload.choice)
    return own_vote_out(item, request.auth)


@router.post("/items/{item_id}/vote/on-behalf", response=answers(VoteTallyOut),
             summary="Record the vote of a present resident without a phone (staff of the meeting's unit)")
def cast_vote_on_behalf(request, item_id: int, payload: VoteOnBehalfIn):
    item = visible_item(request.auth, item_id)
    if not votes.is_staff_of(item.meeting, request.auth):
        raise NotFound(_("Not found."), code="not_found")  # not staff here: as if the item were missing
    attendance = Attendance.objects.filter(meeting=item.meeting, present=True, user_id=payload.voter_id).select_related("user").first()
    if attendance is None:
        raise DomainError(_("Choose a person signed in to this meeting."), code="voter", field="voter_id")
    votes.cast(item, voter=attendance.user, choice=payload.choice, by=request.auth)
    return tally_out(AgendaItem.objects.select_related("meeting__format").get(pk=item.pk))


@router.post("/items/{item_id}/vote/open", response=answers(VoteTallyOut), summary="Open the vote on an item (staff)")
def open_item_vote(request, item_id: int):
    item = votes.open_vote(visible_item(request.auth, item_id), by=request.auth)
    return tally_out(item)


@router.post("/items/{item_id}/vote/close", response=answers(VoteTallyOut), summary="Close the vote and store its tally (staff)")
def close_item_vote(request, item_id: int):
    item = votes.close_vote(visible_item(request.auth, item_id), by=request.auth)
    return tally_out(item)


@router.get("/items/{item_id}/tally", response=answers(VoteTallyOut),
            summary="The counts, quorum and majority of an item's vote, as computed")
def get_item_tally(request, item_id: int):
    return tally_out(visible_item(request.auth, item_id))
