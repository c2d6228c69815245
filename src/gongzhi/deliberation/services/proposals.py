"""Proposals: residents' topics, supports, the threshold to the agenda, answers.

- ``propose``: a participant proposes for a grid or community they take part in, staff for their
  scope; a grid worker may type it in for a resident of their grid (``by``: recorded_by).
- ``support``: one per person (the unique constraint), at most DELIBERATION_SUPPORTS_PER_MONTH per
  person and calendar month; supporting also follows. When the count reaches the support
  threshold of the unit's next meeting's format, the proposal goes on that agenda by itself
  (like CONSUL's support threshold). With no meeting scheduled the proposal waits (OPEN, with
  ``threshold_reached_at`` set) and the minute job ``place_waiting_step`` puts it on the first
  meeting that appears.
- ``answer``: staff of the unit answer every proposal: on the agenda, answered directly, or not
  in scope, with the reason shown to the proposer and the supporters.
- ``similar_proposals``: the visible proposals of the unit and the units above it worded alike.
"""
import math
import threading
from collections import Counter, OrderedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.photos import delete_files, prepare_photos, write_photo
from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import LONG_TEXT, clean_field, clean_text
from gongzhi.people.models import Role, User
from gongzhi.territory.models import Level, Unit

from ..models import (DELIBERATION_STAFF_ROLES, PARTICIPANT_ROLES, Meeting, MeetingFormat, MeetingSeries, MeetingStatus,
                      Proposal, ProposalFollow, ProposalPhoto, ProposalStatus, Purpose, Support, participant_units_q)
from . import meetings

NOTICES = {
    "deliberation.proposal_on_agenda": _("Your proposal “%(title)s” is on the agenda of %(meeting)s."),
    "deliberation.proposal_answered": _("The proposal “%(title)s” has been answered."),
    "deliberation.proposal_out_of_scope": _("The proposal “%(title)s” was found not in scope; the reason is on its page."),
}

PROPOSAL_LEVELS = (Level.GRID, Level.COMMUNITY)
# What answer() takes: the three outcomes staff choose between.
OUTCOMES = (ProposalStatus.ON_AGENDA, ProposalStatus.ANSWERED, ProposalStatus.OUT_OF_SCOPE)
# The similar-proposal search reads at most this many candidates (the newest), so it stays fast.
SIMILAR_CANDIDATES = 300
SIMILAR_MIN_SCORE = 0.12  # calibrated on short Chinese topics: unrelated ones sharing 小区 score about 0.1
# The start of a proposal's text is enough to recognise it, and keeps each search cheap.
SIMILAR_TEXT = 150
WAITING_BATCH = 200


def supports_per_month():
    return settings.DELIBERATION_SUPPORTS_PER_MONTH


# --- who may do what ------------------------------------------------------------------------

def is_staff_of(user, unit):
    """Staff of deliberation (a territorial role) over ``unit``."""
    return bool(user and user.is_authenticated and user.is_active) and user_covers(user, unit.code, DELIBERATION_STAFF_ROLES)


def takes_part_in(user, unit):
    """A participant (resident, party member, volunteer) of ``unit``: it is their unit, under it or above it."""
    if not (user and user.is_authenticated and user.is_active) or not user.has_role(*PARTICIPANT_ROLES):
        return False
    return Unit.objects.filter(pk=unit.pk).filter(participant_units_q("code", user)).exists()


def may_propose(user, unit):
    return is_staff_of(user, unit) or takes_part_in(user, unit)


def proposal_units(user):
    """The grids and communities ``user`` may propose for (their own, and the ones above them)."""
    units = Unit.objects.filter(level__in=PROPOSAL_LEVELS).order_by("code")
    if user.is_superuser:
        return units
    q = under_codes_q("code", user.scope_codes(DELIBERATION_STAFF_ROLES))
    if user.has_role(*PARTICIPANT_ROLES):
        q |= participant_units_q("code", user)
    return units.filter(q)


