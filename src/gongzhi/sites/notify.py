"""Notices about sites and services: each concern's services module keeps its own texts
(NOTICES) and they are gathered here for the plug-in; ``on_announce`` sends them after commit."""
from gongzhi.core.notices import notify

from .services import activities, bookings, care, projects, volunteers

NOTICES = {}
for _module in (bookings, activities, volunteers, care, projects):
    # core.plugins puts the app's label in front of each key ("sites." + event).
    NOTICES.update({event.removeprefix("sites."): text for event, text in getattr(_module, "NOTICES", {}).items()})


def on_announce(payload):
    """payload: {"model": "booking"|"signup"|..., "pk", "event", "key", "user_ids", "params"}"""
    from django.apps import apps

    model = apps.get_model("sites", payload["model"])
    target = model.objects.filter(pk=payload["pk"]).first()
    if target is None:
        return
    notify(target, payload["event"], payload["key"], payload["user_ids"], payload.get("params") or {})
