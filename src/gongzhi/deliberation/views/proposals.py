"""Pages: proposals (residents' phone pages, the staff queue and answers) and the deliberation home.

Views parse and answer; every write goes through services.proposals, every read through
Proposal.objects.visible_to(user), so a proposal outside one's units is a 404 like a missing one.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cases.forms import MultipleFileField
from gongzhi.core.errors import DomainError
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import Role

from ..models import (DELIBERATION_STAFF_ROLES, PARTICIPANT_ROLES, Decision, Meeting, MeetingStatus, Proposal,
                      ProposalFollow, ProposalStatus, Purpose, Support)
from ..services import proposals as services

LIST_RELATED = ("unit", "author")


def _decision_url(decision):
    """The decision's page, if the decisions part has one yet (else no link)."""
    try:
        return reverse("deliberation:decision", args=[decision.pk])
    except NoReverseMatch:
        return None


def _is_staff(user):
    return user.holds(DELIBERATION_STAFF_ROLES)


def _types_for_residents(user):
    """Grid workers type proposals and supports in for the residents of their grid (a list of a
    grid's accounts; a street's or district's would be far too long to pick from)."""
    return user.has_role(Role.GRID_WORKER)


@login_required
@require_GET
def home(request):
    """What a participant or staff member sees first: the next meetings, the proposals of their
    units, the proposals they follow, and the decisions on those."""
    user = request.user
    now = timezone.now()
    meetings = (Meeting.objects.visible_to(user).filter(format__purpose=Purpose.DELIBERATION,
                                                       status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN],
                                                       ends_at__gte=now)
                .select_related("format", "unit").order_by("starts_at")[:5])
    visible = Proposal.objects.visible_to(user)
    followed_ids = ProposalFollow.objects.filter(user=user).values("proposal")
    unit_proposals = (visible.filter(status=ProposalStatus.OPEN).exclude(pk__in=followed_ids)
                      .select_related(*LIST_RELATED).order_by("-created_at", "-pk")[:10])
    followed = visible.filter(pk__in=followed_ids).select_related(*LIST_RELATED).order_by("-created_at", "-pk")[:10]
    decisions = list(Decision.objects.visible_to(user).filter(item__proposal__in=followed_ids)
                     .select_related("meeting").order_by("due_on", "pk")[:10])
    for d in decisions:
        d.url = _decision_url(d)
    return render(request, "deliberation/home.html", {
        "meetings": meetings, "unit_proposals": unit_proposals, "followed": followed, "decisions": decisions,
        "is_staff": _is_staff(user), "may_propose": user.holds(PARTICIPANT_ROLES | DELIBERATION_STAFF_ROLES),
        "supports_left": services.supports_left(user, now) if user.holds(PARTICIPANT_ROLES) else None,
    })


STATUS_FILTERS = [("", gettext_lazy("All"))] + list(ProposalStatus.choices)


@login_required
@require_GET
def proposal_list(request):
    """Proposals through their filter set (decision 83), the one the cockpit's links open."""
    from ..filters import PROPOSAL_STATUSES, ProposalFilterSet

    user = request.user
    found = Proposal.objects.visible_to(user).select_related(*LIST_RELATED)
    filterset = ProposalFilterSet(request.GET or None, queryset=found)
    found = filterset.qs if not filterset.is_bound or filterset.is_valid() else found.none()
    units = list(services.proposal_units(user)[:200])
    rows, next_cursor = cursor_page(found, request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "deliberation/proposal_list.html", {
        "proposals": rows, "next_cursor": next_cursor, "statuses": [("", gettext_lazy("All")), *PROPOSAL_STATUSES],
        "status": request.GET.get("status", ""), "units": units, "unit": request.GET.get("unit", "")[:18],
        "month": request.GET.get("month", "")[:7], "query": query.urlencode(),
    })