def residents_for(worker, unit=None):
    """The resident accounts a grid worker may propose or support for: residents of their grids."""
    codes = worker.scope_codes(DELIBERATION_STAFF_ROLES)
    if unit is not None:
        codes = {c for c in codes if unit.code.startswith(c) or c.startswith(unit.code)}
    # One filter() call: the resident role and its units must be the same assignment (separate
    # calls would join role_assignments twice, and a worker's own grid would make anyone a resident).
    resident = Q(role_assignments__role=Role.RESIDENT)
    if not worker.is_superuser:
        resident &= under_codes_q("role_assignments__units__code", codes)
    return User.objects.filter(resident, is_active=True).distinct().order_by("display_name", "username")


def _check_on_behalf(by, user, unit):
    """``by`` types in for ``user``: staff of the unit, for a participant of the unit."""
    if not is_staff_of(by, unit):
        raise DomainError(_("Only staff of this grid or community may act on a resident's behalf."), code="forbidden")
    if not takes_part_in(user, unit):
        raise DomainError(_("This resident does not take part in this grid or community."), code="not_participant",
                          field="author")


def _notify(proposal, event, user_ids, params, key_suffix=""):
    key = f"proposal:{proposal.pk}:{event}{key_suffix}"
    outbox.enqueue("deliberation.announce", key, {
        "model": "proposal", "pk": proposal.pk, "event": event, "key": key, "user_ids": sorted(set(user_ids)),
        "params": {"title": proposal.title, **params}})


def _audience(proposal):
    """The author and everyone following (supporters follow by supporting)."""
    return {proposal.author_id, *ProposalFollow.objects.filter(proposal=proposal).values_list("user_id", flat=True)}


# --- proposing ------------------------------------------------------------------------------

def propose(*, unit, title, body, author, by=None, photos=(), now=None):
    """A new proposal of ``author`` for ``unit`` (a grid or community), with its photos, in one
    transaction; ``by``: who typed it in on the author's behalf (a grid worker of the unit)."""
    title = clean_field(Proposal, "title", title, required=True)
    body = clean_field(Proposal, "body", body, required=True)
    if unit is None or unit.level not in PROPOSAL_LEVELS:
        raise DomainError(_("Proposals are made for a grid or a community."), code="unit", field="unit")
    on_behalf = by is not None and by.pk != author.pk
    if on_behalf:
        _check_on_behalf(by, author, unit)
    elif not may_propose(author, unit):
        raise DomainError(_("You can propose only for a grid or community you take part in."), code="unit", field="unit")
    # Decoding and encoding images takes long: done before the transaction (cases.photos explains).
    prepared = prepare_photos(photos)
    written = []
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(unit=unit, title=title, body=body, author=author,
                                               recorded_by=by if on_behalf else None, created_at=now or timezone.now())
            ProposalFollow.objects.create(proposal=proposal, user=author, created_at=proposal.created_at)
            for p in prepared:
                write_photo(ProposalPhoto(proposal=proposal), p, written)
    except BaseException:
        delete_files(written)  # nothing half-written: no file without its row
        raise
    return proposal


# --- supports and following -----------------------------------------------------------------

def _month_start(now):
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def supports_left(user, now=None):
    """How many more proposals ``user`` may support this calendar month."""
    used = Support.objects.filter(user=user, created_at__gte=_month_start(now or timezone.now())).count()
    return max(0, supports_per_month() - used)


def threshold_for(unit, meeting):
    """The supports that put a proposal of ``unit`` on the agenda (None: never by itself).

    With a meeting: its format's threshold. Without one, the lowest threshold among the formats
    of the deliberation series of the unit and the units above it (what the next meeting would
    most likely be), else the default format setting."""
    if meeting is not None:
        threshold = meeting.format.support_threshold
    else:
        codes = [unit.code, *unit.ancestors_codes()]
        found = (MeetingSeries.objects.filter(unit__code__in=codes, format__purpose=Purpose.DELIBERATION,
                                              format__active=True, format__support_threshold__gt=0)
                 .order_by("format__support_threshold").values_list("format__support_threshold", flat=True).first())
        threshold = found if found is not None else MeetingFormat._meta.get_field("support_threshold").default
    return threshold or None


