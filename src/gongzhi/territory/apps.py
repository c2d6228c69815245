from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class TerritoryConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.territory"
    verbose_name = _("Territory")
    url_prefix = "territory/"
    api_router = "gongzhi.territory.api.router"
    figures = "gongzhi.territory.figures.FIGURES"
    demo_steps = ((10, "gongzhi.territory.demo.build_territory"), (20, "gongzhi.territory.demo.build_estates"))
    menu = "gongzhi.territory.menu.MENU"
    importers = "gongzhi.territory.importers.IMPORTERS"
    exports = "gongzhi.territory.exports.EXPORTS"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import geometry
        from .models import Unit
        from .signals import unit_codes_changed

        # This process's point locator is dropped as soon as a unit changes here;
        # other processes notice by their periodic check (geometry.locator).
        post_save.connect(geometry.forget, sender=Unit, dispatch_uid="territory.locator.saved")
        post_delete.connect(geometry.forget, sender=Unit, dispatch_uid="territory.locator.deleted")
        unit_codes_changed.connect(geometry.forget, sender=Unit, dispatch_uid="territory.locator.moved")
