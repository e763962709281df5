"""The checks stage: plain functions over a loaded KB, each yielding problems.

`CHECKS` is the registry; `run_checks` runs them all, applies the KB's severities and the
caller's `select`/`ignore`, and sorts. Every code is documented in docs/checks.md.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from .config import DATE_FIELDS, LIST_FIELDS, TEXT_FIELDS
from .links import FRONTMATTER, MARKDOWN
from .loader import Note
from .model import KnowledgeBase
from .problems import CODES, Problem, sort_problems
from .resolve import SHORTEST_PATH, slugify
from .suggest import Suggester

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
# Types whose title is the content's identity: two of them with one title are duplicates.
IDENTITY_TYPES = ("claim", "source")


def _where(item) -> str:
    link = item.link
    return f"in front matter field {link.field!r}" if link.kind == FRONTMATTER and link.field else ""


def check_links(kb: KnowledgeBase) -> Iterator[Problem]:
    """broken-link, ambiguous-link and loose-link: one problem per link occurrence."""
    suggester = None
    for item in kb.links:
        link, resolution = item.link, item.resolution
        where = _where(item)
        if resolution.path is None:
            if suggester is None:
                suggester = _make_suggester(kb)
            suggestion = suggester.suggest(link.target)
            message = f"{link.raw} links to a note that does not exist"
            if where:
                message += f" ({where})"
            if suggestion:
                title, reason = suggestion
                reasons = {
                    "alias": "it is an alias of",
                    "prefix": "it is the start of the title",
                    "spelling": "it is spelled like",
                }
                message += f"; {reasons[reason]} [[{title}]]"
            yield Problem(
                item.source,
                link.line,
                "broken-link",
                message,
                suggestion=suggestion[0] if suggestion else None,
                column=link.column,
            )
        elif resolution.decided_by == SHORTEST_PATH:
            others_list = [path for path in resolution.candidates if path != resolution.path]
            others = ", ".join(others_list[:3]) + (f" and {len(others_list) - 3} more" if len(others_list) > 3 else "")
            yield Problem(
                item.source,
                link.line,
                "ambiguous-link",
                f"{link.raw} matches {len(resolution.candidates)} notes; Obsidian opens the one with "
                f"the shortest path, {resolution.path} (also: {others}); link with a folder path to choose",
                related=resolution.candidates,
                column=link.column,
            )
        elif resolution.rule == "slug":
            yield Problem(
                item.source,
                link.line,
                "loose-link",
                f"{link.raw} matches {resolution.path} only when case, hyphens and punctuation are "
                f"ignored; Obsidian will not follow it: write [[{_title_of(resolution.path)}]]",
                suggestion=_title_of(resolution.path),
                column=link.column,
            )


def check_anchors(kb: KnowledgeBase) -> Iterator[Problem]:
    """broken-anchor: `[[Note#Heading]]`, `[[Note#A#B]]`, `[[Note#^block]]`, `[[#Heading]]` and
    `[text](Note.md#heading)` whose heading or block id the target note does not have."""
    for item in kb.links:
        link, resolution = item.link, item.resolution
        if not link.subpath or resolution.path is None:
            continue
        target = kb.notes.get(resolution.path)
        if target is None or not target.readable:
            continue  # an attachment ("doc.pdf#page=3") or a note kb could not read
        missing, suggestion = _missing_anchor(link.subpath, target, markdown=link.kind == MARKDOWN)
        if missing is None:
            continue
        what = "block" if missing.startswith("^") else "heading"
        name = "this note" if resolution.path == item.source else resolution.path
        message = f"{link.raw} names a {what} {missing!r} that {name} does not have"
        if suggestion:
            message += f"; the closest is {suggestion!r}"
        yield Problem(item.source, link.line, "broken-anchor", message, suggestion=suggestion, column=link.column)


_HEADING_NOISE = re.compile(r"[#|^:%\[\]*_`]+")
_WIKI_IN_HEADING = re.compile(r"\[\[([^\]|]*\|)?([^\]]*)\]\]")
_MD_IN_HEADING = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _heading_key(text: str) -> str:
    """A heading as Obsidian matches a link to it: case and spacing ignored, link syntax and the
    characters a link cannot carry (# | ^ : %% [[ ]]) dropped, emphasis marks too."""
    text = _WIKI_IN_HEADING.sub(lambda m: m.group(2), text)
    text = _MD_IN_HEADING.sub(lambda m: m.group(1), text)
    return " ".join(_HEADING_NOISE.sub(" ", text).casefold().split())


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = _WIKI_IN_HEADING.sub(lambda m: m.group(2), text)
    text = _MD_IN_HEADING.sub(lambda m: m.group(1), text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _missing_anchor(subpath: str, note: Note, markdown: bool) -> tuple[str | None, str | None]:
    """(the part of `#…` the note lacks, the closest thing it has), or (None, None) when all is there."""
    parts = [part.strip() for part in subpath.lstrip("#").split("#") if part.strip()]
    if not parts:
        return None, None
    if parts[0].startswith("^"):
        block = parts[0][1:]
        blocks = {b.lower(): b for b in note.blocks}
        if block.lower() in blocks:
            return None, None
        import difflib

        close = difflib.get_close_matches(block.lower(), list(blocks), n=1, cutoff=0.6)
        return parts[0], ("^" + blocks[close[0]]) if close else None
    keys = {_heading_key(h): h for h in note.headings}
    slugs: dict[str, str] = {}
    for heading in note.headings:
        slug = github_slug(heading)
        number = 0
        while (slug if not number else f"{slug}-{number}") in slugs:
            number += 1
        slugs[slug if not number else f"{slug}-{number}"] = heading
    for part in parts:
        if _heading_key(part) in keys or (markdown and part.lower() in slugs):
            continue
        import difflib

        close = difflib.get_close_matches(_heading_key(part), list(keys), n=1, cutoff=0.6)
        return part, keys[close[0]] if close else None
    return None, None


def _title_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def _make_suggester(kb: KnowledgeBase) -> Suggester:
    titles = {path: note.title for path, note in kb.notes.items()}
    aliases = {}
    for path, note in kb.notes.items():
        value = note.fields.get("aliases")
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            aliases[path] = [str(alias) for alias in value if alias]
    return Suggester(titles, aliases)


def check_duplicate_titles(kb: KnowledgeBase) -> Iterator[Problem]:
    """duplicate-title: claims or sources in different places with the same title (up to slug)."""
    groups: dict[str, list[Note]] = defaultdict(list)
    for note in kb.notes.values():
        if note.type in IDENTITY_TYPES:
            groups[slugify(note.title)].append(note)
    for group in groups.values():
        if len(group) < 2:
            continue
        paths = sorted(note.path for note in group)
        for note in group:
            others = [path for path in paths if path != note.path]
            yield Problem(
                note.path,
                1,
                "duplicate-title",
                f"{note.type} title also used by {', '.join(others)}; links to it are ambiguous "
                "and the copies drift apart: merge them or retitle one",
                related=tuple(paths),
            )


def check_orphans(kb: KnowledgeBase) -> Iterator[Problem]:
    """orphan-note: nothing else links here (info)."""
    inbound = kb.inbound_counts()
    for path, note in kb.notes.items():
        if not inbound.get(path):
            yield Problem(path, 1, "orphan-note", f"no other note links to this {note.type} note")


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _describe_value(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def check_schema(kb: KnowledgeBase) -> Iterator[Problem]:
    """missing-field, invalid-value, partial-date and legacy-field, per note type's schema."""
    for note in kb.notes.values():
        if note.readable:
            yield from check_note_schema(kb, note)


def check_note_schema(kb: KnowledgeBase, note: Note) -> Iterable[Problem]:
    schema = kb.config.schemas.get(note.type)
    fields = note.fields
    fm = note.frontmatter
    start = fm.first_line - 1 if fm.present else 1
    if schema and schema.required:
        if not fm.present:
            yield Problem(
                note.path,
                1,
                "missing-field",
                f"{note.type} note has no front matter; it needs {', '.join(schema.required)}",
            )
        else:
            for name in schema.required:
                if _is_empty(fields.get(name)):
                    state = "empty" if name in fields else "missing"
                    yield Problem(
                        note.path,
                        note.field_line(name) if name in fields else start,
                        "missing-field",
                        f"required field {name!r} is {state} for a {note.type} note",
                    )
    declared = note.declared_type
    if declared is not None and not isinstance(declared, str):
        yield Problem(
            note.path,
            note.field_line("type"),
            "invalid-value",
            f"field 'type' should be a word, not {_describe_value(declared)}",
        )
    elif isinstance(declared, str) and declared.strip().lower() in ("evidence", "archive"):
        yield Problem(
            note.path,
            note.field_line("type"),
            "legacy-field",
            f"legacy type {declared!r} is read as 'source'; write 'type: source'",
        )
    for old, new in sorted(note.legacy.items()):
        yield Problem(
            note.path,
            note.field_line(old),
            "legacy-field",
            f"legacy field {old!r} is read as {new!r}; rename it to {new!r}",
        )
    if schema:
        for name, allowed in schema.enums.items():
            value = fields.get(name)
            if _is_empty(value) or name in note.legacy.values() and name not in fm.fields:
                continue
            if not isinstance(value, str) or value not in allowed:
                yield Problem(
                    note.path,
                    note.field_line(name),
                    "invalid-value",
                    f"{name} {_describe_value(value) if not isinstance(value, str) else repr(value)} "
                    f"is not one of {', '.join(allowed)}",
                )
    for name, value in fm.fields.items():
        if value is None:
            continue
        if name in LIST_FIELDS and not isinstance(value, list):
            yield Problem(
                note.path,
                note.field_line(name),
                "invalid-value",
                f"field {name!r} should be a list, not {_describe_value(value)}",
            )
        elif name in TEXT_FIELDS and isinstance(value, (list, dict)):
            yield Problem(
                note.path,
                note.field_line(name),
                "invalid-value",
                f"field {name!r} should be text, not {_describe_value(value)}",
            )
        elif name in DATE_FIELDS or name.endswith("_date") or name.startswith("date_"):
            yield from _check_date(note, name, value)


def _check_date(note: Note, name: str, value) -> Iterable[Problem]:
    line = note.field_line(name)
    text = str(value).strip() if isinstance(value, (str, int)) else None
    if text is None:
        yield Problem(
            note.path, line, "invalid-value", f"date field {name!r} should be YYYY-MM-DD, not {_describe_value(value)}"
        )
        return
    if not text:
        return  # empty: the missing-field check says so, once
    match = _DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        if month == 0 or day == 0:
            yield Problem(
                note.path, line, "partial-date", f"{name} {text} has a 00 placeholder; kept as a partial date"
            )
            return
        try:
            datetime.date(year, month, day)
        except ValueError:
            yield Problem(note.path, line, "invalid-value", f"{name} {text} is not a real date")
        return
    if _YEAR_MONTH.fullmatch(text) or re.fullmatch(r"\d{4}", text):
        yield Problem(note.path, line, "partial-date", f"{name} {text} gives no day; kept as a partial date")
        return
    yield Problem(note.path, line, "invalid-value", f"{name} {text!r} is not a date in YYYY-MM-DD form")


def check_numeric_conflicts(kb: KnowledgeBase, focus=None) -> Iterator[Problem]:
    """numeric-conflict: one problem per fact of each unresolved conflict, pointing at the other side.
    With `focus`, only conflicts with a fact in a focused note (see `run_checks`)."""
    from .conflicts import HARD, find_conflicts

    for conflict in find_conflicts(kb, focus=focus).conflicts:
        for side in conflict.sides:
            others = [
                f"{fact.text!r} in {fact.path}:{fact.line}"
                for other in conflict.sides
                if other is not side
                for fact in other.facts[:2]
            ]
            for fact in side.facts:
                kind = "" if conflict.kind == HARD else f"{conflict.kind} "
                yield Problem(
                    fact.path,
                    fact.line,
                    "numeric-conflict",
                    f"{kind}conflict on {conflict.metric} ({conflict.period}): {fact.text!r} here vs "
                    f"{'; '.join(others)} [{conflict.id}]",
                    related=tuple(sorted({f.path for s in conflict.sides for f in s.facts})),
                )


CHECKS = (check_links, check_anchors, check_duplicate_titles, check_schema, check_orphans, check_numeric_conflicts)
CHECK_CODES = {
    "check_links": ("broken-link", "ambiguous-link", "loose-link"),
    "check_anchors": ("broken-anchor",),
    "check_duplicate_titles": ("duplicate-title",),
    "check_schema": ("missing-field", "invalid-value", "partial-date", "legacy-field"),
    "check_orphans": ("orphan-note",),
    "check_numeric_conflicts": ("numeric-conflict",),
}


def run_checks(
    kb: KnowledgeBase,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    extra: Iterable[Problem] = (),
    focus=None,
) -> list[Problem]:
    """Every problem in the KB, with the KB's severities applied, filtered by code, sorted. `focus` (a
    predicate on note paths) lets the checks that compare notes with each other (numeric conflicts)
    skip comparisons that involve no focused note; the others check everything, which is cheap."""
    selected = set(select)
    ignored = set(ignore)
    severities = kb.config.severities
    problems: list[Problem] = []
    candidates = list(kb.load_problems)
    for check in CHECKS:
        codes = CHECK_CODES.get(check.__name__, ())
        wanted = [
            c for c in codes if (not selected or c in selected) and c not in ignored and severities.get(c) != "off"
        ]
        if codes and not wanted:
            continue  # nobody asked for what this check finds: skip its cost (conflicts read every note again)
        candidates.extend(check(kb, focus) if check is check_numeric_conflicts else check(kb))
    candidates.extend(extra)
    for problem in candidates:
        if (selected and problem.code not in selected) or problem.code in ignored:
            continue
        severity = severities.get(problem.code)
        if severity == "off":
            continue
        if severity and severity != problem.severity:
            problem = Problem(
                problem.path,
                problem.line,
                problem.code,
                problem.message,
                severity,
                problem.suggestion,
                problem.related,
                problem.column,
            )
        problems.append(problem)
    return sort_problems(problems)


def unknown_codes(codes: Iterable[str]) -> list[str]:
    return sorted(code for code in codes if code not in CODES)
