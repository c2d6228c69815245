"""The ledgers' top-menu entry: shown to whoever may run at least one export."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry


def _shown(user):
    from .views_exports import offered

    return user.is_authenticated and bool(offered(user))


MENU = [MenuEntry(_("Ledgers"), "ledgers:index", 85, _shown, "menu-ledgers")]
