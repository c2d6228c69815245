"""Fixed-window rate limits, counted where every server process sees the same count.

Limits are "N/period" strings from settings (GONGZHI_INTAKE_RATE_ANONYMOUS,
GONGZHI_INTAKE_RATE_TOKEN), checked when the settings load. Where the count lives
follows the shared cache (GONGZHI_CACHE_URL, decision 27):

- ``locmem://`` (the demo): Django's local-memory cache, atomic within the one process;
- ``redis://``: the cache's ``incr``, Redis' atomic INCRBY, shared by every process;
- ``db://``: not the cache, whose ``incr`` is a read then a write (two processes
  reading 5 both write 6), but the ``RateCounter`` table, counted by one
  ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1`` statement.

Anonymous requests are counted by address: the full IPv4 address, or the IPv6
/64 (one household or phone usually holds a whole /64, and could otherwise
take a fresh address per request). Behind proxies the address is read from
X-Forwarded-For as far as GONGZHI_TRUSTED_PROXY_HOPS says it can be trusted.
"""
import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def parse_rate(rate):
    """(count, seconds) of an "N/period" rate such as "20/hour"."""
    count, _, period = str(rate).partition("/")
    try:
        count, seconds = int(count), settings.RATE_PERIODS[period.strip()]
    except (ValueError, KeyError):
        count = 0
    if count < 1:
        raise ImproperlyConfigured(f"A rate must be a count and a period such as 20/hour, not {rate!r}")
    return count, seconds


# -- Who is asking -------------------------------------------------------------

def _ip(value):
    """An IPv4 or IPv6 address, or None for anything else (ports and names are not addresses)."""
    try:
        address = ipaddress.ip_address(str(value).strip().split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
    return address


def client_ip(request):
    """The client's address as an ``ipaddress`` object, or None if it cannot be told.

    With GONGZHI_TRUSTED_PROXY_HOPS = 0 that is REMOTE_ADDR, and X-Forwarded-For is
    ignored: anyone can send it. With N > 0, each of the N proxies in front appends
    the address it saw, so the Nth entry from the right was written by our own
    outermost proxy; entries further left came from the client and prove nothing.
    A header with fewer than N entries, or an entry there that is not an address,
    means the request did not come the configured way: REMOTE_ADDR is used.
    """
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_HOPS
    if hops == 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",")] if header.strip() else []
    if len(entries) < hops:
        log.warning("X-Forwarded-For has fewer entries than GONGZHI_TRUSTED_PROXY_HOPS; using REMOTE_ADDR")
        return remote
    forwarded = _ip(entries[-hops])
    if forwarded is None:
        # The value is not logged: it may be anything a client typed.
        log.warning("X-Forwarded-For entry %d from the right is not an address; using REMOTE_ADDR", hops)
        return remote
    return forwarded


def client_address(request):
    """What anonymous limits count by: the IPv4 address, or the IPv6 /64 the address lies in.

    One phone or household holds a whole /64 and may take a new address in it for
    every request, so a single IPv6 address would limit nobody.
    """
    address = client_ip(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# -- Counting --------------------------------------------------------------------

def _counts_in_database():
    return settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")


def _count_in_database(key, window, expires_at, now):
    """One more request for (key, window), atomically; the new count.

    A single upsert statement: PostgreSQL takes the row lock for the conflict,
    SQLite the database's write lock, so concurrent processes never lose a count.
    """
    from gongzhi.core.models import RateCounter  # the model's module needs the app registry ready

    alias = router.db_for_write(RateCounter)
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    column = {f.name: quote(f.column) for f in RateCounter._meta.concrete_fields}
    sql = (
        f"INSERT INTO {table} ({column['key']}, {column['window']}, {column['count']}, {column['expires_at']}) "
        f"VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT ({column['key']}, {column['window']}) "
        f"DO UPDATE SET {column['count']} = {table}.{column['count']} + 1 "
        f"RETURNING {column['count']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window, expires_at])
        count = cursor.fetchone()[0]
    if count == 1:
        # A new window began for this key: clear windows that have ended (indexed on expires_at),
        # so the table holds about one row per key seen in the last period.
        RateCounter.objects.using(alias).filter(expires_at__lte=now).delete()
    return count


def _count_in_cache(key, timeout):
    cache.add(key, 0, timeout=timeout)  # no-op if the window's key exists
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: start again at one
        return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)


def hit(scope, ident, rate, *, now=None):
    """Count one request of ``ident`` against ``rate``; refuse it once the window's allowance is used up."""
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    window = int(now // period)
    ends = (window + 1) * period
    key = f"ratelimit:{scope}:{ident}:{period}"  # the period keeps "20/hour" and "20/minute" apart
    if len(key) > 150:  # fits RateCounter.key and every cache's key limit, whatever the identity
        key = f"ratelimit:{scope[:40]}:{hashlib.sha256(key.encode()).hexdigest()}"
    if _counts_in_database():
        count = _count_in_database(key, window, ends, int(now))
    else:
        count = _count_in_cache(f"{key}:{window}", timeout=period + 1)
    if count > limit:
        return Verdict(False, retry_after=max(1, int(ends - now)))
    return Verdict(True)


def intake(request, user=None):
    """The intake limit for this request: by account when signed in, by address otherwise."""
    if user is not None and user.is_authenticated:
        return hit("intake-user", user.pk, settings.INTAKE_RATE_TOKEN)
    return hit("intake-anon", client_address(request), settings.INTAKE_RATE_ANONYMOUS)
