"""What a raw clipping says about itself: its headline, date, author, and the KB domain it belongs to.

Clipped pages open with a masthead ("Fierce Healthcare"), navigation ("AI | Startups | Policy"),
section labels ("News", "Article") and only then the headline, byline and dateline. The headline is
the title-like line nearest above the byline, else the first title-like line that is not a masthead
followed by a longer one. Dates are read in the forms people write them: "2026-03-03", "03/03/2026",
"March 3, 2026", "3 March 2026", "Mar. 3rd 2026", "Tuesday, the third of March, 2026", and from a
dateline ("NEW YORK, March 3, 2026 (Reuters) -"); a labelled date ("Published: …") wins, and dates in
a reference list at the end (another article's) are not the clipping's. Bylines: "By X", "Posted by
X", "Written by X", "Author: X". Nothing is invented: what is not stated stays empty and is reported.
"""

from __future__ import annotations

import re
from collections import Counter

from .conflicts.periods import MONTHS
from .conflicts.vocabulary import lemma

_ORDINALS = {
    word: number
    for number, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        1,
    )
}
_ORDINALS.update({f"twenty-{w}": 20 + n for w, n in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31})
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d\d)"
_DATE_FORMS = [
    ("iso", re.compile(rf"\b{_YEAR}-(\d\d)-(\d\d)\b")),
    ("us", re.compile(rf"\b(\d{{1,2}})/(\d{{1,2}})/{_YEAR}\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I)),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)),
    ("words", re.compile(rf"\b(?:the\s+)?([a-z]+(?:-[a-z]+)?)\s+of\s+{_MONTH},?\s+{_YEAR}\b", re.I)),
]
_DATE_LABEL = re.compile(
    r"^\s*(?:published|posted|updated|last modified|page last modified|date|dated)\b\s*:?\s*(.*)$", re.I
)
_BYLINE = re.compile(
    r"^\s*(?:by|posted by|written by|words by|author\s*:)\s+"
    r"([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von|la))*)\s*(?:[,|·—-].*)?$",
    re.I,
)
_NAVIGATION = re.compile(r"\s[|•·»]\s.*\s[|•·»]\s|^\s*(?:home|menu)\s*[|>»/]", re.I)
_BOILERPLATE = re.compile(
    r"^(?:skip to (?:main )?content|menu|search|sign in|log in|subscribe|home|news|article|advertisement|share|print|"
    r"back to top|opinion|analysis|latest|breaking|exclusive|sponsored|newsletter|listen|watch|read more)\b",
    re.I,
)
_REFERENCES = re.compile(
    r"^\s*(?:#+\s*)?(?:references?|sources|bibliography|citations?|notes|further reading)\s*:?\s*$", re.I
)


def parse_date(text: str) -> str | None:
    """The first date written in `text`, as YYYY-MM-DD."""
    found = []
    for kind, pattern in _DATE_FORMS:
        for match in pattern.finditer(text):
            day = _date_of(kind, match.groups())
            if day:
                found.append((match.start(), day))
    return min(found)[1] if found else None


def _date_of(kind: str, groups: tuple) -> str | None:
    if kind == "iso":
        year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
    elif kind == "us":
        month, day, year = int(groups[0]), int(groups[1]), int(groups[2])
    elif kind == "mdy":
        month, day, year = MONTHS.get(_month_key(groups[0])), int(groups[1]), int(groups[2])
    elif kind == "dmy":
        day, month, year = int(groups[0]), MONTHS.get(_month_key(groups[1])), int(groups[2])
    else:
        day, month, year = _ORDINALS.get(groups[0].lower()), MONTHS.get(_month_key(groups[1])), int(groups[2])
    if not month or not day or not 1 <= day <= 31 or not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _month_key(word: str) -> str:
    word = word.lower().rstrip(".")
    return word if word in MONTHS else word[:3]


def infer_fields(text: str) -> tuple[dict, list[str]]:
    """Title, date, author and URL a clipping states; problems name what it does not state."""
    fields: dict = {}
    problems: list[str] = []
    lines = [line.strip() for line in text.split("\n")]
    end = next((i for i, line in enumerate(lines) if _REFERENCES.match(line)), len(lines))
    body = lines[:end]  # a reference list's dates and authors are another article's
    byline_at = None
    for index, line in enumerate(body[:40]):
        found = _BYLINE.match(line)
        if found and len(line) <= 120:
            fields["author"] = re.sub(r"\s+", " ", found.group(1)).strip()
            byline_at = index
            break
    title = _headline(body, byline_at)
    if title:
        fields["title"] = title
    date = None
    for index, line in enumerate(body):
        label = _DATE_LABEL.match(line)
        if label and len(line) <= 120:
            date = parse_date(label.group(1)) or (parse_date(body[index + 1]) if index + 1 < len(body) else None)
            if date:
                break
    if date is None:
        for line in body[:25]:  # an unlabelled date line or a dateline near the top
            if line and len(line) <= 160:
                date = parse_date(line)
                if date and (len(line) <= 60 or re.match(r"^[A-Z][A-Za-z .'-]+,", line)):
                    break
                date = None
    if date:
        fields["date"] = date
    for line in lines:
        labelled = re.match(r"(?:url|source|link|canonical)\s*:\s*(https?://\S+)", line, re.I)
        if labelled:
            fields["url"] = labelled.group(1)
            break
    for name in ("title", "author", "url", "date"):
        if name not in fields:
            problems.append(f"no {name} is stated in the text; left empty")
    return fields, problems


_CRUMB = re.compile(r"\s+[—–|•·»>/]\s+")


def _breadcrumb(line: str) -> bool:
    """ "Highland Outdoor Times — Travel — Snowsports", "Sport > Football > Rovers": three and more short
    parts between separators are a masthead and its sections, not a headline."""
    parts = _CRUMB.split(line)
    return len(parts) >= 3 and all(1 <= len(part.split()) <= 4 for part in parts)


_CRUMB_OR_HYPHEN = re.compile(r"\s+(?:[—–|•·»>/-]|>>|::)\s+")


def _masthead_and_section(line: str) -> bool:
    parts = _CRUMB_OR_HYPHEN.split(line)
    return len(parts) == 2 and all(1 <= len(part.split()) <= 4 and part[:1].isupper() for part in parts)


def _title_like(line: str) -> bool:
    return (
        2 <= len(line.split()) <= 30
        and not _breadcrumb(line)
        and len(line) <= 200
        and not _BOILERPLATE.match(line)
        and not _NAVIGATION.search(line)
        and not _BYLINE.match(line)
        and not parse_date(line) == line
        and not line.startswith(("©", "http", "|"))
    )


def _headline(lines: list[str], byline_at: int | None) -> str | None:
    heading = next((line[2:].strip() for line in lines[:60] if line.startswith("# ")), None)
    if heading:
        return heading
    if byline_at is not None:
        above = [line for line in lines[:byline_at] if _title_like(line)]
        if above:
            return above[-1]  # the headline sits right above its byline
    candidates = [line for line in lines[:30] if _title_like(line)]
    if not candidates:
        return None
    # "CITY OF WENDOVER — NEWS RELEASE": a line in capitals is a masthead when a headline follows
    candidates = [line for line in candidates if not line.isupper()] or candidates
    # "Retail Daily — Food & Drink", "Wexmoor Gazette | Health": a masthead and its section, when a
    # headline follows
    while len(candidates) > 1 and _masthead_and_section(candidates[0]):
        candidates = candidates[1:]
    first = candidates[0]
    # a masthead: a short name in title case, followed by a longer headline
    if len(candidates) > 1 and len(first.split()) <= 3 and not first.endswith(".") and len(candidates[1].split()) > 3:
        return candidates[1]
    return first


def infer_domain(kb, text: str, fields: dict) -> str | None:
    """The KB domain whose notes share most words with the source, when one clearly leads."""
    words = Counter(lemma(w) for w in re.findall(r"[a-z]{4,}", text.lower()))
    if not words:
        return None
    by_domain: dict[str, Counter] = {}
    for note in kb.notes.values():
        domain = note.fields.get("domain") if isinstance(note.fields, dict) else None
        if isinstance(domain, str) and domain.strip():
            bag = by_domain.setdefault(domain.strip(), Counter())
            bag.update(lemma(w) for w in re.findall(r"[a-z]{4,}", note.title.lower()))
    if not by_domain:
        return None
    spread = Counter()
    for bag in by_domain.values():
        spread.update(set(bag))
    scores = {}
    for domain, bag in by_domain.items():
        total = sum(bag.values()) or 1
        # words distinctive of the domain (rare in other domains), weighted by the source's use
        scores[domain] = sum(count * (bag[w] / total) / spread[w] for w, count in words.items() if w in bag)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]):
        return ranked[0][0]
    return None
