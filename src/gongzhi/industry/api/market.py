"""API: the supply-and-demand market (/api/v1/industry/needs, offers, matches, agreements).

Every record is found through ``visible_to`` (out of scope answers 404 like missing): an
enterprise liaison sees their own enterprise's needs, offers, matches and agreements; park
staff their zone's. The rules are services/market.py. The creates honour Idempotency-Key like
POST /cases (the first answer replayed, 422 if the body differs).
"""
from datetime import date
from decimal import Decimal
from typing import Optional

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Header, Router, Schema, Status

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.errors import NotFound

from ..models import Agreement, Enterprise, Match, Need, NeedKind, NeedStatus, Offer
from ..services import market as rules

router = Router()

KEY_HEADER = dict(alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
                  description="Send the same key to retry safely: the first answer is replayed (422 if the body differs).")


def _limit(model, name):
    return model._meta.get_field(name).max_length


class NeedIn(Schema):
    enterprise_id: Id
    kind: Text(12)
    text: Text(_limit(Need, "text"))
    quantity: Text(_limit(Need, "quantity")) = ""
    deadline: Optional[date] = None


class OfferIn(Schema):
    enterprise_id: Id
    kind: Text(12)
    text: Text(_limit(Offer, "text"))
    quantity: Text(_limit(Offer, "quantity")) = ""


class MatchOut(Schema):
    id: int
    need_id: int
    offer_id: int
    offered_by: str
    offer_text: str
    reason: str
    status: str
    meeting_id: Optional[int] = None


class NeedOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    kind: str
    text: str
    quantity: str
    deadline: Optional[date] = None
    status: str
    outcome: str
    amount_yuan: Optional[Decimal] = None
    collected_on_visit: bool


class NeedDetail(NeedOut):
    matches: list[MatchOut]


class NeedPage(Page):
    items: list[NeedOut]


class OfferOut(Schema):
    id: int
    enterprise_id: Optional[int] = None
    partner_id: Optional[int] = None
    offered_by: str
    kind: str
    text: str
    quantity: str
    active: bool


class OfferPage(Page):
    items: list[OfferOut]


class ConfirmIn(Schema):
    meeting_id: Optional[Id] = None


class SolveIn(Schema):
    outcome: Text(_limit(Need, "outcome"))
    amount_yuan: Optional[Decimal] = None
    agreement_id: Optional[Id] = None


class AgreementIn(Schema):
    title: Text(_limit(Agreement, "title"))
    party_ids: list[Id]
    signed_on: Optional[date] = None
    need_id: Optional[Id] = None
    meeting_id: Optional[Id] = None
    amount_yuan: Optional[Decimal] = None


class AgreementOut(Schema):
    id: int
    title: str
    parties: list[str]
    signed_on: date
    need_id: Optional[int] = None
    meeting_id: Optional[int] = None
    amount_yuan: Optional[Decimal] = None


class AgreementPage(Page):
    items: list[AgreementOut]


def _offered_by(offer):
    return (offer.enterprise or offer.partner).name


def need_out(n):
    return {"id": n.pk, "enterprise_id": n.enterprise_id, "enterprise": n.enterprise.name, "kind": n.kind, "text": n.text,
            "quantity": n.quantity, "deadline": n.deadline, "status": n.status, "outcome": n.outcome,
            "amount_yuan": n.amount_yuan, "collected_on_visit": n.visit_id is not None}


def match_out(m):
    return {"id": m.pk, "need_id": m.need_id, "offer_id": m.offer_id, "offered_by": _offered_by(m.offer),
            "offer_text": m.offer.text, "reason": m.why, "status": m.status, "meeting_id": m.meeting_id}


def need_detail(user, need):
    matches = (Match.objects.visible_to(user).filter(need=need).select_related("offer__enterprise", "offer__partner")
               .order_by("-score", "pk"))
    return {**need_out(need), "matches": [match_out(m) for m in matches]}


def offer_out(o):
    return {"id": o.pk, "enterprise_id": o.enterprise_id, "partner_id": o.partner_id, "offered_by": _offered_by(o),
            "kind": o.kind, "text": o.text, "quantity": o.quantity, "active": o.active}


def agreement_out(a):
    return {"id": a.pk, "title": a.title, "parties": [p.name for p in a.parties.all()], "signed_on": a.signed_on,
            "need_id": a.need_id, "meeting_id": a.meeting_id, "amount_yuan": a.amount_yuan}


def _need(user, need_id):
    return get_object_or_404(Need.objects.visible_to(user).select_related("enterprise__unit"), pk=need_id)


def _enterprise(user, enterprise_id):
    found = Enterprise.objects.visible_to(user).select_related("unit").filter(pk=enterprise_id).first()
    if found is None:
        raise NotFound(_("No such enterprise."), code="not_found", field="enterprise_id")
    return found


def _meeting(user, meeting_id):
    if not meeting_id:
        return None
    from gongzhi.deliberation.models import Meeting

    found = Meeting.objects.visible_to(user).select_related("unit", "format").filter(pk=meeting_id).first()
    if found is None:
        raise NotFound(_("No such meeting."), code="not_found", field="meeting_id")
    return found


