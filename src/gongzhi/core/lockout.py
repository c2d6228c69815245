"""Sign-in throttling and lockout (django-axes), per account and per address (decision 50).

Axes counts failed sign-ins in the database (one count for every server process) through
Django's ``user_login_failed`` signal and refuses ``authenticate()`` once an account has
``GONGZHI_LOGIN_FAILURE_LIMIT`` failures, or an address ``GONGZHI_LOGIN_ADDRESS_FAILURE_LIMIT``
(over all accounts), within ``GONGZHI_LOGIN_COOLOFF_MINUTES``.
Both sign-in pages (``/accounts/login/`` and the back office's) authenticate through Django, so
both are covered; API tokens never call ``authenticate()`` and are not affected.

This module gives axes three things of ours: the client's address (the same rule as the rate
limits, behind GONGZHI_TRUSTED_PROXY_HOPS proxies, an IPv6 client counted by its /64), the
refusal page in the reader's language, and log lines that carry no user name or address (a user
name may be a phone number).
"""
import hashlib
import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from gongzhi.core.ratelimit import client_ip


def address_failures(address, now=None):
    """Failed sign-ins from ``address`` (any account) within the cool-off, from axes's own records.

    Axes keeps one record per (account, address, browser) and locks by account; the address has
    its own, higher limit (an office's staff may share one address), counted here.
    """
    if not address:
        return 0
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"))["failures"] or 0


class LockoutBackend(AxesStandaloneBackend):
    """Axes's check by account, our check by address, for sign-ins that come with a web request.

    Every sign-in page passes its request to ``authenticate()``; a password checked without one
    (a script, the test client's ``login``) has no address to count, and axes would refuse it
    outright: it is left to the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if settings.AXES_ENABLED and address_failures(client_address(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            raise AxesBackendPermissionDenied("too many failed sign-ins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request):
    """The address a lockout counts by: the IPv4 address, or the first address of the IPv6 /64."""
    address = client_ip(request)
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _tag(value):
    # Enough to tell repeated attempts apart in a log, nothing to read a name or an address from.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:10]


def client_str(username, ip_address, user_agent, path_info, request):
    """How axes names a client in its log lines: keyed hashes, never the values."""
    return f"account {_tag(username or '')} from address {_tag(ip_address or '')} at {path_info}"


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused by the lockout: the sign-in page's look, status 429."""
    response = render(request, "registration/locked_out.html", {
        "minutes": cooloff_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT,
    }, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
