"""API: votes."""
from ninja import Router

router = Router()
