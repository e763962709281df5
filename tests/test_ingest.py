"""kb ingest: archiving, duplicates, claims, status, belief evidence, and never damaging a note."""

import json
import multiprocessing
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.api import init_kb
from kb.cli import app
from kb.config import load_config
from kb.ingest import decisive_difference, ingest, read_input, safe_file_name, same_claim

from .conftest import SEEDS

TODAY = "2026-11-23"
RAW = """Skip to main content
News

Helios Solar Doubles Output in 2024

By Maria Chen

Helios Solar installed 3.2 GW of capacity in 2024, up from 1.6 GW in 2023.
The company now employs 4,100 people across 12 countries.
Analysts expect further growth.
"""
SOURCE = """---
# archived by hand
type: source
title: 'Grid storage report: "2025 edition"'   # odd quoting on purpose
author: "Energy Desk"
url: https://example.org/grid-storage-2025
date: 2025-03-01
domain: energy
status: "unprocessed"
tags: [storage, grid]
---

## Content

Grid batteries reached 120 GW of installed capacity worldwide in 2025.

**Extraction hints:**
- PRIMARY: "Grid batteries became the fastest-growing source of firm capacity in 2025"
- SECONDARY: Storage costs fell below gas peakers in most markets — the economics flipped
"""


@pytest.fixture
def kb_root(tmp_path):
    root = tmp_path / "kb"
    init_kb(root)
    return root


def run(root, *paths, dry_run=False):
    return ingest(load_config(root), [Path(p) for p in paths], dry_run=dry_run, today=TODAY)


def write(path: Path, text) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_raw_text_becomes_a_source_with_honest_fields_and_numeric_claims(kb_root, tmp_path):
    (result,) = run(kb_root, write(tmp_path / "in" / "helios.txt", RAW)).results
    assert result.action == "created"
    assert result.source == "sources/0000-00-00-maria-chen-helios-solar-doubles-output-in-2024.md"
    text = (kb_root / result.source).read_text()
    assert "title: Helios Solar Doubles Output in 2024" in text
    assert 'url: ""' in text and "status: processed" in text and f"processed_date: {TODAY}" in text
    assert RAW.strip() in text  # the original words are kept
    assert any("no url is stated" in p for p in result.problems)
    # "The company now employs 4,100 people" opens with a referent: not a claim that stands alone
    (written,) = [Path(c).stem for c in result.claims]
    assert written == "Helios Solar installed 3.2 GW of capacity in 2024, up from 1.6 GW in 2023"
    claim = (kb_root / result.claims[0]).read_text()
    assert "[[0000-00-00-maria-chen-helios-solar-doubles-output-in-2024]]" in claim
    assert "type: claim" in claim and f"created: {TODAY}" in claim and "confidence: experimental" in claim
    assert "> Helios Solar installed 3.2 GW" in claim or "> The company now employs 4,100" in claim


def test_second_run_changes_nothing(kb_root, tmp_path):
    source = write(tmp_path / "in" / "helios.txt", RAW)
    run(kb_root, source)
    before = {p: p.read_bytes() for p in kb_root.rglob("*.md")}
    (again,) = run(kb_root, source).results
    assert again.action == "unchanged" and again.duplicate_of
    assert {p: p.read_bytes() for p in kb_root.rglob("*.md")} == before


def test_front_matter_kept_byte_for_byte_except_owned_fields(kb_root, tmp_path):
    (result,) = run(kb_root, write(tmp_path / "grid.md", SOURCE)).results
    text = (kb_root / result.source).read_text()
    original = SOURCE.split("\n")
    written = text.split("\n")
    for line in original:
        if not line.startswith("status:"):
            assert line in written, line
    assert "status: processed" in written
    assert written.index("tags: [storage, grid]") < written.index(f"processed_date: {TODAY}")
    assert written[:5] == original[:5]  # comment and odd quoting untouched
    assert "claims_extracted:" in text


def test_hints_become_claims_and_existing_claims_get_evidence(kb_root, tmp_path):
    write(
        kb_root / "claims" / "Grid batteries became the fastest-growing source of firm capacity in 2025.md",
        "---\ntype: claim\n---\n# Grid batteries\n",
    )
    (result,) = run(kb_root, write(tmp_path / "grid.md", SOURCE)).results
    assert result.enriched == ["claims/Grid batteries became the fastest-growing source of firm capacity in 2025.md"]
    existing = (kb_root / result.enriched[0]).read_text()
    assert existing.startswith("---\ntype: claim\n---\n# Grid batteries\n")
    assert "### Additional Evidence (extend)" in existing and "[[2025-03-01-energy-desk-grid-storage-report" in existing
    assert result.claims == ["claims/Storage costs fell below gas peakers in most markets.md"]


