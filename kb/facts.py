"""Numeric facts: every stated quantity in a note, with what it measures, when, and how precisely.

Deterministic (no sets iterated for output, no hash-dependent order) and dependency-free: regexes
and `Decimal`. A fact keeps its note, line, exact span, value in base units (`$2.48 billion` is
2480000000 USD; `8.1%` is 8.1 percent), implied precision (half the last written digit, with a
two-significant-figure floor for round integers), hedge, period, subject entities, measure,
modifiers, role (level / from / to / delta) and modality (asserted / hypothetical / target /
forecast).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from . import codec

# ---------------------------------------------------------------------------- vocabulary

SCALES = {
    "thousand": 3,
    "k": 3,
    "K": 3,
    "million": 6,
    "mn": 6,
    "mm": 6,
    "m": 6,
    "M": 6,
    "billion": 9,
    "bn": 9,
    "b": 9,
    "B": 9,
    "trillion": 12,
    "tn": 12,
    "t": 12,
    "T": 12,
}
CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "gbp": "GBP",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
}
TOKEN_UNITS = ("USDC", "USDT", "SOL", "ETH", "BTC", "META", "DAI", "USDe")
HEDGES = {
    # below: "nearly 480" means a little under 480
    "nearly": "below",
    "almost": "below",
    "just under": "below",
    "just shy of": "below",
    "about": "approx",
    "around": "approx",
    "approximately": "approx",
    "approx.": "approx",
    "approx": "approx",
    "roughly": "approx",
    "some": "approx",
    "circa": "approx",
    "~": "approx",
    "≈": "approx",
    "an estimated": "approx",
    "more than": "lower",
    "over": "lower",
    "at least": "lower",
    "upwards of": "lower",
    "in excess of": "lower",
    "exceeding": "lower",
    "above": "lower",
    "less than": "upper",
    "under": "upper",
    "up to": "upper",
    "as many as": "upper",
    "as much as": "upper",
    "at most": "upper",
    "fewer than": "upper",
    "below": "upper",
}
MODIFIER_DIMENSIONS = {
    "net": "basis",
    "gross": "basis",
    "per capita": "scope",
    "per-capita": "scope",
    "per beneficiary": "scope",
    "per-beneficiary": "scope",
    "per member": "scope",
    "per user": "scope",
    "per person": "scope",
    "per share": "scope",
    "per year": "rate",
    "annual": "rate",
    "annually": "rate",
    "monthly": "rate",
    "per month": "rate",
    "daily": "rate",
    "per day": "rate",
    "weekly": "rate",
    "quarterly": "rate",
    "average": "statistic",
    "mean": "statistic",
    "median": "statistic",
    "total": "scope",
    "cumulative": "scope",
    "shared": "sharing",
}
MODIFIER_CANONICAL = {
    "per-capita": "per capita",
    "per beneficiary": "per capita",
    "per-beneficiary": "per capita",
    "per member": "per capita",
    "per user": "per capita",
    "per person": "per capita",
    "annually": "annual",
    "per year": "annual",
    "per month": "monthly",
    "per day": "daily",
    "mean": "average",
    "cumulative": "total",
}
# Verbs and the measure they state ("saved $X" is savings).
VERB_MEASURES = {
    "saved": "savings",
    "saves": "savings",
    "save": "savings",
    "raised": "raise",
    "raises": "raise",
    "raising": "raise",
    "lost": "losses",
    "lose": "losses",
    "loses": "losses",
    "spent": "spending",
    "spends": "spending",
    "spend": "spending",
    "earned": "earnings",
    "earns": "earnings",
    "cost": "cost",
    "costs": "cost",
    "valued": "valuation",
    "committed": "commitments",
    "paid": "payments",
    "pays": "payments",
    "employs": "employees",
    "employed": "employees",
    "owns": "holdings",
    "generated": None,
    "collected": "revenue",
    "invested": "investment",
    "borrowed": "debt",
    "sold": "sales",
}
STOP_WORDS = frozenset(
    """
a an the and or but nor of in on at to from by for with without within into onto over under than then that this
these those there their its it is are was were be been being has have had do does did will would could should
may might can must as per via vs versus each every all any some no not only just also more most less least such
which who whom whose what when where while if so up down out off about across after before between during
through toward towards against among since until upon like including plus respectively
""".split()
)
HYPOTHETICAL = re.compile(r"\b(?:if|would|could|might|hypothetical(?:ly)?|suppose|assuming|imagine|scenario)\b", re.I)
TARGET = re.compile(
    r"\b(?:target(?:s|ed|ing)?|goal|aims? (?:to|for)|plans? to|seeks? to|aspires?|minimum goal|cap)\b", re.I
)
FORECAST = re.compile(
    r"\b(?:forecast\w*|project(?:ed|ion|ions|s)|expect(?:ed|s)?|estimate[ds]? to|predict\w*|"
    r"will (?:reach|hit|be|grow|rise|fall)|by 20\d\d|outlook|could reach)\b",
    re.I,
)
CHANGE_UP = (
    r"(?:(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up"  # "e-bikes make up 1,510 of the bikes": no rise
    r"|rose|rising|rise|increased?|increasing|grew|grown|growing|gained?|jumped|climbed|added)"
)
CHANGE_DOWN = r"(?:down|fell|falling|fall|decreased?|decreasing|declined?|declining|dropped|shrank)"
# Words that describe a number rather than say what is counted ("a peak of 561", "the number of ACOs").
NON_MEASURES = frozenset(
    {
        "peak",
        "high",
        "low",
        "record",
        "total",
        "level",
        "figure",
        "number",
        "amount",
        "sum",
        "value",
        "count",
        "estimate",
        "more",
        "less",
        "combined",
        "each",
        "nearly",
        "roughly",
        "just",
        "only",
        "some",
        "about",
        "approximately",
        "around",
        "almost",
        "over",
        "under",
    }
)
# Counted nouns that make a number a duration or a position, not a fact about the world we compare.
NOT_COUNTED = frozenset(
    {
        "year",
        "years",
        "month",
        "months",
        "day",
        "days",
        "week",
        "weeks",
        "hour",
        "hours",
        "minute",
        "minutes",
        "second",
        "seconds",
        "time",
        "times",
        "percent",
        "am",
        "pm",
        "decade",
        "decades",
        "century",
        "centuries",
        "quarter",
        "quarters",
    }
)
# Words after which a noun run ends: post-modifiers and comparisons ("savings relative to benchmarks").
RUN_BREAKS = frozenset(
    {
        "relative",
        "compared",
        "according",
        "due",
        "alone",
        "apiece",
        "overall",
        "combined",
        "annually",
        "respectively",
        "together",
        "higher",
        "lower",
        "greater",
        "larger",
        "smaller",
        "less",
        "more",
        "versus",
        "vs",
        "per",
        "each",
        "total",
        "last",
        "next",
        "this",
        "that",
    }
)
PREPOSITIONS = frozenset({"to", "of", "for", "from", "in", "on", "at", "by", "with", "among", "across", "into"})
# Irregular past tenses that end a noun run as surely as "-ed" does.
RUN_BREAKS = RUN_BREAKS | frozenset(
    "took made got gave went came saw won rose fell grew hit paid sold spent lost left kept held brought bought "
    "built became began ran set put cut led met told found said".split()
)
# Words that link a label to its value ("savings of $X", "revenue was $X").
LABEL_LINKS = frozenset(
    {
        "of",
        "at",
        "was",
        "were",
        "is",
        "are",
        "totaled",
        "totalled",
        "totaling",
        "totalling",
        "reached",
        "hit",
        "stood",
        "be",
        "about",
        "nearly",
        "approximately",
        "roughly",
        "around",
        "over",
        "than",
        "to",
        "by",
    }
)
# Abbreviations of measures and business vocabulary: they name no subject.
GENERIC_ACRONYMS = frozenset(
    """