class ProposalForm(forms.Form):
    # Units by code (not personal, and the same in the similar-proposals request).
    unit = forms.ChoiceField(label=gettext_lazy("Proposed to"))
    author = forms.TypedChoiceField(label=gettext_lazy("On behalf of (a resident of your grid)"), coerce=int,
                                    required=False, empty_value=None)
    title = forms.CharField(label=gettext_lazy("Topic in a few words"), max_length=100)
    body = forms.CharField(label=gettext_lazy("What should be discussed, and why?"), max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(label=gettext_lazy("Photos"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in services.proposal_units(user)[:200]}
        self.fields["unit"].choices = [(code, u.name) for code, u in self.units.items()]
        if _types_for_residents(user):
            self.residents = {u.pk: u for u in services.residents_for(user)[:500]}
            self.fields["author"].choices = [("", _("Myself"))] + [(pk, str(u)) for pk, u in self.residents.items()]
        else:
            self.residents = {}
            del self.fields["author"]


def _add_errors(form, error):
    for field, texts in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        form.add_error(field if field in form.fields else None, texts)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request):
    """A resident proposes a topic from the phone; staff may type one in for a resident of their grid."""
    user = request.user
    if not user.holds(PARTICIPANT_ROLES | DELIBERATION_STAFF_ROLES):
        raise Http404
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"][:18]
    form = ProposalForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        verdict = intake(request, user)
        if not verdict.allowed:
            form.add_error(None, _("Too many requests; try again in %(s)d seconds.") % {"s": verdict.retry_after})
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            author = form.residents.get(data.get("author")) if data.get("author") else user
            try:
                proposal = services.propose(unit=form.units[data["unit"]], title=data["title"], body=data["body"],
                                            author=author, by=user if author.pk != user.pk else None,
                                            photos=data["photos"])
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your proposal is open for support."))
                return redirect("deliberation:proposal", pk=proposal.pk)
        if status == 200:
            status = 400
    return render(request, "deliberation/proposal_new.html", {"form": form}, status=status)


@login_required
@require_GET
def proposal_similar(request):
    """htmx: a small list of similar proposals while the form is typed in."""
    user = request.user
    # Only a unit one may propose for: any other is a 404, like a missing one.
    unit = get_object_or_404(services.proposal_units(user), code=request.GET.get("unit", "")[:18])
    text = f"{request.GET.get('title', '')[:100]} {request.GET.get('body', '')[:500]}".strip()
    found = services.similar_proposals(unit, text, user=user)
    return render(request, "deliberation/proposal_similar.html", {"similar": found})


def _visible(request, pk):
    return get_object_or_404(Proposal.objects.visible_to(request.user).select_related("unit", "author", "answered_by"), pk=pk)


@login_required
@require_GET
def proposal_detail(request, pk):
    user = request.user
    proposal = _visible(request, pk)
    item = services.agenda_item_of(proposal)
    threshold = None
    if proposal.status == ProposalStatus.OPEN:
        threshold = services.threshold_for(proposal.unit, services.meetings.next_meeting_for(proposal.unit))
    return render(request, "deliberation/proposal_detail.html", {
        "threshold": threshold,
        "proposal": proposal, "author": services.author_label(proposal, user), "item": item,
        "photos": list(proposal.photos.all()),
        "supported": Support.objects.filter(proposal=proposal, user=user).exists(),
        "following": ProposalFollow.objects.filter(proposal=proposal, user=user).exists(),
        "may_support": proposal.status == ProposalStatus.OPEN and proposal.author_id != user.pk
        and services.takes_part_in(user, proposal.unit),
        "is_staff": services.is_staff_of(user, proposal.unit),
        # Staff record the support of a resident of their grid who has no phone.
        "residents": (list(services.residents_for(user, proposal.unit).exclude(pk=proposal.author_id)
                           .exclude(proposal_supports__proposal=proposal)[:500])
                      if proposal.status == ProposalStatus.OPEN and _types_for_residents(user)
                      and services.is_staff_of(user, proposal.unit) else []),
        "supports_left": services.supports_left(user) if user.holds(PARTICIPANT_ROLES) else None,
    })


def _action(name):
    @login_required
    @require_POST
    def act(request, pk):
        proposal = _visible(request, pk)
        try:
            if name == "support" and request.POST.get("user"):
                # A grid worker records the support of a resident of their grid (no phone).
                raw = request.POST["user"]
                resident = services.residents_for(request.user, proposal.unit).filter(
                    pk=int(raw) if raw.isdigit() and len(raw) < 18 else 0).first()
                if resident is None:
                    raise DomainError(_("No such resident in your grids."), code="resident")
                services.support(proposal, user=resident, by=request.user)
                messages.success(request, _("The support of %(name)s is recorded.") % {"name": resident})
            elif name == "support":
                services.support(proposal, user=request.user)
                messages.success(request, _("You support this proposal and will hear of it."))
            elif name == "unsupport":
                services.unsupport(proposal, user=request.user)
                messages.info(request, _("Your support is withdrawn."))
            elif name == "follow":
                services.follow(proposal, user=request.user)
            else:
                services.unfollow(proposal, user=request.user)
        except DomainError as error:
            messages.error(request, error.text)
        return redirect("deliberation:proposal", pk=proposal.pk)

    act.__name__ = f"proposal_{name}"
    return act


@login_required
@require_GET
def proposal_photo(request, pk, token, size):
    """A proposal's photo, only for those who may see the proposal (media is never public)."""
    proposal = _visible(request, pk)
    item = get_object_or_404(proposal.photos, token=token)
    stored = item.thumbnail if size == "thumb" else item.image
    kind = "image/jpeg" if size == "thumb" else f"image/{item.extension.lstrip('.').replace('jpg', 'jpeg')}"
    response = FileResponse(stored.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def proposal_queue(request):
    """Staff: the proposals of their scope still waiting for an answer, oldest first."""
    if not _is_staff(request.user):
        raise Http404
    page = Paginator(services.unanswered(request.user).select_related("author"), 50).get_page(request.GET.get("page"))
    return render(request, "deliberation/proposal_queue.html", {"page": page})


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Answer"), widget=forms.RadioSelect, choices=[
        (ProposalStatus.ON_AGENDA, gettext_lazy("Put it on a meeting's agenda")),
        (ProposalStatus.ANSWERED, gettext_lazy("Answer it directly")),
        (ProposalStatus.OUT_OF_SCOPE, gettext_lazy("Not in scope")),
    ])
    meeting = forms.TypedChoiceField(label=gettext_lazy("Meeting"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=gettext_lazy("Reason (shown to the proposer and the supporters)"),
                             max_length=LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {m.pk: m for m in services.coming_meetings(proposal)}
        self.fields["meeting"].choices = [("", _("The next meeting"))] + [
            (pk, f"{m.title} · {m.unit.name} · {timezone.localtime(m.starts_at):%Y-%m-%d %H:%M}") for pk, m in self.meetings.items()]


@login_required
@require_http_methods(["GET", "POST"])
def proposal_answer(request, pk):
    proposal = _visible(request, pk)
    if not services.is_staff_of(request.user, proposal.unit):
        raise Http404
    form = AnswerForm(request.POST or None, proposal=proposal)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer(proposal, outcome=data["outcome"], reason=data["reason"], by=request.user,
                                meeting=form.meetings.get(data["meeting"]) if data["meeting"] else None)
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The proposal is answered; the proposer and the supporters are told."))
                return redirect("deliberation:proposal", pk=proposal.pk)
        status = 400
    return render(request, "deliberation/proposal_answer.html", {"proposal": proposal, "form": form}, status=status)


urlpatterns = [
    path("", home, name="home"),
    path("proposals/", proposal_list, name="proposals"),
    path("proposals/new/", proposal_new, name="proposal_new"),
    path("proposals/similar/", proposal_similar, name="proposal_similar"),
    path("proposals/queue/", proposal_queue, name="proposal_queue"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal"),
    path("proposals/<int:pk>/answer/", proposal_answer, name="proposal_answer"),
    path("proposals/<int:pk>/photos/<str:token>/<str:size>/", proposal_photo, name="proposal_photo"),
    *[path(f"proposals/<int:pk>/{name}/", _action(name), name=f"proposal_{name}")
      for name in ("support", "unsupport", "follow", "unfollow")],
]
