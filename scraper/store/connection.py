"""Opening an SQLite connection the way every part of the store expects it.

WAL lets readers in other processes search while a writer saves; foreign keys are
enforced; a busy timeout makes a second writer wait instead of failing at once;
synchronous=NORMAL is safe in WAL mode (a crash can lose the last commits, never
corrupt the file) and much faster than FULL. We manage transactions explicitly
(isolation_level=None) so that a batch is exactly one transaction.

A file is checked (read only) to be a scraper store, or empty, BEFORE it is
switched to WAL: another program's database is refused untouched. Read commands
(`connect_readonly`) never write at all: SQLite's `mode=ro`, or `immutable=1` on a
read-only directory or mount, where `mode=ro` cannot open a WAL store (it would
need to create the `-shm` file) and where nobody can be writing anyway.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError
from . import index
from .migrations import check_version

BUSY_TIMEOUT_MS = 30_000

log = logging.getLogger(__name__)


def _db_name(path: Path) -> str | bytes:
    """The name SQLite is given: bytes for paths that are not valid UTF-8 (they exist on Linux)."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return text


def _check_file(path: Path, *, create: bool) -> None:
    if not path.exists():
        if not create:
            raise StoreError(f"no store at {path}: save something first (e.g. `scraper clean URL --save`) or pass --db")
        try:  # made here, so that a read-only or full disk is named plainly, not as "unable to open"
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o644))
        except OSError as exc:
            raise StoreError(f"cannot create the store {path}: {exc.strerror or exc}") from None
    elif path.is_dir():
        raise StoreError(f"{path} is a directory, not a store file")


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the database file; raise StoreError with the path when it cannot be used."""
    memory = str(path) == ":memory:"
    if not memory:
        _check_file(path, create=create)
    try:
        conn = sqlite3.connect(_db_name(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {path} as an SQLite store: {exc}") from None
    try:
        conn.execute("PRAGMA busy_timeout = 30000")  # = BUSY_TIMEOUT_MS
        check_version(conn, str(path))  # a foreign or too new file is refused before anything is written
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: the url/hash indexes of 100k pages stay cached
        conn.execute("PRAGMA wal_autocheckpoint = 16384")  # checkpoint (and fsync) every ~64 MB, not 4
    except sqlite3.DatabaseError as exc:
        conn.close()
        if not memory and not os.access(path.parent, os.W_OK):
            raise StoreError(f"cannot write to the store {path}: its directory is read-only "
                             "(SQLite creates its journal files beside the store)") from None
        raise StoreError(f"cannot open {path} as an SQLite store: {exc}") from None
    except BaseException:
        conn.close()
        raise
    if mode != "wal" and not memory:
        conn.close()
        raise StoreError(f"cannot switch {path} to WAL mode (journal_mode is {mode!r})")
    return _ready(conn)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open an existing store for reading only; nothing is ever written to the file or beside it."""
    _check_file(path, create=False)
    if path.stat().st_size == 0:
        raise StoreError(f"{path} is an empty file, not a store yet: save something into it first")
    try:
        conn = _open_ro(path, immutable=False)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN" or os.access(path.parent, os.W_OK):
            raise StoreError(f"cannot open {path} as an SQLite store: {exc}") from None
        conn = _open_immutable(path)
    try:
        check_version(conn, str(path))
    except BaseException:
        conn.close()
        raise
    return _ready(conn)


def _open_ro(path: Path, *, immutable: bool) -> sqlite3.Connection:
    uri = f"file:{quote(os.fsencode(path.absolute()))}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening is lazy: fail here
    except BaseException:
        conn.close()
        raise
    return conn


def _open_immutable(path: Path) -> sqlite3.Connection:
    """A read-only directory or mount: SQLite reads the main file as is (no locks, no -shm)."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        log.warning("%s: read-only directory with an unmerged %s: its last commits are not visible", path, wal.name)
    try:
        return _open_ro(path, immutable=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {path} for reading: {exc}") from None


def _ready(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    index.register(conn)
    return conn
