"""Fact extraction: a golden set across domains, junk that must extract nothing, determinism."""

import json
import os
import random
import subprocess
import sys
from decimal import Decimal

import pytest

from kb import facts
from kb.facts import Extractor, NoteText

from .data.facts_golden import GOLDEN, JUNK


def extract(text: str, **fields):
    return Extractor().extract(NoteText("n.md", "t", text.split("\n"), 1, fields))


def test_golden_set_is_big_enough():
    assert len(GOLDEN) >= 60


@pytest.mark.parametrize(("sentence", "expected"), GOLDEN, ids=[g[0][:40] for g in GOLDEN])
def test_golden(sentence, expected):
    got = [(f.text, f.value, f.unit, f.hedge, f.period, f.role) for f in extract(sentence)]
    assert got == [(t, Decimal(v), u, h, p, r) for t, v, u, h, p, r in expected]


@pytest.mark.parametrize("text", JUNK)
def test_junk_extracts_nothing(text):
    assert extract(text) == []


def test_spans_point_at_the_text():
    line = "- Net Medicare savings: $2.48 billion, up from nearly $2.1 billion"
    facts = extract(line)
    for fact in facts:
        assert line[fact.start : fact.end] == fact.text
    assert [f.line for f in facts] == [1, 1]


def test_precision_and_round_numbers():
    (fact,) = extract("It reported $2.48 billion in savings.")
    assert fact.half == Decimal("5E+6")
    (round_number,) = extract("There are 480 ACOs.")
    assert round_number.half == Decimal("0.5") and round_number.loose == Decimal("5")
    (ten_thousand,) = extract("They hired 10,000 staff.")
    assert ten_thousand.loose == Decimal("500")


def test_measure_modifiers_and_subject():
    (net,) = extract("Net per capita savings: $241.")
    assert (net.measure, net.modifiers) == ("savings", ("net", "per capita"))
    aco, non_aco = extract("Screening rates were 53.53% (ACO) vs 44.42% (non-ACO).")
    assert (aco.subject, non_aco.subject) == ("aco", "non-aco")
    (row,) = extract("| Office & Admin | 94 jobs |")
    assert row.subject == "office & admin"


def test_abbreviations_learned_from_the_text():
    facts = extract("Of the 476 accountable care organizations (ACOs), most saved.\n480 ACOs took part.")
    assert [f.measure for f in facts] == ["aco", "aco"]


def test_modality():
    (hypothetical,) = extract("If the emission rate were adjusted to 10,000 tokens, holders would gain.")
    assert hypothetical.modality == "hypothetical"
    facts = extract("The raise hit $11.4M against a $50,000 target.")
    assert [f.modality for f in facts] == ["asserted", "target"]
    (forecast,) = extract("Revenue is projected to reach $5 billion by 2030.")
    assert forecast.modality == "forecast"


def test_default_period_from_title_then_text_then_note_date():
    (titled,) = Extractor().extract(
        NoteText("n.md", "2024 Performance Year Results", ["Savings were $2 billion."], 1, {})
    )
    assert (titled.period, titled.period_source) == ("2024", "title")
    lines = ["In 2023 the program grew.", "", "Costs fell in 2023.", "", "Savings were $2 billion."]
    (from_text,) = Extractor().extract(NoteText("n.md", "t", lines, 1, {}))
    assert (from_text.period, from_text.period_source) == ("2023", "document")
    (dated,) = Extractor().extract(NoteText("n.md", "t", ["Savings were $2 billion."], 1, {"date": "2025-09-09"}))
    assert dated.period == "2025-09-09 (note date)"


def test_aliases_from_configuration():
    extractor = Extractor({"returned to medicare": "net savings"})
    (fact,) = extractor.extract(NoteText("n.md", "t", ["$2.4 billion returned to Medicare."], 1, {}))
    assert (fact.measure, fact.modifiers) == ("savings", ("net",))


def test_code_links_and_urls_are_not_read():
    assert extract("See [[60 percent of payments]] and https://x.org/2024/5-million and `$5M`.") == []


def test_deterministic_under_any_hash_seed():
    script = (
        "import json,sys;sys.path.insert(0,'.');from kb.facts import Extractor,NoteText;"
        "from tests.data.facts_golden import GOLDEN;"
        "out=[[f.to_dict() for f in Extractor().extract(NoteText('n.md','t',[s],1,{}))] for s,_ in GOLDEN];"
        "print(json.dumps(out,sort_keys=True))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]


def _random_texts(alphabet: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def test_quantity_scan_finds_what_the_regex_finds():
    """The fast scan tries the quantity pattern only near numbers; it must find exactly what finditer finds."""
    alphabet = list("0123456789.,-−–$£€¥U kKmMbBx%×+") + ["US$", "bn", " to ", "percent", "a", "1", "٣"]
    texts = _random_texts(alphabet, 20000, seed=7) + [sentence for sentence, _ in GOLDEN] + list(JUNK)
    for text in texts:
        expected = [(m.start(), m.end(), m.groups()) for m in facts._QUANTITY.finditer(text)]
        assert [(m.start(), m.end(), m.groups()) for m in facts.quantity_matches(text)] == expected, text


def test_period_gate_never_hides_a_period():
    alphabet = list("0123456789 QqFYPCHh-'") + ["19", "20", "FY", "as of ", "Q3", "H1", "percent", "bn", "٢"]
    for text in _random_texts(alphabet, 20000, seed=11) + [sentence for sentence, _ in GOLDEN]:
        if not facts._may_have_period(text):
            assert facts._find_periods(text) == [], text


def test_year_after_in_pattern_matches_the_plain_one():
    import re

    plain = re.compile(r"\b(?:in|during|for)\s+((?:19[5-9]\d|20\d\d))\b")
    alphabet = ["in ", "during ", "for ", "2024", "1999", "1949", "x", "fin", "4", " ", "\n", "-", "é", "_"]
    for text in _random_texts(alphabet, 20000, seed=5):
        assert facts._IN_YEAR.findall(text) == plain.findall(text), text


def test_lower_case_twins_find_what_the_ignorecase_patterns_find():
    pairs = [
        (facts.HYPOTHETICAL, facts._HYPOTHETICAL_LOWER),
        (facts.FORECAST, facts._FORECAST_LOWER),
        (facts.TARGET, facts._TARGET_LOWER),
        (facts._HEDGE_BEFORE, facts._HEDGE_BEFORE_LOWER),
        (facts._MODIFIER_RE, facts._MODIFIER_LOWER),
    ]
    alphabet = ["If ", "WOULD", "Net ", "gross", "Per Capita", "ABOUT ", "nearly ", "More Than ", "target",
                "Forecast", "by 2030", " ", "-", "x", "$", "ſ", "K", "İ", "é", "\n", "12"]  # fmt: skip
    for text in _random_texts(alphabet, 20000, seed=13):
        for pattern, twin in pairs:
            expected = [m.span() for m in pattern.finditer(text)]
            found = facts._search_any_case(pattern, twin, text, text.lower())
            assert (found.span() if found else None) == (expected[0] if expected else None), text
            if text.isascii():
                assert [m.span() for m in twin.finditer(text.lower())] == expected, text
