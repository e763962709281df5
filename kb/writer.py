"""Safe writes: surgical front-matter edits, atomic replacement, a KB-wide lock, paths kept inside the KB.

`set_fields` changes only the named top-level fields of a note's front matter and keeps every
other byte (order, quoting, comments, the body). Writers never touch a path outside the KB root.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from .atomic import atomic_write

_KEY = re.compile(r"([A-Za-z0-9_][^:\n]*?):(?:[ \t]|$)")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/@+-]*")
_COMMENT = re.compile(r"\s+#(?:\s[^\"']*)?$")  # a trailing YAML comment, outside quotes
_NEEDS_QUOTES = re.compile(r"^(?:true|false|yes|no|on|off|null|~|-?\d[\d.eE+-]*|\d{4}-\d\d-\d\d.*)$", re.I)


class OutsideKB(Exception):
    """A path that would write outside the KB root."""


def yaml_scalar(value) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return text  # dates stay plain, as the KB writes them
    if _PLAIN.fullmatch(text) and not _NEEDS_QUOTES.match(text) and not text.endswith((" ", ":")):
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_field(key: str, value) -> list[str]:
    """`key: value` lines: lists as block sequences, dicts inline as JSON-style flow mappings."""
    if isinstance(value, (list, tuple)):
        if not value:
            return [f"{key}: []"]
        lines = [f"{key}:"]
        for item in value:
            if isinstance(item, dict):
                inner = ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in item.items())
                lines.append(f"  - {{{inner}}}")
            else:
                lines.append(f"  - {yaml_scalar(item)}")
        return lines
    return [f"{key}: {yaml_scalar(value)}"]


def _front_matter_bounds(lines: list[str]) -> tuple[int, int] | None:
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return 1, index
    return None


def set_fields(text: str, values: dict) -> str:
    """The note with the top-level front-matter `values` set; every other byte kept.

    A field present is replaced in place (its continuation lines too); a new one goes before the
    closing fence. A note without front matter gets a block with just these fields.
    """
    if text.startswith("\ufeff"):  # a byte-order mark stays where it is, before the front matter
        return "\ufeff" + set_fields(text[1:], values)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    bounds = _front_matter_bounds(lines)
    if bounds is None:
        block = ["---"] + [line for key, value in values.items() for line in yaml_field(key, value)] + ["---"]
        return newline.join(block) + newline + text
    start, end = bounds
    body = lines[start:end]
    for key, value in values.items():
        rendered = yaml_field(key, value)
        index = next((i for i, line in enumerate(body) if (m := _KEY.match(line)) and m.group(1).strip() == key), None)
        if index is None:
            body.extend(rendered)
            continue
        stop = index + 1
        while stop < len(body) and (body[stop].startswith((" ", "\t", "- ")) or body[stop].strip() == "-"):
            stop += 1
        comment = _COMMENT.search(body[index])
        if comment and len(rendered) == 1:
            rendered = [rendered[0] + comment.group(0)]  # "status: unprocessed  # set by the clipper" keeps its note
        body[index:stop] = rendered
    return newline.join(lines[:start] + body + lines[end:])


def read_exact(path: Path) -> str | None:
    """A note's text exactly as stored (line endings, byte-order mark kept), or None when it is not
    UTF-8: such a note is not edited, since writing it back would turn its bytes into U+FFFD."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def append_block(text: str, block: str) -> str:
    """`text` with `block` appended after one line break, in the text's own line endings."""
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.rstrip("\r\n") + newline + block.replace("\n", newline)


def inside(root: Path, path: Path) -> Path:
    """`path` resolved, or OutsideKB if it is not under `root` (whatever `..` or symlinks say)."""
    resolved = Path(os.path.realpath(path))
    root = Path(os.path.realpath(root))
    if resolved != root and root not in resolved.parents:
        raise OutsideKB(f"{path} is outside the KB at {root}")
    return resolved


def write_inside(root: Path, path: Path, text: str) -> None:
    target = inside(root, path)
    atomic_write(target, text.encode("utf-8"))


@contextlib.contextmanager
def kb_lock(root: Path):
    """An exclusive lock on the KB for the duration of a writing command (waits for another to finish)."""
    folder = Path(root) / ".kb"
    folder.mkdir(exist_ok=True)
    handle = open(folder / "write.lock", "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        yield
    finally:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        except ImportError:  # pragma: no cover
            pass
        handle.close()
