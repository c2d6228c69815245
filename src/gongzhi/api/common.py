"""What every app's API router shares: the documented answers, paging, the 429 error.

Apps import from here (and from gongzhi.api.schemas); the NinjaAPI itself is
assembled in gongzhi.api.v1 from the routers the apps declare (core.plugins).
"""
import base64

from django.utils.translation import gettext as _
from ninja.errors import HttpError

from . import schemas as s

MAX_LIMIT = 200


def answers(schema, ok=200, *more):
    """The documented answers of an operation: its success and the one error shape."""
    return {ok: schema, **{code: s.Error for code in (400, 401, 404, *more)}}


class TooManyRequests(HttpError):
    code = "rate_limited"

    def __init__(self, retry_after):
        super().__init__(429, _("Too many requests; try again in %(s)d seconds.") % {"s": retry_after})
        self.retry_after = retry_after


# --- paging --------------------------------------------------------------------

def pk_page(queryset, after, limit):
    """Keyset paging by primary key for the master data lists."""
    limit = max(1, min(limit, MAX_LIMIT))
    if after:
        try:
            queryset = queryset.filter(pk__gt=int(base64.urlsafe_b64decode(after + "==").decode()))
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, _("The cursor is not valid."))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=") if more else None
    return rows, cursor

