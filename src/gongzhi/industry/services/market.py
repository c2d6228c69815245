"""The supply-and-demand market (供需对接, issue 10): needs and offers, suggested matches with
their reasons, a need's life, cooperation agreements. Every write is one transaction; a broken
rule raises DomainError (nothing written).

A need's life (one table, ``NEED_MOVES``)::

    open    --match confirmed-->  matched
    open    --solve-->            solved   (outcome, amount)
    open    --close-->            closed   (unsolved)
    matched --solve-->            solved
    matched --close-->            closed
    matched --last confirmed match rejected--> open

A match's life (``MATCH_MOVES``): suggested → confirmed | rejected; confirmed → rejected (the
pairing fell through). A need solved or closed takes no more moves.

Suggested matches (``suggest``), best first, decision 68:

1. chain neighbours: an active offer of the same kind from an enterprise linked to the need's
   enterprise by a supply link (either direction) or a member of one of its chains;
2. text similarity: other active offers of the same kind in the zone whose wording is like the
   need's (cosine of binary TF-IDF over jieba words and character pairs, the measure deliberation
   uses for similar proposals, built on ``gongzhi.cases.similarity.tokens``);
3. partners' services (四方联动): offers of the zone's partners whose kind serves the need
   (banks for 资金, universities for 技术 and 人才, …).

Within a tier, a better text score first. A tier always beats the one below it whatever the
scores: a neighbour on the chain is the cheapest, most local supply (decision 68).
"""
import datetime
import math
import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import clean_field
from gongzhi.deliberation.models import MeetingStatus

from ..models import (
    INDUSTRY_STAFF_ROLES, Agreement, ChainLink, Enterprise, Match, MatchStatus, Need, NeedKind, NeedStatus, Offer,
    Partner, PartnerKind,
)
from .enterprises import zone_code

# --- the two tables of moves -------------------------------------------------------------------

NEED_MOVES = {
    (NeedStatus.OPEN, "match"): NeedStatus.MATCHED,
    (NeedStatus.OPEN, "solve"): NeedStatus.SOLVED,
    (NeedStatus.OPEN, "close"): NeedStatus.CLOSED,
    (NeedStatus.MATCHED, "solve"): NeedStatus.SOLVED,
    (NeedStatus.MATCHED, "close"): NeedStatus.CLOSED,
    (NeedStatus.MATCHED, "unmatch"): NeedStatus.OPEN,
}

MATCH_MOVES = {
    (MatchStatus.SUGGESTED, "confirm"): MatchStatus.CONFIRMED,
    (MatchStatus.SUGGESTED, "reject"): MatchStatus.REJECTED,
    (MatchStatus.CONFIRMED, "reject"): MatchStatus.REJECTED,
}

# Which partners serve which kind of need (四方联动).
PARTNERS_FOR = {
    NeedKind.FUNDING: {PartnerKind.BANK, PartnerKind.GOVERNMENT},
    NeedKind.TALENT: {PartnerKind.UNIVERSITY, PartnerKind.GOVERNMENT},
    NeedKind.TECHNOLOGY: {PartnerKind.UNIVERSITY},
    NeedKind.MARKET: {PartnerKind.OVERSEAS, PartnerKind.ENTERPRISE},
    NeedKind.LOGISTICS: {PartnerKind.OVERSEAS, PartnerKind.ENTERPRISE},
    NeedKind.MATERIALS: {PartnerKind.ENTERPRISE},
    NeedKind.OTHER: {PartnerKind.GOVERNMENT},
}

TIER_CHAIN, TIER_TEXT, TIER_PARTNER = 3, 2, 1
SUGGESTIONS = 8           # at most this many suggestions kept per need
CANDIDATES = 300          # the newest offers read for the text tier
MIN_TEXT_SCORE = 0.12     # below this, wording is not "like"
MAX_AMOUNT = Decimal("1e13")


def _move(table, state, move, what):
    new = table.get((state, move))
    if new is None:
        raise DomainError(_("This %(what)s cannot be moved that way from its present state."), code="bad_move",
                          params={"what": what})
    return new


# --- who may act for an enterprise -------------------------------------------------------------

def is_liaison(user, enterprise):
    return user is not None and user.is_authenticated and enterprise.liaisons.filter(pk=user.pk).exists()


