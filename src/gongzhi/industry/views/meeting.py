"""The industry part of a matchmaking meeting's page (core.plugins ``meeting_sections``): the
matches confirmed and the agreements signed at it, each as the viewer may see it."""
from django.db.models import Prefetch

from gongzhi.core.plugins import MeetingSection

from ..models import Agreement, Enterprise, Match, MatchStatus, is_zone_staff

# A meeting's page lists at most this many of each (a 对接会 rarely confirms more than a few dozen).
LIMIT = 100


def section(meeting, user):
    matches = list(Match.objects.visible_to(user).filter(meeting=meeting, status=MatchStatus.CONFIRMED)
                   .select_related("need__enterprise", "offer__enterprise", "offer__partner").order_by("pk")[:LIMIT])
    agreements = list(Agreement.objects.visible_to(user).filter(meeting=meeting)
                      .prefetch_related(Prefetch("parties", queryset=Enterprise.objects.order_by("name")))
                      .order_by("signed_on", "pk")[:LIMIT])
    if not matches and not agreements:
        return None
    cooperating = len({p.pk for a in agreements for p in a.parties.all()})
    return MeetingSection("industry/_meeting.html", {
        "matches": matches, "agreements": agreements, "cooperating": cooperating,
        "staff": is_zone_staff(user, meeting.unit.code), "limit": LIMIT,
    })
