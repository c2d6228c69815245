"""The cases part's top-menu entries: each shown only to whom it serves."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry
from gongzhi.people.models import TERRITORIAL_ROLES, Role

WORKS_CASES = TERRITORIAL_ROLES | {Role.PROFESSIONAL_GRID_WORKER}

MENU = [
    MenuEntry(_("Cases"), "cases:inbox", 20, lambda user: user.is_authenticated and user.holds(WORKS_CASES), "menu-inbox"),
    MenuEntry(_("My problems"), "cases:mine", 30, lambda user: user.is_authenticated, "menu-mine"),
    MenuEntry(_("Rates"), "cases:rates", 40, lambda user: user.is_authenticated and user.holds(WORKS_CASES), "menu-rates"),
    MenuEntry(_("Report a problem"), "cases:report", 70, lambda user: True, "menu-report"),
    MenuEntry(_("Follow my report"), "cases:follow", 75, lambda user: not user.is_authenticated, "menu-follow"),
]
