"""API for volunteers."""
from ninja import Router

router = Router()
