"""One shape for every problem `kb` reports, and the catalogue of stable codes.

Stages return problems as data instead of raising, so a single run reports every
defect in a KB. `docs/checks.md` documents each code with an example and a fix;
a test keeps the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import codec

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# code -> (default severity, one-line summary). Order is the order of the docs.
CODES: dict[str, tuple[str, str]] = {
    "broken-link": (ERROR, "a link whose target no note or file matches"),
    "ambiguous-link": (WARNING, "a link that several notes match; the tie-break decided"),
    "loose-link": (WARNING, "a link that resolves only after slug normalisation, which Obsidian does not do"),
    "broken-anchor": (WARNING, "a link to a heading or block id that its target note does not have"),
    "duplicate-title": (WARNING, "two or more notes share a title"),
    "frontmatter-invalid": (ERROR, "front matter that cannot be read as a YAML mapping"),
    "duplicate-key": (WARNING, "a front-matter field given twice; YAML keeps only the last value"),
    "file-unreadable": (ERROR, "a note that cannot be read as text at all"),
    "encoding-error": (WARNING, "a note with bytes that are not UTF-8"),
    "missing-field": (WARNING, "a field the note's type requires is absent or empty"),
    "invalid-value": (WARNING, "a field has the wrong shape or a value outside its allowed set"),
    "partial-date": (WARNING, "a date with a 00 month or day placeholder"),
    "legacy-field": (INFO, "a legacy field name that kb reads as its current name"),
    "orphan-note": (INFO, "a note that no other note links to"),
    "numeric-conflict": (WARNING, "two notes state different numbers for the same thing"),
    "index-conflict": (WARNING, "a file kb did not generate stands where `kb index` would write a page"),
}


@codec.record
@dataclass(frozen=True, order=True)
class Problem:
    """A defect found in the KB, located at a 1-based line of a file (path relative to the KB root)."""

    path: str
    line: int
    code: str
    message: str
    severity: str = ""
    suggestion: str | None = None
    related: tuple[str, ...] = field(default=(), compare=False)
    column: int = field(default=0, compare=False)  # 1-based; 0 when the problem is of a whole line or note

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", CODES.get(self.code, (WARNING, ""))[0])

    def to_dict(self) -> dict:
        data = {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }
        if self.column:
            data["column"] = self.column
        if self.suggestion is not None:
            data["suggestion"] = self.suggestion
        if self.related:
            data["related"] = list(self.related)
        return data

    def render(self) -> str:
        return "{}: {}{}".format(*self.render_parts())

    def render_parts(self) -> tuple[str, str, str]:
        """(location, severity, the rest): the text line in pieces a terminal can colour. Control
        characters in a file name or a message are shown escaped: a newline would split the
        `path:line:` line, an escape sequence would reach the terminal."""
        path = printable(self.path)
        where = f"{path}:{self.line}:{self.column}" if self.column else f"{path}:{self.line}"
        return where, self.severity, f"[{self.code}] {printable(self.message)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters written as escapes ("a\\nb.md", "\\x1b[31m")."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text) if text else text


def sort_problems(problems) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, SEVERITY_RANK.get(p.severity, 9), p.code, p.message))
