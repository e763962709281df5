"""Beliefs: where they are, what they rest on, what evidence has touched them, and their status.

A belief is either a note with `type: belief` (grounding in `depends_on`), or a numbered
`### N. statement` section of a belief file such as `agents/<name>/beliefs.md` (grounding in
its `**Grounding:**` list). A section that links to a belief note is the same belief.

Each belief gets an id that survives renumbering: `<owner>/<slug of the statement>`. The owner
is the `agent` field, else the folder holding `beliefs.md` (or holding the `beliefs/` folder).

Evidence comes from three places:
- `### Additional Evidence (confirm|extend|challenge)` blocks, in the belief or in one of its
  grounding claims (then `via` names the claim), with their `*Source: [[…]] | Added: date*` line;
- curator notes that name a belief by number ("Disconfirmation FAILS — Belief 3 confirmed",
  "Belief 2 (community beats budget): STRENGTHENED"), the owner taken from the note's folder
  or, for sources, from its domain;
- `belief_evidence` entries in front matter, the machine-readable form `kb ingest` writes:
  `- {belief: <id>, kind: confirm|extend|challenge, quote: "...", date: YYYY-MM-DD}`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .evidence import proposed_by_kb
from .history import FRONT_MATTER, GIT, front_matter_change_date, git_change_dates
from .links import split_wikilink
from .loader import Note, read_lines
from .model import KnowledgeBase
from .resolve import slugify

LEVEL_MINIMUM = {"axiom": 5, "belief": 3, "hypothesis": 1}
DEFAULT_LEVEL = "belief"
EVIDENCE_KINDS = ("confirm", "extend", "challenge")
LABEL_FIT = 60  # rapidfuzz token_set_ratio of a "Belief N (label)" label against the belief's statement

_SECTION = re.compile(r"^###\s+(\d+)\.\s+(.+?)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s")
_GROUNDING = re.compile(r"^\s*\*\*Grounding:?\*\*:?")
_FIELD_LABEL = re.compile(r"^\s*\*\*[^*]+:?\*\*")
_EVIDENCE_HEADING = re.compile(r"^#{2,4}\s+Additional Evidence\s*\((confirm|extend|challenge)\)", re.I)
_EVIDENCE_SOURCE = re.compile(r"Source:\s*(\[\[[^\]]+\]\]|[^|*]+)")
_ADDED = re.compile(r"Added:\s*(\d{4}-\d{2}-\d{2})")
_MENTION = re.compile(r"\bbelief[\s#-]*(\d{1,2})\b", re.I)
_TAG_MENTION = re.compile(r"^belief-(\d{1,2})$", re.I)
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_ANNOTATION = re.compile(r"\s*\*\([^)]*\)\*\s*$|\s*\*\(.*\)\*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[*])|\s+[—–]\s+(?=[A-Z])|;\s+")

# Verdict words near a "Belief N" mention. "Disconfirmation fails" confirms; a "disconfirmation
# target" or "test" is a plan, not a verdict.
_NO_VERDICT = re.compile(r"disconfirmation (?:target|test|search)|tests? (?:for|of|whether)", re.I)
_CONFIRM = re.compile(
    r"disconfirmation fail\w*|\bconfirm(?:s|ed|ing)?\b|\bstrengthen\w*|\breinforc\w*|\bsupport(?:s|ed|ing)?\b"
    r"|\bvalidat\w*|\bvindicat\w*|\bstronger\b|\bevidence for\b|\bproof\b|\bproves?\b",
    re.I,
)
_CHALLENGE = re.compile(
    r"\bchalleng(?:e|es|ed|ing)\b|\bweaken\w*|\bundermin\w*|\bcontradict\w*|\bcomplicat\w*|\bdisconfirm(?:s|ed)\b"
    r"|disconfirmation succeed\w*|\brefut\w*|\bcounter-?evidence\b|\bfalsif\w*",
    re.I,
)
_EXTEND = re.compile(r"\bextend(?:s|ed)?\b|\brefin\w*|\bscop(?:e|es|ed|ing)\b|\bnuance\w*", re.I)


@dataclass
class Grounding:
    target: str
    resolved: str | None
    line: int

    def to_dict(self) -> dict:
        return {"target": self.target, "resolved": self.resolved, "line": self.line}


@dataclass
class Evidence:
    kind: str  # confirm | extend | challenge
    path: str  # the note the event was found in
    line: int
    quote: str
    origin: str  # evidence-block | curator-note | ingest | proposed (kb's own entry, not counted)
    source: str | None = None  # the source note the evidence comes from, when named
    date: str | None = None
    via: str | None = None  # the grounding claim the evidence was recorded on

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "path": self.path,
            "line": self.line,
            "source": self.source,
            "date": self.date,
            "quote": self.quote,
            "origin": self.origin,
            "via": self.via,
        }


@dataclass
class Belief:
    id: str
    title: str
    owner: str | None
    path: str
    line: int
    number: int | None = None
    level: str = DEFAULT_LEVEL
    level_declared: bool = False
    note_path: str | None = None  # the `type: belief` note, for a section that links to one
    last_evaluated: str | None = None
    grounding: list[Grounding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    changed_claims: list[dict] = field(default_factory=list)
    status: str = "untested"
    flags: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def resolved_grounding(self) -> list[str]:
        return sorted({item.resolved for item in self.grounding if item.resolved})

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "number": self.number,
            "path": self.path,
            "line": self.line,
            "note": self.note_path,
            "level": self.level,
            "level_declared": self.level_declared,
            "required_grounding": LEVEL_MINIMUM.get(self.level, LEVEL_MINIMUM[DEFAULT_LEVEL]),
            "last_evaluated": self.last_evaluated,
            "status": self.status,
            "flags": self.flags,
            "reason": self.reason,
            "grounding": [item.to_dict() for item in self.grounding],
            "evidence": [item.to_dict() for item in self.evidence],
            "changed_claims": self.changed_claims,
        }


@dataclass
class Mention:
    """A "Belief N" reference and what it was resolved to."""

    path: str
    line: int
    number: int
    owner: str | None
    belief: str | None  # belief id, when resolved
    kind: str | None  # verdict, if the sentence states one
    text: str
    problem: str | None = None  # why it could not be resolved, or why it looks stale

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "number": self.number,
            "owner": self.owner,
            "belief": self.belief,
            "kind": self.kind,
            "text": self.text,
            "problem": self.problem,
        }


@dataclass
class BeliefReport:
    beliefs: list[Belief]
    mentions: list[Mention]
    dates_from: str  # GIT or FRONT_MATTER

    def to_dict(self) -> dict:
        return {
            "beliefs": [belief.to_dict() for belief in self.beliefs],
            "mentions": [mention.to_dict() for mention in self.mentions],
            "change_dates_from": self.dates_from,
        }


def belief_slug(statement: str, limit: int = 80) -> str:
    slug = slugify(statement).replace(" ", "-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "belief"


def owner_of(note: Note) -> str | None:
    agent = note.fields.get("agent")
    if isinstance(agent, str) and agent.strip():
        return agent.strip().lower()
    parts = note.path.split("/")
    if parts[-1].lower() == "beliefs.md" and len(parts) >= 2:
        return parts[-2].lower()
    if len(parts) >= 3 and parts[-2].lower() == "beliefs":
        return parts[-3].lower()
    return None


def _clean_statement(text: str) -> str:
    text = _ANNOTATION.sub("", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text.strip().rstrip("*").strip()


def _first_heading(lines: list[str]) -> str | None:
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    for index, line in enumerate(lines):
        if in_front_matter:
            if index and line.strip() in ("---", "..."):
                in_front_matter = False
            continue
        if line.startswith("# "):
            return _clean_statement(line[2:])
    return None


def _strip_wikilinks(text: str) -> str:
    return re.sub(r"\[\[([^\]|]*?)(?:\|([^\]]*))?\]\]", lambda m: m.group(2) or m.group(1), text)


class _Collector:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lines_cache: dict[str, list[str]] = {}
        self.links_by_line: dict[str, dict[int, list]] = {}
        for item in kb.links:
            self.links_by_line.setdefault(item.source, {}).setdefault(item.link.line, []).append(item)

    def lines(self, path: str) -> list[str]:
        if path not in self.lines_cache:
            self.lines_cache[path] = read_lines(self.kb.config, path)
        return self.lines_cache[path]

    def resolved_links_on(self, path: str, line: int) -> list:
        return self.links_by_line.get(path, {}).get(line, [])

    def resolve_title(self, title: str, source: str) -> str | None:
        target, _, _ = split_wikilink(title)
        return self.kb.resolver.resolve(target, source).path if target else None


def _sections(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """Numbered `### N. statement` sections as (number, first line, end line exclusive, heading text), 1-based."""
    sections = []
    for index, line in enumerate(lines):
        match = _SECTION.match(line)
        if match:
            sections.append([int(match.group(1)), index + 1, len(lines) + 1, match.group(2)])
    for position, section in enumerate(sections):
        start = section[1]
        limit = sections[position + 1][1] if position + 1 < len(sections) else len(lines) + 1
        for index in range(start, limit - 1):  # stop at the next heading of level 1-3
            heading = _HEADING.match(lines[index])
            if heading and len(heading.group(1)) <= 3:
                limit = index + 1
                break
        section[2] = limit
    return [tuple(section) for section in sections]


def _grounding_in(collector: _Collector, path: str, lines: list[str], start: int, end: int) -> list[Grounding]:
    """Links of the `**Grounding:**` block between file lines start..end (exclusive)."""
    found: list[Grounding] = []
    in_block = False
    for line_no in range(start, end):
        text = lines[line_no - 1]
        if _GROUNDING.match(text):
            in_block = True
            items = collector.resolved_links_on(path, line_no)
        elif in_block and (_FIELD_LABEL.match(text) or _HEADING.match(text)):
            break
        elif in_block:
            items = collector.resolved_links_on(path, line_no)[:1] if text.lstrip().startswith(("-", "*", "+")) else []
        else:
            continue
        for item in items:
            if item.link.kind != "markdown":
                found.append(Grounding(item.link.target, item.resolution.path, line_no))
    return found


def _depends_on(collector: _Collector, note: Note) -> list[Grounding]:
    value = note.fields.get("depends_on")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    line = note.field_line("depends_on")
    found = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            continue
        title = item.strip()
        if title.startswith("[[") and title.endswith("]]"):
            title = title[2:-2]
        target = split_wikilink(title)[0]
        found.append(Grounding(target, collector.resolve_title(title, note.path), line))
    return found


def find_beliefs(kb: KnowledgeBase, collector: _Collector | None = None) -> list[Belief]:
    collector = collector or _Collector(kb)
    beliefs: list[Belief] = []
    note_beliefs: dict[str, Belief] = {}
    section_beliefs: list[tuple[Belief, set[str]]] = []
    for path, note in kb.notes.items():
        if note.type != "belief" or not note.readable:
            continue
        lines = collector.lines(path)
        owner = owner_of(note)
        sections = _sections(lines)
        if sections:
            for number, start, end, heading in sections:
                statement = _clean_statement(heading)
                belief = Belief(
                    f"{owner}/{belief_slug(statement)}" if owner else belief_slug(statement),
                    statement,
                    owner,
                    path,
                    start,
                    number,
                )
                belief.grounding = _grounding_in(collector, path, lines, start + 1, end)
                linked_notes = {
                    item.resolution.path
                    for line_no in range(start, end)
                    for item in collector.resolved_links_on(path, line_no)
                    if item.resolution.path
                    and item.resolution.path != path
                    and kb.notes.get(item.resolution.path) is not None
                    and kb.notes[item.resolution.path].type == "belief"
                }
                section_beliefs.append((belief, linked_notes))
        else:
            title = note.fields.get("title") if isinstance(note.fields.get("title"), str) else _first_heading(lines)
            title = title or note.title
            belief = Belief(
                f"{owner}/{belief_slug(note.title)}" if owner else belief_slug(note.title), title, owner, path, 1
            )
            level = note.fields.get("level")
            if isinstance(level, str) and level.strip().lower() in LEVEL_MINIMUM:
                belief.level, belief.level_declared = level.strip().lower(), True
            last = note.fields.get("last_evaluated")
            belief.last_evaluated = str(last) if last else None
            belief.grounding = _depends_on(collector, note) + _grounding_in(collector, path, lines, 1, len(lines) + 1)
            note_beliefs[path] = belief
    merged: set[str] = set()
    for belief, linked in section_beliefs:
        for note_path in sorted(linked):
            if note_path in note_beliefs and note_path not in merged:
                note_belief = note_beliefs[note_path]
                belief.note_path = note_path
                belief.last_evaluated = note_belief.last_evaluated
                if note_belief.level_declared:
                    belief.level, belief.level_declared = note_belief.level, True
                known = {item.resolved or item.target for item in belief.grounding}
                belief.grounding += [
                    item for item in note_belief.grounding if (item.resolved or item.target) not in known
                ]
                merged.add(note_path)
                break
        beliefs.append(belief)
    beliefs.extend(belief for path, belief in note_beliefs.items() if path not in merged)
    _dedupe_grounding(beliefs)
    seen: Counter = Counter()
    for belief in beliefs:  # two statements with one slug: keep ids unique and stable (by path order)
        seen[belief.id] += 1
        if seen[belief.id] > 1:
            belief.id = f"{belief.id}-{seen[belief.id]}"
    return beliefs


def _dedupe_grounding(beliefs: list[Belief]) -> None:
    for belief in beliefs:
        unique, keys = [], set()
        for item in belief.grounding:
            key = item.resolved or slugify(item.target)
            if key not in keys:
                keys.add(key)
                unique.append(item)
        belief.grounding = unique


def _evidence_blocks(collector: _Collector, path: str, via: str | None) -> list[Evidence]:
    lines = collector.lines(path)
    events = []
    for index, text in enumerate(lines):
        match = _EVIDENCE_HEADING.match(text)
        if not match:
            continue
        source = date = None
        quote = ""
        origin = "evidence-block"
        for follow in lines[index + 1 : index + 12]:
            if _HEADING.match(follow):
                break
            if source is None and "Source:" in follow:
                if proposed_by_kb(follow):
                    origin = "proposed"  # kb's own entry, not yet kept by a person: listed, not counted
                source_match = _EVIDENCE_SOURCE.search(follow)
                if source_match:
                    raw = source_match.group(1).strip()
                    title = raw[2:-2] if raw.startswith("[[") else raw
                    source = collector.resolve_title(title, path) or split_wikilink(title)[0]
                added = _ADDED.search(follow)
                date = added.group(1) if added else None
            elif follow.strip() and not quote and not follow.lstrip().startswith("*Source"):
                quote = _strip_wikilinks(follow.strip())[:300]
        events.append(Evidence(match.group(1).lower(), path, index + 1, quote, origin, source, date, via))
    return events


def _verdict(sentence: str, position: int) -> str | None:
    """confirm / challenge / extend from the verdict word nearest the mention, or None."""
    if _NO_VERDICT.search(sentence) and not re.search(r"disconfirmation fail|confirmed", sentence, re.I):
        return None
    candidates = []
    for kind, pattern in (("confirm", _CONFIRM), ("challenge", _CHALLENGE), ("extend", _EXTEND)):
        for match in pattern.finditer(sentence):
            if kind == "challenge" and re.match(r"disconfirmation", match.group(0), re.I):
                continue
            candidates.append((abs(match.start() - position), kind))
    if not candidates:
        return None
    # "Weakens the 'quality moat' challenge to Belief 3": weakening a challenge supports the belief.
    if _AGAINST_A_CHALLENGE.search(sentence[:position]):
        return "confirm"
    return min(candidates)[1]


_AGAINST_A_CHALLENGE = re.compile(
    r"\b(?:weaken\w*|undermin\w*|refut\w*|rebut\w*|counter\w*|answer\w*|defeat\w*)\b[^.;]{0,60}"
    r"\b(?:challenge|critique|objection|counter-?argument|counterargument)s?\b[^.;]{0,12}$",
    re.I,
)


def _sentence_around(text: str, start: int, end: int) -> tuple[str, int]:
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right].strip(), start - left


def _domain_owners(kb: KnowledgeBase, owners: set[str]) -> dict[str, str]:
    """Which belief owner speaks for each domain: kb.toml [beliefs.owners], else who processes its sources."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for note in kb.notes.values():
        domain = note.fields.get("domain")
        if not isinstance(domain, str):
            continue
        for key in ("processed_by", "agent"):
            who = note.fields.get(key)
            if isinstance(who, str) and who.strip().lower() in owners:
                counts[domain.strip().lower()][who.strip().lower()] += 1
    mapping = {domain: min(counter, key=lambda owner: (-counter[owner], owner)) for domain, counter in counts.items()}
    mapping.update(kb.config.belief_owners)
    return mapping


