"""Time expressions in a sentence, as intervals.

A `When` is what a number is about in time: a year, a quarter, a half, a month, a fiscal period
(kept as its own calendar: FY25 is not 2025), a rolling window ("the 12 months to June 2024") or a
point ("as of 31 December 2025", "at year-end"). Relative expressions ("last year", "this quarter")
are resolved against the note's date. Every `When` keeps how it was found, so the report can say
how far to trust it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


_DAY = re.compile(r"\d{4}-\d\d-\d\d")


@dataclass(frozen=True, slots=True)
class When:
    """A time a number is about. `start`/`end` are month indexes (year * 12 + month - 1), inclusive;
    `calendar` is "" for the Gregorian calendar or "FY" for a fiscal calendar of unknown end."""

    grain: str  # year | half | quarter | month | window | point
    start: int
    end: int
    calendar: str = ""
    label: str = ""

    def matches(self, other: When) -> bool:
        """Two times name the same window: the same calendar, grain and months; a point matches a
        point in the same month, and the end of a period (a stock "at the end of 2024")."""
        if self.calendar != other.calendar:
            return False
        if self.grain == "point" or other.grain == "point":
            point, span = (self, other) if self.grain == "point" else (other, self)
            if span.grain == "point":
                days = _DAY.search(point.label), _DAY.search(span.label)
                if days[0] and days[1] and days[0].group(0) != days[1].group(0):
                    return False  # 19 and 20 August are the same month, not the same day
                return point.start == span.start
            return point.start == span.end and span.grain != "window"
        return self.grain == other.grain and self.start == other.start and self.end == other.end

    def overlaps(self, other: When) -> bool:
        if self.calendar == other.calendar:
            return self.start <= other.end and other.start <= self.end
        if {self.calendar, other.calendar} == {"", "FY"}:
            # a fiscal year's months are not known: FY2025 ends in 2025, so it holds months of 2024 or 2025
            fiscal, plain = (self, other) if self.calendar == "FY" else (other, self)
            return plain.start // 12 <= fiscal.end // 12 and fiscal.start // 12 - 1 <= plain.end // 12
        return False


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def year_of(when: When) -> int:
    return when.end // 12


_Y = r"((?:19|20)\d\d)"
_YY = r"'?((?:19|20)?\d\d)"
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(first|second|third|fourth|1st|2nd|3rd|4th)"
COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
}
_COUNT_WORDS = "|".join([*COUNT_WORDS, r"[2-9]", "1[01]"])

# Ordered: longer, more specific forms first; a character used by one is not read by another.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("fiscal_part", re.compile(rf"\b(Q[1-4]|H[12])\s*(?:of\s+)?FY\s?{_YY}\b", re.I)),
    ("fiscal_part_words", re.compile(rf"\b{_ORD}[\s-](quarter|half)\s+of\s+(?:fiscal|FY)\s*(?:year\s+)?{_YY}\b", re.I)),
    ("fiscal", re.compile(rf"\b(?:FY|fiscal(?:\s+year)?|financial\s+year)\s?{_YY}(?:\s?[/-]\s?\d\d(?!\d))?\b", re.I)),
    # "the first half of 2024-25", "2023-24" (a season, a school or financial year): a year that
    # ends in the second number, kept as a fiscal year
    (
        "span_part_words",
        re.compile(rf"\b{_ORD}[\s-](quarter|half)\s+of\s+(?:the\s+)?{_Y}\s?[/–-]\s?(\d\d)(?![\d-])", re.I),
    ),
    ("span_year", re.compile(rf"(?<![\w$£€.,-]){_Y}\s?[/–-]\s?(\d\d)(?![\d%-]|,\d|\.\d)")),
    (
        "window",
        re.compile(
            rf"\b(?:the\s+)?(?:12|twelve)\s+months\s+(?:to|ending|ended|through)\s+(?:\d{{1,2}}\s+)?{_MONTH}\s+{_Y}\b",
            re.I,
        ),
    ),
    # "the nine months to September 2024", "the first six months of 2025": a window of that many months
    (
        "months_to",
        re.compile(
            rf"\b(?:the\s+)?({_COUNT_WORDS})\s+months\s+(?:to|ending|ended|through)\s+(?:\d{{1,2}}\s+)?{_MONTH}\s+{_Y}\b",
            re.I,
        ),
    ),
    ("first_months", re.compile(rf"\b(?:the\s+)?first\s+({_COUNT_WORDS})\s+months\s+of\s+{_Y}\b", re.I)),
    (
        "year_ended",
        re.compile(rf"\byear\s+(?:ended|ending|to)\s+(?:\d{{1,2}}\s+)?{_MONTH}\s+(?:\d{{1,2}},?\s+)?{_Y}\b", re.I),
    ),
    # "ended the second quarter of 2025 with 318,000 subscribers": a stock at the quarter's end
    ("quarter_end", re.compile(rf"\bended\s+the\s+{_ORD}[\s-]quarter(?:\s+of)?(?:\s+{_Y})?", re.I)),
    # "at the end of June": a point, in the year the note's date or context gives
    ("month_end", re.compile(rf"\b(?:at\s+)?the\s+end\s+of\s+{_MONTH}(?:,?\s+{_Y})?(?![\w-])", re.I)),
    ("quarter", re.compile(rf"\b(?:Q([1-4])\s?'?{_YY}|{_Y}\s?-?\s?Q([1-4])|([1-4])Q\s?{_YY})\b", re.I)),
    ("quarter_words", re.compile(rf"\b{_ORD}[\s-]quarter(?:\s+of)?(?:\s+{_Y})?", re.I)),
    # "came in at 8.6% in Q2": a quarter of the year the note's context or date gives
    ("bare_quarter", re.compile(r"\b(?:in|during|for|over)\s+(?:the\s+)?Q([1-4])\b(?!\s?'?\d|-)", re.I)),
    ("half", re.compile(rf"\b(?:H([12])\s?{_YY}|{_Y}\s?H([12]))\b", re.I)),
    ("half_words", re.compile(rf"\b(first|second)[\s-]half(?:\s+of)?(?:\s+{_Y})?", re.I)),
    (
        "day",
        re.compile(
            rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_Y}|{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_Y})\b",
            re.I,
        ),
    ),
    ("iso_day", re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-([0-3]\d)\b")),
    ("iso_month", re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])\b(?![-/]\d)")),  # "2026-01", a timeline's month
    ("month_span", re.compile(rf"\b{_MONTH}\s+(?:and|to|through|-|–)\s+{_MONTH}(?:,?\s+{_Y})?\b", re.I)),
    ("month", re.compile(rf"\b{_MONTH}\s+{_Y}\b", re.I)),
    (
        "year_end",
        re.compile(
            rf"\b(?:(?:at\s+|by\s+)?(?:the\s+)?end\s+of\s+{_Y}|(?:at\s+)?year[\s-]end(?:\s+{_Y})?|ended\s+the\s+year)",
            re.I,
        ),
    ),
    ("fiscal_plain", re.compile(r"\b(?:the\s+)?(?:fiscal|financial)\s+year\b(?!\s+(?:19|20)\d\d)", re.I)),
    ("full_year", re.compile(r"\b(?:the\s+)?full[\s-]year\b(?!\s+(?:19|20)\d\d)", re.I)),
    ("relative", re.compile(r"\b(last|this|previous|prior|past|next|the)\s+(year|quarter)\b", re.I)),
    ("year", re.compile(rf"(?<![\w$£€.,-]){_Y}(?![\w%]|,\d|\.\d)")),
    ("bare_month", re.compile(rf"\b(?:in|during|for|since|by)\s+{_MONTH}(?!\s+\d)\b", re.I)),
]

_AS_OF = re.compile(r"\b(?:as\s+(?:of|at)|at|on|by)\s*$", re.I)
_REFERENCE = re.compile(
    r"\b(?:from|since|than(?:\s+in)?|compared\s+(?:with|to)|versus|vs\.?|over|on|against|a\s+year\s+earlier\s+in|prior)\s*(?:the\s+)?$",
    re.I,
)
_WHEN_IT = re.compile(r",?\s+when\b", re.I)
_PROSPECTIVE = re.compile(r"\b(?:by|until|till|through|before)\s*(?:the\s+(?:end\s+of\s+)?)?$", re.I)


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int  # span in the sentence
    end: int
    when: When
    reference: bool  # "from 2023", "than in 2023": the other side of a comparison
    prospective: bool  # "by 2030": a deadline, said of a forecast or target


def _quarter(year: int, quarter: int, label: str) -> When:
    first = month_index(year, 3 * quarter - 2)
    return When("quarter", first, first + 2, "", label)


def _half(year: int, half: int, label: str) -> When:
    first = month_index(year, 6 * half - 5)
    return When("half", first, first + 5, "", label)


def fiscal_when(year: int, part: str = "") -> When:
    """A fiscal year kept as its own calendar, indexed by its year: FY25 -> months 2025*12...+11."""
    base = month_index(year, 1)
    label = f"FY{year}"
    if part.startswith("Q"):
        q = int(part[1])
        return When("quarter", base + 3 * q - 3, base + 3 * q - 1, "FY", f"{part} {label}")
    if part.startswith("H"):
        h = int(part[1])
        return When("half", base + 6 * h - 6, base + 6 * h - 1, "FY", f"{part} {label}")
    return When("year", base, base + 11, "FY", label)


def find_times(
    sentence: str, anchor: date | None = None, context_year: int | None = None, fiscal_year: int | None = None
) -> list[TimeMention]:
    """Every time expression in `sentence`, left to right. `anchor` is the note's date, for "last
    year"; `context_year` is the year a bare "the fourth quarter" or "in November" belongs to;
    `fiscal_year` the year "the full year" or "the fiscal year" names in a note that reports by one."""
    taken = [False] * (len(sentence) + 1)
    found: list[TimeMention] = []
    year_hint = context_year or (anchor.year if anchor else None)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if any(taken[match.start() : match.end()]):
                continue
            when = _when(kind, match, anchor, year_hint, context_year)
            if kind in ("full_year", "fiscal_plain") and fiscal_year is not None:
                when = fiscal_when(fiscal_year)
            elif kind == "year_end" and fiscal_year is not None and not any(match.groups()):
                # "we ended the year with 1,284 stores" in a note reporting by fiscal year: its end
                year = fiscal_when(fiscal_year)
                when = When("point", year.end, year.end, year.calendar, f"end of {year.label}")
            if when is None:
                continue
            for i in range(match.start(), match.end()):
                taken[i] = True
            before = sentence[max(0, match.start() - 30) : match.start()]
            reference = (
                bool(_REFERENCE.search(before))
                and kind not in ("year_end", "relative")
                # "since 2011, when it was 4.9%": the time the clause after it is about
                and not _WHEN_IT.match(sentence, match.end())
            )
            if when.grain != "point" and _AS_OF.search(before) and kind in ("day", "iso_day", "month"):
                when = When("point", when.end, when.end, when.calendar, "as of " + when.label)
            elif kind in ("day", "iso_day"):
                when = When("point", when.end, when.end, when.calendar, when.label)
            prospective = bool(_PROSPECTIVE.search(before))
            found.append(TimeMention(match.start(), match.end(), when, reference, prospective))
    found.sort(key=lambda m: m.start)
    return found


def _past_year(month: int, anchor: date | None, context_year: int | None) -> int | None:
    """The year of a month named without one: the note's context year, else its latest occurrence
    by the note's date ("in November" in a note of January 2026 is November 2025)."""
    if context_year is not None:
        return context_year
    if anchor is None:
        return None
    return anchor.year if month <= anchor.month else anchor.year - 1


