"""The headline figures, counted from the records every time they are asked for.

Nothing here is stored or typed in: each key is one query over the tables.
Later parts of the product add their own keys through FIGURES.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import rates
from gongzhi.cases.models import Case, Status
from gongzhi.party.models import DualReport, Employment, InstructorAssignment, OrganizationKind, PartyOrganization
from gongzhi.people.models import Agency, AgencyKind, Role, RoleAssignment
from gongzhi.territory.models import Level, Unit


def _rate(name):
    return lambda: round(getattr(rates.overall(), name), 4)


def _people_with_role(role):
    return RoleAssignment.objects.filter(role=role).values("user").distinct().count()


FIGURES = {
    "grids": lambda: Unit.objects.filter(level=Level.GRID).count(),
    "micro_grids": lambda: Unit.objects.filter(level=Level.MICRO_GRID).count(),
    "grid_party_branches": lambda: PartyOrganization.objects.grid_branches().count(),
    "grid_party_branches_working": lambda: PartyOrganization.objects.grid_branches().with_working().filter(is_working=True).count(),
    "building_party_groups": lambda: PartyOrganization.objects.filter(kind=OrganizationKind.GROUP, building__isnull=False).count(),
    "instructors": lambda: InstructorAssignment.objects.values("instructor").distinct().count(),
    "dual_report_members": lambda: DualReport.objects.filter(member__employment=Employment.IN_SERVICE).count(),
    "departments": lambda: Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count(),
    "utility_units": lambda: Agency.objects.filter(kind=AgencyKind.UTILITY).count(),
    "professional_grid_workers": lambda: _people_with_role(Role.PROFESSIONAL_GRID_WORKER),
    "legal_officers": lambda: _people_with_role(Role.LEGAL_OFFICER),
    # Residents' problems. Solved = closed (and possibly rated) cases.
    "problems_solved": lambda: Case.objects.filter(status__in=(Status.CLOSED, Status.RATED)).count(),
    "cases_total": lambda: Case.objects.exclude(status=Status.MERGED).count(),
    "cases_open": lambda: Case.objects.open().count(),
    "cases_overdue": lambda: Case.objects.open().filter(resolve_by__lt=timezone.now()).count(),
    "response_rate": _rate("response_rate"),
    "solution_rate": _rate("solution_rate"),
    "satisfaction_rate": _rate("satisfaction_rate"),
}

# Labels for the HTML page, in the same order.
LABELS = {
    "grids": _("Basic grids"),
    "micro_grids": _("Micro-grids"),
    "grid_party_branches": _("Grid party branches"),
    "grid_party_branches_working": _("Grid party branches really working"),
    "building_party_groups": _("Building party groups"),
    "instructors": _("Party-building instructors"),
    "dual_report_members": _("In-service members registered (dual reporting)"),
    "departments": _("Functional departments"),
    "utility_units": _("Utility service units"),
    "professional_grid_workers": _("Professional grid workers"),
    "legal_officers": _("Police, judges, prosecutors and lawyers"),
    "problems_solved": _("Problems solved for residents"),
    "cases_total": _("Problems reported"),
    "cases_open": _("Problems open"),
    "cases_overdue": _("Problems overdue"),
    "response_rate": _("Response rate"),
    "solution_rate": _("Solution rate"),
    "satisfaction_rate": _("Satisfaction rate"),
}


def compute_figures():
    return {key: count() for key, count in FIGURES.items()}
