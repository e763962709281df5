"""Stage 2: each extracted fact normalised to what it is about.

For every fact: the measure as a canonical concept (built-in vocabulary, verbs on either side of the
number, kb.toml aliases, else the counted noun's own lemma), the subject as a canonical entity (KB
entity notes and their aliases first, then names in the clause, possessives and demonyms folded,
attributions such as "Tessera Research said" skipped, else the note's main entity), the time as a
`When` (from the clause, then the sentence, the paragraph or heading, the title; the note's own date
only as a labelled lower tier) and the modality of the clause that holds the number.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..facts import Fact
from .periods import TimeMention, When, find_times, fiscal_when, month_index
from .vocabulary import (
    ATTRIBUTION_BEFORE,
    CHANGE_WORDS,
    CORPORATE_SUFFIXES,
    COUNTED_ONE_BY_ONE,
    CURRENCIES,
    DURATION_UNITS,
    EARNING_VERBS,
    MODIFIER_WORDS,
    NOT_MEASURES,
    NOT_NAMES,
    PER_WHAT,
    PHYSICAL_UNITS,
    PLACE_ALIASES,
    REPORTING_VERBS,
    WORLD_WORDS,
    concept_index,
    lemma,
)

_PHRASES, CONCEPT_KINDS = concept_index()
_LONGEST = max(len(key) for key in _PHRASES)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.&-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
_NAME = re.compile(
    r"(?<![\w@])(?:@[A-Za-z0-9_]+|[A-Z][A-Za-z0-9&.'’-]*[A-Za-z0-9](?:\s+(?:of\s+|de\s+|the\s+|&\s+)?[A-Z][A-Za-z0-9&.'’-]*[A-Za-z0-9])*|[A-Z]{2,})"
)
_CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|,\s+(?:while|but|whereas|although|though|which|who|compared|against|versus|as(?!\s+(?:of|well|much|many|a|an|the|high|low|part)\b)|and\s+(?=[a-z]+\s+\S*\d))\b"
    r"|,\s+and\s+(?=(?:the|a|an|its|their|it|they|we|he|she|this|that)\s|(?-i:[A-Z]))"  # ", and the museum hopes ..."
    r"|\s(?:vs\.?|versus|while|whereas|although|but)\s|\.\s",
    re.I,
)
_FORECAST = re.compile(
    r"\b(?:expects?|expected|expecting|forecasts?|forecasted|projected|projections?|projecting|guidance|"
    r"guided|targets?|targeted|targeting|aims?|aiming|plans?|planned|planning|goal|will|would|could|might|should|"
    r"outlook|predicts?|predicted|anticipates?|anticipated|estimates?\s+(?:that\s+)?.*\bwill|likely|intends?|"
    r"hopes?|seeks?|wants?|up\s+to|as\s+much\s+as|if|suppose|assuming|"
    r"scenario|hypothetical)\b",
    re.I,
)
_CONDITION = re.compile(r"\b(?:if|unless|provided that|in case|suppose|assuming)\b", re.I)
_CONDITION_LABEL = re.compile(r"\bif\W{0,3}:", re.I)
# a tier of a schedule: "<$1M FDMC: 15% dilution", "≥ 500 seats: $12 a head"
_TIER = re.compile(r"\s*(?:>\s*)?(?:[-*•]\s*)*[<≤≥]\s*[$£€¥]?\d")  # (">" starts a quote)
# after the number only a verb makes it a forecast ("$5B is expected", "which will"), not a noun
# ("producing more accurate forecasts")
_FORECAST_AFTER = re.compile(
    r"\b(?:(?:is|are|was|were|be|been|being)\s+(?:now\s+)?(?:expected|forecast|forecasted|projected|predicted|"
    r"anticipated|targeted|planned|estimated\s+to)|will|would|could|might|should|by\s+20\d\d)\b",
    re.I,
)
_TARGET_AFTER = re.compile(r"\s*(?:\w+\s+)?(?:target|goal|cap|ceiling|minimum|maximum)\b", re.I)
_VOTE = re.compile(
    r"\b(?:preferred|proposed|proposal|minority|dissent(?:ed|ing)?|(?:wish|offer|propose|bid)(?:es|s)?\s+to)\b", re.I
)  # a proposal, an offer or a dissent states what someone wants, not what is
_UP = re.compile(
    r"\b(?:(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up|rose|rise|rising|grew|grow|growing|growth|increased?|"
    r"increasing|gained?|jumped|climbed|higher|surged?|added|\+)\W*$",
    re.I,
)
_DOWN = re.compile(
    r"\b(?:down|fell|fall|falling|declined?|declining|dropped|drop|decreased?|lower|shrank|cut|slid|plunged?|reduced?|−|-)\W*$",
    re.I,
)
_NOT_WORD = re.compile(r"[\W_]+")
_HARD_BREAK = re.compile(r";|\s[—–]\s|\b(?:while|whereas|but|although|though|versus|vs\.?|against)\b|\.\s", re.I)
_MID_CAPITAL = re.compile(r"(?<=[\w,;)] )[A-Z][A-Za-z]+\b")
_LOWER_WORD = re.compile(r"(?:(?<=\s)|^)[a-z][a-z]+(?:-[a-z]+)*(?=[\s,.;:!?)]|$)")
COMMON_WORD_USES = 3  # distinct sentences writing a word in lower case before its capitalised form is a word
_COMMA_ASIDE = re.compile(
    r",\s*(?:before|after|including|excluding|net of|not counting|such as|like|compared with)\b[^,]*,", re.I
)
_LABEL_AFTER = re.compile(r"\s*[:=]")
_PREPOSITION_BEFORE = re.compile(r"\b(?:on|via|through|onto|into|from|with|against|to)\s+(?:the\s+)?$", re.I)
_OF_NAME = re.compile(r"\b(?:of|for|at|by)\s+(?:the\s+)?$", re.I)


@dataclass(slots=True)
class NoteContext:
    path: str
    title: str
    kind: str  # note type
    anchor: date | None  # the note's own date (`date`, else `created`)
    anchor_field: str
    main_entity: str | None
    publishers: frozenset[str]  # names that report, not subjects: author, site, research firm in the title
    year: int | None = None  # the year the note is mostly about ("in 2024" most often)
    names: frozenset[str] = frozenset()  # every name the note's title and numeric sentences mention
    fiscal_year: int | None = None  # the fiscal year a note reporting by fiscal year is about ("FY25")


@dataclass(slots=True)
class Norm:
    """A fact and what it is about."""

    fact: Fact
    concept: str | None
    concept_confidence: float  # 1.0 vocabulary next to the number ... 0.4 a guessed head noun
    concept_kind: str
    modifiers: frozenset[str]
    subject: str | None  # canonical
    subject_source: str  # clause | sentence | entity (an entity note's own) | note (a note's main name) | none
    when: When | None
    when_source: str  # clause | sentence | context | title | note date | none
    modality: str  # asserted | forecast | question | hypothetical | vote
    direction: str  # up | down | "" (for changes)
    role: str  # level | delta | from | bound (an end of a range: "ranging from 0% to 4.5%")
    part: str | None  # a label that separates a member from the aggregate ("(ACO)")
    clause_words: frozenset[str]
    vintage: int | None  # month a forecast was made (the note's date)
    normal_sentence: str = ""
    counted: str | None = None  # the noun right after the number ("units"), for the note's own measure
    topic: frozenset[str] = frozenset()  # the words of the names in the note's title
    measure_text: str = ""  # the measure as written ("savings", "box office")
    share_of: tuple[str, ...] = ()  # a percentage's whole: "54% of Gen Z" -> ("gen", "z")
    table_row: bool = False  # the fact sits in a table row or a stat line, not in prose
    note_names: frozenset[str] = frozenset()  # the names its note mentions (shared per note)
    note_date: date | None = None  # the note's own `date` (a source's), not `created`
    label: frozenset[str] = frozenset()  # a line's label, as lemmas: '- "Unethical": 7%' -> {unethical}
    label_concept: str | None = None  # the measure the label names, if any
    predicate: frozenset[str] = frozenset()  # what a share of a group does: "54% of Gen Z prefer no AI"
    document: str = ""  # the note, or the first of its copies (a source kept in inbox/ and archive/)
    event_dates: int = 0  # for an event: on how many dates the KB records one of this subject and measure
    tallies: frozenset[tuple[str, int]] = frozenset()  # other counts in the sentence: "six ICOs" -> (ico, 6)
    running: bool = False  # a running count as of the day: "has now destroyed 240 structures"
    verb: str | None = None  # the past-tense verb right before the number: "completed 4,860 homes"
    unit: str = ""  # a physical unit written after the number, canonical: "gigawatts" -> "GW"
    reasons: list[str] = field(default_factory=list)

    @property
    def tier(self) -> str:
        return "dated" if self.when is not None and self.when_source != "note date" else "undated"


@functools.lru_cache(maxsize=65536)
def canonical_name(name: str) -> str:
    """Possessives, punctuation, corporate endings and place aliases folded: "Germany's" -> germany,
    "the U.S." -> united states, "Ryanair Holdings plc" -> ryanair."""
    text = name.strip().strip("\"'“”").lower()
    text = _POSSESSIVES.sub("", text)  # "St Aldric's Hospital" and "St Aldric's" alike
    text = _LEADING_THE.sub("", text)
    if text in PLACE_ALIASES:
        return PLACE_ALIASES[text]
    words = text.replace(",", " ").split()
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words.pop()
    text = " ".join(words)
    return PLACE_ALIASES.get(text, text)


_POSSESSIVE_END = re.compile(r"['’]s?$")
_POSSESSIVES = re.compile(r"(?:'s|’s|'|’)(?=\s|$)")
_LEADING_THE = re.compile(r"^the\s+")

GENERIC_TAILS = frozenset(
    "inc corp co ltd plc llc group holdings labs lab protocol network finance dao foundation app ai "
    "company international global technologies technology systems hospital hospitals trust scheme".split()
)


class EntityIndex:
    """Names the KB knows: entity notes (name, title, file name, `aliases`, `handles`) and the names its
    wikilinks point to. Each maps to one canonical name; such names are never "too common"."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # lower-case surface -> canonical
        self.first_words: dict[str, str] = {}  # "ryanair" -> "ryanair holdings" (a distinctive first word)
        self.canonical: set[str] = set()  # the canonical names

    def add(self, canonical: str, surfaces) -> None:
        canonical = canonical_name(canonical)
        if not canonical:
            return
        self.canonical.add(canonical)
        for surface in surfaces:
            if isinstance(surface, str) and surface.strip():
                key = canonical_name(surface.lstrip("@"))
                if len(key) >= 2:
                    self.names.setdefault(key, canonical)
                    slug = key.replace("-", " ")
                    self.names.setdefault(slug, canonical)
        first = canonical.split()[0] if canonical.split() else ""
        if len(first) >= 4 and first not in NOT_NAMES and first not in self.first_words:
            self.first_words[first] = canonical

    def resolve(self, surface: str) -> str:
        key = canonical_name(surface)
        found = self.names.get(key)
        if found:
            return found
        words = key.split()
        if words and words[0] in self.first_words and len(words) <= 3:
            canonical = self.first_words[words[0]]
            # "Ryanair DAC", "Umbra Protocol": the same name with a generic tail; "Futardio Cult" is
            # another thing that shares a first word
            if all(w in canonical.split() or w in GENERIC_TAILS for w in words[1:]):
                return canonical
        return key


