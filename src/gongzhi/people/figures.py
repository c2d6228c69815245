"""Agencies and the people attached to grids, counted from the records."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from .models import Agency, AgencyKind, Role, RoleAssignment


def people_with_role(role):
    return RoleAssignment.objects.filter(role=role).values("user").distinct().count()


FIGURES = [
    Figure("departments", _("Functional departments"), lambda: Agency.objects.filter(kind=AgencyKind.DEPARTMENT).count()),
    Figure("utility_units", _("Utility service units"), lambda: Agency.objects.filter(kind=AgencyKind.UTILITY).count()),
    Figure("professional_grid_workers", _("Professional grid workers"), lambda: people_with_role(Role.PROFESSIONAL_GRID_WORKER)),
    Figure("legal_officers", _("Police, judges, prosecutors and lawyers"), lambda: people_with_role(Role.LEGAL_OFFICER)),
]
