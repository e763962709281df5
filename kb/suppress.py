"""Problems a curator has chosen not to see: inline comments in a note and per-path ignores in kb.toml.

In a note (an HTML comment, invisible on GitHub and in Obsidian's reading view, or a YAML comment in
front matter):

    Some text [[Old link]] <!-- kb-ignore broken-link -->   this line, these codes
    <!-- kb-ignore-next-line broken-link, loose-link -->   the next line
    <!-- kb-ignore-file orphan-note -->                  the whole note
    status: draft  # kb-ignore invalid-value             a front-matter line

With no codes a directive covers every code. In kb.toml:

    [check.per-path-ignores]
    "inbox/**" = ["missing-field", "orphan-note"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .problems import Problem

_DIRECTIVE = re.compile(r"kb-ignore(-next-line|-file)?\b([^>\n]*?)(?:-->|$)")
_CODE = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")


def directives(lines: Iterable[str]) -> tuple[dict[int, frozenset[str] | None], frozenset[str] | None, bool]:
    """(per line: codes ignored there, None for all; codes ignored in the whole note; whether every code
    is ignored in the whole note). Line numbers are 1-based."""
    by_line: dict[int, frozenset[str] | None] = {}
    whole: set[str] = set()
    whole_all = False
    for number, line in enumerate(lines, 1):
        if "kb-ignore" not in line:
            continue
        for found in _DIRECTIVE.finditer(line):
            kind, rest = found.group(1), found.group(2)
            codes = frozenset(_CODE.findall(rest))
            if kind == "-file":
                if codes:
                    whole |= codes
                else:
                    whole_all = True
                continue
            target = number + 1 if kind == "-next-line" else number
            previous = by_line.get(target, frozenset())
            by_line[target] = None if (not codes or previous is None) else previous | codes
    return by_line, frozenset(whole), whole_all


def _covers(codes: frozenset[str] | None, code: str) -> bool:
    return codes is None or code in codes


def apply_suppressions(root: Path, problems: list[Problem], path_ignores=()) -> tuple[list[Problem], int]:
    """The problems no directive or per-path ignore covers, and how many were suppressed. Only notes
    with problems are read; a note that cannot be read suppresses nothing."""
    kept: list[Problem] = []
    suppressed = 0
    cache: dict[str, tuple] = {}
    for problem in problems:
        if any(regex.fullmatch(problem.path) and problem.code in codes for regex, codes in path_ignores):
            suppressed += 1
            continue
        found = cache.get(problem.path)
        if found is None:
            found = cache[problem.path] = _directives_of(root / problem.path)
        by_line, whole, whole_all = found
        on_line = problem.line in by_line and _covers(by_line[problem.line], problem.code)
        if whole_all or problem.code in whole or on_line:
            suppressed += 1
            continue
        kept.append(problem)
    return kept, suppressed


def _directives_of(path: Path):
    try:
        if not path.is_file():
            return {}, frozenset(), False
        data = path.read_bytes()
    except OSError:
        return {}, frozenset(), False
    if b"kb-ignore" not in data:
        return {}, frozenset(), False
    return directives(data.decode("utf-8", errors="replace").splitlines())
