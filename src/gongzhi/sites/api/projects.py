"""API for projects."""
from ninja import Router

router = Router()
