"""Which zones (territory roots) a person works in, and one of them by code (404 otherwise)."""
from gongzhi.core.errors import NotFound
from gongzhi.territory.models import Unit
from django.utils.translation import gettext_lazy as _

from ..models import INDUSTRY_ROLES, ZONE_CODE_LENGTH


def zones_of(user):
    """The zones where ``user`` holds an industry role (every zone for a superuser)."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("code")
    if user.is_superuser:
        return list(roots)
    codes = {code[:ZONE_CODE_LENGTH] for code in user.scope_codes(INDUSTRY_ROLES)}
    return list(roots.filter(code__in=codes))


def zone_of(user, code=""):
    """The zone with this code among ``user``'s (the first when no code is given)."""
    zones = zones_of(user)
    if code:
        zones = [z for z in zones if z.code == code]
    if not zones:
        raise NotFound(_("No such zone."), code="not_found")
    return zones[0]
