from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    verbose_name = _("Party organizations")
