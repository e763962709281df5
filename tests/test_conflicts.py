"""Conflict detection: interval logic, vetoes, adversarial cases from several domains, the seeds' gold,
the review loop and the CLI contract."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.checks import run_checks
from kb.cli import app
from kb.conflicts import HARD, HEDGED, ROUNDING, find_conflicts
from kb.conflicts.engine import normalise_facts
from kb.conflicts.extract import extract_facts
from kb.conflicts.score import modifiers_clash
from kb.conflicts.sides import compare
from kb.facts import Extractor, NoteText

from .conftest import SEEDS, write_files


def fact(sentence: str, index: int = 0):
    return Extractor().extract(NoteText("n.md", "t", [sentence], 1, {}))[index]


def note(title: str, body: str, date: str = "2025-01-10") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\n---\n{body}\n'


def conflicts_of(make_kb, files):
    return find_conflicts(make_kb(files)).conflicts


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Savings were $6.5 billion.", "Savings were $6.6 billion.", HARD),  # intervals touch at 6.55: a conflict
        ("Savings were $2.4 billion.", "Savings were $2.43 billion.", "agree"),
        ("There are 480 clinics.", "There are 476 clinics.", ROUNDING),
        ("There are nearly 480 clinics.", "There are 476 clinics.", "agree"),  # "nearly 480" is 470-480
        ("There are 10,000 clinics.", "There are 11,250 clinics.", HARD),  # the 2-significant-figure floor
        ("The park had 412,000 visits.", "The park had 421,000 visits.", HARD),  # three figures written: no rounding
        ("More than 500 schools applied.", "476 schools applied.", HEDGED),
        ("About 1,000 nurses left.", "1,030 nurses left.", "agree"),  # "about" allows 5% at this precision
        ("About 1,000 nurses left.", "1,150 nurses left.", HEDGED),
        ("Approximately 2,000 nurses left.", "2,200 nurses left.", HEDGED),  # "approximately" allows 5%
        ("Revenue was $4.1 billion.", "Revenue was $4.1 billion.", "agree"),
    ],
)
def test_classify(a, b, expected):
    assert compare(fact(a), fact(b)) == expected


def test_modifier_compatibility():
    assert modifiers_clash(frozenset({"net"}), frozenset({"gross"}))
    assert not modifiers_clash(frozenset(), frozenset({"gross"}))
    assert modifiers_clash(frozenset({"per-capita"}), frozenset())
    assert modifiers_clash(frozenset({"shared"}), frozenset())  # shared savings are a payment out of savings


def test_two_outlets_disagree_on_a_company_figure(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "news/a.md": note("Acme posts record results", "Acme Corp reported revenue of $4.2 billion in 2023."),
            "news/b.md": note("Acme annual report", "Acme Corp revenue reached $4.5 billion in 2023."),
        },
    )
    assert len(found) == 1
    conflict = found[0]
    assert (conflict.kind, conflict.measure, conflict.period, conflict.unit) == (HARD, "revenue", "2023", "USD")
    assert [[f.path for f in side.facts] for side in conflict.sides] == [["news/a.md"], ["news/b.md"]]


def test_other_years_other_subjects_and_net_vs_gross_are_quiet(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note(
                "Zenith Energy results",
                "Zenith Energy posted net income of $1.2 billion in 2022.\n\n"
                "Zenith Energy revenue was $9.8 billion in 2023.",
            ),
            "b.md": note(
                "Zenith Energy review",
                "Zenith Energy posted gross income of $1.3 billion in 2022.\n\n"
                "Zenith Energy revenue was $10.9 billion in 2024.",
            ),
            "c.md": note(
                "Rural hospitals",
                "Rural hospitals in Ohio reported 14.2% margins (urban) and 12.1% margins (rural) in 2023.",
            ),
        },
    )
    assert found == []


def test_from_to_changes_are_not_levels(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Orbitex fares", "Orbitex fares rose from $207 to $241 in 2024."),
            "b.md": note("Orbitex pricing", "Orbitex fares averaged $241 in 2024."),
        },
    )
    assert found == []


def test_hypotheticals_targets_and_forecasts_are_not_asserted(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Coalfield token", "The Coalfield emission is 11,250 tokens per day in 2025."),
            "b.md": note(
                "Coalfield proposal",
                "If the Coalfield emission were adjusted to 10,000 tokens per day in 2025, holders would gain.",
            ),
            "c.md": note("Coalfield plan", "The Coalfield team targets an emission of 10,500 tokens per day in 2025."),
        },
    )
    assert found == []


def test_a_sentence_copied_into_two_notes_is_one_source(make_kb):
    sentence = "Helios Solar installed 3.2 GW of capacity in 2023."
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Helios", sentence),
            "b.md": note("Helios copy", sentence),
            "c.md": note("Helios review", "Helios Solar installed 3.5 GW of capacity in 2023."),
        },
    )
    assert len(found) == 1
    assert found[0].sources == 2


def test_lists_in_one_note_are_not_conflicts(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note(
                "Launch engagement", "- First post: 5,760 likes\n- Second post: 6,212 likes\n- Third post: 7,422 likes"
            ),
        },
    )
    assert found == []


def test_one_note_contradicting_itself_in_one_section(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "entities/umbra.md": note(
                "Umbra",
                "## Raise\n\nThe Umbra ICO drew $154.9M in commitments in 2025.\n\n"
                "Later the Umbra ICO was said to have drawn $131M in commitments in 2025.",
            ),
        },
    )
    assert len(found) == 1 and found[0].kind == HARD


def test_subjects_and_parts_are_kept_apart(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Level E ACOs", "ACOs in Level E produced $5.4B of $6.6B gross savings in 2024."),
            "b.md": note("ACO savings", "ACOs produced $6.5B in gross savings in 2024."),
        },
    )
    assert all(side.value != Decimal("5.4E+9") for c in found for side in c.sides)


def test_configured_alias_joins_a_phrase_to_a_measure(make_kb):
    files = {
        "a.md": note("Medicare savings", "Of that, $2.4 billion returned to Medicare in 2024."),
        "b.md": note("Medicare results", "Medicare net savings were $2.48 billion in 2024."),
    }
    assert conflicts_of(make_kb, files) == []
    kb = make_kb(files, toml='[conflicts.aliases]\n"returned to medicare" = "net savings"\n')
    (conflict,) = find_conflicts(kb).conflicts
    assert conflict.metric == "net savings"


def test_review_loop_hides_a_resolved_conflict_until_a_new_fact_joins(tmp_path):
    write_files(
        tmp_path,
        {
            "a.md": note("Acme results", "Acme Corp reported revenue of $4.2 billion in 2023."),
            "b.md": note("Acme report", "Acme Corp revenue reached $4.5 billion in 2023."),
        },
    )
    runner = CliRunner()
    first = json.loads(runner.invoke(app, ["conflicts", "--kb", str(tmp_path), "--format", "json"]).stdout)
    conflict_id = first["conflicts"][0]["id"]
    recorded = runner.invoke(
        app,
        [
            "conflicts",
            "--kb",
            str(tmp_path),
            "--resolve",
            conflict_id,
            "--accept",
            "4500000000",
            "--prefer",
            "b.md",
            "--reason",
            "the annual report is primary",
        ],
    )
    assert recorded.exit_code == 0
    text = (tmp_path / "conflict-resolutions.toml").read_text()
    assert conflict_id in text and "annual report is primary" in text
    quiet = runner.invoke(app, ["conflicts", "--kb", str(tmp_path)])
    assert quiet.exit_code == 0 and "1 resolved" in quiet.stdout
    (tmp_path / "c.md").write_text(note("Acme note", "Acme Corp revenue was $4.3 billion in 2023."))
    back = json.loads(runner.invoke(app, ["conflicts", "--kb", str(tmp_path), "--format", "json"]).stdout)
    assert back["conflicts"] and back["conflicts"][0]["previously_resolved"] is True


def test_cli_json_contract_and_exit_codes(tmp_path):
    write_files(
        tmp_path,
        {
            "a.md": note("Acme results", "Acme Corp reported revenue of $4.2 billion in 2023."),
            "b.md": note("Acme report", "Acme Corp revenue reached $4.5 billion in 2023."),
        },
    )
    runner = CliRunner()
    result = runner.invoke(app, ["conflicts", "--kb", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    (conflict,) = json.loads(result.stdout)["conflicts"]
    assert {"metric", "subject", "period", "kind", "sides"} <= set(conflict)
    assert conflict["sides"][0]["value"] == 4200000000 and conflict["sides"][0]["unit"] == "USD"
    assert conflict["sides"][0]["facts"][0] == {
        "source": "a.md",
        "line": 5,
        "text": "$4.2 billion",
        "sentence": "Acme Corp reported revenue of $4.2 billion in 2023.",
        "hedge": None,
        "period_source": "clause",
    }
    markdown = runner.invoke(app, ["conflicts", "--kb", str(tmp_path), "--format", "markdown"])
    assert markdown.stdout.startswith("# Numeric conflicts") and "| $4.2 billion |" in markdown.stdout
    (tmp_path / "b.md").unlink()
    assert runner.invoke(app, ["conflicts", "--kb", str(tmp_path)]).exit_code == 0


def test_check_reports_numeric_conflict(make_kb):
    kb = make_kb(
        {
            "a.md": note("Acme results", "Acme Corp reported revenue of $4.2 billion in 2023."),
            "b.md": note("Acme report", "Acme Corp revenue reached $4.5 billion in 2023."),
        }
    )
    problems = [p for p in run_checks(kb) if p.code == "numeric-conflict"]
    assert [(p.path, p.line) for p in problems] == [("a.md", 5), ("b.md", 5)]
    assert "$4.5 billion" in problems[0].message


def _seed_kb(root):
    """The seeds as notes: the front-mattered one as it is, raw text with its first line as title."""
    gold = json.loads((SEEDS / "gold.json").read_text())
    names = {}
    for name in gold["inputs"]:
        text = (SEEDS / name).read_text(encoding="utf-8")
        target = root / "sources" / (name.rsplit(".", 1)[0] + ".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not text.startswith("---"):
            first = next(line.strip() for line in text.splitlines() if line.strip())
            text = f'---\ntitle: "{first}"\n---\n' + text
        target.write_text(text, encoding="utf-8")
        names[name] = "sources/" + target.name
    return gold, names


def test_seed_gold(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    gold, names = _seed_kb(tmp_path)
    from kb.config import load_config
    from kb.model import load_kb

    report = find_conflicts(load_kb(load_config(tmp_path)))

    def split(conflict, a, b) -> bool:
        def sides_with(item):
            return {
                i
                for i, side in enumerate(conflict.sides)
                for f in side.facts
                if f.path == names[item[0]] and abs(float(f.value) - item[1]) <= 1e-6 * max(1, abs(item[1]))
            }

        return any(i != j for i in sides_with(a) for j in sides_with(b))

    missed = [
        expected["id"]
        for expected in gold["conflicts"]
        if expected["required"]
        and not any(split(c, a, b) for c in report.conflicts for a in expected["a"] for b in expected["b"])
    ]
    # C3 (10.3M beneficiaries in 2024 against 10.8M on a CMS page) needs the page's date, April 2024,
    # which only `kb ingest` reads from the raw text; the notes written here carry no date, so the
    # page's figure could be of any year. After ingest all three are found (test_ingest).
    assert [m.split()[0] for m in missed] == ["C3"], missed
    violated = [n["id"] for n in gold["non_conflicts"] if any(split(c, n["a"], n["b"]) for c in report.conflicts)]
    assert violated == []


def test_teleo_cards_are_few_and_distinct(teleo):
    """On a real KB: no problems reported, one card per id, and the number of cards stays where a
    hand-read left it."""
    from kb.config import load_config
    from kb.model import load_kb

    report = find_conflicts(load_kb(load_config(teleo)))
    assert report.facts > 10000
    assert not report.problems
    ids = [conflict.id for conflict in report.conflicts]
    assert len(ids) == len(set(ids))
    # regression guard: 15 cards on 2026-12-02 (the README's "How well it does" says what a hand-read found)
    assert len(report.conflicts) <= 30
    # benchmarks/conflicts-teleo: what was found by 2026-12-03 stays found, and no labelled trap trips
    gold = json.loads((Path(__file__).parent.parent / "benchmarks" / "conflicts-teleo" / "gold.json").read_text())

    def separated(card, a, b) -> bool:
        def sides_of(facts):
            return {
                i
                for i, side in enumerate(card.sides)
                for fact in side.facts
                for path, value in facts
                if fact.path == path and float(side.value) == float(value)
            }

        left = sides_of(a)
        return any(i != j for i in left for j in sides_of(b))

    found = {g["id"][:2] for g in gold["conflicts"] if any(separated(c, g["a"], g["b"]) for c in report.conflicts)}
    assert {"T1", "T4"} <= found
    tripped = [
        n["id"] for n in gold["non_conflicts"] if any(separated(c, [n["a"]], [n["b"]]) for c in report.conflicts)
    ]
    assert tripped == []


def test_same_number_in_a_currency_and_a_token_is_a_unit_conflict(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Boreal launch", "The Boreal token sale raised $2,504,000 in one day."),
            "b.md": note("Boreal recap", "The Boreal token sale raised 2.5M SOL in one day."),
            "c.md": note("Other launch", "The Kestrel token sale raised 2.5M SOL in one day."),
        },
    )
    assert [(c.kind, c.unit) for c in found] == [("unit", "SOL vs USD")]
    assert sorted(f.path for side in found[0].sides for f in side.facts) == ["a.md", "b.md"]


def test_copies_of_a_kb_find_the_same_conflict_once(make_kb):
    """A name written in lower case once ("the boreal forest") stays a name however often the KB copies
    that sentence: counts of lower-case use skip copies, so growth cannot silence a conflict."""
    notes = {
        "a.md": note("Boreal launch", "The Boreal token sale raised $2,504,000 in one day."),
        "b.md": note("Boreal recap", "The Boreal token sale raised 2.5M SOL in one day."),
        "c.md": note("Forest", "Logging in the boreal forest fell 12% in 2024."),
    }
    assert [c.kind for c in conflicts_of(make_kb, notes)] == ["unit"]
    copies = {f"copy{k}/{path}": text for k in range(1, 4) for path, text in notes.items()}
    found = conflicts_of(make_kb, copies)  # the same KB folder: the notes and three copies of them
    assert [c.kind for c in found] == ["unit"]  # one mix-up stated four times is one conflict
    assert [len(side.facts) for side in found[0].sides] == [4, 4]


def _fact_state(facts) -> list[tuple]:
    """Every field of every fact, numbers as written (Decimal 2 and 2.0 are equal but print differently)."""
    from dataclasses import astuple

    return [
        tuple(str(v) if isinstance(v, Decimal) else v for v in astuple(f)) + (repr(f.sentence_values),) for f in facts
    ]


def test_fact_rows_read_back_to_the_same_facts():
    from kb.facts import FactReader, fact_rows

    from .data.facts_golden import GOLDEN

    facts = [f for sentence, _ in GOLDEN for f in Extractor().extract(NoteText("n.md", "t", [sentence], 1, {}))]
    both = "Revenue was 2.0 million in 2024 and 2 million in 2023."
    facts += Extractor().extract(NoteText("m.md", "t", [both], 1, {}))
    read = FactReader().facts(fact_rows(facts))
    assert _fact_state(read) == _fact_state(facts)
    assert {str(f.value) for f in read} >= {"2.0E+6", "2E+6"}


def test_parallel_and_cached_extraction_give_the_facts_serial_extraction_gives(tmp_path, monkeypatch):
    from kb import conflicts
    from kb.cache import open_cache
    from kb.config import load_config
    from kb.model import load_kb

    from .data.facts_golden import GOLDEN

    files = {f"notes/n{i}.md": note(f"Note {i}", sentence) for i, (sentence, _) in enumerate(GOLDEN)}
    files["notes/bad.md"] = b"\xff\xfe not utf-8 $5 million in 2024"
    write_files(tmp_path, files)
    config = load_config(tmp_path)
    serial = _fact_state(conflicts.extract_facts(load_kb(config), workers=1))
    assert len(serial) > len(GOLDEN)
    monkeypatch.setattr(conflicts.extract, "PARALLEL_MIN_NOTES", 1)
    assert _fact_state(conflicts.extract_facts(load_kb(config), workers=3)) == serial
    for _ in ("cold", "warm"):
        cache = open_cache(config)
        assert _fact_state(conflicts.extract_facts(load_kb(config, cache), workers=3)) == serial
        cache.close()


def test_points_on_different_days_of_one_month_are_different_times(make_kb):
    """A reservoir's level on 3 and 4 May is two readings, not a disagreement; one day, two values is."""
    body_a = "As of May 3, 2025, Lake Orin held 1.20 million acre-feet of water in storage."
    body_b = "As of May 4, 2025, Lake Orin held 1.31 million acre-feet of water in storage."
    body_c = "As of May 3, 2025, Lake Orin held 1.42 million acre-feet of water in storage."
    files = {
        "a.md": note("Lake Orin storage", body_a),
        "b.md": note("Lake Orin weekly storage", body_b),
    }
    assert conflicts_of(make_kb, files) == []
    files["c.md"] = note("Lake Orin storage report", body_c)
    found = conflicts_of(make_kb, files)
    assert [sorted(f.path for s in c.sides for f in s.facts) for c in found] == [["a.md", "c.md"]]