def test_scraped_page_is_recovered(kb_root, tmp_path):
    scraped = "66 lines\n4.6 KiB\nMarkdown\n---\n|\n|\n" + SOURCE.split("---\n", 1)[1].replace("\n", "\n|\n")
    (result,) = run(kb_root, write(tmp_path / "scrape.txt", scraped)).results
    assert result.action == "created"
    assert any("before the front matter" in p for p in result.problems)
    text = (kb_root / result.source).read_text()
    assert "\n|\n" not in text and "domain: energy" in text


@pytest.mark.parametrize("change", ["url", "title", "text"])
def test_duplicates_by_url_title_or_text(kb_root, tmp_path, change):
    run(kb_root, write(tmp_path / "grid.md", SOURCE))
    other = SOURCE
    if change != "url":
        other = other.replace("grid-storage-2025", "somewhere-else")
    if change != "title":
        other = other.replace("Grid storage report", "Another headline entirely here")
    if change == "text":
        other = other.replace("date: 2025-03-01", "date: 2025-03-02")
    (result,) = run(kb_root, write(tmp_path / "copy.md", other)).results
    assert result.action == "unchanged"
    assert result.duplicate_of.startswith("sources/2025-03-01-")


def test_hostile_titles_stay_inside_the_kb(kb_root, tmp_path):
    hostile = SOURCE.replace("""title: 'Grid storage report: "2025 edition"'""", "title: ../../etc/passwd")
    hostile = hostile.replace("- PRIMARY:", "- PRIMARY: ../../../../tmp/evil claim with enough words\n- IGNORED:")
    long_title = "x" * 400
    hostile_long = SOURCE.replace("Grid storage report", long_title).replace("grid-storage-2025", "long")
    results = run(kb_root, write(tmp_path / "h.md", hostile), write(tmp_path / "l.md", hostile_long)).results
    for result in results:
        assert result.action == "created"
        for path in [result.source, *result.claims]:
            full = (kb_root / path).resolve()
            assert kb_root.resolve() in full.parents
            assert len(full.name.encode()) <= 255
    assert not Path("/tmp/evil claim with enough words.md").exists()
    assert long_title in (kb_root / results[1].source).read_text()  # the full title is kept
    assert safe_file_name("../../etc/passwd") == "etc∕passwd.md"  # U+2215, not a separator
    # a file name never changes what the title says
    assert safe_file_name("<0.5% survival") == "under 0.5% survival.md"
    assert safe_file_name(">= 90% of ferries run late") == "at least 90% of ferries run late.md"
    assert "\x00" not in safe_file_name("a\x00b")
    # names Windows keeps for devices are never a note's whole name
    assert safe_file_name("NUL") == "NUL (note).md" and safe_file_name("lpt1") == "lpt1 (note).md"
    assert safe_file_name("Consoles sold 4 million") == "Consoles sold 4 million.md"


def test_nul_bytes_and_non_utf8_input(kb_root, tmp_path):
    (result,) = run(
        kb_root, write(tmp_path / "bad.txt", b"Plain Title Here\n\x00\xffIt raised $5 million in 2024.\n")
    ).results
    assert result.action == "created"
    assert any("NUL" in p for p in result.problems) and any("UTF-8" in p for p in result.problems)
    assert "\x00" not in (kb_root / result.source).read_text()


def test_status_state_machine(kb_root):
    write(kb_root / "sources" / "odd.md", SOURCE.replace('status: "unprocessed"', "status: entity-data"))
    write(
        kb_root / "sources" / "done.md",
        SOURCE.replace('status: "unprocessed"', "status: processed").replace("grid-storage-2025", "done"),
    )
    odd_before = (kb_root / "sources" / "odd.md").read_bytes()
    odd, done = run(kb_root, kb_root / "sources" / "odd.md", kb_root / "sources" / "done.md").results
    assert odd.action == "error" and "entity-data" in odd.problems[0]
    assert (kb_root / "sources" / "odd.md").read_bytes() == odd_before
    assert done.action == "unchanged"


