"""API for sites."""
from ninja import Router

router = Router()
