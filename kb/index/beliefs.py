"""Belief pages (status, grounding, evidence, a diagram coloured by status) and the beliefs overview,
most in need of attention first."""

from __future__ import annotations

from ..beliefs import LEVEL_MINIMUM, Belief, BeliefReport
from .diagrams import Flowchart
from .notes import LinkTables, is_challenged
from .pagekit import PageWriter, belief_page_path, count, escape, header, readable, shorten
from .review import Review, conflict_anchor

FULL_LABEL_LINES = 12  # a belief diagram has few nodes: show claims whole (about 330 characters)
# The order a reviewer works through beliefs: what changed under them first, settled ones last.
STATUS_ORDER = ("under-review", "under-grounded", "contested", "challenged", "untested", "confirmed")
STATUS_STYLES = {
    "under-review": "fill:#fff1e5,stroke:#fb8f44,color:#762c00",
    "under-grounded": "fill:#fff8c5,stroke:#d4a72c,color:#4d2d00",
    "contested": "fill:#ffebe9,stroke:#ff8182,color:#82071e",
    "challenged": "fill:#ffebe9,stroke:#cf222e,color:#82071e",
    "untested": "fill:#f6f8fa,stroke:#8c959f,color:#24292f",
    "confirmed": "fill:#dafbe1,stroke:#4ac26b,color:#044f1e",
}
NODE_STYLES = {
    "claim": "fill:#ddf4ff,stroke:#54aeff,color:#0a3069",
    "disputed": "fill:#ffebe9,stroke:#cf222e,color:#82071e,stroke-width:2px",
    "missing": "fill:#ffffff,stroke:#cf222e,color:#82071e,stroke-dasharray:4 3",
    "source": "fill:#fff8c5,stroke:#d4a72c,color:#4d2d00",
}


def _status_rank(belief: Belief) -> int:
    return STATUS_ORDER.index(belief.status) if belief.status in STATUS_ORDER else len(STATUS_ORDER)


def belief_diagram(writer: PageWriter, belief: Belief, tables: LinkTables, review: Review) -> list[str]:
    """belief -> grounding claims -> the sources they link to; the belief coloured by its status,
    claims with a disputed number and missing claims marked."""
    chart = Flowchart(direction="LR", label_lines=FULL_LABEL_LINES)
    for name, css in {**NODE_STYLES, **STATUS_STYLES}.items():
        chart.style(name, css)
    chart.node("\0belief", f"{belief.title}\nstatus: {belief.status}", shape="round", cls=belief.status)
    for grounding in belief.grounding:
        claim = grounding.resolved
        if claim is None:
            key = "\0missing\0" + grounding.target
            if chart.node(key, f"{grounding.target} (missing)", cls="missing"):
                chart.edge("\0belief", key, dotted=True)
            continue
        disputed = claim in review.note_conflicts
        label = writer.title(claim) + ("\n⚠ disputed number" if disputed else "")
        if chart.node(claim, label, cls="disputed" if disputed else "claim"):
            chart.edge("\0belief", claim)
            for source in sorted(tables.sources_cited.get(claim, ())):
                if chart.node(source, writer.title(source), shape="source", cls="source"):
                    chart.edge(claim, source)
    lines = [*chart.render(), ""]
    left_out = chart.left_out()
    return lines + ([left_out, ""] if left_out else [])