def _date_context(lines: list[str], index: int, fallback: str | None) -> str | None:
    for back in range(index, -1, -1):
        if _HEADING.match(lines[back]):
            found = _DATE.search(lines[back])
            if found:
                return found.group(1)
    return fallback


def _note_date(note: Note) -> str | None:
    for key in ("date", "processed_date", "created"):
        value = note.fields.get(key)
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            return value.strip()
    found = _DATE.match(note.title)
    return found.group(1) if found else None


def find_mentions(kb: KnowledgeBase, beliefs: list[Belief], collector: _Collector) -> list[Mention]:
    by_owner_number: dict[tuple[str | None, int], Belief] = {}
    for belief in beliefs:
        if belief.number is not None:
            by_owner_number.setdefault((belief.owner, belief.number), belief)
    owners = {belief.owner for belief in beliefs if belief.owner}
    domain_owner = _domain_owners(kb, owners)
    numbered_owners = {owner for owner, _ in by_owner_number}
    mentions: list[Mention] = []
    for path, note in kb.notes.items():
        if not note.readable or note.type == "belief" and path.endswith("beliefs.md"):
            continue
        owner, owner_problem = _mention_owner(note, owners, domain_owner, numbered_owners)
        fallback_date = _note_date(note)
        tags = note.fields.get("tags")
        for tag in tags if isinstance(tags, list) else []:
            match = _TAG_MENTION.match(str(tag))
            if match:
                mentions.append(
                    _resolve_mention(
                        path,
                        note.field_line("tags"),
                        int(match.group(1)),
                        owner,
                        owner_problem,
                        None,
                        f"tag {tag}",
                        by_owner_number,
                    )
                )
        lines = collector.lines(path)
        body_start = note.frontmatter.body_line if note.frontmatter.terminated else 1
        in_fence = False
        for index in range(body_start - 1, len(lines)):
            text = lines[index]
            if text.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                continue
            if in_fence or "elief" not in text:
                continue
            for match in _MENTION.finditer(text):
                sentence, position = _sentence_around(text, match.start(), match.end())
                kind = _verdict(sentence, position)
                mention = _resolve_mention(
                    path,
                    index + 1,
                    int(match.group(1)),
                    owner,
                    owner_problem,
                    kind,
                    _strip_wikilinks(sentence)[:300],
                    by_owner_number,
                )
                mention.date = _date_context(lines, index, fallback_date)  # type: ignore[attr-defined]
                mentions.append(mention)
    return mentions


