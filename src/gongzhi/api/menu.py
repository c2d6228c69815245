from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import MenuEntry

MENU = [
    # Tokens are for staff who connect another system; residents have no use for them.
    MenuEntry(_("API tokens"), "api-tokens", 95, lambda user: user.is_authenticated and user.may_hold_api_tokens(), "menu-tokens"),
]
