"""Claims proposed by a person or an LLM agent for one source (`kb ingest SOURCE --claims FILE`).

The file is YAML or JSON: a list of proposals, or a mapping with a `claims:` list. Each proposal:

    - title: "Low-revenue ACOs saved $316 per beneficiary in 2024 versus $175 for high-revenue ACOs"
      description: "CMS's 2024 MSSP results by ACO revenue class"   # the supporting data
      confidence: likely                                            # one of the claim schema's values
      evidence: "generated $316 in net per capita savings, compared with $175"  # words of the source
      links: ["value-based care transitions stall at the payment boundary"]       # existing notes
      domain: health                                                # optional; else the source's

Each is checked before anything is written: the title is a proposition (at least four words, not a
file path); the confidence is one the KB's claim schema allows; the evidence is a quote found in the
source (whitespace, case and typographic quotes aside); every link resolves. A proposal that says the
same as an existing claim (`kb.sameclaim`) becomes an evidence entry on it; one that differs from a
near-identical claim decisively (an opposite, another number) is a new claim, and the report says
which claim it was kept apart from. If any proposal is refused, nothing is written at all: the
agent gets every reason at once and submits again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import CONFIDENCE_LEVELS

MIN_TITLE_WORDS = 4


@dataclass
class Proposal:
    index: int  # 1-based position in the file
    title: str
    description: str
    confidence: str
    evidence: str
    links: list[str] = field(default_factory=list)
    domain: str | None = None


def load_proposals(path: Path) -> tuple[list[Proposal], list[str]]:
    """The proposals in `path`, and a message per entry that is not one (with its position)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read the claims file: {exc}"]
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else (f":{exc.lineno}" if hasattr(exc, "lineno") else "")
        return [], [f"{path}{where}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}"]
    if isinstance(data, dict):
        data = data.get("claims")
    if not isinstance(data, list):
        return [], [f"{path}: expected a list of claims (or a mapping with a `claims:` list)"]
    proposals, problems = [], []
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            problems.append(f"claim {index}: expected a mapping with title, description, confidence, evidence")
            continue
        links = item.get("links") or []
        if isinstance(links, str):
            links = [links]
        proposals.append(
            Proposal(
                index,
                _text(item.get("title")),
                _text(item.get("description")),
                _text(item.get("confidence")).lower(),
                _text(item.get("evidence")),
                [_text(link).removeprefix("[[").removesuffix("]]") for link in links if _text(link)],
                _text(item.get("domain")) or None,
            )
        )
    return proposals, problems


def _text(value) -> str:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""


def _normal(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    text = re.sub(r"[*_`]+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def check_proposal(proposal: Proposal, source_text: str, resolve) -> list[str]:
    """Why `proposal` cannot be written (empty when it can). `resolve(title)` -> a note path or None."""
    why = []
    if len(proposal.title.split()) < MIN_TITLE_WORDS:
        why.append(f"the title {proposal.title!r} is not a proposition (fewer than {MIN_TITLE_WORDS} words)")
    if re.search(r"[\\/]|^\.|\.md$", proposal.title):
        why.append("the title looks like a path; give the claim as a sentence")
    if not proposal.description:
        why.append("no description: say what supports it")
    elif _normal(proposal.description) == _normal(proposal.title):
        why.append("the description repeats the title; give the supporting data")
    if proposal.confidence not in CONFIDENCE_LEVELS:
        why.append(f"confidence {proposal.confidence or '(none)'!r} is not one of {', '.join(CONFIDENCE_LEVELS)}")
    if not proposal.evidence:
        why.append("no evidence quote")
    elif _normal(proposal.evidence) not in _normal(source_text):
        why.append(f"the evidence {proposal.evidence[:80]!r} is not in the source")
    for link in proposal.links:
        if resolve(link) is None:
            why.append(f"the link [[{link}]] matches no note in the KB")
    return why
