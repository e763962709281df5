"""`kb fix`: the link repairs that are certain, applied without touching anything else.

A fix is made only when the new link resolves, exactly and to one note, the way Obsidian resolves it:
- prefix: `[[short title]]` is the start of exactly one note's title -> `[[short title … whole]]`;
- alias: `[[Alias]]` is an `aliases:` entry of exactly one note -> `[[Title|Alias]]` (the words shown stay);
- loose: `[[Some hyphen title]]` matches `some-hyphen-title.md` only when case, hyphens and punctuation
  are ignored (kb follows it, Obsidian does not) -> `[[some-hyphen-title]]`.
A link that resolves is never changed; a written alias (`|shown text`), a heading (`#…`) and an embed's
`!` are kept; only the link's own characters change, every other byte of the note stays; notes that
are not UTF-8 are left alone; writes are atomic. A second run finds nothing to fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .links import MARKDOWN
from .model import KnowledgeBase
from .writer import OutsideKB, read_exact, write_inside

_UNSAFE = set("|[]#^")  # a title with one of these cannot be written inside a wikilink


@dataclass(frozen=True)
class LinkFix:
    path: str  # the note holding the link, relative to the KB root
    line: int
    column: int
    old: str  # the link as written
    new: str
    rule: str  # prefix | alias | loose

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "rule": self.rule,
        }


def plan_fixes(kb: KnowledgeBase, chosen=None) -> list[LinkFix]:
    """Every certain fix in the KB (or in the notes `chosen(path)` accepts), in file order."""
    from .checks import _make_suggester

    suggester = None
    fixes: list[LinkFix] = []
    for item in kb.links:
        link, resolution = item.link, item.resolution
        if link.kind == MARKDOWN or (chosen is not None and not chosen(item.source)):
            continue
        if resolution.path is None:
            if suggester is None:
                suggester = _make_suggester(kb)
            suggestion = suggester.suggest(link.target)
            if not suggestion or suggestion[1] not in ("prefix", "alias"):
                continue  # a spelling guess is a guess
            title, rule = suggestion
            alias = link.alias if link.alias is not None else (link.target if rule == "alias" else None)
        elif resolution.rule == "slug" and not resolution.ambiguous:
            title, rule, alias = _title_of(resolution.path), "loose", link.alias
        else:
            continue
        if _UNSAFE & set(title):
            continue
        check = kb.resolver.resolve(title, item.source)
        target = check.path
        if target is None or check.ambiguous or check.rule == "slug":
            continue  # the new link would not resolve exactly and alone: not certain
        new = ("!" if link.raw.startswith("!") else "") + "[[" + title + link.subpath
        new += ("|" + alias if alias is not None else "") + "]]"
        if new != link.raw:
            fixes.append(LinkFix(item.source, link.line, link.column, link.raw, new, rule))
    fixes.sort(key=lambda fix: (fix.path, fix.line, fix.column))
    return fixes


def _title_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


@dataclass
class FixResult:
    applied: list[LinkFix]
    skipped: list[tuple[LinkFix, str]]  # fixes not made, and why
    diffs: dict[str, str]  # path -> unified diff of the note


def apply_fixes(root: Path, fixes: list[LinkFix], dry_run: bool = False) -> FixResult:
    """Make the fixes note by note: each link's characters replaced where they stand, the rest of the
    note byte for byte; with `dry_run`, only the diffs."""
    by_path: dict[str, list[LinkFix]] = {}
    for fix in fixes:
        by_path.setdefault(fix.path, []).append(fix)
    result = FixResult([], [], {})
    for path, planned in sorted(by_path.items()):
        text = read_exact(root / path)
        if text is None:
            result.skipped += [(fix, "the note is not UTF-8") for fix in planned]
            continue
        lines = text.splitlines(keepends=True)
        changed = list(lines)
        # right to left within a line, so earlier columns stay where they are
        for fix in sorted(planned, key=lambda f: (f.line, -f.column)):
            index, start = fix.line - 1, fix.column - 1
            if not 0 <= index < len(changed) or changed[index][start : start + len(fix.old)] != fix.old:
                result.skipped.append((fix, "the note changed since it was read"))
                continue
            changed[index] = changed[index][:start] + fix.new + changed[index][start + len(fix.old) :]
            result.applied.append(fix)
        if changed == lines:
            continue
        new_text = "".join(changed)
        result.diffs[path] = "".join(
            difflib.unified_diff(lines, changed, fromfile=f"a/{path}", tofile=f"b/{path}", n=0)
        )
        if not dry_run:
            try:
                write_inside(root, root / path, new_text)
            except (OSError, OutsideKB) as exc:
                # a read-only note, a full disk, a note linked in from outside the KB: left as it was
                result.applied = [fix for fix in result.applied if fix.path != path]
                result.skipped += [(fix, f"cannot write the note: {exc}") for fix in planned]
                del result.diffs[path]
                continue
    result.applied.sort(key=lambda fix: (fix.path, fix.line, fix.column))
    return result
