from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import GongzhiAppConfig


class DeliberationConfig(GongzhiAppConfig):
    default = True
    name = "gongzhi.deliberation"
    verbose_name = _("Deliberation and party meetings")
    url_prefix = "deliberation/"
    api_router = "gongzhi.deliberation.api.router"
    api_prefix = "/deliberation"
    figures = "gongzhi.deliberation.figures.FIGURES"
    tick_steps = ("gongzhi.deliberation.services.meetings.generate_step",
                  "gongzhi.deliberation.services.decisions.escalate_step",
                  "gongzhi.deliberation.services.party_life.remind_step",
                  # Proposals that reached their threshold while no meeting was scheduled.
                  "gongzhi.deliberation.services.proposals.place_waiting_step")
    demo_steps = ((65, "gongzhi.deliberation.demo.build_party_life"), (70, "gongzhi.deliberation.demo.build"))
    menu = "gongzhi.deliberation.menu.MENU"
    notices = "gongzhi.deliberation.notify.NOTICES"
    cockpit = "gongzhi.deliberation.cockpit.PARTS"
    exports = "gongzhi.deliberation.exports.EXPORTS"
    importers = "gongzhi.deliberation.importers.IMPORTERS"
    outbox_handlers = {"deliberation.announce": "gongzhi.deliberation.notify.on_announce"}

    def ready(self):
        from gongzhi.party import working

        from .services.party_life import held_party_meetings
        # The really-working rule reads 三会一课 recorded here (party.working explains why).
        working.register_meeting_source(held_party_meetings)
