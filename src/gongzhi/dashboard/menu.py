from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry

MENU = [
    MenuEntry(_("My scope"), "home", 10, lambda user: user.is_authenticated, "menu-home"),
    MenuEntry(_("Figures"), "figures", 80, lambda user: True, "menu-figures"),
]
