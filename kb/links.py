"""Finding links in a note, Obsidian's way.

Forms: `[[t]]`, `[[t|alias]]`, `[[t#heading]]`, `[[t#^block]]`, `[[#heading]]` (a link to
the note itself), `![[embed]]`, `[[t\\|alias]]` (the pipe escaped inside a table),
`[[folder/t]]`, `[[t.md]]`, and Markdown links to notes (`[text](Some%20Note.md)`).
Links inside fenced code blocks and inline code spans are not links. Links inside
front-matter values count, with the field they sit in.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

BODY = "body"
EMBED = "embed"
FRONTMATTER = "frontmatter"
MARKDOWN = "markdown"

# `[[`, then anything but `[` or a newline up to the first `]]`: a single `]` does not end
# the target (`[[Sq]uare]]` is `Sq]uare`), and `[[a [[b]]` is the link `b`.
# The embed's `!` is looked at by hand: a pattern that starts with an optional character cannot use the
# regex engine's fast search for its literal start, which made link finding 7x slower.
_WIKILINK = re.compile(r"\[\[([^\[\n]+?)\]\]")
# link text: characters other than brackets, or one level of balanced brackets ("[see [1]](a.md)"); a
# run of "[" with no "]" then fails at once instead of being rescanned from every "[" (quadratic)
_MD_LINK = re.compile(r"(!?)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


class Link(NamedTuple):
    """One link occurrence. `target` is the note part as written, without subpath or alias.

    A named tuple rather than a dataclass: a large KB holds hundreds of thousands of links, and tuples
    are built, cached and read back faster."""

    target: str
    subpath: str  # "" or "#heading" / "#^block"
    alias: str | None
    line: int  # 1-based line in the file
    column: int  # 1-based column of the opening bracket
    kind: str  # BODY, EMBED, FRONTMATTER or MARKDOWN
    field: str | None = None  # the front-matter key a FRONTMATTER link sits in
    raw: str = ""


def split_wikilink(inner: str) -> tuple[str, str, str | None]:
    """Split the text between `[[` and `]]` into (target, subpath, alias)."""
    alias = None
    pipe = inner.find("|")
    if pipe >= 0:
        alias = inner[pipe + 1 :]
        inner = inner[:pipe]
        if inner.endswith("\\"):  # `[[t\|alias]]` inside a table
            inner = inner[:-1]
    hash_at = inner.find("#")
    subpath = ""
    if hash_at >= 0:
        subpath = inner[hash_at:]
        inner = inner[:hash_at]
    return inner.strip(), subpath.strip(), alias


def _blank_code_spans(line: str) -> str:
    """Replace inline code spans with spaces, keeping columns."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def _wikilinks_in_line(line: str, line_no: int, kind_default: str, field: str | None) -> list[Link]:
    found = []
    for match in _WIKILINK.finditer(line):
        target, subpath, alias = split_wikilink(match.group(1))
        if not target and not subpath:
            continue
        start = match.start()
        embed = start > 0 and line[start - 1] == "!"
        if embed:
            start -= 1
        kind = EMBED if embed and kind_default == BODY else kind_default
        found.append(Link(target, subpath, alias, line_no, start + 1, kind, field, line[start : match.end()]))
    return found


def _markdown_links_in_line(line: str, line_no: int) -> list[Link]:
    found = []
    for match in _MD_LINK.finditer(line):
        destination = match.group(2)
        if destination.startswith("<"):
            destination = destination[1:-1]
        if destination.startswith("#") or _SCHEME.match(destination):
            continue
        path, _, fragment = destination.partition("#")
        path = unquote(path)
        if not path.lower().endswith(".md"):
            continue
        subpath = "#" + unquote(fragment) if fragment else ""
        found.append(Link(path, subpath, None, line_no, match.start() + 1, MARKDOWN, None, match.group(0)))
    return found


def find_body_links(body: str, first_line: int) -> list[Link]:
    """Every link in a note body whose first line is file line `first_line`."""
    has_wiki = "[[" in body
    has_markdown = "](" in body
    if not (has_wiki or has_markdown):
        return []
    if "`" not in body and "~~~" not in body:
        return _links_without_code(body, first_line, has_markdown)
    return _links_line_by_line(body, first_line, has_wiki, has_markdown)


def _links_line_by_line(body: str, first_line: int, has_wiki: bool, has_markdown: bool) -> list[Link]:
    links: list[Link] = []
    fence: str | None = None
    check_fences = "```" in body or "~~~" in body
    for offset, line in enumerate(body.split("\n")):
        if check_fences:
            fence_match = _FENCE.match(line)
            if fence is not None:
                if (
                    fence_match
                    and fence_match.group(1)[0] == fence[0]
                    and len(fence_match.group(1)) >= len(fence)
                    and not line[fence_match.end() :].strip()
                ):
                    fence = None
                continue
            if fence_match and not (fence_match.group(1)[0] == "`" and "`" in line[fence_match.end() :]):
                fence = fence_match.group(1)
                continue
        if "[" not in line:
            continue
        if "`" in line:
            line = _blank_code_spans(line)
        line_no = first_line + offset
        if has_wiki and "[[" in line:
            links.extend(_wikilinks_in_line(line, line_no, BODY, None))
        if has_markdown and "](" in line:
            links.extend(_markdown_links_in_line(line, line_no))
    return links


def _links_without_code(body: str, first_line: int, has_markdown: bool) -> list[Link]:
    """find_body_links for a body with no code to skip: one pass over the whole text instead of a
    pass per line (a wikilink never spans lines), in the same order (by line, wikilinks first)."""
    links: list[Link] = []
    line_no, line_start, scanned = first_line, 0, 0
    for match in _WIKILINK.finditer(body):
        start = match.start()
        newlines = body.count("\n", scanned, start)
        if newlines:
            line_no += newlines
            line_start = body.rfind("\n", scanned, start) + 1
        scanned = start
        target, subpath, alias = split_wikilink(match.group(1))
        if not target and not subpath:
            continue
        kind = BODY
        if start > line_start and body[start - 1] == "!":
            start -= 1
            kind = EMBED
        links.append(
            Link(target, subpath, alias, line_no, start - line_start + 1, kind, None, body[start : match.end()])
        )
    if has_markdown:
        # A Markdown link may hold spaces and line breaks, so these are found line by line as before.
        for offset, line in enumerate(body.split("\n")):
            if "](" in line:
                links.extend(_markdown_links_in_line(line, first_line + offset))
        links.sort(key=lambda link: (link.line, link.kind == MARKDOWN))
    return links


def find_frontmatter_links(raw_lines: list[str], first_line: int, key_lines: dict[str, int]) -> list[Link]:
    """Wikilinks inside front-matter values, each with the top-level field it belongs to."""
    if not any("[[" in line for line in raw_lines):
        return []
    line_to_key = sorted((line, key) for key, line in key_lines.items())
    links: list[Link] = []
    key_index = -1
    for offset, line in enumerate(raw_lines):
        line_no = first_line + offset
        while key_index + 1 < len(line_to_key) and line_to_key[key_index + 1][0] <= line_no:
            key_index += 1
        if "[[" not in line or line.lstrip().startswith("#"):
            continue
        field = line_to_key[key_index][1] if key_index >= 0 else None
        links.extend(_wikilinks_in_line(line, line_no, FRONTMATTER, field))
    return links
