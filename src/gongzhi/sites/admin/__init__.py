"""Sites and services in the back office, one module per concern (Django imports this package)."""
from . import activities, bookings, care, projects, sites, volunteers  # noqa: F401
