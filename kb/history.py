"""When did a note last change? From git where the KB is in a work tree, else from the note's own dates.

File modification times are not used: a clone or a copy gives every file the same time.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT = "git"
FRONT_MATTER = "front matter"
_CHANGE_FIELDS = ("updated", "last_updated", "revised", "last_evaluated", "created", "date")


def git_head(root: Path) -> str | None:
    """The commit checked out at `root` (None outside git): answers built from change dates are
    remembered under it, since a commit changes dates without changing any file."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() if head.returncode == 0 else None


def _git_log(root: Path, *options: str):
    """(the work tree's top folder, the path prefix of `root` in it, `git log OPTIONS -- root`), or
    None when `root` is in no git work tree or git cannot run."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
        )
        if top.returncode != 0:
            return None
        toplevel = Path(top.stdout.strip()).resolve()
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-C", str(toplevel), "log", *options, "--", str(Path(root).resolve())],
            capture_output=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    prefix = Path(root).resolve().relative_to(toplevel).as_posix()
    return toplevel, ("" if prefix == "." else prefix + "/"), log


def git_change_dates(root: Path) -> dict[str, str] | None:
    """The date (YYYY-MM-DD) of the last commit touching each file, relative to `root`.

    Files with uncommitted changes get the date of their modification time. None when `root`
    is not in a git work tree or git is not available.
    """
    found = _git_log(root, "--format=%x00%cs", "--name-only", "--no-renames")
    if found is None or found[2].returncode != 0:
        return None
    toplevel, prefix, log = found
    try:
        status = subprocess.run(
            ["git", "-C", str(toplevel), "status", "--porcelain", "-z", "--", str(Path(root).resolve())],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    dates: dict[str, str] = {}
    current = None
    for line in log.stdout.decode("utf-8", errors="replace").split("\n"):
        if line.startswith("\0"):
            current = line[1:]
        elif line and current and line.startswith(prefix):
            dates.setdefault(line[len(prefix) :], current)
    if status.returncode == 0:
        import datetime

        for entry in status.stdout.decode("utf-8", errors="replace").split("\0"):
            if len(entry) > 3 and entry[3:].startswith(prefix):
                relpath = entry[3:][len(prefix) :]
                try:
                    mtime = os.stat(os.path.join(root, relpath)).st_mtime
                except OSError:
                    continue
                dates[relpath] = datetime.date.fromtimestamp(mtime).isoformat()
    return dates


def front_matter_change_date(fields: dict, extra_dates=()) -> str | None:
    """The latest full date a note states about itself: updated, revised, created, evidence added…"""
    candidates = [str(fields.get(name)) for name in _CHANGE_FIELDS if fields.get(name) is not None]
    candidates.extend(extra_dates)
    valid = [date for date in candidates if len(date) == 10 and date[4] == "-" and "-00" not in date]
    return max(valid) if valid else None


def recent_commits(root: Path, commits: int) -> list[tuple[str, str, str, dict[str, str]]] | None:
    """The last `commits` commits touching `root`, newest first, as (commit, date, subject,
    {path relative to root: "added" | "changed" | "deleted"}). None outside a git work tree."""
    found_log = _git_log(root, f"-n{max(commits, 0)}", "--format=%x00%h%x00%cs%x00%s", "--name-status", "--no-renames")
    if found_log is None:
        return None
    _, prefix, log = found_log
    if log.returncode != 0:
        return [] if b"does not have any commits" in log.stderr else None
    kinds = {"A": "added", "M": "changed", "D": "deleted", "T": "changed"}
    found: list[tuple[str, str, str, dict[str, str]]] = []
    for line in log.stdout.decode("utf-8", errors="replace").split("\n"):
        if line.startswith("\0"):
            commit, date, subject = (line[1:].split("\0") + ["", ""])[:3]
            found.append((commit, date, subject, {}))
        elif "\t" in line and found:
            status, _, path = line.partition("\t")
            if path.startswith(prefix):
                found[-1][3][path[len(prefix) :]] = kinds.get(status[:1], "changed")
    return found