def strip_masthead(title: str, publishers) -> str:
    """A title's publisher prefix dropped: "Futardio: i.rich fundraise goes live" from futard.io."""
    masthead = _MASTHEAD.match(title)
    if masthead and canonical_name(masthead.group(1)).replace(".", "") in {p.replace(".", "") for p in publishers}:
        return title[masthead.end() :]
    return title


def note_subject(
    title: str, body_names: Counter, index: EntityIndex, entity_name: str | None, publishers, is_word=None
) -> str | None:
    """The note's main entity: an entity note's own name; else the most mentioned name of the title
    and body (title names count three times); publishers and places of dateline excluded."""
    if entity_name:
        return index.resolve(entity_name)
    counts = Counter()
    for name, count in body_names.items():
        counts[name] += count
    title = strip_masthead(title, publishers)
    for position, surface in enumerate(_names(title)):
        # a title's first word is capitalised as a title's: "Record year for Kestrel Bay port"
        first = position == 0 and " " not in surface and title.lstrip(" \"'“#").startswith(surface)
        counts[index.resolve(surface)] += (
            1 if first and not surface.isupper() and is_word is not None and is_word(surface) else 5
        )
    # "Pebblewick" and "Pebblewick Games" in one note are one name, when no other name begins so
    for short in [name for name in counts if name and " " not in name]:
        longer = [name for name in counts if name.startswith(short + " ")]
        if len(longer) == 1:
            counts[longer[0]] += counts.pop(short)
    in_title = {index.resolve(surface) for surface in _names(title)}
    for publisher in publishers:
        # a company's own report is about the company, unless its title names something else:
        # "Futardio: Loyal fundraise goes live" on futard.io is about Loyal
        if publisher not in in_title or len(in_title - publishers) >= 1:
            counts.pop(publisher, None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    if len(ranked) == 1 and ranked[0][0] and (" " in ranked[0][0] or ranked[0][0] in index.canonical):
        # the only name a note's figures and title ever mention: "Marlow Valley growers picked
        # 63,100 tonnes", then "Exports were worth €241 million"; a single capitalised word may be a
        # line's label ("Retweets: 7 | Likes: 36"), so it counts only as a KB entity
        return ranked[0][0]
    return None


_ASIDE = re.compile(r"\([^)]*\)")
_MASTHEAD = re.compile(r"\s*([^:]{1,40}):\s")
_LABEL_BEFORE = re.compile(
    r"^\s*(?:[-*•]\s+)?([A-Za-z][\w .'’()-]{0,70}?)\s*:\s*[~≈]?\s*(?:about|around|approx\.?)?\s*[-−+]?[$£€¥]?\d"
)
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
_TIME_WORDS = re.compile(
    r"\b(?:(?:19|20)\d\d(?:-\d\d){0,2}|q[1-4]|h[12]|fy\s?\d{2,4}|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|"
    r"june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|total|current|today)\b",
    re.I,
)
_TIME_TOKEN = re.compile(r"(?:FY|CY|PY|Q[1-4]|H[12]|[1-4]Q)'?\d{0,4}", re.I)


def _name_words(surface: str) -> list[str]:
    return list(_name_words_cached(surface))


@functools.lru_cache(maxsize=65536)
def _name_words_cached(surface: str) -> tuple[str, ...]:
    """The words of a capitalised run that name something: measure words ("Bank Rate", "Passengers")
    and time tokens ("FY25", "Q4") dropped."""
    words = surface.split()
    lemmas = [lemma(w) for w in words]
    drop = [bool(_TIME_TOKEN.fullmatch(w)) or (lemma_,) in _PHRASES for w, lemma_ in zip(words, lemmas, strict=True)]
    for i in range(len(words) - 1):
        if (lemmas[i], lemmas[i + 1]) in _PHRASES:
            drop[i] = drop[i + 1] = True
    if len(words) > 1 and _PLURAL_ACRONYM.fullmatch(words[-1]):
        drop[-1] = True  # "Shared Savings Program ACOs": what is counted, not part of the name
    # only at the ends: a measure word inside a name is the name's ("Medicare Shared Savings Program")
    first, last = 0, len(words)
    while first < last and drop[first]:
        first += 1
    while last > first and drop[last - 1]:
        last -= 1
    return tuple(words[first:last])


def _names(text: str) -> list[str]:
    out = []
    for match in _NAME.finditer(text):
        surface = match.group(0)
        words = _name_words(surface)
        while words and words[0].lower().strip("'’") in NOT_NAMES:
            words.pop(0)
        while words and words[-1].lower().strip("'’") in NOT_NAMES:
            words.pop()
        if words:
            out.append(" ".join(words))
    return out


_UNASKED = object()


class Normaliser:
    def __init__(self, index: EntityIndex, aliases: dict[str, str] | None = None) -> None:
        self.index = index
        # kb.toml aliases: a phrase -> "modifiers concept"
        self.aliases = sorted(
            ((p.lower(), t.lower()) for p, t in (aliases or {}).items()), key=lambda item: (-len(item[0]), item[0])
        )
        self.learned: dict[str, str] = {}  # short form -> concept, learned across the KB
        self._topics: dict[str, frozenset[str]] = {}
        self._times: dict[tuple, list[TimeMention]] = {}  # a sentence's times, shared by its facts
        self._normalised: dict[tuple, Norm] = {}  # see `normalise`
        self.mid_caps: Counter = Counter()  # capitalised words seen after a sentence's first word
        self.lower_use: Counter = Counter()  # word -> distinct sentences that write it in lower case
        self.known_names: set[tuple[str, ...]] = set()  # see `learn_names`
        # While `log` is a dict, every question `normalise` asks of what was learned across the KB is
        # written to it with its answer: a cached normalisation stays valid while every answer does.
        self.log: dict[tuple[str, object], object] | None = None
        self._canonical: tuple[int, frozenset[str]] = (-1, frozenset())
        self._current_answers: dict = {}  # see `still_answers`; the state is learned before it is asked

    # -- what normalising a fact asks of the KB-wide state, logged (see `still_answers`)

    def _asked(self, kind: str, key, answer):
        if self.log is not None:
            self.log[(kind, key)] = answer
        return answer

    def _answer(self, kind: str, key):
        """The answer to a logged question, from the current state, without logging it."""
        if kind == "L":
            return self.learned.get(key)
        if kind == "C":
            return self._common_word_now(key)
        if kind == "M":
            return bool(self.mid_caps[key])
        if kind == "I":
            return canonical_name(key) in self.index.names
        if kind == "R":
            return self.index.resolve(key)
        if kind == "K":
            return key in self._canonical_names()
        if kind == "N":
            return self._name_in_lower_case_now(key)
        if kind == "T":
            return self._topic_now(key)
        raise ValueError(kind)

    def still_answers(self, log) -> bool:
        """Whether every logged question gets the same answer now (each question answered once a run:
        notes ask the same ones)."""
        answers = self._current_answers
        try:
            for question, answer in log:
                now = answers.get(question, _UNASKED)
                if now is _UNASKED:
                    now = answers[question] = self._answer(*question)
                if now != answer:
                    return False
            return True
        except (ValueError, TypeError):
            return False

    def _learned_form(self, key: str) -> str | None:
        return self._asked("L", key, self.learned.get(key))

    def _capital_within(self, name: str) -> bool:
        return self._asked("M", name, bool(self.mid_caps[name]))

    def _indexed(self, name: str) -> bool:
        return self._asked("I", name, canonical_name(name) in self.index.names)

    def _resolve(self, surface: str) -> str:
        return self._asked("R", surface, self.index.resolve(surface))

    def _canonical_names(self) -> frozenset[str]:
        size = len(self.index.names)
        if self._canonical[0] != size:  # the index only grows while short forms are learned
            self._canonical = (size, frozenset(self.index.names.values()))
        return self._canonical[1]

    def _is_canonical(self, name: str) -> bool:
        return self._asked("K", name, name in self._canonical_names())

    def learned_state(self, aliases: list) -> dict:
        """What `learn_short_forms` learned, as plain values (for the cache): replaying it with
        `restore_learned` leaves the normaliser as learning did."""
        return {
            "lower": dict(self.lower_use),
            "caps": dict(self.mid_caps),
            "learned": dict(self.learned),
            "aliases": aliases,
        }

    def restore_learned(self, state: dict) -> None:
        self.lower_use.update(state["lower"])
        self.mid_caps.update(state["caps"])
        self.learned.update(state["learned"])
        for canonical, short in state["aliases"]:
            self.index.add(canonical, [short])

    def learn_short_forms(self, sentences) -> list:
        """ "monthly active users (MAUs)": MAU means what "user" means, everywhere in the KB. And the
        words the KB writes in lower case: a capitalised "Likes" or "Monthly" is a word, not a name.
        Returns the (canonical, short form) pairs it added to the entity index, in order."""
        added = []
        sentences = list(sentences)
        for sentence in sentences:
            for word in set(_LOWER_WORD.findall(sentence)):
                self.lower_use[word] += 1
            for word in set(_MID_CAPITAL.findall(sentence)):
                self.mid_caps[word] += 1
        for sentence in sentences:
            for match in re.finditer(r"((?:[A-Za-z][\w-]*\s+){1,6})\(([A-Z][A-Za-z]{1,9}?)s?\)", sentence):
                words = [w for w in match.group(1).split() if w.lower() not in ("of", "and", "the", "for", "&")]
                short = match.group(2)
                if len(short) < 2 or len(words) < len(short):
                    continue
                tail = words[-len(short) :]
                if "".join(w[0].upper() for w in tail) != short.upper():
                    continue
                concept = self._concept_of_words([lemma(w) for w in tail])
                if not all(w[0].isupper() for w in tail):
                    if concept:
                        self.learned.setdefault(lemma(short), concept)
                else:
                    # "the Medicare Shared Savings Program (MSSP)": MSSP names what the long form names
                    long = " ".join(_name_words(" ".join(tail)))
                    if long and canonical_name(short) not in self.index.names:
                        canonical = self.index.resolve(long)
                        self.index.add(canonical, [short])
                        added.append((canonical, short))
        return added

    def written_in_lower_case(self, name: str) -> bool:
        """A one-word name the KB writes in lower case anywhere, and knows as no entity: at the start
        of a title it is the title's capital ("Record year for…", "E-book loans were…")."""
        return (
            len(name.split()) == 1
            and self.lower_use[name.lower()] >= 1
            and canonical_name(name) not in self.index.names
        )

    def is_word(self, name: str) -> bool:
        """A one-word name the KB also writes in lower case is a word ("Skip", "Likes")."""
        return len(name.split()) == 1 and self._common_word(name)

    def _common_word(self, word: str) -> bool:
        return self._asked("C", word, self._common_word_now(word))

    def _common_word_now(self, word: str) -> bool:
        lowered = word.lower()
        return self.lower_use[lowered] >= COMMON_WORD_USES and canonical_name(word) not in self.index.names

    def _topic(self, title: str) -> frozenset[str]:
        return self._asked("T", title, self._topic_now(title))

    def _topic_now(self, title: str) -> frozenset[str]:
        found = self._topics.get(title)
        if found is None:
            found = frozenset(w for name in _names(title) for w in self.index.resolve(name).split() if len(w) >= 3)
            self._topics[title] = found
        return found

    def _concept_of_words(self, lemmas: list[str]) -> str | None:
        for size in range(min(_LONGEST, len(lemmas)), 0, -1):
            for start in range(len(lemmas) - size, -1, -1):
                found = _PHRASES.get(tuple(lemmas[start : start + size]))
                if found:
                    return found
        return None

    def _copula_head(self, before, lemmas) -> tuple[str, str] | None:
        """The measure heading "<measure> for|of|among ... was <number>", as (concept, words)."""
        if not lemmas or lemmas[-1] not in _COPULAS:
            return None
        for i in range(len(lemmas) - 1):
            if before[i][2][:1].isupper() and i > 0:
                return None  # a name comes first: "Harbor City Metro's revenue ..." is read as it is
            if lemmas[i] in _HEAD_PREPOSITIONS:
                # no vocabulary phrase heads the subject: its own words do ("The pass rate for
                # pupils ... was 61.4%" measures a pass rate, whatever "pupils" would say)
                words = [w for w in lemmas[:i] if w not in NOT_MEASURES and w not in _LINK_WORDS]
                if not words or not all(w.isalpha() for w in words):
                    return None
                return "-".join(words[-2:]), " ".join(t[2] for t in before[i - len(words[-2:]) : i]).lower()
            for size in range(min(_LONGEST, len(lemmas) - 1 - i), 0, -1):
                concept = _PHRASES.get(tuple(lemmas[i : i + size]))
                if concept:
                    following = lemmas[i + size] if i + size < len(lemmas) else ""
                    if following in _HEAD_PREPOSITIONS:
                        return concept, " ".join(t[2] for t in before[i : i + size]).lower()
                    return None
        return None

    def _label_part(self, label: str | None) -> str | None:
        """A list item's label as a part of the whole ("- Omnipair: 16x", "Competitor Metaplex Genesis:
        3 launches"), or None when it only names the measure or the time ("**Raised**: $3M",
        "Volume (March 2026): $8.7B"): those say what the number is, not what it is a part of."""
        if not label:
            return None
        if label == "part":
            return "a part"  # "1,510 of the 3,900 bikes", as "of which 1,150 are e-bikes"
        words = _WORD.findall(_TIME_WORDS.sub(" ", _AS_OF_WORDS.sub(" ", label)))
        if all(lemma(w) in NOT_MEASURES or self._concept_of_words([lemma(w)]) for w in words):
            return None
        return label

    def normalise(self, fact: Fact, note: NoteContext) -> Norm:
        sentence = fact.sentence
        position = _position(fact)
        start, end = position, position + len(fact.text)
        clause_start, clause_end = _clause(sentence, start, end)
        clause = sentence[clause_start:clause_end]
        tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(sentence)]
        before_tokens = [t for t in tokens if clause_start <= t[0] and t[1] <= start]
        after_tokens = [t for t in tokens if t[0] >= end and t[1] <= clause_end]
        reasons: list[str] = []

        # -- a physical unit after the number is how it is measured, not what: "42.8 gigawatts"
        unit = ""
        if fact.unit in _COUNT_UNITS:
            written = _PHYSICAL_UNIT.match(sentence, end)
            if written:
                key = written.group(1)
                unit = PHYSICAL_UNITS.get(key) or PHYSICAL_UNITS[key.lower()]
                unit_end = written.end()
                per = _PER_UNIT.match(sentence, unit_end)
                per_word = per.group(1).lower() if per else ""
                if per_word in PHYSICAL_UNITS or per_word in PER_WHAT:
                    # "17.9 tonnes per hectare": a rate, its own measure whatever words surround it
                    unit = f"{unit}/{PHYSICAL_UNITS.get(per_word) or PER_WHAT[per_word]}"
                    unit_end = per.end()
                after_tokens = [t for t in after_tokens if t[0] >= unit_end]

        # -- measure
        concept, confidence, modifiers, measure_text = self._measure(
            fact, sentence, clause, before_tokens, after_tokens
        )
        if fact.unit in CURRENCIES and lemma(measure_text.split()[0] if measure_text else "") in EARNING_VERBS:
            # "businesses took £3.6 million", "the week brought in £6.3 million", "generated $1.15M":
            # money a verb of earning names is revenue ("took 32 seats" and "generated 4 TWh" are not)
            concept, confidence = "revenue", 0.85
        if "/" in unit:
            concept, confidence, measure_text = unit, 0.9, unit
        elif (
            unit
            and unit not in DURATION_UNITS
            and (concept is None or concept.startswith("~") or concept in COUNTED_ONE_BY_ONE)
        ):
            # "carried 14.8 million tonnes", "moved 18.4 million tonnes of freight": passengers and
            # visits are counted, not weighed; the unit is the measure the words do not name
            concept, confidence, measure_text = unit, 0.85, unit
        window = _RATE_WINDOW.match(sentence, end, clause_end)
        if window:  # "$4K a month", "1.2 million per day", "$8K/month": a rate over that window
            modifiers = {*modifiers, _WINDOW_MODIFIER[window.group(1).lower()]}
        counted = lemma(after_tokens[0][2]) if after_tokens and after_tokens[0][2][0].isalpha() else None
        if counted and len(after_tokens) > 1 and after_tokens[0][2].lower().endswith(("ed", "ing")):
            counted = lemma(after_tokens[1][2])  # "10.3 million assigned beneficiaries" counts beneficiaries
        if counted in _LINK_WORDS or counted in NOT_MEASURES:
            counted = None  # "$4.91M in USDC": a preposition counts nothing
        kind = CONCEPT_KINDS.get(concept or "", "flow")

        # -- role and direction
        role = {"to": "level"}.get(fact.role, fact.role)
        lead = sentence[max(clause_start, start - 40) : start]
        direction = ""
        if _DOWN.search(lead) or fact.value < 0:
            direction = "down"
        elif _UP.search(lead):
            direction = "up"
        if fact.unit in ("%", "pp") and direction and role == "level":
            near = " ".join(t[2] for t in before_tokens[-3:])
            if (
                _UP.search(near + " ")
                or _DOWN.search(near + " ")
                or sentence[max(0, start - 2) : start].strip() in "(+−-"
            ):
                role = "delta"
        if fact.unit in ("%", "pp") and sentence[end : end + 12].lstrip().lower().startswith(
            ("increase", "decrease", "rise", "fall", "drop", "growth", "decline", "cut", "reduction", "gain", "jump")
        ):
            role = "delta"
            direction = direction or (
                "down" if re.match(r"\s*(?:decrease|fall|drop|decline|cut|reduction)", sentence[end:], re.I) else "up"
            )
        if fact.unit == "pp" or (
            fact.unit in ("%",)
            and re.search(r"\b(?:cut|raised|lowered|hiked|reduced)\s+(?:\w+\s+){0,4}by\s*$", lead, re.I)
        ):
            if re.search(r"\b(?:cut|lower|reduc|fell|down)", lead, re.I):
                role, direction = "delta", "down"

        if role == "level" and _COMPARED_WITH.search(sentence, max(0, start - 40), start):
            # "18.4 million tonnes in 2024/25, compared with 17.1 million tonnes the year before": a
            # base to compare with, of another period
            role = "from"
        if _RANGE_BOUND.search(sentence, max(0, clause_start), start):
            # "the churn rate, ranging from 0% to 4.5%": the ends of a range (an axis, a band), not a level
            role = "bound"

        # -- time
        time_key = (
            sentence,
            note.anchor,  # a writer's "last year" and "in November" are by the day they wrote
            _context_year(fact) or note.year,
            note.fiscal_year,
        )
        mentions = self._times.get(time_key)
        if mentions is None:
            mentions = self._times[time_key] = find_times(*time_key)
        when, when_source = _bind_time(mentions, start, end, clause_start, clause_end, role, sentence)
        if when is None and fact.period and fact.period_source in ("paragraph", "heading", "title"):
            parsed = find_times(fact.period.replace("-Q", " Q"), note.anchor)
            if parsed:
                when, when_source = parsed[0].when, {"document": "title"}.get(fact.period_source, "context")
                fiscal = note.fiscal_year
                if fiscal and when.grain == "year" and not when.calendar and when.end // 12 in (fiscal - 1, fiscal):
                    # "report to the board, 2024/25" read as 2024 above: the note's fiscal year it is
                    when = fiscal_when(fiscal)
        if when is None and note.fiscal_year is not None:
            # a note that reports by fiscal year ("Dunmore Water FY24 results") is about that year
            when, when_source = fiscal_when(note.fiscal_year), "document"
        if when is None and note.year is not None:
            when, when_source = (
                When("year", month_index(note.year, 1), month_index(note.year, 12), "", str(note.year)),
                "document",
            )
        if when is None and note.anchor is not None and note.anchor_field == "date":
            # a source's date says when its present tense held; a claim's `created` says only when
            # someone wrote the note
            point = month_index(note.anchor.year, note.anchor.month)
            when, when_source = (
                When("point", point, point, "", f"{note.anchor.isoformat()} ({note.anchor_field})"),
                "note date",
            )

        # -- modality
        modality = "question" if fact.modality == "question" else "asserted"
        if modality == "asserted" and (
            _CONDITION.search(sentence[clause_start:start])
            or _CONDITION_LABEL.search(sentence[:start])
            or _TIER.match(sentence, clause_start)
            or _TIER.match(sentence)
        ):
            modality = "hypothetical"  # "if it reaches $50M", "Invalidates if: ... below 15 launches"
        if modality == "asserted":
            if (
                _FORECAST.search(sentence[clause_start:start])
                or _FORECAST_AFTER.search(sentence[end:clause_end])
                or _TARGET_AFTER.match(sentence[end:clause_end])
            ) or any(m.prospective and clause_start <= m.start < clause_end for m in mentions):
                modality = "forecast"
            elif _VOTE.search(clause):
                modality = "vote"
            elif fact.modality == "target" and (
                _FORECAST.search(clause) or (clause_start, clause_end) == (0, len(sentence))
            ):
                # the extractor reads the whole sentence; "which has 1,248 shops, plans to open 110
                # more" plans only the 110
                modality = "forecast"
            elif when is not None and note.anchor is not None and when_source != "note date":
                if when.calendar == "" and when.start > month_index(note.anchor.year, note.anchor.month):
                    modality = "forecast"  # a period that had not begun when the note was written
        vintage = month_index(note.anchor.year, note.anchor.month) if note.anchor else None

        # -- subject
        subject, subject_source = self._subject(sentence, clause_start, clause_end, start, end, note)

        share_of = _share_of(fact, sentence, end)
        if share_of and (concept is None or concept.startswith("~")):
            # "88.4% of trains arrived on time", "62% of nurses reported burnout": a share of a group,
            # which the predicate check below keeps apart from shares doing something else
            concept, confidence, measure_text = "share of " + " ".join(share_of), 0.7, " ".join(share_of)
            kind = "stock"
        found = _LINE_LABEL.match(sentence)
        if not found or found.end() > start:
            found = _LINE_LABEL.match(
                sentence, sentence.rfind(";", 0, start) + 1
            )  # '...; "Unethical" — 7% of ad executives'
        label = frozenset()
        if (
            found
            and found.end() <= start
            and len(found.group(1).split()) <= 5
            and _LABEL_GAP.fullmatch(sentence[found.end() : start])
        ):  # the value right after its label, not a sentence that has a colon in it
            label = frozenset(
                lemma(w) for w in _WORD.findall(found.group(1)) if lemma(w) not in NOT_MEASURES and len(w) > 2
            )

        clause_words = frozenset(
            lemma(t[2])
            for t in tokens
            if clause_start <= t[0] < clause_end and t[2][0].isalpha() and lemma(t[2]) not in NOT_MEASURES
        )
        return Norm(
            fact=fact,
            concept=concept,
            concept_confidence=confidence,
            concept_kind=kind,
            modifiers=frozenset(modifiers),
            subject=subject,
            subject_source=subject_source,
            when=when,
            when_source=when_source,
            modality=modality,
            direction=direction,
            role=role,
            # "46% of MetaDAO Q4 2025 revenue ($1.15M)": the amount of a share, not the whole
            part=self._label_part(fact.subject)
            or ("a share" if _SHARE_AMOUNT.search(sentence[max(0, start - 90) : start]) else None)
            or ("a part" if _INCLUDING.search(sentence[max(0, start - 30) : start]) else None)
            or ("a part" if _OF_THE_WHOLE.match(sentence[:start]) else None)
            or ("a part" if _PART_OF_NUMBER.match(sentence, end) else None)
            or _source_part(measure_text, sentence[clause_start:clause_end]),
            clause_words=clause_words,
            vintage=vintage,
            normal_sentence=_NOT_WORD.sub(" ", sentence.lower()).strip(),
            counted=counted,
            topic=self._topic(note.title),
            measure_text=measure_text,
            share_of=share_of,
            predicate=_predicate(sentence, end, clause_end) if share_of else frozenset(),
            label=label,
            label_concept=self._concept_of_words(sorted(label)) if label else None,
            table_row=table_row(fact),
            note_names=note.names,
            document=fact.path,
            tallies=_tallies(sentence, start, end),
            running=bool(_RUNNING.search(clause)),
            unit=unit,
            verb=next((lemma(t[2]) for t in reversed(before_tokens[-3:]) if _PAST_VERB.fullmatch(t[2])), None),
            note_date=note.anchor if note.anchor_field == "date" else None,
            reasons=reasons,
        )

    def _measure(self, fact, sentence, clause, before, after):
        fact_start = _position(fact)
        # words of a multi-word name after its first are neither measures nor modifiers: "the
        # Medicare Shared Savings Program", "Medicare HI Trust Fund impact" (but "Net Medicare savings")
        inside = [
            # at the start of a sentence the first capital is the sentence's, not the name's
            (
                m.start() + (len(m.group(0).split()[0]) if not sentence[: m.start()].strip(" -*•#>") else 0),
                # "480 Shared Savings Program ACOs": a plural acronym at the end is what is counted
                m.end() - (len(m.group(0).split()[-1]) if _PLURAL_ACRONYM.fullmatch(m.group(0).split()[-1]) else 0),
            )
            for m in _NAME.finditer(sentence)
            if len(m.group(0).split()) >= 3  # "Bank Rate" is a measure's name
        ]
        # and an aside between commas qualifies, it does not name the measure: "Gross savings, before
        # shared savings payments, were $6.6 billion"
        inside += [m.span() for m in _COMMA_ASIDE.finditer(sentence[:fact_start])]
        before = [t for t in before if not any(a <= t[0] < b for a, b in inside)]
        after = [t for t in after if not any(a <= t[0] < b for a, b in inside)]
        near = before[-5:] + after[:4]
        lowered = " ".join(t[2] for t in near).lower()
        modifiers = set()
        for found in _MODIFIER_PATTERN.finditer(lowered):
            modifiers.add(_MODIFIER_OF[re.sub(r"[- ]", "-", found.group(0))])
        if fact.unit in ("%", "x") and _RELATIVE.match(sentence, fact_start + len(" ".join(fact.text.split()))):
            modifiers.add("relative")  # "11% higher than FFS": a comparison, not a level
        tag = _BRACKET_TAG.search(sentence, 0, max(0, sentence.find(",")))
        if tag and tag.group(1).lower() in MODIFIER_WORDS:
            # "For Activate (ADJUSTED), ... (77%)": a tag on the sentence's lead qualifies its numbers
            modifiers.add(MODIFIER_WORDS[tag.group(1).lower()])
        if _CUMULATIVE.search(clause):
            modifiers.add("cumulative")  # "8 ICOs total since April", "to date", "all-time"
        if re.search(r"\b(?:a|per)\s+(?:month|mo)\b|/month|/mo\b", lowered):
            modifiers.add("monthly")
        if re.search(r"\b(?:a|per)\s+year\b|/year|/yr\b|\bannually\b", lowered):
            modifiers.add("annual")
        if re.search(r"\bper\s+(?:person|capita|head|beneficiary|guest|passenger|user|share|employee)\b", lowered):
            modifiers.add("per-capita")
        for phrase, target in self.aliases:
            if phrase in lowered:
                *mods, head = target.split()
                modifiers.update(MODIFIER_WORDS.get(m, m) for m in mods)
                return self._concept_of_words([lemma(head)]) or lemma(head), 1.0, modifiers, head
        best: tuple[float, str, float] | None = None
        lemmas_before = [lemma(t[2]) for t in before]
        label_from = before[0][0] if before else 0
        label = _LABEL_BEFORE.match(sentence[label_from : after[0][0] if after else len(sentence)])
        if label and not fact_start < label_from + label.end() <= fact_start + len(fact.text):
            label = None  # the label is another number's: "signal: $154M committed for $3M raise (51x ...)"
        if label and before:
            # "Fdv at ico: $10M", "Monthly burn: ~$210K": a label's first measure word is its head;
            # an aside in brackets is not ("Gross savings (before shared savings payments): $6.6B")
            head = _ASIDE.sub(" ", label.group(1))
            surfaces = _TOKEN.findall(head)
            words = [lemma(w) for w in surfaces]
            # "Gross savings": a word that is a modifier before another measure word is a modifier
            while len(words) > 1 and words[0] in _MODIFIER_LEMMAS and self._concept_of_words(words[1:]):
                words, surfaces = words[1:], surfaces[1:]
            if "(" in label.group(1):
                modifiers = {m for m in modifiers if _word_pattern(m).search(head.lower())}
                modifiers |= {c for w, c in MODIFIER_WORDS.items() if _word_pattern(w).search(head.lower())}
            for i in range(len(words)):
                for size in range(min(_LONGEST, len(words) - i), 0, -1):
                    concept = _PHRASES.get(tuple(words[i : i + size]))
                    if concept:
                        return concept, 1.0, modifiers, " ".join(surfaces[i : i + size]).lower()
        # the counted noun, a verb after it ("iPhones shipped"); not past a comma or another number,
        # where the words are another item's ("Wages were £61.2 million, 71% of revenue")
        reach, previous_end = 0, fact_start + len(fact.text)
        for token in after[:3]:
            if _LIST_BREAK.search(sentence, previous_end, token[0]) or token[2][0].isdigit():
                break
            reach, previous_end = reach + 1, token[1]
        lemmas_after = [lemma(t[2]) for t in after[:reach]]
        counted = _counted_noun(after, fact_start + len(fact.text), sentence) if fact.unit in _COUNT_UNITS else None
        if counted and (_PHRASES.get((lemma(counted),)) or self._learned_form(lemma(counted))):
            counted = None  # a vocabulary word: the search below finds it
        # phrases after the number (the counted noun, "raised"), then before ("revenue of", "shipped")
        for side, lemmas, toks in (("after", lemmas_after, after[:3]), ("before", lemmas_before, before)):
            for size in range(min(_LONGEST, len(lemmas)), 0, -1):
                for i in range(len(lemmas) - size + 1):
                    key = tuple(lemmas[i : i + size])
                    concept = _PHRASES.get(key) or (self._learned_form(key[0]) if size == 1 else None)
                    if concept is None:
                        continue
                    if (
                        counted
                        and (side == "after" or not _LEADS_TO_NUMBER.issuperset(lemmas[i + size :]))
                        # "58,200 aircraft movements": a phrase that ends in the counted noun is its name
                        and not (side == "after" and size > 1 and key[-1] == lemma(counted))
                    ):
                        # "312 stations served riders", "10.3 million beneficiaries across nearly 480
                        # ACOs": the number counts its own noun; only a word leading straight to it
                        # ("delivered 186.6 million handsets", "sales of 5,000 cars") names the measure
                        continue
                    distance = i if side == "after" else len(lemmas) - (i + size)
                    if side == "after":
                        distance -= sum(1 for w in lemmas[:i] if w in _LINK_WORDS)  # "$184K of revenue"
                    score = distance + (0.0 if side == "after" else 0.5) - 0.1 * size
                    if side == "before" and _LIST_BREAK.search(sentence[before[i + size - 1][1] : fact_start]):
                        score += 3  # "a $5.9M treasury, $184K of revenue": a comma ends the other item
                    if best is None or score < best[0]:
                        confidence = 1.0 if distance <= 4 else 0.85 if distance <= 8 else 0.7
                        best = (score, concept, confidence, " ".join(t[2] for t in toks[i : i + size]).lower())
        part_of = _PART_VERB.search(" ".join(t[2] for t in before[-4:]))
        named = part_of and (part_of.group(1) or part_of.group(2))
        if named and named.lower() not in NOT_MEASURES:
            # "E-bikes make up 1,510 of the 3,900 bikes", "Exports account for 40%": the part named first
            word = lemma(named)
            return self._concept_of_words([word]) or word, 0.85, modifiers, named.lower()
        head = self._copula_head(before, lemmas_before) if best is not None else None
        if head is not None and head[0] != best[1]:
            # "The acceptance rate for students entering in fall 2025 was 38.2%": what the copula's
            # subject names first is the measure; the nouns after its preposition only qualify it
            return head[0], 1.0, modifiers, head[1]
        if counted and best is None:
            return lemma(counted), 0.85, modifiers, counted.lower()
        if best is not None and best[0] <= 12:
            return best[1], best[2], modifiers, best[3]
        if best is not None and before and lemma(before[-1][2]) in _COPULAS:
            # "Fare revenue at Harbor City Metro for the fiscal year ended June 30, 2024 was $596M":
            # what the copula's subject names, however far back
            return best[1], 0.85, modifiers, best[3]
        # no vocabulary: the noun right after the number ("40 lorries"), else the nearest noun before
        # it ("Leakage fell 9%"); a word after another preposition is another phrase's
        reach = 2 if lemmas_after[:1] == ["of"] else 1  # "62% of nurses"
        # a capitalised word inside a sentence names a category, not a measure: "Cable (27.2%)"
        nearby = [*after[: min(reach, len(lemmas_after))], *reversed(before[-3:])]
        for token in nearby:
            word = lemma(token[2])
            if token[2][:1].isupper() and sentence[: token[0]].strip(' -*•#>"“'):
                continue
            if (
                word
                and word[0].isalpha()
                and word not in NOT_MEASURES
                and word not in CHANGE_WORDS
                and word not in _NOT_GUESSED
                and len(word) > 2
            ):
                return "~" + word, 0.4, modifiers, word
        return None, 0.0, modifiers, ""

    def _subject(self, sentence, clause_start, clause_end, start, end, note):
        entity_note = note.kind == "entity" or "entities/" in note.path
        labelled = _NAME_BEFORE_BRACKET.search(sentence[:start])
        if labelled and not self.is_word(labelled.group(1)):
            return self._resolve(labelled.group(1)), "clause"  # "Netflix (8.4%), YouTube (6.0%)"
        if note.main_entity and _ANAPHOR.search(sentence, clause_start, start):
            # "the program's 10.3 million beneficiaries": the note's own subject, named again, most
            # often; "Its 74 turbines" after "Skarn completed the Halden Bank farm" may be the farm's,
            # so the subject is the note's, not one the clause states
            return note.main_entity, "entity" if entity_note else "note"
        candidates: list[tuple[float, str, str]] = []
        line_label = _LINE_LABEL.match(sentence)
        if not line_label or line_label.end() > start:
            line_label = _LINE_LABEL.match(sentence, sentence.rfind(";", 0, start) + 1)
        for match in _NAME.finditer(sentence):
            surface = match.group(0)
            words = _name_words(surface)
            if not words:
                continue
            lead = surface.find(words[0])
            words = surface[lead:].split()[: len(surface[lead:].split())]
            words = [w for w in words if w in _name_words(surface)]
            while words and _POSSESSIVE_END.sub("", words[0].lower()) in NOT_NAMES:
                lead += len(words[0]) + 1
                words.pop(0)
            while words and _POSSESSIVE_END.sub("", words[-1].lower()) in NOT_NAMES:
                words.pop()
            if not words:
                continue
            name = " ".join(words)
            at = match.start() + lead
            if len(words) == 1 and (not name.isupper() or len(name) > 5) and self._common_word(name):
                continue  # "Likes", "ADJUSTED": words, not names
            if (
                len(words) == 1
                and not sentence[:at].strip(' -*•#>"“')
                and not self._capital_within(name)
                and not self._indexed(name)
            ):
                continue  # "Tuition revenue was…": a sentence's first capital names nothing
            follow = sentence[match.end() : match.end() + 40]
            precede = sentence[max(0, at - 40) : at]
            canonical = self._resolve(name)
            if canonical in note.publishers or REPORTING_VERBS.match(follow) or ATTRIBUTION_BEFORE.search(precede):
                continue  # who says it, not what it is about
            if canonical in {"q1", "q2", "q3", "q4"} or re.fullmatch(r"[a-z]?\d.*", canonical):
                continue
            inside = clause_start <= at < clause_end
            if at + len(name) <= start:
                between = sentence[at + len(name) : start]
                distance = start - (at + len(name)) + 150 * len(_HARD_BREAK.findall(between))
            elif at >= end and _OF_NAME.search(sentence[max(end, at - 6) : at]) and at - end <= 30:
                distance = (at - end) * 1.5 + 10  # "revenue of $5M for Acme"
            else:
                continue
            known = self._is_canonical(canonical)
            weight = distance - (15 if known else 0)
            if _LABEL_AFTER.match(follow):
                if not known or at + len(name) > start:
                    continue  # "Likes: 39", "Pass Likelihood: 50%": a label names the measure
                weight = -20  # "Solomon: $103M committed": a known name as the label is whom it is about
            if re.search(r"\d", name) and len(name) > 16:
                continue  # an address or a hash, not a name
            if not known and line_label and line_label.start(1) <= at < line_label.end(1):
                continue  # "**Total Token Supply** — 15.9M": a label in capitals names the measure
            aside = False
            after_name = sentence[at + len(name) : start]
            possessive = name.endswith(("'s", "’s")) or after_name.startswith(("'", "’"))
            if at + len(name) <= start and possessive and _POSSESSIVE_BEFORE.fullmatch(after_name.lstrip("'’s")):
                # "46% of MetaDAO's $2.51M revenue" in Meteora's note: the number is MetaDAO's
                candidates.append((False, -30, canonical, "clause" if inside else "sentence"))
                continue
            if _PREPOSITION_BEFORE.search(precede):
                aside = True  # "launched on Futardio", "a bid to MetaDAO": not what the clause is about
            elif entity_note and canonical != note.main_entity:
                # in an entity's note, a name inside the clause is rarely what it is about, and a
                # place is where ("2024 US presidential election: $3.7B" in Polymarket's note)
                aside = sentence[clause_start:at].count(" ") > 2 or (
                    canonical in _PLACES and note.main_entity not in _PLACES
                )
            candidates.append((aside, weight, canonical, "clause" if inside else "sentence"))
        lowered = sentence.lower()
        for word in WORLD_WORDS:
            found = _word_pattern(word).search(lowered)
            if found and found.start() < start and found.start() >= clause_start:
                candidates.append((False, start - found.end() + 5, "(world)", "clause"))
        if candidates:
            candidates.sort()
            aside, weight, canonical, source = candidates[0]
            if aside and note.main_entity:
                named = canonical.split()[0] == note.main_entity.split()[0]  # "Umbra ICO" in Umbra's note
                return note.main_entity, source if named else ("entity" if entity_note else "note")
            if weight + (100 if aside else 0) < 260:
                return canonical, source
        written = self._name_in_lower_case(sentence[clause_start:start])
        if written:
            return written, "clause"
        if note.main_entity:
            # an entity note's own subject is known; another note's main entity is a guess
            return note.main_entity, "entity" if entity_note else "note"
        return None, "none"

    def learn_names(self, names_by_note) -> None:
        """Names of two words and more that the sentences of several notes write capitalised: found
        again where a line writes them in lower case ("Inside out 2 budget: $200M")."""
        seen = Counter(name for names in names_by_note for name in set(names) if len(name.split()) >= 2)
        self.known_names = {tuple(name.split()) for name, count in seen.items() if count >= 2}

    def _name_in_lower_case(self, text: str) -> str | None:
        return self._asked("N", text, self._name_in_lower_case_now(text))

    def _name_in_lower_case_now(self, text: str) -> str | None:
        if not self.known_names or not text:
            return None
        written = [w.strip(".,:;*()'’\"") for w in text.split()]
        words = [w.lower() for w in written]
        found = None
        for size in (4, 3, 2):
            for i in range(len(words) - size + 1):
                # written capitalised, the name finder has seen it and decided
                if tuple(words[i : i + size]) in self.known_names and not all(
                    w[:1].isupper() or not w[:1].isalpha() for w in written[i : i + size]
                ):
                    found = " ".join(words[i : i + size])  # the last one, nearest the number
            if found:
                return found
        return None


