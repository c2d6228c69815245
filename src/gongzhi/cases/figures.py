"""Residents' problems in the headline figures ("1,500+ problems solved" is counted here)."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from . import rates
from .models import Case, Status


def _rate(name):
    return lambda: round(getattr(rates.overall(), name), 4)


FIGURES = [
    # Solved = closed (and possibly rated) cases.
    Figure("problems_solved", _("Problems solved for residents"),
           lambda: Case.objects.filter(status__in=(Status.CLOSED, Status.RATED)).count()),
    Figure("cases_total", _("Problems reported"), lambda: Case.objects.exclude(status=Status.MERGED).count()),
    Figure("cases_open", _("Problems open"), lambda: Case.objects.open().count()),
    Figure("cases_overdue", _("Problems overdue"), lambda: Case.objects.open().filter(resolve_by__lt=timezone.now()).count()),
    Figure("response_rate", _("Response rate"), _rate("response_rate")),
    Figure("solution_rate", _("Solution rate"), _rate("solution_rate")),
    Figure("satisfaction_rate", _("Satisfaction rate"), _rate("satisfaction_rate")),
]
