"""Backups: the database and the media files in one .tar.gz; restore into an empty database.

An archive holds ``manifest.json`` (format, database vendor, row count of every table),
the database (``database.pgdump``: ``pg_dump -Fc``; or ``database.sqlite3``: a copy made with
SQLite's online backup API) and ``media/`` (MEDIA_ROOT: the evidence files).

Consistency: on PostgreSQL the row counts and ``pg_dump`` read the same exported snapshot; on
SQLite the counts are read from the copy. Media files are archived after the database, and
evidence files are never deleted, so every file the database refers to is in the archive.
A restore refuses a database that has any table in it, restores, then checks every table's row
count against the manifest.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.utils import load_backend
from django.utils import timezone

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
T = TypeVar("T")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- Backup -----------------------------------------------------------------------------------


def backup_create(*, directory: str | Path, using: str = "default",
                  media_root: str | Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Write ``tracker-<UTC timestamp>.tar.gz`` into ``directory``; return its path and manifest."""
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    archive = _free_name(directory, f"tracker-{created:%Y%m%d-%H%M%S}")

    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        dump = Path(work) / DUMP_NAMES[connection.vendor]
        if connection.vendor == "postgresql":
            tables = _dump_postgresql(connection, dump)
        else:
            tables = _copy_sqlite(connection, dump)
        media = _media_files(media_root)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created": created.isoformat(),
            "vendor": connection.vendor,
            "database": dump.name,
            "tables": tables,
            "media_files": len(media),
            "media_bytes": sum(path.stat().st_size for path in media),
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        partial = archive.with_name(archive.name + ".partial")
        # Password hashes and every report are in it: readable by its owner only.
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            for path in media:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.rename(archive)  # a half-written archive never looks like a backup
    return archive, manifest


def _free_name(directory: Path, stem: str) -> Path:
    candidate = directory / f"{stem}.tar.gz"
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"{stem}-{number}.tar.gz"
    return candidate


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink())


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    if connection.in_atomic_block:
        raise BackupError("A backup needs its own transaction; it cannot run inside another one.")
    connection.ensure_connection()
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _table_counts(connection, cursor)
        # pg_dump reads the snapshot this transaction holds open: the counts and the dump agree.
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--compress=0", f"--snapshot={snapshot}",
             f"--file={target}"],
            connection.settings_dict,
        )
    return tables


def _copy_sqlite(connection: BaseDatabaseWrapper, target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return _with_database({**connection.settings_dict, "NAME": str(target)}, _count_all)


# --- Restore ----------------------------------------------------------------------------------


def backup_restore(archive: str | Path, *, using: str = "default", settings_dict: dict[str, Any] | None = None,
                   media_root: str | Path | None = None) -> dict[str, Any]:
    """Restore ``archive`` into an empty database (``using``'s, or ``settings_dict``) and media root.

    Returns the manifest. Raises BackupError, with nothing written to the database, when the
    archive is not a backup, is for another database vendor, or the database is not empty.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No backup at {archive}.")
    settings_dict = dict(settings_dict or connections[using].settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = load_backend(settings_dict["ENGINE"]).DatabaseWrapper.vendor

    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as folder:
        work = Path(folder)
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(work, filter="data")  # no absolute paths, links out or devices
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"{archive} is not a backup made by `manage.py backup`: {error}") from error
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"{archive} has archive format {manifest.get('format')!r}; this version reads {ARCHIVE_FORMAT}.")
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"{archive} is a {manifest['vendor']} backup; it restores into {manifest['vendor']}, not {vendor}."
            )
        existing = _with_database(settings_dict, _table_names)
        if existing:
            raise BackupError(
                f"The database {settings_dict['NAME']} is not empty ({len(existing)} tables): a backup "
                "restores into an empty database only. "
                + ("Create a new one (createdb) or drop and re-create this one first."
                   if vendor == "postgresql" else "Move the database file aside first.")
            )
        dump = work / manifest["database"]
        if vendor == "postgresql":
            _run(
                [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", f"--dbname={settings_dict['NAME']}", str(dump)],
                settings_dict,
            )
        else:
            _with_database(settings_dict, lambda connection: _sqlite_restore(dump, connection))

        restored = _with_database(settings_dict, _count_all)
        if restored != manifest["tables"]:
            differences = sorted(
                f"{table}: {restored.get(table)} restored, {manifest['tables'].get(table)} in the backup"
                for table in set(restored) | set(manifest["tables"])
                if restored.get(table) != manifest["tables"].get(table)
            )
            raise BackupError("The restored database differs from the backup: " + "; ".join(differences))

        if (work / "media").is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    return manifest


def _sqlite_restore(dump: Path, connection: BaseDatabaseWrapper) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


# --- Helpers ----------------------------------------------------------------------------------


def _with_database(settings_dict: dict[str, Any], action: Callable[[BaseDatabaseWrapper], T]) -> T:
    """Run ``action(connection)`` on a connection of its own to the database ``settings_dict`` names."""
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(dict(settings_dict), alias="backup")
    try:
        return action(wrapper)
    finally:
        wrapper.close()


def _table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _count_all(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        return _table_counts(connection, cursor)


def _table_counts(connection: BaseDatabaseWrapper, cursor: CursorWrapper) -> dict[str, int]:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_tool(name: str) -> str:
    bindir = os.environ.get("PG_BINDIR")
    if bindir and (Path(bindir) / name).is_file():
        return str(Path(bindir) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs (Debian: postgresql-client).")
    return found


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment variables: no password on a command line."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert"),
                          ("PGSSLCERT", "sslcert"), ("PGSSLKEY", "sslkey")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run(command: list[str], settings_dict: dict[str, Any]) -> None:
    result = subprocess.run(command, env=_libpq_environment(settings_dict), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")
