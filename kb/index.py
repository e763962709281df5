"""The index writer: generated Markdown pages editors browse on GitHub and in Obsidian.

Pages (under the KB's index folder, `index/` by default):
- `README.md`: the home page, linking everything below;
- `notes/<note path>.links.md`: per note, its backlinks (with the linking line) and outgoing links;
- `types/<type>.md` and `domains/<domain>.md`: the notes of each type and domain;
- `beliefs.md` and `beliefs/<owner>--<slug>.md`: belief status, grounding, evidence, a Mermaid diagram;
- `wanted.md`: notes linked but never written, most wanted first.

Every page starts with GENERATED_MARKER; a file without it is never overwritten, pages whose
note is gone are removed, and a page whose bytes would not change is not rewritten. Output is
deterministic: sorted, no timestamps. Links are relative Markdown links by default (they work on
GitHub and in Obsidian); `[index] links = "wikilink"` or `"both"` in kb.toml changes that.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .beliefs import LEVEL_MINIMUM, Belief, BeliefReport, assess_beliefs
from .graph import mermaid_label
from .links import FRONTMATTER
from .loader import GENERATED_MARKER, is_generated, read_lines
from .model import KnowledgeBase, ResolvedLink
from .problems import Problem
from .progress import stage

MARKER = f"{GENERATED_MARKER} index: do not edit; `kb index` rewrites this page -->"
NOTE_PAGE_SUFFIX = ".links.md"
MAX_NAME_BYTES = 255
CONTEXT_CHARS = 160
MERMAID_MAX_NODES = 40
MERMAID_LABEL_CHARS = 60
_WIKILINK = re.compile(r"!?\[\[([^\[\n]+?)\]\]")


@dataclass
class IndexResult:
    out_dir: Path
    pages: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "out": str(self.out_dir),
            "pages": self.pages,
            "written": self.written,
            "removed": self.removed,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def _safe_name(name: str, suffix: str, key: str) -> str:
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
    page = _safe_name(stem, NOTE_PAGE_SUFFIX, note_path)
    return f"notes/{folder}/{page}" if folder else f"notes/{page}"


def belief_page_path(belief: Belief) -> str:
    return "beliefs/" + _safe_name(belief.id.replace("/", "--"), ".md", belief.id)


def _slug_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text.strip().lower()).strip("-") or "none"


def _escape(text: str) -> str:
    """Text safe inside Markdown: no accidental emphasis, links or HTML."""
    text = text.replace("\\", "\\\\")
    for char in "[]*_`|":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _readable(text: str) -> str:
    """The words of a line of Markdown: no list marker, heading hashes or emphasis markers."""
    text = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|>\s*)", "", text)
    return re.sub(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text).strip()


def _plain_context(line: str, column: int) -> str:
    """The linking line as readable text: wikilinks shown as their words, cut around the link."""
    if column > CONTEXT_CHARS:
        start = max(0, column - CONTEXT_CHARS // 2)
        line = "…" + line[start:]
    text = _WIKILINK.sub(
        lambda m: (m.group(1).split("|", 1)[-1] if "|" in m.group(1) else m.group(1)).rstrip("\\"), line.strip()
    )
    text = re.sub(r"\s+", " ", _readable(text.replace("[[", "").replace("]]", "")))
    if len(text) > CONTEXT_CHARS:
        text = text[:CONTEXT_CHARS].rstrip() + "…"
    return text


class _PageWriter:
    def __init__(self, kb: KnowledgeBase, out_dir: Path) -> None:
        self.kb = kb
        self.out_dir = out_dir
        self.style = kb.config.index_links
        self.lines_cache: dict[str, list[str]] = {}
        self._targets: dict[tuple[str, str], str] = {}  # (page folder, KB file) -> quoted relative path
        self._quoted: dict[str, str] = {}  # the part after "../" -> quoted: urllib's quote is slow
        self._root = str(kb.config.root)
        self._out = str(out_dir)

    def lines(self, path: str) -> list[str]:
        if path not in self.lines_cache:
            self.lines_cache[path] = read_lines(self.kb.config, path)
        return self.lines_cache[path]

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
        markdown = f"[{_escape(label)}]({quoted})"
        if self.style == "markdown":
            return markdown
        key = target[:-3] if target.lower().endswith(".md") else target
        pipe = "\\|" if in_table else "|"
        wikilink = f"[[{key}{pipe}{label.replace('|', ' ').replace(']', ' ').replace('[', ' ')}]]"
        return wikilink if self.style == "wikilink" else f"{markdown} ({wikilink.replace(pipe + label, pipe + '↗')})"

    def page_link(self, page: str, other_page: str, label: str) -> str:
        relative = posixpath.relpath(other_page, posixpath.dirname(page) or ".")
        return f"[{_escape(label)}]({quote(relative, safe='/')})"


def _title(kb: KnowledgeBase, path: str) -> str:
    note = kb.notes.get(path)
    return note.title if note else path.rsplit("/", 1)[-1]


def build_pages(kb: KnowledgeBase, out_dir: Path, report: BeliefReport | None = None) -> dict[str, str]:
    """Every index page as {path relative to the index folder: content}."""
    stage("building pages")
    writer = _PageWriter(kb, out_dir)
    report = report if report is not None else assess_beliefs(kb)
    inbound: dict[str, list[ResolvedLink]] = defaultdict(list)
    outbound: dict[str, list[ResolvedLink]] = defaultdict(list)
    for item in kb.links:
        outbound[item.source].append(item)
        target = item.resolution.path
        if target is not None and target != item.source and target in kb.notes:
            inbound[target].append(item)
    pages: dict[str, str] = {}
    for path in kb.notes:
        pages[note_page_path(path)] = _note_page(writer, path, inbound[path], outbound[path])
    by_type: dict[str, list[str]] = defaultdict(list)
    by_domain: dict[str, list[str]] = defaultdict(list)
    for path, note in kb.notes.items():
        by_type[note.type].append(path)
        domain = note.fields.get("domain")
        if isinstance(domain, str) and domain.strip():
            by_domain[domain.strip()].append(path)
    for kind, paths in by_type.items():
        pages[f"types/{_slug_name(kind)}.md"] = _list_page(
            writer, f"types/{_slug_name(kind)}.md", f"Type: {kind}", paths, inbound
        )
    for domain, paths in by_domain.items():
        page = f"domains/{_slug_name(domain)}.md"
        if page in pages:  # two spellings of one domain share a page name: keep them apart
            page = f"domains/{_slug_name(domain)}-{hashlib.sha1(domain.encode()).hexdigest()[:6]}.md"
        pages[page] = _list_page(writer, page, f"Domain: {domain}", paths, inbound)
    for belief in report.beliefs:
        pages[belief_page_path(belief)] = _belief_page(writer, belief)
    pages["beliefs.md"] = _beliefs_overview(writer, report)
    pages["wanted.md"] = _wanted_page(writer)
    pages["README.md"] = _home_page(writer, by_type, by_domain, report, pages)
    return pages


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _header(title: str) -> list[str]:
    return [MARKER, "", f"# {_escape(title)}", ""]


def _note_page(writer: _PageWriter, path: str, inbound: list[ResolvedLink], outbound: list[ResolvedLink]) -> str:
    kb = writer.kb
    note = kb.notes[path]
    page = note_page_path(path)
    lines = _header(note.title)
    facts = [f"**Note:** {writer.link(page, path, path)}", f"type: {note.type}"]
    domain = note.fields.get("domain")
    if isinstance(domain, str) and domain.strip():
        facts.append(f"domain: {_escape(domain.strip())}")
    lines += [" · ".join(facts), ""]
    sources: dict[str, list[ResolvedLink]] = defaultdict(list)
    for item in inbound:
        sources[item.source].append(item)
    lines += [f"## Backlinks ({len(inbound)})", ""]
    if not sources:
        lines.append("No other note links here.")
    for source in sorted(sources, key=lambda p: (_title(kb, p).lower(), p)):
        lines.append(f"- {writer.link(page, source, _title(kb, source))}")
        for item in sorted(sources[source], key=lambda i: (i.link.line, i.link.column)):
            lines.append(f"  - line {item.link.line}: {_context(writer, item)}")
    lines.append("")
    targets: dict[str, list[ResolvedLink]] = defaultdict(list)
    for item in outbound:
        targets[item.resolution.path or "\0" + item.link.target].append(item)
    lines += [f"## Links ({len(outbound)})", ""]
    if not targets:
        lines.append("This note links nowhere.")
    for key in sorted(targets, key=lambda k: (k.startswith("\0"), k.lstrip("\0").lower())):
        items = targets[key]
        where = ", ".join(str(line) for line in sorted({i.link.line for i in items}))
        if key.startswith("\0"):
            lines.append(f"- {_escape(key[1:])} **(missing)**, line {where}")
        elif key == path:
            lines.append(f"- this note, line {where}")
        else:
            lines.append(f"- {writer.link(page, key, _title(kb, key))}, line {where}")
    lines.append("")
    return "\n".join(lines)


def _context(writer: _PageWriter, item: ResolvedLink) -> str:
    link = item.link
    if link.kind == FRONTMATTER:
        return f"front matter `{link.field or '?'}`"
    lines = writer.lines(item.source)
    text = lines[link.line - 1] if 0 < link.line <= len(lines) else ""
    return _escape(_plain_context(text, link.column)) or "(empty line)"


def _list_page(writer: _PageWriter, page: str, title: str, paths: list[str], inbound) -> str:
    kb = writer.kb
    lines = _header(title)
    lines += [f"{len(paths)} notes, by title. The count is the notes that link to each.", ""]
    for path in sorted(paths, key=lambda p: (_title(kb, p).lower(), p)):
        count = len({item.source for item in inbound.get(path, [])})
        lines.append(
            f"- {writer.link(page, path, _title(kb, path))} ({count}) · "
            f"{writer.page_link(page, note_page_path(path), 'links')}"
        )
    lines.append("")
    return "\n".join(lines)


def _mermaid_label(text: str) -> str:
    return mermaid_label(text, MERMAID_LABEL_CHARS)


def _belief_diagram(writer: _PageWriter, belief: Belief) -> list[str]:
    """belief -> grounding claims -> their sources, as a Mermaid flowchart with a node cap."""
    kb = writer.kb
    nodes: dict[str, str] = {"belief": "b0"}
    lines = ["```mermaid", "flowchart LR", f'  b0["{_mermaid_label(belief.title)}"]']
    edges: list[str] = []
    outbound: dict[str, set[str]] = defaultdict(set)
    for item in kb.links:
        target = item.resolution.path
        if target and target in kb.notes and kb.notes[target].type == "source":
            outbound[item.source].add(target)
    hidden = 0
    for index, grounding in enumerate(belief.grounding):
        if len(nodes) >= MERMAID_MAX_NODES:
            hidden += 1
            continue
        node_id = f"c{index}"
        if grounding.resolved:
            nodes[grounding.resolved] = node_id
            lines.append(f'  {node_id}["{_mermaid_label(_title(kb, grounding.resolved))}"]')
            edges.append(f"  b0 --> {node_id}")
            for source in sorted(outbound.get(grounding.resolved, ())):
                if source not in nodes:
                    if len(nodes) >= MERMAID_MAX_NODES:
                        hidden += 1
                        continue
                    nodes[source] = f"s{len(nodes)}"
                    lines.append(f'  {nodes[source]}[("{_mermaid_label(_title(kb, source))}")]')
                edges.append(f"  {node_id} --> {nodes[source]}")
        else:
            lines.append(f'  {node_id}["{_mermaid_label(grounding.target)} (missing)"]')
            edges.append(f"  b0 -.-> {node_id}")
            nodes["\0" + grounding.target] = node_id
    lines += edges
    lines += ["```", ""]
    if hidden:
        lines += [f"{hidden} more notes are left out of the diagram to keep it readable.", ""]
    return lines


def _belief_page(writer: _PageWriter, belief: Belief) -> str:
    kb = writer.kb
    page = belief_page_path(belief)
    required = LEVEL_MINIMUM.get(belief.level, 3)
    lines = _header(belief.title)
    lines += [f"**Status:** {belief.status}: {_escape(belief.reason)}", ""]
    where = f"{writer.link(page, belief.path, belief.path)}, line {belief.line}"
    facts = [
        f"**Id:** `{belief.id}`",
        f"**Owner:** {_escape(belief.owner or '-')}",
        f"**Level:** {belief.level}{'' if belief.level_declared else ' (default)'}",
        f"**Defined in:** {where}",
    ]
    if belief.note_path:
        facts.append(f"**Note:** {writer.link(page, belief.note_path, _title(kb, belief.note_path))}")
    if belief.last_evaluated:
        facts.append(f"**Last evaluated:** {belief.last_evaluated}")
    lines += [" · ".join(facts), ""]
    lines += [f"## Grounding ({len(belief.resolved_grounding)} of {required} needed resolve)", ""]
    for item in belief.grounding:
        if item.resolved:
            lines.append(f"- {writer.link(page, item.resolved, _title(kb, item.resolved))}")
        else:
            lines.append(f"- {_escape(item.target)} **(missing)**")
    if not belief.grounding:
        lines.append("No grounding claims are listed.")
    lines.append("")
    if belief.changed_claims:
        lines += ["## Changed since last evaluated", ""]
        for changed in belief.changed_claims:
            lines.append(
                f"- {writer.link(page, changed['path'], _title(kb, changed['path']))}: changed "
                f"{changed['changed']} (per {changed['from']}), belief evaluated {changed['evaluated']}"
            )
        lines.append("")
    lines += [f"## Evidence ({len(belief.evidence)})", ""]
    if belief.evidence:
        lines += ["| date | kind | where | evidence |", "|---|---|---|---|"]
        for event in belief.evidence:
            label = _title(kb, event.path)
            label = label if len(label) <= 50 else label[:49] + "…"
            where = writer.link(page, event.path, f"{label}:{event.line}", in_table=True)
            if event.via:
                where += " (on a grounding claim)"
            quote = _readable(event.quote)
            quote_text = _escape(quote[:200] + ("…" if len(quote) > 200 else ""))
            lines.append(f"| {event.date or '?'} | {event.kind} | {where} | {quote_text} |")
    else:
        lines.append("No evidence recorded.")
    lines += ["", "## Diagram", ""]
    lines += _belief_diagram(writer, belief)
    return "\n".join(lines)


def _beliefs_overview(writer: _PageWriter, report: BeliefReport) -> str:
    lines = _header("Beliefs")
    lines += [f"{len(report.beliefs)} beliefs. Change dates from {report.dates_from}.", ""]
    if report.beliefs:
        lines += ["| status | grounding | evidence | owner | belief |", "|---|---|---|---|---|"]
    for belief in report.beliefs:
        required = LEVEL_MINIMUM.get(belief.level, 3)
        confirms = sum(1 for e in belief.evidence if e.kind in ("confirm", "extend"))
        challenges = sum(1 for e in belief.evidence if e.kind == "challenge")
        link = writer.page_link("beliefs.md", belief_page_path(belief), belief.title)
        lines.append(
            f"| {belief.status} | {len(belief.resolved_grounding)}/{required} | +{confirms} −{challenges} "
            f"| {_escape(belief.owner or '-')} | {link} |"
        )
    flagged = [m for m in report.mentions if m.problem]
    if flagged:
        lines += ["", "## Belief mentions that need a look", ""]
        for mention in flagged:
            lines.append(
                f"- {writer.link('beliefs.md', mention.path, f'{mention.path}:{mention.line}')}: "
                f"{_escape(mention.problem)}"
            )
    lines.append("")
    return "\n".join(lines)


def _wanted_page(writer: _PageWriter) -> str:
    kb = writer.kb
    lines = _header("Wanted notes")
    lines += [f"{len(kb.wanted)} notes are linked but not written, most wanted first.", ""]
    for name, linkers, occurrences in kb.wanted:
        sources = sorted({item.source for item in occurrences})
        shown = ", ".join(writer.link("wanted.md", source, _title(kb, source)) for source in sources[:8])
        more = f" and {len(sources) - 8} more" if len(sources) > 8 else ""
        lines.append(
            f"- **{_escape(name)}**: {_count(linkers, 'note')}, {_count(len(occurrences), 'link')}: {shown}{more}"
        )
    lines.append("")
    return "\n".join(lines)


def _home_page(writer: _PageWriter, by_type, by_domain, report: BeliefReport, pages: dict[str, str]) -> str:
    kb = writer.kb
    lines = _header("KB index")
    lines += [
        f"{len(kb.notes)} notes, {len(kb.links)} links, {len(kb.broken_links)} of them to notes not yet "
        f"written. Generated by `kb index`.",
        "",
        "## By type",
        "",
    ]
    for kind in sorted(by_type):
        lines.append(f"- {writer.page_link('README.md', f'types/{_slug_name(kind)}.md', kind)} ({len(by_type[kind])})")
    lines += ["", "## By domain", ""]
    domain_pages = {page for page in pages if page.startswith("domains/")}
    for domain in sorted(by_domain, key=str.lower):
        page = f"domains/{_slug_name(domain)}.md"
        if page not in domain_pages:
            continue
        lines.append(f"- {writer.page_link('README.md', page, domain)} ({len(by_domain[domain])})")
    if not by_domain:
        lines.append("No note has a `domain`.")
    lines += [
        "",
        "## More",
        "",
        f"- {writer.page_link('README.md', 'beliefs.md', 'Beliefs')} ({len(report.beliefs)})",
        f"- {writer.page_link('README.md', 'wanted.md', 'Wanted notes')} ({len(kb.wanted)})",
        "",
    ]
    return "\n".join(lines)


def _is_generated(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return is_generated(handle.read(len(GENERATED_MARKER) + 8).decode("utf-8", errors="replace"))
    except OSError:
        return False


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
    try:
        # mkstemp makes the file 0600: keep the replaced file's mode, or what the umask gives a new one
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(temp, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


class UnsafeIndexFolder(OSError):
    """The index folder would put kb's writes and clean-up among the user's own files."""


def check_index_folder(root: Path, out_dir: Path, explicit: bool) -> Path:
    """The index folder, resolved, if kb may write and clean up there: never the KB root or a folder
    above it (the clean-up would walk every note and `.git`), and inside the KB unless the user named
    it with `--out` (a `[kb] index = "../x"` or an `index/` symlink must not write elsewhere)."""
    root, resolved = Path(root).resolve(), Path(out_dir).resolve()
    if resolved == root or resolved in root.parents:
        raise UnsafeIndexFolder(f"the index folder {resolved} is the KB or holds it; give the index its own folder")
    if not explicit and root not in resolved.parents:
        raise UnsafeIndexFolder(
            f"the index folder {resolved} is outside the KB ({root}); name it with --out to write there"
        )
    return resolved


def write_index(
    kb: KnowledgeBase, out_dir: Path | None = None, dry_run: bool = False, explicit: bool | None = None
) -> IndexResult:
    """Generate the index pages; write only changed ones; remove generated pages no longer wanted."""
    if explicit is None:
        explicit = out_dir is not None
    out_dir = Path(out_dir) if out_dir is not None else kb.config.root / kb.config.index_dir
    out_dir = check_index_folder(kb.config.root, out_dir, explicit)
    result = IndexResult(out_dir)
    pages = build_pages(kb, out_dir)
    result.pages = len(pages)
    display_root = kb.config.root
    shown_dir = _display(out_dir, display_root)
    for relpath in sorted(pages):
        target = out_dir / relpath
        data = (pages[relpath].rstrip("\n") + "\n").encode("utf-8")
        shown = str(target) if os.path.isabs(shown_dir) else posixpath.join(shown_dir, relpath).removeprefix("./")
        if out_dir not in target.resolve().parents:
            # a folder inside the index that is a symlink out of it
            result.problems.append(
                Problem(
                    shown, 1, "index-conflict", "this page's folder leads outside the index; not written", "warning"
                )
            )
            continue
        if target.exists():
            if not target.is_file() or not _is_generated(target):
                result.problems.append(
                    Problem(
                        shown,
                        1,
                        "index-conflict",
                        "a file kb did not generate is in the way of an index page; left untouched",
                        "warning",
                    )
                )
                continue
            if target.read_bytes() == data:
                continue
        if not dry_run:
            atomic_write(target, data)
        result.written.append(shown)
    wanted = {(out_dir / relpath) for relpath in pages}
    if out_dir.is_dir():
        emptied: set[str] = set()  # folders kb removed a page from: only those may be removed
        for folder, dirs, filenames in os.walk(out_dir, topdown=False):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if any(part.startswith(".") for part in Path(folder).relative_to(out_dir).parts):
                continue  # never inside .git, .kb or another hidden folder
            for name in filenames:
                path = Path(folder) / name
                if path not in wanted and name.endswith(".md") and _is_generated(path):
                    if not dry_run:
                        path.unlink()
                    emptied.add(folder)
                    result.removed.append(_display(path, display_root))
            if not dry_run and Path(folder) != out_dir and not os.listdir(folder):
                # a folder kb emptied (of pages, or of folders it emptied): a person's empty folder stays
                if folder in emptied:
                    os.rmdir(folder)
                    emptied.add(str(Path(folder).parent))
    result.written.sort()
    result.removed.sort()
    return result


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