def _idempotent(request, key_header, operation, payload, make):
    """Run ``make()`` (returns the body) once per Idempotency-Key, as POST /cases does."""
    user = request.auth
    key = idempotency.clean_key(key_header)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, operation, request_hash)
        if done:
            return Status(done.status, done.body)
    with transaction.atomic():
        done = idempotency.claim(user, key, operation, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        body = make()
        if key:
            idempotency.finish(user, key, operation, 201, body)
    return Status(201, body)


# --- needs -------------------------------------------------------------------------------------

@router.get("/needs", response=answers(NeedPage), summary="Enterprise needs of your scope")
def list_needs(request, status: str = "", kind: str = "", enterprise_id: int = 0, after: str = "", limit: int = 50):
    found = Need.objects.visible_to(request.auth).select_related("enterprise")
    if status in NeedStatus.values:
        found = found.filter(status=status)
    if kind in NeedKind.values:
        found = found.filter(kind=kind)
    if enterprise_id:
        found = found.filter(enterprise_id=enterprise_id)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [need_out(n) for n in rows], "next": cursor}


@router.get("/needs/{need_id}", response=answers(NeedDetail), summary="One need with its matches and their reasons")
def get_need(request, need_id: int):
    return need_detail(request.auth, _need(request.auth, need_id))


@router.post("/needs", response=answers(NeedDetail, 201, 422),
             summary="Post a need for an enterprise (its liaison or park staff; honours Idempotency-Key)")
def create_need(request, payload: NeedIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth

    def make():
        data = payload.dict()
        enterprise = _enterprise(user, data.pop("enterprise_id"))
        need = rules.post_need(enterprise, by=user, **data)
        return NeedDetail.model_validate(need_detail(user, _need(user, need.pk))).model_dump(mode="json")

    return _idempotent(request, idempotency_key, "POST /industry/needs", payload, make)


@router.post("/needs/{need_id}/solve", response=answers(NeedOut, 200, 422),
             summary="Mark a need solved with its outcome (park staff)")
def solve_need(request, need_id: int, payload: SolveIn):
    user = request.auth
    need = _need(user, need_id)
    agreement = None
    if payload.agreement_id:
        agreement = Agreement.objects.visible_to(user).select_related("zone").filter(pk=payload.agreement_id).first()
        if agreement is None:
            raise NotFound(_("No such agreement."), code="not_found", field="agreement_id")
    rules.solve_need(need, by=user, outcome=payload.outcome, amount_yuan=payload.amount_yuan, agreement=agreement)
    return need_out(_need(user, need_id))


# --- offers ------------------------------------------------------------------------------------

@router.get("/offers", response=answers(OfferPage), summary="Offers of your scope")
def list_offers(request, kind: str = "", after: str = "", limit: int = 50):
    found = Offer.objects.visible_to(request.auth).select_related("enterprise", "partner")
    if kind in NeedKind.values:
        found = found.filter(kind=kind)
    rows, cursor = pk_page(found, after, limit)
    return {"items": [offer_out(o) for o in rows], "next": cursor}


@router.post("/offers", response=answers(OfferOut, 201, 422),
             summary="Post an offer for an enterprise (its liaison or park staff; honours Idempotency-Key)")
def create_offer(request, payload: OfferIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth

    def make():
        data = payload.dict()
        enterprise = _enterprise(user, data.pop("enterprise_id"))
        offer = rules.post_offer(enterprise, by=user, **data)
        return OfferOut.model_validate(offer_out(offer)).model_dump(mode="json")

    return _idempotent(request, idempotency_key, "POST /industry/offers", payload, make)


# --- matches -----------------------------------------------------------------------------------

def _match(user, match_id):
    return get_object_or_404(Match.objects.visible_to(user).select_related("need", "offer__enterprise", "offer__partner"),
                             pk=match_id)


@router.post("/matches/{match_id}/confirm", response=answers(MatchOut, 200, 422),
             summary="Confirm a suggested match, at a matchmaking meeting or not (park staff)")
def confirm_match(request, match_id: int, payload: ConfirmIn):
    user = request.auth
    match = _match(user, match_id)
    rules.confirm_match(match, by=user, meeting=_meeting(user, payload.meeting_id))
    return match_out(_match(user, match_id))


@router.post("/matches/{match_id}/reject", response=answers(MatchOut, 200, 422), summary="Reject a match (park staff)")
def reject_match(request, match_id: int):
    user = request.auth
    rules.reject_match(_match(user, match_id), by=user)
    return match_out(_match(user, match_id))


# --- agreements --------------------------------------------------------------------------------

@router.get("/agreements", response=answers(AgreementPage), summary="Cooperation agreements of your scope")
def list_agreements(request, after: str = "", limit: int = 50):
    found = Agreement.objects.visible_to(request.auth).prefetch_related("parties")
    rows, cursor = pk_page(found, after, limit)
    return {"items": [agreement_out(a) for a in rows], "next": cursor}


@router.post("/agreements", response=answers(AgreementOut, 201, 422),
             summary="Record a cooperation agreement between enterprises (park staff; honours Idempotency-Key)")
def create_agreement(request, payload: AgreementIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth

    def make():
        parties = [_enterprise(user, pk) for pk in dict.fromkeys(payload.party_ids)]
        need = _need(user, payload.need_id) if payload.need_id else None
        agreement = rules.record_agreement(by=user, title=payload.title, parties=parties, signed_on=payload.signed_on,
                                           need=need, meeting=_meeting(user, payload.meeting_id),
                                           amount_yuan=payload.amount_yuan)
        found = Agreement.objects.prefetch_related("parties").get(pk=agreement.pk)
        return AgreementOut.model_validate(agreement_out(found)).model_dump(mode="json")

    return _idempotent(request, idempotency_key, "POST /industry/agreements", payload, make)
