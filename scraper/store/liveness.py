"""Is a `running` run still alive? Each run holds a lock on a small file of its own.

A run killed with SIGKILL cannot close its `runs` row, so the row would say
`running` for ever. While a run lives, its process holds an `flock` on
`<db>.run-<id>.lock`; the kernel drops the lock when the process dies, however it
dies. The next run of any kind (crawl, clean --save, reextract) looks at every
`running` row: a row whose file is gone or can be locked belongs to a dead run and
is marked `interrupted`. The mark is taken inside the transaction that inserts the
row, so no other process can see the row before the lock exists. Crawl runs are
also covered by the crawl lock (`scraper.crawl.lock`); reextract and clean runs may
run beside a crawl, so they need a mark of their own. POSIX only, like the crawl lock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from ..errors import StoreError


def mark_path(db_path: Path, run_id: int) -> Path:
    """Beside the real file (symlinks, `..` and relative paths resolved, as for the crawl
    lock), so a process that opened the store under another name still finds the mark."""
    return Path(os.path.realpath(db_path) + f".run-{run_id}.lock")


class RunMark:
    """Held by a live run: the locked file that says so."""

    def __init__(self, db_path: Path, run_id: int):
        self.path = mark_path(db_path, run_id)
        try:
            self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create {self.path} (a running run's mark): {exc.strerror or exc}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._fd)
            raise StoreError(f"cannot lock {self.path}: {exc.strerror or exc}") from None

    def release(self) -> None:
        """The run is over (its row is closed): remove the file, then drop the lock."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # a leftover file is harmless: it can be locked, so it reads as dead
        os.close(self._fd)
        self._fd = None


def is_alive(db_path: Path, run_id: int) -> bool:
    """True while some process holds the run's mark."""
    path = mark_path(db_path, run_id)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell (permissions): do not declare another user's run dead
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return True
    try:
        path.unlink(missing_ok=True)  # a dead run's mark: clean it up
    except OSError:
        pass
    finally:
        os.close(fd)
    return False


def recover_dead_runs(conn: sqlite3.Connection, db_path: Path, own: set[int]) -> list[int]:
    """Mark `interrupted` every `running` run whose process is gone; return their ids.

    Call inside a write transaction. `own` are the runs this Store itself holds."""
    running = [r[0] for r in conn.execute("SELECT id FROM runs WHERE status = 'running'")]
    dead = [run_id for run_id in running if run_id not in own and not is_alive(db_path, run_id)]
    conn.executemany("UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
                     [(run_id,) for run_id in dead])
    return dead
