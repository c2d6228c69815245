"""The case ledger's Excel export (issue 11): the cases of the person's scope through the one case
filter set (decision 70), the same rows as /cases/ledger/ with the same query string, each with
its timeline summed up in one cell (every step and its time). No phone, no description."""
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.ledgers.exports import Column, Export

from .filters import CaseFilterSet
from .menu import WORKS_CASES
from .models import OPEN_STATUSES, Case, Channel, Rating, Status, TimelineEntry
from .workflow import MOVES

COLUMNS = (
    Column(_("case number"), 14, text_format=True),
    Column(_("title"), 30),
    Column(_("major category"), 12),
    Column(_("category"), 14),
    Column(_("grid"), 14),
    Column(_("case status"), 10),
    Column(_("channel"), 10),
    Column(_("reported at"), 18),
    Column(_("resolve by"), 18),
    Column(_("closed at"), 18),
    Column(_("overdue"), 8),
    Column(_("rating"), 10),
    Column(_("solved, says the reporter"), 10),
    Column(_("timeline"), 60),
)


def cases(user, full=False):
    steps = TimelineEntry.objects.only("case_id", "move", "at").order_by("at", "id")
    return (Case.objects.visible_to(user).select_related("category__parent", "grid")
            .prefetch_related(Prefetch("timeline", queryset=steps)))


def timeline_summary(case):
    """Every step and its local time, one per line: “2026-03-01 09:30 登记”."""
    return "\n".join(f"{timezone.localtime(e.at):%Y-%m-%d %H:%M} {MOVES[e.move].label if e.move in MOVES else e.move}"
                     for e in case.timeline.all())


def _label(choices, value):
    return choices(value).label if value in choices.values else ""


def row(case, full=False):
    category = case.category
    overdue = case.status in OPEN_STATUSES and case.resolve_by < timezone.now()
    solved = "" if case.rating_solved is None else case.rating_solved
    return [case.number, case.title, category.parent.name if category.parent_id else "", category.name, case.grid.name,
            _label(Status, case.status), _label(Channel, case.channel), case.created_at, case.resolve_by, case.closed_at,
            overdue, _label(Rating, case.rating), solved, timeline_summary(case)]


EXPORTS = [
    Export("cases", _("Case ledger"), cases, COLUMNS, row, filterset=CaseFilterSet,
           may_run=lambda user: user.is_authenticated and user.holds(WORKS_CASES), order=10),
]
