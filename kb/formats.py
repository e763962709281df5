"""Problems written for the tools that show them: GitHub workflow commands and SARIF 2.1.0.

Paths are written relative to `base` (the folder kb runs in, which in CI is the repository root) when
the KB lies under it, so annotations land on the right file when the KB is a subfolder of the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__
from .problems import CODES, ERROR, INFO, WARNING, Problem

_GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "notice"}
_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "note"}


def display_path(root: Path, path: str, base: Path | None = None) -> str:
    """A problem's path as the user's tools want it: relative to `base` when the KB lies under it."""
    base = (base or Path.cwd()).resolve()
    full = (root / path).resolve() if not Path(path).is_absolute() else Path(path)
    try:
        return full.relative_to(base).as_posix()
    except ValueError:
        return path


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(problems: list[Problem], root: Path, base: Path | None = None) -> list[str]:
    """One workflow command per problem: `::error file=…,line=…,col=…,title=…::message`."""
    out = []
    for problem in problems:
        props = [f"file={_escape_property(display_path(root, problem.path, base))}", f"line={max(problem.line, 1)}"]
        if problem.column:
            props.append(f"col={problem.column}")
        props.append(f"title={_escape_property('kb ' + problem.code)}")
        level = _GITHUB_LEVEL.get(problem.severity, "warning")
        out.append(f"::{level} {','.join(props)}::{_escape_data(problem.message)}")
    return out


def sarif_log(problems: list[Problem], root: Path, fingerprints: list[str], base: Path | None = None) -> dict:
    """A SARIF 2.1.0 log: one run, a rule per check code kb has, a result per problem with its location
    and a fingerprint that survives line shifts (see kb/baseline.py)."""
    codes = list(CODES)
    rules = [
        {
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": summary},
            "fullDescription": {"text": f"{summary}."},
            "help": {"text": f"kb's docs/checks.md, section {code}: an example of the problem and how to fix it."},
            "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        }
        for code, (severity, summary) in CODES.items()
    ]
    results = []
    for problem, fingerprint in zip(problems, fingerprints, strict=True):
        region = {"startLine": max(problem.line, 1)}
        if problem.column:
            region["startColumn"] = problem.column
        result = {
            "ruleId": problem.code,
            "level": _SARIF_LEVEL.get(problem.severity, "warning"),
            "message": {"text": problem.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(display_path(root, problem.path, base))},
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {"kbProblem/v1": fingerprint},
        }
        if problem.code in CODES:
            result["ruleIndex"] = codes.index(problem.code)
        if problem.suggestion:
            result["properties"] = {"suggestion": problem.suggestion}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kb",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _uri(path: str) -> str:
    """A relative path as a URI reference: spaces and other reserved characters percent-encoded."""
    from urllib.parse import quote

    return quote(path.replace(os.sep, "/"), safe="/._-~()")