_MODIFIER_LEMMAS = frozenset(lemma(w) for w in MODIFIER_WORDS if " " not in w)
_MODIFIER_OF = {re.sub(r"[- ]", "-", surface): canonical for surface, canonical in MODIFIER_WORDS.items()}
_MODIFIER_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(
        "[- ]".join(re.escape(part) for part in re.split(r"[- ]", surface))
        for surface in sorted(MODIFIER_WORDS, key=len, reverse=True)
    )
    + r")\b"
)
_CUMULATIVE = re.compile(r"\b(?:in total since|total since|to date|all[- ]time|lifetime|cumulative(?:ly)?)\b", re.I)
_NAME_BEFORE_BRACKET = re.compile(r"(?<![\w@])([A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3})\s*\(\s*[~≈]?$")
_RUNNING = re.compile(
    r"\b(?:now|so far|to date|as of (?:today|now)|(?:has|have) (?:now |so far |already )?\w+ed)\b", re.I
)
_ANAPHOR = re.compile(
    r"\b(?:the\s+(?:company|firm|group|program|programme|country|nation|city|state|agency|bank|fund|project|"
    r"protocol|platform|network|business|organi[sz]ation|government|university|school|hospital|airline)(?:'s|’s)"
    r"|its)\s+(?:[a-z][\w-]*\s+){0,3}[$£€¥]?$",
    re.I,
)
_COPULAS = frozenset(lemma(w) for w in "was were is are reached totaled totalled stood came hit worth".split())
_LINK_WORDS = frozenset({"of", "in", "for", "the"})
_POSSESSIVE_BEFORE = re.compile(r"\s+(?:[~≈]\s*|(?:about|around|nearly|almost)\s+)?")
_BRACKET_TAG = re.compile(r"\(([A-Za-z][A-Za-z-]{2,20})\)")
_PART_VERB = re.compile(
    r"([A-Za-z][\w-]+)\s+(?:make|makes|made|making)\s+up$|([A-Za-z][\w-]+)\s+accounts?\s+for$", re.I
)
_DIGIT_RUN = re.compile(r"\d")
_COMPARED_WITH = re.compile(
    r"\b(?:compared\s+(?:with|to)|as\s+against|against|versus|vs\.?)\s+(?:about\s+|some\s+|roughly\s+)?[$£€]?$", re.I
)
_RANGE_BOUND = re.compile(r"\brang(?:e|es|ed|ing)\s+(?:from|between)\b[^;.]{0,40}$", re.I)
_AS_OF_WORDS = re.compile(r"\b(?:as\s+(?:of|at)|at|on|by)\b", re.I)  # "(as of 2025-03-12)": a date, no part
_PER_UNIT = re.compile(r"\s*(?:per|/|a)\s*([A-Za-z]+)\b")
_PHYSICAL_UNIT = re.compile(
    r"\s?(" + "|".join(re.escape(u) for u in sorted(PHYSICAL_UNITS, key=len, reverse=True)) + r")(?![\w-])"
)
_PAST_VERB = re.compile(r"[a-z]{3,}ed|seen|done|made|paid|sold|held|taken|given|won|lost")
_AUXILIARIES = frozenset(
    "is are was were be been being has have had do does did will would can could may might".split()
)
_HEAD_PREPOSITIONS = frozenset({"of", "for", "among", "at", "per", "in"})
_PLACES = frozenset(PLACE_ALIASES.values())
_RATE_WINDOW = re.compile(
    r"\s*(?:[A-Za-z$]+\s+){0,3}?(?:a|an|per|each|every|/)\s*(day|week|month|quarter|year)\b", re.I
)
_WINDOW_MODIFIER = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "annual"}
_LIST_BREAK = re.compile(r"[,;]")


