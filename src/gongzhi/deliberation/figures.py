"""Deliberation and party meetings in the headline figures, counted from the records."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from .models import AgendaItem, DecisionStatus, Meeting, Proposal, Purpose


def _party_meetings_held():
    since = timezone.now() - datetime.timedelta(days=365)
    return Meeting.objects.held().filter(format__purpose=Purpose.PARTY, starts_at__gte=since).count()


FIGURES = [
    Figure("meetings_held", _("Deliberation meetings held"),
           lambda: Meeting.objects.held().filter(format__purpose=Purpose.DELIBERATION).count()),
    Figure("proposals_total", _("Proposals by residents"), lambda: Proposal.objects.count()),
    # The article's "380+ hot issues settled": agenda items whose decision was carried out (verified).
    Figure("hot_issues_settled", _("Hot issues settled"),
           lambda: AgendaItem.objects.filter(decisions__status=DecisionStatus.CARRIED_OUT).distinct().count()),
    Figure("party_meetings_held", _("Party meetings held in the last 12 months (三会一课)"), _party_meetings_held),
]