def belief_page(writer: PageWriter, belief: Belief, tables: LinkTables, review: Review) -> str:
    kb = writer.kb
    page = belief_page_path(belief)
    required = LEVEL_MINIMUM.get(belief.level, 3)
    lines = header(belief.title)
    lines += [f"**Status:** {belief.status}: {escape(belief.reason)}", ""]
    where = f"{writer.link(page, belief.path, belief.path)}, line {belief.line}"
    facts = [f"**Id:** `{belief.id}`"]
    if belief.owner:
        facts.append(f"**Owner:** {escape(belief.owner)}")
    facts += [f"**Level:** {belief.level}{'' if belief.level_declared else ' (default)'}", f"**Defined in:** {where}"]
    if belief.note_path:
        facts.append(f"**Note:** {writer.link(page, belief.note_path, writer.label(belief.note_path))}")
    if belief.last_evaluated:
        facts.append(f"**Last evaluated:** {belief.last_evaluated}")
    lines += [" · ".join(facts), ""]
    resolved = len(belief.resolved_grounding)
    missing = sum(1 for item in belief.grounding if not item.resolved)
    heading = f"## Grounding: {resolved} resolve, {required} needed for a {belief.level}"
    lines += [heading + (f", {missing} missing" if missing else ""), ""]
    for item in belief.grounding:
        if not item.resolved:
            lines.append(f"- {escape(item.target)} **(missing)**")
            continue
        entry = f"- {writer.link(page, item.resolved, writer.label(item.resolved))}"
        disputed = review.note_conflicts.get(item.resolved)
        if disputed:
            ids = sorted({conflict.id for conflict, _, _ in disputed})
            cards = ", ".join(
                writer.page_link(page, "conflicts.md", f"conflict {i}", conflict_anchor(c))
                for i in ids
                for c in [next(c for c, _, _ in disputed if c.id == i)]
            )
            values = ", ".join(sorted({fact.text for _, _, fact in disputed}))
            entry += f": ⚠️ a number in it is disputed ({escape(values)}; {cards})"
        if item.resolved in kb.notes and is_challenged(kb.notes[item.resolved]):
            entry += " · challenged"
        lines.append(entry)
    if not belief.grounding:
        lines.append("No grounding claims are listed.")
    lines.append("")
    if belief.changed_claims:
        lines += ["## Changed since last evaluated", ""]
        for changed in belief.changed_claims:
            lines.append(
                f"- {writer.link(page, changed['path'], writer.label(changed['path']))}: changed "
                f"{changed['changed']} (per {changed['from']}), belief evaluated {changed['evaluated']}"
            )
        lines.append("")
    lines += [f"## Evidence ({len(belief.evidence)})", ""]
    if belief.evidence:
        lines += ["| date | kind | where | evidence |", "|---|---|---|---|"]
        for event in belief.evidence:
            label = shorten(writer.title(event.path), 50)
            where = writer.link(page, event.path, f"{label}:{event.line}", in_table=True)
            if event.via:
                where += " (on a grounding claim)"
            lines.append(
                f"| {event.date or '?'} | {event.kind} | {where} | {escape(shorten(readable(event.quote), 200))} |"
            )
    else:
        lines.append("No evidence recorded.")
    lines += ["", "## Diagram", ""]
    lines += belief_diagram(writer, belief, tables, review)
    return "\n".join(lines)


def beliefs_overview(writer: PageWriter, report: BeliefReport, review: Review) -> str:
    page = "beliefs.md"
    lines = header("Beliefs")
    statuses = {status: sum(1 for b in report.beliefs if b.status == status) for status in STATUS_ORDER}
    summary = ", ".join(f"{n} {status}" for status, n in statuses.items() if n)
    lines += [
        f"{count(len(report.beliefs), 'belief')}{': ' + summary if summary else ''}. Most in need of attention "
        f"first. Change dates from {report.dates_from}.",
        "",
    ]
    if report.beliefs:
        lines += ["| status | belief | grounding | evidence | disputed | owner |", "|---|---|---|---|---|---|"]
    ranked = sorted(report.beliefs, key=lambda b: (_status_rank(b), b.owner or "", b.title.lower(), b.id))
    for belief in ranked:
        required = LEVEL_MINIMUM.get(belief.level, 3)
        confirms = sum(1 for e in belief.evidence if e.kind in ("confirm", "extend"))
        challenges = sum(1 for e in belief.evidence if e.kind == "challenge")
        disputed = sum(1 for path in belief.resolved_grounding if path in review.note_conflicts)
        link = writer.page_link(page, belief_page_path(belief), shorten(belief.title, 120))
        lines.append(
            f"| {belief.status} | {link} | {len(belief.resolved_grounding)}/{required} | +{confirms} −{challenges} "
            f"| {disputed or ''} | {escape(belief.owner or '')} |"
        )
    flagged = [m for m in report.mentions if m.problem]
    if flagged:
        lines += ["", "## Belief mentions that need a look", ""]
        for mention in flagged:
            lines.append(
                f"- {writer.link(page, mention.path, f'{mention.path}:{mention.line}')}: {escape(mention.problem)}"
            )
    lines.append("")
    return "\n".join(lines)
