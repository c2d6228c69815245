"""API for care."""
from ninja import Router

router = Router()