YOY QOQ MOM CAGR ROI ROE ROA TAM SAM SOM ARR MRR ARPU LTV CAC EBITDA GDP CPI KPI KPIS FY PY CY YTD MTD TTM LTM APY APR
TVL FDV FDMC MCAP ATH ATL USD EUR GBP CEO CFO CTO COO RT RTS DM DMS FAQ TBD TBA NA ETA PDF URL API SDK UI UX IPO ICO
M&A M&E LP LPS GP VC VCS PE AUM NAV OTC DAU MAU WAU B2B B2C SAAS PR QA HR IT OK AM PM EST PST UTC GMT
""".split()
)
LOSS_MEASURES = frozenset({"loss", "losses", "deficit", "shortfall", "drawdown", "decline", "writedown"})

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE = r"trillion|billion|million|thousand|bn|tn|mn|mm|[kKmMbBtT](?![A-Za-z])"
_HEDGE = "|".join(sorted((re.escape(h) for h in HEDGES), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"""
    (?P<sign>[-−–](?=\s?(?:US\$|[$£€¥])?\d))?
    (?P<cur>US\$|[$£€¥])?
    (?P<num>{_NUMBER})
    (?:(?<!19\d\d)(?<!20\d\d)\s?(?:-|–|—|to)\s?(?:US\$|[$£€¥])?(?P<num2>{_NUMBER})(?=\s?(?:{_SCALE}|%|x\b|×|percent)))?
    (?P<scale>\s?(?:{_SCALE}))?
    (?P<unit>\s?(?:%|percent(?:age)?\s+points?|percent|per\s+cent\b|pp\b|bps\b|basis\s+points|x\b|×|
        (?:{"|".join(TOKEN_UNITS)})\b|dollars?\b|USD\b|euros?\b|pounds?\b|GBP\b|EUR\b))?
    (?P<plus>\+)?
    """,
    re.X,
)
_HEDGE_BEFORE = re.compile(rf"(?<![\w$])(?:{_HEDGE})\s*$", re.I)
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")


class _Quantity:
    """A quantity match: the regex match of the number, plus the hedge words found just before it."""

    __slots__ = ("match", "hedge", "hedge_start")

    def __init__(self, match: re.Match, hedge: str | None, hedge_start: int) -> None:
        self.match, self.hedge, self.hedge_start = match, hedge, hedge_start

    def group(self, name: str):
        return self.hedge if name == "hedge" else self.match.group(name)

    def start(self, name: str | None = None) -> int:
        if name:
            return self.match.start(name)
        return self.hedge_start if self.hedge else self.match.start()

    def end(self, name: str | None = None) -> int:
        return self.match.end(name) if name else self.match.end()


_NUMBER_START = re.compile(r"\.?\d")
_MOST_BEFORE_NUMBER = 4  # a quantity starts at most this far before its number: a sign and "US$"


def quantity_matches(sentence: str):
    """What `_QUANTITY.finditer` finds, several times faster. The pattern opens with optional parts, so
    the regex engine would try it at every character; every match holds a number, and starts at most
    _MOST_BEFORE_NUMBER characters before it, so only those few places are tried."""
    position = 0
    while True:
        number = _NUMBER_START.search(sentence, position)
        if number is None:
            return
        digit = number.start()
        for start in range(max(position, digit - _MOST_BEFORE_NUMBER), digit + 1):
            match = _QUANTITY.match(sentence, start)
            if match is not None:
                yield match
                position = match.end()
                break
        else:
            position = digit + 1


def _quantities(sentence: str):
    """Quantity matches; hedges are looked for behind each number, which keeps the scan fast."""
    for match in quantity_matches(sentence):
        start = match.start()
        window = sentence[max(0, start - 24) : start]
        hedge = _search_any_case(_HEDGE_BEFORE, _HEDGE_BEFORE_LOWER, window, window.lower()) if window else None
        if hedge:
            yield _Quantity(match, window[hedge.start() : hedge.end()], start - len(window) + hedge.start())
        else:
            yield _Quantity(match, None, start)


_PERIOD = re.compile(
    r"\b(?:(?P<fy>FY|PY|CY)\s?'?(?P<fyyear>\d{4}|\d{2})"
    r"|(?P<q>Q[1-4])\s?(?P<qyear>\d{4})|(?P<qyear2>\d{4})\s?(?P<q2>Q[1-4])"
    r"|(?P<h>H[12])\s?(?P<hyear>\d{4})|(?P<bareq>Q[1-4])\b"
    r"|(?P<year>(?:19[5-9]\d|20\d\d))(?![\d,%]|\.\d|\s?(?:" + _SCALE + r"|percent)\b))"
)
_ISO_DATE = re.compile(r"\b(19|20)\d\d-(0\d|1[0-2])-([0-3]\d)\b")
_AS_OF = re.compile(r"\bas of\s+(?:(?P<month>[A-Z][a-z]+)\s+)?(?:\d{1,2},?\s+)?(?P<year>(?:19|20)\d\d)", re.I)
_ENTITY = re.compile(r"\b[A-Z][A-Za-z0-9&'’.-]*[A-Za-z0-9]|\b[A-Z]\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_WIKILINK = re.compile(r"!?\[\[[^\[\]\n]*\]\]")  # no "[" inside: a run of "[[" fails at once
_MD_LINK_TARGET = re.compile(r"\](?:\([^()\s\]]*\))")  # no "(" or "]" inside: runs of "](" fail at once
_URL = re.compile(r"https?://\S+|www\.\S+")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_HTML = re.compile(r"<[^>\n]{1,200}>")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(\[*]*[A-Z0-9$£€])")
_ABBREVIATION = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,8})\(([A-Z][A-Za-z]{1,9}?)s?\)")
_DIGIT = re.compile(r"\d")
_MULTISPACE = re.compile(r"\s{2,}")
_MOVED_UP = re.compile(
    r"\b(?:bring|brings|bringing|brought|rose|risen|grew|grown|climbed|jumped|increased|went|"
    r"gone|moved|raised|raising|push(?:ed|ing)?|ramp(?:ed|ing)?)\b",
    re.I,
)
# "\b(?:in|during|for)\s+(year)\b", written to open with a character class so the regex engine skips
# ahead to candidate letters instead of trying every position of a whole note (twice as fast).
_IN_YEAR = re.compile(r"[idf](?:(?<=\bi)n|(?<=\bd)uring|(?<=\bf)or)\s+((?:19[5-9]\d|20\d\d))\b")
_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_PARENTHESES = re.compile(r"\([^()]*\)")
_BOLD_LINE = re.compile(r"\*\*[^*]+\*\*:?\s*$")  # "**Coding Intensity ($600B total):**" heads what follows
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTH_BEFORE = re.compile(_MONTHS + r"\.?\s+$")
_MONTH_AFTER = re.compile(r"(?:st|nd|rd|th)?\s+" + _MONTHS + r"\b")
_LABEL = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?\**([A-Za-z][^:*|]{1,40}?)\**\s*:\s")
_SHORT_FORM = re.compile(r"\(([A-Z][A-Za-z]{1,9}?)s?\)")
# numbers start where a run of digits starts: tried from every digit of a 50 KB CSV row, the first
# form rescanned the row from each one (quadratic)
_FORMULA = re.compile(r"(?<![\d,.])\d[\d,.]*+\s*[-+×*/÷]\s*\(?\$?\d.*=|=\s*\(?\$?\d[\d,.]*+\s*[-+×*/÷]")
_MODIFIER_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(
        sorted(
            (
                re.escape(m)
                for m in (
                    "net",
                    "gross",
                    "per capita",
                    "per-capita",
                    "per beneficiary",
                    "per-beneficiary",
                    "per member",
                    "per user",
                    "per person",
                    "per share",
                    "per year",
                    "annual",
                    "annually",
                    "monthly",
                    "per month",
                    "daily",
                    "per day",
                    "weekly",
                    "quarterly",
                    "average",
                    "mean",
                    "median",
                    "total",
                    "cumulative",
                    "shared",
                )
            ),
            key=len,
            reverse=True,
        )
    )
    + r")(?![\w-])",
    re.I,
)


def _lower_twin(pattern: re.Pattern) -> re.Pattern:
    """The IGNORECASE pattern without the flag, for text already lower-cased: several times faster, and on
    ASCII text it finds the same matches at the same places (the pattern is written in lower case).
    Other text keeps the original, since case folding maps some letters ("ſ", "K") to ASCII ones."""
    assert pattern.pattern == pattern.pattern.lower(), pattern.pattern
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _search_any_case(pattern: re.Pattern, twin: re.Pattern, text: str, lowered: str):
    """`pattern.search(text)` (IGNORECASE), given `lowered = text.lower()`."""
    return twin.search(lowered) if text.isascii() else pattern.search(text)


_HYPOTHETICAL_LOWER = _lower_twin(HYPOTHETICAL)
_FORECAST_LOWER = _lower_twin(FORECAST)
_TARGET_LOWER = _lower_twin(TARGET)
_HEDGE_BEFORE_LOWER = _lower_twin(_HEDGE_BEFORE)
_MODIFIER_LOWER = _lower_twin(_MODIFIER_RE)


_NEAR_MODIFIERS = frozenset(
    {
        "net",
        "gross",
        "per capita",
        "per-capita",
        "per beneficiary",
        "per-beneficiary",
        "average",
        "median",
        "per member",
        "per user",
        "per person",
        "per share",
    }
)
# Words after which a number is a label or an identifier, not a quantity ("proposal 12", "Tier 3:").
ID_WORDS = frozenset(
    """
