"""Whether two claims say the same thing: restatements caught, opposites never merged.

Ingest files a proposed claim as evidence on an existing claim when the two say the same; filing it
on a claim that says something else corrupts the KB silently, so the test is built to fail safe:

1. Both texts are reduced to what they claim: a dateline ("NEW YORK, Feb 4 -"), an attribution
   ("according to CMS", "analysts said"), an opening time phrase ("On Thursday,") and a discourse
   marker ("However,") are dropped.
2. A *decisive difference* rules a match out whatever the wording's overlap: a number or a time
   unit replaced by another (in one day / in one week), a named thing replaced by another (Kalshi /
   Polymarket), an opposite on one axis (succeed / stall, rise / fall, inflationary / deflationary,
   efficient / inefficient), a negation on one side only, a different quantifier (most / some).
3. Otherwise the two are the same when their slugs are equal, or when one adds words to the other
   and replaces none: nearly the same wording, or the shorter one's every content word inside the
   longer one (a title restated inside a sentence). A word replaced by another is never a match:
   it may be an opposite no list knows ("spreads widen" / "spreads narrow").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from .conflicts.vocabulary import lemma
from .resolve import slugify

NEAR_RATIO = 90  # rapidfuzz ratio on slugs at or above which two texts are worded the same
MIN_CONTENT = 4  # fewer content words than this is too little to call a restatement

# Each axis lists words of one polarity, then "|", then their opposites.
_AXES = """
rise rises rising rose risen increase increases increased increasing grow grows grew growing growth
  gain gains gained up higher more greater larger bigger expand expands expanded expanding accelerate
  accelerates accelerated improve improves improved strengthen strengthens strengthened boost boosts
  boosted surge surges surged climb climbs climbed exceed exceeds exceeded outperform outperforms
  outperformed above over maximum max
  | fall falls fell fallen falling decrease decreases decreased decreasing decline declines declined
  declining shrink shrinks shrank shrinking drop drops dropped down lower less fewer smaller contract
  contracts contracted slow slows slowed decelerate decelerates worsen worsens worsened weaken weakens
  weakened cut cuts reduce reduces reduced reducing plunge plunges plunged underperform underperforms
  underperformed below under minimum min
succeed succeeds succeeded success successful win wins won work works achieve achieves achieved
  | fail fails failed failure stall stalls stalled lose loses lost collapse collapses collapsed
inflationary inflation | deflationary deflation
overvalued | undervalued
positive | negative
profit profits profitable surplus | loss losses deficit
bull bullish | bear bearish
optimistic | pessimistic
centralized centralised centralize centralization | decentralized decentralised decentralize decentralization
include includes included inclusion | exclude excludes excluded exclusion
support supports supported | oppose opposes opposed
confirm confirms confirmed validate validates validated | refute refutes refuted contradict
  contradicts contradicted invalidate invalidates invalidated
