"""Rules for sites (see services/__init__.py)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

NOTICES = {}
