from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry

MENU = [
    MenuEntry(_("My scope"), "home", 10, lambda user: user.is_authenticated, "menu-home"),
    MenuEntry(_("Cockpit"), "cockpit", 70, lambda user: _cockpit(user), "menu-cockpit"),
    MenuEntry(_("Figures"), "figures", 80, lambda user: True, "menu-figures"),
]


def _cockpit(user):
    from .cockpit_views import may_see_cockpit

    return may_see_cockpit(user)