def _mention_owner(
    note: Note, owners: set[str], domain_owner: dict[str, str], numbered: set
) -> tuple[str | None, str | None]:
    parts = note.path.lower().split("/")
    for part in parts[:-1]:
        if part in owners:
            return part, None
    agent = note.fields.get("agent")
    if isinstance(agent, str) and agent.strip().lower() in owners:
        return agent.strip().lower(), None
    domain = note.fields.get("domain")
    if isinstance(domain, str) and domain.strip().lower() in domain_owner:
        return domain_owner[domain.strip().lower()], None
    if None in {owner for owner in numbered} or not owners:
        return None, None
    return None, "no owner: the note is in no belief owner's folder and its domain maps to none"


def _resolve_mention(path, line, number, owner, owner_problem, kind, text, by_owner_number) -> Mention:
    belief = by_owner_number.get((owner, number))
    problem = owner_problem
    if belief is None and problem is None:
        problem = f"{owner or 'the KB'} has no belief numbered {number}"
    label = re.search(rf"belief\s*#?{number}\s*\(([^)]{{4,}})\)", text, re.I) if belief is not None else None
    if label:
        # A label that no longer fits its number means the beliefs were renumbered since it was written.
        from rapidfuzz import fuzz

        def fit(candidate: Belief) -> float:
            return fuzz.token_set_ratio(slugify(label.group(1)), slugify(candidate.title))

        numbered_fit = fit(belief)
        if numbered_fit < LABEL_FIT:
            others = [b for (o, _), b in by_owner_number.items() if o == owner and b is not belief]
            best = max(others, key=lambda b: (fit(b), -(b.number or 0)), default=None)
            if best is not None and fit(best) >= LABEL_FIT + 10 and fit(best) - numbered_fit >= 20:
                problem = (
                    f"labelled {label.group(1)!r}, which is belief {best.number} ({best.title!r}), "
                    f"not belief {number}: read as belief {best.number}; beliefs were renumbered"
                )
                belief = best
            else:
                problem = (
                    f"labelled {label.group(1)!r} but belief {number} of {owner} is {belief.title!r}; "
                    "check whether the beliefs were renumbered"
                )
    return Mention(path, line, number, owner, belief.id if belief else None, kind, text, problem)


