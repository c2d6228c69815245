"""Building a demo world: the orchestrator and small helpers every app's demo step uses.

Each app declares its steps (GongzhiAppConfig.demo_steps); ``DemoBuilder``
runs them in order, in one transaction, sharing one seeded random generator,
one Faker (zh_CN) and one ``World`` where steps leave what later steps need.
"""
import datetime
import random

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from gongzhi.core import plugins


def spread(total, buckets, rng):
    """Split ``total`` into ``buckets`` near-equal whole parts, the larger parts placed at random."""
    base, extra = divmod(total, buckets)
    bigger = set(rng.sample(range(buckets), extra))
    return [base + (1 if i in bigger else 0) for i in range(buckets)]


def cuts(low, high, weights):
    """Boundaries that split [low, high] into parts proportional to ``weights``."""
    total = sum(weights)
    edges, acc = [low], 0
    for w in weights[:-1]:
        acc += w
        edges.append(low + (high - low) * acc / total)
    edges.append(high)
    return edges


def rectangle(west, east, south, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


class World:
    """What the steps made, for the steps after them: each step sets the attributes it owns
    (e.g. the territory sets ``district``, ``grids``; the party step ``branches``)."""


class DemoBuilder:
    """Runs every app's demo step in order, in one transaction, sharing one random generator."""

    def __init__(self, seed=2026, today=None, progress=None, through=None):
        # ``through``: run only the steps up to that order (a test of the early steps needs no more).
        self.through = through
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        # A given day (tests) makes the whole world, times included, repeatable.
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(20, 0))) if today else timezone.now()
        self.today = today or timezone.localdate(self.now)
        self.progress = progress or (lambda label: None)
        self.world = World()
        self.open311_key = None  # the demo Open311 client's api_key, once built

    @staticmethod
    def steps():
        return plugins.demo_steps()

    @transaction.atomic
    def build(self):
        for order, app_label, step in self.steps():
            if self.through is not None and order > self.through:
                break
            self.progress(f"{app_label}.{step.__name__}")
            step(self)
            self._refresh_statistics()
        return self.world

    @staticmethod
    def _refresh_statistics():
        """On PostgreSQL, let the planner know what the step just wrote.

        The whole world is built in one transaction, so autovacuum never sees the new rows and
        the planner believes the tables empty: then a join such as an account's units by role
        runs as a nested loop over everything, seconds per query. ANALYZE inside the
        transaction samples its own rows."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
