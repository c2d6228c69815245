"""Rate limits: who is counted (the address behind proxies, the IPv6 /64) and where (one count for all processes)."""
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

import gongzhi
from gongzhi.core import ratelimit
from gongzhi.core.models import RateCounter

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-tests"}}
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongzhi_cache"}}
NOW = 1_800_000_123.0  # a fixed moment, so that a test never straddles two windows


@pytest.fixture
def locmem(settings):
    """Counts in local memory, whatever GONGZHI_CACHE_URL the suite runs with, starting from none."""
    from django.core.cache import cache

    settings.CACHES = LOCMEM
    cache.clear()


def request(remote_addr="203.0.113.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/cases/report/", **meta)


# -- Rates -------------------------------------------------------------------------

def test_a_rate_is_a_count_and_a_period():
    assert ratelimit.parse_rate("20/hour") == (20, 3600)
    assert ratelimit.parse_rate("1/second") == (1, 1)


@pytest.mark.parametrize("rate", ["20/week", "abc", "0/hour", "-1/hour", "/hour", "20"])
def test_a_rate_set_at_run_time_in_another_form_is_refused_clearly(rate):
    with pytest.raises(ImproperlyConfigured, match="such as 20/hour"):
        ratelimit.parse_rate(rate)


def test_the_count_is_refused_past_the_limit_and_told_when_to_come_back(settings, locmem):
    verdicts = [ratelimit.hit("t", "a", "3/hour", now=NOW) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 3600 - int(NOW % 3600)
    assert ratelimit.hit("t", "a", "3/hour", now=NOW + 3600).allowed  # the next window starts again


def test_the_same_count_under_another_period_is_another_limit(settings, locmem):
    assert ratelimit.hit("t", "a", "1/hour", now=NOW).allowed
    assert ratelimit.hit("t", "a", "1/minute", now=NOW).allowed


# -- The client's address ------------------------------------------------------------

def test_without_trusted_proxies_the_address_is_remote_addr_and_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert str(ratelimit.client_ip(request("203.0.113.9", forwarded="198.51.100.1"))) == "203.0.113.9"


def test_behind_one_proxy_the_address_is_the_last_one_it_appended(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    # The client typed the first two entries; our proxy appended the last.
    forged = request("10.0.0.2", forwarded="1.1.1.1, 2.2.2.2, 198.51.100.7")
    assert str(ratelimit.client_ip(forged)) == "198.51.100.7"


def test_behind_two_proxies_the_address_is_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    req = request("10.0.0.2", forwarded="1.1.1.1,198.51.100.7 , 192.0.2.10")
    assert str(ratelimit.client_ip(req)) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.7"])
def test_a_header_shorter_than_the_trusted_hops_falls_back_to_remote_addr(settings, forwarded):
    settings.TRUSTED_PROXY_HOPS = 2
    assert str(ratelimit.client_ip(request("10.0.0.2", forwarded=forwarded))) == "10.0.0.2"


@pytest.mark.parametrize("entry", ["unknown", "198.51.100.7:443", "<script>", "999.1.1.1", "2001:db8::1::2", "_hidden"])
def test_an_entry_that_is_not_an_address_is_ignored_and_logged_without_its_value(settings, caplog, entry):
    settings.TRUSTED_PROXY_HOPS = 1
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.ratelimit"):
        address = ratelimit.client_ip(request("10.0.0.2", forwarded=f"1.1.1.1, {entry}"))
    assert str(address) == "10.0.0.2"
    assert "not an address" in caplog.text and entry not in caplog.text


def test_an_ipv4_client_seen_through_ipv6_is_the_ipv4_client(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert ratelimit.client_address(request("10.0.0.2", forwarded="::ffff:198.51.100.7")) == "198.51.100.7"


def test_anonymous_clients_are_counted_by_ipv4_address_and_by_ipv6_slash_64(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert ratelimit.client_address(request("198.51.100.7")) == "198.51.100.7"
    assert ratelimit.client_address(request("2001:db8:aa:bb:1:2:3:4")) == "2001:db8:aa:bb::/64"
    assert ratelimit.client_address(request("fe80::1%eth0")) == "fe80::/64"
    assert ratelimit.client_address(request("")) == "unknown"


def test_one_ipv6_slash_64_shares_one_anonymous_allowance(settings, locmem):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.INTAKE_RATE_ANONYMOUS = "2/hour"
    assert ratelimit.intake(request("2001:db8:aa:bb::1")).allowed
    assert ratelimit.intake(request("2001:db8:aa:bb:ffff::2")).allowed
    assert not ratelimit.intake(request("2001:db8:aa:bb:1234:5678:9abc:def0")).allowed  # same /64, new address
    assert ratelimit.intake(request("2001:db8:aa:bc::1")).allowed  # the next /64 is someone else
    assert ratelimit.intake(request("198.51.100.7")).allowed
    assert ratelimit.intake(request("198.51.100.7")).allowed
    assert not ratelimit.intake(request("198.51.100.7")).allowed
    assert ratelimit.intake(request("198.51.100.8")).allowed  # IPv4: each address is counted alone


def test_a_forged_x_forwarded_for_does_not_escape_the_limit_behind_a_proxy(settings, locmem):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.INTAKE_RATE_ANONYMOUS = "1/hour"
    assert ratelimit.intake(request("10.0.0.2", forwarded="1.1.1.1, 198.51.100.7")).allowed
    assert not ratelimit.intake(request("10.0.0.2", forwarded="2.2.2.2, 198.51.100.7")).allowed
    assert ratelimit.intake(request("10.0.0.2", forwarded="2.2.2.2, 198.51.100.8")).allowed


def test_the_web_form_counts_the_address_behind_the_proxy(client, db, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.INTAKE_RATE_ANONYMOUS = "1/hour"
    # An empty form is refused as invalid, but it is counted first.
    assert client.post("/cases/report/", {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    assert client.post("/cases/report/", {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.post("/cases/report/", {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


# -- Counting in the database (GONGZHI_CACHE_URL=db://) -------------------------------

def test_on_the_database_cache_the_count_lives_in_one_row_per_key_and_window(db, settings):
    settings.CACHES = DATABASE_CACHE
    verdicts = [ratelimit.hit("t", "198.51.100.7", "3/hour", now=NOW) for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    row = RateCounter.objects.get()
    assert (row.key, row.window, row.count) == ("ratelimit:t:198.51.100.7:3600", int(NOW // 3600), 5)
    assert row.expires_at == (int(NOW // 3600) + 1) * 3600


def test_on_the_database_cache_windows_that_ended_are_deleted_when_a_new_one_starts(db, settings):
    settings.CACHES = DATABASE_CACHE
    ratelimit.hit("t", "a", "3/minute", now=NOW)
    ratelimit.hit("t", "b", "3/hour", now=NOW)
    ratelimit.hit("t", "a", "3/minute", now=NOW + 60)  # a's next minute: a's last minute has ended
    assert sorted(RateCounter.objects.values_list("key", "window")) == [
        ("ratelimit:t:a:60", int((NOW + 60) // 60)), ("ratelimit:t:b:3600", int(NOW // 3600)),
    ]


def test_a_very_long_identity_still_fits_the_counter(db, settings):
    settings.CACHES = DATABASE_CACHE
    assert ratelimit.hit("follow", "x" * 500, "1/hour", now=NOW).allowed
    assert not ratelimit.hit("follow", "x" * 500, "1/hour", now=NOW).allowed
    assert len(RateCounter.objects.get().key) <= 150


def test_rate_counters_are_in_nobodys_scope(db, world):
    counter = RateCounter.objects.create(key="k", window=1, count=1, expires_at=2)
    assert not RateCounter.objects.visible_to(world.secretary).filter(pk=counter.pk).exists()


# -- Two real server processes share one count ------------------------------------------

COUNTER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from django.core.cache import cache
    from gongzhi.core import ratelimit

    me, barrier, hits, now = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    cache.set(f"two-processes:{me}", me)  # the cache itself is shared too
    (barrier / me).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:  # start together
        time.sleep(0.005)
    allowed = sum(ratelimit.hit("two-processes", "198.51.100.7", "150/day", now=now).allowed for _ in range(hits))
    print(allowed, cache.get("two-processes:a"), cache.get("two-processes:b"))
""")


def database_url():
    """The tests' database as a GONGZHI_DATABASE_URL, for processes started by a test."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    return f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'])}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def run_two_processes(tmp_path, cache_url, hits, python_path=()):
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
        # This checkout's code, not an installed one.
        "PYTHONPATH": os.pathsep.join([str(Path(gongzhi.__file__).parent.parent), *python_path]),
        "GONGZHI_ENV": "test", "GONGZHI_VAR_DIR": str(tmp_path / "var"),
        "GONGZHI_DATABASE_URL": database_url(), "GONGZHI_CACHE_URL": cache_url,
    }
    processes = [
        subprocess.Popen([sys.executable, "-c", COUNTER, name, str(barrier), str(hits), str(NOW)],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(out.split())
    return results


def test_two_server_processes_on_the_database_cache_share_one_count(transactional_db, settings, tmp_path):
    from gongzhi.core.apps import create_cache_tables

    settings.CACHES = DATABASE_CACHE
    create_cache_tables(using="default")  # what `gongzhi migrate` does with this cache set
    results = run_two_processes(tmp_path, "db://gongzhi_cache", hits=100)
    # 200 requests in all against 150/day: exactly 150 allowed, however they interleaved
    # (a read-then-write count loses increments and lets more through).
    assert sum(int(allowed) for allowed, _a, _b in results) == 150
    assert RateCounter.objects.get(key="ratelimit:two-processes:198.51.100.7:86400").count == 200  # no count lost
    assert results[1][1:] == ["a", "b"]  # each saw the other's cache entry once both had started


def test_two_server_processes_on_local_memory_each_count_alone(transactional_db, tmp_path):
    # Why the demo's default is for one process only: here each process allows its own 100.
    results = run_two_processes(tmp_path, "locmem://", hits=100)
    assert sum(int(allowed) for allowed, *_seen in results) == 200


@pytest.fixture
def redis_server(tmp_path):
    """A throw-away Redis on a free loopback port, where redis-server and the redis package exist."""
    import shutil
    import socket
    import time

    redis = pytest.importorskip("redis", reason="the optional redis package is not installed (pip install redis)")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url, str(Path(redis.__file__).parent.parent)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_server_processes_on_redis_share_one_count(redis_server, settings, tmp_path):
    from django.core.cache import cache

    url, package_dir = redis_server
    results = run_two_processes(tmp_path, url, hits=100, python_path=[package_dir])
    assert sum(int(allowed) for allowed, _a, _b in results) == 150
    assert results[1][1:] == ["a", "b"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "gongzhi"}}
    assert cache.get(f"ratelimit:two-processes:198.51.100.7:86400:{int(NOW // 86400)}") == 200


def test_the_database_counter_needs_an_sqlite_with_returning(settings, monkeypatch):
    import sqlite3

    from django.db import connection as default

    from gongzhi.core.apps import check_database_counter

    settings.CACHES = DATABASE_CACHE
    assert check_database_counter() == []  # this machine's SQLite (or PostgreSQL) has it
    if default.vendor == "sqlite":
        monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
        monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
        [error] = check_database_counter()
        assert error.id == "gongzhi.E001" and "3.34.1" in error.msg
