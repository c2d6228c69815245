"""Pages: votes in the room.

- ``vote``: a participant's phone page: the item being voted on, for / against / abstain, their
  current vote (and who recorded it, when a grid worker did), their votes on closed items;
- ``vote_console``: staff open and close the vote per item and record the vote of a present
  resident without a phone;
- ``vote_screen``: the room's big screen, the running count polled from ``vote_counts`` (JSON)
  every two seconds, with the quorum and the majority as computed.

Every meeting is found through Meeting.objects.visible_to; the console also needs staff of the
meeting's unit and answers 404 otherwise, like a meeting that does not exist.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.errors import DomainError

from ..models import AgendaItem, Attendance, Choice, ItemStatus, Meeting, Purpose, Vote, Voters
from ..services import votes


def visible_meeting(user, pk):
    meetings = Meeting.objects.visible_to(user).filter(format__purpose=Purpose.DELIBERATION)
    return get_object_or_404(meetings.select_related("format", "unit"), pk=pk)


def staff_meeting(user, pk):
    meeting = visible_meeting(user, pk)
    if not votes.is_staff_of(meeting, user):
        raise Http404
    return meeting


def item_of(meeting, item_id):
    text = str(item_id or "")
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise Http404
    return get_object_or_404(AgendaItem.objects.filter(meeting=meeting).select_related("meeting__format", "meeting__unit"),
                             pk=int(text))


def counts_of(item):
    """What the screen and the console show of one item: counts, quorum and majority, as computed."""
    tally = votes.tally(item)
    return {
        "item": item.pk, "title": item.title, "status": item.status,
        "for": tally.votes_for, "against": tally.against, "abstain": tally.abstain, "cast": tally.cast,
        "eligible": tally.eligible, "counted": tally.counted, "quorum_needed": tally.quorum_needed,
        "quorum_met": tally.quorum_met, "passed": tally.passed,
    }


def _rules(meeting):
    fmt = meeting.format
    return {"voters": fmt.get_voters_display(), "quorum_percent": fmt.quorum_percent, "majority": fmt.get_majority_display()}


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, pk):
    """The participant's phone page: vote on the open item, see their votes."""
    meeting = visible_meeting(request.user, pk)
    if request.method == "POST":
        item = item_of(meeting, request.POST.get("item"))
        try:
            votes.cast(item, voter=request.user, choice=request.POST.get("choice", ""))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Your vote is recorded. You can change it until the vote closes."))
        return redirect("deliberation:vote", pk=meeting.pk)
    current = votes.open_item(meeting)
    mine = {v.item_id: v for v in Vote.objects.filter(item__meeting=meeting, voter=request.user).select_related("recorded_by")}
    voted_items = (AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.VOTED, pk__in=list(mine))
                   .order_by("position", "pk"))
    return render(request, "deliberation/vote_page.html", {
        "meeting": meeting, "item": current, "my_vote": mine.get(current.pk) if current else None,
        "may_vote": votes.may_vote(current, request.user) if current else False,
        "choices": Choice.choices, "closed": [(i, mine[i.pk]) for i in voted_items], "rules": _rules(meeting),
    })


@login_required
@require_http_methods(["GET", "POST"])
def vote_console(request, pk):
    """Staff run the votes: open and close per item, record a present resident's vote."""
    meeting = staff_meeting(request.user, pk)
    if request.method == "POST":
        item = item_of(meeting, request.POST.get("item"))
        action = request.POST.get("action")
        try:
            if action == "open":
                votes.open_vote(item, by=request.user)
                messages.success(request, _("The vote on “%(title)s” is open.") % {"title": item.title})
            elif action == "close":
                votes.close_vote(item, by=request.user)
                messages.success(request, _("The vote on “%(title)s” is closed.") % {"title": item.title})
            elif action == "behalf":
                attendance = Attendance.objects.filter(meeting=meeting, present=True, user_id=_int(request.POST.get("voter"))
                                                       ).select_related("user").first()
                if attendance is None:
                    raise DomainError(_("Choose a person signed in to this meeting."), code="voter", field="voter")
                votes.cast(item, voter=attendance.user, choice=request.POST.get("choice", ""), by=request.user)
                messages.success(request, _("The vote is recorded on their behalf."))
            else:
                raise DomainError(_("Unknown action."), code="action")
        except DomainError as error:
            messages.error(request, error.text)
        return redirect("deliberation:vote_console", pk=meeting.pk)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    present = (Attendance.objects.filter(meeting=meeting, present=True, user__isnull=False)
               .select_related("user").order_by("signed_in_at", "pk"))
    voters = set(votes.eligible_voters(meeting).values_list("user", flat=True)) if meeting.format.voters != Voters.NOBODY else set()
    return render(request, "deliberation/vote_console.html", {
        "meeting": meeting, "rows": [(item, counts_of(item)) for item in items],
        "voters": [a.user for a in present if a.user_id in voters], "choices": Choice.choices, "rules": _rules(meeting),
        "takes_votes": meeting.format.voters != Voters.NOBODY,
    })


def _int(value):
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


@login_required
@require_GET
def vote_screen(request, pk):
    """The room's big screen: large type, the running count updated every two seconds."""
    meeting = visible_meeting(request.user, pk)
    return render(request, "deliberation/vote_screen.html", {"meeting": meeting, "data": screen_data(meeting),
                                                             "rules": _rules(meeting)})


def screen_data(meeting):
    item = votes.open_item(meeting)
    if item is None:  # between votes: the last result
        item = AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.VOTED).order_by("-vote_closed_at", "-pk").first()
    return {"meeting": meeting.pk, "current": counts_of(item) if item else None}


@login_required
@require_GET
def vote_counts(request, pk):
    """The numbers the big screen polls (no names: counts only)."""
    response = JsonResponse(screen_data(visible_meeting(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("meetings/<int:pk>/vote/", vote, name="vote"),
    path("meetings/<int:pk>/votes/console/", vote_console, name="vote_console"),
    path("meetings/<int:pk>/votes/screen/", vote_screen, name="vote_screen"),
    path("meetings/<int:pk>/votes/counts.json", vote_counts, name="vote_counts"),
]
