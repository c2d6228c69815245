"""The one place where a user's scope becomes a query filter.

A territory unit's code is its parent's code plus a fixed-width digit part, so
"everything under X" is the closed range [X, X + '9' * (rest)] over one indexed
column. It works the same on SQLite and PostgreSQL and needs no LIKE.
"""
from functools import reduce
from operator import or_

from django.db.models import Q

MAX_CODE_LENGTH = 18


def code_range(prefix):
    return (prefix, prefix + "9" * (MAX_CODE_LENGTH - len(prefix)))


def minimal_codes(codes):
    """Drop codes that lie under another code of the set (they add nothing)."""
    kept = []
    for code in sorted(set(codes)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return kept


def under_codes_q(field, codes):
    """A Q object: ``field`` lies under any of ``codes``; matches nothing if empty."""
    codes = minimal_codes(codes)
    if not codes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__range": code_range(c)}) for c in codes))


def code_within(code, scope_codes):
    """The in-Python twin of ``under_codes_q``: does ``code`` lie under any of ``scope_codes``?"""
    return any(code.startswith(scope) for scope in scope_codes)


def user_covers(user, code, roles=None):
    """Does ``user`` (through ``roles``, or any role) cover the unit with this code? Superusers cover all."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or code_within(code, user.scope_codes(roles))
