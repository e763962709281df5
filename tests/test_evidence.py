"""Evidence entries: the source's own passage, typed from its words, proposals not counted (kb/evidence.py)."""

from __future__ import annotations

from kb.evidence import evidence_entry, evidence_kind, proposed_by_kb, supporting_passage

BODY = """\
## Content

PRIMARY CONNECTION: [[ferry fares fell after the port merger]]

The audit found that ferry fares fell 8% in the year after the port merger, driven by fuel contracts.
Crossings were 4% less punctual.
"""


def test_the_quoted_passage_is_the_sources_sentence_not_the_hint_line():
    passage = supporting_passage(BODY.split("\n"), "ferry fares fell after the port merger")
    assert (
        passage
        == "The audit found that ferry fares fell 8% in the year after the port merger, driven by fuel contracts."
    )
    assert supporting_passage(BODY.split("\n"), "orchard yields doubled under drip irrigation") is None


def test_the_type_comes_from_the_words():
    assert evidence_kind("This study complicates the 'inflationary' conclusion") == "challenge"
    assert evidence_kind("The trial fails to replicate the earlier effect") == "challenge"
    assert evidence_kind("The data does not support the claim") == "challenge"
    assert evidence_kind("A second audit confirms the fall in fares") == "confirm"
    assert evidence_kind("Fares fell 8% after the merger") == "extend"


def test_kb_entries_are_marked_as_proposals_until_a_person_keeps_them():
    entry = evidence_entry("2025-04-02-port-audit", "Fares fell 8%.", "2026-12-02", "confirm")
    source_line = entry.strip().split("\n")[1]
    assert entry.startswith("\n### Additional Evidence (confirm)\n") and "> Fares fell 8%." in entry
    assert proposed_by_kb(source_line)
    assert not proposed_by_kb(source_line.replace("kb ingest", "maria"))
    assert not proposed_by_kb("*Source: [[x]] | Added: 2026-03-11 | Extractor: anthropic/claude-sonnet-4.5*")


def test_beliefs_do_not_count_kbs_proposals(tmp_path):
    from kb.api import init_kb
    from kb.beliefs import assess_beliefs
    from kb.config import load_config
    from kb.model import load_kb

    root = tmp_path / "kb"
    init_kb(root)
    (root / "claims").mkdir(exist_ok=True)
    claim = "---\ntype: claim\n---\n# Ferry fares fell after the port merger\n"
    claim += evidence_entry("2025-04-02-port-audit", "Fares fell 8%.", "2026-12-02", "confirm")
    (root / "claims" / "ferry fares fell after the port merger.md").write_text(claim)
    belief = (
        '---\ntype: belief\nlevel: hypothesis\ndepends_on:\n  - "[[ferry fares fell after the port merger]]"\n---\n'
    )
    (root / "beliefs").mkdir(exist_ok=True)
    (root / "beliefs" / "port mergers lower fares.md").write_text(belief + "# Port mergers lower fares\n")

    def status():
        (found,) = assess_beliefs(load_kb(load_config(root))).beliefs
        return found.status, [e.origin for e in found.evidence]

    assert status() == ("untested", ["proposed"])
    path = root / "claims" / "ferry fares fell after the port merger.md"
    path.write_text(path.read_text().replace("Extractor: kb ingest", "Extractor: maria"))
    assert status() == ("confirmed", ["evidence-block"])


def test_a_label_and_the_claims_own_title_are_not_the_quote():
    lines = [
        "- [[ferry fares fell after the port merger]]",
        "WHY ARCHIVED: the audit shows ferry fares fell 8% in the year after the port merger.",
    ]
    assert supporting_passage(lines, "ferry fares fell after the port merger") == (
        "the audit shows ferry fares fell 8% in the year after the port merger."
    )
