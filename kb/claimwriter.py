"""Claims a curator would keep, from a source's own sentences.

A claim is one arguable proposition whose title stands alone: read months later, in a list of
titles, it still says who did what, how much and when. From raw text the candidates are the
sentences that state asserted numbers; each is

1. freed of its news framing (`sameclaim.strip_framing`: dateline, attribution, "However,",
   "On Thursday,");
2. split where it bundles two claims (", while Medicare realized …"; "; ");
3. rejected when it cannot stand alone: it opens with a referent ("These ACOs", "The company"),
   speaks in the first person, or leans on a relative date the source's own date cannot resolve
   ("last year" is resolved when the source is dated, rejected when it is not);
4. given the time it is about when the sentence leaves it to its paragraph or document ("… in 2024");
5. ranked: two groups' figures set against each other ("$316 … compared with $175") is the most
   arguable, then one figure's change, a record or a first, then more figures; the best few are
   kept, never two that say the same.

Each claim carries the source's own sentence as its evidence and, as its description, the figures
around it that support it (the neighbouring sentence of its paragraph), not its title again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conflicts.vocabulary import lemma
from .sameclaim import same_claim, strip_framing

MAX_CLAIMS = 3  # a good source gives a few strong claims
MIN_WORDS, MAX_WORDS = 6, 40

_REFERENT = re.compile(
    r"^(?:these|this|those|that|it|its|they|their|them|he|she|his|her|such|both|why|the\s+(?:company|firm|group|"
    r"program|programme|initiative|agency|organization|organisation|report|study|survey|model|plan|deal|"
    r"project|platform|fund|team|latter|former|same|article|source|paper|piece|data|figure|headline|number|"
    r"\S+\s+(?:figure|number|data|headline|metric|stat)))\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|me|my|[Ww]e|[Ww]e're|[Ww]e've|[Ww]e’re|[Oo]ur|us)\b")
# what someone wants, not what is: a proposal, a bid, a plan
_WANT = re.compile(
    r"\b(?:wish(?:es)?\s+to|propos(?:e|es|ed|al)|plans?\s+to|aims?\s+to|intends?\s+to|request(?:s|ing)?|"
    r"seeks?\s+to|seeking|will\s+be\s+(?:used|allocated|distributed))\b",
    re.I,
)
_RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+year\b|\ba\s+year\s+(?:ago|earlier)\b", re.I)
_RELATIVE_OTHER = re.compile(
    r"\b(?:yesterday|today|tomorrow|recently|this\s+(?:week|month|quarter)|last\s+(?:week|month|quarter)|"
    r"next\s+(?:week|month|quarter)|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"at\s+the\s+(?:start|end|beginning)\s+of\s+the\s+(?:year|month|quarter))\b",
    re.I,
)
# two groups set against each other: the most arguable kind of claim
_COMPARISON = re.compile(r"\b(?:compared\s+(?:with|to)|versus|vs\.?|than|relative\s+to|against|outperform\w*)\b", re.I)
# one figure then and now
_CHANGE = re.compile(r"\b(?:up\s+from|down\s+from|from\s+\S+\s+to|rose|fell|grew|increased|decreased|doubled)\b", re.I)
_SUPERLATIVE = re.compile(r"\b(?:record|highest|lowest|largest|smallest|first|most|least|fastest|best|worst)\b", re.I)
_SPLIT = re.compile(r"\s+[•·▪]\s+|;\s+|,\s+(?:while|whereas)\s+(?=(?:the|a|an)\s|[A-Z0-9$])")
_BULLET = re.compile(r"\s+[•·▪]\s+")
_FIELD_LINE = re.compile(
    r"^\s*(?:title|url|date|author|source|tags|status|published|updated|primary|secondary|extraction hints?|"
    r"kb connections?|claim candidates?)\s*:",
    re.I,
)
_STAT_LINE = re.compile(r"^[^.!?]{2,80}?:\s*[~≈$£€¥]?\d")  # "Controlling High Blood Pressure: 71.21% vs 67.82%"
_DANGLING = frozenset("a an the of and or but than that to in on for with by as at from is are was were vs".split())
_CITATION = re.compile(r"https?://|\bAccessed\b|\bRetrieved\b|©|\bdoi:", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PROSE = re.compile(r"[A-Za-z0-9%)\]][.!]['\"”’)]*\s*$")  # a sentence that ends as prose ends
_PURPOSE = re.compile(r"^(?:to|in order to|focus on|see|note|read|click|subscribe|sign up)\b", re.I)
MIN_SCORE = -0.5  # below this a candidate is too weak to propose
# A proposition has a verb. No tagger: common verbs by lemma, and past forms ("-ed").
_VERBS = frozenset(
    lemma(w)
    for w in """is are was were be been being has have had do does did will would can could may might must should
    shall produce make show find grow rise fall reach save generate create cut reduce increase decrease raise lose
    gain earn pay cost spend account drive lead outperform beat exceed hold remain become replace require enable allow
    prevent cause mean suggest indicate demonstrate prove protect compress shift fail succeed work offer provide
    deliver serve achieve report estimate expect predict double triple halve add drop decline jump surge climb top
    total represent capture control dominate own buy sell trade launch close open build need use take give get keep
    depend scale converge emerge outpace erode reward risk cover rank exist lag trail widen narrow slow speed stall
    outweigh equal match rival face win carry employ serve sit stand stay surpass gave made took got held paid
    rose fell grew won lost sold bought led drove became began kept ran saw spent built brought met sent left""".split()
)


@dataclass
class ClaimCandidate:
    title: str
    evidence: str  # the source's own sentence
    description: str  # the figures around it that support it
    score: float


def claims_from_text(body: str, source_date: str | None = None, limit: int = MAX_CLAIMS) -> list[ClaimCandidate]:
    """The best few standalone claims raw text states, best first."""
    from .facts import Extractor, NoteText

    lines = _separate_lines(claim_bearing(body.split("\n")))
    # the source's date lets the extractor tell the year its figures are about from one it looks back to
    facts = Extractor().extract(NoteText("input", "", lines, 1, {"date": source_date} if source_date else {}))
    year = int(source_date[:4]) if source_date and re.match(r"(?:19|20)\d\d", source_date) else None
    by_sentence: dict[str, list] = {}
    for fact in facts:
        if fact.modality == "asserted":
            by_sentence.setdefault(fact.sentence, []).append(fact)
    paragraphs = _paragraph_sentences(lines, by_sentence)
    candidates: list[ClaimCandidate] = []
    for position, (sentence, sentence_facts) in enumerate(by_sentence.items()):
        if _CITATION.search(sentence) or not _PROSE.search(sentence) or "|" in sentence:
            continue  # a citation, a table cell or a list fragment: prose states claims
        for clause in _clauses(strip_framing(sentence)):
            title = _standalone(clause, year)
            if title is None:
                continue
            title = _with_time(title, sentence_facts)
            words = len(title.split())
            if not MIN_WORDS <= words <= MAX_WORDS:
                continue
            values = sum(1 for fact in sentence_facts if fact.text.split()[0] in title or fact.text in title)
            score = (
                3.0 * bool(_COMPARISON.search(title) and values >= 2)
                + 2.0 * bool(_CHANGE.search(title) and values >= 2)
                + 1.0 * bool(_SUPERLATIVE.search(title))
                + min(values, 3) * 0.5
                - max(0, abs(words - 20) - 10) / 10
                - position * 0.02
            )
            candidates.append(ClaimCandidate(title, sentence.strip(), _support(sentence, paragraphs), score))
    candidates.sort(key=lambda c: (-c.score, c.title))
    kept: list[ClaimCandidate] = []
    for candidate in candidates:
        if candidate.score < MIN_SCORE:
            break
        if not any(same_claim(candidate.title, other.title) for other in kept):
            kept.append(candidate)
        if len(kept) == limit:
            break
    return kept


# sections that talk about the source (a curator's notes, hints, links) or sell something (a pitch's
# team, tokenomics, roadmap), not what the source reports
_NOT_REPORTING = re.compile(
    r"agent notes?|curator|extraction|hints?|why (?:this|it) matters|connections?|what surprised|raw data|"
    r"references?|sources|links|further reading|related|team|tokenomics|roadmap|use of funds|about the author|"
    r"meet the author|comments?|disclaimer|newsletter",
    re.I,
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(.+?)|\*\*([^*]{2,60}?):?\*\*:?)\s*$")


def claim_bearing(lines: list[str]) -> list[str]:
    """The lines of sections that report; lines of other sections blanked (line numbers kept)."""
    kept, skipping, level = [], False, 0
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            depth = len(line) - len(line.lstrip("#")) if line.lstrip().startswith("#") else 7
            if skipping and depth > level:
                kept.append("")
                continue
            skipping = bool(_NOT_REPORTING.search(heading.group(1) or heading.group(2) or ""))
            level = depth
        kept.append("" if skipping else line)
    return kept


def _separate_lines(lines: list[str]) -> list[str]:
    """A line that does not end as a sentence ends (a headline, a byline, a label) is its own
    paragraph, so the reader does not run it into the sentence below."""
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and following.strip() and not re.search(r"[.!?:;,\"”’)]\s*$", line):
            out.append("")
    return out


def _clauses(text: str) -> list[str]:
    """A sentence that bundles two claims, split: "ACOs earned $4.1B, while Medicare realized $2.4B"."""
    if _BULLET.search(text):  # list items the page ran together: each its own sentence
        return [part.strip(" ,") for part in _BULLET.split(text) if part.strip(" ,")]
    parts = [part.strip(" ,") for part in _SPLIT.split(text) if part.strip(" ,")]
    if len(parts) > 1 and all(len(part.split()) >= MIN_WORDS and re.search(r"\d", part) for part in parts):
        year = _YEAR.search(text)
        # "In 2024 the co-op sold 410 tonnes, while the mill pressed 120": the year is both parts'
        return [part if _YEAR.search(part) or not year else f"{part} in {year.group(0)}" for part in parts]
    return [text]


def _standalone(clause: str, year: int | None) -> str | None:
    """The clause as a title that stands alone, or None when it cannot."""
    text = clause.strip().strip("*•-–— ").strip()
    text = re.sub(r"^(?:in total|overall|in all|all told|altogether)\s*,\s*", "", text, flags=re.I)
    if not text or _REFERENT.match(text) or _FIRST_PERSON.search(text) or text.endswith("?") or _PURPOSE.match(text):
        return None
    if _WANT.search(text):
        return None
    if _FIELD_LINE.match(text) or _STAT_LINE.match(text):
        return None  # a field or a stat line: data, not a proposition
    if text.count("(") != text.count(")") or text.rstrip(".").split()[-1].lower() in _DANGLING:
        return None  # cut mid-sentence ("… $128 more in gross vs")
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if len(words) >= 4 and sum(w[0].isupper() for w in words) > 0.6 * len(words):
        return None  # a headline or a heading in title case, not a sentence
    if not any(lemma(w) in _VERBS or (w.islower() and w.endswith("ed") and len(w) > 4) for w in words[1:]):
        return None  # no verb: a fragment ("Median age 61.0 years; 27.7% female")
    if _RELATIVE_OTHER.search(text):
        return None
    relative = _RELATIVE_YEAR.search(text)
    if relative:
        if year is None:
            return None
        offset = {"last": -1, "this": 0, "next": 1}.get((relative.group(1) or "").lower(), -1)
        before = text[: relative.start()]
        preposition = "" if re.search(r"\b(?:in|during|for|since|by)\s+$", before, re.I) else "in "
        text = before + preposition + str(year + offset) + text[relative.end() :]
    text = re.sub(r"\s+", " ", text).strip().rstrip(".;:,")
    return text[:1].upper() + text[1:]


def _with_time(title: str, facts) -> str:
    """A title that states no year takes the one its paragraph or document gave its figures."""
    if _YEAR.search(title) or _PRESENT_TIME.search(title):
        return title  # "now has 91,000 members" is as of the source's day, not of its year
    for fact in facts:
        period = fact.period or ""
        if fact.period_source == "document" and _PRESENT_TENSE.search(title):
            continue  # the year a source mostly writes about is no date for what it says is so
        if fact.period_source in ("paragraph", "heading", "document") and re.fullmatch(r"(?:19|20)\d\d", period):
            return f"{title} in {period}"
    return title


_PRESENT_TIME = re.compile(r"\b(?:now|currently|today|so far|to date|as of|at present|yet)\b", re.I)
_PRESENT_TENSE = re.compile(r"\b(?:has|have|is|are|remains|stands)\b", re.I)


def _paragraph_sentences(lines: list[str], by_sentence: dict) -> dict[str, list[str]]:
    """Each numeric sentence with its neighbouring numeric sentences in its paragraph."""
    paragraphs: dict[str, list[str]] = {}
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        text = " ".join(block)
        members = sorted((s for s in by_sentence if s in text), key=text.find)
        for i, sentence in enumerate(members):
            # the sentences right after it, then right before it: what a reader sees next to it
            paragraphs[sentence] = members[i + 1 : i + 3] + members[max(0, i - 1) : i]
        block = []
    return paragraphs


def _support(sentence: str, paragraphs: dict[str, list[str]]) -> str:
    others = [s for s in paragraphs.get(sentence, []) if not _CITATION.search(s)]
    support = " ".join(s.strip() for s in others[:2])
    return (support or sentence.strip())[:300]
