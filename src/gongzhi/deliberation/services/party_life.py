"""三会一课: statutory meetings of party organizations, their cadence, and who is behind."""
from django.db.models.functions import TruncDate

from ..models import Meeting, MeetingStatus, Purpose


def held_party_meetings():
    """The statutory meetings held, as the really-working rule reads them (party.working)."""
    return Meeting.objects.filter(format__purpose=Purpose.PARTY, status=MeetingStatus.HELD,
                                  organization__isnull=False).annotate(held_on=TruncDate("starts_at"))


def remind_step(now):
    return {}
