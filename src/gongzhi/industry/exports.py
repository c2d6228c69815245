"""The industry ledgers in Excel (issue 11): the coverage gap list (enterprises to act on, with the
enterprises list's own filter set) and the needs with their status. The needs sheet is the
``need_status`` importer's own layout: mark needs solved or closed and import it back."""
from django.utils.translation import gettext_lazy as _

from gongzhi.ledgers.exports import Column, Export

from .filters import EnterpriseFilter, NeedFilter
from .importers import NeedStatusImporter
from .models import INDUSTRY_STAFF_ROLES, Enterprise, Need, NeedKind, NeedStatus, PartyStatus, Scale
from .services import coverage


def _industry_staff(user):
    return user.is_authenticated and user.holds(INDUSTRY_STAFF_ROLES)


def gaps(user, full=False):
    return coverage.gap_list(Enterprise.objects.visible_to(user)).select_related("unit")


GAP_COLUMNS = (
    Column(_("name"), 30), Column(_("unified social credit code"), 22, text_format=True), Column(_("unit"), 16),
    Column(_("scale"), 10), Column(_("industry"), 14), Column(_("party organization status"), 16),
    Column(_("party members employed (full)"), 10), Column(_("party members employed (probationary)"), 10),
    Column(_("三有: should have its own organization"), 12),
)


def gap_row(enterprise, full=False):
    return [enterprise.name, enterprise.uscc, enterprise.unit.name, Scale(enterprise.scale).label, enterprise.industry,
            PartyStatus(enterprise.party_status).label, enterprise.members_full, enterprise.members_probationary,
            bool(enterprise.sanyou_gap)]


def needs(user, full=False):
    return Need.objects.visible_to(user).select_related("enterprise").order_by("-created_at", "-pk")


def need_row(need, full=False):
    """In the importer's column order."""
    return [need.pk, need.enterprise.name, NeedKind(need.kind).label, need.text, need.deadline,
            NeedStatus(need.status).label, need.outcome, need.amount_yuan]


EXPORTS = [
    Export("coverage_gaps", _("Coverage gap list"), gaps, GAP_COLUMNS, gap_row, filterset=EnterpriseFilter,
           may_run=_industry_staff, order=40),
    Export("needs", _("Enterprise needs"), needs, NeedStatusImporter.columns, need_row, filterset=NeedFilter,
           may_run=_industry_staff, order=41),
]