# no. number proposal version v page pp. p. step phase tier level round season episode chapter section part item
rank ranked top grade id figure fig. table slide week day batch gen generation series model class type group
cohort wave belief arxiv doi isbn issn pmid case patent bill h.r. s. rule act room suite floor gate flight route
platform exit highway build release issue pr ticket call objective principle law stage milestone priority option
scenario lesson question reason pillar track layer point session meeting sprint iteration term
""".split()
)
_LAST_WORD = re.compile(r"(#|[A-Za-z][A-Za-z.]*)\s*[:#]?\s*$")
MONTH_WORDS = frozenset(
    """jan january feb february mar march apr april may jun june jul july aug august sep sept
september oct october nov november dec december""".split()
)


def _last_word(text: str) -> str:
    found = _LAST_WORD.search(text[-16:])
    return found.group(1).lower() if found else ""


@codec.record
@dataclass(slots=True, eq=True)
class Fact:
    path: str
    line: int
    start: int  # span in the line, [start, end)
    end: int
    text: str  # the exact span, hedge included
    sentence: str
    value: Decimal  # base units
    unit: str  # USD, GBP, SOL, %, pp, x, count
    half: Decimal  # implied precision: half of the last written digit, in base units
    loose: Decimal  # precision allowing a round integer to be rounded (>= 2 significant figures)
    hedge: str | None = None  # the hedge words as written
    hedge_kind: str | None = None  # below | approx | lower | upper
    range_high: Decimal | None = None  # "3-5x": value 3, range_high 5
    role: str = "level"  # level | from | to | delta
    period: str | None = None
    period_source: str = "none"  # clause | sentence | paragraph | heading | document | note date | none
    measure: str | None = None
    modifiers: tuple[str, ...] = ()
    subject: str | None = None  # a label that separates members from the aggregate
    entities: tuple[str, ...] = ()
    modality: str = "asserted"
    sentence_index: int = 0
    section: int = 0  # the number of the heading the fact sits under, in its note
    sentence_values: tuple[Decimal, ...] = ()  # every value stated in the fact's sentence

    @property
    def enumeration(self) -> bool:
        """A sentence listing four or more values is a breakdown ("A (8.1%), B (6.9%), …")."""
        return len(self.sentence_values) >= 4

    @property
    def unit_class(self) -> str:
        return self.unit

    def to_dict(self) -> dict:
        return {
            "source": self.path,
            "line": self.line,
            "text": self.text,
            "value": _number(self.value),
            "unit": self.unit,
            "precision": _number(self.half),
            "hedge": self.hedge,
            "role": self.role,
            "period": self.period,
            "period_source": self.period_source,
            "measure": self.measure,
            "modifiers": list(self.modifiers),
            "subject": self.subject,
            "modality": self.modality,
            "range_high": _number(self.range_high) if self.range_high is not None else None,
        }


def fact_rows(facts: list[Fact]) -> list[tuple]:
    """Facts as plain tuples, numbers as their text: pickled several times faster than the objects
    (worker results, the cache), and read back with `FactReader` sharing equal values."""
    return [
        (
            f.path,
            f.line,
            f.start,
            f.end,
            f.text,
            f.sentence,
            str(f.value),
            f.unit,
            str(f.half),
            str(f.loose),
            f.hedge,
            f.hedge_kind,
            None if f.range_high is None else str(f.range_high),
            f.role,
            f.period,
            f.period_source,
            f.measure,
            f.modifiers,
            f.subject,
            f.entities,
            f.modality,
            f.sentence_index,
            f.section,
            tuple(map(str, f.sentence_values)),
        )
        for f in facts
    ]


class SharedValues:
    """Equal numbers, labels and tuples kept once: a 100,000-note KB holds a million facts, most
    repeating a precision (0.5), a period, a unit or a sentence's entities. The extractor shares
    within a worker's batch, `FactReader` across batches and cached notes."""

    def __init__(self) -> None:
        self.numbers: dict[str, Decimal] = {}  # by text: Decimal("2") and Decimal("2.0") stay distinct
        self.values: dict = {}  # strings and tuples of strings

    def number(self, text: str) -> Decimal:
        value = self.numbers.get(text)
        if value is None:
            value = self.numbers[text] = Decimal(text)
        return value

    def decimal(self, value: Decimal) -> Decimal:
        return self.numbers.setdefault(str(value), value)