def _place(proposal, meeting, *, by, automatic, now):
    """Put ``proposal`` on ``meeting``'s agenda and tell the author and followers; True if it went on."""
    try:
        with transaction.atomic():
            item = meetings.add_item(meeting, title=proposal.title, by=by, proposal=proposal, automatic=automatic)
    except DomainError:
        return None
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ON_AGENDA)
    proposal.status = ProposalStatus.ON_AGENDA
    when = timezone.localtime(meeting.starts_at)
    _notify(proposal, "deliberation.proposal_on_agenda", _audience(proposal),
            {"meeting": f"{meeting.title} {when:%Y-%m-%d %H:%M}"}, key_suffix=f":{meeting.pk}")
    return item


def _reach_threshold(proposal, now):
    """Called under the proposal's lock after a support: on the agenda when the threshold is met."""
    meeting = meetings.next_meeting_for(proposal.unit, now=now)
    threshold = threshold_for(proposal.unit, meeting)
    if threshold is None or proposal.support_count < threshold:
        return
    if proposal.threshold_reached_at is None:
        proposal.threshold_reached_at = now
        Proposal.objects.filter(pk=proposal.pk).update(threshold_reached_at=now)
    if meeting is not None:
        _place(proposal, meeting, by=None, automatic=True, now=now)
    # No meeting yet: it waits, OPEN with threshold_reached_at set, for place_waiting_step.


def _locked(proposal):
    # Only the proposal row (of=self): a join would lock the unit row too and queue every
    # support of the grid behind one another.
    return Proposal.objects.select_for_update(of=("self",)).select_related("unit").get(pk=proposal.pk)


def support(proposal, *, user, by=None, now=None):
    """``user`` supports ``proposal`` (``by``: staff recording it on their behalf); they follow it too."""
    now = now or timezone.now()
    if by is not None and by.pk != user.pk:
        _check_on_behalf(by, user, proposal.unit)
    elif not takes_part_in(user, proposal.unit):
        raise DomainError(_("Only residents who take part in this grid or community can support its proposals."),
                          code="not_participant")
    if proposal.author_id == user.pk:
        raise DomainError(_("This is your own proposal: supports come from others."), code="own_proposal")
    with transaction.atomic():
        # One person's supports are counted under a lock on their account, so two at once
        # cannot both pass the monthly limit; the proposal's row lock keeps its count exact.
        User.objects.select_for_update().filter(pk=user.pk).first()
        locked = _locked(proposal)
        if locked.status != ProposalStatus.OPEN:
            raise DomainError(_("This proposal no longer takes supports."), code="closed")
        if Support.objects.filter(proposal=locked, user=user).exists():
            raise DomainError(_("You already support this proposal."), code="already_supported")
        if supports_left(user, now) <= 0:
            raise DomainError(_("You have used your %(n)d supports of this month; you can support again next month."),
                              code="support_limit", params={"n": supports_per_month()})
        try:
            with transaction.atomic():
                created = Support.objects.create(proposal=locked, user=user, recorded_by=by if by and by.pk != user.pk else None,
                                                 created_at=now)
        except IntegrityError:  # the unique constraint: a twin request won
            raise DomainError(_("You already support this proposal."), code="already_supported") from None
        Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
        locked.support_count += 1
        ProposalFollow.objects.bulk_create([ProposalFollow(proposal=locked, user=user)], ignore_conflicts=True)
        _reach_threshold(locked, now)
    proposal.support_count, proposal.status = locked.support_count, locked.status
    proposal.threshold_reached_at = locked.threshold_reached_at
    return created


def unsupport(proposal, *, user):
    """Take one's support back, while the proposal is open and has not reached its threshold."""
    with transaction.atomic():
        locked = _locked(proposal)
        # Once the threshold is reached the supports are what put it forward: they stay (as in
        # CONSUL, where supports can no longer be withdrawn after the threshold), also while it
        # waits for a meeting to be scheduled.
        if locked.status != ProposalStatus.OPEN or locked.threshold_reached_at is not None:
            raise DomainError(_("This proposal is no longer open: its supports cannot change."), code="closed")
        deleted, _rows = Support.objects.filter(proposal=locked, user=user).delete()
        if not deleted:
            raise DomainError(_("You do not support this proposal."), code="not_supported")
        Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
        locked.support_count -= 1
    proposal.support_count = locked.support_count
    return locked


def follow(proposal, *, user):
    ProposalFollow.objects.bulk_create([ProposalFollow(proposal=proposal, user=user)], ignore_conflicts=True)


