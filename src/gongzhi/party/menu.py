from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry
from gongzhi.people.models import PARTY_ROLES

MENU = [
    MenuEntry(_("Grid party branches"), "party:branches", 50, lambda user: user.is_authenticated and user.holds(PARTY_ROLES), "menu-branches"),
]
