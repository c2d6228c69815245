from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class SitesConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.sites"
    verbose_name = _("Sites and services")
    url_prefix = "services/"
    api_router = "gongzhi.sites.api.router"
    api_prefix = "/services"
    figures = "gongzhi.sites.figures.FIGURES"
    tick_steps = ("gongzhi.sites.services.bookings.release_no_shows_step",
                  "gongzhi.sites.services.activities.generate_step")
    demo_steps = ((80, "gongzhi.sites.demo.build"),)
    menu = "gongzhi.sites.menu.MENU"
    notices = "gongzhi.sites.notify.NOTICES"
    cockpit = "gongzhi.sites.cockpit.PARTS"
    exports = "gongzhi.sites.exports.EXPORTS"
    outbox_handlers = {"sites.announce": "gongzhi.sites.notify.on_announce"}

    def ready(self):
        from gongzhi.party import service

        from .services.volunteers import member_minutes
        # Party members' confirmed volunteer service counts toward their 双报到 record
        # (party.service explains why it is a registry).
        service.register_service_source(member_minutes)

        from gongzhi.deliberation import extensions

        from .views import projects
        # 微幸福 projects on deliberation's pages (deliberation may not import this app).
        extensions.register_public_section(projects.public_section)
        extensions.register_decision_followup(projects.decision_followups)