def test_the_subject_of_a_copula_names_the_measure_however_far_back(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note(
                "Orchard Theatre accounts",
                "Ticket revenue at the Orchard Theatre for the fiscal year ended June 30, 2024 was $4.2 million.",
            ),
            "b.md": note(
                "Orchard Theatre annual report", "Orchard Theatre ticket revenue was $3.9 million in fiscal 2024."
            ),
        },
    )
    assert [(c.kind, c.measure) for c in found] == [("hard", "revenue")]


def test_every_two_values_on_a_card_were_compared(make_kb):
    """Three notes: 2024 attendance of one festival stated three ways. Each pair is judged on its own,
    and a card never shows a value against one it was not compared with."""
    files = {
        "a.md": note("Lumen Festival recap", "The Lumen Festival drew 182,000 visitors in 2024."),
        "b.md": note("Lumen Festival figures", "The Lumen Festival drew 195,000 visitors in 2024."),
        "c.md": note("Lumen Festival city report", "The Lumen Festival drew 171,500 visitors in 2024."),
    }
    kb = make_kb(files)
    from kb.conflicts.candidates import candidate_pairs
    from kb.conflicts.engine import normalise_facts
    from kb.conflicts.extract import extract_facts
    from kb.conflicts.score import decide

    norms = normalise_facts(kb, extract_facts(kb))
    judged = {
        frozenset((norms[i].fact.path, norms[j].fact.path))
        for i, j in candidate_pairs(norms)
        if decide(norms[i], norms[j]).same
    }
    for conflict in find_conflicts(kb).conflicts:
        paths = [f.path for side in conflict.sides for f in side.facts]
        for x in paths:
            for y in paths:
                assert x == y or frozenset((x, y)) in judged
    assert len(find_conflicts(kb).conflicts) == 1