_SHARE_OF = re.compile(r"\s*(?:of\s+(?:all\s+|the\s+|their\s+|its\s+)?)([A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,2})")
_RELATIVE = re.compile(r"\s*(?:higher|lower|more|less|above|below|greater|fewer|cheaper)\s+than\b", re.I)


_WORD = re.compile(r"[A-Za-z]{2,}")
TABLE_VALUES = 4  # fewer numbers than this in a sentence is never a table row


def table_row(fact: Fact) -> bool:
    """A table row or a stat line: cells ("|", tabs) or many numbers with few words between them.
    Prose with four numbers ("fares fell 10% … profit dropped 18% to €1.79bn") is not one."""
    values = len(fact.sentence_values)
    if values < TABLE_VALUES:
        return False
    if "|" in fact.sentence or "\t" in fact.sentence:
        return True
    return len(_WORD.findall(fact.sentence)) < 2 * values


_NOT_GUESSED = frozenset(
    lemma(w)
    for w in (
        "full whole entire fiscal financial calendar year-on-year was were is are be been has have had reached "
        "totaled totalled stood hit came peaked"
    ).split()
)
_COUNT_UNITS = frozenset({"", "count"})
_LEADS_TO_NUMBER = frozenset(
    lemma(w) for w in "of about around nearly almost roughly approximately some over under just more than up to".split()
)
_NOT_COUNTED = frozenset(
    "is was has does goes rises falls grows remains includes means makes plus across us this its thus less "
    "versus as whereas yes always perhaps "
    # nouns that count without naming what ("168.6 million units"): the measure is named elsewhere
    "units items pieces things ones "
    # amounts of a unit as often as counts of things: "10M tokens" issued, "9M tokens" launched
    "tokens coins shares".split()
)