strong stronger strongest | weak weaker weakest
cheap cheaper cheapest | expensive costlier
safe safer | risky riskier dangerous
early earlier | late later
before | after
long longer | short shorter
majority | minority
public | private
open | closed
legal | illegal
easy easier | hard harder difficult
fast faster | slow slower
first | last
best | worst
"""
_NEGATORS = frozenset(
    "not no never none nor cannot can't won't isn't aren't doesn't don't didn't without neither non".split()
)
_QUANTIFIERS = frozenset("all every each most many some few several none majority minority half any only".split())
_TIME_UNITS = {lemma(w): w for w in "second minute hour day week month quarter year decade century".split()}
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non", "dis", "de", "anti")
_STOP = frozenset(
    """a an the of in on at by for to from with and or but as is are was were be been being that this these those
    it its their there which who whom whose than then so such into onto over under about across per via
    has have had do does did can could will would may might should must""".split()
)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_SCALES.update({"t": 1e12, "trillion": 1e12})
_NUMBER = re.compile(
    r"(?<![\w.])[$£€¥]?(\d+(?:[.,]\d+)*)\s*(trillion|billion|million|thousand|bn|mn|[kmbt])?(?![a-z])", re.I
)
_NUMBER_WORDS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'&-]{2,40}(?:\([^)]{1,30}\))?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*[-—–:]+\s+"
)
# an opening time that names no date ("On Thursday,", "Earlier this week,"): a dated one ("As of
# August 19,", "In 2024,") says which figure the claim is and stays
_OPENING_TIME = re.compile(
    r"^\s*(?:on\s+[A-Z][a-z]+day|earlier\s+(?:this|last)\s+(?:week|month)|(?:earlier|later)\s+today|"
    r"this\s+(?:week|morning|afternoon))\s*,\s+",
    re.I,
)
_MARKER = re.compile(
    r"^\s*(?:however|meanwhile|by comparison|in comparison|moreover|in addition|additionally|notably|"
    r"importantly|still|yet|also|overall|in fact|indeed|that said|crucially|separately|further(?:more)?|"
    r"similarly|likewise|in short|in other words|as a result|thus|therefore|so)\s*,?\s+",
    re.I,
)
_ATTRIBUTION = re.compile(
    r",?\s*(?:according to|citing|reported by)\s+(?:the\s+)?[^,.;]{1,60}?(?=[,.;]|$)"
    r"|,?\s*(?:the\s+)?[\w'’ ]{1,30}?\s+(?:said|says|say|found|reported|estimates?|noted|wrote|shows?)\.?\s*$",
    re.I,
)
# "Researchers found that", "The authors argued on Thursday that": a capitalised name, then a lower-case verb
_LEADING_ATTRIBUTION = re.compile(
    r"^\s*(?:[A-Z][\w.&'’-]*\s+|the\s+|[a-z]+\s+(?=[a-z]+\s+(?:said|says)\b)){1,5}"
    r"(?:said|says|reports|reported|found|finds|notes|noted|estimates|estimated|argues|argued|wrote|writes|"
    r"announced|announces)\s+(?:on\s+\w+\s+)?(?:that\s+)?"
)
# "The audit found that", "A 2024 study shows"
_STUDY_FOUND = re.compile(
    r"^\s*(?:the|a|an|this)\s+(?:[\w-]+\s+){0,2}(?:report|study|audit|survey|analysis|paper|review|research|"
    r"trial|data|authors?|researchers?|analysts?)\s+(?:found|finds|shows?|showed|suggests?|estimates?|concludes?|"
    r"concluded)\s+(?:that\s+)?",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*|\d+(?:[.,]\d+)*")  # hyphens split: a slug's words are words


def _axes() -> dict[str, tuple[int, int]]:
    table: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(re.split(r"\n(?=\S)", _AXES.strip())):
        plus, _, minus = line.partition("|")
        for polarity, words in ((1, plus), (-1, minus)):
            for word in words.split():
                table.setdefault(word, (number, polarity))
    return table


_AXIS = _axes()


@dataclass(frozen=True, eq=False)
class ClaimText:
    """A claim reduced to what decides whether it says the same as another."""

    core: str  # the text without dateline, attribution, opening time phrase and marker
    slug: str
    content: Counter  # lemmas of the words that carry meaning, counted
    words: frozenset[str]  # every word, lower case
    lemmas: Counter  # every word's lemma, counted
    numbers: Counter
    time_units: Counter
    negations: int
    quantifiers: frozenset[str]
    polarity: dict  # axis -> Counter of polarities: "up ... more ... decline" is {+1: 2, -1: 1}
    names: frozenset[str]  # capitalised words that name something, lower case


@functools.lru_cache(maxsize=16384)
def claim_text(text: str) -> ClaimText:
    core = strip_framing(text)
    tokens = _WORD.findall(core)
    lowered = [re.sub(r"'s$", "", t.lower().replace("’", "'")) for t in tokens]
    numbers: Counter = Counter()
    for match in _NUMBER.finditer(core):
        digits = match.group(1).replace(",", "")
        try:
            value = float(digits) * _SCALES.get((match.group(2) or "").lower(), 1)
        except ValueError:
            continue
        numbers[round(value, 6)] += 1
    for word in lowered:
        if word in _NUMBER_WORDS and word not in ("one",):
            numbers[float(_NUMBER_WORDS[word])] += 1
    polarity: dict[int, Counter] = {}
    for word in lowered:
        if word in _AXIS:
            axis, sign = _AXIS[word]
            polarity.setdefault(axis, Counter())[sign] += 1
    # a capitalised first word counts too: it only matters when the other text lacks it and has a
    # capitalised word of its own ("Kalshi leads" / "Polymarket leads")
    names = {
        re.sub(r"'s$", "", token.lower().replace("’", "'"))
        for token in tokens
        if token[0].isupper() and token.lower() not in _STOP and token.lower() not in _AXIS
    }
    content = Counter(lemma(w) for w in lowered if w not in _STOP and w not in _NEGATORS and len(w) > 1)
    return ClaimText(
        core=core,
        slug=slugify(core),
        content=content,
        words=frozenset(lowered),
        lemmas=Counter(lemma(w) for w in lowered),
        numbers=numbers,
        time_units=Counter(_TIME_UNITS[lemma(w)] for w in lowered if lemma(w) in _TIME_UNITS),
        negations=sum(1 for w in lowered if w in _NEGATORS or w.endswith("n't")),
        quantifiers=frozenset(w for w in lowered if w in _QUANTIFIERS),
        polarity=polarity,
        names=frozenset(names),
    )


def strip_framing(text: str) -> str:
    """The claim without the news framing around it: dateline, attribution, opening time, marker."""
    core = re.sub(r"\s+", " ", text).strip().strip("*").strip()
    for _ in range(3):
        before = core
        core = _DATELINE.sub("", core)
        core = _OPENING_TIME.sub("", core)
        core = _MARKER.sub("", core)
        core = _ATTRIBUTION.sub("", core).strip(" ,")
        core = _LEADING_ATTRIBUTION.sub("", core)
        core = _STUDY_FOUND.sub("", core)
        if core == before:
            break
    core = core.rstrip(".").strip()
    return core[:1].upper() + core[1:] if core else core


def decisive_difference(a: str | ClaimText, b: str | ClaimText) -> str | None:
    """Why two claims cannot be the same, or None: what one states and the other replaces."""
    x = a if isinstance(a, ClaimText) else claim_text(a)
    y = b if isinstance(b, ClaimText) else claim_text(b)
    if (x.negations % 2) != (y.negations % 2):
        return "one is negated"
    only_x, only_y = x.numbers - y.numbers, y.numbers - x.numbers
    if only_x and only_y:
        return f"numbers differ ({_fmt(only_x)} vs {_fmt(only_y)})"
    if x.time_units - y.time_units and y.time_units - x.time_units:
        return f"time units differ ({_list(x.time_units - y.time_units)} vs {_list(y.time_units - x.time_units)})"
    if x.quantifiers != y.quantifiers:
        return f"quantifiers differ ({_list(x.quantifiers)} vs {_list(y.quantifiers)})"
    for axis in set(x.polarity) & set(y.polarity):
        if x.polarity[axis] != y.polarity[axis]:
            return "opposite directions"
    opposite = _prefix_opposite(x.words, y.words) or _prefix_opposite(y.words, x.words)
    if opposite:
        return f"opposites ({opposite})"
    names_x = {n for n in x.names if n not in y.words}
    names_y = {n for n in y.names if n not in x.words}
    if names_x and names_y:
        return f"different names ({', '.join(sorted(names_x))} vs {', '.join(sorted(names_y))})"
    return None


def same_claim(a: str, b: str) -> bool:
    """Whether claim text `a` says what claim text `b` says (symmetric)."""
    return match_reason(a, b) is not None


def match_reason(a: str, b: str) -> str | None:
    """How `a` and `b` say the same ("same slug", "same words", "contains the title"), or None."""
    from rapidfuzz import fuzz

    x, y = claim_text(a), claim_text(b)
    if not x.slug or not y.slug:
        return None
    if decisive_difference(x, y):
        return None
    if x.slug == y.slug:
        return "same slug"
    if x.lemmas - y.lemmas and y.lemmas - x.lemmas:
        # a word replaced by another: unless the vocabulary knows the pair, the two may be opposites
        # ("spreads widen" / "spreads narrow"), and a missed restatement costs less than a wrong merge
        return None
    if fuzz.ratio(x.slug, y.slug) >= NEAR_RATIO:
        return "same words"
    shorter, longer = sorted((x.content, y.content), key=lambda words: sum(words.values()))
    if sum(shorter.values()) >= MIN_CONTENT and not shorter - longer:
        return "contains the other"
    return None


def _prefix_opposite(a: frozenset[str], b: frozenset[str]) -> str | None:
    for word in a:
        for prefix in _NEGATING_PREFIXES:
            if len(word) > 4 and prefix + word in b and prefix + word not in a:
                return f"{word} / {prefix}{word}"
    return None


def _list(words) -> str:
    return ", ".join(sorted(words)) or "-"


def _fmt(numbers: Counter) -> str:
    return ", ".join(f"{n:g}" for n in sorted(numbers))
