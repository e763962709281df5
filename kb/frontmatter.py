"""Tolerant front-matter reading.

Front matter is the YAML block between a first line `---` and the next `---` (or YAML's
`...`). It is parsed with PyYAML's C loader, but without the implicit timestamp resolver,
so dates stay strings (`2026-03-00` is data to validate, not a crash). Every failure becomes
a problem with the real line number in the file; python-frontmatter and plain `safe_load`
either raise or count lines from the start of the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringDateLoader(_BaseLoader):
    """SafeLoader that leaves timestamps as strings and remembers duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        self.duplicate_keys.append((key_node.value, key_node.start_mark.line))
                    seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_OPEN = re.compile(r"---[ \t]*\r?$")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\r?$")
_TOP_KEY = re.compile(r"([A-Za-z0-9_][^:\n]*?|'[^'\n]*'|\"[^\"\n]*\"):(?:[ \t]|$)")


@dataclass
class FrontMatter:
    """The result of splitting and parsing a note's front matter.

    Lines are 1-based and count from the top of the file.
    """

    present: bool = False  # an opening `---` on line 1
    terminated: bool = False
    fields: dict = field(default_factory=dict)
    raw_lines: list[str] = field(default_factory=list)  # the YAML lines, without the fences (emptied once loaded)
    first_line: int = 0  # file line of the first YAML line
    body_line: int = 1  # file line where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)
    terminator: str = "---"


def split_lines(text: str) -> list[str]:
    return text.split("\n")


def read_frontmatter(text: str) -> tuple[FrontMatter, str]:
    """Split `text` into front matter and body and parse the front matter.

    Returns the front matter and the body text. Never raises on bad input.
    """
    fm = FrontMatter()
    if not text.startswith("---"):
        return fm, text
    first_newline = text.find("\n")
    first = text if first_newline < 0 else text[:first_newline]
    if not _OPEN.match(first):
        return fm, text
    fm.present = True
    lines = text.split("\n")
    close_index = None
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            close_index = index
            break
    if close_index is None:
        fm.errors.append((1, "front matter opened on line 1 is never closed with '---'; the file is read as body"))
        return fm, text
    fm.terminated = True
    fm.terminator = lines[close_index].strip()
    fm.raw_lines = lines[1:close_index]
    fm.first_line = 2
    fm.body_line = close_index + 2
    fm.key_lines = _top_level_key_lines(fm.raw_lines, fm.first_line)
    fm.fields, fm.errors, fm.duplicate_keys = _parse_yaml(fm.raw_lines, fm.first_line)
    body = "\n".join(lines[close_index + 1 :])
    return fm, body


def _top_level_key_lines(raw_lines: list[str], first_line: int) -> dict[str, int]:
    key_lines: dict[str, int] = {}
    for offset, line in enumerate(raw_lines):
        match = _TOP_KEY.match(line)
        if match:
            key = match.group(1).strip().strip("'\"")
            key_lines.setdefault(key, first_line + offset)
    return key_lines


def _load(yaml_text: str):
    loader = _StringDateLoader(yaml_text)
    loader.duplicate_keys = []
    try:
        return loader.get_single_data(), loader.duplicate_keys
    finally:
        loader.dispose()


def _error_line(exc: Exception, first_line: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return first_line + mark.line if mark is not None else first_line


def _describe(exc: Exception) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [part for part in (exc.context, exc.problem) if part]
        return "; ".join(parts) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _parse_yaml(raw_lines: list[str], first_line: int):
    """Parse the YAML lines; on failure keep what the lines before the error say."""
    errors: list[tuple[int, str]] = []
    text = "\n".join(raw_lines)
    if not text.strip():
        return {}, errors, []
    try:
        data, duplicates = _load(text)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a problem, never a crash
        line = _error_line(exc, first_line)
        recovered: dict = {}
        duplicates = []
        cut = line - first_line
        if cut > 0:
            try:
                partial, duplicates = _load("\n".join(raw_lines[:cut]))
                if isinstance(partial, dict):
                    recovered = partial
            except Exception:  # noqa: BLE001
                recovered = {}
        message = f"front matter is not valid YAML: {_describe(exc)}"
        if recovered:
            message += f"; kept the {len(recovered)} field(s) before line {line}"
        errors.append((line, message))
        return _stringify_keys(recovered), errors, [(k, first_line + n) for k, n in duplicates]
    if data is None:
        return {}, errors, []
    if not isinstance(data, dict):
        errors.append((first_line, f"front matter is a {type(data).__name__}, not a mapping of fields"))
        return {}, errors, []
    return _stringify_keys(data), errors, [(k, first_line + n) for k, n in duplicates]


def _stringify_keys(data: dict) -> dict:
    if all(isinstance(key, str) for key in data):
        return data
    return {str(key): value for key, value in data.items()}
