"""Shared fixtures: a small world of two grids and the people around them.

Personas (after healthchecks' test personas):
- ``worker_a``: grid worker of grid A (the owner of A's records)
- ``worker_b``: grid worker of grid B (a colleague in the same community)
- ``secretary``: community secretary over both grids
- ``outsider``: a resident with no ledger role anywhere
"""
import contextlib
import datetime
import os

import pytest
from django.utils import translation

from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory import services as territory
from gongzhi.territory.models import Building, Estate, Household, Level

# Playwright's sync API runs an event loop in the test thread; the ORM calls in
# our fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


def square(west, south, size=0.01):
    return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]]}


def make_user(username, role=None, units=(), **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if role:
        assignment = RoleAssignment.objects.create(user=user, role=role, **extra)
        assignment.units.set(units)
    return user


class SmallWorld:
    pass


@pytest.fixture
def world(db):
    w = SmallWorld()
    w.district = territory.create_unit(name="测试区", level=Level.DISTRICT, code="370871")
    w.street = territory.create_unit(name="测试街道", level=Level.STREET, parent=w.district)
    w.community = territory.create_unit(name="测试社区", level=Level.COMMUNITY, parent=w.street)
    # Grid A spans lng 116.00–116.02, grid B 116.02–116.04; each has two micro-grids side by side.
    w.grid_a = territory.create_unit(name="A网格", level=Level.GRID, parent=w.community, boundary=square(116.00, 35.00, 0.02))
    w.grid_b = territory.create_unit(name="B网格", level=Level.GRID, parent=w.community, boundary=square(116.02, 35.00, 0.02))
    w.micro_a1 = territory.create_unit(name="A1", level=Level.MICRO_GRID, parent=w.grid_a, boundary={"type": "Polygon", "coordinates": [[[116.00, 35.00], [116.01, 35.00], [116.01, 35.02], [116.00, 35.02], [116.00, 35.00]]]})
    w.micro_a2 = territory.create_unit(name="A2", level=Level.MICRO_GRID, parent=w.grid_a, boundary={"type": "Polygon", "coordinates": [[[116.01, 35.00], [116.02, 35.00], [116.02, 35.02], [116.01, 35.02], [116.01, 35.00]]]})
    w.micro_b1 = territory.create_unit(name="B1", level=Level.MICRO_GRID, parent=w.grid_b, boundary=square(116.02, 35.00, 0.02))
    for key, grid in (("a", w.grid_a), ("b", w.grid_b)):
        estate = Estate.objects.create(name=f"{key.upper()}小区", grid=grid)
        building = Building.objects.create(estate=estate, number="1号楼")
        household = Household.objects.create(building=building, room="1-101")
        setattr(w, f"household_{key}", household)
    w.resident_a = territory.create_resident(household=w.household_a, name="张三", gender="M", id_number="37081119800101001X", phone="13812345678")
    w.resident_b = territory.create_resident(household=w.household_b, name="李四", gender="F", id_number="37081119900202002X", phone="13987654321")
    w.worker_a = make_user("worker-a", Role.GRID_WORKER, [w.grid_a])
    w.worker_b = make_user("worker-b", Role.GRID_WORKER, [w.grid_b])
    w.secretary = make_user("secretary", Role.COMMUNITY_SECRETARY, [w.community])
    w.outsider = make_user("outsider", Role.RESIDENT, [w.grid_a])
    return w


@pytest.fixture
def today():
    return datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs half a second per account; tests only need it to be a hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def texts(error):
    """A DomainError's message in English and in Chinese, to check both are clear."""
    with translation.override("en"):
        english = error.text
    with translation.override("zh-hans"):
        chinese = error.text
    return f"{english} | {chinese}"


@contextlib.contextmanager
def refused(match):
    """Expect a DomainError whose English or Chinese message contains ``match``."""
    from gongzhi.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        yield caught
    assert match in texts(caught.value), texts(caught.value)


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    # Rate-limit counters live in the cache (or the database); each test starts with none.
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache"):
        # GONGZHI_CACHE_URL=db://: the cache is a table, reachable only in tests that use the
        # database, once their database fixture is set up (its rows then go with the test).
        uses = [name for name in ("transactional_db", "db") if name in request.fixturenames]
        if not uses:
            return
        request.getfixturevalue(uses[0])
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_process_caches():
    # The point locator and the text model are kept per process and follow the database only
    # every few seconds; a test's rolled-back rows must not leak into the next test through them.
    from gongzhi.cases import textmodel
    from gongzhi.territory import geometry

    textmodel.reset_cache()
    geometry.reset_cache()


@pytest.fixture(autouse=True)
def fresh_content_types():
    # A transactional test flushes the tables; on PostgreSQL the content types come back with
    # new ids (sequences are not reset), so a cached one would point at nothing (notices use them).
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def default_meeting_formats(request):
    # The default meeting formats and 三会一课 cadences come from a data migration; a transactional
    # test's flush takes them with it, and every later test of deliberation would find none. Only
    # tests in a rolled-back transaction restore them here (a transactional test, which may run
    # before the database is set up for it, makes its own: tests/deliberation_helpers.py).
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db", "live_server"} & set(request.fixturenames)
    if transactional or "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from gongzhi.deliberation.defaults import install
    from gongzhi.deliberation.models import MeetingFormat, PartyCadence

    if not MeetingFormat.objects.exists():
        install(MeetingFormat, PartyCadence)
