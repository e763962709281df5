"""What a reviewer opens the index for: the KB's conflicts, problems, wanted notes and recent
changes, gathered once (`Review`) and shown on the home page and on pages of their own."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..beliefs import BeliefReport
from ..checks import github_slug, run_checks
from ..conflicts import find_conflicts
from ..conflicts.report import Conflict, Side, value_text
from ..facts import Fact
from ..history import recent_commits
from ..model import KnowledgeBase
from ..problems import CODES, SEVERITY_RANK, Problem
from ..suppress import apply_suppressions
from .pagekit import (
    PageWriter,
    belief_page_path,
    count,
    escape,
    header,
    readable,
    shorten,
    slug_name,
    unique_anchors,
)

__all__ = ["Review", "build_review", "conflict_anchor", "problem_line", "value_text"]

KIND_NAMES = {  # what each kind means to a reviewer
    "hard": "hard (the values disagree beyond their precision)",
    "unit": "unit (one amount in two units)",
    "hedged": "hedged (a value written as approximate disagrees)",
    "rounding": "rounding (consistent once rounded)",
}
KIND_LABELS = {"hard": "conflict", "unit": "unit conflict", "hedged": "hedged conflict", "rounding": "rounding"}
HOME_CONFLICTS = 10
HOME_WANTED = 10
HOME_BELIEFS = 10
HOME_COMMITS = 5
ATTENTION = ("under-review", "under-grounded", "contested", "challenged")
_DATE_FIELDS = ("updated", "last_evaluated", "processed_date", "created", "date")
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)


@dataclass
class Review:
    beliefs: BeliefReport
    conflicts: list[Conflict] = field(default_factory=list)
    conflicts_checked: bool = True
    problems: list[Problem] = field(default_factory=list)  # after suppressions; conflicts are cards
    suppressed: int = 0
    note_conflicts: dict[str, list[tuple[Conflict, Side, Fact]]] = field(default_factory=dict)
    note_problems: dict[str, list[Problem]] = field(default_factory=dict)
    suggestions: dict[tuple[str, int, int], str] = field(default_factory=dict)  # broken link -> title
    commits: list[tuple[str, str, str, dict[str, str]]] | None = None  # None: not a git work tree
    wanted_anchors: dict[str, str] = field(default_factory=dict)  # wanted name -> its heading's anchor
    note_by_title: dict[str, str] = field(default_factory=dict)  # title -> the first note with it, by path


def build_review(kb: KnowledgeBase, beliefs: BeliefReport) -> Review:
    review = Review(beliefs)
    review.conflicts_checked = kb.config.index_conflicts and kb.config.severities.get("numeric-conflict") != "off"
    if review.conflicts_checked:
        review.conflicts = find_conflicts(kb).conflicts
    found = run_checks(kb, ignore=("numeric-conflict",))
    review.problems, review.suppressed = apply_suppressions(kb.config.root, found, kb.config.compiled_path_ignores)
    note_conflicts: dict[str, list] = defaultdict(list)
    for conflict in review.conflicts:
        for side in conflict.sides:
            for fact in side.facts:
                note_conflicts[fact.path].append((conflict, side, fact))
    for entries in note_conflicts.values():
        entries.sort(key=lambda entry: (entry[2].line, entry[0].id))
    review.note_conflicts = dict(note_conflicts)
    note_problems: dict[str, list[Problem]] = defaultdict(list)
    for problem in review.problems:
        note_problems[problem.path].append(problem)
        if problem.code == "broken-link" and problem.suggestion:
            review.suggestions[(problem.path, problem.line, problem.column)] = problem.suggestion
    review.note_problems = dict(note_problems)
    review.note_by_title = _titles_to_paths(kb)
    names = [name for name, _, _ in kb.wanted]
    review.wanted_anchors = dict(zip(names, unique_anchors("Wanted notes", names), strict=True))
    if kb.config.index_changes:
        review.commits = recent_commits(kb.config.root, kb.config.index_changes)
    return review


def conflict_anchor(conflict: Conflict) -> str:
    return github_slug(f"Conflict {conflict.id}")


def problem_line(writer: PageWriter, page: str, problem: Problem, with_path: bool = True) -> str:
    where = f"line {problem.line}" + (f", column {problem.column}" if problem.column else "")
    if with_path:
        where = f"{_file_link(writer, page, problem.path)}, {where}"
    return f"{where}: **{problem.code}** ({problem.severity}): {escape(problem.message)}"


def _sides_summary(writer: PageWriter, page: str, conflict: Conflict) -> str:
    paths = {fact.path for side in conflict.sides for fact in side.facts}
    if len(paths) == 1:  # a note that contradicts itself: name it once, with its lines
        path = next(iter(paths))
        values = " vs ".join(f"**{escape(side.facts[0].text)}**" for side in conflict.sides)
        where = ", ".join(str(line) for line in sorted({f.line for side in conflict.sides for f in side.facts}))
        return f"{values}, both in {writer.link(page, path, shorten(writer.label(path), 70))} (lines {where})"
    parts = []
    for side in conflict.sides:
        fact = side.facts[0]
        more = f" and {count(len(side.facts) - 1, 'other')}" if len(side.facts) > 1 else ""
        note_link = writer.link(page, fact.path, shorten(writer.label(fact.path), 70))
        parts.append(f"**{escape(fact.text)}** in {note_link}{more}")
    return " vs ".join(parts)


def _conflict_title(conflict: Conflict) -> str:
    parts = [conflict.metric]
    if conflict.subject:
        parts.append(conflict.subject)
    parts.append(conflict.period)
    return " · ".join(parts)


def conflicts_page(writer: PageWriter, review: Review) -> str:
    page = "conflicts.md"
    lines = header("Conflicts")
    if not review.conflicts_checked:
        lines += ["Numbers are not compared for the index (`[index] conflicts = false` in kb.toml).", ""]
        return "\n".join(lines)
    kinds = Counter(conflict.kind for conflict in review.conflicts)
    lines += [
        f"{count(len(review.conflicts), 'conflict')} where notes state different numbers for the same thing"
        + (
            f" ({', '.join(f'{n} {KIND_LABELS.get(k, k)}' for k, n in sorted(kinds.items()) if k != 'hard')})"
            if set(kinds) - {"hard"}
            else ""
        )
        + ', most certain first. Record a decision with `kb conflicts --resolve <id> --reason "…"`; '
        "a resolved conflict leaves this page.",
        "",
    ]
    for conflict in review.conflicts:
        lines += [f"## Conflict {conflict.id}", ""]
        facts = [f"**{escape(_conflict_title(conflict))}**"]
        facts.append(f"kind: {KIND_NAMES.get(conflict.kind, conflict.kind)}")
        facts += [
            f"unit: {escape(conflict.unit or 'count')}",
            count(conflict.sources, "independent source"),
        ]
        if conflict.self_contradiction:
            facts.append("one note on two sides")
        if conflict.previously_resolved:
            facts.append("resolved before; new facts joined")
        lines += [" · ".join(facts), ""]
        lines += ["| value | note | line | what it says |", "|---|---|---|---|"]
        for side in conflict.sides:
            for fact in side.facts:
                note_link = writer.link(page, fact.path, shorten(writer.label(fact.path), 80), in_table=True)
                said = escape(shorten(readable(" ".join(fact.sentence.split())), 240))
                value = escape(fact.text)
                normalised = value_text(side, fact)
                if normalised.replace(",", "") != fact.text.replace(",", ""):
                    value += f" ({escape(normalised)})"
                lines.append(f"| {value} | {note_link} | {fact.line} | {said} |")
        lines += ["", f"Why: {escape(conflict.why)}", ""]
    if not review.conflicts:
        lines += ["No notes disagree on a number.", ""]
    return "\n".join(lines)


def _file_link(writer: PageWriter, page: str, path: str) -> str:
    """A problem's file: linked with its path beside, or only named when there is nothing to link to
    (a file name that is not UTF-8 is reported by an escaped name no link can open)."""
    if path in writer.kb.notes or (writer.kb.config.root / path).is_file():
        return f"{writer.link(page, path, writer.label(path))} ({escape(path)})"
    return f"`{path.replace('`', chr(39))}` (no file by this name can be linked)"


def problem_page_path(code: str) -> str:
    return f"problems/{slug_name(code)}.md"


def problem_pages(writer: PageWriter, review: Review) -> dict[str, str]:
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in review.problems:
        by_code[problem.code].append(problem)
    pages = {}
    for code, problems in by_code.items():
        page = problem_page_path(code)
        lines = header(f"Problems: {code}")
        severity = Counter(p.severity for p in problems)
        lines += [
            f"{count(len(problems), 'problem')} ({', '.join(f'{n} {s}' for s, n in sorted(severity.items()))}) "
            f"in {count(len({p.path for p in problems}), 'note')}: {escape(CODES.get(code, ('', ''))[1])}. "
            f"`kb check --select {code}` lists them in the terminal; docs/checks.md says how to fix each.",
            "",
        ]
        by_note: dict[str, list[Problem]] = defaultdict(list)
        for problem in problems:
            by_note[problem.path].append(problem)
        for path in sorted(by_note, key=lambda p: (-len(by_note[p]), p)):
            lines.append(f"- {_file_link(writer, page, path)}")
            for problem in by_note[path]:
                where = f"line {problem.line}" + (f", column {problem.column}" if problem.column else "")
                lines.append(f"  - {where}: {escape(problem.message)}")
        lines.append("")
        pages[page] = "\n".join(lines)
    return pages


def _titles_to_paths(kb: KnowledgeBase) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(kb.notes):
        found.setdefault(kb.notes[path].title, path)
    return found


def wanted_suggestion(review: Review, occurrences) -> str | None:
    for item in occurrences:
        found = review.suggestions.get((item.source, item.link.line, item.link.column))
        if found:
            return found
    return None


def wanted_page(writer: PageWriter, review: Review) -> str:
    kb = writer.kb
    page = "wanted.md"
    titles = review.note_by_title
    lines = header("Wanted notes")
    suggested = 0
    entries = []
    for name, linkers, occurrences in kb.wanted:
        suggestion = wanted_suggestion(review, occurrences)
        suggested += bool(suggestion)
        entries.append((name, linkers, occurrences, suggestion))
    lines += [
        f"{count(len(kb.wanted), 'note')} linked but not written, most wanted first; {suggested} look like a "
        "note that exists under another name (`kb fix` rewrites the links it is sure of).",
        "",
    ]
    for name, linkers, occurrences, suggestion in entries:
        lines += [f"## {escape(name)}", ""]
        facts = [f"wanted by {count(linkers, 'note')}", count(len(occurrences), "link")]
        spellings = sorted({item.link.target for item in occurrences} - {name})
        if spellings:
            facts.append("also spelled " + ", ".join(f"“{escape(s)}”" for s in spellings[:3]))
        lines += [" · ".join(facts), ""]
        if suggestion:
            target = titles.get(suggestion)
            shown = writer.link(page, target, suggestion) if target else f"“{escape(suggestion)}”"
            lines += [f"Perhaps meant: {shown}", ""]
        by_source: dict[str, list[int]] = defaultdict(list)
        for item in occurrences:
            by_source[item.source].append(item.link.line)
        for source in sorted(by_source, key=lambda p: (writer.label(p).lower(), p)):
            where = ", ".join(str(line) for line in sorted(set(by_source[source])))
            lines.append(f"- {writer.link(page, source, writer.label(source))}, line {where}")
        lines.append("")
    return "\n".join(lines)


def odd_domains(kb: KnowledgeBase, by_domain: dict[str, list[str]]) -> dict[str, str]:
    """Domain values that look like a mistake rather than a domain, with why: a template placeholder,
    a list of options, a web address, a value other notes use as their status or type."""
    other_values: Counter = Counter()
    for note in kb.notes.values():
        for name in ("status", "type"):
            value = note.fields.get(name)
            if isinstance(value, str) and value.strip():
                other_values[value.strip().lower()] += 1
    odd = {}
    for domain in by_domain:
        if "{" in domain or "}" in domain or "<" in domain:
            odd[domain] = "a template placeholder"
        elif "|" in domain or "," in domain:
            odd[domain] = "a list of options, not one domain"
        elif _WEB_ADDRESS.search(domain):
            odd[domain] = "a web address"
        elif other_values[domain.lower()]:
            odd[domain] = f"a status or type value ({count(other_values[domain.lower()], 'note')} use it so)"
    return odd


def home_page(
    writer: PageWriter,
    review: Review,
    by_type: dict[str, list[str]],
    by_domain: dict[str, str],
    domain_pages: dict[str, str],
) -> str:
    kb = writer.kb
    page = "README.md"
    lines = header("KB review")
    lines += [
        f"{count(len(kb.notes), 'note')}, {count(len(kb.links), 'link')} ({len(kb.broken_links)} to notes not "
        "yet written). Generated by `kb index`: what needs attention first, then what changed, then "
        "everything by type and domain.",
        "",
        "## Needs attention",
        "",
    ]
    lines += _attention_conflicts(writer, page, review)
    lines += _attention_beliefs(writer, page, review)
    lines += _attention_problems(writer, page, review)
    lines += _attention_wanted(writer, page, review)
    lines += _recent(writer, page, review, limit=HOME_COMMITS)
    lines += ["## Contents", "", "| type | notes |", "|---|---|"]
    for kind in sorted(by_type):
        link = writer.page_link(page, f"types/{slug_name(kind)}.md", kind)
        lines.append(f"| {link} | {len(by_type[kind])} |")
    lines.append("")
    odd = odd_domains(kb, by_domain)
    lines += ["### Domains", ""]
    if not by_domain:
        lines.append("No note has a `domain`.")
    shown = [d for d in sorted(by_domain, key=str.lower) if d not in odd]
    if shown:
        lines += ["| domain | notes |", "|---|---|"]
        lines += [f"| {writer.page_link(page, domain_pages[d], d)} | {len(by_domain[d])} |" for d in shown]
    lines.append("")
    if odd:
        lines += ["Values of `domain` that look like mistakes:", ""]
        for domain in sorted(odd, key=str.lower):
            lines.append(
                f"- {writer.page_link(page, domain_pages[domain], domain)} "
                f"({count(len(by_domain[domain]), 'note')}): {odd[domain]}"
            )
        lines.append("")
    lines += [
        "### Pages",
        "",
        f"- {writer.page_link(page, 'conflicts.md', 'Conflicts')} "
        f"({len(review.conflicts) if review.conflicts_checked else 'not compared'})",
        f"- {writer.page_link(page, 'beliefs.md', 'Beliefs')} ({len(review.beliefs.beliefs)})",
        f"- {writer.page_link(page, 'wanted.md', 'Wanted notes')} ({len(kb.wanted)})",
        f"- {writer.page_link(page, 'changes.md', 'What changed')}",
        "",
    ]
    return "\n".join(lines)


def _attention_conflicts(writer: PageWriter, page: str, review: Review) -> list[str]:
    if not review.conflicts_checked:
        return ["### Conflicts", "", "Not compared (`[index] conflicts = false`).", ""]
    lines = [f"### Conflicts ({len(review.conflicts)})", ""]
    if not review.conflicts:
        return lines + ["No notes disagree on a number.", ""]
    for conflict in review.conflicts[:HOME_CONFLICTS]:
        title = writer.page_link(page, "conflicts.md", _conflict_title(conflict), conflict_anchor(conflict))
        kind = "" if conflict.kind == "hard" else f" ({KIND_LABELS.get(conflict.kind, conflict.kind)})"
        lines.append(f"- {title}{kind}: {_sides_summary(writer, page, conflict)}")
    if len(review.conflicts) > HOME_CONFLICTS:
        rest = len(review.conflicts) - HOME_CONFLICTS
        lines.append(f"- and {rest} more on the {writer.page_link(page, 'conflicts.md', 'conflicts page')}")
    return lines + [""]


def _attention_beliefs(writer: PageWriter, page: str, review: Review) -> list[str]:
    beliefs = review.beliefs.beliefs
    disputed = set(review.note_conflicts)
    needing = [
        b
        for b in beliefs
        if any(flag in ATTENTION for flag in b.flags) or any(g.resolved in disputed for g in b.grounding)
    ]
    lines = [f"### Beliefs ({len(needing)} of {len(beliefs)} need a look)", ""]
    if not needing:
        return lines + ["No belief is under review, under-grounded, contested or challenged.", ""]
    order = {flag: index for index, flag in enumerate(ATTENTION)}

    def rank(belief) -> tuple:
        return (min((order.get(f, 9) for f in belief.flags), default=9), belief.owner or "", belief.title.lower())

    needing.sort(key=rank)
    for belief in needing[:HOME_BELIEFS]:
        in_conflict = sum(1 for g in belief.grounding if g.resolved in disputed)
        extra = f"; {count(in_conflict, 'grounding claim')} with a disputed number" if in_conflict else ""
        link = writer.page_link(page, belief_page_path(belief), belief.title)
        owner = f" ({escape(belief.owner)})" if belief.owner else ""
        lines.append(f"- **{belief.status}**: {link}{owner}: {escape(belief.reason)}{extra}")
    if len(needing) > HOME_BELIEFS:
        more = writer.page_link(page, "beliefs.md", "Beliefs")
        lines.append(f"- and {len(needing) - HOME_BELIEFS} more on {more}")
    return lines + [""]


def _attention_problems(writer: PageWriter, page: str, review: Review) -> list[str]:
    by_code = Counter(problem.code for problem in review.problems)
    severity = {problem.code: problem.severity for problem in review.problems}
    lines = [f"### Problems ({len(review.problems)})", ""]
    if not by_code:
        return lines + ["`kb check` finds nothing.", ""]
    lines += ["| problem | severity | count | notes | what it is |", "|---|---|---|---|---|"]
    notes = defaultdict(set)
    for problem in review.problems:
        notes[problem.code].add(problem.path)
    for code in sorted(by_code, key=lambda c: (SEVERITY_RANK.get(severity[c], 9), -by_code[c], c)):
        link = writer.page_link(page, problem_page_path(code), code)
        what = escape(CODES.get(code, ("", ""))[1])
        lines.append(f"| {link} | {severity[code]} | {by_code[code]} | {len(notes[code])} | {what} |")
    lines.append("")
    if review.suppressed:
        lines += [f"{count(review.suppressed, 'problem')} more are suppressed by `kb:ignore` comments or kb.toml.", ""]
    return lines


def _attention_wanted(writer: PageWriter, page: str, review: Review) -> list[str]:
    kb = writer.kb
    lines = [f"### Most wanted ({len(kb.wanted)})", ""]
    if not kb.wanted:
        return lines + ["Every link leads to a note.", ""]
    titles = review.note_by_title
    for name, linkers, occurrences in kb.wanted[:HOME_WANTED]:
        suggestion = wanted_suggestion(review, occurrences)
        target = titles.get(suggestion) if suggestion else None
        hint = f"; perhaps {writer.link(page, target, shorten(suggestion, 100))}" if target else ""
        link = writer.page_link(page, "wanted.md", shorten(name, 100), review.wanted_anchors[name])
        lines.append(f"- {link}: wanted by {count(linkers, 'note')}{hint}")
    if len(kb.wanted) > HOME_WANTED:
        more = writer.page_link(page, "wanted.md", "Wanted notes")
        lines.append(f"- and {len(kb.wanted) - HOME_WANTED} more on {more}")
    return lines + [""]


def _note_changes(writer: PageWriter, page: str, review: Review, changed: dict[str, str]) -> str:
    kb = writer.kb
    parts = []
    for kind in ("added", "changed", "deleted"):
        paths = sorted(p for p, k in changed.items() if k == kind and (p in kb.notes or kind == "deleted"))
        if kind == "deleted":
            paths = [p for p in paths if p.lower().endswith(".md") and p not in kb.notes]
        if not paths:
            continue
        shown = []
        for path in paths[:6]:
            if path in kb.notes:
                label = writer.link(page, path, shorten(writer.label(path), 80))
                problems = len(review.note_problems.get(path, ()))
                disputed = path in review.note_conflicts
                badges = ([count(problems, "problem")] if problems else []) + (["disputed number"] if disputed else [])
                shown.append(label + (f" ({', '.join(badges)})" if badges else ""))
            else:
                shown.append(escape(path))
        more = f" and {len(paths) - 6} more" if len(paths) > 6 else ""
        parts.append(f"{kind} {', '.join(shown)}{more}")
    return "; ".join(parts)


def _recent(writer: PageWriter, page: str, review: Review, limit: int | None = None) -> list[str]:
    kb = writer.kb
    if not kb.config.index_changes:
        return [] if limit else ["Turned off in kb.toml (`[index] changes = 0`).", ""]
    if review.commits is not None:
        commits = [c for c in review.commits if _note_changes(writer, page, review, c[3])]
        lines = [f"## Recently changed (git, last {count(kb.config.index_changes, 'commit')})", ""]
        if not commits:
            return lines + ["No note changed in them.", ""]
        for commit, date, subject, changed in commits[:limit] if limit else commits:
            lines.append(
                f"- {date} `{commit}` {escape(shorten(subject, 90))}: {_note_changes(writer, page, review, changed)}"
            )
        if limit and len(commits) > limit:
            lines.append(
                f"- and {len(commits) - limit} more commits on {writer.page_link(page, 'changes.md', 'What changed')}"
            )
        return lines + [""]
    dated = []
    for path, note in kb.notes.items():
        dates = [str(note.fields.get(name))[:10] for name in _DATE_FIELDS if note.fields.get(name)]
        dates = [d for d in dates if re.fullmatch(r"\d{4}-\d\d-\d\d", d)]
        if dates:
            dated.append((max(dates), path))
    dated.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    shown = dated[: (limit * 2 if limit else 50)]
    lines = [
        "## Recently changed (front-matter dates)",
        "",
        "Not a git work tree, so these are the notes with the latest `updated`, `last_evaluated`, "
        "`processed_date`, `created` or `date` in their front matter: what the notes say, not what changed.",
        "",
    ]
    if not shown:
        return lines + ["No note carries a date.", ""]
    for date, path in shown:
        problems = len(review.note_problems.get(path, ()))
        badge = f" ({count(problems, 'problem')})" if problems else ""
        lines.append(f"- {date}: {writer.link(page, path, shorten(writer.label(path), 100))}{badge}")
    if limit and len(dated) > len(shown):
        lines.append(f"- more on {writer.page_link(page, 'changes.md', 'What changed')}")
    return lines + [""]


def changes_page(writer: PageWriter, review: Review) -> str:
    lines = header("What changed")
    lines += _recent(writer, "changes.md", review)
    return "\n".join(lines)
