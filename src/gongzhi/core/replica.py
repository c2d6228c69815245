"""Reads that may be served by a PostgreSQL streaming replica.

With ``GONGZHI_REPLICA_DATABASE_URL`` set, the settings add a ``replica`` database and
``ReplicaRouter`` sends the reads of the views marked ``@reads_replica`` there: the pages that
only look (the rates, the cockpit, exports, Open311's public lists), whose readers accept a
second's lag. Everything else, and every write anywhere, goes to the primary. A case page is
never marked: right after a move its mover must see the move (read your own write), and a
replica may be behind.

The mark is a context variable, set for the duration of the view (and of a streamed body, with
``replica_stream``), so a query made anywhere below the view follows it and nothing leaks into
the next request of the same thread. Without a replica configured the router answers None
(the default database) and the mark changes nothing.
"""
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"

_reading_replica = ContextVar("gongzhi_reads_replica", default=False)

# Tables of per-request state, read and written in the same request: a lagging copy would undo a
# sign-in, a lockout, a cache entry or a token made a moment ago. Always the primary.
PRIMARY_ONLY = {"sessions", "django_cache", "axes", "api", "core"}


def replica_configured():
    return REPLICA in connections.databases


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_configured() and model._meta.app_label not in PRIMARY_ONLY:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # Both databases hold the same rows: an object read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL; it is never migrated itself.
        return db != REPLICA


@contextmanager
def replica_reads(enabled=True):
    """The queries inside read the replica (when ``enabled``): for a view that decides as it goes."""
    token = _reading_replica.set(bool(enabled))
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_replica(view):
    """Mark a view whose reads may come from the replica (read-only pages that tolerate lag)."""

    @functools.wraps(view)
    def marked(*args, **kwargs):
        token = _reading_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading_replica.reset(token)

    marked.reads_replica = True
    return marked


def replica_stream(rows):
    """Wrap a streamed response's iterable so that its lazy queries read the replica too."""
    iterator = iter(rows)
    while True:
        token = _reading_replica.set(True)
        try:
            row = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_replica.reset(token)
        yield row
