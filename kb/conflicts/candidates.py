"""Stage 3a: candidate pairs from normalised keys.

Facts meet only inside a block of the same unit, role, measure concept and subject, and there only
when their times could name the same window (periods ending in the same year) or one of
them states no period. Blocks are keyed by canonical values, so a fact is placed in one block and
the work grows with the facts, not with their pairs; a block too large to compare whole (a subject
and measure that thousands of facts share) is compared by time bucket only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..facts import TOKEN_UNITS
from .normalise import Norm
from .vocabulary import CURRENCIES, GENERIC_COUNTED

UNIT_CLASS = {"bps": "pp"}
MONEY = "money"


def dimension(unit: str) -> str:
    """Currencies and tokens are one dimension: the same amount in both is a mix-up of units."""
    return MONEY if unit in CURRENCIES or unit in TOKEN_UNITS else UNIT_CLASS.get(unit, unit)


BIG_BLOCK = 400  # above this many facts a block's undated facts meet only their own bucket


def block_key(norm: Norm) -> tuple | None:
    fact = norm.fact
    if norm.concept is None or norm.role in ("from", "bound"):
        return None
    return (
        norm.unit or dimension(fact.unit),
        norm.role,
        norm.concept,
        norm.direction if norm.role == "delta" else "",
    )


def counted_key(norm: Norm, key: tuple) -> tuple | None:
    """A second block for a figure whose verb names the measure and whose noun names what it
    counts: "employs 64 rangers" (employees) also meets "whose 46 rangers patrol" (rangers)."""
    counted = norm.counted
    if not counted or counted == norm.concept or norm.concept is None or norm.concept.startswith("~"):
        return None
    verb = norm.measure_text
    if (
        norm.concept_confidence < 1.0
        or " " in verb
        or not verb.endswith(("s", "ed"))  # a verb that names the measure: "employs", "carried"
        or verb.startswith(counted[:4])
        or len(counted) < 5
        or counted in GENERIC_COUNTED
    ):
        return None
    return (key[0], key[1], counted, key[3])


def _subject_keys(subject: str | None) -> tuple[str, ...]:
    """Subjects meet by their first word, so "inside out" meets "inside out 2", and by their last two,
    so "shared savings program" meets "medicare shared savings program"; the score decides."""
    if not subject:
        return ("",)
    words = subject.split()
    return (words[0], "… " + " ".join(words[-2:])) if len(words) >= 2 else (words[0],)


NAMED_AT_MOST = 8  # a note naming more than this is a list of things, its unnamed figures anyone's


def _named_keys(norm: Norm) -> tuple[str, ...]:
    """A figure whose subject is only its note's also meets the figures of the other names its note
    mentions: "Daily active users averaged 2.3 million" in a note about Pebblewick that names its
    game Tideglass meets "Tideglass averaged 3.2 million daily active users"; the score decides."""
    if norm.subject_source != "note" or len(norm.note_names) > NAMED_AT_MOST:
        return ()
    own = set(_subject_keys(norm.subject))
    return tuple(sorted({key for name in norm.note_names for key in _subject_keys(name)} - own))


def _time_bucket(norm: Norm) -> object:
    if norm.when is None or norm.when_source == "note date":
        return "undated"
    # by the year a period ends in: "November 2024" meets "2024" from a heading, and the score
    # decides whether a context's year may stand for the stated month
    return (norm.when.calendar, norm.when.end // 12)


def candidate_pairs(norms: list[Norm], focused: list[bool] | None = None) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) worth deciding, deterministic in order. Inside a block (unit, role,
    concept) facts meet when they share a subject and a time bucket; a fact naming no subject meets
    every subject of its bucket; an undated fact meets the dated facts of its own subject. With
    `focused` (a flag per norm), only the pairs with a focused fact, found without listing the rest."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, norm in enumerate(norms):
        key = block_key(norm)
        if key is not None:
            blocks[key].append(index)
            counted = counted_key(norm, key)
            if counted is not None:
                blocks[counted].append(index)
    seen: set[tuple[int, int]] = set()
    for key in sorted(blocks, key=lambda k: tuple(map(str, k))):
        members = blocks[key]
        if len(members) < 2:
            continue
        cells: dict[tuple, list[int]] = defaultdict(list)
        for i in members:
            for subject_key in _subject_keys(norms[i].subject) + _named_keys(norms[i]):
                cells[(subject_key, _time_bucket(norms[i]))].append(i)
        by_time: dict[object, list[tuple]] = defaultdict(list)
        for cell in cells:
            by_time[cell[1]].append(cell)
        found: list[tuple[int, int]] = []  # this block's new pairs, in order (no generator per pair)
        for cell in sorted(cells, key=str):
            subject, bucket = cell
            group = cells[cell]
            partners: list[tuple[list[int], list[int] | None]] = [(group, None)]
            if subject == "":
                partners += [(group, cells[other]) for other in sorted(by_time[bucket], key=str) if other != cell]
            if bucket != "undated" and len(members) <= BIG_BLOCK:
                partners.append((group, cells.get((subject, "undated"), [])))
            for left, right in partners:
                if focused is None:
                    for position, i in enumerate(left):
                        for j in left[position + 1 :] if right is None else right:
                            if i != j:
                                pair = (i, j) if i < j else (j, i)
                                if pair not in seen:
                                    seen.add(pair)
                                    found.append(pair)
                    continue
                # only the pairs with a focused fact (a pre-commit run on a few notes), without
                # listing the others
                other = left if right is None else right
                combos = [(i, j) for i in left if focused[i] for j in other]
                if right is not None:
                    combos += [(i, j) for j in right if focused[j] for i in left]
                for i, j in combos:
                    if i != j:
                        pair = (i, j) if i < j else (j, i)
                        if pair not in seen:
                            seen.add(pair)
                            found.append(pair)
        yield from found
