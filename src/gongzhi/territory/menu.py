from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry
from gongzhi.people.models import LEDGER_ROLES

MENU = [
    MenuEntry(_("Residents"), "territory:residents", 60, lambda user: user.is_authenticated and user.holds(LEDGER_ROLES), "menu-residents"),
]
