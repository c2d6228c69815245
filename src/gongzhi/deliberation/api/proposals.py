"""API: proposals (list, read, propose, support, follow, answer, similar), scoped like the pages.

Every read goes through Proposal.objects.visible_to(user): a proposal outside one's units
answers 404 exactly like a missing one. Writes go through services.proposals.
"""
from datetime import datetime
from typing import Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status

from gongzhi.api import idempotency
from gongzhi.api.common import MAX_LIMIT, TooManyRequests, answers
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import DomainError
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT

from ..models import Meeting, Proposal, ProposalFollow, ProposalStatus, Support
from ..services import proposals as services

router = Router()


def _limit(name):
    return Proposal._meta.get_field(name).max_length


class ProposalIn(Schema):
    unit_code: Text(18)
    title: Text(_limit("title"))
    body: Text(LONG_TEXT)
    # On behalf: the resident account a grid worker types the proposal in for.
    author_id: Optional[Id] = None


class OnBehalfIn(Schema):
    # A grid worker recording the support of a resident of their grid (e.g. without a phone).
    user_id: Optional[Id] = None


class AnswerIn(Schema):
    outcome: Text(20)
    reason: Text(LONG_TEXT) = ""
    meeting_id: Optional[Id] = None


class AgendaOut(Schema):
    meeting_id: int
    meeting_title: str
    starts_at: datetime
    automatic: bool


class ProposalOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    title: str
    body: str
    author: str
    recorded_on_behalf: bool
    status: str
    support_count: int
    threshold_reached_at: Optional[datetime] = None
    answer: str
    answered_at: Optional[datetime] = None
    created_at: datetime
    supported: bool
    following: bool
    agenda: Optional[AgendaOut] = None


class ProposalPage(Page):
    items: list[ProposalOut]


class SimilarOut(Schema):
    id: int
    title: str
    status: str
    support_count: int
    unit_name: str


def proposal_out(p, user, *, supported=None, following=None):
    if supported is None:
        supported = Support.objects.filter(proposal=p, user=user).exists()
    if following is None:
        following = ProposalFollow.objects.filter(proposal=p, user=user).exists()
    item = services.agenda_item_of(p)
    return {
        "id": p.pk, "unit_code": p.unit.code, "unit_name": p.unit.name, "title": p.title, "body": p.body,
        "author": services.author_label(p, user), "recorded_on_behalf": p.recorded_by_id is not None,
        "status": p.status, "support_count": p.support_count, "threshold_reached_at": p.threshold_reached_at,
        "answer": p.answer, "answered_at": p.answered_at, "created_at": p.created_at,
        "supported": supported, "following": following,
        "agenda": {"meeting_id": item.meeting_id, "meeting_title": item.meeting.title, "starts_at": item.meeting.starts_at,
                   "automatic": item.added_automatically} if item else None,
    }


def visible_proposal(user, proposal_id):
    return get_object_or_404(Proposal.objects.visible_to(user).select_related("unit", "author"), pk=proposal_id)


def _unit(user, code, field="unit_code"):
    """A grid or community ``user`` may propose for; any other code is refused alike."""
    unit = services.proposal_units(user).filter(code=code).first() if code else None
    if unit is None:
        raise DomainError(
            _("No such grid or community among yours."), code="unit", field=field)
    return unit


def _on_behalf_user(by, user_id, unit):
    """The resident account named in the body, among those ``by`` may act for (else refused alike)."""
    found = services.residents_for(by, unit).filter(pk=user_id).first()
    if found is None:
        raise DomainError(_("No such resident in your grids."), code="resident", field="user_id")
    return found


@router.get("/proposals", response=answers(ProposalPage), summary="Proposals of your units, newest first")
def list_proposals(request, status: str = "", unit: str = "", after: str = "", limit: int = 25):
    user = request.auth
    found = services.with_agenda(Proposal.objects.visible_to(user).select_related("unit", "author"))
    if status:
        found = found.filter(status__in=[s for s in status.split(",") if s in ProposalStatus.values] or ["-"])
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit[:18]]))
    rows, cursor = cursor_page(found, after or None, max(1, min(limit, MAX_LIMIT)))
    ids = [p.pk for p in rows]
    supported = set(Support.objects.filter(user=user, proposal_id__in=ids).values_list("proposal_id", flat=True))
    following = set(ProposalFollow.objects.filter(user=user, proposal_id__in=ids).values_list("proposal_id", flat=True))
    return {"items": [proposal_out(p, user, supported=p.pk in supported, following=p.pk in following) for p in rows],
            "next": cursor}


