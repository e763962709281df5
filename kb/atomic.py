"""Writing a file so readers see the old bytes or the new ones, never half of either."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_STALE_TEMP = re.compile(r"\.kb-[A-Za-z0-9_]{8}\.tmp")
STALE_AFTER = 3600.0  # seconds: a write takes well under one; older temp files were left by a killed run
_swept: set[str] = set()


def sweep_stale_temps(folder: Path) -> list[str]:
    """Remove the temporary files a killed run of kb left in `folder` (its own `.kb-XXXXXXXX.tmp`
    names, untouched for an hour), once per folder per process; returns the names removed."""
    key = str(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _STALE_TEMP.fullmatch(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
    try:
        # mkstemp makes the file 0600: keep the replaced file's mode, or what the umask gives a new one
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(temp, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
        sweep_stale_temps(path.parent)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
