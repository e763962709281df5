"""Stage 3b: a scored decision on whether two facts state the same quantity.

Evidence for and against is added up with its reasons: how sure each measure is, whether the
subjects match and how they were found, whether the times name the same window, how alike the
clauses are. Hard vetoes are kept for what the text itself says: one sentence contrasting two values,
net vs gross, a different stated subject or period, a forecast against an outcome. A missing name is
weak evidence, never a veto. Values are not looked at here: how far apart they are decides the kind
of conflict (stage 4), not whether two facts are about the same thing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..facts import CURRENCY_WORDS, SCALES, TOKEN_UNITS
from .normalise import GENERIC_TAILS, Norm
from .vocabulary import MODIFIER_GROUPS, ONE_SIDED, RECORDING_VERBS, concept_index, lemma

_CONCEPT_OF, _CONCEPT_KINDS = concept_index()
THRESHOLD = 4.0  # calibrated on the seeds and the conflicts-dev set; see benchmarks/conflicts_eval.py
SAME_NOTE_OVERLAP = 0.2  # below this clause overlap, two figures of one note are two quantities
EVENT_DAYS = 5  # undated figures in notes dated further apart than this may be of different moments


@dataclass(slots=True)
class Decision:
    score: float
    reasons: list[str] = field(default_factory=list)
    veto: str | None = None

    @property
    def same(self) -> bool:
        return self.veto is None and self.score >= THRESHOLD


def modifiers_clash(a: frozenset[str], b: frozenset[str]) -> str | None:
    for group in MODIFIER_GROUPS:
        left, right = a & group, b & group
        if left and right and left != right:
            return f"{'/'.join(sorted(left))} vs {'/'.join(sorted(right))}"
    for modifier in ONE_SIDED:
        if (modifier in a) != (modifier in b):
            return f"{modifier} on one side only"
    return None


def decide(a: Norm, b: Norm) -> Decision:
    fa, fb = a.fact, b.fact
    d = Decision(0.0)
    if fa.path == fb.path and fa.sentence_index == fb.sentence_index:
        d.veto = "one sentence: a contrast, not a contradiction"
        return d
    if fa.path != fb.path and a.normal_sentence == b.normal_sentence:
        d.veto = "the same sentence copied into two notes"
        return d
    swapped = parallel(fa.sentence, fb.sentence) if fa.value != fb.value else None
    if swapped is not None and (a.document == b.document or any(char.isupper() for word in swapped for char in word)):
        # "- HI Trust Fund impact: $260 billion" under one driver and "...: $250 billion" under the
        # next: a note repeats a line for each case it lists, and contradicts itself in other words;
        # "For Activate, ... (77%)" and "For eMarketer, ... (79%)": the same line about another name
        d.veto = "the same line written for another " + ("case" if a.document == b.document else "name")
        return d
    if fa.value != fb.value and (fb.value in fa.sentence_values or fa.value in fb.sentence_values):
        d.veto = "a sentence states both values"
        return d
    if (
        a.role == b.role == "delta"
        and a.direction
        and a.direction == b.direction
        and (fa.value < 0) != (fb.value < 0)
        and abs(fa.value) == abs(fb.value)
    ):
        d.veto = "one change, written with and without its sign"
        return d
    if (a.part or b.part) and a.part != b.part:
        d.veto = f"different parts ({a.part or 'all'} vs {b.part or 'all'})"
        return d
    clash = modifiers_clash(a.modifiers, b.modifiers)
    if clash:
        d.veto = clash
        return d
    low, high = sorted((abs(fa.value), abs(fb.value)))
    ratio = float(high / low) if low > 0 and fa.unit == fb.unit else None
    far = ratio is not None and ratio > 1.25
    for group in MODIFIER_GROUPS:
        if far and bool(a.modifiers & group) != bool(b.modifiers & group):
            # "net savings" against plain "savings" far from it: the plain one may be the gross figure
            d.score -= 1.0
            d.reasons.append(f"{'/'.join(sorted((a.modifiers | b.modifiers) & group))} on one side only")
    if a.direction and b.direction and a.direction != b.direction and a.role == "delta":
        d.veto = "one rose, the other fell"
        return d
    if a.modality != b.modality:
        d.veto = f"{a.modality} vs {b.modality}"
        return d
    if a.modality in ("vote", "question", "hypothetical"):
        d.veto = a.modality
        return d
    if a.modality == "forecast":
        if a.vintage is not None and b.vintage is not None and abs(a.vintage - b.vintage) > 1:
            d.veto = "forecasts made at different times"
            return d
        if a.vintage is None or b.vintage is None:
            d.score -= 0.5
            d.reasons.append("forecasts; when one was made is not known")

    if a.document == b.document and a.table_row and b.table_row:
        d.veto = "rows of one table or list: each row is its own item"
        return d
    if (a.table_row or b.table_row) and not (a.subject and b.subject):
        d.veto = "a table row naming no subject"
        return d
    if a.share_of and b.share_of and a.share_of != b.share_of:
        d.veto = f"shares of different wholes ({' '.join(a.share_of)} vs {' '.join(b.share_of)})"
        return d
    if a.label and b.label and not (a.label & b.label) and not (a.label_concept and a.label_concept == b.label_concept):
        # '"Unethical": 7%' and '"Manipulative": 10%'; "Prior funding:" and "Futarchy raise actual:"
        d.veto = f"lines labelled differently ({' '.join(sorted(a.label))} vs {' '.join(sorted(b.label))})"
        return d
    if (fa.value == 0) != (fb.value == 0) and a.counted != b.counted:
        # "0 team tokens are circulating" and "12.9M circulating": none of one thing, some of another
        d.veto = f"none of one thing against some of another ({a.counted or '-'} vs {b.counted or '-'})"
        return d
    counts_a = {word: count for word, count in a.tallies}
    for word, count in b.tallies:
        if word in counts_a and counts_a[word] != count and fa.value != count and fb.value != counts_a[word]:
            # "six ICOs raised $18.7M" and "eight ICOs raised $25.6M": totals over different sets
            d.veto = f"totals over different numbers of {word} ({counts_a[word]} vs {count})"
            return d
    if a.share_of and a.share_of == b.share_of and a.predicate and b.predicate:
        common = len(a.predicate & b.predicate) / min(len(a.predicate), len(b.predicate))
        if common < 0.5:
            # "68% of Gen Z already have ..." and "80% of Gen Z plan to ...": shares of one group
            # that do different things
            d.veto = f"shares of {' '.join(a.share_of)} doing different things"
            return d
    guessed = a.concept.startswith("~") or b.concept.startswith("~")
    if guessed and (a.document == b.document or a.table_row or b.table_row):
        d.veto = "the measure is only guessed from a nearby noun"
        return d

    # measure
    confidence = min(a.concept_confidence, b.concept_confidence)
    d.score += 2.0 * confidence
    d.reasons.append(f"measure {a.concept} ({confidence:.1f})")
    if a.part and a.part == b.part and a.part not in ("a part", "a share", "part"):
        # "Fly-tipping incidents fell to 1,920" and "Fly-tipping incidents dropped to 2,190": the same
        # named thing, however weakly its measure was read
        d.score += 1.0
        d.reasons.append(f"both of {a.part}")

    # subject
    explicit = {"clause", "sentence"}
    if a.subject and b.subject:
        if a.subject == b.subject or _prefix(a.subject, b.subject) or _tail(a.subject, b.subject):
            points = 2.0 if (a.subject_source in explicit and b.subject_source in explicit) else 1.5
            if a.subject_source not in explicit and b.subject_source not in explicit:
                points = 1.0
            d.score += points
            d.reasons.append(f"subject {a.subject}")
        elif _shared_name_word(a.subject, b.subject):
            d.score += 0.5
            d.reasons.append(f"related subjects ({a.subject}, {b.subject})")
        elif a.subject_source in explicit and b.subject_source in explicit:
            d.veto = f"different subjects ({a.subject} vs {b.subject})"
            return d
        else:
            stated, other = (a, b) if a.subject_source in explicit else (b, a)
            if (
                stated.subject_source in explicit
                and other.subject_source == "note"
                and stated.subject in other.note_names
            ):
                # "Tideglass averaged 3.2 million" and "Daily active users averaged 2.3 million" in a
                # note about its maker that names Tideglass too: the note's subject was only a guess
                d.score -= 1.0
                d.reasons.append(
                    f"subjects differ ({a.subject} vs {b.subject}), but the other note names {stated.subject}"
                )
            elif (
                a.subject_source == b.subject_source == "note"
                and a.subject in b.note_names
                and b.subject in a.note_names
            ):
                # each note's main name is named by the other: two notes about the same few things
                # ("Skarn completes Halden Bank" and "Halden Bank switched on, developer Skarn said")
                d.score += 1.0
                d.reasons.append(f"subjects differ ({a.subject} vs {b.subject}), but both notes name both")
            else:
                d.score -= 2.0
                d.reasons.append(f"subjects differ ({a.subject} vs {b.subject})")
    elif "(world)" in (a.subject, b.subject):
        d.score += 0.5
        d.reasons.append("a world total, and a total naming no one")
    elif _in_topic(a, b) or _in_topic(b, a):
        d.score += 1.0
        d.reasons.append(f"{a.subject or b.subject} named by the other note's title")
    elif a.subject or b.subject:
        named, unnamed = (a, b) if a.subject else (b, a)
        if fa.path != fb.path and unnamed.note_names and named.subject not in unnamed.note_names:
            # the other note never mentions it: its figures are about something else
            d.score -= 2.5
            d.reasons.append(f"{named.subject} is never named in the other note")
        else:
            # a sentence that names no one next to one that names a company is as often a total
            # ("vendors shipped 1.24 billion") as the same company: weak evidence against
            d.score -= 0.5
            d.reasons.append(f"{named.subject} on one side, no subject named on the other")
    elif a.document == b.document or (a.topic & b.topic):
        d.reasons.append(
            "no subject named" + ("; the notes' titles name the same thing" if a.document != b.document else "")
        )
    elif a.topic and b.topic:
        d.score -= 2.0
        d.reasons.append("no subject named, and the notes' titles name different things")
    else:
        d.score -= 1.0
        d.reasons.append("no subject named in either note")

    # time
    kind = a.concept_kind
    if a.when is not None and b.when is not None and a.when_source != "note date" and b.when_source != "note date":
        stated = a.when_source in ("clause", "sentence") and b.when_source in ("clause", "sentence")
        if not a.when.matches(b.when):
            if stated or not a.when.overlaps(b.when):
                d.veto = f"different times ({a.when.label} vs {b.when.label})"
                return d
            point_stock = kind == "stock" and "point" in (a.when.grain, b.when.grain)
            if "document" in (a.when_source, b.when_source) and a.when.grain != b.when.grain and not point_stock:
                # "annual profit fell 16%" in a note about FY25 and "dropped 18% in H1 FY25": the
                # note's year holds the half, but a figure of the year is not one of the half (a stock
                # "at 31 March 2025" is one of the fiscal year it ends, though)
                d.score -= 2.0
                d.reasons.append(f"a {a.when.grain} and a {b.when.grain}, one only from the note's year")
            else:
                d.score += 0.5
                d.reasons.append(f"overlapping times ({a.when.label}, {b.when.label}), one from context")
        elif kind == "event" and not stated and _days_apart(a, b) > EVENT_DAYS:
            # a launch record's heading says Q4; two launch records a week apart are two launches
            d.score -= 1.0
            d.reasons.append(f"events in notes dated {_days_apart(a, b)} days apart")
        else:
            d.score += 2.0 if stated else 1.5
            d.reasons.append(f"same time ({a.when.label})")
    elif kind == "event":
        apart = _days_apart(a, b)
        if apart > EVENT_DAYS and a.when_source == b.when_source == "note date":
            # two records of an event, dated a week and more apart, are most often two events
            # (a second funding round, a relaunch), not two accounts of one
            d.score -= 1.5
            d.reasons.append(f"events in notes dated {apart} days apart")
        elif max(a.event_dates, b.event_dates) >= 2:
            # the KB records several of these for the subject: an undated one may be any of them
            d.score -= 1.5
            d.reasons.append(
                f"{a.subject or b.subject} has {max(a.event_dates, b.event_dates)} dated events of this kind"
            )
        else:
            # a raise, a launch, a deal: no period is needed to name one, but an entity may have
            # several (a second round, a relaunch), so no time is no evidence either way
            d.reasons.append("an event, no time stated")
    elif a.when_source == "note date" and b.when_source == "note date":
        apart = _days_apart(a, b)
        if apart and (a.running or b.running):
            # "the fire has now destroyed 240 structures": a running count as of each note's day
            d.score -= 2.5
            d.reasons.append(f"a running count, in notes dated {apart} days apart")
        elif apart > EVENT_DAYS:
            # a price, a bid or a balance in notes written weeks apart may simply have changed;
            # months apart, it has
            d.score -= 2.5 if apart > 31 else 1.0
            d.reasons.append(f"no period stated; notes dated {apart} days apart")
        elif a.when is not None and b.when is not None and abs(a.when.start - b.when.start) <= 1:
            d.score += 0.5
            d.reasons.append("no period stated; notes of the same month")
        else:
            d.score -= 1.0
            d.reasons.append("no period stated")
    else:
        dated = a if a.when_source != "note date" else b
        other = b if dated is a else a
        if kind == "stock" and dated.when and other.when and dated.when.matches(other.when):
            d.score += 0.5
            d.reasons.append("a stock stated at the note's date")
        elif kind == "stock" and dated.when_source == "document" and other.when and dated.when.overlaps(other.when):
            # "covers 10.3 million" in a 2024 report, "providing care to 10.8 million" on a page
            # dated April 2024: the page's date falls in the other's year
            d.reasons.append(f"a stock at a note's date within {dated.when.label}")
        else:
            d.score -= 1.0
            d.reasons.append("one side states no period")

    # the counted nouns: "32,900 students" and "24,120 undergraduates" count different things
    names = [_CONCEPT_OF.get((n.counted,)) == n.concept for n in (a, b)]
    if a.counted and b.counted and a.counted != b.counted and names[0] != names[1]:
        # one counts what the measure names ("students"), the other something narrower
        d.score -= 1.5
        d.reasons.append(f"counts {a.counted} vs {b.counted}")

    if (
        a.verb
        and b.verb
        and a.verb != b.verb
        and a.verb not in RECORDING_VERBS
        and b.verb not in RECORDING_VERBS
        and a.concept == b.concept
        and a.concept not in _CONCEPT_KINDS  # a counted noun, not a vocabulary measure
        and not a.unit  # tonnes moved or carried are tonnes
        and (_CONCEPT_OF.get((a.verb,)) is None or _CONCEPT_OF.get((a.verb,)) != _CONCEPT_OF.get((b.verb,)))
    ):
        # "completed 4,860 homes" and "permits were issued for 6,210 homes": the same noun, done differently
        d.score -= 1.5
        d.reasons.append(f"{a.measure_text} {a.verb} vs {b.verb}")

    # the words around the numbers
    words_a, words_b = _stems(a.clause_words), _stems(b.clause_words)
    union = words_a | words_b
    overlap = 0.0
    if union:
        overlap = len(words_a & words_b) / len(union)
        d.score += 2.0 * overlap
        d.reasons.append(f"clause overlap {overlap:.2f}")
    # values far apart are weak evidence of two quantities (gross vs net, a part vs the whole)
    if ratio is not None:
        penalty = 3.5 if ratio > 3 else 2.5 if ratio > 2 else 0.5 if ratio > 1.5 else 0.0
        if penalty:
            d.score -= penalty
            d.reasons.append(f"values {ratio:.1f}x apart")
    if a.document == b.document:
        # a note contradicts itself between a summary and its body (front matter, key points, a
        # timeline); two values under one heading are most often a list of different things
        if min(a.concept_confidence, b.concept_confidence) < 0.85:
            d.veto = "one note, and the measure is not named plainly"
            return d
        if overlap < SAME_NOTE_OVERLAP:
            # a note restating its own figure repeats the words around it; in other words it is
            # most often another figure ("YouTube is 11% of viewing" and "Broadcast (20.5%)")
            d.veto = f"one note, and the words around the numbers differ (overlap {overlap:.2f})"
            return d
        if not (_measure_in(a, b) or _measure_in(b, a)):
            # one author names one quantity with one word: "presale threshold" and "of supply" in
            # one note are two quantities
            d.score -= 1.5
            d.reasons.append(f"one note, measured in other words ({a.measure_text} vs {b.measure_text})")
        if fa.section == fb.section:
            if not (a.subject_source in explicit or b.subject_source in explicit):
                d.veto = "one section of one note, no subject named: a list of different things"
                return d
            d.score -= 1.0
            d.reasons.append("same note, same section")
        else:
            d.reasons.append("same note, other sections")
    return d


STEM = 7  # "oversubscribed" and "oversubscription", "commitment" and "committed" meet on their first letters


@functools.lru_cache(maxsize=65536)
def _stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(word[:STEM] for word in words)


def _days_apart(a: Norm, b: Norm) -> int:
    return abs((a.note_date - b.note_date).days) if a.note_date and b.note_date else 0


def _in_topic(named: Norm, other: Norm) -> bool:
    """A fact naming no subject is about its note's topic: "Gross savings: $6.6B" in a note titled
    "Medicare Shared Savings Program 2024 results"."""
    return bool(named.subject and not other.subject and set(named.subject.split()) & other.topic)


def _shared_name_word(a: str, b: str) -> bool:
    """ "acos" and "shared program acos": names that share a distinctive word may name one thing."""
    words_a = {w for w in a.split() if len(w) >= 4}
    return bool(words_a & set(b.split()))


def _prefix(a: str, b: str) -> bool:
    """ "inside out" and "inside out 2", "ryanair" and "ryanair dac": one name starts the other."""
    short, long = sorted((a.split(), b.split()), key=len)
    return (
        len(short) < len(long)
        and long[: len(short)] == short
        and len(" ".join(short)) >= 4
        # "ryanair" and "ryanair dac"; not "futardio" and "futardio cult", another thing
        and all(w in GENERIC_TAILS or w.isdigit() for w in long[len(short) :])
    )


def _tail(a: str, b: str) -> bool:
    """ "shared savings program" and "medicare shared savings program": a name of two words and more
    that ends another is the same thing with its owner left out."""
    short, long = sorted((a.split(), b.split()), key=len)
    return 2 <= len(short) < len(long) and long[-len(short) :] == short and len(" ".join(short)) >= 10


_DIGITS = re.compile(r"\d+")


def parallel(a: str, b: str) -> list[str] | None:
    """Whether two lines are written from one template: the same words, the numbers aside, with at
    most two short substitutions ("For Activate ... (77%)" and "For eMarketer ... (79%)"). Returns
    the substituted words (empty when only numbers differ), or None."""
    (left, left_lower), (right, right_lower) = _template(a), _template(b)
    if left_lower == right_lower:
        return []
    if abs(len(left) - len(right)) > 2 or min(len(left), len(right)) < 3:
        return None
    swapped, same, changed = [], 0, 0
    matcher = SequenceMatcher(None, left_lower, right_lower, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same += sum(1 for word in left[i1:i2] if "#" not in word)
        elif max(i2 - i1, j2 - j1) > 2:
            return None
        else:
            # a word only one line has ("Tern Valley Railway" and "Tern Valley") lengthens a
            # name; a replaced one ("For Activate", "For eMarketer") is another
            swapped.append(left[i1:i2] + right[j1:j2] if op == "replace" else [])
            changed += max(i2 - i1, j2 - j1)
    if len(swapped) <= 2 and same >= 3 and same >= 0.6 * (max(len(left), len(right)) - changed):
        return [word for words in swapped for word in words if "#" not in word and word not in _UNIT_WORDS]
    return None


_TEMPLATE_WORD = re.compile(r"[\w#.,]+")


@functools.lru_cache(maxsize=65536)
def _template(sentence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = tuple(_TEMPLATE_WORD.findall(_DIGITS.sub("#", sentence)))
    return words, tuple(word.lower() for word in words)


# a number's own unit and scale words are part of how it is written, not another name
_UNIT_WORDS = frozenset({*TOKEN_UNITS, *SCALES, *CURRENCY_WORDS, "USD", "EUR", "GBP", "JPY"})


def _measure_in(a: Norm, b: Norm) -> bool:
    """Whether a's measure, as written, is among the words of b's clause."""
    words = [lemma(word) for word in _WORDS.findall(a.measure_text)]
    return bool(words) and all(word in b.clause_words for word in words)


_WORDS = re.compile(r"[A-Za-z]+")
