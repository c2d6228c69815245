"""Deliberation and party meetings in the JSON API (/api/v1/deliberation/...), one module per concern."""
from ninja import Router

from . import decisions, meetings, party_life, proposals, votes

router = Router(tags=["deliberation"])
for module in (proposals, meetings, votes, decisions, party_life):
    router.add_router("", module.router)
