from django.conf import settings
from django.urls import reverse

from gongzhi.core import plugins
from gongzhi.core.views import page_context as notices_context


def site(request):
    """What every page needs: the menu the person may use, and what the apps add (core.plugins)."""
    user = getattr(request, "user", None)
    context = {"DEMO_MODE": settings.DEMO_MODE, "MAP_TILE_URL": settings.MAP_TILE_URL}
    if user is None:
        return context
    context["MENU"] = [(entry, reverse(entry.url_name)) for entry in plugins.menu_entries() if entry.shown(user)]
    context["BACK_OFFICE"] = user.is_authenticated and user.may_use_back_office()
    context.update(notices_context(request))
    for hook in plugins.context_hooks():
        context.update(hook(request))
    return context