def _counted_noun(after: list[tuple], number_end: int, sentence: str) -> str | None:
    """The plural noun a number counts, right after it or after one word ("10.3 million assigned
    beneficiaries", "4,860 new homes"): "stations", "ACOs"; None for units, scales, verbs and other words."""
    if after and after[0][2].lower() in ("were", "are", "was", "is") and not sentence[number_end : after[0][0]].strip():
        # "of which 1,120 were affordable homes": what the number is, after the copula
        number_end, after = after[0][1], after[1:]
    for position, token in enumerate(after[:2]):
        word = token[2]
        gap = sentence[(after[position - 1][1] if position else number_end) : token[0]]
        if gap.strip():
            return None  # punctuation between: not the number's noun
        lowered = word.lower()
        plural = _PLURAL_ACRONYM.fullmatch(word) or (
            word.islower() and len(word) > 3 and lowered.endswith("s") and not lowered.endswith("ss")
        )
        base = lemma(word)
        if plural and lowered not in _NOT_COUNTED and base not in NOT_MEASURES and base not in CHANGE_WORDS:
            return word
        # one word before the noun: a participle ("assigned beneficiaries") or an adjective ("new homes")
        if not (position == 0 and word.islower() and base not in _LINK_WORDS and lowered not in _NOT_COUNTED):
            return None
    return None