def _ingest_entries(kb: KnowledgeBase, ids: dict[str, Belief]) -> list[tuple[Belief, Evidence]]:
    entries = []
    for path, note in kb.notes.items():
        value = note.fields.get("belief_evidence")
        if not isinstance(value, list):
            continue
        line = note.field_line("belief_evidence")
        for item in value:
            if not isinstance(item, dict):
                continue
            belief = ids.get(str(item.get("belief", "")))
            kind = str(item.get("kind", "")).lower()
            if belief is None or kind not in EVIDENCE_KINDS:
                continue
            date = item.get("date")
            entries.append(
                (
                    belief,
                    Evidence(
                        kind,
                        path,
                        line,
                        str(item.get("quote", ""))[:300],
                        "ingest",
                        path,
                        str(date) if date else _note_date(note),
                    ),
                )
            )
    return entries


def assess_beliefs(kb: KnowledgeBase) -> BeliefReport:
    """Find every belief, its grounding, evidence and status."""
    collector = _Collector(kb)
    beliefs = find_beliefs(kb, collector)
    ids = {belief.id: belief for belief in beliefs}
    for belief in beliefs:
        belief.evidence.extend(
            _evidence_blocks(collector, belief.path, None)
            if belief.number is None
            else [
                event
                for event in _evidence_blocks(collector, belief.path, None)
                if _within_section(collector, belief, event.line)
            ]
        )
        for claim in belief.resolved_grounding:
            belief.evidence.extend(_evidence_blocks(collector, claim, claim))
    mentions = find_mentions(kb, beliefs, collector)
    for mention in mentions:
        if mention.belief and mention.kind:
            ids[mention.belief].evidence.append(
                Evidence(
                    mention.kind,
                    mention.path,
                    mention.line,
                    mention.text,
                    "curator-note",
                    mention.path,
                    getattr(mention, "date", None),
                )
            )
    for belief, event in _ingest_entries(kb, ids):
        belief.evidence.append(event)
    for belief in beliefs:
        # An ingest entry records what its source's own words say: do not count those words twice.
        recorded = {(e.path, e.kind) for e in belief.evidence if e.origin == "ingest"}
        belief.evidence = [e for e in belief.evidence if e.origin != "curator-note" or (e.path, e.kind) not in recorded]
    git_dates = git_change_dates(kb.config.root)
    for belief in beliefs:
        belief.evidence = _dedupe_events(belief.evidence)
        _cascade(kb, collector, belief, git_dates)
        _status(belief)
    beliefs.sort(key=lambda b: (b.owner or "", b.number if b.number is not None else 10**6, b.path, b.line))
    mentions.sort(key=lambda m: (m.path, m.line, m.number))
    return BeliefReport(beliefs, mentions, GIT if git_dates is not None else FRONT_MATTER)


