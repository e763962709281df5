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
_CLOSE_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
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
    # The closing line is searched for in the text, not in a list of all its lines: splitting a long
    # body into lines only to join it again cost more than parsing the YAML.
    close = _CLOSE_LINE.search(text, first_newline + 1) if first_newline >= 0 else None
    if close is None:
        fm.errors.append((1, "front matter opened on line 1 is never closed with '---'; the file is read as body"))
        return fm, text
    fm.terminated = True
    fm.terminator = close.group(0).strip()
    yaml_text = text[first_newline + 1 : close.start()]
    fm.raw_lines = yaml_text[:-1].split("\n") if yaml_text else []
    fm.first_line = 2
    fm.body_line = len(fm.raw_lines) + 3
    key_offsets: dict[str, int] = {}
    fast = _fast_load(fm.raw_lines, key_offsets) if _fast_path_safe(yaml_text) else None
    if fast is not None:
        fm.key_lines = {key: fm.first_line + offset for key, offset in key_offsets.items()}
        fm.fields = fast[0]
        fm.duplicate_keys = [(key, fm.first_line + offset) for key, offset in fast[1]]
    else:
        fm.key_lines = _top_level_key_lines(fm.raw_lines, fm.first_line)
        fm.fields, fm.errors, fm.duplicate_keys = _parse_yaml(fm.raw_lines, fm.first_line)
    return fm, text[close.end() + 1 :]


def _fast_path_safe(yaml_text: str) -> bool:
    """Carriage returns and characters YAML forbids are left to PyYAML, which knows what to do with them."""
    return "\r" not in yaml_text and not _NON_PRINTABLE.search(yaml_text)


def _top_level_key_lines(raw_lines: list[str], first_line: int) -> dict[str, int]:
    key_lines: dict[str, int] = {}
    for offset, line in enumerate(raw_lines):
        match = _TOP_KEY.match(line)
        if match:
            key = match.group(1).strip().strip("'\"")
            key_lines.setdefault(key, first_line + offset)
    return key_lines


# ---------------------------------------------------------------------------- fast path
#
# Most front matter is flat: `key: scalar`, `key: [a, b]` and `key:` followed by `- item` lines. For
# those, a line reader builds the same dict PyYAML would (the same implicit types, through PyYAML's own
# resolver table) several times faster. Anything else (nested mappings, block scalars, escapes, anchors,
# multi-line scalars, floats, odd integers) returns None and goes to PyYAML; tests compare the two.

_FAST_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*):(?: |$)")
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_RESOLVERS = _StringDateLoader.yaml_implicit_resolvers
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_DECLINE = object()


def _resolve_plain(value: str):
    """A plain scalar's value as PyYAML types it, or _DECLINE for types left to PyYAML."""
    resolvers = _RESOLVERS.get(value[:1])
    if not resolvers:
        return value
    if len(value) > 5 and value[0].isalpha():
        return value  # letters start only booleans and nulls, the longest of which is "false"
    for tag, pattern in resolvers:
        if pattern.match(value):
            kind = tag.rsplit(":", 1)[1]
            if kind == "null":
                return None
            if kind == "bool":
                return _BOOLS[value.lower()]
            if kind == "int" and _PLAIN_INT.fullmatch(value):
                return int(value)
            return _DECLINE
    return value


def _after_value(rest: str) -> bool:
    """What may follow a quoted scalar or a flow sequence on its line: nothing, or a comment."""
    stripped = rest.lstrip(" ")
    return not stripped or (stripped[0] == "#" and len(stripped) < len(rest))


def _quoted(text: str) -> tuple[object, str]:
    """(value, rest of the line) of a quoted scalar at the start of `text`; _DECLINE when unsure."""
    if text[0] == '"':
        end = text.find('"', 1)
        if end < 0 or "\\" in text[1:end]:
            return _DECLINE, ""
        return text[1:end], text[end + 1 :]
    position = 1
    while True:
        end = text.find("'", position)
        if end < 0:
            return _DECLINE, ""
        if text[end + 1 : end + 2] == "'":
            position = end + 2
            continue
        return text[1:end].replace("''", "'"), text[end + 1 :]


