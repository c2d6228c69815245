"""`gongzhi backup FILE` and `gongzhi restore FILE`: a round trip gives back every table, row for row.

The restore runs as a real `gongzhi restore` process against a second, empty database (a new SQLite
file, or a new PostgreSQL database), and both databases are then read through plain DB-API
connections: each table's row count and a checksum of its rows must be equal.
"""
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

import gongzhi as gongzhi_package
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.services import create_case
from gongzhi.core import backup

POSTGRES = connection.vendor == "postgresql"


def raw_connection(settings_dict):
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(settings_dict["NAME"])
    return psycopg.connect(dbname=settings_dict["NAME"], host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
                           user=settings_dict["USER"], password=settings_dict["PASSWORD"], autocommit=True)


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def checksums(settings_dict):
    with raw_connection(settings_dict) as raw:
        cursor = raw.cursor()
        if settings_dict["ENGINE"].endswith("sqlite3"):
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        return backup.table_checksums(cursor, tables, quote)


@pytest.fixture
def second_database(tmp_path):
    """An empty database beside the test database, and its URL for a `gongzhi` process."""
    source = connection.settings_dict
    if not POSTGRES:
        path = tmp_path / "restored.sqlite3"
        yield {"ENGINE": source["ENGINE"], "NAME": str(path)}, f"sqlite:///{path}"
        return
    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with raw_connection({**source, "NAME": "postgres"}) as admin:
        admin.execute(f"CREATE DATABASE {quote(name)}")
    target = {**source, "NAME": name}
    url = f"postgres://{source['USER']}:{source['PASSWORD']}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{name}"
    yield target, url
    with raw_connection({**source, "NAME": "postgres"}) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


SRC = str(Path(gongzhi_package.__file__).resolve().parents[1])


def gongzhi(*args, url):
    """A real `gongzhi` process (this checkout's code) on the database at ``url``."""
    env = {**os.environ, "GONGZHI_DATABASE_URL": url, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "gongzhi.cli", *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def filled(transactional_db, world):
    """The small world and two cases, committed (the backup reads them from another connection)."""
    install(Category)
    category = Category.objects.get(code="0201")
    for title in ("路灯不亮", "井盖缺失"):
        create_case(title=title, description=f"{title}，请尽快处理", category=category, channel=Channel.PATROL,
                    recorded_by=world.worker_a, lat=35.01, lng=116.005)
    return world


def test_a_backup_restored_into_an_empty_database_has_every_table_row_for_row(filled, tmp_path, second_database):
    target, url = second_database
    file = tmp_path / "gongzhi.backup"
    call_command("backup", str(file))
    assert file.stat().st_size > 0
    done = gongzhi("restore", str(file), url=url)
    assert done.returncode == 0, done.stderr

    before, after = checksums(connection.settings_dict), checksums(target)
    assert len(before) > 40 and before["cases_case"][0] == 2 and before["territory_resident"][0] == 2
    assert after == before


def test_a_restore_refuses_a_database_that_has_tables_and_says_so_in_both_languages(filled, tmp_path):
    file = tmp_path / "gongzhi.backup"
    call_command("backup", str(file))
    Case.objects.all().delete()
    with pytest.raises(Exception) as refused:
        call_command("restore", str(file))
    message = str(refused.value)
    assert "The database is not empty" in message and "--force" in message
    assert "数据库不是空的" in message
    assert Case.objects.count() == 0  # nothing was overwritten


def test_a_forced_restore_replaces_the_contents_with_the_backup(filled, tmp_path, second_database):
    target, url = second_database
    file = tmp_path / "gongzhi.backup"
    call_command("backup", str(file))
    expected = checksums(connection.settings_dict)
    assert gongzhi("restore", str(file), url=url).returncode == 0
    with raw_connection(target) as raw:  # the restored database then drifts
        raw.cursor().execute("DELETE FROM cases_timelineentry")
        raw.commit()
    refused = gongzhi("restore", str(file), url=url)
    assert refused.returncode != 0 and "--force" in refused.stderr and "数据库不是空的" in refused.stderr
    forced = gongzhi("restore", "--force", str(file), url=url)
    assert forced.returncode == 0, forced.stderr
    assert checksums(target) == expected


def test_a_file_that_is_not_a_backup_is_refused_and_the_database_stays_as_it_was(filled, tmp_path, second_database):
    target, url = second_database
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all\n" * 100)
    done = gongzhi("restore", str(junk), url=url)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert checksums(target) == {}


def test_a_backup_replaces_an_older_file_only_once_it_is_complete(filled, tmp_path):
    file = tmp_path / "gongzhi.backup"
    file.write_bytes(b"yesterday's backup")
    call_command("backup", str(file))
    assert file.read_bytes() != b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["gongzhi.backup"]  # no temporary file left


def test_the_postgresql_password_reaches_the_tools_by_environment_not_by_command_line(monkeypatch, tmp_path):
    seen = []

    def run(command, env, **kwargs):
        seen.append((command, env))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    settings_dict = {"NAME": "gongzhi", "HOST": "db.example", "PORT": 5433, "USER": "gongzhi", "PASSWORD": "s3cret-Pa55",
                     "OPTIONS": {"sslmode": "require"}}
    backup._run([backup._tool("pg_dump"), "--format=custom", "--file=x"], settings_dict)
    command, env = seen[0]
    assert not any("s3cret-Pa55" in part for part in command)
    assert env["PGPASSWORD"] == "s3cret-Pa55" and env["PGHOST"] == "db.example" and env["PGPORT"] == "5433"
    assert env["PGUSER"] == "gongzhi" and env["PGDATABASE"] == "gongzhi" and env["PGSSLMODE"] == "require"


@pytest.mark.skipif(not POSTGRES, reason="pg_dump runs only for PostgreSQL")
def test_pg_dump_is_called_without_the_password_on_its_command_line(filled, tmp_path, monkeypatch):
    real_run, seen = subprocess.run, []

    def run(command, **kwargs):
        seen.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", run)
    call_command("backup", str(tmp_path / "gongzhi.backup"))
    password = connection.settings_dict["PASSWORD"]
    assert seen and seen[0][0].endswith("pg_dump") and "--format=custom" in seen[0]
    # (the file's own path may spell anything: "gongzhi" is the test password and the folder's name)
    assert not any(password in part for part in seen[0] if not part.startswith("--file="))
