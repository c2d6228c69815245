from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class LedgersConfig(GongzhiAppConfig):
    """Ledgers (台账): Excel in and out. The importers and exports themselves belong to the apps
    whose records they carry (their ``importers`` and ``exports`` hooks); this app runs them."""

    default = True
    name = "gongzhi.ledgers"
    verbose_name = _("Ledgers")
    url_prefix = "ledgers/"
    menu = "gongzhi.ledgers.menu.MENU"