def _within_section(collector: _Collector, belief: Belief, line: int) -> bool:
    for number, start, end, _ in _sections(collector.lines(belief.path)):
        if number == belief.number and start == belief.line:
            return start <= line < end
    return False


def _dedupe_events(events: list[Evidence]) -> list[Evidence]:
    unique, seen = [], set()
    for event in sorted(events, key=lambda e: (e.date or "", e.path, e.line, e.kind)):
        key = (event.path, event.line, event.kind)
        if key not in seen:
            seen.add(key)
            unique.append(event)
    return unique


def _cascade(kb: KnowledgeBase, collector: _Collector, belief: Belief, git_dates: dict[str, str] | None) -> None:
    evaluated = belief.last_evaluated
    if evaluated is None and git_dates is not None:
        evaluated = git_dates.get(belief.note_path or belief.path)
    if not evaluated:
        return
    for claim in belief.resolved_grounding:
        if git_dates is not None:
            changed, basis = git_dates.get(claim), GIT
        else:
            note = kb.notes.get(claim)
            added = [event.date for event in _evidence_blocks(collector, claim, claim) if event.date]
            changed, basis = (front_matter_change_date(note.fields, added) if note else None), FRONT_MATTER
        if changed and changed > evaluated:
            belief.changed_claims.append({"path": claim, "changed": changed, "evaluated": evaluated, "from": basis})


