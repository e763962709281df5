"""What every index page is made with: page paths, escaping, links from a page to a note or page."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from urllib.parse import quote

from ..checks import github_slug
from ..loader import GENERATED_MARKER, read_lines
from ..model import KnowledgeBase

MARKER = f"{GENERATED_MARKER} index: do not edit; `kb index` rewrites this page -->"
NOTE_PAGE_SUFFIX = ".links.md"
MAX_NAME_BYTES = 255
CONTEXT_CHARS = 160
_WIKILINK = re.compile(r"!?\[\[([^\[\n]+?)\]\]")


def safe_name(name: str, suffix: str, key: str) -> str:
    """`name + suffix`, shortened with a hash when it would pass the file-system limit of 255 bytes."""
    if len((name + suffix).encode("utf-8")) <= MAX_NAME_BYTES:
        return name + suffix
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - 9
    shortened = name.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip()
    return f"{shortened}~{digest}{suffix}"


def note_page_path(note_path: str) -> str:
    folder, _, name = note_path.rpartition("/")
    stem = name[:-3] if name.lower().endswith(".md") else name
    page = safe_name(stem, NOTE_PAGE_SUFFIX, note_path)
    return f"notes/{folder}/{page}" if folder else f"notes/{page}"


def belief_page_path(belief) -> str:
    return "beliefs/" + safe_name(belief.id.replace("/", "--"), ".md", belief.id)


def slug_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text.strip().lower()).strip("-") or "none"


def escape(text: str) -> str:
    """Text safe inside Markdown: no accidental emphasis, links or HTML."""
    text = text.replace("\\", "\\\\")
    for char in "[]*_`|":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def readable(text: str) -> str:
    """The words of a line of Markdown: no list marker, heading hashes or emphasis markers."""
    text = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|>\s*)", "", text)
    return re.sub(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text).strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    else:
        cut = cut[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def plain_context(line: str, column: int) -> str:
    """The linking line as readable text: wikilinks shown as their words, cut around the link at
    word boundaries."""
    prefix = ""
    if column > CONTEXT_CHARS:
        start = max(0, column - CONTEXT_CHARS // 2)
        space = line.find(" ", start)
        start = space + 1 if 0 <= space < column else start
        line, prefix = line[start:], "…"
    text = _WIKILINK.sub(
        lambda m: (m.group(1).split("|", 1)[-1] if "|" in m.group(1) else m.group(1)).rstrip("\\"), line.strip()
    )
    text = re.sub(r"\s+", " ", readable(text.replace("[[", "").replace("]]", "")))
    return prefix + shorten(text, CONTEXT_CHARS) if text else ""


def unique_anchors(title: str, headings: list[str]) -> list[str]:
    """The anchor GitHub gives each heading of a page whose first heading is `title`: its slug, with
    "-1", "-2" … after a slug already taken on the page."""
    seen = {github_slug(title): 0}
    anchors = []
    for text in headings:
        slug = github_slug(text)
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}-{seen[slug]}"
            while slug in seen:  # a heading that is itself spelled like a suffixed one
                seen[slug] = 0
                slug = f"{slug}-1"
        seen[slug] = 0
        anchors.append(slug)
    return anchors


def count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def header(title: str) -> list[str]:
    return [MARKER, "", f"# {escape(title)}", ""]


class PageWriter:
    """Links from a generated page (a path relative to the index folder) to KB files and other pages."""

    def __init__(self, kb: KnowledgeBase, out_dir) -> None:
        self.kb = kb
        self.out_dir = out_dir
        self.style = kb.config.index_links
        self.lines_cache: dict[str, list[str]] = {}
        self._targets: dict[tuple[str, str], str] = {}  # (page folder, KB file) -> quoted relative path
        self._quoted: dict[str, str] = {}  # the part after "../" -> quoted: urllib's quote is slow
        self._root = str(kb.config.root)
        self._out = str(out_dir)
        self._shared_titles: set[str] | None = None

    def lines(self, path: str) -> list[str]:
        if path not in self.lines_cache:
            self.lines_cache[path] = read_lines(self.kb.config, path)
        return self.lines_cache[path]

    def title(self, path: str) -> str:
        note = self.kb.notes.get(path)
        return note.title if note else path.rsplit("/", 1)[-1]

    def label(self, path: str) -> str:
        """A note's title, with its folder when another note has the same title (`identity` is
        one of seven): two links that read alike must not look like one note listed twice."""
        if self._shared_titles is None:
            seen: dict[str, int] = {}
            for note in self.kb.notes.values():
                seen[note.title] = seen.get(note.title, 0) + 1
            self._shared_titles = {title for title, number in seen.items() if number > 1}
        title = self.title(path)
        if title in self._shared_titles and "/" in path:
            return f"{title} ({path.rsplit('/', 1)[0]})"
        return title

    def link(self, page: str, target: str, label: str, in_table: bool = False) -> str:
        """A link from generated `page` (relative to the index folder) to KB file `target`."""
        page_dir = posixpath.dirname(page)
        quoted = self._targets.get((page_dir, target))
        if quoted is None:
            relative = os.path.relpath(os.path.join(self._root, target), os.path.join(self._out, page_dir))
            relative = relative.replace(os.sep, "/")
            rest = relative.lstrip("./")
            ups = relative[: len(relative) - len(rest)]  # "../../": nothing in it to quote
            quoted = self._quoted.get(rest)
            if quoted is None:
                quoted = self._quoted[rest] = quote(rest, safe="/")
            quoted = ups + quoted
            self._targets[(page_dir, target)] = quoted
        markdown = f"[{escape(label)}]({quoted})"
        if self.style == "markdown":
            return markdown
        key = target[:-3] if target.lower().endswith(".md") else target
        pipe = "\\|" if in_table else "|"
        wikilink = f"[[{key}{pipe}{label.replace('|', ' ').replace(']', ' ').replace('[', ' ')}]]"
        return wikilink if self.style == "wikilink" else f"{markdown} ({wikilink.replace(pipe + label, pipe + '↗')})"

    def page_link(self, page: str, other_page: str, label: str, anchor: str = "") -> str:
        relative = posixpath.relpath(other_page, posixpath.dirname(page) or ".")
        return f"[{escape(label)}]({quote(relative, safe='/')}{'#' + anchor if anchor else ''})"
