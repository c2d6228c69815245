"""Deliberation's parts of the cockpit (dashboard.parts): meetings held and hot issues settled,
per the unit that held them, by the month the meeting started or the proposal was made."""
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from .models import Meeting, MeetingStatus, Proposal, ProposalStatus

PREFIX = "deliberation."
SETTLED = (ProposalStatus.ANSWERED, ProposalStatus.DECIDED)


def count(start, end, unit_code=None):
    meetings = Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
    proposals = Proposal.objects.filter(created_at__gte=start, created_at__lt=end)
    if unit_code:
        meetings = meetings.filter(under_codes_q("unit__code", [unit_code]))
        proposals = proposals.filter(under_codes_q("unit__code", [unit_code]))
    for row in meetings.values("unit__code").annotate(held=Count("id", filter=Q(status=MeetingStatus.HELD))).order_by():
        yield row["unit__code"], PREFIX + "meetings_held", row["held"]
    for row in proposals.values("unit__code").annotate(
            raised=Count("id"), settled=Count("id", filter=Q(status__in=SETTLED))).order_by():
        yield row["unit__code"], PREFIX + "issues_raised", row["raised"]
        yield row["unit__code"], PREFIX + "issues_settled", row["settled"]


def first_month():
    found = [Meeting.objects.aggregate(m=Min("starts_at"))["m"], Proposal.objects.aggregate(m=Min("created_at"))["m"]]
    found = [timezone.localtime(f).date() for f in found if f]
    return min(found) if found else None


def _month(start):
    return (timezone.localtime(start) if hasattr(start, "tzinfo") else start).strftime("%Y-%m")


def _meetings(unit_code, start, end):
    return f"{reverse('deliberation:meetings')}?unit={unit_code}&status=held&when=past&month={_month(start)}"


def _proposals(unit_code, start, end, status=""):
    link = f"{reverse('deliberation:proposals')}?unit={unit_code}&month={_month(start)}"
    return f"{link}&status={status}" if status else link


def panels(view):
    x = [m.strftime("%Y-%m") for m in view.months]
    return [{"key": "meetings-and-issues", "title": str(_("Meetings held and hot issues settled")), "kind": "line", "x": x,
             "series": [{"name": str(_("Meetings held")), "data": view.series(PREFIX + "meetings_held")},
                        {"name": str(_("Hot issues raised")), "data": view.series(PREFIX + "issues_raised")},
                        {"name": str(_("Hot issues settled")), "data": view.series(PREFIX + "issues_settled")}]}]


PARTS = [
    Part("deliberation", _("Deliberation"), count, PREFIX, order=30, panel="deliberation", extra={"first": first_month, "panels": panels},
         figures=(Measure("deliberation.meetings_held", _("Meetings held"), _meetings),
                  Measure("deliberation.issues_raised", _("Hot issues raised"), _proposals),
                  Measure("deliberation.issues_settled", _("Hot issues settled"),
                          lambda u, s, e: _proposals(u, s, e, status="settled")))),
]
