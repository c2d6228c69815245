"""Local days and months as ranges of moments, for filters that must use an index.

A filter on ``created_at__date`` makes the database compute a date for every row (no index on
the column can serve it); the same question asked as ``created_at >= day start AND < next day
start`` in the site's time zone reads the index (decision 83's follow-up)."""
import datetime

from django.db.models import Q
from django.utils import timezone


def day_start(day):
    """The first moment of a local day, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_of(text):
    """A ``YYYY-MM`` month as (first day, first day of the next), or None if it is not one."""
    try:
        first = datetime.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def on_or_after(field, day):
    return Q(**{f"{field}__gte": day_start(day)})


def before(field, day):
    return Q(**{f"{field}__lt": day_start(day)})


def in_month(field, text):
    """Rows whose moment ``field`` falls in the local month ``text`` (YYYY-MM); none if it is not one."""
    bounds = month_of(text)
    if bounds is None:
        return Q(pk__in=[])
    return on_or_after(field, bounds[0]) & before(field, bounds[1])