def is_staff_for(user, enterprise):
    return user_covers(user, enterprise.unit.code, INDUSTRY_STAFF_ROLES)


def _acting(user, enterprise, visit=None):
    """May ``user`` post for ``enterprise``? Its liaisons and park staff may; an area lead may
    through one of their visits to it (红色帮扶网). Out of scope is not found."""
    if visit is not None:
        if visit.enterprise_id != enterprise.pk:
            raise DomainError(_("The visit was to another enterprise."), code="other_enterprise", field="visit")
        if visit.lead.account_id != getattr(user, "pk", None) and not is_staff_for(user, enterprise):
            raise NotFound(_("No such enterprise."), code="not_found", field="enterprise")
        return
    if not (is_liaison(user, enterprise) or is_staff_for(user, enterprise)):
        raise NotFound(_("No such enterprise."), code="not_found", field="enterprise")


def _check_kind(kind):
    if kind not in NeedKind.values:
        raise DomainError(_("Choose a kind of need."), code="invalid", field="kind")


# --- needs and offers --------------------------------------------------------------------------

@transaction.atomic
def post_need(enterprise, *, by, kind, text, quantity="", deadline=None, visit=None, suggest_now=True):
    """A need of ``enterprise`` posted by its liaison, park staff or an area lead on a visit
    (``visit``; recorded as such, with ``created_by``). Suggestions are made at once."""
    _acting(by, enterprise, visit)
    _check_kind(kind)
    need = Need(enterprise=enterprise, kind=kind, visit=visit, created_by=by,
                text=clean_field(Need, "text", text, required=True),
                quantity=clean_field(Need, "quantity", quantity))
    if deadline is not None:
        if not isinstance(deadline, datetime.date):
            raise DomainError(_("Give the deadline as a date."), code="invalid", field="deadline")
        if deadline < timezone.localdate():
            raise DomainError(_("The deadline has passed."), code="past_deadline", field="deadline")
    need.deadline = deadline
    need.save()
    if suggest_now:
        suggest(need)
    return need