class FactReader(SharedValues):
    """Facts back from the rows of `fact_rows`, sharing equal values across all the rows it reads."""

    def __init__(self) -> None:
        super().__init__()
        self._sentence_values: dict[tuple[str, ...], tuple[Decimal, ...]] = {}

    def facts(self, rows: list[tuple]) -> list[Fact]:
        number, share, values = self.number, self.values.setdefault, self._sentence_values
        out = []
        for row in rows:
            sentence_values = values.get(row[23])
            if sentence_values is None:
                sentence_values = values[row[23]] = tuple(map(number, row[23]))
            out.append(
                Fact(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    share(row[4], row[4]),
                    row[5],
                    number(row[6]),
                    share(row[7], row[7]),
                    number(row[8]),
                    number(row[9]),
                    row[10],
                    row[11],
                    None if row[12] is None else number(row[12]),
                    share(row[13], row[13]),
                    share(row[14], row[14]),
                    share(row[15], row[15]),
                    share(row[16], row[16]),
                    share(row[17], row[17]),
                    share(row[18], row[18]),
                    share(row[19], row[19]),
                    share(row[20], row[20]),
                    row[21],
                    row[22],
                    sentence_values,
                )
            )
        return out


def _number(value: Decimal):
    """A Decimal as a JSON number: int when whole."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@dataclass
class NoteText:
    path: str
    title: str
    lines: list[str]  # body lines
    first_line: int  # file line of lines[0]
    fields: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# ---------------------------------------------------------------------------- helpers


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _half_unit(number: str) -> Decimal:
    digits = number.replace(",", "")
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        return Decimal(5).scaleb(-(decimals + 1))
    return Decimal("0.5")


def _loose_half(number: str) -> Decimal:
    """A round integer ("480", "10,000") may itself be rounded: assume >= 2 significant figures."""
    digits = number.replace(",", "")
    if "." in digits or not digits.endswith("0") or len(digits.lstrip("0")) < 2:
        return _half_unit(number)
    digits = digits.lstrip("0")
    written = digits.rstrip("0")
    zeros = len(digits) - len(written)
    # "480" may be 476 rounded (475-485), "10,000" one of 9,500-10,500; but "412,000" was written to
    # three figures: at most rounded to the thousand (411,500-412,500), never to 410,000
    return Decimal(5).scaleb(zeros - 1 if len(written) >= 2 else zeros - 2) if zeros else Decimal("0.5")


def _mask(line: str) -> str:
    """Blank out text that is not prose (links' targets, URLs, code, HTML), keeping columns."""

    def blank(match: re.Match) -> str:
        return " " * len(match.group(0))

    if "[[" in line:
        line = _WIKILINK.sub(blank, line)
    if "](" in line:
        line = _MD_LINK_TARGET.sub(blank, line)
    if "http" in line or "www." in line:
        line = _URL.sub(blank, line)
    if "`" in line:
        line = _CODE_SPAN.sub(blank, line)
    if "<" in line:
        line = _HTML.sub(blank, line)
    return line


MAX_SENTENCE = 1500  # characters; longer runs without a sentence end are cut at a space


def _sentences(line: str) -> list[tuple[int, str]]:
    """(start column, sentence) pieces of a line."""
    pieces = []
    start = 0
    for match in _SENTENCE_SPLIT.finditer(line):
        pieces.append((start, line[start : match.start()]))
        start = match.end()
    pieces.append((start, line[start:]))
    out = []
    for offset, text in pieces:
        # a "sentence" of thousands of words (a line with no full stops) is cut at spaces: every fact
        # looks at its whole sentence, so one giant sentence costs the square of its length
        while len(text) > MAX_SENTENCE:
            cut = text.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE)
            cut = cut if cut > 0 else MAX_SENTENCE
            out.append((offset, text[:cut]))
            offset, text = offset + cut, text[cut:]
        out.append((offset, text))
    return [(offset, text) for offset, text in out if text.strip()]


def _period_label(match: re.Match) -> str:
    if match.group("fy"):
        year = match.group("fyyear")
        year = year if len(year) == 4 else "20" + year
        return f"{match.group('fy').upper()}{year}"
    if match.group("q"):
        return f"{match.group('qyear')}-{match.group('q')}"
    if match.group("q2"):
        return f"{match.group('qyear2')}-{match.group('q2')}"
    if match.group("bareq"):
        return f"{match.group('bareq')} (year not stated)"
    if match.group("h"):
        return f"{match.group('hyear')}-{match.group('h')}"
    return match.group("year")


def _may_have_period(text: str) -> bool:
    """False only for text without a period: every period holds a 19xx/20xx year, a Q, or FY/PY/CY/H1/H2."""
    return "Q" in text or "Y" in text or "H" in text or _YEAR_DIGITS.search(text) is not None


def _periods_in(text: str) -> list[tuple[int, str]]:
    return _find_periods(text) if _may_have_period(text) else []


def _find_periods(text: str) -> list[tuple[int, str]]:
    masked = _ISO_DATE.sub(lambda m: " " * len(m.group(0)), text)
    found = [(m.start(), _period_label(m)) for m in _PERIOD.finditer(masked)]
    for m in _ISO_DATE.finditer(text):
        if m.group(3) != "00":
            found.append((m.start(), m.group(0)))  # "**2025-01-03** — First trade": the event's day
        elif m.group(2) != "00":
            found.append((m.start(), m.group(0)[:7]))
    for m in _AS_OF.finditer(text):
        found.append((m.start(), f"as of {m.group('year')}"))
    return sorted(found)


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.isupper() or len(lower) <= 3:
        return lower
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "ches", "shes", "xes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ings")):
        return lower[:-1]
    return lower


def _measure_word(word: str) -> str:
    word = word.strip("'’").lower()
    if word.endswith("s") and word[:-1].isupper():
        return word[:-1]
    return _singular(word)


# ---------------------------------------------------------------------------- the extractor


