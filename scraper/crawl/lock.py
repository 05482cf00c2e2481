"""One crawl run per store at a time: an advisory `fcntl.flock` on `<db>.lock`.

The kernel drops a flock when its holder dies (even by SIGKILL), so a crashed run
never leaves a stale lock behind; the pid written into the file is only there to
tell the second run who holds it. The file is never deleted (deleting lock files
races with a process that just opened them). POSIX only, like cron.

The lock belongs to the store FILE, not to the name it was given: `s.db`,
`./s.db`, `dir/../s.db` and a symlink to it all resolve to one lock file beside
the real database, so two crawls can never share a store under two names.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from ..errors import CrawlLockedError, StoreError


def lock_path(db_path: str | Path) -> Path:
    """`<db>.lock` beside the real file: symlinks, `..` and relative paths resolved."""
    return Path(os.path.realpath(db_path) + ".lock")


class RunLock:
    """`with RunLock(db): ...` or acquire()/release(); raises `CrawlLockedError` if held."""

    def __init__(self, db_path: str | Path):
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        if self._fd is not None:
            return self
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise CrawlLockedError(
                f"another crawl is running on this store ({holder}); lock file {self.path}"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
        except OSError as exc:  # a full disk: the run could store nothing either
            os.close(fd)
            raise StoreError(f"cannot write the lock file {self.path}: {exc.strerror or exc}") from None
        self._fd = fd
        return self

    def _open(self) -> int:
        try:
            if not self.path.parent.exists():
                self.path.parent.mkdir(parents=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self.path}: {exc.strerror or exc}") from None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def locked_message(db_path: str | Path) -> str:
    """What a second crawl says: the holder's pid and, for an alias, the real file."""
    db_path = Path(db_path)
    real = lock_path(db_path).with_suffix("")
    alias = f" (the same file as {real})" if real != db_path.absolute() else ""
    return f"another crawl (pid {holder_pid(db_path) or 'unknown'}) is running on {db_path}{alias}"


def holder_pid(db_path: str | Path) -> int | None:
    """The pid written by the current holder, if the file names one (informational)."""
    try:
        text = lock_path(db_path).read_text().split()
    except OSError:
        return None
    return int(text[0]) if text and text[0].isdigit() else None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        text = []
    if text and text[0].isdigit():
        since = f", started {text[1]}" if len(text) > 1 else ""
        return f"pid {text[0]}{since}"
    return "pid unknown"
