"""Where the "really working" rule (实体化运行) finds an organization's recorded meetings.

The rule lives here, in the party app, but the meetings are recorded by an app above it (the
deliberation app runs 三会一课 on its meeting machinery), which party may not import. So that app
registers a *source*: a callable returning a queryset with an ``organization`` foreign key and a
``held_on`` date (an annotation is fine). Without any source no meeting is found, and no
organization counts as working.
"""
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Value

_sources = []


def register_meeting_source(source):
    if source not in _sources:
        _sources.append(source)
    return source


def meeting_sources():
    return list(_sources)


def held_between_exists(since, on):
    """An Exists() over every source: the outer organization held a meeting in [since, on]."""
    found = [Exists(source().filter(organization=OuterRef("pk"), held_on__gte=since, held_on__lte=on)) for source in _sources]
    return reduce(or_, found) if found else Value(False)


def last_held(organization, on):
    """The date of the organization's last recorded meeting on or before ``on`` (None if none)."""
    dates = [source().filter(organization=organization, held_on__lte=on).order_by("-held_on").values_list("held_on", flat=True).first()
             for source in _sources]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None
