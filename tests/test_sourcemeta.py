"""What raw clippings say about themselves (kb/sourcemeta.py): four clippings in domains no data set covers."""

from __future__ import annotations

import pytest

from kb.sourcemeta import infer_fields, parse_date

FERRY = """\
Skip to main content
Harbour Weekly
Home | Ports | Shipping | Opinion
News
Solent ferry carries record 2.1 million passengers
By Maria Chen and Tom Okafor
PORTSMOUTH, March 4, 2026 (Reuters) - The Solent ferry carried 2.1 million passengers in 2025, up 9%.
"""
ORCHARD = """\
THE CIDER PRESS
Orchard co-ops weather the frost
Posted by Ana Ruiz · 6 min read
Tuesday, the third of March, 2026
Cooperative orchards in Herefordshire lost 12% of their blossom to frost.

References
Smith J. Frost and fruit. Published January 5, 2019. Accessed March 1, 2026.
"""
CHOIR = """\
Larkfield Gazette
Arts
Choir doubles its membership after moving rehearsals
Written by Priya Natarajan
Published: 12 Feb 2026
The Larkfield Choir now has 64 singers, up from 32 a year earlier.
"""
WATER = """\
Utilities Today
AI | Startups | Policy
Meters cut leakage faster than district zoning
Sept. 9, 2025
Engineers at Tern Valley Water said household meters cut leakage by 14%.
"""


@pytest.mark.parametrize(
    ("text", "title", "date", "author"),
    [
        (FERRY, "Solent ferry carries record 2.1 million passengers", "2026-03-04", "Maria Chen and Tom Okafor"),
        (ORCHARD, "Orchard co-ops weather the frost", "2026-03-03", "Ana Ruiz"),
        (CHOIR, "Choir doubles its membership after moving rehearsals", "2026-02-12", "Priya Natarajan"),
        (WATER, "Meters cut leakage faster than district zoning", "2025-09-09", None),
    ],
)
def test_headline_date_and_byline_not_masthead_or_navigation(text, title, date, author):
    fields, problems = infer_fields(text)
    assert fields["title"] == title
    assert fields.get("date") == date
    assert fields.get("author") == author
    assert ("no author is stated in the text; left empty" in problems) == (author is None)


def test_a_reference_lists_dates_are_not_the_clippings():
    fields, _ = infer_fields(ORCHARD.replace("Tuesday, the third of March, 2026\n", ""))
    assert "date" not in fields


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-03", "2026-03-03"),
        ("03/04/2026", "2026-03-04"),
        ("March 3, 2026", "2026-03-03"),
        ("Mar. 3rd 2026", "2026-03-03"),
        ("3 March 2026", "2026-03-03"),
        ("the twenty-first of June, 2024", "2024-06-21"),
        ("NEW YORK, Feb 4, 2026 (Reuters) -", "2026-02-04"),
        ("March 33, 2026", None),
        ("in 2026", None),
    ],
)
def test_dates_as_people_write_them(text, day):
    assert parse_date(text) == day


def test_the_domain_is_the_kb_domain_the_source_matches():
    from types import SimpleNamespace

    from kb.sourcemeta import infer_domain

    def note(title, domain):
        return SimpleNamespace(title=title, fields={"domain": domain})

    kb = SimpleNamespace(
        notes={
            "a": note("ferry ridership recovered after fare cuts", "transport"),
            "b": note("ferry crossings run late in winter storms", "transport"),
            "c": note("orchard yields fall after late frost", "farming"),
            "d": note("cider orchards pool frost insurance", "farming"),
        }
    )
    assert infer_domain(kb, FERRY, {}) == "transport"
    assert infer_domain(kb, ORCHARD, {}) == "farming"
    assert infer_domain(kb, "The council met on Tuesday to discuss budgets.", {}) is None
    assert infer_domain(SimpleNamespace(notes={}), FERRY, {}) is None


def test_breadcrumbs_and_a_masthead_in_capitals_are_not_the_title():
    from kb.sourcemeta import infer_fields

    clipping = (
        "TOWN OF ELSWICK — PRESS OFFICE\nHome | Council | News\n\nPool reopens after repairs\nJune 3, 2025\n\nText.\n"
    )
    assert infer_fields(clipping)[0]["title"] == "Pool reopens after repairs"
    crumbs = "Elswick Courier — Local — Leisure\n\nPool reopens after a year of repairs\nJune 3, 2025\n"
    assert infer_fields(crumbs)[0]["title"] == "Pool reopens after a year of repairs"