@transaction.atomic
def post_offer(enterprise=None, *, by, kind, text, quantity="", partner=None):
    """What an enterprise (by its liaison or park staff) or a partner (park staff) offers."""
    if (enterprise is None) == (partner is None):
        raise DomainError(_("An offer is made by one enterprise or one partner."), code="invalid", field="enterprise")
    if enterprise is not None:
        _acting(by, enterprise)
    elif not user_covers(by, partner.zone.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such partner."), code="not_found", field="partner")
    _check_kind(kind)
    offer = Offer(enterprise=enterprise, partner=partner, kind=kind, created_by=by,
                  text=clean_field(Offer, "text", text, required=True),
                  quantity=clean_field(Offer, "quantity", quantity))
    offer.save()
    return offer


# --- suggestions -------------------------------------------------------------------------------

def _features(text):
    from gongzhi.cases.similarity import tokens

    words = tokens(text)
    chars = "".join(words)
    return frozenset([f"w:{w}" for w in words] + [f"c:{chars[i:i + 2]}" for i in range(len(chars) - 1)])


def text_scores(text, texts):
    """The cosine of binary TF-IDF (jieba words and character pairs) between ``text`` and each of
    ``texts``, the IDF taken from these texts themselves."""
    query = _features(text)
    sets = [_features(t) for t in texts]
    if not query:
        return [0.0] * len(sets)
    df = Counter(query)
    for s in sets:
        df.update(s)
    n = len(sets) + 1
    weight = {f: (math.log((1 + n) / (1 + k)) + 1) ** 2 for f, k in df.items()}
    qn = math.sqrt(sum(weight[f] for f in query))
    scores = []
    for s in sets:
        shared = query & s
        scores.append(sum(weight[f] for f in shared) / (qn * math.sqrt(sum(weight[f] for f in s))) if shared else 0.0)
    return scores


def chain_neighbours(enterprise):
    """Ids of the enterprises linked to ``enterprise`` by a supply link or sharing a chain with it."""
    links = ChainLink.objects.filter(Q(supplier=enterprise) | Q(buyer=enterprise)).values_list("supplier", "buyer")
    ids = {i for pair in links for i in pair if i}
    ids |= set(Enterprise.chains.through.objects.filter(chain__members=enterprise).values_list("enterprise", flat=True))
    ids.discard(enterprise.pk)
    return ids


def ranked_offers(need):
    """The offers that could answer ``need``, best first, as (offer, tier, score, reason) —
    the order of the module docstring (decision 68)."""
    zone = zone_code(need.enterprise.unit)
    offers = list(Offer.objects.filter(kind=need.kind, active=True)
                  .filter(under_codes_q("enterprise__unit__code", [zone]) | Q(partner__zone__code=zone))
                  .exclude(enterprise=need.enterprise)
                  .select_related("enterprise", "partner").order_by("-created_at", "-pk")[:CANDIDATES])
    if not offers:
        return []
    scores = text_scores(need.text, [o.text for o in offers])
    neighbours = chain_neighbours(need.enterprise)
    serving = PARTNERS_FOR.get(need.kind, set())
    ranked = []
    for offer, score in zip(offers, scores):
        if offer.enterprise_id in neighbours:
            tier = TIER_CHAIN
        elif offer.enterprise_id and score >= MIN_TEXT_SCORE:
            tier = TIER_TEXT
        elif offer.partner_id and offer.partner.kind in serving:
            tier = TIER_PARTNER
        else:
            continue
        ranked.append((offer, tier, score, _reason(tier, score, offer)))
    ranked.sort(key=lambda r: (-r[1], -r[2], -r[0].pk))
    return ranked[:SUGGESTIONS]


def _reason(tier, similarity, offer):
    """Why an offer is suggested at ``tier``, in the active language (None for no tier)."""
    if tier == TIER_CHAIN and offer.enterprise_id:
        return str(_("On the same industry chain as %(name)s") % {"name": offer.enterprise.name})
    if tier == TIER_TEXT and offer.enterprise_id:
        return str(_("Worded like the need (similarity %(score)d%%)") % {"score": round(similarity * 100)})
    if tier == TIER_PARTNER and offer.partner_id:
        return str(_("%(kind)s partner: %(name)s") % {"kind": offer.partner.get_kind_display(),
                                                     "name": offer.partner.name})
    return None


def reason_of(match):
    """Why ``match`` was suggested, in the reader's language: worked out again from its tier
    (kept in its score, ``tier * 10 + similarity``) and its offer's owner. The stored ``reason``
    is the text of the language it was suggested in, shown only for a match made otherwise."""
    tier, similarity = divmod(match.score, 10)
    return _reason(tier, similarity, match.offer) or match.reason


@transaction.atomic
def suggest(need):
    """Record the suggested matches of an open need (new pairs only; a rejected or confirmed pair
    is never suggested again). Returns the need's suggested matches, best first."""
    if need.status not in (NeedStatus.OPEN, NeedStatus.MATCHED):
        return []
    known = set(Match.objects.filter(need=need).values_list("offer", flat=True))
    new = [Match(need=need, offer=offer, score=tier * 10 + score, reason=reason[:200])
           for offer, tier, score, reason in ranked_offers(need) if offer.pk not in known]
    Match.objects.bulk_create(new)
    return list(Match.objects.filter(need=need, status=MatchStatus.SUGGESTED).select_related("offer")
                .order_by("-score", "pk"))


# --- deciding matches --------------------------------------------------------------------------

def _lock_need(need):
    return Need.objects.select_for_update().select_related("enterprise__unit").get(pk=need.pk)


def _check_meeting(meeting, zone, need=None):
    """A match is confirmed, an agreement signed, at a matchmaking meeting of the zone that has
    begun (not one still to come, nor one called off) and, for a need, had not ended before the
    need was posted."""
    if meeting is None:
        return
    if not meeting.unit.code.startswith(zone):
        raise DomainError(_("The meeting was held in another zone."), code="other_zone", field="meeting")
    if meeting.format.code not in MATCHMAKING_FORMATS:
        raise DomainError(_("Choose a matchmaking meeting (园区说事 or 企业供需对接会)."), code="invalid", field="meeting")
    if meeting.status == MeetingStatus.CANCELLED or meeting.starts_at > timezone.now():
        raise DomainError(_("That meeting has not taken place."), code="meeting_not_held", field="meeting")
    if need is not None and need.created_at and meeting.ends_at < need.created_at:
        raise DomainError(_("That meeting ended before the need was posted."), code="meeting_before_need",
                          field="meeting")


@transaction.atomic
def confirm_match(match, *, by, meeting=None):
    """Park staff confirm a suggested match, at a matchmaking meeting (``meeting``, 园区说事) or
    not; the need becomes matched."""
    need = _lock_need(match.need)
    if not is_staff_for(by, need.enterprise):
        raise NotFound(_("No such match."), code="not_found")
    match = Match.objects.select_for_update().get(pk=match.pk)
    match.status = _move(MATCH_MOVES, match.status, "confirm", _("match"))
    if need.status == NeedStatus.OPEN:
        need.status = _move(NEED_MOVES, need.status, "match", _("need"))
        need.save(update_fields=["status"])
    elif need.status != NeedStatus.MATCHED:
        raise DomainError(_("The need is no longer open."), code="need_done")
    _check_meeting(meeting, zone_code(need.enterprise.unit), need)
    match.meeting, match.decided_by, match.decided_at = meeting, by, timezone.now()
    match.save(update_fields=["status", "meeting", "decided_by", "decided_at"])
    return match


@transaction.atomic
def reject_match(match, *, by):
    """Park staff reject a match; a matched need with no confirmed match left is open again."""
    need = _lock_need(match.need)
    if not is_staff_for(by, need.enterprise):
        raise NotFound(_("No such match."), code="not_found")
    if need.status not in (NeedStatus.OPEN, NeedStatus.MATCHED):
        raise DomainError(_("The need is no longer open."), code="need_done")
    match = Match.objects.select_for_update().get(pk=match.pk)
    match.status = _move(MATCH_MOVES, match.status, "reject", _("match"))
    match.decided_by, match.decided_at = by, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    if (need.status == NeedStatus.MATCHED
            and not need.matches.filter(status=MatchStatus.CONFIRMED).exists()):
        need.status = _move(NEED_MOVES, need.status, "unmatch", _("need"))
        need.save(update_fields=["status"])
    return match


# How amounts are written on forms and sheets: 1,500,000 / 1 500 000 / １５０万 / 150万元 / 2.5亿.
AMOUNT_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
# Plain digits, or digits grouped by threes with commas; a decimal part. No sign, no exponent.
AMOUNT_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d{1,16})(?:\.\d{1,8})?")


