"""The crash test (benchmarks/crash.py) at a small size: kill -9 the server mid-run, and on PostgreSQL
crash the database too; every acknowledged case is there exactly once with its whole timeline.

On SQLite the script runs on a new database file. On PostgreSQL it runs on a private cluster made
here (initdb in a temporary folder, on a free port) so that the database can be crashed
(``pg_ctl -m immediate``: no shutdown checkpoint, WAL recovery at the next start) without touching
the cluster the rest of the suite, or anyone else on the machine, uses. That needs the PostgreSQL
server binaries and root (to run them as the postgres user); without them the database is not
restarted, only the server is killed, and the report says ``database_restarts: 0``.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

import gongzhi

CHECKOUT = Path(gongzhi.__file__).resolve().parents[2]
SCRIPT = CHECKOUT / "benchmarks" / "crash.py"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def can_run_a_private_cluster():
    return os.geteuid() == 0 and (PG_BIN / "initdb").exists() and shutil.which("runuser")


@pytest.fixture
def crash_database(tmp_path):
    """(database URL, shell command that crashes and restarts that database, or "")."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}", ""
        return
    if not can_run_a_private_cluster():
        # Restarting the shared cluster would cut every other connection: only the server is killed.
        import psycopg

        settings_dict = connection.settings_dict
        name = f"{settings_dict['NAME']}_crash"
        with psycopg.connect(dbname="postgres", host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
                             user=settings_dict["USER"], password=settings_dict["PASSWORD"], autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        yield (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST'] or '127.0.0.1'}:"
               f"{settings_dict['PORT'] or 5432}/{name}"), ""
        return
    # Not under tmp_path: pytest's folder is root's alone, and the cluster runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-crash-pg-"))
    data, port = folder / "cluster", free_port()
    data.mkdir()
    shutil.chown(folder, "postgres")
    shutil.chown(data, "postgres")

    def as_postgres(*command):
        return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True, timeout=120)

    as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=on"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o", options]
    as_postgres(*pg_ctl, "start")
    try:
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "crash")
        restart = (f"runuser -u postgres -- {PG_BIN / 'pg_ctl'} -D {data} -w -l {data / 'log'} "
                   f"-m immediate restart -o '{options}'")
        yield f"postgres://postgres@127.0.0.1:{port}/crash", restart
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", *pg_ctl[:3], "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_every_acknowledged_case_survives_a_kill_of_the_server_exactly_once(crash_database, tmp_path):
    url, restart_database = crash_database
    out = tmp_path / "crash.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_") or k in ("GONGZHI_NODE_MODULES",)}
    env.update(GONGZHI_DATABASE_URL=url, GONGZHI_VAR_DIR=str(tmp_path / "var"), GONGZHI_ENV="test")
    done = subprocess.run([sys.executable, str(SCRIPT), "--requests", "60", "--clients", "4", "--kill-at", "20",
                           "--time-limit", "120", "--restart-db-command", restart_database, "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert out.exists(), done.stderr[-3000:]
    report = json.loads(out.read_text())
    print(json.dumps(report, indent=2))  # the counts, in the test's output
    assert done.returncode == 0 and report["ok"], report
    assert report["acknowledged"] == report["cases"] == 60
    assert report["missing"] == report["duplicated"] == report["incomplete_timelines"] == []
    assert 20 <= report["acknowledged_before_kill"] < 60  # the kill came mid-run
    assert report["server_kills"] == 1
    assert report["database_restarts"] == (1 if restart_database else 0)
