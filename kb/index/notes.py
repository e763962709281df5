"""Per-note pages (backlinks, links, disputed numbers, problems, a neighbourhood diagram) and the
per-type and per-domain tables."""

from __future__ import annotations

import re
from collections import defaultdict

from ..links import FRONTMATTER
from ..model import ResolvedLink
from .diagrams import Flowchart
from .pagekit import PageWriter, count, escape, header, note_page_path, plain_context, shorten
from .review import Review, conflict_anchor, problem_line

_CHALLENGE_HEADING = re.compile(r"challeng|counter-?evidence|counter[- ]argument|disconfirm", re.I)
NEIGHBOURHOOD_NODES = 30
DOMAIN_NODES, DOMAIN_EDGES = 25, 45  # past this a domain picture is a hairball
TYPE_STYLES = {
    "claim": "fill:#ddf4ff,stroke:#54aeff,color:#0a3069",
    "source": "fill:#fff8c5,stroke:#d4a72c,color:#4d2d00",
    "belief": "fill:#fbefff,stroke:#c297ff,color:#3e1f79",
    "map": "fill:#dafbe1,stroke:#4ac26b,color:#044f1e",
}
CENTRE_STYLE = "fill:#0969da,stroke:#0550ae,color:#ffffff"


class LinkTables:
    """Resolved links between notes, in and out, grouped once for every page."""

    def __init__(self, kb) -> None:
        self.inbound: dict[str, list[ResolvedLink]] = defaultdict(list)
        self.outbound: dict[str, list[ResolvedLink]] = defaultdict(list)
        self.sources_cited: dict[str, set[str]] = defaultdict(set)  # note -> source notes it links to
        for item in kb.links:
            self.outbound[item.source].append(item)
            target = item.resolution.path
            if target is not None and target != item.source and target in kb.notes:
                self.inbound[target].append(item)
                if kb.notes[target].type == "source":
                    self.sources_cited[item.source].add(target)

    def linkers(self, path: str) -> int:
        return len({item.source for item in self.inbound.get(path, ())})


def is_challenged(note) -> bool:
    """A note that records a challenge: a non-empty `challenged_by`, or a section about challenges
    or counter-evidence (`## Challenges`, `### Additional Evidence (challenge)`)."""
    value = note.fields.get("challenged_by")
    if value not in (None, "", [], {}):
        return True
    return any(_CHALLENGE_HEADING.search(heading) for heading in note.headings)


def _field_text(note, name: str) -> str:
    value = note.fields.get(name)
    if value is None or value == "" or isinstance(value, (list, dict)):
        return ""
    return str(value).strip()


def source_count(note, tables: LinkTables) -> str:
    """How many sources a note cites: source notes it links to, else `sources` listed, else "text"
    when a `source:` field names one in words."""
    linked = len(tables.sources_cited.get(note.path, ()))
    if linked:
        return str(linked)
    listed = note.fields.get("sources")
    if isinstance(listed, list) and listed:
        return str(len(listed))
    return "text" if _field_text(note, "source") else "0"


def note_page(writer: PageWriter, path: str, tables: LinkTables, review: Review) -> str:
    kb = writer.kb
    note = kb.notes[path]
    page = note_page_path(path)
    inbound, outbound = tables.inbound.get(path, []), tables.outbound.get(path, [])
    lines = header(note.title)
    facts = [f"**Note:** {writer.link(page, path, path)}", f"type: {escape(note.type)}"]
    for name in ("domain", "confidence", "created"):
        value = _field_text(note, name)
        if value:
            facts.append(f"{name}: {escape(value)}")
    lines += [" · ".join(facts), ""]
    disputed = review.note_conflicts.get(path, [])
    problems = review.note_problems.get(path, [])
    badges = []
    if disputed:
        badges.append(f"⚠️ {count(len({c.id for c, _, _ in disputed}), 'disputed number')}")
    if problems:
        errors = sum(1 for p in problems if p.severity == "error")
        badges.append(f"{count(len(problems), 'problem')}" + (f" ({count(errors, 'error')})" if errors else ""))
    if is_challenged(note):
        badges.append("challenged")
    if badges:
        lines += ["> " + " · ".join(badges), ""]
    if disputed:
        lines += ["## Disputed numbers", ""]
        for conflict, side, fact in disputed:
            others = [
                f"{escape(other_fact.text)} "
                + (
                    "in this note"
                    if other_fact.path == path
                    else f"in {writer.link(page, other_fact.path, writer.label(other_fact.path))}"
                )
                + f", line {other_fact.line}"
                for other in conflict.sides
                if other is not side
                for other_fact in other.facts[:3]
            ]
            card = writer.page_link(page, "conflicts.md", f"conflict {conflict.id}", conflict_anchor(conflict))
            lines.append(
                f"- line {fact.line}: **{escape(fact.text)}** ({escape(conflict.metric)}, {escape(conflict.period)})"
                f" vs {'; '.join(others)} · {card}"
            )
        lines.append("")
    if problems:
        lines += ["## Problems", ""]
        lines += [f"- {problem_line(writer, page, problem, with_path=False)}" for problem in problems]
        lines.append("")
    lines += _backlinks(writer, page, inbound)
    lines += _links(writer, page, path, outbound)
    lines += _neighbourhood(writer, path, tables)
    return "\n".join(lines)


