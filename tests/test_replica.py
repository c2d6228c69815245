"""Reads on a real PostgreSQL streaming replica (core/replica.py, decision 63).

A private primary is made here (initdb in a temporary folder, on a free port) and a replica
cloned from it with pg_basebackup, streaming from it, on another port; a real `gongzhi serve`
runs with GONGZHI_DATABASE_URL on the primary and GONGZHI_REPLICA_DATABASE_URL on the replica.
With the replica's replay paused, the writes that follow exist only on the primary: what a page
shows then tells which database it read. The public Open311 list (marked for the replica) still
shows the old state; the case page and an API client read their own writes at once (primary).

Runs in the PostgreSQL suite; needs the server binaries and root (to run them as postgres), as
tests/test_crash.py does. Under CI=true a missing prerequisite fails instead of skipping.
"""
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

CHECKOUT = Path(__file__).resolve().parents[1]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command, check=True):
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=check, capture_output=True, text=True, timeout=180)


def sql(port, statement):
    done = as_postgres(str(PG_BIN.parent / "bin" / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                       "-d", "postgres", "-Atc", statement)
    return done.stdout.strip()


@pytest.fixture
def primary_and_replica():
    if connection.vendor != "postgresql":
        pytest.skip("streaming replication is PostgreSQL's: this test runs in the PostgreSQL suite")
    if not (os.geteuid() == 0 and (PG_BIN / "pg_basebackup").exists() and shutil.which("runuser")):
        if os.environ.get("CI"):
            pytest.fail("CI needs root and the PostgreSQL 15 server binaries to make a primary and a replica")
        pytest.skip("needs root and the PostgreSQL 15 server binaries")
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-replica-"))
    shutil.chown(folder, "postgres")
    primary, replica = folder / "primary", folder / "replica"
    ports = free_port(), free_port()
    clusters = []

    def start(data, port):
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data}"
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o", options, "start")
        clusters.append(data)

    try:
        as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        start(primary, ports[0])
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming hot standby.
        as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
                    "-D", str(replica), "-R", "-X", "stream", "-c", "fast")
        start(replica, ports[1])
        assert sql(ports[1], "SELECT pg_is_in_recovery()") == "t"
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres", "gongzhi")
        yield tuple(f"postgres://postgres@127.0.0.1:{port}/gongzhi" for port in ports), ports
    finally:
        for data in reversed(clusters):
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(folder, ignore_errors=True)


def caught_up(ports, timeout=30):
    target = sql(ports[0], "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sql(ports[1], f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


class Browser:
    """A signed-in session over plain HTTP (cookies, the CSRF token of each form)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.status, answer.read().decode()

    def post(self, path, fields, form_page):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_page)[1]).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + form_page})
        with self.opener.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode()


def public_requests(base):
    with urllib.request.urlopen(base + "/open311/v2/requests.json", timeout=30) as answer:
        return {row["service_request_id"]: row["status"] for row in json.loads(answer.read())}


def test_public_lists_read_the_replica_and_a_mover_reads_their_own_move_on_the_primary(primary_and_replica, tmp_path):
    (primary_url, replica_url), ports = primary_and_replica
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_") or k == "GONGZHI_NODE_MODULES"}
    env.update(GONGZHI_DATABASE_URL=primary_url, GONGZHI_VAR_DIR=str(tmp_path / "var"), GONGZHI_ENV="test",
               PYTHONPATH=str(CHECKOUT / "src"))
    made = subprocess.run([sys.executable, str(CHECKOUT / "tests" / "replica_world.py")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-3000:]
    world = json.loads(made.stdout.strip().splitlines()[-1])
    first = world["number"]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "gongzhi.cli", "serve", "--bind", f"127.0.0.1:{port}", "--no-tick"],
                              env={**env, "GONGZHI_REPLICA_DATABASE_URL": replica_url},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/open311/v2/services.json", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        caught_up(ports)
        assert public_requests(base) == {first: "open"}

        # From here on the replica shows the past: what the primary gets next is not replayed.
        sql(ports[1], "SELECT pg_wal_replay_pause()")
        worker = Browser(base)
        worker.post("/accounts/login/", {"username": world["username"], "password": world["password"]}, "/accounts/login/")
        status, page = worker.get(f"/cases/{first}/")
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        worker.post(f"/cases/{first}/solve_on_spot/", {"note": "换了灯泡", "version": version}, f"/cases/{first}/")
        created = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        created.request("POST", "/api/v1/cases", body=json.dumps({
            "title": "井盖松动", "description": "小区门口井盖松动", "category_code": world["category"], "lat": 36.012, "lng": 117.012,
        }), headers={"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"})
        answer = created.getresponse()
        second = json.loads(answer.read())["number"]
        assert answer.status == 201

        # The mover's case page and the API client read the primary: their own writes, at once.
        status, page = worker.get(f"/cases/{first}/")
        assert status == 200 and "换了灯泡" in page
        mine = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine.request("GET", f"/api/v1/cases/{second}", headers={"Authorization": f"Bearer {world['token']}"})
        assert mine.getresponse().status == 200
        # The public list reads the paused replica: neither the move nor the new case is there yet.
        assert public_requests(base) == {first: "open"}
        # The rates page is served (from the replica) while it lags.
        assert worker.get("/cases/rates/")[0] == 200

        sql(ports[1], "SELECT pg_wal_replay_resume()")
        caught_up(ports)
        assert public_requests(base) == {first: "closed", second: "open"}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
