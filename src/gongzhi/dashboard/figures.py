"""The headline figures: each app declares its own (core.plugins.Figure), counted from the records.

Counting them is whole-table work, so a page never does it per request: the
figures are computed at most once per FIGURES_CACHE_SECONDS and kept in the
shared cache (docs/decisions.md, "Headline counts"). Nothing is typed in.
"""
from django.conf import settings
from django.core.cache import cache

from gongzhi.core import plugins

CACHE_KEY = "gongzhi:figures"


def compute_figures():
    """Every app's figures, counted now."""
    return {key: figure.count() for key, figure in plugins.figures().items()}


def current_figures():
    """The figures as of at most FIGURES_CACHE_SECONDS ago (what pages and /figures.json show)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = compute_figures()
        cache.set(CACHE_KEY, found, timeout=settings.FIGURES_CACHE_SECONDS)
    return found


def labels():
    return {key: figure.label for key, figure in plugins.figures().items()}
