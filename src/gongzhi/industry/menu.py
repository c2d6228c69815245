from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry

from .models import INDUSTRY_ROLES, INDUSTRY_STAFF_ROLES, Enterprise, is_industry_staff, liaison_enterprises


def _sees_enterprises(user):
    """Park staff and liaisons who would see an enterprise (one query, only for those roles)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.has_role(*INDUSTRY_ROLES):
        return False
    cached = getattr(user, "_industry_menu", None)
    if cached is None:
        cached = user._industry_menu = Enterprise.objects.visible_to(user).exists()
    return cached


def _park_staff(user):
    return _sees_enterprises(user) and is_industry_staff(user)


def _liaison(user):
    """An enterprise liaison with an enterprise (one query, only for that role)."""
    if not user.is_authenticated or not user.has_role(*(INDUSTRY_ROLES - INDUSTRY_STAFF_ROLES)):
        return False
    cached = getattr(user, "_industry_liaison", None)
    if cached is None:
        cached = user._industry_liaison = Enterprise.objects.filter(pk__in=liaison_enterprises(user)).exists()
    return cached


MENU = [MenuEntry(_("Enterprises and chains"), "industry:enterprises", 50, _sees_enterprises, "menu-industry"),
        MenuEntry(_("Needs board"), "industry:needs", 51, _park_staff, "menu-industry-needs"),
        MenuEntry(_("Our needs and offers"), "industry:mine", 52, _liaison, "menu-industry-mine")]
