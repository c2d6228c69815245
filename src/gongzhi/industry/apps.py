from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class IndustryConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.industry"
    verbose_name = _("Industry chains")
    url_prefix = "industry/"
    api_router = "gongzhi.industry.api.router"
    api_prefix = "/industry"
    figures = "gongzhi.industry.figures.FIGURES"
    demo_steps = ((85, "gongzhi.industry.demo.build"), (86, "gongzhi.industry.demo_market.build"))
    menu = "gongzhi.industry.menu.MENU"
    exports = "gongzhi.industry.exports.EXPORTS"
    importers = "gongzhi.industry.importers.IMPORTERS"
    cockpit = "gongzhi.industry.cockpit.PARTS"
    meeting_participants = {"enterprises": "gongzhi.industry.services.enterprises.MeetingLiaisons"}
    meeting_sections = ("gongzhi.industry.views.meeting.section",)
