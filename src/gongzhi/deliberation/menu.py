from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry
from gongzhi.people.models import PARTY_ROLES, Role

from .models import DELIBERATION_STAFF_ROLES, PARTICIPANT_ROLES


def _takes_part(user):
    return user.is_authenticated and user.holds(PARTICIPANT_ROLES | DELIBERATION_STAFF_ROLES)


MENU = [
    MenuEntry(_("Deliberation"), "deliberation:home", 40, _takes_part, "menu-deliberation"),
    MenuEntry(_("Party meetings"), "deliberation:party_meetings", 55,
              # Party members too: they see their organization's meetings and their own hours.
              lambda user: user.is_authenticated and user.holds(PARTY_ROLES | {Role.PARTY_MEMBER}), "menu-party-meetings"),
]