def _backlinks(writer: PageWriter, page: str, inbound: list[ResolvedLink]) -> list[str]:
    kb = writer.kb
    sources: dict[str, list[ResolvedLink]] = defaultdict(list)
    for item in inbound:
        sources[item.source].append(item)
    lines = [f"## Backlinks ({count(len(inbound), 'link')} from {count(len(sources), 'note')})", ""]
    if not sources:
        return lines + ["No other note links here.", ""]
    # A long list reads better in groups: by kind of note, else by folder.
    by_type: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        by_type[kb.notes[source].type if source in kb.notes else "other"].append(source)
    if len(by_type) == 1:
        by_type = defaultdict(list)
        for source in sources:
            by_type[source.rpartition("/")[0] or "(top level)"].append(source)
    grouped = len(by_type) > 1 and len(sources) > 8
    for kind in sorted(by_type, key=lambda k: (-len(by_type[k]), k)):
        if grouped:
            lines += [f"### {escape(kind)} ({len(by_type[kind])})", ""]
        for source in sorted(by_type[kind], key=lambda p: (writer.title(p).lower(), p)):
            lines.append(f"- {writer.link(page, source, writer.label(source))}")
            for item in sorted(sources[source], key=lambda i: (i.link.line, i.link.column)):
                lines.append(f"  - line {item.link.line}: {_context(writer, item)}")
        if grouped:
            lines.append("")
    return lines if grouped else lines + [""]


def _links(writer: PageWriter, page: str, path: str, outbound: list[ResolvedLink]) -> list[str]:
    targets: dict[str, list[ResolvedLink]] = defaultdict(list)
    for item in outbound:
        targets[item.resolution.path or "\0" + item.link.target].append(item)
    lines = [f"## Links ({count(len(outbound), 'link')} to {count(len(targets), 'target')})", ""]
    if not targets:
        lines.append("This note links nowhere.")
    for key in sorted(targets, key=lambda k: (k.startswith("\0"), k.lstrip("\0").lower())):
        items = targets[key]
        where = ", ".join(str(line) for line in sorted({i.link.line for i in items}))
        if key.startswith("\0"):
            lines.append(f"- {escape(key[1:])} **(missing)**, line {where}")
        elif key == path:
            lines.append(f"- this note, line {where}")
        else:
            lines.append(f"- {writer.link(page, key, writer.label(key))}, line {where}")
    return lines + [""]


def _context(writer: PageWriter, item: ResolvedLink) -> str:
    link = item.link
    if link.kind == FRONTMATTER:
        return f"front matter `{link.field or '?'}`"
    lines = writer.lines(item.source)
    text = lines[link.line - 1] if 0 < link.line <= len(lines) else ""
    return escape(plain_context(text, link.column)) or "(empty line)"