def test_percentages_of_different_wholes_are_different_quantities(make_kb):
    """A survey's shares: "62% of nurses" and "48% of doctors" in two notes of one hospital survey."""
    files = {
        "a.md": note("Kestrel Health staff survey", "In 2025, 62% of nurses at Kestrel Health reported burnout."),
        "b.md": note("Kestrel Health survey results", "In 2025, 48% of doctors at Kestrel Health reported burnout."),
    }
    assert conflicts_of(make_kb, files) == []
    files["c.md"] = note("Kestrel Health survey, again", "In 2025, 55% of nurses at Kestrel Health reported burnout.")
    found = conflicts_of(make_kb, files)
    assert [sorted(f.path for s in c.sides for f in s.facts) for c in found] == [["a.md", "c.md"]]


def test_table_rows_naming_no_subject_do_not_meet_across_notes(make_kb):
    rows = "In 2024: Visitors: {} | Tickets: {} | Members: {} | Donations: {}"
    files = {
        "a.md": note("weekly counts", rows.format("4,100", "3,200", "150", "90")),
        "b.md": note("weekend counts", rows.format("5,600", "4,900", "210", "40")),
    }
    assert conflicts_of(make_kb, files) == []


def test_parallel_normalisation_gives_what_serial_gives(tmp_path, monkeypatch):
    from kb.config import load_config
    from kb.conflicts import engine
    from kb.model import load_kb

    from .data.facts_golden import GOLDEN

    files = {f"notes/n{i}.md": note(f"Note {i}", sentence) for i, (sentence, _) in enumerate(GOLDEN)}
    write_files(tmp_path, files)
    kb = load_kb(load_config(tmp_path))
    facts = engine.extract_facts(kb, workers=1)

    def state(norms):
        return [(n.fact.path, n.fact.start, n.concept, n.subject, n.when and n.when.label, n.modality) for n in norms]

    serial = state(engine.normalise_facts(kb, facts))
    monkeypatch.setattr(engine, "PARALLEL_MIN_FACTS", 1)
    assert state(engine.normalise_facts(kb, facts)) == serial
    assert len(serial) > 10


def test_year_end_in_a_january_note_is_the_year_just_ended(make_kb):
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Wren Trust update", "The Wren Trust held $8.4M in reserves at year-end.", date="2026-01-20"),
            "b.md": note(
                "Wren Trust annual report",
                "The Wren Trust held $9.1M in reserves at the end of 2025.",
                date="2026-02-02",
            ),
        },
    )
    assert [(c.kind, c.period) for c in found] == [("hard", "end of 2025")]


def test_subjects_meet_by_first_word_and_the_score_decides(make_kb):
    """ "Tern Valley Railway" and "Tern Valley" name one company; "Tern Island Ferries" does not."""
    files = {
        "a.md": note("Tern Valley Railway results", "Tern Valley Railway carried 2.4 million passengers in 2024."),
        "b.md": note("Tern Valley report", "Tern Valley carried 2.9 million passengers in 2024."),
    }
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_forecast_word_after_the_number_is_a_forecast_only_as_a_verb(make_kb):
    files = {
        "a.md": note("Orion Games", "Orion Games sold 3.2 million copies in 2024, beating the analysts' forecasts."),
        "b.md": note("Orion Games results", "Orion Games sold 3.7 million copies in 2024."),
    }
    assert len(conflicts_of(make_kb, files)) == 1
    files["a.md"] = note("Orion Games", "Orion Games sold 3.2 million copies in 2024, and that is expected to grow.")
    files["c.md"] = note("Orion Games outlook", "Sales of 4.4 million copies in 2026 are expected by the studio.")
    found = conflicts_of(make_kb, files)
    assert all("c.md" not in {f.path for s in c.sides for f in s.facts} for c in found)


def test_a_stated_month_meets_a_year_from_its_heading(make_kb):
    """Candidates meet across buckets of one year: "in June" against a 2024 section's figure."""
    found = conflicts_of(
        make_kb,
        {
            "a.md": note("Kellby Water prices", "## 2024\n\nKellby Water raised household tariffs by 6.5%."),
            "b.md": note("Kellby Water review", "In June 2024 Kellby Water raised household tariffs by 8.5%."),
        },
    )
    assert [c.kind for c in found] == ["hard"]


def test_prose_with_four_numbers_is_not_a_table_row():
    from kb.conflicts.normalise import table_row

    prose = fact("Fares fell 10% to €45, traffic rose 9% to 200 million and profit dropped 18% to €1.79bn in the year.")
    row = fact("Replies: 7 | Retweets: 8 | Likes: 55 | Views: 9,312")
    assert len(prose.sentence_values) >= 4 and len(row.sentence_values) >= 4
    assert not table_row(prose)
    assert table_row(row)


