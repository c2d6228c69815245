"""红色帮扶网: an area lead's visit to one of their enterprises, recorded with what it needs.

A visit is recorded by the lead's own account or by park staff over the enterprise (on the
lead's behalf: the visit keeps who recorded it through the need's ``created_by``). A need
collected on the visit is posted in the same transaction through ``market.post_need`` with the
visit, so it enters the needs board with its suggested matches like any other."""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.text import clean_field

from ..models import Enterprise, LeadVisit
from . import market

# How far back a visit may be recorded (a lead writes up last week's round, not last year's).
BACKDATE_DAYS = 92


def group_for(user, lead):
    """The lead's enterprises as ``user`` may name them: all of them for the lead's own account
    (the lead was given them), through the zone's directory for everyone else."""
    if user.is_authenticated and lead.account_id == user.pk:
        return Enterprise.objects.filter(area_leads=lead)
    return Enterprise.objects.directory(user).filter(area_leads=lead)


def may_record(user, lead, enterprise):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or lead.account_id == user.pk or market.is_staff_for(user, enterprise)


@transaction.atomic
def record_visit(lead, enterprise, *, by, visited_on=None, notes="", need_kind="", need_text="", need_quantity=""):
    """A visit of ``lead`` to ``enterprise`` (one of the lead's group), and the need it collected if any."""
    if not lead.enterprises.filter(pk=enterprise.pk).exists():
        raise DomainError(_("This enterprise is not in the area lead's group."), code="not_in_group", field="enterprise")
    if not may_record(by, lead, enterprise):
        raise NotFound(_("No such enterprise."), code="not_found", field="enterprise")
    today = timezone.localdate()
    visited_on = visited_on or today
    if not isinstance(visited_on, datetime.date) or visited_on > today:
        raise DomainError(_("A visit is recorded after it took place."), code="future_visit", field="visited_on")
    if visited_on < today - datetime.timedelta(days=BACKDATE_DAYS):
        raise DomainError(_("Record a visit within three months of it."), code="too_old", field="visited_on")
    visit = LeadVisit.objects.create(lead=lead, enterprise=enterprise, visited_on=visited_on,
                                     notes=clean_field(LeadVisit, "notes", notes))
    need = None
    if (need_text or "").strip():
        need = market.post_need(enterprise, by=by, kind=need_kind, text=need_text, quantity=need_quantity, visit=visit)
    elif need_kind:
        raise DomainError(_("Say what the enterprise needs."), code="need_text_required", field="need_text")
    return visit, need