def _neighbourhood(writer: PageWriter, path: str, tables: LinkTables) -> list[str]:
    """The note, the notes it links to and the notes that link to it, most connected first."""
    kb = writer.kb
    out_targets = {i.resolution.path for i in tables.outbound.get(path, ()) if i.resolution.path in kb.notes}
    in_sources = {i.source for i in tables.inbound.get(path, ())}
    out_targets.discard(path)
    in_sources.discard(path)
    if not out_targets and not in_sources:
        return []
    chart = Flowchart(direction="LR", max_nodes=NEIGHBOURHOOD_NODES)
    chart.style("centre", CENTRE_STYLE)
    for kind, css in TYPE_STYLES.items():
        chart.style(kind, css)
    chart.node(path, kb.notes[path].title, cls="centre")

    def ranked(paths):
        return sorted(paths, key=lambda p: (-tables.linkers(p), writer.title(p).lower(), p))

    for neighbour in ranked(in_sources | out_targets):
        note = kb.notes[neighbour]
        shape = "source" if note.type == "source" else "round" if note.type == "belief" else "box"
        if chart.node(neighbour, note.title, shape=shape, cls=note.type if note.type in TYPE_STYLES else None):
            if neighbour in in_sources:
                chart.edge(neighbour, path)
            if neighbour in out_targets:
                chart.edge(path, neighbour)
    lines = ["## Neighbourhood", "", *chart.render(), ""]
    left_out = chart.left_out()
    return lines + ([left_out, ""] if left_out else [])


def table_page(writer: PageWriter, page: str, title: str, paths: list[str], tables: LinkTables, review: Review) -> str:
    """A Dataview-like table: one row per note, by title; columns that no note fills are left out."""
    kb = writer.kb
    notes = [kb.notes[p] for p in sorted(paths, key=lambda p: (writer.title(p).lower(), p))]
    show_type = len({note.type for note in notes}) > 1
    show_domain = title.startswith("Type:") and any(_field_text(n, "domain") for n in notes)
    show_confidence = any(_field_text(n, "confidence") for n in notes)
    show_created = any(_field_text(n, "created") for n in notes)
    lines = header(title)
    claims = sum(1 for n in notes if n.type == "claim")
    challenged = sum(1 for n in notes if is_challenged(n))
    disputed = sum(1 for n in notes if n.path in review.note_conflicts)
    summary = [count(len(notes), "note")]
    if show_type and claims:
        summary.append(count(claims, "claim"))
    summary += [f"{challenged} challenged", f"{disputed} with a disputed number"]
    lines += [
        ", ".join(summary) + ". *Sources* counts the source notes a note links to (*text*: named in its "
        "`source` field only); *links in* counts the notes linking to it.",
        "",
    ]
    columns = ["note"]
    if show_type:
        columns.append("type")
    if show_domain:
        columns.append("domain")
    if show_confidence:
        columns.append("confidence")
    if show_created:
        columns.append("created")
    columns += ["sources", "challenged", "links in", "backlinks"]
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for note in notes:
        label = shorten(note.title, 120)
        cells = [writer.link(page, note.path, label, in_table=True)]
        if note.path in review.note_conflicts:
            cells[0] += " ⚠️"
        if show_type:
            cells.append(escape(note.type))
        if show_domain:
            cells.append(escape(shorten(_field_text(note, "domain"), 40)))
        if show_confidence:
            cells.append(escape(shorten(_field_text(note, "confidence"), 30)))
        if show_created:
            cells.append(escape(_field_text(note, "created")[:10]))
        cells += [
            source_count(note, tables),
            "yes" if is_challenged(note) else "",
            str(tables.linkers(note.path)),
            writer.page_link(page, note_page_path(note.path), "links"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def domain_diagram(writer: PageWriter, paths: list[str], tables: LinkTables) -> list[str]:
    """The most linked notes of a domain that link to each other, and those links."""
    kb = writer.kb
    members = set(paths)
    pairs = []
    linked: set[str] = set()
    for path in paths:
        for item in tables.outbound.get(path, ()):
            target = item.resolution.path
            if target in members and target != path:
                pairs.append((path, target))
                linked.update((path, target))
    if not pairs:
        return []
    chart = Flowchart(direction="LR", max_nodes=DOMAIN_NODES, max_edges=DOMAIN_EDGES)
    for kind, css in TYPE_STYLES.items():
        chart.style(kind, css)
    for path in sorted(linked, key=lambda p: (-tables.linkers(p), writer.title(p).lower(), p)):
        note = kb.notes[path]
        shape = "source" if note.type == "source" else "round" if note.type == "belief" else "box"
        chart.node(path, note.title, shape=shape, cls=note.type if note.type in TYPE_STYLES else None)
    for source, target in sorted(pairs):
        chart.edge(source, target)
    alone = len(members) - len(linked)
    lines = ["## Diagram", "", "The most linked notes of this domain that link to each other, and those links"]
    lines[-1] += f" ({count(alone, 'note')} with no link inside the domain are not drawn)." if alone else "."
    lines += ["", *chart.render(), ""]
    left_out = chart.left_out()
    return lines + ([left_out, ""] if left_out else [])
