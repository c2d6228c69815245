"""How an app plugs itself into the product without anyone editing another app.

Each app of the product has an AppConfig that subclasses ``GongzhiAppConfig``
and names, as dotted paths inside its own package, what it contributes:

========================  =====================================================================
``url_prefix``            its pages: ``<app>.urls`` is mounted under this prefix (e.g. "cases/")
``more_urls``             other (prefix, module) mounts, e.g. a standard interface at its own path
``api_router``            a django-ninja Router mounted on the one NinjaAPI at ``api_prefix``
``figures``               a list of ``Figure`` (headline numbers, counted from records)
``tick_steps``            callables ``step(now) -> dict`` run by `gongzhi tick` every minute
``demo_steps``            ``(order, callable)``: ``step(builder)`` builds the app's part of the demo
``menu``                  a list of ``MenuEntry`` for the top menu
``notices``               a dict event -> lazy message template, for notices about its objects
``context``               ``context(request) -> dict`` added to every page's template context
``outbox_handlers``       a dict kind -> ``handler(payload)`` for side effects sent after commit
``importers``             Excel importers: a list of ``Importer`` subclasses (``gongzhi import KIND``)
``exports``               ledgers: a list of ``Export`` (Excel export of a filtered list)
``cockpit``               cockpit parts: a list of panels and figures the app adds to the cockpit
``meeting_participants``  participant groups a meeting format may name whose people are
                          in this app's records: a dict group -> an object with ``ids(meeting)``
                          (who is invited) and ``unit_codes(user)`` (the units whose meetings of
                          that group the user takes part in, so they may open them)
``meeting_sections``      sections the app adds to a meeting's page: callables
                          ``section(meeting, user) -> MeetingSection | None`` (what was done at
                          the meeting in this app's records, e.g. matches confirmed at it)
========================  =====================================================================

Core reads these through the functions below and never imports a domain app
(a test checks it). Paths are imported lazily, on first use, so apps can name
modules that import models. Adding an app is one line in ``INSTALLED_APPS``.
"""
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


class GongzhiAppConfig(AppConfig):
    # Abstract: Django must not pick this as an app's config; each app's own config sets default = True.
    default = False
    url_prefix = None
    more_urls = ()
    api_router = None
    api_prefix = "/"
    figures = None
    tick_steps = ()
    demo_steps = ()
    menu = None
    notices = None
    context = None
    outbox_handlers = None
    importers = None
    exports = None
    cockpit = None
    meeting_participants = None
    meeting_sections = ()


@dataclass(frozen=True)
class Figure:
    """One headline number: a key (stable, in /figures.json), a label and how to count it."""

    key: str
    label: str
    count: Callable[[], float]
    # The same number within one zone (a territory root, given by its code), for the per-zone
    # breakdown of /figures.json; None when the figure has no per-zone meaning yet.
    count_in: Callable[[str], float] | None = None


@dataclass(frozen=True)
class MenuEntry:
    """A top-menu link. ``shown(user)`` says whether this person gets it (a resident must
    never see staff entries that lead to empty pages)."""

    label: str
    url_name: str
    order: int = 100
    shown: Callable = field(default=lambda user: user.is_authenticated)
    testid: str = ""


def product_apps():
    """The apps that plug into the product, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, GongzhiAppConfig)]


def _load(path):
    return import_string(path) if isinstance(path, str) else path


@cache
def url_mounts():
    mounts = []
    for config in product_apps():
        if config.url_prefix is not None:
            mounts.append((config.url_prefix, f"{config.name}.urls"))
        mounts.extend(config.more_urls)
    return mounts


@cache
def api_routers():
    return [(config.api_prefix, _load(config.api_router)) for config in product_apps() if config.api_router]


@cache
def figures():
    found = {}
    for config in product_apps():
        for figure in _load(config.figures) if config.figures else ():
            if figure.key in found:
                raise ValueError(f"Figure {figure.key!r} is declared twice ({config.name})")
            found[figure.key] = figure
    return found


@cache
def tick_steps():
    return [(f"{config.label}.{path.rsplit('.', 1)[-1]}", _load(path)) for config in product_apps() for path in config.tick_steps]


@cache
def demo_steps():
    steps = [(order, config.label, _load(path)) for config in product_apps() for order, path in config.demo_steps]
    return sorted(steps, key=lambda s: (s[0], s[1]))


@cache
def menu_entries():
    entries = [entry for config in product_apps() if config.menu for entry in _load(config.menu)]
    return sorted(entries, key=lambda e: e.order)


@cache
def notice_messages():
    messages = {}
    for config in product_apps():
        for event, template in (_load(config.notices) or {}).items() if config.notices else ():
            messages[f"{config.label}.{event}"] = template
    return messages


@cache
def context_hooks():
    return [_load(config.context) for config in product_apps() if config.context]


@cache
def outbox_handlers():
    handlers = {}
    for config in product_apps():
        for kind, path in (config.outbox_handlers or {}).items():
            handlers[kind] = _load(path)
    return handlers


@cache
def meeting_participant_sources():
    """Participant group -> its source (``ids(meeting)``, ``unit_codes(user)``) from the apps
    that hold the group's records."""
    sources = {}
    for config in product_apps():
        for group, path in (config.meeting_participants or {}).items():
            if group in sources:
                raise ValueError(f"meeting participant group {group!r} is declared twice ({config.name})")
            sources[group] = _load(path)
    return sources


@dataclass(frozen=True)
class MeetingSection:
    """A part of a meeting's page from another app: a template and its context."""
    template: str
    context: dict = field(default_factory=dict)


@cache
def meeting_sections():
    """The callables ``section(meeting, user)`` of every app, in app order."""
    return [_load(path) for config in product_apps() for path in config.meeting_sections]


def _gather(attribute, key):
    """Every app's list under ``attribute``, keyed by ``key(item)``; a clash fails at start."""
    found = {}
    for config in product_apps():
        path = getattr(config, attribute)
        for item in _load(path) if path else ():
            name = key(item)
            if name in found:
                raise ValueError(f"{attribute} {name!r} is declared twice ({config.name})")
            found[name] = item
    return found


@cache
def importers():
    """Excel importers by kind (``units``, ``residents``, ``enterprises``...)."""
    return _gather("importers", lambda importer: importer.kind)


@cache
def exports():
    """Ledger exports by slug (``cases``, ``meetings``...)."""
    return _gather("exports", lambda export: export.slug)


@cache
def cockpit_parts():
    """Cockpit parts (panels and figures) by key, in app order."""
    return _gather("cockpit", lambda part: part.key)
