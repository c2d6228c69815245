"""API for activities."""
from ninja import Router

router = Router()
