"""Stage 5: cards as data and as text, JSON or Markdown; decisions recorded by reviewers.

Kinds: `hard` (intervals do not overlap, no hedge), `unit` (the same amount in a currency and a
token), `hedged` (no overlap even after widening for a hedge such as "nearly" or "more than"), and
the informational `rounding` (only the looser round-number interval overlaps: "476" vs "480"),
reported only with --all.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .. import codec
from ..facts import Fact, _number
from ..model import KnowledgeBase
from ..problems import printable

HARD = "hard"
UNIT = "unit"
HEDGED = "hedged"
ROUNDING = "rounding"
KIND_ORDER = {HARD: 0, UNIT: 1, HEDGED: 2, ROUNDING: 3}


RESOLUTIONS_FILE = "conflict-resolutions.toml"
_INFINITY = Decimal("Infinity")


@codec.record
@dataclass
class Side:
    value: Decimal
    unit: str
    facts: list[Fact]

    def to_dict(self) -> dict:
        return {
            "value": _number(self.value),
            "unit": self.unit,
            "facts": [
                {
                    "source": f.path,
                    "line": f.line,
                    "text": f.text,
                    "sentence": f.sentence,
                    "hedge": f.hedge,
                    "period_source": f.period_source,
                }
                for f in self.facts
            ],
        }


@codec.record
@dataclass
class Conflict:
    id: str
    kind: str
    measure: str
    modifiers: tuple[str, ...]
    subject: str | None
    period: str
    unit: str
    role: str
    sides: list[Side]
    gap: Decimal  # how many tolerance widths apart the closest disagreeing values are
    sources: int  # independent notes involved
    why: str
    previously_resolved: bool = False
    score: float = 0.0  # how sure the engine is that the facts state one quantity
    reasons: list[str] = field(default_factory=list)
    tier: str = "dated"  # dated | undated (no side states its period)
    self_contradiction: bool = False  # one note stands on two sides
    vague: list[Fact] = field(default_factory=list)  # hedged values that agree with more than one side

    @property
    def metric(self) -> str:
        return " ".join((*self.modifiers, self.measure))

    def fact_keys(self) -> list[str]:
        return sorted(fact_key(f) for side in self.sides for f in side.facts)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "metric": self.metric,
            "subject": self.subject or "",
            "period": self.period,
            "kind": self.kind,
            "unit": self.unit,
            "role": self.role,
            "gap": float(round(self.gap, 2)),
            "independent_sources": self.sources,
            "why": self.why,
            "previously_resolved": self.previously_resolved,
            "score": self.score,
            "reasons": self.reasons,
            "tier": self.tier,
            "self_contradiction": self.self_contradiction,
            "sides": [s.to_dict() for s in self.sides],
        }


@codec.record
@dataclass
class ConflictReport:
    conflicts: list[Conflict]
    facts: int
    compared: int
    resolved: int
    info: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "conflicts": [c.to_dict() for c in self.conflicts],
            "consistent_with_rounding": [c.to_dict() for c in self.info],
            "summary": {
                "facts": self.facts,
                "pairs_compared": self.compared,
                "conflicts": len(self.conflicts),
                "resolved": self.resolved,
            },
            "problems": self.problems,
        }


def fact_key(fact: Fact) -> str:
    """A fact's identity that survives edits elsewhere in the note (no line number)."""
    sentence = re.sub(r"\s+", " ", fact.sentence.strip().lower())
    return f"{fact.path}|{fact.text}|{hashlib.sha1(sentence.encode()).hexdigest()[:10]}"


def _fmt(value: Decimal) -> str:
    if value in (_INFINITY, -_INFINITY):
        return "∞" if value > 0 else "-∞"
    return f"{value.normalize():,f}"


def load_resolutions(kb: KnowledgeBase) -> tuple[list[dict], list[str]]:
    path = kb.config.root / kb.config.conflict_resolutions
    if not path.is_file():
        return [], []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [f"{path.name}: cannot read resolutions: {exc}"]
    entries = data.get("resolved", [])
    if not isinstance(entries, list):
        return [], [f"{path.name}: [[resolved]] entries expected"]
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("facts"), list)], []


