"""Claims from a source's own sentences that stand alone (kb/claimwriter.py), in domains no data set covers."""

from __future__ import annotations

from kb.claimwriter import claims_from_text

CLIPPING = """\
Harbour Weekly

Ferries carry more commuters as fares fall

PORTSMOUTH, March 4 - However, the Solent ferry carried 2.1 million passengers in 2024, the port authority said.

Weekday crossings averaged 5,800 passengers, compared with 3,900 on weekends.

These services earned $14 million in fares. The operator said ridership rose last year.

I think the timetable is the real story, with 40 sailings a day.

Median age 41 years; 52% female.

## Agent Notes

The 2.1 million figure is the headline and probably rounds up 2,090,000 passengers.
"""


def titles(text, date=None):
    return [c.title for c in claims_from_text(text, date)]


def test_the_comparison_ranks_first_and_framing_is_stripped():
    found = titles(CLIPPING)
    assert found[0] == "Weekday crossings averaged 5,800 passengers, compared with 3,900 on weekends in 2024"
    assert "The Solent ferry carried 2.1 million passengers in 2024" in found


def test_claims_that_cannot_stand_alone_are_not_proposed():
    found = " | ".join(titles(CLIPPING))
    assert "These services" not in found  # a referent
    assert "I think" not in found and "timetable" not in found  # the first person
    assert "Median age" not in found  # a fragment with no verb
    assert "headline" not in found  # the curator's notes are not the source's claims


def test_a_relative_date_is_resolved_against_the_source_date_or_rejected():
    text = "Ridership on the Solent ferry rose 12% last year to 2.1 million passengers.\n"
    assert titles(text) == []
    assert titles(text, "2025-03-04") == ["Ridership on the Solent ferry rose 12% in 2024 to 2.1 million passengers"]


def test_a_sentence_bundling_two_claims_is_split():
    text = "In 2024 the orchard co-op sold 410 tonnes of apples to grocers, while the cider mill pressed 120 tonnes.\n"
    assert titles(text) == [
        "In 2024 the orchard co-op sold 410 tonnes of apples to grocers",
        "The cider mill pressed 120 tonnes in 2024",
    ]


def test_at_most_three_claims_and_none_twice():
    text = "\n\n".join(f"The Larkfield Choir gave {n} concerts in {2010 + n}." for n in range(1, 9)) + "\n"
    text += "\nThe Larkfield Choir gave 1 concerts in 2011.\n"  # said twice: proposed once
    found = titles(text)
    assert found == [f"The Larkfield Choir gave {n} concerts in {2010 + n}" for n in (1, 2, 3)]


def test_a_clipping_without_blank_lines_keeps_its_headline_out_of_the_claim():
    text = (
        "The Harbour Weekly\nFerry operator raises fares\nPosted by Sam Lee\nFeb 2, 2026\n"
        "The Solent ferry raised its adult fare to $9.40 in 2026, compared with $8.10 a year earlier, the port said.\n"
    )
    assert titles(text, "2026-02-02") == [
        "The Solent ferry raised its adult fare to $9.40 in 2026, compared with $8.10 in 2025"  # "a year earlier"
    ]


def test_what_a_source_says_is_so_now_gets_no_year_from_the_rest_of_it():
    text = (
        "In 2024 the choir school taught 212 pupils, and 31 of them sat grade exams in 2024.\n\n"
        "The school now has 240 pupils on its roll.\n\n"
        "The choir school has 18 teachers.\n"
    )
    found = titles(text, "2025-04-02")
    assert "The school now has 240 pupils on its roll" in found
    assert "The choir school has 18 teachers" in found  # present tense: not "in 2024"


def test_a_claim_does_not_take_a_year_its_dated_source_looks_back_to():
    from kb.claimwriter import claims_from_text

    body = (
        "Reds took 21 of the 40 seats in Thursday's vote, on a turnout of 38.5%.\n\n"
        "At the last election, in 2021, turnout was 29%.\n"
    )
    titles = [c.title for c in claims_from_text(body, "2025-05-02")]
    assert any(t.startswith("Reds took 21") and "2021" not in t for t in titles)