def unfollow(proposal, *, user):
    ProposalFollow.objects.filter(proposal=proposal, user=user).delete()


def place_waiting_step(now):
    """Minute job: proposals that reached their threshold while no meeting was scheduled go on
    the first meeting that appears (if its format's threshold is met too)."""
    placed = 0
    waiting = (Proposal.objects.filter(status=ProposalStatus.OPEN, threshold_reached_at__isnull=False)
               .select_related("unit").order_by("threshold_reached_at", "pk")[:WAITING_BATCH])
    for proposal in waiting:
        meeting = meetings.next_meeting_for(proposal.unit, now=now)
        if meeting is None:
            continue
        threshold = meeting.format.support_threshold
        with transaction.atomic():
            locked = _locked(proposal)
            if locked.status != ProposalStatus.OPEN or not threshold or locked.support_count < threshold:
                continue
            if _place(locked, meeting, by=None, automatic=True, now=now):
                placed += 1
    return {"placed": placed}


# --- answers --------------------------------------------------------------------------------

def _meeting_for_answer(proposal, meeting, now):
    codes = {proposal.unit.code, *proposal.unit.ancestors_codes()}
    if meeting is None:
        meeting = meetings.next_meeting_for(proposal.unit, now=now)
        if meeting is None:
            raise DomainError(_("No meeting is scheduled for this grid or community: schedule one first."),
                              code="no_meeting", field="meeting")
        return meeting
    if (meeting.format.purpose != Purpose.DELIBERATION or meeting.unit.code not in codes
            or meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)):
        raise DomainError(_("Choose a coming meeting of this grid or community (or one above it)."),
                          code="meeting", field="meeting")
    return meeting


def answer(proposal, *, outcome, reason, by, meeting=None, now=None):
    """Staff of the proposal's unit answer it: onto a meeting's agenda (the chosen one or the
    next), answered directly, or not in scope; the last two need a reason, shown to the proposer
    and the supporters."""
    now = now or timezone.now()
    if not is_staff_of(by, proposal.unit):
        raise DomainError(_("Only staff of this grid or community may answer its proposals."), code="forbidden")
    if outcome not in OUTCOMES:
        raise DomainError(_("Choose an answer: on the agenda, answered, or not in scope."), code="outcome", field="outcome")
    reason = clean_text(reason, field="reason", max_length=LONG_TEXT, multiline=True, label=_("reason"),
                        required=outcome != ProposalStatus.ON_AGENDA)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.OPEN:
            raise DomainError(_("This proposal has been answered already."), code="answered")
        if outcome == ProposalStatus.ON_AGENDA:
            target = _meeting_for_answer(locked, meeting, now)
            meetings.add_item(target, title=locked.title, by=by, proposal=locked)
        Proposal.objects.filter(pk=locked.pk).update(status=outcome, answer=reason, answered_by=by, answered_at=now)
        locked.status, locked.answer, locked.answered_by, locked.answered_at = outcome, reason, by, now
        if outcome == ProposalStatus.ON_AGENDA:
            when = timezone.localtime(target.starts_at)
            _notify(locked, "deliberation.proposal_on_agenda", _audience(locked),
                    {"meeting": f"{target.title} {when:%Y-%m-%d %H:%M}"}, key_suffix=f":{target.pk}")
        else:
            event = "deliberation.proposal_answered" if outcome == ProposalStatus.ANSWERED else "deliberation.proposal_out_of_scope"
            _notify(locked, event, _audience(locked), {})
    return locked


def unanswered(user):
    """The staff queue: open proposals of the user's scope, oldest first."""
    found = Proposal.objects.visible_to(user).filter(status=ProposalStatus.OPEN)
    if not user.is_superuser:
        found = found.filter(under_codes_q("unit__code", user.scope_codes(DELIBERATION_STAFF_ROLES)))
    return found.select_related("unit").order_by("created_at", "pk")


def coming_meetings(proposal, now=None):
    """Meetings staff may put ``proposal`` on: coming deliberation meetings of its unit and above."""
    now = now or timezone.now()
    codes = [proposal.unit.code, *proposal.unit.ancestors_codes()]
    return (Meeting.objects.filter(format__purpose=Purpose.DELIBERATION, unit__code__in=codes,
                                   status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN], ends_at__gt=now)
            .select_related("format", "unit").order_by("starts_at")[:20])