def parse_amount(value):
    """An amount in yuan as people write it, or None when it cannot be read: full-width digits,
    thousands grouped by commas or spaces, a trailing 元, a 万 or 亿 multiplier. "1,5" (not a
    grouping), exponents and signs are not read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()[:60]
    text = text.removesuffix("元").removesuffix("人民币").strip()
    scale = Decimal(1)
    if text[-1:] in AMOUNT_UNITS:
        text, scale = text[:-1].strip(), AMOUNT_UNITS[text[-1]]
    text = re.sub(r"(?<=\d)[ \u00a0](?=\d{3}(?:\D|$))", ",", text)  # 1 500 000: spaces grouping threes
    if not AMOUNT_NUMBER.fullmatch(text):
        return None
    return Decimal(text.replace(",", "")) * scale


def _amount(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    amount = parse_amount(value)
    if amount is None or not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise DomainError(_("Give the amount in yuan, from 0 below ten trillion."), code="invalid",
                          field="amount_yuan")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def solve_need(need, *, by, outcome, amount_yuan=None, agreement=None):
    """The need is solved: its outcome (what was done), the amount (yuan, for funding and the
    like) and, when one was signed, the agreement that answered it."""
    need = _lock_need(need)
    if not is_staff_for(by, need.enterprise):
        raise NotFound(_("No such need."), code="not_found")
    need.status = _move(NEED_MOVES, need.status, "solve", _("need"))
    need.outcome = clean_field(Need, "outcome", outcome, required=True)
    need.amount_yuan = _amount(amount_yuan)
    need.solved_at = timezone.now()
    need.save(update_fields=["status", "outcome", "amount_yuan", "solved_at"])
    if agreement is not None:
        if agreement.zone.code != zone_code(need.enterprise.unit):
            raise DomainError(_("The agreement belongs to another zone."), code="other_zone", field="agreement")
        Agreement.objects.filter(pk=agreement.pk, need__isnull=True).update(need=need)
    return need


@transaction.atomic
def close_need(need, *, by, outcome=""):
    """The need is closed unsolved (withdrawn, or nothing found); its liaison or park staff."""
    need = _lock_need(need)
    if not (is_staff_for(by, need.enterprise) or is_liaison(by, need.enterprise)):
        raise NotFound(_("No such need."), code="not_found")
    need.status = _move(NEED_MOVES, need.status, "close", _("need"))
    need.outcome = clean_field(Need, "outcome", outcome)
    need.save(update_fields=["status", "outcome"])
    return need


# --- agreements --------------------------------------------------------------------------------

@transaction.atomic
def _recorded_already(zone, parties, need, title, signed_on):
    """The agreement these would record again, or None: the same title between the same parties
    on the same day, for the same need or none (a form sent twice). A second agreement for a
    need, with its own title, is another agreement."""
    same = Agreement.objects.filter(zone=zone, need=need, title=title, signed_on=signed_on)
    wanted = sorted(p.pk for p in parties)
    for agreement in same.prefetch_related("parties")[:50]:
        if sorted(p.pk for p in agreement.parties.all()) == wanted:
            return agreement
    return None


@transaction.atomic
def record_agreement(*, by, title, parties, signed_on=None, need=None, meeting=None, amount_yuan=None, notes=""):
    """A cooperation agreement between two or more enterprises of one zone, recorded by park
    staff, at a meeting (园区说事) or not; "enterprises that agreed to cooperate" counts its parties.
    Recording the same agreement twice (a form sent again) is refused with the one on record."""
    parties = list({p.pk: p for p in parties}.values())
    if len(parties) < 2:
        raise DomainError(_("An agreement has at least two enterprises."), code="too_few_parties", field="parties")
    zones = {zone_code(p.unit) for p in Enterprise.objects.filter(pk__in=[p.pk for p in parties])
             .select_related("unit")}
    if len(zones) != 1:
        raise DomainError(_("The enterprises belong to different zones."), code="other_zone", field="parties")
    code = zones.pop()
    if not user_covers(by, code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such enterprise."), code="not_found", field="parties")
    from gongzhi.territory.models import Unit

    zone = Unit.objects.get(code=code)
    if need is not None and need.enterprise_id not in {p.pk for p in parties}:
        raise DomainError(_("The need's enterprise is not a party."), code="invalid", field="need")
    _check_meeting(meeting, code, need)
    agreement = Agreement(zone=zone, need=need, meeting=meeting, signed_on=signed_on or timezone.localdate(),
                          title=clean_field(Agreement, "title", title, required=True),
                          notes=clean_field(Agreement, "notes", notes), amount_yuan=_amount(amount_yuan))
    # Two sends of one form, one at a time: the zone's row is the lock (PostgreSQL; SQLite
    # writes one transaction at a time anyway).
    Unit.objects.select_for_update().filter(pk=zone.pk).first()
    if (same := _recorded_already(zone, parties, need, agreement.title, agreement.signed_on)) is not None:
        raise DomainError(_("This agreement is already recorded: %(title)s, signed on %(date)s."), code="duplicate",
                          field="title", params={"title": same.title, "date": same.signed_on.isoformat()})
    agreement.save()
    agreement.parties.set(parties)
    return agreement


def cooperating(enterprises):
    """How many of ``enterprises`` are a party to at least one agreement."""
    return enterprises.filter(agreements__isnull=False).distinct().count()


# --- reading for pages -------------------------------------------------------------------------

MATCHMAKING_FORMATS = ("yuanqu-shuoshi", "qiye-gongxu")    # 园区说事, 企业供需对接会
MEETING_CHOICES = 30


def matchmaking_meetings(user):
    """The matchmaking meetings (园区说事, 企业供需对接会) ``user`` sees in the zones where they
    are park staff and that have begun, newest first: the meetings a match may be confirmed at
    (decision 77; ``_check_meeting``)."""
    from gongzhi.deliberation.models import Meeting

    codes = [zone_code(code) for code in user.scope_codes(INDUSTRY_STAFF_ROLES)] if not user.is_superuser else None
    found = (Meeting.objects.visible_to(user).filter(format__code__in=MATCHMAKING_FORMATS, starts_at__lte=timezone.now())
             .exclude(status=MeetingStatus.CANCELLED))
    if codes is not None:
        found = found.filter(under_codes_q("unit__code", sorted(set(codes))))
    return found.select_related("format", "unit").order_by("-starts_at", "-pk")[:MEETING_CHOICES]