class Extractor:
    """Extract facts from notes. `aliases` maps phrases to "modifiers measure" ("returned to medicare" ->
    "net savings"); `document_frequency` of entities decides which entities are specific."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self.aliases = sorted(
            ((phrase.lower(), target.lower()) for phrase, target in (aliases or {}).items()),
            key=lambda item: (-len(item[0]), item[0]),
        )
        self._shared = SharedValues()  # keeps a worker's batch of facts (and its pickle) small

    # -- public

    def extract(self, note: NoteText) -> list[Fact]:
        abbreviations = self._abbreviations(note)
        default = None  # the note's own period, (label, source): worked out only if a fact needs it
        facts: list[Fact] = []
        sentence_index = 0
        paragraph_period: tuple[str, str] | None = None
        heading_period: str | None = None
        section = 0
        parents: list[tuple[int, str | None]] = []  # open list items: (indent, label)
        for offset, raw, line, segments in _logical_lines(note.lines):
            stripped = raw.lstrip()
            if not stripped:
                paragraph_period = None
                continue
            if stripped.startswith("#") or _BOLD_LINE.match(stripped):
                section += 1
                heading_periods = _periods_in(stripped)
                heading_period = heading_periods[0][1] if heading_periods else heading_period
                paragraph_period = None
                if not _DIGIT.search(stripped):
                    continue
            if not _DIGIT.search(line):
                continue
            line_periods = _periods_in(line)
            lead = re.match(
                r"\s*(?:[-*+]\s+)?(?:\*\*)?(?:In|During|For|As of|By)\s+(?:the\s+)?(?:(?:fiscal|calendar|"
                r"performance)\s+(?:year\s+)?)?((?:FY|PY|CY)?\s?'?\d{2,4}(?:\s?Q[1-4])?)\b",
                line,
            )
            if lead:
                lead_periods = _periods_in(lead.group(0))
                if lead_periods:
                    paragraph_period = (lead_periods[0][1], "paragraph")
            line_no = note.first_line + offset
            indent = len(raw) - len(raw.lstrip(" \t"))
            is_item = bool(_INLINE_0.match(raw))
            while parents and parents[-1][0] >= indent:
                parents.pop()
            parent_label = parents[-1][1] if (is_item and parents) else None
            if is_item:
                item_label = _LABEL.match(line)
                parents.append((indent, item_label.group(1).strip().lower() if item_label else None))
            for start, sentence in _sentences(line):
                sentence_index += 1
                found = self._facts_in_sentence(note, line_no, raw, start, sentence, sentence_index, abbreviations)
                for fact in _place(found, segments, note.first_line):
                    if parent_label and fact.subject is None:
                        fact = _replace(fact, subject=parent_label)
                    period, source = fact.period, fact.period_source
                    if period is None and line_periods and len(set(p for _, p in line_periods)) == 1:
                        period, source = line_periods[0][1], "line"
                    if period is None and paragraph_period:
                        period, source = paragraph_period
                    if period is None and heading_period:
                        period, source = heading_period, "heading"
                    if period is None:
                        if default is None:
                            default = self._default_period(note)
                        period, source = default
                    facts.append(_replace(fact, period=period, period_source=source, section=section))
        return facts

    # -- per note

    def _abbreviations(self, note: NoteText) -> dict[str, str]:
        """Short forms defined in the text, "accountable care organizations (ACOs)": {'organization': 'aco', ...}.

        A simplified Schwartz & Hearst: the words before the parenthesis whose initials spell the short form.
        """
        learned: dict[str, str] = {}
        for line in note.lines:
            if "(" not in line:
                continue
            for match in _SHORT_FORM.finditer(line):
                short = match.group(1)
                letters = short.upper()
                words = _INLINE_1.findall(line[max(0, match.start() - 120) : match.start()])
                initials = [w for w in words if w.lower() not in ("of", "and", "the", "for", "&")]
                if len(initials) < len(letters) or len(letters) < 2:
                    continue
                tail = initials[-len(letters) :]
                if "".join(w[0].upper() for w in tail) == letters:
                    learned[_measure_word(tail[-1])] = short.lower()
                    learned[short.lower()] = short.lower()
        return learned

    def _default_period(self, note: NoteText) -> tuple[str | None, str]:
        title = note.fields.get("title") if isinstance(note.fields.get("title"), str) else note.title
        for text in (title, next((line for line in note.lines if line.startswith("# ")), "")):
            periods = [label for _, label in _periods_in(text or "")]
            if len(set(periods)) == 1:
                return periods[0], "title"
        counts = Counter(_IN_YEAR.findall(note.text))
        dated = note.fields.get("date")
        dated = str(dated)[:4] if dated is not None and re.match(r"(?:19|20)\d\d", str(dated)) else None
        if counts:
            best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            # a year more than one before the note's own date is one it looks back to ("at the last
            # election, in 2021"), not the one its undated figures are about
            if (len(best) == 1 or best[0][1] > best[1][1]) and not (dated and int(best[0][0]) < int(dated) - 1):
                return best[0][0], "document"
        for key in ("date",):  # a note's publication date; `created` is when a curator wrote it
            value = note.fields.get(key)
            if isinstance(value, str) and _INLINE_2.match(value):
                # The note's own date is a weak anchor: only notes of the same date share it.
                return f"{value.strip()[:10]} (note date)", "note date"
        return None, "none"

    # -- per sentence

    def _facts_in_sentence(self, note, line_no, raw_line, base, sentence, sentence_index, abbreviations):
        facts = []
        matches = [m for m in _quantities(sentence) if self._is_quantity(sentence, m)]
        if not matches:
            return []
        lowered = sentence.lower()
        modality = "asserted"
        if sentence.rstrip(" *_").endswith("?"):
            modality = "question"
        elif _search_any_case(HYPOTHETICAL, _HYPOTHETICAL_LOWER, sentence, lowered):
            modality = "hypothetical"
        elif _search_any_case(FORECAST, _FORECAST_LOWER, sentence, lowered):
            modality = "forecast"
        if "=" in sentence and _FORMULA.search(sentence):
            return []  # arithmetic ("(525,000 - 500,000) / 500,000 × 100 = 5%") states no facts
        share = self._shared.values.setdefault
        entities = self._entities(sentence)
        entities = share(entities, entities)
        clean = _MULTISPACE.sub(" ", sentence).strip()
        clean = share(clean, clean)
        periods = _periods_in(sentence)
        for position, match in enumerate(matches):
            next_value = matches[position + 1].start() if position + 1 < len(matches) else len(sentence)
            # A target, goal or cap is a property of the value next to it, not of the whole sentence.
            near = slice(max(0, match.start() - 25), match.end() + 20)
            targeted = modality == "asserted" and _search_any_case(TARGET, _TARGET_LOWER, sentence[near], lowered[near])
            own_modality = "target" if targeted else modality
            fact = self._fact(
                note,
                line_no,
                base,
                sentence,
                clean,
                lowered,
                match,
                entities,
                own_modality,
                periods,
                sentence_index,
                abbreviations,
                len(matches),
                next_value,
            )
            if fact is not None:
                facts.append(fact)
        # A value without its own measure shares the one before it in the sentence ("from 561 … to 476",
        # "$241 (up $34 …)"), when both are the same kind of number.
        kept = []
        for index, fact in enumerate(facts):
            if fact.measure is None:
                previous = next((f for f in reversed(facts[:index]) if f.measure and f.unit == fact.unit), None)
                if previous is not None:
                    fact = _replace(
                        fact,
                        measure=previous.measure,
                        modifiers=tuple(sorted(set(previous.modifiers) | set(fact.modifiers))),
                    )
                    facts[index] = fact
            if fact.measure is None and fact.unit == "count" and fact.hedge is None and "." not in fact.text:
                # a bare whole number with nothing counted next to it: kept only with a scale word,
                # which states a quantity ("$75K raised", "1.2 million"); "3 of them" is not keyed
                if not re.search(r"[A-Za-z]", fact.text):
                    continue
            kept.append(fact)
        values = tuple(f.value for f in facts)
        for fact in kept:
            fact.sentence_values = values
            fact.modifiers = share(fact.modifiers, fact.modifiers)
            for name in ("measure", "period", "subject", "text"):
                value = getattr(fact, name)
                if value is not None:
                    setattr(fact, name, share(value, value))
        return kept

    def _is_quantity(self, sentence: str, match: re.Match) -> bool:
        start, end = match.start("num"), match.end()
        before = sentence[: match.start()]
        after = sentence[end:]
        num = match.group("num")
        if (
            before.endswith(("-", "/", ".", ":"))
            and not match.group("cur")
            and not match.group("hedge")
            and not (before.endswith("-") and (len(before) < 2 or before[-2] in " (:"))
        ):
            return False  # 2025-02-10, 3/4, v1.2, 10:30
        if before[-1:].isalpha() and not match.group("cur") and not match.group("hedge"):
            return False  # GLP-1, A1c, 14YsfUt
        if _INLINE_3.match(after) and not match.group("scale") and not match.group("unit"):
            return False  # 8th, 3rd, 2x4, 14YsfUt
        if _INLINE_4.match(after):
            return False
        if _INLINE_5.match(after) and not match.group("num2"):
            return False  # "18-29", "555-0100": a bracket or a code, not a quantity
        if _INLINE_6.match(after) and not match.group("cur"):
            return False  # 3-week, 13-DAO
        if _INLINE_7.match(after) or _INLINE_8.match(sentence[match.end("num") :]):
            return False  # dates, times, versions
        last = _last_word(before)
        if (last in ID_WORDS or last.rstrip(".") in ID_WORDS) and not match.group("cur"):
            return False  # proposal #5, version 2, page 3
        if not (match.group("cur") or match.group("scale") or match.group("unit") or match.group("hedge")):
            digits = num.replace(",", "")
            if "." not in digits and len(digits) == 4 and 1950 <= int(digits) <= 2099:
                return False  # a year is a period, not a quantity
        if start > 0 and sentence[start - 1].isdigit():
            return False
        if _INLINE_9.search(before[-12:]):
            return False  # "$1 for every $67 in TVL": a rate's denominator, not a fact
        if (last.rstrip(".") in MONTH_WORDS and before.endswith(" ")) or _MONTH_AFTER.match(after):
            return False  # "Jan 18, 2026", "18 January": a date
        if match.group("sign") and match.start() > 0 and (sentence[match.start() - 1].isalnum()):
            return False  # "30-49", "SPL-404": a hyphen after a word or number is not a minus sign
        return True

    def _entities(self, sentence: str) -> tuple[str, ...]:
        found = [handle.lower() for handle in _INLINE_10.findall(sentence)]
        for index, match in enumerate(_ENTITY.finditer(sentence)):
            word = match.group(0).rstrip(".")
            if index == 0 and word.lower() in MODIFIER_DIMENSIONS:
                continue  # "Net savings…": a capitalised first word that is only a modifier
            # Other capitalised common words ("Revenue", "The") are dropped later by the detector,
            # which knows which words the KB also writes in lower case.
            if word.lower() in STOP_WORDS or len(word) < 2 or word.upper() in GENERIC_ACRONYMS:
                continue
            if word.endswith("s") and word[:-1].isupper():
                word = word[:-1]
            found.append(word)
        return tuple(dict.fromkeys(found))

    def _fact(
        self,
        note,
        line_no,
        base,
        sentence,
        clean,
        lowered,
        match,
        entities,
        modality,
        periods,
        sentence_index,
        abbreviations,
        siblings,
        next_value,
    ) -> Fact | None:
        num = match.group("num")
        cur = match.group("cur")
        scale_text = (match.group("scale") or "").strip()
        unit_text = (match.group("unit") or "").strip()
        exponent = SCALES.get(scale_text, SCALES.get(scale_text.lower(), 0)) if scale_text else 0
        if scale_text and len(scale_text) == 1:
            # Single-letter scales only after a currency sign, or an upper-case letter glued to the number.
            glued = match.group("scale") == scale_text
            if not (cur or unit_text in TOKEN_UNITS) and not (scale_text.isupper() and glued):
                return None
            if scale_text in ("m", "b", "t") and not cur:
                return None
        value = _decimal(num).scaleb(exponent)
        half = _half_unit(num).scaleb(exponent)
        loose = _loose_half(num).scaleb(exponent) if not scale_text else half
        unit = "count"
        if cur:
            unit = CURRENCY_SIGNS[cur]
        if unit_text:
            lowered_unit = unit_text.lower()
            if lowered_unit in ("%", "percent") or lowered_unit.startswith("per cent"):
                unit = "%"
            elif lowered_unit.startswith(("percentage", "percent ")) or lowered_unit == "pp":
                unit = "pp"
            elif lowered_unit in ("bps", "basis points") or lowered_unit.startswith("basis"):
                unit = "pp"
                value, half, loose = value / 100, half / 100, loose / 100
            elif lowered_unit in ("x", "×"):
                unit = "x"
            elif unit_text in TOKEN_UNITS and not cur:
                unit = unit_text  # "$120,000 USDC" is dollars (paid in USDC): the sign states the unit
            elif lowered_unit in CURRENCY_WORDS:
                unit = CURRENCY_WORDS[lowered_unit]
        if (
            unit == "count"
            and not scale_text
            and num.replace(",", "").isdigit()
            and len(num.replace(",", "")) <= 1
            and not match.group("hedge")
        ):
            pass
        hedge_text = (match.group("hedge") or "").strip() or None
        if hedge_text and hedge_text.lower() == "up to" and _MOVED_UP.search(sentence[: match.start()][-40:]):
            hedge_text = None  # "bringing the total up to 366": where a change ended, not a bound
        hedge_kind = HEDGES.get(hedge_text.lower()) if hedge_text else None
        if match.group("plus"):
            hedge_text, hedge_kind = (hedge_text or "") + "+", "lower"
        sign = match.group("sign")
        before_text = sentence[: match.start()].lower()
        range_high = None
        if match.group("num2"):
            range_high = _decimal(match.group("num2")).scaleb(exponent)
        role = "level"
        window_before = before_text[-40:]
        after_number = sentence[match.end() : match.end() + 6]
        if _INLINE_11.search(window_before):
            role = "delta"
        elif _INLINE_12.match(after_number):
            role = "from"
        elif _INLINE_13.search(window_before):
            role = "to"
        elif _INLINE_14.search(window_before):
            role = "from"
        elif _INLINE_15.search(window_before) and _INLINE_16.search(before_text):
            role = "to"
        if sign and role == "level":
            value = -value
        measure, modifiers = self._measure(sentence, lowered, match, unit, abbreviations)
        if measure in LOSS_MEASURES or _INLINE_17.search(lowered[match.end() : match.end() + 30]):
            value = abs(value)
        period, period_source = None, "none"
        after_text = sentence[match.end() : match.end() + 16]
        bound = re.match(
            r"\s*(?:in|during|for|as of)\s+((?:FY|PY|CY)?\s?'?(?:19[5-9]\d|20\d\d)(?:\s?Q[1-4])?)", after_text
        )
        if bound:
            bound_periods = _periods_in(bound.group(0))
            if bound_periods:
                period, period_source = bound_periods[0][1], "clause"
        if period is None and periods:
            if siblings > 1 and len({label for _, label in periods}) > 1:
                # Several values and several periods: the period written after the value (before the next
                # value) belongs to it ("3 in Q4 vs 5 in Q3"); else the nearest one.
                position = match.start()
                later = [item for item in periods if match.end() <= item[0] < next_value]
                period = later[0][1] if later else min(periods, key=lambda item: (abs(item[0] - position), item[0]))[1]
            else:
                period = periods[0][1]
            period_source = "sentence"
        if role in ("from", "to") and period_source == "clause":
            role = "level"  # "561 in 2018 to 476 in 2024": each is a level at its own period
        elif role == "from":
            period, period_source = "prior", "clause"
        subject = self._subject(sentence, match, measure)
        start = base + match.start()
        text = sentence[match.start() : match.end()].strip()
        if text.endswith(" "):
            text = text.rstrip()
        loose = max(loose, half)
        return Fact(
            note.path,
            line_no,
            start,
            start + len(text),
            text,
            clean,
            self._shared.decimal(value),
            unit,
            self._shared.decimal(half),
            self._shared.decimal(loose),
            hedge_text,
            hedge_kind,
            range_high,
            role,
            period,
            period_source,
            measure,
            modifiers,
            subject,
            entities,
            modality,
            sentence_index,
        )

    def _measure(self, sentence, lowered, match, unit, abbreviations) -> tuple[str | None, tuple[str, ...]]:
        for phrase, target in self.aliases:
            if phrase in lowered:
                words = target.split()
                modifiers = tuple(
                    sorted({MODIFIER_CANONICAL.get(w, w) for w in words[:-1] if w in MODIFIER_DIMENSIONS})
                )
                return _measure_word(words[-1]), modifiers
        after = sentence[match.end() :]
        before = _PARENTHESES.sub(" ", sentence[max(0, match.start() - 160) : match.start()])
        measure = None
        # 1. The noun phrase right after: "476 organizations", "$6.5 billion in savings", "29 of the ACOs".
        right = re.match(
            r"\s*(?:\([^)]*\)\s*)?(?:(?:in|of the|of|worth of)\s+)?((?:[A-Za-z][\w'’-]*[,;:.)]?\s*){1,6})", after
        )
        if unit == "count" and right:
            # "of which 1,410 were affordable homes": what a count is, after its copula
            copula = _COUNT_COPULA.match(after)
            if copula:
                right = copula
        if right:
            run = []
            for word in right.group(1).split():
                clean = word.strip(",;:.()'’\"")
                lower = clean.lower()
                if not clean or lower in STOP_WORDS or not clean[0].isalpha() or lower in VERB_MEASURES:
                    break
                if lower.endswith(("ed", "ing")) and (run or unit != "count") or lower in RUN_BREAKS:
                    break
                run.append(clean)
                if word[-1:] in ",;:.)":
                    break
                if len(clean) > 3 and clean.endswith("s") and not clean.endswith("ss") and unit == "count":
                    break  # a plural noun ends what is counted: "480 ACOs took part"
            if unit == "count" and run and run[-1].lower() in NOT_COUNTED:
                return None, ()
            if run:
                measure = self._head(run, abbreviations)
        # 2. A label or noun phrase before: "Net Medicare savings: $2.48 billion", "savings of $X", "raised $X".
        if measure is None:
            left = re.search(
                r"(?<![\w$.])((?:[A-Za-z][\w'’-]*\s+){0,6}[A-Za-z][\w'’-]*)\**\s*(?P<sep>:|=|—|–|\()?"
                r"[\s*(]*$",
                before,
            )
            if left and unit != "count" and not left.group("sep"):
                # Money and percentages take a measure from the left only after a label separator
                # ("savings: $X", "savings of $X") or a measuring verb ("saved $X"), never across any verb.
                last = left.group(1).split()[-1].lower()
                if last not in VERB_MEASURES and last not in LABEL_LINKS:
                    left = None
            if left:
                words = [w.strip("*()'’\"") for w in left.group(1).split()]
                words = [w for w in words if w]
                run: list[str] = []
                for position in range(len(words) - 1, -1, -1):
                    word = words[position]
                    lower = word.lower()
                    if position > 0 and words[position - 1].lower() == "per":
                        continue  # "per capita": a modifier, not the measure
                    if lower in VERB_MEASURES:
                        if not run and VERB_MEASURES[lower]:
                            return self._finish(VERB_MEASURES[lower], sentence, match)
                        break
                    if _INLINE_18.fullmatch(lower) or lower in NON_MEASURES:
                        if run:
                            break
                        continue
                    if lower in PREPOSITIONS and run:
                        run = []  # "savings to Medicare were $X": the measure is before the preposition
                        continue
                    if lower in STOP_WORDS or lower in MODIFIER_DIMENSIONS or lower.endswith(("ed", "ing", "ly")):
                        if run:
                            break
                        continue
                    run.insert(0, word)
                    if len(run) == 2:
                        break
                if run:
                    measure = self._head(run, abbreviations)
        if measure is None:
            return None, self._modifiers(sentence, match, None)
        return self._finish(measure, sentence, match)

    def _finish(self, measure: str, sentence: str, match: re.Match) -> tuple[str, tuple[str, ...]]:
        return measure, self._modifiers(sentence, match, measure)

    @staticmethod
    def _head(run: list[str], abbreviations: dict[str, str]) -> str | None:
        """The measure of a noun run: its head, with the word before it when that is a plain lower-case noun."""
        words = []
        skip_next = False
        for word in run:
            lower = word.lower()
            if skip_next or lower == "per":
                skip_next = lower == "per"  # "per capita", "per beneficiary" are modifiers, not the measure
                continue
            if lower not in MODIFIER_DIMENSIONS and lower not in NON_MEASURES:
                words.append(word)
        if not words:
            return None
        head = _measure_word(words[-1])
        if head in abbreviations:
            return abbreviations[head]
        if (
            len(words) >= 2
            and words[-2].islower()
            and not words[-2].endswith(("ed", "ing", "ly"))
            and words[-2] not in STOP_WORDS
        ):
            return f"{_measure_word(words[-2]) if words[-2].endswith('ies') else words[-2].lower()} {head}"
        return head

    def _modifiers(self, sentence: str, match: re.Match, measure: str | None) -> tuple[str, ...]:
        """Modifiers (net, gross, per capita…) written in lower case, or capitalised at the start of a label,
        before a mention of the measure, or right next to the number."""
        found = set()
        lowered = sentence.lower()
        spots = [(max(0, match.start() - 45), match.end() + 25, True)]
        if measure:
            head = measure.split()[-1]
            stem = head[:-1] if len(head) > 4 else head
            position = lowered.find(stem)
            while position >= 0:
                spots.append((max(0, position - 30), position, False))
                position = lowered.find(stem, position + 1)
        pattern, text = (_MODIFIER_LOWER, lowered) if sentence.isascii() else (_MODIFIER_RE, sentence)
        for begin, end, near in spots:
            for hit in pattern.finditer(text, begin, end):
                word = sentence[hit.start() : hit.end()]
                lower = word.lower()
                if near and lower not in _NEAR_MODIFIERS:
                    continue
                if word.islower() or _INLINE_19.fullmatch(sentence[: hit.start()]):
                    found.add(lower)
        return tuple(sorted({MODIFIER_CANONICAL.get(m, m) for m in found}))

    def _subject(self, sentence: str, match: re.Match, measure: str | None = None) -> str | None:
        label = _LABEL.match(sentence)
        if label and label.end() <= match.start() and len(label.group(1).split()) <= 3:
            words = label.group(1).lower()
            if (measure is None or measure.split()[-1][:5] not in words) and not any(
                m in words for m in MODIFIER_DIMENSIONS
            ):
                return words.strip()  # "- Omnipair: 16x ATH": the list item is about Omnipair
        cells = sentence.strip()
        if cells.startswith("|"):
            first = next((cell.strip(" *") for cell in cells.strip("|").split("|") if cell.strip(" *")), "")
            if first and not _DIGIT.match(first):
                return first.lower()  # a table row is about the thing in its first cell
        after = sentence[match.end() : match.end() + 30]
        if _INLINE_20.match(after):
            return "part"  # "$5.4B of $6.6B", "54 out of 114": a part, not the whole
        label = _INLINE_21.match(after)
        if label:
            return label.group(1).strip().lower()
        before = sentence[: match.start()]
        before = before[-80:]
        segment = re.search(
            r"\b(?:for|among|in)\s+((?:[a-z]+-[a-z]+|low|high|small|large|fewer|more)[\w ,-]{0,30}?)"
            r"\s*$",
            before,
        )
        if segment:
            return segment.group(1).strip(" ,").lower()
        lead = _INLINE_22.match(sentence)
        if lead and "-" in lead.group(1):
            return lead.group(1).lower()
        return None


MAX_JOINED = 4000  # a paragraph longer than this is read in pieces (a 5 MB note with no blank line)


def _logical_lines(lines: list[str]):
    """Paragraphs and list items joined across hard line wraps, outside fenced code.

    Yields (offset of the first line, its raw text, the masked joined text, segments), where segments
    map joined-text offsets back to lines: [(joined offset, line offset, column offset)].
    """
    in_fence = False
    current: list | None = None  # [first offset, raw, masked text, segments, joinable]

    def flush():
        nonlocal current
        if current is not None:
            yield current[0], current[1], " ".join(current[2]), current[3]
        current = None

    for offset, raw in enumerate(lines):
        stripped = raw.lstrip()
        if stripped.startswith(("```", "~~~")):
            yield from flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not stripped:
            yield from flush()
            yield offset, raw, "", [(0, offset, 0)]
            continue
        block = stripped.startswith(("#", "|", ">", "---", "***")) or _BOLD_LINE.match(stripped) or _ITEM.match(raw)
        masked = _mask(raw)
        if current is not None and current[4] and not block and current[5] < MAX_JOINED:
            # A wrapped continuation: join with one space.
            current[5] += 1
            current[3].append((current[5], offset, len(raw) - len(raw.lstrip())))
            current[2].append(masked.lstrip())
            current[5] += len(masked.lstrip())
            continue
        yield from flush()
        joinable = not stripped.startswith(("#", "|", "---", "***")) and not _BOLD_LINE.match(stripped)
        current = [offset, raw, [masked], [(0, offset, 0)], joinable, len(masked)]
    yield from flush()


def _place(facts: list[Fact], segments, first_line: int) -> list[Fact]:
    """Give facts from a joined paragraph the line and column they start on."""
    if len(segments) == 1:
        return facts
    placed = []
    starts = [segment[0] for segment in segments]
    for fact in facts:
        joined_start, line_offset, column = segments[max(0, bisect_right(starts, fact.start) - 1)]
        start = fact.start - joined_start + column
        placed.append(_replace(fact, line=first_line + line_offset, start=start, end=start + len(fact.text)))
    return placed


def _replace(fact: Fact, **changes) -> Fact:
    """Set fields of a fact the extractor is still building (cheaper than dataclasses.replace)."""
    for name, value in changes.items():
        setattr(fact, name, value)
    return fact


# Patterns used inside the extractor's loops, compiled once.
_COUNT_COPULA = re.compile(r"\s+(?:were|are)\s+((?:[a-z][\w'’-]*\s+)?[a-z][\w'’-]*s\b)(?=[\s,;.)]|$)")
_INLINE_0 = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_INLINE_1 = re.compile(r"[A-Za-z][\w-]*")
_INLINE_2 = re.compile(r"(19|20)\d\d")
_INLINE_3 = re.compile(r"[A-Za-z]")
_INLINE_4 = re.compile(r"(?:st|nd|rd|th)\b")
_INLINE_5 = re.compile(r"[-–]\d")
_INLINE_6 = re.compile(r"-[A-Za-z]")
_INLINE_7 = re.compile(r"[.:/]\d")
_INLINE_8 = re.compile(r",\d")
_INLINE_9 = re.compile(r"\b(?:for every|every|per)\s+$")
_INLINE_10 = re.compile(r"@[A-Za-z0-9_]{2,}")
_INLINE_11 = re.compile(rf"\b{CHANGE_UP}\s+(?:by\s+)?$|\b{CHANGE_DOWN}\s+(?:by\s+)?$|\((?:up|down)\s+$")
_INLINE_12 = re.compile(r"\s*(?:→|->|=>)")
_INLINE_13 = re.compile(r"(?:→|->|=>)\s*$")
_INLINE_14 = re.compile(r"\bfrom\s+(?:a\s+\w+\s+of\s+)?$")
_INLINE_15 = re.compile(r"\bto\s+$")
_INLINE_16 = re.compile(r"\bfrom\b")
_INLINE_17 = re.compile(r"\bloss(?:es)?\b")
_INLINE_18 = re.compile(rf"{CHANGE_UP}|{CHANGE_DOWN}")
_INLINE_19 = re.compile(r"[\s>*:(-]*|.*[*:(]\s*")
_INLINE_20 = re.compile(r"\s*(?:of|out of)\s+(?:the\s+)?(?:US\$|[$£€¥])?\d")
_INLINE_21 = re.compile(r"\s*\(([A-Za-z][\w -]{0,25})\)")
_INLINE_22 = re.compile(r"\s*(?:[-*]\s+)?((?:[A-Za-z]+-[a-z]+)(?:\s+[A-Za-z]+)?)\b")