def test_in_place_quoted_unprocessed_is_processed(kb_root):
    path = write(kb_root / "sources" / "grid.md", SOURCE)
    (result,) = run(kb_root, path).results
    assert (result.action, result.source) == ("updated", "sources/grid.md")
    assert "status: processed" in path.read_text() and '"unprocessed"' not in path.read_text()


def test_dry_run_shows_a_diff_and_writes_nothing(kb_root, tmp_path):
    before = sorted(p.relative_to(kb_root) for p in kb_root.rglob("*"))
    report = run(kb_root, write(tmp_path / "grid.md", SOURCE), dry_run=True)
    assert report.results[0].action == "created"
    assert "+status: processed" in "".join(report.diffs)
    after = sorted(p.relative_to(kb_root) for p in kb_root.rglob("*"))
    assert after == before  # not even .kb/write.lock


def test_interrupted_write_leaves_the_old_note_intact(kb_root, monkeypatch):
    path = write(kb_root / "sources" / "grid.md", SOURCE)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        run(kb_root, path)
    assert path.read_text() == SOURCE
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".kb-")]


def _ingest_in_process(args):
    root, source = args
    report = ingest(load_config(Path(root)), [Path(source)], today=TODAY)
    return [r.action for r in report.results]


def test_concurrent_ingests_do_not_corrupt(kb_root, tmp_path):
    first = write(tmp_path / "a.md", SOURCE)
    second = write(
        tmp_path / "b.md",
        SOURCE.replace("grid-storage-2025", "b")
        .replace("Grid storage", "Wind")
        .replace("Grid batteries reached 120 GW", "Wind turbines reached 900 GW"),
    )
    with multiprocessing.get_context("fork").Pool(3) as pool:
        actions = pool.map(
            _ingest_in_process, [(str(kb_root), str(first)), (str(kb_root), str(second)), (str(kb_root), str(first))]
        )
    assert sorted(a for run_actions in actions for a in run_actions) == ["created", "created", "unchanged"]
    for path in kb_root.rglob("*.md"):
        text = path.read_text()
        assert text.count("\n---\n") >= 1 or not text.startswith("---")


def test_belief_evidence_is_recorded(kb_root, tmp_path):
    write(
        kb_root / "beliefs" / "energy.md",
        "---\ntype: belief\n---\n# Beliefs\n\n### 1. Storage wins\n\n**Grounding:** [[a]], [[b]], [[c]]\n",
    )
    text = SOURCE + "\nWHY ARCHIVED: Disconfirmation FAILS — Belief 1 confirmed.\n"
    (result,) = run(kb_root, write(tmp_path / "grid.md", text)).results
    (entry,) = result.belief_evidence
    assert (entry["belief"], entry["kind"], entry["date"]) == ("storage-wins", "confirm", TODAY)
    assert "Disconfirmation FAILS — Belief 1 confirmed." in entry["quote"]
    written = (kb_root / result.source).read_text()
    assert "belief_evidence:" in written and "belief: storage-wins" in written
    from kb.beliefs import assess_beliefs
    from kb.model import load_kb

    (belief,) = assess_beliefs(load_kb(load_config(kb_root))).beliefs
    assert [e.origin for e in belief.evidence] == ["ingest"]


def test_claim_similarity_separates_duplicates_from_decisive_changes():
    assert same_claim(
        "Futarchy is manipulation-resistant because attackers lose money",
        "futarchy is manipulation resistant because attackers lose money.",
    )
    assert same_claim(
        "value-based care transitions stall at the payment boundary",
        "Value based care transitions stall at the payment boundary",
    )
    assert not same_claim(
        "Futarchy is manipulation-resistant because attackers lose money",
        "Futarchy is not manipulation-resistant because attackers lose money",
    )
    assert not same_claim(
        "Solar costs increase faster than wind costs in 2024", "Solar costs decrease faster than wind costs in 2024"
    )
    assert not same_claim("60 percent of payments touch value metrics", "70 percent of payments touch value metrics")
    assert decisive_difference("costs rise", "costs fall")


def test_read_input_kinds():
    assert read_input(SOURCE.encode()).kind == "frontmatter"
    assert read_input(RAW.encode()).kind == "raw"
    assert read_input(b"junk\n---\n|\ntitle: x\n|\n---\nbody\n").kind == "scraped"


