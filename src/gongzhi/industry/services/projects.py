"""政产学研 projects: park staff record an enterprise's project with a university or institute of
its zone, and update what came of it (patents, standards drafted, revenue from the results) as
it grows. One transaction each; a broken rule raises DomainError (nothing written); another
zone's enterprise or partner is not found."""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import user_covers
from gongzhi.core.text import clean_field

from ..models import INDUSTRY_STAFF_ROLES, PartnerKind, Project
from .enterprises import zone_code
from .market import _amount

RESULT_LIMIT = 100_000
RESEARCH_PARTNERS = (PartnerKind.UNIVERSITY,)


def _count(value, field, label):
    if isinstance(value, str):
        value = value.strip() or "0"
        value = int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else -1
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= RESULT_LIMIT:
        raise DomainError(_("%(label)s must be a whole number from 0 to 100,000."), code="invalid", field=field,
                          params={"label": capfirst(label)})
    return value


def _results(patents, standards, revenue_yuan):
    return (_count(patents, "patents", Project._meta.get_field("patents").verbose_name),
            _count(standards, "standards", Project._meta.get_field("standards").verbose_name),
            _amount(revenue_yuan) or 0)


@transaction.atomic
def record_project(*, by, enterprise, university, title, started_on=None, patents=0, standards=0, revenue_yuan=None):
    """A new 政产学研 project of ``enterprise`` with ``university`` (a university or institute
    partner of the same zone), recorded by park staff covering the enterprise."""
    if not user_covers(by, enterprise.unit.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such enterprise."), code="not_found", field="enterprise")
    if university.zone.code != zone_code(enterprise.unit):
        raise NotFound(_("No such partner."), code="not_found", field="university")
    if university.kind not in RESEARCH_PARTNERS:
        raise DomainError(_("Choose a university or institute partner."), code="invalid", field="university")
    if started_on is not None and (not isinstance(started_on, datetime.date) or started_on > timezone.localdate()):
        raise DomainError(_("The start date cannot be in the future."), code="invalid", field="started_on")
    patents, standards, revenue = _results(patents, standards, revenue_yuan)
    return Project.objects.create(enterprise=enterprise, university=university, started_on=started_on,
                                  title=clean_field(Project, "title", title, required=True),
                                  patents=patents, standards=standards, revenue_yuan=revenue)


@transaction.atomic
def update_results(project, *, by, patents, standards, revenue_yuan):
    """What came of the project so far: patents, standards drafted, revenue from its results."""
    project = Project.objects.select_for_update().select_related("enterprise__unit").get(pk=project.pk)
    if not user_covers(by, project.enterprise.unit.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such project."), code="not_found")
    project.patents, project.standards, project.revenue_yuan = _results(patents, standards, revenue_yuan)
    project.save(update_fields=["patents", "standards", "revenue_yuan"])
    return project