# --- one mechanism each, in domains no labelled set covers (orchards, ferries, a choir) -----------


def test_a_line_repeated_for_each_case_is_not_a_self_contradiction(make_kb):
    body = (
        "# Orchard plan\n\n## Dry year\n\n- Cider revenue at Brindle Orchard: $410,000\n\n"
        "## Wet year\n\n- Cider revenue at Brindle Orchard: $520,000\n"
    )
    assert conflicts_of(make_kb, {"a.md": note("Brindle Orchard plan", body)}) == []
    # the control: the same figure stated in other words in one note is still caught
    body = (
        "# Brindle Orchard\n\n## Summary\n\nBrindle Orchard's cider revenue was $410,000 in 2024.\n\n"
        "## Detail\n\nIn 2024 Brindle Orchard earned cider revenue of $520,000, a record.\n"
    )
    assert len(conflicts_of(make_kb, {"a.md": note("Brindle Orchard review", body)})) == 1


def test_the_same_line_about_another_name_is_not_a_conflict(make_kb):
    files = {
        "a.md": note("Ferry survey", "For Harbor Lines, the average crossing carried 312 passengers in 2024."),
        "b.md": note("Ferry survey notes", "For Gull Ferries, the average crossing carried 275 passengers in 2024."),
    }
    assert conflicts_of(make_kb, files) == []


def test_copies_of_one_note_are_judged_as_one_note(make_kb):
    body = (
        "# Choir census\n\n## Members\n\nThe Larkfield Choir had 64 singers in 2024, up from 58.\n\n"
        "## Budget\n\nThe Larkfield Choir spent $12,400 on scores in 2024.\n\n"
        "## Tours\n\nThe Larkfield Choir gave 14 concerts in 2024.\n"
    )
    files = {"inbox/a.md": note("Larkfield Choir census", body), "archive/a.md": note("Larkfield Choir census", body)}
    assert conflicts_of(make_kb, files) == []


def test_lines_with_different_labels_are_different_quantities(make_kb):
    body = '- "Tickets": $12,000 in sales in 2024\n- "Albums": $19,000 in sales in 2024\n'
    other = '- "Albums": $12,000 in sales in 2024\n'
    files = {"a.md": note("Larkfield Choir accounts", body), "b.md": note("Larkfield Choir accounts", other)}
    found = conflicts_of(make_kb, files)
    # albums sold $19,000 in one note and $12,000 in the other; tickets are not in it
    assert len(found) == 1
    assert sorted(f.line for side in found[0].sides for f in side.facts if f.path == "a.md") == [6]


def test_shares_of_one_group_doing_different_things_differ(make_kb):
    files = {
        "a.md": note("Ferry riders 2024", "In 2024, 41% of commuters use the ferry twice a week."),
        "b.md": note("Ferry riders", "In 2024, 63% of commuters say fares are too high."),
    }
    assert conflicts_of(make_kb, files) == []


def test_totals_over_different_counts_differ(make_kb):
    files = {
        "a.md": note("Orchard co-op 2024", "In 2024 six orchards in the co-op sold $2.1 million of cider."),
        "b.md": note("Orchard co-op", "In 2024 nine orchards in the co-op sold $3.4 million of cider."),
    }
    assert conflicts_of(make_kb, files) == []


def test_a_platform_masthead_is_not_the_note_subject(make_kb):
    def launch(name: str, target: str, day: str) -> str:
        return (
            f'---\ntitle: "Kiteport: {name} sale goes live"\nurl: "https://kite.port/{name}"\n'
            f"author: kite.port\ndate: 2026-03-{day}\n---\n\n- Project: {name}\n- Funding target: {target}\n"
        )

    files = {"a.md": launch("Tidewell", "$80,000.00", "04"), "b.md": launch("Ravensglass", "$120,000.00", "05")}
    assert conflicts_of(make_kb, files) == []


def test_undated_figures_in_notes_months_apart_are_different_moments(make_kb):
    files = {
        "a.md": note("Kestrel market", "The Kestrel token trades at a price of $12 per token.", "2025-01-03"),
        "b.md": note("Kestrel market", "The Kestrel token trades at a price of $15 per token.", "2025-07-21"),
    }
    assert conflicts_of(make_kb, files) == []
    files["b.md"] = files["b.md"].replace("2025-07-21", "2025-01-03")
    assert len(conflicts_of(make_kb, files)) == 1


def test_an_iso_month_is_a_month():
    from kb.conflicts.periods import find_times

    assert [(m.when.label, m.when.grain) for m in find_times("- **Tern launch** (2026-01): 40 riders")] == [
        ("2026-01", "month")
    ]


def test_an_offer_states_what_someone_wants_not_what_is(make_kb):
    files = {
        "a.md": note("Kestrel bid", "Heron Fund wishes to buy Kestrel tokens at a price of $12 per token."),
        "b.md": note("Kestrel market", "The Kestrel token trades at a price of $15 per token."),
        "c.md": note("Kestrel market", "The Kestrel token trades at a price of $17 per token."),
    }
    found = conflicts_of(make_kb, files)
    assert [sorted(f.path for side in c.sides for f in side.facts) for c in found] == [["b.md", "c.md"]]


def test_an_undated_raise_of_a_subject_with_several_raises_is_not_matched(make_kb):
    timeline = (
        "---\ntype: entity\nname: Pebblebrook\n---\n# Pebblebrook\n\n## Timeline\n\n"
        "- **2025-04-02** — Pebblebrook opened a crowdfunding raise targeting $40,000\n"
        "{second}"
    )
    second = "- **2025-09-15** — Pebblebrook opened a crowdfunding raise targeting $65,000\n"
    claim = "---\ntype: claim\ncreated: 2025-10-01\n---\nPebblebrook's crowdfunding raise targeted $65,000.\n"
    files = {"entities/pebblebrook.md": timeline.format(second=second), "claims/a.md": claim}
    assert conflicts_of(make_kb, files) == []
    # the control: with one raise on record, the undated claim is about it, and disagrees
    files["entities/pebblebrook.md"] = timeline.format(second="")
    assert len(conflicts_of(make_kb, files)) == 1


