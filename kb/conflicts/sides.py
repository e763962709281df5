"""Stage 4: what a written number allows, and which values disagree.

A value stands for the interval its written precision allows ("$2.4 billion" is 2.35-2.45 billion).
A hedge widens it by what the hedge says at that precision: "about 87,000" is 87,000 +- 1,000 (one
unit of its last significant digit, at most 5%), "nearly 480" is a little under 480, "more than 20x"
is 20x or more. Values disagree when their intervals do not overlap (strictly, in Decimal). The engine groups
values that agree pairwise; a value agreeing with two groups that disagree is vague and joins neither.
"""

from __future__ import annotations

from decimal import Decimal

from ..facts import Fact

INFINITY = Decimal("Infinity")
FIVE_PERCENT = Decimal("0.05")
AGREE, HARD, HEDGED, ROUNDING = "agree", "hard", "hedged", "rounding"


def significant_unit(fact: Fact) -> Decimal:
    """One unit of the last significant digit: 87,000 -> 1,000; 6.9 -> 0.1; 300K -> 100K."""
    unit = fact.half * 2
    value = abs(fact.value)
    if value == 0 or unit == 0:
        return unit
    while value % (unit * 10) == 0 and unit * 10 <= value:
        unit *= 10
    return unit


def interval(fact: Fact) -> tuple[Decimal, Decimal]:
    value, half = fact.value, fact.half
    low, high = value - half, value + half
    if fact.range_high is not None:
        high = max(high, fact.range_high + half)
    kind = fact.hedge_kind
    if kind is None:
        return low, high
    spread = max(half, min(significant_unit(fact), abs(value) * FIVE_PERCENT))
    if kind == "approx":
        return value - spread, high + spread - half
    if kind == "below":  # nearly, almost, just under
        return value - spread, high
    if kind == "lower":  # more than, over, at least, +
        return low, INFINITY
    if kind == "upper":  # less than, up to, under
        return -INFINITY, high
    return low, high


def loose_interval(fact: Fact) -> tuple[Decimal, Decimal]:
    """A round number may itself be rounded to two significant figures ("480" is 475-485)."""
    low, high = interval(fact)
    extra = max(fact.loose - fact.half, Decimal(0))
    return low - extra, high + extra


def overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def compare(a: Fact, b: Fact) -> str:
    """agree | rounding (agree only as round numbers) | hedged | hard."""
    if overlap(interval(a), interval(b)):
        return AGREE
    if overlap(loose_interval(a), loose_interval(b)):
        return ROUNDING
    return HEDGED if (a.hedge_kind or b.hedge_kind) else HARD


def width(fact: Fact) -> Decimal:
    low, high = interval(fact)
    return high - low


def gap(a: Fact, b: Fact) -> Decimal:
    """How many tolerance widths apart two values are: |a - b| / (h_a + h_b)."""
    spread = min(width(a), INFINITY) / 2 + min(width(b), INFINITY) / 2
    if spread in (INFINITY, 0):
        spread = max(a.half + b.half, Decimal("1e-9"))
    return abs(a.value - b.value) / spread