def _status(belief: Belief) -> None:
    required = LEVEL_MINIMUM.get(belief.level, LEVEL_MINIMUM[DEFAULT_LEVEL])
    resolved = len(belief.resolved_grounding)
    broken = sum(1 for item in belief.grounding if not item.resolved)
    counted = [event for event in belief.evidence if event.origin != "proposed"]
    confirms = sum(1 for event in counted if event.kind in ("confirm", "extend"))
    challenges = sum(1 for event in counted if event.kind == "challenge")
    reasons = []
    flags = []
    if belief.changed_claims:
        flags.append("under-review")
        names = ", ".join(
            item["path"].rsplit("/", 1)[-1].removesuffix(".md")[:60] for item in belief.changed_claims[:3]
        )
        reasons.append(
            f"{len(belief.changed_claims)} grounding claim(s) changed after it was last evaluated "
            f"({belief.changed_claims[0]['evaluated']}): {names}"
        )
    if resolved < required:
        flags.append("under-grounded")
        reasons.append(
            f"{resolved} of the {required} grounding claims a {belief.level} needs resolve"
            + (f" ({broken} broken)" if broken else "")
        )
    if confirms and challenges:
        verdict, why = "contested", f"{confirms} confirming and {challenges} challenging evidence"
    elif challenges:
        verdict, why = "challenged", f"{challenges} challenging evidence, none confirming"
    elif confirms:
        verdict, why = "confirmed", f"{confirms} confirming or extending evidence, none challenging"
    else:
        verdict, why = "untested", "no evidence recorded since it was written"
    flags.append(verdict)
    reasons.append(why)
    belief.flags = flags
    belief.status = flags[0]
    belief.reason = "; ".join(reasons)