def _flow_sequence(text: str) -> tuple[object, str]:
    """(list, rest of the line) of a one-line `[a, "b"]` holding scalars only; _DECLINE when unsure."""
    items: list = []
    position = 1
    length = len(text)
    while True:
        while position < length and text[position] == " ":
            position += 1
        if position >= length:
            return _DECLINE, ""
        char = text[position]
        if char == "]" and not items:
            return items, text[position + 1 :]
        if char in "\"'":
            value, rest = _quoted(text[position:])
            if value is _DECLINE:
                return _DECLINE, ""
            position = length - len(rest)
        else:
            end = position
            while end < length and text[end] not in ",]":
                end += 1
            raw = text[position:end].rstrip(" ")
            if not raw or raw[0] in _NOT_PLAIN_START or any(c in raw for c in "[]{}#\"'") or ":" in raw:
                return _DECLINE, ""
            value = _resolve_plain(raw)
            if value is _DECLINE:
                return _DECLINE, ""
            position = end
        items.append(value)
        while position < length and text[position] == " ":
            position += 1
        if position >= length:
            return _DECLINE, ""
        if text[position] == "]":
            return items, text[position + 1 :]
        if text[position] != ",":
            return _DECLINE, ""
        position += 1
        if text[position:].lstrip(" ").startswith("]"):
            return _DECLINE, ""  # a trailing comma: rare, left to PyYAML


def _scalar(text: str):
    """The value of a block-context scalar (already stripped on the left), or _DECLINE."""
    first = text[0]
    if first in "\"'":
        value, rest = _quoted(text)
        return value if value is not _DECLINE and _after_value(rest) else _DECLINE
    if first == "[":
        value, rest = _flow_sequence(text)
        return value if value is not _DECLINE and _after_value(rest) else _DECLINE
    if first in _NOT_PLAIN_START:
        return _DECLINE
    comment = text.find(" #")
    value = (text if comment < 0 else text[:comment]).rstrip(" ")
    if ": " in value or value.endswith(":"):
        return _DECLINE
    return _resolve_plain(value)


def _fast_load(raw_lines: list[str], key_lines: dict[str, int] | None = None):
    """(fields, duplicate keys) of flat front matter, exactly as PyYAML reads it; None if not flat.
    Fills `key_lines` with each key's first line (0-based)."""
    data: dict = {}
    duplicates: list[tuple[str, int]] = []
    key_lines = {} if key_lines is None else key_lines
    index, count = 0, len(raw_lines)
    while index < count:
        line = raw_lines[index]
        if not line or line[0] == "#" or not line.strip(" "):
            index += 1
            continue
        if "\t" in line or line[0] == " ":
            return None
        match = _FAST_KEY.match(line)
        if match is None:
            return None
        key = match.group(1)
        if key in data:
            duplicates.append((key, index))
        elif _resolve_plain(key) is not key:
            return None  # `yes:`, `on:`, `2024:`: keys PyYAML reads as other types
        key_lines.setdefault(key, index)
        text = line[match.end() :].lstrip(" ")
        index += 1
        if text and text[0] != "#":
            value = _scalar(text)
            if value is _DECLINE:
                return None
            data[key] = value
            continue
        items: list = []
        item_indent = None
        while index < count:
            item_line = raw_lines[index]
            stripped = item_line.lstrip(" ")
            if not stripped or stripped[0] == "#":
                index += 1
                continue
            if "\t" in item_line:
                return None
            indent = len(item_line) - len(stripped)
            if not stripped.startswith("- "):
                if indent:
                    return None  # a nested mapping or a continued scalar
                break
            if item_indent is None:
                item_indent = indent
            elif indent != item_indent:
                return None
            item_text = stripped[2:].lstrip(" ")
            if not item_text or item_text[0] == "#":
                return None
            value = _scalar(item_text)
            if value is _DECLINE:
                return None
            items.append(value)
            index += 1
        data[key] = items if item_indent is not None else None
    return data, duplicates


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
    for key in [key for key, value in data.items() if _oversized(value)]:
        # YAML aliases can make a few lines stand for billions of values ("billion laughs"), and
        # nesting thousands deep breaks every reader: such a field is dropped, the rest kept
        errors.append((first_line, f"front matter field {key!r} nests deeper than {MAX_DEPTH} levels or "
                       f"expands to more than {MAX_VALUES:,} values; the field is ignored"))  # fmt: skip
        del data[key]
    return _stringify_keys(data), errors, [(k, first_line + n) for k, n in duplicates]


MAX_DEPTH = 50
MAX_VALUES = 10_000


def _oversized(value) -> bool:
    """Whether a field's value nests or expands past the limits (an alias counts every time it is used)."""
    stack, seen = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_VALUES:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth + 1) for k in item)
        elif isinstance(item, (list, tuple, set)):
            stack.extend((v, depth + 1) for v in item)
    return False


def _stringify_keys(data: dict) -> dict:
    if all(isinstance(key, str) for key in data):
        return data
    return {str(key): value for key, value in data.items()}
