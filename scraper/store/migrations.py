"""Versioned schema migrations: the only way the schema is created or changed.

A migration is one function decorated with `@migration(N, "what it does")` in
`schema.py`; versions are consecutive integers. `migrate()` applies the pending ones
in a single IMMEDIATE transaction (so two processes opening an old store at once do
not both upgrade it) and records each in the `migrations` table. A store whose
version is newer than the code refuses to open: old code must not write to it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

import sqlite_utils

from ..errors import SchemaVersionError, StoreError
from .timeutil import now

MigrationFn = Callable[[sqlite3.Connection, sqlite_utils.Database], None]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: MigrationFn


_REGISTRY: dict[int, Migration] = {}


def migration(version: int, name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Register a migration function under its version number."""

    def register(fn: MigrationFn) -> MigrationFn:
        if version in _REGISTRY:
            raise RuntimeError(f"two migrations claim version {version}")
        _REGISTRY[version] = Migration(version, name, fn)
        return fn

    return register


def known_migrations() -> list[Migration]:
    ordered = [_REGISTRY[v] for v in sorted(_REGISTRY)]
    if [m.version for m in ordered] != list(range(1, len(ordered) + 1)):
        raise RuntimeError("migration versions must be 1, 2, 3, ... without gaps")
    return ordered


def latest_version() -> int:
    return len(known_migrations())


def current_version(conn: sqlite3.Connection, label: str = "this SQLite file") -> int:
    """The schema version of an open database: 0 for an empty one."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not exists:
        if conn.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]:
            raise StoreError(f"{label} is not a scraper store (it has tables but no migrations table); "
                             "it was left untouched")
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM migrations").fetchone()[0]


def check_version(conn: sqlite3.Connection, label: str) -> int:
    """Return the version, or raise SchemaVersionError if this code is too old for it."""
    version = current_version(conn, label)
    known = latest_version()
    if version > known:
        raise SchemaVersionError(
            f"{label} has schema version {version}, but this scraper only knows versions up to {known}: "
            "upgrade scraper to open it (it was written by a newer release)"
        )
    return version


def migrate(conn: sqlite3.Connection, label: str, target: int | None = None) -> list[int]:
    """Bring the schema up to `target` (default: latest); return the versions applied."""
    if check_version(conn, label) >= (target or latest_version()):
        return []
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = check_version(conn, label)  # another process may have upgraded meanwhile
        conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for m in known_migrations()[version : target or None]:
            m.apply(conn, db)
            conn.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (m.version, m.name, now()),
            )
            applied.append(m.version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied
