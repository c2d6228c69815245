"""API for bookings."""
from ninja import Router

router = Router()
