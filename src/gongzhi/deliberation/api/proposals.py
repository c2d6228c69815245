"""API: proposals."""
from ninja import Router

router = Router()