def resolution_entry(conflict: Conflict, accepted: str | None, preferred: str | None, reason: str) -> str:
    """A TOML `[[resolved]]` entry recording a reviewer's decision on a conflict."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'

    lines = [
        "[[resolved]]",
        f"id = {quote(conflict.id)}",
        f"metric = {quote(conflict.metric)}",
        f"period = {quote(conflict.period)}",
    ]
    if accepted is not None:
        lines.append(f"accepted = {quote(accepted)}")
    if preferred is not None:
        lines.append(f"preferred_source = {quote(preferred)}")
    lines.append(f"reason = {quote(reason)}")
    lines.append("facts = [")
    lines.extend(f"  {quote(key)}," for key in conflict.fact_keys())
    lines.append("]")
    return "\n".join(lines) + "\n"


def record_resolution(config, conflict: Conflict, accepted: str | None, preferred: str | None, reason: str) -> str:
    """Append the decision on `conflict` to the KB's resolutions file, under the KB's write lock (so
    concurrent decisions are all kept) and only inside the KB. The same decision recorded twice is
    kept once. Returns what happened: "recorded" or "already recorded"."""
    import tomllib

    from ..atomic import atomic_write
    from ..writer import inside, kb_lock

    path = inside(config.root, config.root / config.conflict_resolutions)
    entry = resolution_entry(conflict, accepted, preferred, reason)
    with kb_lock(config.root):
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        try:
            recorded = tomllib.loads(existing).get("resolved", []) if existing.strip() else []
        except tomllib.TOMLDecodeError:
            recorded = []
        if any(isinstance(e, dict) and tomllib.loads(entry)["resolved"][0] == e for e in recorded):
            return "already recorded"
        atomic_write(path, (((existing.rstrip("\n") + "\n\n") if existing.strip() else "") + entry).encode())
    return "recorded"


def summarize_counts(report: ConflictReport) -> Counter:
    return Counter(conflict.kind for conflict in report.conflicts)


def value_text(side: Side, fact: Fact | None = None) -> str:
    """A fact's own value ("232 million" is 232,000,000 even on the 232.1 million side)."""
    value = fact.value if fact is not None else side.value
    if side.unit == "%":
        return f"{_fmt(value)}%"
    return f"{_fmt(value)} {side.unit if side.unit != 'count' else ''}".strip()


def render_text(report: ConflictReport, include_info: bool = False, footer: bool = True) -> str:
    lines = []
    shown = report.conflicts + (report.info if include_info else [])
    for conflict in shown:
        label = {
            "hard": "conflict",
            "unit": "unit conflict",
            "hedged": "hedged conflict",
            "rounding": "consistent with rounding",
        }[conflict.kind]
        subject = f" · {conflict.subject}" if conflict.subject else ""
        lines.append(
            f"{label}: {conflict.metric}{subject} · {conflict.period} · {conflict.unit} · "
            f"{float(conflict.gap):.1f} tolerance widths apart · {conflict.sources} independent source(s)"
            f"{' · previously resolved, new facts joined' if conflict.previously_resolved else ''}"
        )
        for side in conflict.sides:
            for fact in side.facts:
                quote = fact.sentence if len(fact.sentence) <= 140 else fact.sentence[:139] + "…"
                where = f"{printable(fact.path)}:{fact.line}"
                lines.append(f"  {value_text(side, fact):>22}  {where}  {fact.text!r}  “{printable(quote)}”")
        lines.append(f"  why: {conflict.why}")
        lines.append(f'  id: {conflict.id} (record a decision with: kb conflicts --resolve {conflict.id} --reason "…")')
        lines.append("")
    if not footer:
        return "\n".join(lines).rstrip("\n")
    summary = Counter(conflict.kind for conflict in report.conflicts)
    lines.append(
        f"{len(report.conflicts)} conflict{'' if len(report.conflicts) == 1 else 's'} "
        f"({summary.get(HARD, 0)} hard, {summary.get(UNIT, 0)} unit, "
        f"{summary.get(HEDGED, 0)} hedged) "
        f"among {report.facts} facts; {report.compared} pairs compared; {report.resolved} resolved; "
        f"{len(report.info)} consistent with rounding{'' if include_info else ' (shown with --all)'}"
    )
    return "\n".join(lines)


def render_markdown(report: ConflictReport) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Numeric conflicts",
        "",
        f"{len(report.conflicts)} conflicts among {report.facts} facts. Hard conflicts first, then by how far "
        "apart the values are.",
        "",
    ]
    for conflict in report.conflicts:
        subject = f", {conflict.subject}" if conflict.subject else ""
        lines += [
            f"## {cell(conflict.metric)}{cell(subject)}, {conflict.period} ({conflict.kind})",
            "",
            f"{cell(conflict.why)}. Id `{conflict.id}`.",
            "",
            "| value | note | line | text | sentence |",
            "|---|---|---|---|---|",
        ]
        for side in conflict.sides:
            for fact in side.facts:
                lines.append(
                    f"| {cell(value_text(side, fact))} | {cell(fact.path)} | {fact.line} | {cell(fact.text)} | "
                    f"{cell(fact.sentence[:200])} |"
                )
        lines.append("")
    return "\n".join(lines)
