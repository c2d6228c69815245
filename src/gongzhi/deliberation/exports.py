"""Deliberation's ledgers in Excel (issue 11): meetings (with how many signed in, items and
decisions) and decisions. The decisions sheet is the ``decision_progress`` importer's own layout:
edit its progress columns and import it back (importers.py)."""
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.ledgers.exports import Column, Export
from gongzhi.people.models import STAFF_ROLES

from .filters import DecisionFilterSet, MeetingFilterSet
from .importers import DecisionProgressImporter
from .models import AgendaItem, Attendance, Decision, Meeting, MeetingStatus


def _staff(user):
    return user.is_authenticated and user.holds(STAFF_ROLES)


def _count(model):
    rows = model.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def meetings(user, full=False):
    return (Meeting.objects.visible_to(user).select_related("format", "unit", "organization")
            .annotate(n_attended=_count(Attendance), n_items=_count(AgendaItem), n_decisions=_count(Decision))
            .order_by("-starts_at", "-pk"))


MEETING_COLUMNS = (
    Column(_("title"), 30), Column(_("format"), 14), Column(_("unit"), 14), Column(_("party organization"), 18),
    Column(_("starts at"), 18), Column(_("ends at"), 18), Column(_("place"), 18), Column(_("status"), 10),
    Column(_("people signed in"), 8), Column(_("agenda items"), 8), Column(_("decisions"), 8),
)


def meeting_row(meeting, full=False):
    return [meeting.title, meeting.format.name, meeting.unit.name, str(meeting.organization) if meeting.organization_id else "",
            meeting.starts_at, meeting.ends_at, meeting.place, MeetingStatus(meeting.status).label,
            meeting.n_attended, meeting.n_items, meeting.n_decisions]


def decisions(user, full=False):
    return (Decision.objects.visible_to(user)
            .select_related("meeting", "agency", "organization", "member")
            .order_by("due_on", "pk"))


def decision_row(decision, full=False):
    """In the importer's column order; the progress note is left empty for the next report."""
    return [decision.pk, f"{decision.meeting.title}（{timezone.localtime(decision.meeting.starts_at):%Y-%m-%d}）",
            decision.what, decision.owner_label(), decision.due_on, decision.get_status_display(), decision.percent, ""]


EXPORTS = [
    Export("meetings", _("Meetings"), meetings, MEETING_COLUMNS, meeting_row, filterset=MeetingFilterSet,
           may_run=_staff, order=20),
    Export("decisions", _("Decisions and their progress"), decisions, DecisionProgressImporter.columns, decision_row,
           filterset=DecisionFilterSet, may_run=_staff, order=21),
]
