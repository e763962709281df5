"""A baseline of known problems, so a KB with a thousand old problems can fail CI only on new ones.

A problem's fingerprint is what stays when lines shift and notes move: its code, the note's file
name, the text of its line (whitespace folded) and its message with paths cut to file names. The
baseline is a JSON file of fingerprints with the problems they came from, for people to read.
Matching counts: two identical broken links in one note are two entries.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_write
from .problems import Problem

BASELINE_VERSION = 1
_PATHS = re.compile(r"(?:[\w .'’()&,-]+/)+([\w .'’()&,-]+\.md)\b")
_SPACE = re.compile(r"\s+")


class BaselineError(ValueError):
    """A baseline file that cannot be read (exit code 2)."""


def fingerprint(problem: Problem, line_text: str) -> str:
    name = problem.path.rsplit("/", 1)[-1]
    message = _PATHS.sub(r"\1", problem.message)
    key = "\0".join((problem.code, name, _SPACE.sub(" ", line_text).strip(), message))
    return hashlib.sha256(key.encode("utf-8", errors="replace")).hexdigest()[:20]


def fingerprints(root: Path, problems: list[Problem]) -> list[str]:
    """Each problem's fingerprint, reading each note with problems once."""
    lines: dict[str, list[str]] = {}
    out = []
    for problem in problems:
        text = lines.get(problem.path)
        if text is None:
            text = lines[problem.path] = _lines(root / problem.path)
        line = text[problem.line - 1] if 0 < problem.line <= len(text) else ""
        out.append(fingerprint(problem, line))
    return out


def _lines(path: Path) -> list[str]:
    try:
        return path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []


def write_baseline(path: Path, root: Path, problems: list[Problem]) -> int:
    entries = [
        {"fingerprint": fp, "code": p.code, "path": p.path, "line": p.line, "message": p.message}
        for fp, p in zip(fingerprints(root, problems), problems, strict=True)
    ]
    entries.sort(key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))
    text = json.dumps({"version": BASELINE_VERSION, "problems": entries}, ensure_ascii=False, indent=1) + "\n"
    atomic_write(path, text.encode("utf-8"))
    return len(entries)


def read_baseline(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    entries = data.get("problems") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f'{path}: not a kb baseline (expected {{"problems": [{{"fingerprint": ...}}]}})')
    return entries


@dataclass
class BaselineResult:
    new: list[Problem]  # not in the baseline: these fail the run
    known: int  # problems the baseline holds, not shown
    fixed: list[dict]  # baseline entries no current problem matches


def compare(root: Path, problems: list[Problem], entries: list[dict]) -> BaselineResult:
    left = Counter(entry["fingerprint"] for entry in entries)
    new, known = [], 0
    for fp, problem in zip(fingerprints(root, problems), problems, strict=True):
        if left[fp] > 0:
            left[fp] -= 1
            known += 1
        else:
            new.append(problem)
    fixed = []
    for entry in entries:
        if left[entry["fingerprint"]] > 0:
            left[entry["fingerprint"]] -= 1
            fixed.append(entry)
    return BaselineResult(new, known, fixed)
