"""API: party_life."""
from ninja import Router

router = Router()
