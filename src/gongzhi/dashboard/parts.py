"""The cockpit part contract (core.plugins ``cockpit``; docs/adding-an-app.md).

An app lists its parts in ``<app>/cockpit.py`` as ``PARTS`` and names that list in its config
(``cockpit = "gongzhi.<app>.cockpit.PARTS"``). A part owns some measures (keys such as
``cases.received`` or ``cases.category:12``) and knows how to count them for one month, per the
unit its records belong to (``count(start, end, unit_code=None)`` yields ``(unit_code, measure,
n)``; with ``unit_code`` only the rows under that code). dashboard.tallies stores the counts in
Tally and sums them up the tree; the cockpit draws ``figures`` and the part's ``panel``.
"""
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Measure:
    """A headline number of the cockpit: a measure key, its label, and the list that holds its
    records (``link(unit_code, month_start, month_end) -> url``)."""

    key: str
    label: str
    link: Callable | None = None


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    count: Callable  # (start, end, unit_code=None) -> iterable of (unit_code, measure, n)
    prefix: str  # every measure this part stores starts with it ("cases.")
    figures: tuple = ()  # Measure, shown as numbers with their trend
    panel: str = ""  # the chart's kind in static/gongzhi/cockpit.js ("" = figures only)
    order: int = 100
    extra: dict = field(default_factory=dict)
