"""Pages of the supply-and-demand market (供需对接, issue 10; decision 77): park staff's needs
board with each need's ranked suggested matches, a need's page, and an enterprise liaison's
phone-friendly page (our needs and offers, suggested matches, our cooperation).

Views only parse and answer: every write is a call to services/market.py, every read goes
through ``visible_to`` (out of scope is 404), a refused move comes back as a message.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.errors import DomainError, NotFound

from ..models import (
    Agreement, Chain, Enterprise, Match, MatchStatus, Need, NeedKind, NeedStatus, Offer, is_industry_staff,
    liaison_enterprises,
)
from ..filters import NeedFilter
from ..services import market as rules
from . import parse

PER_PAGE = 20


_pk = parse.pk


def _date(value, field):
    return parse.date(value, field, _("Give the deadline as a date."))


def _matches():
    """A need's matches still in play (suggested or confirmed), best first, with the offer's owner."""
    return Prefetch("matches", to_attr="in_play", queryset=Match.objects.exclude(status=MatchStatus.REJECTED)
                    .select_related("offer__enterprise", "offer__partner", "meeting").order_by("-score", "pk"))


def _meeting(request):
    """The matchmaking meeting chosen in the form (one the user sees in their zone), or None."""
    pk = _pk(request.POST.get("meeting"))
    if not pk:
        return None
    found = next((m for m in rules.matchmaking_meetings(request.user) if m.pk == pk), None)
    if found is None:
        raise DomainError(_("Choose a matchmaking meeting of your zone."), code="invalid", field="meeting")
    return found


def _act(request, done, then, refused=None):
    """Run one service call; a refusal is a message (and ``refused()``), out of scope is 404."""
    try:
        done()
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.text)
        if refused is not None:
            refused()
    return redirect(then)


def _back(request, need):
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/industry/") and "//" not in nxt else reverse("industry:need", args=[need.pk])


# --- park staff ----------------------------------------------------------------------------------

@login_required
@require_GET
def needs(request):
    user = request.user
    staff = is_industry_staff(user)
    if not staff:
        # The board is the park staff's; a liaison's needs are on their own page (decision 90).
        return redirect("industry:mine")
    found = Need.objects.visible_to(user).select_related("enterprise")
    filters = NeedFilter(request.GET or None, queryset=found, user=user)
    found = filters.qs if not filters.is_bound or filters.is_valid() else found.none()
    chains = Chain.objects.visible_to(user).order_by("name")
    kind, status, chain = request.GET.get("kind", ""), request.GET.get("status", ""), _pk(request.GET.get("chain"))
    page = Paginator(found.prefetch_related(_matches()).order_by("-created_at", "-pk"), PER_PAGE) \
        .get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "industry/needs.html", {
        "page": page, "query": query.urlencode(), "kinds": NeedKind.choices, "statuses": NeedStatus.choices,
        "chains": list(chains), "kind": kind, "status": status, "chain": chain,
        "meetings": list(rules.matchmaking_meetings(user)), "next": request.get_full_path(),
        "filter_errors": filters.errors if filters.is_bound else None,
        "may_export": staff, "staff": staff,
    })


@login_required
@require_GET
def need(request, pk):
    n = get_object_or_404(Need.objects.visible_to(request.user).select_related("enterprise", "visit")
                          .prefetch_related(_matches()), pk=pk)
    staff = rules.is_staff_for(request.user, n.enterprise)
    agreements = Agreement.objects.visible_to(request.user).filter(need=n).prefetch_related("parties")
    # An agreement is between enterprises: its form is offered once an enterprise's offer is
    # confirmed (a bank's or a university's service alone makes no agreement to record).
    parties = list({m.offer.enterprise_id: m.offer.enterprise for m in n.in_play
                    if m.status == MatchStatus.CONFIRMED and m.offer.enterprise_id}.values())
    return render(request, "industry/need.html", {
        "n": n, "staff": staff, "agreements": agreements, "parties": parties,
        "meetings": list(rules.matchmaking_meetings(request.user)) if staff else [],
        "rejected": n.matches.filter(status=MatchStatus.REJECTED).select_related("offer__enterprise", "offer__partner"),
    })


def _match_of(request, pk):
    return get_object_or_404(Match.objects.visible_to(request.user).select_related("need__enterprise"), pk=pk)


@login_required
@require_POST
def confirm(request, pk):
    match = _match_of(request, pk)

    def confirm_it():
        rules.confirm_match(match, by=request.user, meeting=_meeting(request))
        messages.success(request, _("Match confirmed: %(need)s is now matched.") % {"need": match.need.enterprise.name})

    return _act(request, confirm_it, _back(request, match.need))


@login_required
@require_POST
def reject(request, pk):
    match = _match_of(request, pk)

    def reject_it():
        rules.reject_match(match, by=request.user)
        messages.success(request, _("Match rejected; it will not be suggested again."))

    return _act(request, reject_it, _back(request, match.need))


def _need_of(request, pk):
    return get_object_or_404(Need.objects.visible_to(request.user).select_related("enterprise__unit"), pk=pk)


@login_required
@require_POST
def solve(request, pk):
    n = _need_of(request, pk)
    post = request.POST

    def solve_it():
        rules.solve_need(n, by=request.user, outcome=post.get("outcome", ""),
                         amount_yuan=post.get("amount_yuan", "").strip() or None)
        messages.success(request, _("Need marked solved: %(enterprise)s.") % {"enterprise": n.enterprise.name})

    return _act(request, solve_it, _back(request, n))


@login_required
@require_POST
def agree(request, pk):
    """An agreement between the need's enterprise and the enterprises of its confirmed matches
    (those ticked), at a matchmaking meeting or not."""
    n = _need_of(request, pk)
    post = request.POST
    offered = set(Match.objects.filter(need=n, status=MatchStatus.CONFIRMED, offer__enterprise__isnull=False)
                  .values_list("offer__enterprise", flat=True))
    ticked = {_pk(v) for v in post.getlist("party")} & offered

    def record():
        parties = [n.enterprise, *Enterprise.objects.filter(pk__in=ticked)]
        rules.record_agreement(by=request.user, title=post.get("title", ""), parties=parties, need=n,
                               meeting=_meeting(request), amount_yuan=post.get("amount_yuan", "").strip() or None)
        messages.success(request, _("Agreement recorded."))

    return _act(request, record, _back(request, n))


# --- the enterprise liaison's page ------------------------------------------------------------

def _ours(user):
    return Enterprise.objects.filter(pk__in=liaison_enterprises(user)).order_by("name")


# What a liaison typed into a form that was refused is kept in the (server-side) session and put
# back once, so a past deadline does not cost them the text typed on a phone; never in a URL.
KEPT = "industry_mine_kept"
KEPT_FIELDS = ("enterprise", "kind", "text", "quantity", "deadline")


def _keep(request, form):
    request.session[KEPT] = {"form": form, **{f: request.POST.get(f, "")[:4000] for f in KEPT_FIELDS}}


@login_required
@require_GET
def mine(request):
    user = request.user
    ours = list(_ours(user))
    ids = [e.pk for e in ours]
    kept = request.session.pop(KEPT, None) or {}
    return render(request, "industry/mine.html", {
        "ours": ours, "kinds": NeedKind.choices,
        "need_kept": kept if kept.get("form") == "need" else {},
        "offer_kept": kept if kept.get("form") == "offer" else {},
        "needs": Need.objects.filter(enterprise__in=ids).select_related("enterprise").prefetch_related(_matches())
        .order_by("-created_at", "-pk")[:50],
        "offers": Offer.objects.filter(enterprise__in=ids).select_related("enterprise").order_by("-created_at")[:50],
        "agreements": Agreement.objects.filter(parties__in=ids).distinct().prefetch_related("parties")
        .order_by("-signed_on", "-pk")[:50],
    })


def _our_enterprise(request):
    ours = list(_ours(request.user))
    if not ours:
        raise Http404
    pk = _pk(request.POST.get("enterprise"))
    found = next((e for e in ours if e.pk == pk), None) if pk else (ours[0] if len(ours) == 1 else None)
    if found is None:
        raise DomainError(_("Choose one of your enterprises."), code="invalid", field="enterprise")
    return found


@login_required
@require_POST
def post_need(request):
    post = request.POST

    def make():
        rules.post_need(_our_enterprise(request), by=request.user, kind=post.get("kind", ""),
                        text=post.get("text", ""), quantity=post.get("quantity", ""),
                        deadline=_date(post.get("deadline"), "deadline"))
        messages.success(request, _("Need posted; suggested matches are listed under it."))

    return _act(request, make, "industry:mine", refused=lambda: _keep(request, "need"))


@login_required
@require_POST
def post_offer(request):
    post = request.POST

    def make():
        rules.post_offer(_our_enterprise(request), by=request.user, kind=post.get("kind", ""),
                         text=post.get("text", ""), quantity=post.get("quantity", ""))
        messages.success(request, _("Offer posted."))

    return _act(request, make, "industry:mine", refused=lambda: _keep(request, "offer"))


@login_required
@require_GET
def agreements(request):
    """Cooperation agreements of the zone, newest first, with their parties and where they were
    signed: the records "enterprises that agreed to cooperate" is counted from."""
    user = request.user
    found = Agreement.objects.visible_to(user)
    cooperating = (Agreement.parties.through.objects.filter(agreement__in=found)
                   .aggregate(n=Count("enterprise", distinct=True))["n"])
    page = Paginator(found.select_related("need__enterprise", "meeting").annotate(n_parties=Count("parties"))
                     .prefetch_related(Prefetch("parties", queryset=Enterprise.objects.order_by("name")))
                     .order_by("-signed_on", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "industry/agreements.html", {"page": page, "cooperating": cooperating})


urlpatterns = [
    path("needs/", needs, name="needs"),
    path("agreements/", agreements, name="agreements"),
    path("needs/<int:pk>/", need, name="need"),
    path("needs/<int:pk>/solve/", solve, name="need-solve"),
    path("needs/<int:pk>/agreement/", agree, name="need-agreement"),
    path("matches/<int:pk>/confirm/", confirm, name="match-confirm"),
    path("matches/<int:pk>/reject/", reject, name="match-reject"),
    path("mine/", mine, name="mine"),
    path("mine/needs/", post_need, name="mine-need"),
    path("mine/offers/", post_offer, name="mine-offer"),
]
