"""Rules for activities (see services/__init__.py)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

NOTICES = {}


def generate_step(now):
    """Minute job: generate recurring activities' sessions ahead, mark past sessions held (to implement)."""
    return {}
