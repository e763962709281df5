"""Beliefs: sections and notes, grounding against the level minimum, evidence, mentions, cascade."""

import json

import pytest
from typer.testing import CliRunner

from kb.beliefs import assess_beliefs, belief_slug
from kb.cli import app

CLAIM = "---\ntype: claim\ndomain: health\ndescription: d\nconfidence: likely\nsource: s\ncreated: {created}\n---\n"

BELIEFS_MD = """# Vida's beliefs

## Active Beliefs

### 1. Prevention beats treatment *(keystone — [full file](beliefs/prevention%20beats%20treatment.md))*

Why.

**Grounding:**
- [[claim one]] — explanation with [[claim two]] inside
- [[claim two]]
- [[claim that is missing]]

**Challenges considered:** none [[claim three]]

---

### 2. Payment drives behaviour

**Grounding:** [[claim one]], [[claim two]], [[claim three]]

### 3. Renumbered one

**Grounding:** [[claim three]]
"""

BELIEF_NOTE = """---
type: belief
agent: vida
level: hypothesis
depends_on:
  - "claim three"
last_evaluated: 2026-03-10
---
# Prevention beats treatment
"""

FILES = {
    "claims/claim one.md": CLAIM.format(created="2026-03-01") + "Text.\n\n### Additional Evidence (challenge)\n"
    "*Source: [[2026-03-05-report]] | Added: 2026-03-06 | Extractor: x*\n\nThe report found the opposite.\n",
    "claims/claim two.md": CLAIM.format(created="2026-03-01"),
    "claims/claim three.md": CLAIM.format(created="2026-03-12"),
    "inbox/2026-03-05-report.md": "---\ntype: source\ndomain: health\nprocessed_by: vida\ndate: 2026-03-05\n---\n"
    "WHY ARCHIVED: Belief 2 disconfirmation target. Disconfirmation FAILS — Belief 2 confirmed.\n",
    "agents/vida/beliefs.md": BELIEFS_MD,
    "agents/vida/beliefs/prevention beats treatment.md": BELIEF_NOTE,
    "agents/vida/research-journal.md": "# Journal\n\n## Session 2026-03-11\n\n"
    "- Belief 3 (payment drives behaviour): STRENGTHENED by the new data.\n"
    "- Belief 1 (prevention beats treatment): WEAKENED slightly.\n",
    "inbox/2026-03-20-ingested.md": "---\ntype: source\ndomain: health\nbelief_evidence:\n"
    "  - {belief: vida/payment-drives-behaviour, kind: challenge, quote: 'Costs rose.', date: 2026-03-20}\n---\n",
}


@pytest.fixture
def report(make_kb):
    return assess_beliefs(make_kb(FILES))


def by_number(report, number):
    return next(b for b in report.beliefs if b.number == number)


def test_sections_found_with_stable_ids_and_note_merged(report):
    assert [b.id for b in report.beliefs] == [
        "vida/prevention-beats-treatment",
        "vida/payment-drives-behaviour",
        "vida/renumbered-one",
    ]
    first = by_number(report, 1)
    assert first.note_path == "agents/vida/beliefs/prevention beats treatment.md"
    assert first.level == "hypothesis" and first.last_evaluated == "2026-03-10"
    assert first.line == 5


def test_grounding_first_link_per_item_and_inline_lists(report):
    first = by_number(report, 1)
    assert [(g.target, g.resolved) for g in first.grounding] == [
        ("claim one", "claims/claim one.md"),
        ("claim two", "claims/claim two.md"),
        ("claim that is missing", None),
        ("claim three", "claims/claim three.md"),  # from the note's depends_on
    ]
    assert len(by_number(report, 2).grounding) == 3


def test_level_minimum(report):
    third = by_number(report, 3)
    assert "under-grounded" in third.flags
    assert "1 of the 3" in third.reason
    assert "under-grounded" not in by_number(report, 1).flags  # a hypothesis needs 1


def test_evidence_sources(report):
    second = by_number(report, 2)
    kinds = sorted((e.origin, e.kind) for e in second.evidence)
    assert ("curator-note", "confirm") in kinds  # Disconfirmation FAILS — Belief 2 confirmed (owner from domain)
    assert ("ingest", "challenge") in kinds
    assert ("evidence-block", "challenge") in kinds  # on its grounding claim `claim one`
    block = next(e for e in second.evidence if e.origin == "evidence-block")
    assert (block.via, block.source, block.date) == ("claims/claim one.md", "inbox/2026-03-05-report.md", "2026-03-06")
    assert second.status == "contested"


def test_disconfirmation_target_is_not_a_verdict(report):
    mentions = [m for m in report.mentions if m.path == "inbox/2026-03-05-report.md"]
    assert [m.kind for m in mentions] == [None, "confirm"]


def test_renumbered_label_is_read_by_label_and_reported(report):
    (mention,) = [m for m in report.mentions if m.path.endswith("research-journal.md") and m.number == 3]
    assert mention.belief == "vida/payment-drives-behaviour"
    assert "renumbered" in mention.problem
    assert mention.kind == "confirm"


def test_cascade_from_front_matter_dates(report):
    first = by_number(report, 1)
    assert first.status == "under-review"
    assert [c["path"] for c in first.changed_claims] == ["claims/claim three.md"]
    assert report.dates_from == "front matter"


def test_belief_slug_is_stable_under_renumbering():
    assert belief_slug("Payment drives behaviour") == belief_slug("payment drives  behaviour!")


def test_cli_json_matches_contract(tmp_path):
    from .conftest import write_files

    write_files(tmp_path, FILES)
    result = CliRunner().invoke(app, ["beliefs", "--kb", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1  # under-grounded and under-review beliefs
    data = json.loads(result.stdout)
    belief = data["beliefs"][0]
    assert {"title", "path", "line", "status", "grounding", "evidence"} <= set(belief)
    assert belief["grounding"][0] == {"target": "claim one", "resolved": "claims/claim one.md", "line": 10}
    text = CliRunner().invoke(app, ["beliefs", "--kb", str(tmp_path)])
    assert "under-review" in text.stdout and "3 beliefs" in text.stdout


def test_teleo_beliefs(teleo):
    from kb.config import load_config
    from kb.model import load_kb

    report = assess_beliefs(load_kb(load_config(teleo)))
    numbered = [b for b in report.beliefs if b.number is not None]
    assert len(numbered) == 39
    assert all(b.status and b.reason for b in report.beliefs)
    assert sum("under-grounded" in b.flags for b in report.beliefs) == 13
    vida3 = next(
        b for b in report.beliefs if b.title == "Healthcare's fundamental misalignment is structural, not moral"
    )
    assert len(vida3.resolved_grounding) == 4
    theseus_notes = {b.note_path for b in report.beliefs if b.owner == "theseus" and b.note_path}
    assert len(theseus_notes) == 2


def test_weakening_a_challenge_supports_the_belief():
    from kb.beliefs import _verdict

    sentence = 'Weakens the "quality moat" challenge to Belief 3'
    assert _verdict(sentence, sentence.index("Belief")) == "confirm"
    plain = "This weakens Belief 3 on the timeline"
    assert _verdict(plain, plain.index("Belief")) == "challenge"
