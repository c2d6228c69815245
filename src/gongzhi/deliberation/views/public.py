"""Pages: the public notice (公示) of a grid's or a community's deliberation.

Readable without signing in, like the figures and the public case view: the meetings held and
scheduled, and the decisions with who carries them out, by when, their progress and status.

No personal data: nothing on it names a resident, an account or a phone. It is built from an
allow-list of columns (``.values()`` below), never from the rows' objects, so a field added
to a model later cannot leak onto it. Who carries a decision out is shown by name only for
agencies, organizations, companies and teams; a party member in charge is shown as "a party
member". No photos (progress photos may show people; media is never public), no votes by
person, no attendance list (counts only), no proposal authors.
"""
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongzhi.cases.models import Status as CaseStatus
from gongzhi.core.scoping import under_codes_q
from gongzhi.territory.models import Level, Unit

from .. import extensions
from ..models import Decision, DecisionStatus, Meeting, MeetingStatus, OwnerKind, Purpose

PUBLIC_LEVELS = (Level.GRID, Level.COMMUNITY)
SHOWN = 100  # at most this many meetings and decisions of each list


def owner_public(row):
    """Who carries a decision out, as the public sees it: organizations and agencies by name,
    a person never."""
    kind = row["owner_kind"]
    if kind == OwnerKind.AGENCY:
        return row["agency__name"] or ""
    if kind in (OwnerKind.PROPERTY, OwnerKind.BRANCH) and row["organization__name"]:
        return row["organization__name"]
    if kind in (OwnerKind.PROPERTY, OwnerKind.VOLUNTEER_TEAM):
        return row["owner_name"]
    return ""  # a party member: the kind alone ("Party member")


@require_GET
def public_notice(request, code):
    unit = Unit.objects.filter(code=str(code)[:18], level__in=PUBLIC_LEVELS).only("code", "name", "level").first()
    if unit is None:
        raise Http404
    now = timezone.now()
    here = under_codes_q("unit__code", [unit.code])
    meetings = (Meeting.objects.filter(here, format__purpose=Purpose.DELIBERATION,
                                       status__in=[MeetingStatus.HELD, MeetingStatus.SCHEDULED, MeetingStatus.OPEN])
                .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
                .order_by("-starts_at"))
    held = list(meetings.filter(status=MeetingStatus.HELD).values(
        "pk", "title", "starts_at", "place", "unit__name", "format__name", "present")[:SHOWN])
    upcoming = list(meetings.filter(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN], starts_at__gte=now
                                    - timezone.timedelta(hours=6)).order_by("starts_at").values(
        "pk", "title", "starts_at", "place", "unit__name", "format__name", "status")[:SHOWN])
    rows = (Decision.objects.filter(under_codes_q("meeting__unit__code", [unit.code]),
                                    meeting__format__purpose=Purpose.DELIBERATION)
            .exclude(status=DecisionStatus.CANCELLED).order_by("status", "due_on", "pk")
            .values("pk", "what", "owner_kind", "agency__name", "organization__name", "owner_name", "due_on", "percent",
                    "status", "item__title", "meeting__title", "meeting__starts_at", "case__status")[:SHOWN])
    today = timezone.localdate()
    decisions = [{**row, "owner": owner_public(row), "owner_kind_label": OwnerKind(row["owner_kind"]).label,
                  "status_label": DecisionStatus(row["status"]).label,
                  "case_status_label": CaseStatus(row["case__status"]).label if row["case__status"] else "",
                  "overdue": row["status"] in (DecisionStatus.OPEN, DecisionStatus.DONE) and row["due_on"] < today}
                 for row in rows]
    settled = Decision.objects.filter(under_codes_q("meeting__unit__code", [unit.code]),
                                      meeting__format__purpose=Purpose.DELIBERATION, status=DecisionStatus.CARRIED_OUT).count()
    # No shared caching: a signed-in reader's page carries their own name in the menu.
    return render(request, "deliberation/public_notice.html", {
        "unit": unit, "held": held, "upcoming": upcoming, "decisions": decisions, "settled": settled,
        # Other apps' sections (微幸福 projects): each builds its own allow-listed rows.
        "sections": extensions.public_sections(unit),
    })


urlpatterns = [
    path("public/<str:code>/", public_notice, name="public_notice"),
]
