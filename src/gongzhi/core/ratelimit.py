"""A fixed-window rate limit on intake (per token, or per address when anonymous).

Limits are "N/period" strings from settings (GONGZHI_INTAKE_RATE_ANONYMOUS,
GONGZHI_INTAKE_RATE_TOKEN). Counts live in Django's cache: per process with
the default local-memory cache, shared when a shared cache is configured.
"""
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def parse_rate(rate):
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def client_address(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For blindly).
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope, ident, rate, *, now=None):
    """Count one request; refuse it once the window's allowance is used up."""
    limit, period = parse_rate(rate)
    now = now or time.time()
    window = int(now // period)
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return Verdict(False, retry_after=max(1, int((window + 1) * period - now)))
    return Verdict(True)


def intake(request, user=None):
    """The intake limit for this request: by account when signed in, by address otherwise."""
    if user is not None and user.is_authenticated:
        return hit("intake-user", user.pk, settings.INTAKE_RATE_TOKEN)
    return hit("intake-anon", client_address(request), settings.INTAKE_RATE_ANONYMOUS)
