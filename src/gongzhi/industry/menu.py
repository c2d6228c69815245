from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry

from .models import INDUSTRY_ROLES, Enterprise


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


MENU = [MenuEntry(_("Enterprises and chains"), "industry:enterprises", 50, _sees_enterprises, "menu-industry")]
