"""Backing up and restoring the whole database (`gongzhi backup FILE`, `gongzhi restore FILE`).

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): a consistent copy
taken page by page while the server goes on writing, never a file copy of a live WAL database.
PostgreSQL is dumped with ``pg_dump -Fc`` and restored with ``pg_restore`` (custom format:
compressed, restorable table by table). The credentials come from the configured database and
reach the tools through their environment (PGPASSWORD, ...), never their command line, where any
user of the machine could read them with ``ps``.

A restore never overwrites a database that already has tables unless asked (``force``), and is
all or nothing: SQLite's backup replaces the file's pages in one step, ``pg_restore`` runs in one
transaction (``--single-transaction``), and a backup is written to a temporary file that is
renamed into place only once complete (decision 49).
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connections
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError


class BackupError(DomainError):
    pass


def bilingual(error):
    """A DomainError's message for an operator's terminal: English, then Chinese (a command has no reader's language)."""
    with translation.override("en"):
        english = error.text
    with translation.override("zh-hans"):
        chinese = error.text
    return english if english == chinese else f"{english}\n{chinese}"


def _settings(alias="default"):
    return connections[alias].settings_dict


def vendor(alias="default"):
    return connections[alias].vendor


def pg_environment(settings_dict):
    """The libpq environment for pg_dump/pg_restore: where, who, and the password, off the command line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict["NAME"],
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE")):
        if options.get(option):
            values[variable] = str(options[option])
    env.update({key: value for key, value in values.items() if value})
    return env


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise BackupError(_("%(tool)s was not found: install the PostgreSQL client tools (Debian: postgresql-client)."),
                          params={"tool": name}, code="tool_missing")
    return path


def _run(command, settings_dict):
    done = subprocess.run(command, env=pg_environment(settings_dict), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s"), params={"tool": Path(command[0]).name, "error": done.stderr.strip()}, code="tool_failed")
    return done


def _temporary_beside(target):
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    return Path(name)


def backup(target, alias="default"):
    """Write a backup of the database to ``target`` (replaced only once the new copy is complete)."""
    target = Path(target)
    settings_dict = _settings(alias)
    partial = _temporary_beside(target)
    try:
        if vendor(alias) == "sqlite":
            partial.unlink()  # sqlite3 makes the file itself
            source = sqlite3.connect(settings_dict["NAME"])
            copy = sqlite3.connect(partial)
            try:
                with copy:
                    source.backup(copy)
                # The copy carries its own WAL mode; fold everything into the one file.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
                source.close()
        elif vendor(alias) == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], settings_dict)
        else:
            raise BackupError(_("Backups of a %(vendor)s database are not supported."), params={"vendor": vendor(alias)}, code="unsupported")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def table_names(alias="default"):
    with connections[alias].cursor() as cursor:
        return sorted(connections[alias].introspection.table_names(cursor))


def _check_sqlite_backup(source):
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as check:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            ok = ok and check.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone()
    except sqlite3.DatabaseError:
        ok = False
    if not ok:
        raise BackupError(_("%(file)s is not a gongzhi SQLite backup."), params={"file": source}, code="not_a_backup")


def restore(source, *, force=False, alias="default"):
    """Replace the database's contents with the backup in ``source``.

    Refused (BackupError) when the database already has tables, unless ``force``.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("There is no backup file %(file)s."), params={"file": source}, code="no_file")
    existing = table_names(alias)
    if existing and not force:
        raise BackupError(
            _("The database is not empty (%(count)s tables). Restoring would overwrite it: "
              "use --force to replace its contents with the backup."), params={"count": len(existing)}, code="not_empty",
        )
    settings_dict = _settings(alias)
    connections[alias].close()
    if vendor(alias) == "sqlite":
        _check_sqlite_backup(source)
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(settings_dict["NAME"], timeout=20)
        try:
            # The online backup API writes every page of the live database in one step, under its
            # write lock: readers see the old contents or the new, never a mixture.
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif vendor(alias) == "postgresql":
        command = [_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
                   f"--dbname={settings_dict['NAME']}"]
        if force:
            command += ["--clean", "--if-exists"]
        _run(command + [str(source)], settings_dict)
    else:
        raise BackupError(_("Backups of a %(vendor)s database are not supported."), params={"vendor": vendor(alias)}, code="unsupported")


def table_checksums(cursor, tables, quote):
    """{table: (row count, SHA-256 of its rows)}, for comparing two databases.

    ``cursor`` is any DB-API cursor and ``quote`` quotes a table name; rows are hashed through
    their text form, sorted, so two databases of the same engine compare equal when their contents do.
    """
    result = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")
        rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode() + b"\n")
        result[table] = (len(rows), digest.hexdigest())
    return result
