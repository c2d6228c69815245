"""Rules for bookings (see services/__init__.py)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

NOTICES = {}


def release_no_shows_step(now):
    """Minute job: release bookings not checked in within their room's grace time (to implement)."""
    return {}
