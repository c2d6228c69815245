"""Meetings: series, occurrences, notice, sign-in, attendance, agenda and minutes."""
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field

from ..models import AgendaItem, ItemStatus, Meeting, MeetingStatus, Purpose


def next_meeting_for(unit, now=None):
    """The next deliberation meeting a proposal of ``unit`` goes to: the unit's own next
    scheduled meeting, else the next one of the unit above it (a grid without its own meeting
    takes its topics to the community's). None when nothing is scheduled."""
    now = now or timezone.now()
    codes = [unit.code] + list(reversed(unit.ancestors_codes()))
    upcoming = (Meeting.objects.filter(format__purpose=Purpose.DELIBERATION, status=MeetingStatus.SCHEDULED,
                                       starts_at__gt=now, unit__code__in=codes)
                .select_related("unit").order_by("starts_at", "pk"))
    by_code = {}
    for meeting in upcoming[:50]:
        by_code.setdefault(meeting.unit.code, meeting)
    for code in codes:
        if code in by_code:
            return by_code[code]
    return None


def add_item(meeting, *, title, by, proposal=None, case=None, time_box_minutes=15, automatic=False):
    """Put an item at the end of ``meeting``'s agenda. A proposal goes on one meeting's agenda
    once; items are added only before the meeting is held."""
    title = clean_field(AgendaItem, "title", title, required=True)
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        raise DomainError(_("This meeting is over: its agenda can no longer change."), code="meeting_over")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if proposal is not None and AgendaItem.objects.filter(meeting=meeting, proposal=proposal).exists():
            raise DomainError(_("This proposal is already on the agenda."), code="already_on_agenda")
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0
        return AgendaItem.objects.create(meeting=meeting, position=last + 1, title=title, proposal=proposal, case=case,
                                         time_box_minutes=time_box_minutes, added_automatically=automatic,
                                         status=ItemStatus.PENDING)


def generate_step(now):
    return {}
