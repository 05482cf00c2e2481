"""Real file-system conditions for tests: a read-only directory, a full disk.

Both need a process that sees the directory differently from the test: a private
mount namespace (`unshare -rm`: root, or unprivileged user namespaces) in which the
directory is bind-mounted read-only, or a tiny tmpfs is mounted over it. An
ordinary user gets a read-only directory from chmod instead (root ignores file
modes, so chmod proves nothing for root). Where neither works the test is skipped
with the reason; the PRAGMA max_page_count tests cover the full store everywhere.
"""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def can_unshare() -> bool:
    try:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def scraper_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper", *args]


def in_namespace(setup: str, command: Sequence[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `setup` (shell) then `command` in a private mount namespace."""
    if not can_unshare():
        pytest.skip("needs a private mount namespace (unshare -rm) for this file-system condition")
    script = f"{setup} && exec {shlex.join(command)}"
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                          timeout=timeout, env=_env())


def run_readonly(directory: Path, command: Sequence[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """`command` with `directory` (and everything in it) read-only."""
    if os.geteuid() != 0:
        return _run_chmodded(directory, command, timeout)
    d = shlex.quote(str(directory))
    return in_namespace(f"mount --bind {d} {d} && mount -o remount,bind,ro {d}", command, timeout)


def _run_chmodded(directory: Path, command: Sequence[str], timeout: float) -> subprocess.CompletedProcess:
    paths = [directory, *directory.rglob("*")]
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_env())
    finally:
        for p in reversed(paths):
            p.chmod(modes[p])


def run_on_tmpfs(directory: Path, size_kb: int, script: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A shell `script` run with a `size_kb` tmpfs mounted on `directory` (gone afterwards:
    the script checks what it needs to and prints it)."""
    d = shlex.quote(str(directory))
    return in_namespace(f"mount -t tmpfs -o size={size_kb}k tmpfs {d}", ["sh", "-c", script], timeout)
