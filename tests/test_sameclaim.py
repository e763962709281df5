"""The same-claim test: restatements caught, decisive differences never merged (kb/sameclaim.py)."""

from __future__ import annotations

import pytest

from kb.sameclaim import decisive_difference, match_reason, same_claim, strip_framing

TITLE = "cooperative orchards survive bad harvests because members pool frost insurance"


@pytest.mark.parametrize(
    "restated",
    [
        "HEREFORD, Jan 9 - Cooperative orchards survive bad harvests because members pool frost insurance.",
        "According to the co-op, cooperative orchards survive bad harvests because members pool frost insurance.",
        "However, cooperative orchards survive bad harvests because members pool frost insurance, growers said.",
        "On Monday, growers noted that cooperative orchards survive bad harvests because members pool frost insurance.",
        # the title inside a longer sentence that adds detail
        "Cooperative orchards in Herefordshire survive bad harvests because members pool their frost insurance.",
    ],
)
def test_restatements_are_the_same_claim(restated):
    assert same_claim(TITLE, restated) and same_claim(restated, TITLE)


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        (
            "value-based care transitions stall at the payment boundary",
            "value-based care transitions succeed at the payment boundary",
        ),
        ("Pebblebrook raised 11.4 million in one day", "Pebblebrook raised 11.4 million in one week"),
        (
            "Kalshi dominates regulated prediction market volume",
            "Polymarket dominates regulated prediction market volume",
        ),
        ("token emissions are inflationary for early holders", "token emissions are deflationary for early holders"),
        ("most ferry crossings run late in winter", "some ferry crossings run late in winter"),
        ("the merger will not raise consumer prices", "the merger will raise consumer prices"),
        ("the treasury holds 5.9 million USDC", "the treasury holds 9.5 million USDC"),
        ("Q3 revenue beat guidance", "Q4 revenue beat guidance"),
        ("the policy is legal under EU law", "the policy is illegal under EU law"),
        # an opposite no word list holds: a replaced word is never a match
        ("credit spreads widen when central banks tighten", "credit spreads narrow when central banks tighten"),
        ("the choir admits singers by audition", "the choir admits singers by lottery"),
        ("costs fell across the network", "costs fell thresholds the network"),
    ],
)
def test_decisive_differences_are_never_merged(existing, new):
    assert not same_claim(existing, new) and not same_claim(new, existing)


def test_the_reason_is_given():
    assert match_reason(TITLE, TITLE.upper()) == "same slug"
    assert decisive_difference("costs rise", "costs fall") == "opposite directions"
    assert decisive_difference("raised $5M in a day", "raised $5M in a week").startswith("time units differ")
    assert decisive_difference("Kalshi leads", "Polymarket leads").startswith("different names")
    assert decisive_difference("the up-and-down market", "the market") is None  # one side only: not a reversal


def test_framing_is_stripped_and_the_claim_kept():
    assert strip_framing("NEW YORK, Feb 4 - However, ferry fares rose 5%, the port said.") == "Ferry fares rose 5%"
    assert strip_framing("Living Reports vehicles fail the test") == "Living Reports vehicles fail the test"
    assert strip_framing("token voting Notes offer no protection") == "Token voting Notes offer no protection"