def _when(
    kind: str, m: re.Match, anchor: date | None, year_hint: int | None, context_year: int | None = None
) -> When | None:
    g = m.groups()
    if kind == "month_span":
        first, last = MONTHS[g[0].lower().rstrip(".")], MONTHS[g[1].lower().rstrip(".")]
        year = int(g[2]) if g[2] else _past_year(last, anchor, context_year)
        if year is None or last <= first:
            return None
        start, end = month_index(year, first), month_index(year, last)
        return When("window", start, end, "", f"{year}-{first:02d} to {year}-{last:02d}")
    if kind == "fiscal_part":
        return fiscal_when(_year(g[1]), g[0].upper())
    if kind == "fiscal_part_words":
        part = ("Q" if g[1].lower() == "quarter" else "H") + str(ORDINALS[g[0].lower()])
        return fiscal_when(_year(g[2]), part)
    if kind in ("span_year", "span_part_words"):
        *part, first, second = g
        year = (int(first) // 100) * 100 + int(second)
        if year != int(first) + 1:
            return None  # "2019-21": two years, not one that straddles them
        if part:
            return fiscal_when(year, ("Q" if part[1].lower() == "quarter" else "H") + str(ORDINALS[part[0].lower()]))
        return fiscal_when(year)
    if kind == "fiscal":
        year = _year(g[0])
        # "FY2024/25" and "fiscal 2024-25" name the year that ends in the second number
        tail = re.search(r"[/-]\s?(\d\d)$", m.group(0))
        if tail:
            year = (year // 100) * 100 + int(tail.group(1))
        return fiscal_when(year)
    if kind in ("months_to", "first_months"):
        months = COUNT_WORDS.get(g[0].lower()) or int(g[0])
        if kind == "months_to":
            end = month_index(int(g[2]), MONTHS[g[1].lower().rstrip(".")])
            start = end - months + 1
        else:
            start = month_index(int(g[1]), 1)
            end = start + months - 1
        return When("window", start, end, "", f"{months} months to {end // 12}-{end % 12 + 1:02d}")
    if kind == "window":
        end = month_index(int(g[1]), MONTHS[g[0].lower().rstrip(".")])
        return When("window", end - 11, end, "", f"12 months to {g[0]} {g[1]}")
    if kind == "year_ended":
        month, year = MONTHS[g[0].lower().rstrip(".")], int(g[1])
        if month == 12:
            return When("year", month_index(year, 1), month_index(year, 12), "", str(year))
        return fiscal_when(year)  # a year ending in March is a fiscal year, whatever its name
    if kind == "quarter":
        if g[0]:
            return _quarter(_year(g[1]), int(g[0]), f"Q{g[0]} {_year(g[1])}")
        if g[2]:
            return _quarter(int(g[2]), int(g[3]), f"Q{g[3]} {g[2]}")
        return _quarter(_year(g[5]), int(g[4]), f"Q{g[4]} {_year(g[5])}")
    if kind == "bare_quarter":
        year = context_year or (anchor.year if anchor else None)
        if year is None:
            return None
        return _quarter(year, int(g[0]), f"Q{g[0]} {year}")
    if kind == "quarter_end":
        year = int(g[1]) if g[1] else year_hint
        if year is None:
            return None
        q = ORDINALS[g[0].lower()]
        end = _quarter(year, q, "").end
        return When("point", end, end, "", f"end of Q{q} {year}")
    if kind == "month_end":
        month = MONTHS[g[0].lower().rstrip(".")]
        year = int(g[1]) if g[1] else _past_year(month, anchor, context_year)
        if year is None:
            return None
        index = month_index(year, month)
        return When("point", index, index, "", f"end of {year}-{month:02d}")
    if kind == "quarter_words":
        year = int(g[1]) if g[1] else year_hint
        if year is None:
            return None
        q = ORDINALS[g[0].lower()]
        return _quarter(year, q, f"Q{q} {year}")
    if kind == "half":
        if g[0]:
            return _half(_year(g[1]), int(g[0]), f"H{g[0]} {_year(g[1])}")
        return _half(int(g[2]), int(g[3]), f"H{g[3]} {g[2]}")
    if kind == "half_words":
        year = int(g[1]) if g[1] else year_hint
        if year is None:
            return None
        h = 1 if g[0].lower() == "first" else 2
        return _half(year, h, f"H{h} {year}")
    if kind == "day":
        if g[0]:
            day, month, year = int(g[0]), MONTHS[g[1].lower().rstrip(".")], int(g[2])
        else:
            month, day, year = MONTHS[g[3].lower().rstrip(".")], int(g[4]), int(g[5])
        if not 1 <= day <= 31:
            return None
        index = month_index(year, month)
        return When("month", index, index, "", f"{year}-{month:02d}-{day:02d}")
    if kind == "iso_day":
        index = month_index(int(g[0]), int(g[1]))
        return When("month", index, index, "", m.group(0))
    if kind == "iso_month":
        index = month_index(int(g[0]), int(g[1]))
        return When("month", index, index, "", m.group(0))
    if kind == "month":
        index = month_index(int(g[1]), MONTHS[g[0].lower().rstrip(".")])
        return When("month", index, index, "", f"{int(g[1])}-{MONTHS[g[0].lower().rstrip('.')]:02d}")
    if kind == "bare_month":
        month = MONTHS[g[0].lower().rstrip(".")]
        year = _past_year(month, anchor, context_year) if (anchor or context_year) else year_hint
        if year is None:
            return None
        if g[0].lower() == "may" and m.group(0)[-3:] == "may":
            return None  # "by may", the verb
        index = month_index(year, month)
        return When("month", index, index, "", f"{year}-{month:02d}")
    if kind == "year_end":
        year = int(g[0]) if g[0] else (int(g[1]) if g[1] else None)
        if year is None and anchor is not None:
            # "at year-end" in a note of January to March is the year just ended
            year = anchor.year - 1 if anchor.month <= 3 else anchor.year
        year = year if year is not None else year_hint
        if year is None:
            return None
        return When("point", month_index(year, 12), month_index(year, 12), "", f"end of {year}")
    if kind == "full_year":
        if year_hint is None:
            return None
        return When("year", month_index(year_hint, 1), month_index(year_hint, 12), "", str(year_hint))
    if kind == "relative":
        which, unit = g[0].lower(), g[1].lower()
        if anchor is None or which == "the":
            return None
        shift = {"last": -1, "previous": -1, "prior": -1, "past": -1, "this": 0, "next": 1}[which]
        if unit == "year":
            year = anchor.year + shift
            return When("year", month_index(year, 1), month_index(year, 12), "", f"{year} ({which} year)")
        quarter = (anchor.month - 1) // 3 + 1 + shift
        year = anchor.year + (quarter - 1) // 4
        quarter = (quarter - 1) % 4 + 1
        return _quarter(year, quarter, f"Q{quarter} {year} ({which} quarter)")
    if kind == "year":
        year = int(g[0])
        return When("year", month_index(year, 1), month_index(year, 12), "", str(year))
    return None


def parse_date(value) -> date | None:
    """A note's `date`/`created` field as a date; partial dates ("2026-03-00") give the month's first day."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    found = re.match(r"\s*((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?", value)
    if not found:
        return None
    year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3) or 1)
    try:
        return date(year, max(month, 1), max(day, 1))
    except ValueError:
        return None
