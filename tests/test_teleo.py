"""kb on the real teleo-codex KB, read in place (nothing is written). Skipped without ../shared."""

from collections import Counter

import pytest

from kb.checks import run_checks
from kb.config import load_config
from kb.model import load_kb


@pytest.fixture(scope="module")
def loaded(teleo):
    kb = load_kb(load_config(teleo))
    return kb, run_checks(kb)


def test_every_note_loads(loaded):
    kb, _ = loaded
    assert len(kb.notes) == 1229


def test_link_counts(loaded):
    kb, problems = loaded
    wikilinks = [item for item in kb.links if item.link.kind != "markdown"]
    assert len(wikilinks) == 6658
    broken = [p for p in problems if p.code == "broken-link"]
    assert 1000 <= len(broken) <= 1080
    assert all(p.line >= 1 for p in broken)
    rules = Counter(item.resolution.rule for item in kb.links)
    assert rules["case"] > 100 and rules["md-extension"] >= 10


def test_duplicate_claim_titles(loaded):
    kb, problems = loaded
    duplicates = [p for p in problems if p.code == "duplicate-title"]
    claim_groups = {p.related for p in duplicates if kb.notes[p.path].type == "claim"}
    assert len(claim_groups) >= 39


def test_notes_that_break_safe_load_load_with_date_problems(loaded, teleo):
    import yaml

    kb, problems = loaded
    partial = {p.path for p in problems if p.code == "partial-date"}
    breaking = []
    from kb.frontmatter import read_frontmatter

    for path, note in kb.notes.items():
        if note.frontmatter.terminated:
            fm, _ = read_frontmatter((teleo / path).read_text(encoding="utf-8"))
            try:
                yaml.safe_load("\n".join(fm.raw_lines))
            except Exception:  # noqa: BLE001
                breaking.append(path)
    assert len(breaking) == 40
    date_breakers = [path for path in breaking if kb.notes[path].fields.get("date", "").endswith("00")]
    assert len(date_breakers) >= 35
    assert set(date_breakers) <= partial
    invalid = [p for p in problems if p.code == "frontmatter-invalid"]
    assert len(invalid) == 1 and invalid[0].line > 2
