"""Sites and services in the JSON API (/api/v1/services/...), one module per concern."""
from ninja import Router

from . import activities, bookings, care, projects, sites, volunteers

router = Router(tags=["services"])
for module in (sites, bookings, activities, volunteers, care, projects):
    router.add_router("", module.router)
