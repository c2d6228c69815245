"""Notices about deliberation: each concern's services module keeps its own texts (NOTICES)
and they are gathered here for the plug-in; ``on_announce`` sends them after commit."""
from gongzhi.core.notices import notify

from .services import decisions, meetings, party_life, proposals, votes

NOTICES = {}
for _module in (proposals, meetings, votes, decisions, party_life):
    # core.plugins puts the app's label in front of each key ("deliberation." + event).
    NOTICES.update({event.removeprefix("deliberation."): text for event, text in getattr(_module, "NOTICES", {}).items()})


def on_announce(payload):
    """payload: {"model": "meeting"|"proposal"|"decision"|..., "pk", "event", "key", "user_ids", "params"}"""
    from django.apps import apps

    model = apps.get_model("deliberation", payload["model"])
    target = model.objects.filter(pk=payload["pk"]).first()
    if target is None:
        return
    notify(target, payload["event"], payload["key"], payload["user_ids"], payload.get("params") or {})