@router.get("/proposals/similar", response=answers(list[SimilarOut]),
            summary="Proposals worded like a text, of a unit and the units above it")
def similar_proposals(request, unit: str, text: str = ""):
    user = request.auth
    # Only a unit one may propose for; any other answers 404, like a missing one.
    target = get_object_or_404(services.proposal_units(user), code=unit[:18])
    found = services.similar_proposals(target, text[:1000], user=user)
    return [{"id": p.pk, "title": p.title, "status": p.status, "support_count": p.support_count,
             "unit_name": p.unit.name} for p in found]


@router.get("/proposals/{proposal_id}", response=answers(ProposalOut), summary="A proposal")
def get_proposal(request, proposal_id: int):
    return proposal_out(visible_proposal(request.auth, proposal_id), request.auth)


CREATE_PROPOSAL = "POST /deliberation/proposals"  # the endpoint's name in IdempotencyRecord


@router.post("/proposals", response=answers(ProposalOut, 201, 422, 429),
             summary="Propose a topic (honours Idempotency-Key)",
             description="With an `Idempotency-Key` header, a retry of the same request answers with the first "
                         "request's proposal instead of making another (as for POST /cases). `author_id`: a grid "
                         "worker proposing on behalf of a resident account of their grid.")
def create_proposal(request, payload: ProposalIn, idempotency_key: Optional[str] = Header(
        None, alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
        description="Any string of at most 100 characters, new for each new proposal (e.g. a UUID).")):
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, CREATE_PROPOSAL, request_hash)
        if done:
            return Status(done.status, done.body)
    verdict = intake(request, user)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    unit = _unit(user, payload.unit_code)
    author = _on_behalf_user(user, payload.author_id, unit) if payload.author_id else user
    with transaction.atomic():
        done = idempotency.claim(user, key, CREATE_PROPOSAL, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        proposal = services.propose(unit=unit, title=payload.title, body=payload.body, author=author,
                                    by=user if author.pk != user.pk else None)
        body = ProposalOut.model_validate(proposal_out(proposal, user)).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, CREATE_PROPOSAL, 201, body)
    return Status(201, body)


@router.post("/proposals/{proposal_id}/support", response=answers(ProposalOut), summary="Support a proposal (it follows it too)")
def support_proposal(request, proposal_id: int, payload: OnBehalfIn = None):
    user = request.auth
    proposal = visible_proposal(user, proposal_id)
    if payload is not None and payload.user_id:
        services.support(proposal, user=_on_behalf_user(user, payload.user_id, proposal.unit), by=user)
    else:
        services.support(proposal, user=user)
    return proposal_out(visible_proposal(user, proposal_id), user)


@router.post("/proposals/{proposal_id}/unsupport", response=answers(ProposalOut), summary="Take one's support back")
def unsupport_proposal(request, proposal_id: int):
    user = request.auth
    services.unsupport(visible_proposal(user, proposal_id), user=user)
    return proposal_out(visible_proposal(user, proposal_id), user)


@router.post("/proposals/{proposal_id}/follow", response=answers(ProposalOut), summary="Follow a proposal")
def follow_proposal(request, proposal_id: int):
    user = request.auth
    services.follow(visible_proposal(user, proposal_id), user=user)
    return proposal_out(visible_proposal(user, proposal_id), user)


@router.post("/proposals/{proposal_id}/unfollow", response=answers(ProposalOut), summary="Stop following a proposal")
def unfollow_proposal(request, proposal_id: int):
    user = request.auth
    services.unfollow(visible_proposal(user, proposal_id), user=user)
    return proposal_out(visible_proposal(user, proposal_id), user)


@router.post("/proposals/{proposal_id}/answer", response=answers(ProposalOut),
             summary="Answer a proposal: on_agenda, answered or out_of_scope (staff of its unit)")
def answer_proposal(request, proposal_id: int, payload: AnswerIn):
    user = request.auth
    proposal = visible_proposal(user, proposal_id)
    meeting = None
    if payload.meeting_id:
        meeting = Meeting.objects.visible_to(user).select_related("format", "unit").filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise DomainError(_("Choose a coming meeting of this grid or community (or one above it)."),
                              code="meeting", field="meeting_id")
    services.answer(proposal, outcome=payload.outcome, reason=payload.reason, by=user, meeting=meeting)
    return proposal_out(visible_proposal(user, proposal_id), user)
