"""The party organizations' headline figures, counted from the records."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from .models import DualReport, Employment, InstructorAssignment, OrganizationKind, PartyOrganization

FIGURES = [
    Figure("grid_party_branches", _("Grid party branches"), lambda: PartyOrganization.objects.grid_branches().count()),
    Figure("grid_party_branches_working", _("Grid party branches functioning"),
           lambda: PartyOrganization.objects.grid_branches().with_working().filter(is_working=True).count()),
    Figure("building_party_groups", _("Building party groups"),
           lambda: PartyOrganization.objects.filter(kind=OrganizationKind.GROUP, building__isnull=False).count()),
    Figure("instructors", _("Party-building instructors"), lambda: InstructorAssignment.objects.values("instructor").distinct().count()),
    Figure("dual_report_members", _("In-service members registered (dual reporting)"),
           lambda: DualReport.objects.filter(member__employment=Employment.IN_SERVICE).count()),
]
