from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry


def _anyone(user):
    return user.is_authenticated


MENU = [
    # Residents find activities, book rooms and ask for home services; staff run the sites.
    MenuEntry(_("Sites and services"), "sites:home", 45, _anyone, "menu-services"),
]