# --- reading --------------------------------------------------------------------------------

def masked_name(name):
    """A resident's name as other residents see it: the family name and a star (张*)."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else "*"


def author_label(proposal, viewer):
    """The author's name: in full to staff of the unit and to the author, masked to everyone else."""
    name = str(proposal.author)
    if viewer.is_superuser or viewer.pk == proposal.author_id or is_staff_of(viewer, proposal.unit):
        return name
    return masked_name(name)


def with_agenda(proposals):
    """``proposals`` with their agenda items and meetings read in one more query (for lists)."""
    from django.db.models import Prefetch

    from ..models import AgendaItem

    return proposals.prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting")))


def agenda_item_of(proposal):
    """The agenda item the proposal went to (the latest meeting's, if more than one)."""
    if "agenda_items" in getattr(proposal, "_prefetched_objects_cache", {}):
        items = list(proposal.agenda_items.all())
    else:
        items = list(proposal.agenda_items.select_related("meeting"))
    return max(items, key=lambda i: (i.meeting.starts_at, i.pk)) if items else None


# The features of each candidate's text, kept per process: a proposal's wording does not change,
# and cutting words (jieba) is most of a search's cost.
FEATURE_CACHE_SIZE = 20_000
_feature_cache = OrderedDict()
_feature_lock = threading.Lock()


def _features(text):
    """jieba's words (cases.similarity.tokens) and the character pairs of ``text``, as a set."""
    from gongzhi.cases.similarity import tokens

    with _feature_lock:
        found = _feature_cache.get(text)
        if found is not None:
            _feature_cache.move_to_end(text)
            return found
    words = tokens(text)
    # Character pairs catch the same wording when jieba cuts it differently; words and pairs
    # are kept apart by a prefix.
    chars = "".join(w for w in words)
    found = frozenset([f"w:{w}" for w in words] + [f"c:{chars[i:i + 2]}" for i in range(len(chars) - 1)])
    with _feature_lock:
        _feature_cache[text] = found
        while len(_feature_cache) > FEATURE_CACHE_SIZE:
            _feature_cache.popitem(last=False)
    return found


def similar_proposals(unit, text, *, user, limit=5):
    """Proposals of ``unit`` and the units above it, visible to ``user``, worded like ``text``,
    best first (at most ``limit``).

    Bounded and fast: the newest SIMILAR_CANDIDATES only (title and the start of the text); the
    cosine of binary TF-IDF over jieba words (cases.similarity.tokens) and character pairs, the
    IDF taken from the candidates themselves, so no fitted model is needed; each text's features
    are cut once per process."""
    text = (text or "").strip()[:500]
    if len(text) < 2 or unit is None:
        return []
    query = _features(text)
    if not query:
        return []
    codes = [unit.code, *unit.ancestors_codes()]
    # Plain rows, not model instances: building 300 instances costs more than the scoring.
    candidates = list(Proposal.objects.visible_to(user).filter(unit__code__in=codes)
                      .exclude(status=ProposalStatus.OUT_OF_SCOPE).order_by("-created_at", "-pk")
                      .values_list("pk", "title", Substr("body", 1, SIMILAR_TEXT))[:SIMILAR_CANDIDATES])
    if not candidates:
        return []
    sets = [_features(f"{title}\n{body}") for _pk, title, body in candidates]
    n = len(sets) + 1
    df = Counter(query)
    for features in sets:
        df.update(features)
    weight = {f: (math.log((1 + n) / (1 + k)) + 1) ** 2 for f, k in df.items()}
    query_norm = math.sqrt(sum(weight[f] for f in query))
    scored = []
    for i, features in enumerate(sets):
        shared = query & features
        if not shared:
            continue
        score = sum(weight[f] for f in shared) / (query_norm * math.sqrt(sum(weight[f] for f in features)))
        if score >= SIMILAR_MIN_SCORE:
            scored.append((-score, i))
    best = [candidates[i][0] for _score, i in sorted(scored)[:limit]]
    found = Proposal.objects.select_related("unit").in_bulk(best)
    return [found[pk] for pk in best if pk in found]