def test_cli_json_contract(kb_root, tmp_path):
    source = write(tmp_path / "grid.md", SOURCE)
    result = CliRunner().invoke(app, ["ingest", "--kb", str(kb_root), str(source), "--format", "json", "--date", TODAY])
    data = json.loads(result.stdout)
    (entry,) = data["ingested"]
    assert set(entry) >= {"input", "source", "action", "claims"}
    assert entry["input"] == str(source) and entry["action"] == "created"
    bad = CliRunner().invoke(app, ["ingest", "--kb", str(kb_root), str(tmp_path / "missing.md")])
    assert bad.exit_code == 1 and "error" in bad.stdout


def test_seeds_into_an_empty_kb(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    root = tmp_path / "kb"
    init_kb(root)
    gold = json.loads((SEEDS / "gold.json").read_text())
    inputs = [SEEDS / name for name in gold["inputs"]]
    report = run(root, *inputs)
    assert [r.action for r in report.results] == ["created"] * 5
    assert len({r.source for r in report.results}) == 5
    assert all(r.claims for r in report.results)
    metrics = sorted(c.metric for c in report.conflicts)
    assert metrics == ["beneficiaries", "gross savings", "net savings"]
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    again = run(root, *inputs)
    assert [r.action for r in again.results] == ["unchanged"] * 5
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before


def test_claim_similarity_on_teleo(teleo):
    """The 40 duplicate claim titles of teleo-codex are the same claim; one decisive word changed is not."""
    import re
    from collections import defaultdict

    from kb.model import load_kb
    from kb.resolve import slugify

    kb = load_kb(load_config(teleo))
    titles = sorted(n.title for n in kb.notes.values() if n.type == "claim")
    groups = defaultdict(list)
    for title in titles:
        groups[slugify(title)].append(title)
    pairs = [group[:2] for group in groups.values() if len(group) > 1]
    assert len(pairs) >= 39 and all(same_claim(a, b) for a, b in pairs)
    swaps = [("is", "is not"), ("more", "less"), ("higher", "lower"), ("can", "cannot"), ("increase", "decrease")]
    variants = []
    for title in titles:
        for old, new in swaps:
            if re.search(rf"\b{old}\b", title):
                variants.append((title, re.sub(rf"\b{old}\b", new, title, count=1)))
                break
    assert len(variants) > 100
    assert not [pair for pair in variants if same_claim(*pair)]


def test_a_file_that_is_not_a_source_is_reported_and_never_edited(kb_root):
    doc = write(kb_root / "CONTRIBUTING.md", "# Contributing\n\nstatus: unprocessed\n\nPath 1: submit sources.\n")
    before = doc.read_bytes()
    (result,) = run(kb_root, doc).results
    assert result.action == "unchanged" and "not a source note" in result.problems[0]
    assert doc.read_bytes() == before and not list((kb_root / "claims").glob("*.md"))


def test_claims_go_where_the_kb_keeps_that_domains_claims(kb_root, tmp_path):
    for n in range(3):
        write(kb_root / "domains" / "ferries" / f"claim {n}.md", f"---\ntype: claim\ndomain: ferries\n---\n# c{n}\n")
    source = "---\ntype: source\ntitle: Ferry audit\nauthor: Port\nurl: https://x.example/a\ndate: 2025-04-02\n"
    source += (
        "domain: ferries\nstatus: unprocessed\n---\n\nThe Solent ferry carried 2.1 million passengers in 2025, up 9%.\n"
    )
    (result,) = run(kb_root, write(tmp_path / "audit.md", source)).results
    assert result.claims and all(c.startswith("domains/ferries/") for c in result.claims)


PORT_AUDIT = """---
type: source
title: Port audit 2025
author: Harbour Board
url: https://port.example/audit-2025
date: 2025-04-02
domain: ferries
status: unprocessed
---

## Content

The audit found that ferry fares fell 8% in the year after the port merger, driven by fuel contracts.
Crossings were 4% less punctual in 2024 than in 2023.
"""


def _proposals(tmp_path, items) -> Path:
    import yaml

    return write(tmp_path / "claims.yaml", yaml.safe_dump(items, sort_keys=False))


def test_claims_round_trip_written_enriched_kept_apart(kb_root, tmp_path):
    existing = "---\ntype: claim\ndomain: ferries\n---\n# Ferry fares fell after the port merger\n"
    write(kb_root / "claims" / "ferry fares fell after the port merger.md", existing)
    opposite = "---\ntype: claim\n---\n# Crossings grew more punctual after the port merger\n"
    write(kb_root / "claims" / "crossings grew more punctual after the port merger.md", opposite)
    source = write(tmp_path / "audit.md", PORT_AUDIT)
    items = [
        {  # new
            "title": "Ferry crossings were 4% less punctual in 2024 than in 2023",
            "description": "Harbour Board audit of 2025, punctuality by year",
            "confidence": "likely",
            "evidence": "Crossings were 4% less punctual in 2024 than in 2023.",
            "links": ["ferry fares fell after the port merger"],
        },
        {  # the same as an existing claim: evidence on it
            "title": "Ferry fares fell after the port merger",
            "description": "fares fell 8% within a year",
            "confidence": "likely",
            "evidence": "ferry fares fell 8% in the year after the port merger",
        },
        {  # an opposite of an existing claim: never merged into it
            "title": "Crossings grew less punctual after the port merger",
            "description": "4% less punctual",
            "confidence": "experimental",
            "evidence": "Crossings were 4% less punctual",
        },
    ]
    from kb.ingest import ingest as run_ingest

    report = run_ingest(load_config(kb_root), [source], today=TODAY, claims_file=_proposals(tmp_path, items))
    (result,) = report.results
    assert sorted(Path(c).name for c in result.claims) == [
        "Crossings grew less punctual after the port merger.md",
        "Ferry crossings were 4% less punctual in 2024 than in 2023.md",
    ]
    assert result.enriched == ["claims/ferry fares fell after the port merger.md"]
    assert any("kept apart" in p for p in result.problems), result.problems
    new = (kb_root / "claims" / "Ferry crossings were 4% less punctual in 2024 than in 2023.md").read_text()
    assert "confidence: likely" in new and "- [[ferry fares fell after the port merger]]" in new
    enriched = (kb_root / "claims" / "ferry fares fell after the port merger.md").read_text()
    assert "> ferry fares fell 8% in the year after the port merger" in enriched


def test_claims_refused_write_nothing(kb_root, tmp_path):
    source = write(tmp_path / "audit.md", PORT_AUDIT)
    items = [
        {"title": "Ferry fares fell 8% after the merger", "description": "audit", "confidence": "likely",
         "evidence": "ferry fares fell 8% in the year after the port merger"},
        {"title": "Ferry fares doubled after the merger", "description": "x", "confidence": "certain",
         "evidence": "fares doubled", "links": ["a note that is not there"]},
    ]  # fmt: skip

    def files():  # kb's own lock file under .kb/ aside
        return sorted(p.relative_to(kb_root) for p in kb_root.rglob("*") if p.is_file() and ".kb" not in p.parts)

    before = files()
    from kb.ingest import ingest as run_ingest

    (result,) = run_ingest(load_config(kb_root), [source], today=TODAY, claims_file=_proposals(tmp_path, items)).results
    assert result.action == "error"
    reasons = " | ".join(result.problems)
    assert "claim 2 refused" in reasons and "not in the source" in reasons and "'certain'" in reasons
    assert "matches no note" in reasons and "claim 1 refused" not in reasons
    assert files() == before


def test_dry_run_json_gives_an_agent_what_it_needs(kb_root, tmp_path):
    write(
        kb_root / "claims" / "ferry fares fell after the port merger.md",
        "---\ntype: claim\ndomain: ferries\n---\n# x\n",
    )
    source = write(tmp_path / "audit.md", PORT_AUDIT)
    result = CliRunner().invoke(app, ["ingest", "--kb", str(kb_root), str(source), "--dry-run", "--format", "json"])
    (entry,) = json.loads(result.stdout)["ingested"]
    info = entry["for_agents"]
    assert "fuel contracts" in info["text"] and info["domains"] == {"ferries": 1}
    assert info["nearest_to_source"][0]["path"] == "claims/ferry fares fell after the port merger.md"
    assert "likely" in info["claim_schema"]["confidence"] and info["candidates"]


def test_a_source_named_by_its_author_and_title_says_the_name_once():
    from kb.ingest import source_file_name

    fields = {"date": "2025-05-19", "author": "Harbour Ferries Ltd", "title": "Harbour Ferries Ltd annual results 2024"}
    assert source_file_name(fields) == "2025-05-19-harbour-ferries-ltd-annual-results-2024.md"