def test_tiers_of_a_schedule_are_rules_not_facts(make_kb):
    files = {
        "a.md": note("Ferry fares 2024", "Ferry fares in 2024:\n\n- <20 trips: fare of $4.50\n"),
        "b.md": note("Ferry fares", "Ferry fares in 2024 are tiered: <50 trips pay a fare of $3.80."),
    }
    assert conflicts_of(make_kb, files) == []
    files["b.md"] = note("Ferry fares", "In 2024 the ferry fare was $3.80.")
    files["a.md"] = note("Ferry fares 2024", "In 2024 the ferry fare was $4.50.")
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_name_that_extends_another_is_another_thing_unless_the_tail_is_generic(make_kb):
    entity = "---\ntype: entity\nname: Larkfield\n---\n# Larkfield\n"
    files = {
        "entities/larkfield.md": entity,
        "a.md": note("Larkfield Choir funding", "In 2024 the Larkfield Choir raised $12,000 from members."),
        "b.md": note("Larkfield funding", "In 2024 Larkfield raised $30,000 from members."),
    }
    assert conflicts_of(make_kb, files) == []
    files["a.md"] = note("Larkfield Group funding", "In 2024 the Larkfield Group raised $12,000 from members.")
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_name_keeps_a_measure_word_inside_it_and_its_tail_is_the_same_name(make_kb):
    # "Coastal Lighthouse Savings Trust": "Savings" inside the name is the name's, and the trust
    # named without its owner ("Lighthouse Savings Trust") is the same trust
    files = {
        "a.md": note(
            "Harbour Lighthouse Savings Trust 2023 report",
            "In 2023 the Harbour Lighthouse Savings Trust covered 41,200 members across 12 towns.",
            "2024-02-01",
        ),
        "b.md": note(
            "About the trust",
            "In 2023 the Lighthouse Savings Trust covered 44,900 members in its towns.",
            "2024-02-03",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert [sorted(float(s.value) for s in c.sides) for c in found] == [[41200.0, 44900.0]]
    # a one-word tail is not enough: "Trust" alone names any trust
    files["b.md"] = note("About a trust", "In 2023 the Trust covered 44,900 members in its towns.", "2024-02-03")
    assert conflicts_of(make_kb, files) == []


def test_a_possessive_anaphor_names_the_notes_own_subject(make_kb):
    entity = "---\ntype: entity\nname: Vellmar Railways\n---\n# Vellmar Railways\n"
    files = {
        "entities/vellmar-railways.md": entity,
        "a.md": note(
            "Vellmar Railways annual figures",
            "Vellmar Railways published its figures. In 2024 the company's 312 stations served riders.",
        ),
        "b.md": note("Vellmar Railways network", "In 2024 Vellmar Railways ran 298 stations."),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and found[0].subject == "vellmar railways"


def test_a_plural_acronym_after_the_number_is_what_is_counted():
    from kb.conflicts.normalise import _name_words

    assert _name_words("Northgate Harbour Trust NGOs") == ["Northgate", "Harbour", "Trust"]
    assert _name_words("Medicare Shared Savings Program") == ["Medicare", "Shared", "Savings", "Program"]
    assert _name_words("Revenue Northgate") == ["Northgate"]  # a measure word at an end is dropped


def test_a_running_count_in_notes_days_apart_is_two_moments(make_kb):
    files = {
        "a.md": note("Kelso flood update", "The flood has now closed 31 roads in Kelso.", "2025-03-02"),
        "b.md": note("Kelso flood latest", "The flood has now closed 44 roads in Kelso.", "2025-03-05"),
    }
    assert conflicts_of(make_kb, files) == []
    # the same day, a running count is one count
    files["b.md"] = note("Kelso flood latest", "The flood has now closed 44 roads in Kelso.", "2025-03-02")
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_number_counts_its_own_noun_not_a_measure_word_near_it():
    assert _measure_of("In 2024 Vellmar ran 312 stations serving riders.") == "station"
    assert _measure_of("Vellmar delivered 186,000 railcars in 2024.") == "shipment"  # the verb leads to it
    assert _measure_of("Vellmar shipped 40,000 units in 2024.") == "shipment"  # "units" names nothing


def _measure_of(sentence: str, index: int = 0) -> str | None:
    from kb.conflicts.normalise import EntityIndex, Normaliser, NoteContext

    context = NoteContext("n.md", "t", "source", None, "date", None, frozenset())
    return Normaliser(EntityIndex()).normalise(fact(sentence, index), context).concept


def test_the_full_year_in_a_note_reporting_by_fiscal_year_is_that_fiscal_year(make_kb):
    # a water utility's year ends in June: its report says FY24; a news note says "the full year"
    files = {
        "a.md": note(
            "Dunmore Water FY24 results",
            "Dunmore Water reported FY24 results today. Water sales fell 6% on drier spring 2023 weather.",
            "2024-08-20",
        ),
        "b.md": note(
            "Dunmore Water results",
            "In the 12 months through June, Dunmore Water spent £41m on mains. Water sales for the full year fell 9%.",
            "2024-08-21",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and found[0].period == "FY2024"


def test_a_time_owned_by_another_number_is_not_this_ones():
    from kb.conflicts.normalise import _bind_time
    from kb.conflicts.periods import find_times

    sentence = "Output was 12% below the prior year's 4,100 tonnes, as yields fell 7% in FY24."
    start = sentence.index("7%")
    mentions = find_times(sentence)
    when, _ = _bind_time(mentions, start, start + 2, 0, len(sentence), "level", sentence)
    assert when.label == "FY2024"
    sentence = "The $40 million the 2019 festival raised was a record."
    start = sentence.index("$40")
    when, _ = _bind_time(find_times(sentence), start, start + 11, 0, len(sentence), "level", sentence)
    assert when.label == "2019"  # the noun the year qualifies is whose number it is


def test_one_change_with_and_without_its_sign_is_one_change(make_kb):
    files = {
        "a.md": note("Pell Ferries 2024", "In 2024 Pell Ferries' ticket revenue fell 12%."),
        "b.md": note("Pell Ferries results", "Ticket revenue at Pell Ferries in 2024: €41M (−12%)."),
    }
    assert conflicts_of(make_kb, files) == []
    files["b.md"] = note("Pell Ferries results", "Ticket revenue at Pell Ferries in 2024: €41M (−15%).")
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_figure_of_the_notes_fiscal_year_is_not_one_of_a_stated_half(make_kb):
    year = (
        "In the 12 months through March, Pell Ferries carried 2.1 million passengers. "
        "Pell Ferries' ticket revenue fell 15%."
    )
    files = {
        "a.md": note("Pell Ferries annual results", year, "2024-05-10"),
        "b.md": note("Pell Ferries half-year", "Pell Ferries' ticket revenue fell 12% in H1 FY24.", "2024-05-12"),
    }
    assert conflicts_of(make_kb, files) == []
    files["b.md"] = note("Pell Ferries results", "Pell Ferries' ticket revenue fell 12% in FY24.", "2024-05-12")
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_name_the_kb_writes_capitalised_is_found_in_lower_case(make_kb):
    entity = (
        "---\ntype: entity\nname: Corran Arts Trust\n---\n# Corran Arts Trust\n\n"
        "- Harbour lights festival budget: $2.1M in 2024.\n"
    )
    files = {
        "entities/corran-arts-trust.md": entity,
        "a.md": note("Festival opens", "In 2024 the Harbour Lights Festival had a budget of $1.6M."),
        "b.md": note("Festival review", "The Harbour Lights Festival drew 41,000 visitors in 2024."),
    }
    found = conflicts_of(make_kb, files)
    assert [(c.subject, sorted(float(s.value) for s in c.sides)) for c in found] == [
        ("harbour lights festival", [1600000.0, 2100000.0])
    ]
    # a name written in lower case that no other note writes capitalised is no name
    files["b.md"] = note("Festival review", "The festival drew 41,000 visitors in 2024.")
    files["a.md"] = note("Festival opens", "In 2024 the Harbour Lights Festival had a budget of $1.6M.")
    assert conflicts_of(make_kb, files) == []


def test_a_span_of_months_without_a_year_is_read_by_the_notes_date():
    from datetime import date

    from kb.conflicts.periods import find_times

    [mention] = find_times("In November and December the mill spent £30K a month.", date(2026, 1, 20))
    assert (mention.when.grain, mention.when.label) == ("window", "2025-11 to 2025-12")
    [mention] = find_times("Output fell in March.", date(2026, 1, 20))
    assert mention.when.label == "2025-03"  # the latest March by the note's date
    [mention] = find_times("Output fell in March.", date(2026, 1, 20), 2024)
    assert mention.when.label == "2024-03"  # a year the note is about wins


def test_a_claims_months_are_read_by_the_day_it_was_written(make_kb):
    claim = (
        "---\ntype: claim\ncreated: 2026-01-22\n---\n# Brora Mill spent more than it raised\n\n"
        "In November and December Brora Mill spent roughly £30K a month on wages.\n"
    )
    files = {
        "claims/brora.md": claim,
        "a.md": note(
            "Brora Mill quarterly report",
            "Brora Mill spent £21K a month on wages in November and December 2025.",
            "2026-01-10",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert [sorted(float(s.value) for s in c.sides) for c in found] == [[21000.0, 30000.0]]


def test_a_season_or_school_year_is_a_year_ending_in_its_second_number():
    from kb.conflicts.periods import find_times

    assert [m.when.label for m in find_times("Fees rose in the 2023-24 school year.")] == ["FY2024"]
    assert [m.when.label for m in find_times("It lost money in the first half of 2024-25.")] == ["H1 FY2025"]
    assert [m.when.label for m in find_times("From 2019-21 the zoo was shut.")] == ["2019"]  # two years, not one


def test_a_season_and_the_year_ended_in_june_are_one_year(make_kb):
    files = {
        "a.md": note(
            "Lindow Zoo accounts", "For the year ended 30 June 2024, Lindow Zoo reported revenue of £12.4 million."
        ),
        "b.md": note("Lindow Zoo news", "Lindow Zoo's turnover reached £14.2 million in the 2023-24 season."),
    }
    found = conflicts_of(make_kb, files)
    assert [(c.period, sorted(float(s.value) for s in c.sides)) for c in found] == [
        ("FY2024", [12400000.0, 14200000.0])
    ]


def test_words_past_a_comma_are_another_items_measure():
    assert _measure_of("Wages were £8.1 million, 64% of revenue.") == "wage"
    assert _measure_of("Grants were £2.0 million in 2024.") == "~grant"


def test_a_capitalised_word_inside_a_sentence_names_a_category_not_a_measure():
    assert _measure_of("The chart then puts Reptiles at 21.5%.") not in ("~reptil", "~reptile")
    assert _measure_of("Reptiles were 21.5% of visits.") == "visit"


def test_a_titles_first_capital_is_no_name_when_the_kb_writes_it_in_lower_case(make_kb):
    files = {
        "a.md": note(
            "Record season for Lindow Zoo",
            "Lindow Zoo sold 412,000 tickets in 2024, a record for the zoo.",
        ),
        "b.md": note("Lindow Zoo in 2024", "In 2024 Lindow Zoo sold 380,000 tickets."),
    }
    found = conflicts_of(make_kb, files)
    assert [c.subject for c in found] == ["lindow zoo"]


def test_a_plural_noun_after_one_adjective_is_what_is_counted_and_worth_links_back():
    assert _measure_of("Dunmore built 4,860 new footbridges in 2024.") == "footbridg"  # the lemma
    assert _measure_of("Cider exports reached 9.1 million litres in 2024, worth £41 million.", 1) == "export"


def test_last_years_figure_is_a_reference_not_the_notes_year():
    from kb.conflicts.engine import _LAST_YEAR

    assert _LAST_YEAR.search("They moved 4.28 million TEU last year.")
    assert not _LAST_YEAR.search("Last year's harvest was 52,000 tonnes.")


def test_a_window_of_months_is_its_own_period():
    from kb.conflicts.periods import find_times

    [first] = find_times("Through the first nine months of 2024 the mill sold 40 tonnes.")
    assert (first.when.grain, first.when.start % 12, first.when.end % 12) == ("window", 0, 8)
    [to] = find_times("In the six months to September 2024 it sold 25 tonnes.")
    assert (to.when.start % 12, to.when.end % 12) == (3, 8)


def test_a_short_form_of_a_name_in_one_note_counts_for_the_long_one():
    from collections import Counter

    from kb.conflicts.normalise import EntityIndex, note_subject

    body = Counter({"quarry bank mill": 2, "weaving": 1})
    assert note_subject("Quarry posts a record year", body, EntityIndex(), None, frozenset()) == "quarry bank mill"


def test_a_count_after_its_copula_and_a_part_of_a_whole_named_first(make_kb):
    files = {
        "a.md": note(
            "Harwick housing monitor",
            "Harwick completed 3,200 new homes in 2024, of which 610 were social homes.",
        ),
        "b.md": note(
            "Harwick social housing",
            "Of the homes Harwick completed in 2024, 840 were social homes, the monitor shows.",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert [sorted(float(s.value) for s in c.sides) for c in found] == [[610.0, 840.0]]  # not 840 vs 3,200


def test_shares_of_a_group_are_a_measure_of_their_own_and_kept_apart_by_what_they_do(make_kb):
    files = {
        "a.md": note("Tarrow Buses 2024", "In 2024, 91.2% of Tarrow Buses services ran on time."),
        "b.md": note("Tarrow Buses punctuality", "Only 86.5% of Tarrow Buses services ran on time in 2024."),
        "c.md": note("Tarrow Buses cuts", "In 2024, 3.4% of Tarrow Buses services were cancelled."),
    }
    found = conflicts_of(make_kb, files)
    assert [sorted(float(s.value) for s in c.sides) for c in found] == [[86.5, 91.2]]


def test_deciding_once_per_kind_of_pair_changes_no_card(tmp_path, monkeypatch):
    """Lines repeated across notes are decided once per kind of pair (same note or not, same
    document or not); deciding every pair gives the same cards. One note lists a low and a high case
    (the same line for another case: no conflict); two other notes each quote one of the lines."""
    from kb.config import load_config
    from kb.conflicts import engine
    from kb.model import load_kb

    low = "- In the low case, Medicaid savings reach $260 billion in 2030.\n"
    high = "- In the high case, Medicaid savings reach $250 billion in 2030.\n"
    write_files(
        tmp_path,
        {
            "scenarios.md": "---\ntype: source\ndate: 2024-02-01\n---\n# Budget scenarios\n\n" + low + high,
            "z.md": "---\ntype: source\ndate: 2024-02-01\n---\n# Notes\n\n" + low,
            "w.md": "---\ntype: source\ndate: 2024-02-01\n---\n# Other notes\n\n- Filed on 3 May.\n" + high,
        },
    )
    kb = load_kb(load_config(tmp_path))
    memoised = find_conflicts(kb).to_dict()
    monkeypatch.setattr(engine, "_content_classes", lambda norms: list(range(len(norms))))
    assert find_conflicts(kb).to_dict() == memoised
    sources = {f["source"] for card in memoised["conflicts"] for side in card["sides"] for f in side["facts"]}
    assert {"w.md", "z.md"} <= sources


def test_focused_candidate_pairs_are_the_pairs_with_a_focused_fact(tmp_path):
    """A pre-commit run lists only pairs with a fact of a staged note: the same pairs as listing
    all and keeping those."""
    from kb.config import load_config
    from kb.conflicts.candidates import candidate_pairs
    from kb.conflicts.engine import normalise_facts
    from kb.conflicts.extract import extract_facts
    from kb.model import load_kb

    lines = [
        "Harbourline carried {n} million passengers in 2023.",
        "The ferry network carried {n} million passengers in 2023.",
        "Harbourline carried {n} million passengers.",
        "Passengers: {n} million.",
        "Northwind Rail carried {n} million passengers in 2023.",
    ]
    files = {}
    for index in range(12):
        text = " ".join(line.format(n=4 + (index * 7 + k) % 5) for k, line in enumerate(lines) if (index + k) % 3)
        files[f"notes/n{index}.md"] = f"---\ntype: source\ndate: 2024-0{1 + index % 9}-01\n---\n{text}\n"
    write_files(tmp_path, files)
    kb = load_kb(load_config(tmp_path))
    norms = normalise_facts(kb, extract_facts(kb))
    every = list(candidate_pairs(norms))
    assert len(every) > 20
    for chosen in ({"notes/n0.md"}, {"notes/n3.md", "notes/n7.md"}, {"notes/n11.md"}):
        focused = [norm.fact.path in chosen for norm in norms]
        found = list(candidate_pairs(norms, focused))
        assert len(found) == len(set(found))
        assert set(found) == {pair for pair in every if focused[pair[0]] or focused[pair[1]]}


def _norm_of(sentence: str, index: int = 0):
    from kb.conflicts.normalise import EntityIndex, Normaliser, NoteContext

    context = NoteContext("n.md", "t", "source", None, "date", None, frozenset())
    return Normaliser(EntityIndex()).normalise(fact(sentence, index), context)


def test_the_copulas_subject_names_the_measure_before_its_preposition():
    assert _measure_of("The pass rate for pupils sitting the exam in June 2025 was 61.4%.") == "pass"
    assert _measure_of("Revenue for the quarter was $4.2M.") == "revenue"
    assert _measure_of("The average fare for riders was $2.40.") == "fare"


def test_a_label_that_names_only_the_measure_or_the_time_is_no_part():
    assert _norm_of("- Raised: $4M final, 12x oversubscribed").part is None
    assert _norm_of("- Volume (May 2026): $1.2M").part is None
    assert _norm_of("- Omnicorp: 16x ATH").part == "omnicorp"


def test_a_label_is_only_the_measure_of_the_number_right_after_it():
    # "signal: $154M ...": the label names the first number, not the "51x" at the end
    norm = _norm_of("- Strongest signal: $40M committed for a $2M sale (20x oversubscription)", 2)
    assert norm.fact.text == "20x" and norm.concept == "commitment"


def test_an_iso_month_is_no_fiscal_year():
    from kb.conflicts.engine import _FISCAL_MENTION, _fiscal_key

    assert [_fiscal_key(m) for m in _FISCAL_MENTION.finditer("- **2025-11** launch")] == [None]
    assert [_fiscal_key(m) for m in _FISCAL_MENTION.finditer("the 2024-25 season")] == ["25"]
    assert [_fiscal_key(m) for m in _FISCAL_MENTION.finditer("in FY24")] == ["24"]


def test_the_only_name_a_note_mentions_is_its_subject(make_kb):
    files = {
        "a.md": note(
            "Kelda Fjord ferry report 2024",
            "Kelda Fjord ferries carried 2.14 million passengers in 2024, the operator said.",
        ),
        "b.md": note(
            "A busy year on the water",
            "Kelda Fjord ferries ran 40 sailings a day this summer.\n\nThey carried 2.41 million passengers in 2024.",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert [c.subject for c in found] == ["kelda fjord"]


def test_a_possessive_right_before_the_number_is_whose_number_it_is():
    from kb.conflicts.normalise import EntityIndex, Normaliser, NoteContext

    index = EntityIndex()
    index.add("brackwater", ["Brackwater"])
    index.add("tollhaven", ["Tollhaven"])
    sentence = "Brackwater pumps supplied 30% of Tollhaven's $4.2M water revenue."
    context = NoteContext("entities/brackwater.md", "brackwater", "entity", None, "date", "brackwater", frozenset())
    norm = Normaliser(index).normalise(fact(sentence, 1), context)
    assert (norm.fact.text, norm.subject) == ("$4.2M", "tollhaven")


def test_a_bracketed_tag_on_the_lead_qualifies_the_sentences_numbers(make_kb):
    assert "adjusted" in _norm_of("For Orwin (ADJUSTED), the share of time on radio is 23%.").modifiers
    files = {
        "a.md": note(
            "Listening time study",
            "## Raw\n\nFor Orwin, the share of listening time on podcasts is 14% in 2024.\n\n"
            "## Adjusted\n\nFor Orwin (ADJUSTED), the share of listening time on podcasts is 23% in 2024.",
        )
    }
    assert conflicts_of(make_kb, files) == []


def test_the_same_line_for_a_name_written_in_camel_case_is_another_name(make_kb):
    files = {
        "a.md": note(
            "Listening time study",
            "For Orwin, the share of listening time on podcasts is 14% in 2024.\n\n"
            "## Other panels\n\nFor eListen, the share of listening time on podcasts is 18% in 2024.",
        )
    }
    assert conflicts_of(make_kb, files) == []


def test_front_matter_metrics_are_as_of_the_records_close_date(make_kb):
    from kb.conflicts.extract import frontmatter_metric_lines

    lines = ["---", "type: entity", "key_metrics:", '  raised: "$4,100"', "  close_date: 2026-05-02", "---"]
    assert frontmatter_metric_lines(lines, 7)[3] == "Raised: $4,100 (as of 2026-05-02)."
    # two records of one subject's raises, closed on different days, are two raises
    first = (
        "---\ntype: entity\nname: Quillon\nkey_metrics:\n"
        '  total_committed: "$1,200"\n  close_date: 2026-05-02\n---\n# Quillon\n'
    )
    second = (
        '---\ntype: entity\nname: "Quillon: second raise"\nresolution_date: 2026-06-10\nkey_metrics:\n'
        '  total_committed: "$2,400"\n---\n# Quillon: second raise\n'
    )
    files = {"entities/quillon.md": first, "entities/quillon-second-raise.md": second}
    assert conflicts_of(make_kb, files) == []


def test_a_figure_of_a_notes_main_name_meets_another_name_the_note_mentions(make_kb):
    # a note about a publisher whose figure names no one, and a note naming the publisher's magazine
    files = {
        "a.md": note(
            "Harlan Press 2024 results",
            "Harlan Press said its magazine Loamwood had a strong year; Harlan Press sales rose 4%.\n\n"
            "Print circulation averaged 182,000 copies in 2024.",
        ),
        "b.md": note("Loamwood in numbers", "Loamwood print circulation averaged 128,000 copies in 2024."),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and {s.value for s in found[0].sides} == {Decimal(182000), Decimal(128000)}


def test_an_entity_notes_own_figure_does_not_meet_a_rival_it_mentions(make_kb):
    files = {
        "entities/quorra.md": "---\ntype: entity\nname: Quorra\n---\n# Quorra\n\n"
        "- Volume: $6.8B 30-day (March 2026), behind Vantor.\n",
        "entities/vantor.md": "---\ntype: entity\nname: Vantor\n---\n# Vantor\n\n"
        "- Volume: $8.7B 30-day (March 2026).\n",
    }
    assert conflicts_of(make_kb, files) == []


def test_the_same_counted_noun_done_differently_is_another_quantity(make_kb):
    from kb.conflicts.score import decide

    files = {
        "a.md": note("Tarrow housing 2024", "Tarrow completed 3,940 new homes in 2024."),
        "b.md": note("Tarrow permits", "In Tarrow, permits were issued for 5,120 homes in 2024."),
    }
    kb = make_kb(files)
    norms = {n.fact.text: n for n in normalise_facts(kb, extract_facts(kb))}
    done_differently = decide(norms["3,940"], norms["5,120"])
    assert "homes complet vs issu" in done_differently.reasons
    files["b.md"] = note("Tarrow building", "Tarrow completed 3,490 new homes in 2024.")
    kb = make_kb(files)
    norms = {n.fact.text: n for n in normalise_facts(kb, extract_facts(kb))}
    alike = decide(norms["3,940"], norms["3,490"])
    assert alike.score > done_differently.score + 1 and len(conflicts_of(make_kb, files)) == 1


def test_a_question_title_does_not_lend_its_question_word_to_the_name():
    from kb.conflicts.normalise import EntityIndex, note_subject

    assert note_subject("Is Corrib getting too busy?", Counter(), EntityIndex(), None, frozenset()) == "corrib"


def test_a_shares_whole_stops_at_its_verb():
    assert _norm_of("71.4% of patients were seen within four hours.").share_of == ("patient",)
    assert _norm_of("With 74.1% of patients seen within four hours.").share_of == ("patient",)


def test_a_name_joined_by_an_ampersand_is_one_name():
    from kb.conflicts.normalise import _names

    assert "Corvel & Pike" in _names("Corvel & Pike opened 12 stores.")


def test_a_possessive_inside_a_name_is_folded():
    from kb.conflicts.normalise import canonical_name

    assert canonical_name("St Brannoc's Hospital") == "st brannoc hospital"
    assert canonical_name("St Brannoc's") == "st brannoc"


def test_a_relative_clause_ends_at_its_comma_and_its_number_is_not_planned(make_kb):
    norm = _norm_of("The chain, which has 3,120 shops, plans to open 140 more next year.")
    assert norm.fact.text == "3,120" and norm.modality == "asserted" and norm.when is None


def test_the_year_end_of_a_note_reporting_by_fiscal_year_is_its_end(make_kb):
    files = {
        "a.md": note(
            "Tallis Bakeries: results for the 52 weeks to 30 June 2024",
            "We ended the year with 412 bakeries.",
            "2024-08-20",
        ),
        "b.md": note(
            "Tallis posts results",
            "Tallis, which runs 421 bakeries, said sales for the year to June rose.",
            "2024-08-21",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and {s.value for s in found[0].sides} == {Decimal(412), Decimal(421)}


def test_a_part_that_makes_up_a_whole_names_the_measure_and_is_no_rise():
    norm = _norm_of("Trams make up 212 of the 540 vehicles.")
    assert (norm.concept, norm.role, norm.part) == ("tram", "level", "a part")


def test_a_masthead_and_its_section_is_not_the_headline():
    from kb.sourcemeta import _headline

    assert (
        _headline(["Tern Valley Post | Business", "", "Kestrel Foods cuts 40 jobs"], None)
        == "Kestrel Foods cuts 40 jobs"
    )


def test_a_physical_unit_is_how_a_number_is_measured_not_what(make_kb):
    files = {
        "a.md": note("Kessel Grid review 2024", "Kessel Grid's peak demand in 2024 was 31.6 GW."),
        "b.md": note("Cold week for Kessel", "Demand on the Kessel grid peaked at 36.1 gigawatts in 2024."),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and {s.value for s in found[0].sides} == {Decimal("31.6"), Decimal("36.1")}
    norm = _norm_of("Average yield was 7.9 tonnes per hectare in 2024.")
    assert (norm.unit, norm.concept) == ("t/ha", "t/ha")
    assert _norm_of("The orchard covers 7.9 hectares.").unit == "ha"


def test_the_ends_of_a_range_are_not_levels():
    assert _norm_of("The chart shows the vacancy rate, ranging from 0% to 9.5%.", 1).role == "bound"


def test_times_a_note_writes_without_a_year():
    from kb.conflicts.periods import find_times

    anchor = date(2025, 7, 20)
    [month_end] = find_times("It had 381,000 subscribers at the end of June.", anchor)
    assert (month_end.when.grain, month_end.when.label) == ("point", "end of 2025-06")
    [quarter] = find_times("Churn came in at 8.6% in Q2.", anchor)
    assert quarter.when.label == "Q2 2025"
    [ended] = find_times("It ended the second quarter of 2025 with 318,000 subscribers.", anchor)
    assert ended.when.label == "end of Q2 2025"
    [since] = find_times("It has not reported churn since 2011, when it was 4.9%.", anchor)
    assert not since.reference


def test_a_new_clause_after_and_has_its_own_plan():
    norm = _norm_of("The exhibition drew 88,000 people, and the gallery hopes to welcome 1.2 million next year.")
    assert (norm.concept, norm.modality, norm.when) == ("visit", "asserted", None)


def test_batch_of_holdout6_readings():
    # "project" as a noun plans nothing; a weekday's possessive is no name; "Turnout in the ... was"
    assert _norm_of("The project cost €3.4 billion and was built on time.").modality == "asserted"
    assert _norm_of("Greens took 32 seats in Thursday's election, on a turnout of 43.2%.", 1).subject != "thursday"
    assert _norm_of("Turnout in the Dunmere council election was 34.2%.").concept == "turnout"
    assert _norm_of("Greens took 32 seats.").concept != "revenue"


def test_counting_verbs_are_not_different_actions(make_kb):
    files = {
        "a.md": note("Orwell Bay tourism 2024", "Orwell Bay hotels recorded 3.12 million guest arrivals in 2024."),
        "b.md": note("Orwell Bay busier", "Orwell Bay hotels logged 3.21 million guest arrivals in 2024."),
    }
    assert len(conflicts_of(make_kb, files)) == 1


def test_a_year_a_dated_note_looks_back_to_is_not_its_figures_year(make_kb):
    from kb.conflicts.engine import normalise_facts
    from kb.conflicts.extract import extract_facts

    body = "Turnout was 29.4%, the returning officer said.\n\nAt the last election, in 2021, turnout was 31%."
    kb = make_kb({"a.md": note("Dunmere votes", body, "2025-05-02")})
    first = next(n for n in normalise_facts(kb, extract_facts(kb)) if n.fact.text == "29.4%")
    assert first.when is not None and first.when.label != "2021"


def test_a_part_of_a_whole_stated_after_it_with_an_owner():
    assert _norm_of("Reds took 21 of the council's 40 seats.").part == "a part"
    assert _norm_of("Reds won 21 out of 40 seats.").part == "a part"


def test_two_notes_naming_each_others_main_name_are_about_the_same_things(make_kb):
    files = {
        "a.md": note(
            "Tarn Energy completes Orrin Reef solar park",
            "Tarn Energy completed the Orrin Reef solar park. The project cost €820 million.\n\n"
            "Tarn Energy now runs 12 solar parks.",
            "2025-06-02",
        ),
        "b.md": note(
            "Orrin Reef switched on",
            "The Orrin Reef park opened with 310 staff, developer Tarn Energy said.\n\n"
            "Building the park cost €780 million.",
            "2025-06-03",
        ),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and {s.value for s in found[0].sides} == {Decimal(820000000), Decimal(780000000)}


def test_holdout7_readings_tonnes_a_comparison_base_and_a_point_in_a_fiscal_year(make_kb):
    from kb.conflicts.periods import When, fiscal_when, month_index

    # tonnes carried are not passengers: the unit is the measure the words do not name
    assert _norm_of("Brack Rail carried 9.6 million tonnes in 2024.").concept == "t"
    assert _norm_of("Brack Rail moved 9.6 million tonnes of freight in 2024.").concept == "t"
    # a base compared with is not a level of the period the sentence is about
    assert _norm_of("It moved 9.6 million tonnes, compared with 8.8 million tonnes the year before.", 1).role == "from"
    # "at 31 March 2025" may be the end of FY2025, whose months are not known
    point = When("point", month_index(2025, 3), month_index(2025, 3), "", "as of 2025-03-31")
    assert point.overlaps(fiscal_when(2025)) and not point.overlaps(fiscal_when(2027))
    assert _norm_of("The firm employed 2,950 people.").concept == "employee"


def test_holdout8_readings_a_verb_measure_meets_its_counted_noun_and_a_phrase_ends_in_it(make_kb):
    from kb.sourcemeta import _headline

    files = {
        "a.md": note("Corrie Moor park report 2024", "Corrie Moor park employs 58 rangers in 2024."),
        "b.md": note("Corrie Moor busier", "Corrie Moor park, whose 85 rangers patrol the hills, was busy in 2024."),
    }
    found = conflicts_of(make_kb, files)
    assert len(found) == 1 and {s.value for s in found[0].sides} == {Decimal(58), Decimal(85)}
    assert _measure_of("There were 41,300 aircraft movements.") == "flight"
    assert _headline(["Tern Coast Business Journal - Travel", "", "Tern airport breaks its record"], None) == (
        "Tern airport breaks its record"
    )


def test_money_a_verb_of_earning_names_is_revenue():
    assert _norm_of("Stallholders took an estimated £2.9 million during the fair.").concept == "revenue"
    assert _norm_of("The fair brought in £3.1 million.").concept == "revenue"
    assert _norm_of("Blues took 14 seats.").concept != "revenue"


def test_holdout10_readings_a_funding_round_is_no_name_and_an_as_of_date_no_part():
    assert _norm_of("- **2025-03** — Series C: raised $41M, led by Orrin Capital.").subject != "series"
    assert _norm_of("Raised: $86M (as of 2025-03-12).").part is None


def test_holdout11_readings_admissions_boats_and_a_shared_label(make_kb):
    from kb.sourcemeta import _headline

    assert _measure_of("The chain sold 9.2 million admissions in 2024.") == "attendance"
    assert _measure_of("The fleet is down to 38 boats.") == "fleet"
    assert _headline(["Quay Trade Daily >> Ports", "", "Quay traffic rises"], None) == "Quay traffic rises"
    files = {
        "a.md": note("Ostley council report 2024", "Litter-picking callouts fell to 1,340 in 2024."),
        "b.md": note("Ostley cleaner", "Litter-picking callouts dropped to 1,430 in 2024."),
    }
    assert len(conflicts_of(make_kb, files)) == 1
