"""The headline figures: each app declares its own (core.plugins.Figure), counted from the records.

Counting them is whole-table work, so a page never does it per request: the
figures are computed at most once per FIGURES_CACHE_SECONDS and kept in the
shared cache (docs/decisions.md, "Headline counts"). Nothing is typed in.
"""
from django.conf import settings
from django.core.cache import cache

from gongzhi.core import plugins

CACHE_KEY = "gongzhi:figures"
ZONES_CACHE_KEY = "gongzhi:figures:zones"


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


def compute_zone_figures():
    """Each zone's own figures (those declared with ``count_in``), keyed by the zone's code."""
    from gongzhi.territory.models import Unit

    per_zone = [f for f in plugins.figures().values() if f.count_in is not None]
    return {zone.code: {"name": zone.name, **{f.key: f.count_in(zone.code) for f in per_zone}}
            for zone in Unit.objects.filter(parent__isnull=True).order_by("code")}


def current_zone_figures():
    """The per-zone figures, cached like the instance's."""
    found = cache.get(ZONES_CACHE_KEY)
    if found is None:
        found = compute_zone_figures()
        cache.set(ZONES_CACHE_KEY, found, timeout=settings.FIGURES_CACHE_SECONDS)
    return found


def labels():
    return {key: figure.label for key, figure in plugins.figures().items()}
