from django.utils.translation import gettext_lazy as _
from ninja import Router

from gongzhi.core.plugins import Figure, MenuEntry

router = Router(tags=["sample"])


@router.get("/ping", auth=None)
def sample_ping(request):
    return {"pong": True}


FIGURES = [Figure("sample_things", _("Sample things"), lambda: 7)]
MENU = [MenuEntry(_("Sample"), "sample:index", 99, lambda user: True, "menu-sample")]
NOTICES = {"pinged": _("Pinged %(number)s")}


def tick(now):
    return {"ticked": True}


def demo(builder):
    builder.world.sample = True


def on_ping(payload):
    return None