def _share_of(fact: Fact, sentence: str, end: int) -> tuple[str, ...]:
    """What a percentage is a share of, as lemmas: "79% of gaming spend" -> ("gaming", "spend")."""
    if fact.unit != "%":
        return ()
    found = _SHARE_OF.match(sentence, end)
    if not found:
        return ()
    words = []
    for word in found.group(1).split():
        if word.lower() in _AUXILIARIES or _PAST_VERB.fullmatch(word) or word.lower().endswith("ing"):
            break  # "71.4% of patients were seen", "74.1% of patients seen": the whole is the patients
        if lemma(word) not in NOT_MEASURES:
            words.append(word)
    # "88.4% of Ardent Rail trains": the group is the trains; whose they are is the subject's business
    common = [w for w in words if not w[:1].isupper()]
    return tuple(lemma(w) for w in (common or words))[:2]


# a line's label: '- "Unethical": 7%', '**Prior funding:** $122,500', 'Total Token Supply — 15.9M'
_LINE_LABEL = re.compile(
    r"\s*(?:[-*•>#]+\s+)*(?:\*\*)?[\"“']?([A-Za-z][^:—–=\"”\d]{0,60}?)[\"”']?(?:\*\*)?\s*(?:[:=]|\s[—–]\s)"
)
_PREDICATE_WORDS = 6
_LABEL_GAP = re.compile(
    r"[\s*~≈$£€¥]*(?:(?:about|around|approx\.?|approximately|roughly|nearly|over|under|only)\s*)?[\s*~≈$£€¥]*", re.I
)
# "31,450 students, including 24,120 undergraduates": the number after "including" is a part
_INCLUDING = re.compile(r"\b(?:including|of whom|of which|among them|among which)\s+(?:about\s+|some\s+)?[$£€]?$", re.I)
# "Of the homes Brenmoor completed in 2024, 1,410 were affordable": a part of the whole named first
_OF_THE_WHOLE = re.compile(
    r"^\W*of\s+(?:the|these|those|its|their|all)\b[^,;]{0,100},\s*(?:about\s+|some\s+)?[$£€]?$", re.I
)
# "32 of the council's 60 seats", "21 out of 40": a part of a whole stated right after it
_PART_OF_NUMBER = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+)?(?:[\w&.-]+['’]s?\s+)?[$£€]?\d")
_SHARE_AMOUNT = re.compile(r"\d%\s+of\s+[^()%]{1,70}\(\s*[~≈]?\s*$")


def _predicate(sentence: str, end: int, clause_end: int) -> frozenset[str]:
    """The words after a share's group, to where the clause ends: "54% of Gen Z | prefer no AI"."""
    found = _SHARE_OF.match(sentence, end)
    rest = sentence[found.end() if found else end : clause_end]
    words = [lemma(w) for w in _WORD.findall(rest)[:_PREDICATE_WORDS]]
    return frozenset(w for w in words if w not in NOT_MEASURES and w not in _LINK_WORDS and len(w) > 2)


_NUMBER_WORDS = {
    w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split())
}
_TALLY = re.compile(r"\b(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")\s+([A-Za-z][A-Za-z-]*s)\b", re.I)


_DURATIONS = frozenset(lemma(w) for w in "seconds minutes hours days weeks months years decades".split())


def _tallies(sentence: str, start: int, end: int) -> frozenset[tuple[str, int]]:
    """How many of something else the sentence counts: a total "raised by six ICOs" is over six."""
    found = set()
    for match in _TALLY.finditer(sentence):
        if match.start() < end and match.end() > start:
            continue  # the fact itself
        number = match.group(1).lower()
        word = lemma(match.group(2))
        if word not in NOT_MEASURES and word not in _DURATIONS and len(word) > 2:
            found.add((word, _NUMBER_WORDS.get(number) or int(number)))
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern:
    """One compiled pattern per word, kept: compiling them afresh per fact was a third of the run."""
    return re.compile(rf"\b{re.escape(word)}\b")


_FROM = re.compile(r"\b([A-Za-z][\w-]*)\s+from\s+(?:the\s+)?([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)")


def _source_part(measure_text: str, clause: str) -> str | None:
    """ "$520M of revenue from Feastables", "savings from coding intensity": a measure from one source is
    a part of the whole."""
    if not measure_text:
        return None
    last = measure_text.split()[-1].lower()
    for found in _FROM.finditer(clause):
        if found.group(1).lower() == last:
            source = found.group(2)
            return None if lemma(source.split()[0]) in NOT_MEASURES else "from " + source.lower()
    return None


def _position(fact: Fact) -> int:
    """Where the fact's text sits in its (space-collapsed) sentence."""
    text = " ".join(fact.text.split())
    found = fact.sentence.find(text)
    return max(found, 0)


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    left, right = 0, len(sentence)
    relative = False
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.end() <= start:
            left = max(left, match.end())
            relative = match.group(0).lower().lstrip(", ").startswith(("which", "who"))
        elif match.start() >= end:
            right = min(right, match.start())
            break
    if relative:
        # ", which has 1,248 shops, plans to open 110 more next year": a relative clause ends at its comma
        comma = sentence.find(",", end, right)
        if comma != -1:
            right = comma
    return left, right


def _context_year(fact: Fact) -> int | None:
    if fact.period and fact.period_source in ("clause", "sentence", "paragraph", "heading", "title"):
        found = re.search(r"(?:19|20)\d\d", fact.period)
        if found and "note date" not in fact.period:
            return int(found.group(0))
    return None


_CAUSE_PREPOSITION = re.compile(r"\b(?:on|from|by|with|amid|despite|over|against|after|because of|due to)\s")
_POSSESSIVE_NUMBER = re.compile(r"['’]s\s+[$£€¥]?\d")
_NOUN_AFTER_TIME = re.compile(r"[ \t]+[a-z]{3,}\b")
_NOT_NOUN = re.compile(
    r"[ \t]+(?:[a-z]+(?:ed|ly)|to|and|or|from|was|were|is|are|will|would|when|as|with|for|after|before|than|that|"
    r"which|while|but|on|in|of|at|by|the|its|their|despite|because|due|amid|thanks|following|versus|vs|including|"
    r"excluding|ahead|alone|itself|compared|against|until|through|since|during|levels?|onwards|onward)\b"
)


def _another_phrases(m: TimeMention, start: int, end: int, sentence: str) -> bool:
    """A time that belongs to another number or noun: "down 16% on the prior year's €1.92bn, as fares
    fell 7%"; "fell 7% on weaker summer 2024 pricing" (not "$858 million the 2015 original earned",
    where the noun it qualifies is whose number it is)."""
    if m.end <= start:
        owned = _POSSESSIVE_NUMBER.match(sentence, m.end)
        return bool(owned and owned.end() < start)
    return bool(
        m.start >= end
        and _NOUN_AFTER_TIME.match(sentence, m.end)
        and not _NOT_NOUN.match(sentence, m.end)
        and _CAUSE_PREPOSITION.search(sentence, end, m.start)
    )


def _bind_time(mentions: list[TimeMention], start, end, clause_start, clause_end, role, sentence=""):
    """The time a value is about: a time right after it ("X in 2024", "X (FY24)"), else the nearest
    before it in its clause, else elsewhere in the sentence; a time far after the value or in another
    clause counts for less. A reference such as "from 2023" binds only the "from" side of a change."""
    usable = [
        m
        for m in mentions
        if (not m.reference or role == "from")
        and not _another_phrases(m, start, end, sentence)
        # past the clause and past another number, a time is that number's: "which has 1,248 shops,
        # plans to open 110 more next year"
        and not (m.start >= clause_end and _DIGIT_RUN.search(sentence, end, m.start))
    ]
    if not usable:
        return None, "none"

    def distance(m: TimeMention) -> float:
        inside = clause_start <= m.start < clause_end
        if m.start >= end:
            gap = m.start - end
            cost = gap if gap <= 24 else gap + 100
        else:
            cost = (start - m.end) * 1.2 + 2
        return cost + (0 if inside else 60)

    best = min(usable, key=lambda m: (distance(m), m.start))
    inside = clause_start <= best.start < clause_end
    return best.when, "clause" if inside else "sentence"
