"""The stages run in order over a KB: extract -> normalise -> candidates -> score -> sides -> cards."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from itertools import combinations

import networkx as nx

from .. import codec
from .. import facts as facts_module
from ..codeversion import code_version
from ..facts import Fact
from ..model import KnowledgeBase
from ..progress import stage
from . import candidates as candidates_module
from . import normalise as normalise_module
from . import periods as periods_module
from . import report as report_module
from . import score as score_module
from . import sides as sides_module
from . import vocabulary as vocabulary_module
from .candidates import UNIT_CLASS, candidate_pairs
from .extract import extract_facts
from .normalise import (
    CONCEPT_KINDS,
    EntityIndex,
    Norm,
    Normaliser,
    NoteContext,
    _names,
    canonical_name,
    note_subject,
    strip_masthead,
)
from .periods import When, parse_date
from .report import HARD, HEDGED, KIND_ORDER, ROUNDING, UNIT, Conflict, ConflictReport, Side, fact_key, load_resolutions
from .score import Decision, decide
from .sides import AGREE, compare, gap, interval

_SITE = re.compile(r"https?://(?:www\.)?([^/.]+)")
_IN_YEAR = re.compile(r"\b(?:in|during|for|of|full-year|calendar)\s+((?:19|20)\d\d)\b(?!\s*(?:to|-))", re.I)
_LAST_YEAR = re.compile(r"\b(last)\s+year\b(?!['’]s)", re.I)  # not "last year's harvest": a reference


def entity_index(kb: KnowledgeBase) -> EntityIndex:
    """Entity notes (type `entity`, or under an `entities/` folder) and their names and aliases."""
    index = EntityIndex()
    for path, note in sorted(kb.notes.items()):
        fields = note.fields if isinstance(note.fields, dict) else {}
        if fields.get("type") != "entity" and "entities/" not in path:
            continue
        name = fields.get("name") if isinstance(fields.get("name"), str) else None
        canonical = _entity_name(name or note.title.replace("-", " "))
        surfaces = [canonical, note.title, note.title.replace("-", " ")]
        for key in ("aliases", "handles", "ticker"):
            value = fields.get(key)
            if isinstance(value, str):
                surfaces.append(value)
            elif isinstance(value, list):
                surfaces.extend(v for v in value if isinstance(v, str))
        index.add(canonical, surfaces)
    return index


def _entity_name(name: str) -> str:
    """An event's entity note is named for whom it happened to: "Git3: Futardio Fundraise" is Git3's."""
    head, colon, rest = name.partition(": ")
    return head.strip() if colon and head.strip() and rest.strip() else name


_FISCAL_MENTION = re.compile(
    r"\b(?:FY\s?'?(\d{2}(?:\d{2})?)\b|fiscal(?:\s+year)?\s+((?:19|20)\d\d)\b|(?:the\s+)?(?:fiscal|financial)\s+year"
    r"|(?:year|months|weeks)\s+(?:to|through|ending|ended)\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November)\b"
    r"|(?<![\w-])((?:19|20)\d\d)\s?[/–-]\s?(\d\d)(?![\d-]))",
    re.I,
)


def _fiscal_key(found: re.Match) -> str | None:
    """The year a fiscal mention names ("" for "the fiscal year"), or None when it names none: "2024-25"
    is a fiscal year, "2025-11" (November 2025) is not."""
    if found.group(4):
        first, second = int(found.group(3)), int(found.group(4))
        return found.group(4) if second == (first + 1) % 100 else None
    return found.group(1) or found.group(2) or ""


def _fiscal_year(mentions: Counter | None, anchor) -> int | None:
    """The fiscal year a note that reports by fiscal year is about: the one it names most ("FY25"),
    else, for "the fiscal year" or "12 months through March", the last one ended before its date."""
    if not mentions:
        return None
    named = sorted(((count, key) for key, count in mentions.items() if key), reverse=True)
    if named:
        year = int(named[0][1])
        return year + 2000 if year < 100 else year
    if anchor is None:
        return None
    # a fiscal year of unknown end: one dated in its first months most often reports the year just ended
    return anchor.year if anchor.month >= 4 else anchor.year - 1


def note_contexts(
    kb: KnowledgeBase,
    facts: list[Fact],
    index: EntityIndex,
    is_word=None,
    body_names: dict | None = None,
    title_word=None,
) -> dict[str, NoteContext]:
    """Per note: its title, date, publishers, main entity, year and fiscal year; `body_names`, when
    given, receives the names each note's numeric sentences mention."""
    names_by_note: dict[str, Counter] = defaultdict(Counter)
    years_by_note: dict[str, Counter] = defaultdict(Counter)
    fiscal_by_note: dict[str, Counter] = defaultdict(Counter)
    seen: set[tuple[str, str]] = set()
    # A sentence's names, as the index resolves them: the same in every note that repeats the
    # sentence (the index and the word counts are settled before contexts are made)
    sentence_names: dict[str, list[str]] = {}
    for fact in facts:
        if (fact.path, fact.sentence) in seen:
            continue
        seen.add((fact.path, fact.sentence))
        found_names = sentence_names.get(fact.sentence)
        if found_names is None:
            found_names = sentence_names[fact.sentence] = [
                index.resolve(surface) for surface in _names(fact.sentence) if is_word is None or not is_word(surface)
            ]
        if found_names:  # a note with no name keeps no entry (fiscal years below ask)
            names_by_note[fact.path].update(found_names)
        years_by_note[fact.path].update(_IN_YEAR.findall(fact.sentence))
        for found in _FISCAL_MENTION.finditer(fact.sentence):
            key = _fiscal_key(found)
            if key is not None:
                fiscal_by_note[fact.path][key] += 1
    if body_names is not None:
        body_names.update(names_by_note)
    anchors = {}
    for fact in facts:
        if fact.path not in anchors:
            fields = kb.notes[fact.path].fields if fact.path in kb.notes else {}
            anchors[fact.path] = parse_date(fields.get("date")) if isinstance(fields, dict) else None
    for path, sentence in seen:
        anchor = anchors.get(path)
        if anchor is not None:
            for found in _LAST_YEAR.finditer(sentence):
                # "moved a record 4.28 million TEU last year" in a note of February 2025 is about 2024
                shift = -1 if found.group(1).lower() == "last" else 0
                years_by_note[path][str(anchor.year + shift)] += 1
    contexts = {}
    for path, note in kb.notes.items():
        fields = note.fields if isinstance(note.fields, dict) else {}
        title = fields.get("title") if isinstance(fields.get("title"), str) else note.title
        anchor, anchor_field = None, ""
        for key in ("date", "created"):
            anchor = parse_date(fields.get(key))
            if anchor is not None:
                anchor_field = key
                break
        publishers = set()
        for key in ("author", "publisher", "site"):
            value = fields.get(key)
            if isinstance(value, str) and value.strip():
                publishers.add(canonical_name(value))
                # a site's name as its brand is written: "futard.io" -> futardio
                publishers.add(canonical_name(value).replace(".", ""))
        site = _SITE.match(str(fields.get("url") or ""))
        if site:
            publishers.add(canonical_name(site.group(1)))
        is_entity = fields.get("type") == "entity" or "entities/" in path
        entity_name = None
        if is_entity:
            entity_name = _entity_name(
                fields.get("name") if isinstance(fields.get("name"), str) else note.title.replace("-", " ")
            )
        mentioned = names_by_note.get(path, Counter())
        title = strip_masthead(title, publishers)
        main = note_subject(title, mentioned, index, entity_name, publishers, title_word)
        names = set(mentioned) | {index.resolve(surface) for surface in _names(title)}
        if main:
            names.add(main)
        years = sorted(years_by_note.get(path, Counter()).items(), key=lambda item: (-item[1], item[0]))
        year = int(years[0][0]) if years and (len(years) == 1 or years[0][1] > years[1][1]) else None
        if year is not None and anchor_field == "date" and year < anchor.year - 1:
            # "At the last election, in 2021, turnout was 31%" in a note of May 2025: a year it looks
            # back to, not the one its undated figures are about
            year = None
        # the title counts too, whether or not the note's figures name anyone ("results for the 52
        # weeks to 30 June 2024" above "We ended the year with 412 bakeries")
        fiscal_mentions = Counter(fiscal_by_note.get(path) or ())
        for found in _FISCAL_MENTION.finditer(title or ""):
            key = _fiscal_key(found)
            if key is not None:
                fiscal_mentions[key] += 1
        fiscal = _fiscal_year(fiscal_mentions, anchor)
        contexts[path] = NoteContext(
            path,
            title,
            str(fields.get("type") or ""),
            anchor,
            anchor_field,
            main,
            frozenset(publishers),
            year,
            frozenset(names),
            fiscal,
        )
    return contexts


def _learn_remembered(kb: KnowledgeBase, normaliser: Normaliser, sentences: list[str]) -> None:
    """`learn_short_forms` over every numeric sentence of the KB, or what it learned from the same
    sentences and the same entity index last run (a KB-wide pass that a one-note edit mostly repeats)."""
    cache = kb.cache
    if cache is None:
        normaliser.learn_short_forms(sentences)
        return
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(sorted(normaliser.index.names.items())).encode("utf-8"))
    for sentence in sentences:
        digest.update(sentence.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    key = f"learned:{NORMS_VERSION}:{digest.hexdigest()}"
    remembered = cache.memo(key)
    state = _learned_state_or_none(remembered) if remembered is not None else None
    if state is not None:
        normaliser.restore_learned(state)
        return
    added = normaliser.learn_short_forms(sentences)
    state = normaliser.learned_state([list(pair) for pair in added])
    cache.remember(key, json.dumps(state).encode("ascii"))


def _learned_state_or_none(blob: bytes) -> dict | None:
    """A remembered learning, checked whole before any of it is used (a row of another shape is
    learned again, never half applied)."""
    try:
        state = json.loads(blob)
    except ValueError:
        return None
    if not isinstance(state, dict):
        return None
    counts = [state.get("lower"), state.get("caps")]
    learned, aliases = state.get("learned"), state.get("aliases")
    if not all(isinstance(c, dict) and all(isinstance(v, int) for v in c.values()) for c in counts):
        return None
    if not isinstance(learned, dict) or not all(isinstance(v, str) for v in learned.values()):
        return None
    if not isinstance(aliases, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in aliases
    ):
        return None
    return state


def normalise_facts(kb: KnowledgeBase, facts: list[Fact]) -> list[Norm]:
    return normalise_facts_digest(kb, facts)[0]


def normalise_facts_digest(kb: KnowledgeBase, facts: list[Fact]) -> tuple[list[Norm], str | None]:
    """The facts normalised, and with the cache a digest that is equal only for equal normalisations."""
    stage("reading what the numbers measure")
    index = entity_index(kb)
    normaliser = Normaliser(index, kb.config.conflict_aliases)
    _learn_remembered(kb, normaliser, sorted({f.sentence for f in facts}))
    body_names: dict[str, Counter] = {}
    contexts = note_contexts(kb, facts, index, normaliser.is_word, body_names, normaliser.written_in_lower_case)
    normaliser.learn_names(body_names.values())
    norms, digest = _normalise_all(normaliser, facts, contexts, kb.cache)
    # A counted noun with no measure word takes the measure the same note states for it elsewhere:
    # "168.6 million units" in a note where units were "shipped".
    measure_of: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for norm in norms:
        if norm.counted and norm.concept and not norm.concept.startswith("~"):
            measure_of[(norm.fact.path, norm.counted)][norm.concept] += 1
    for norm in norms:
        if norm.counted and (norm.concept is None or norm.concept.startswith("~")):
            known = measure_of.get((norm.fact.path, norm.counted))
            if known:
                concept = sorted(known.items(), key=lambda item: (-item[1], item[0]))[0][0]
                norm.concept, norm.concept_confidence = concept, 0.7
                norm.concept_kind = CONCEPT_KINDS.get(concept, "flow")
    norms = [norm for norm in norms if norm.concept is not None]
    mark_copies(norms)
    count_event_dates(norms, contexts)
    return norms, digest


SAME_EVENT_DAYS = 2  # event lines of one subject dated this close are one event (opened, then closed)
_ISO_DAY = re.compile(r"(?:19|20)\d\d-\d\d-\d\d")


def count_event_dates(norms: list[Norm], contexts: dict[str, NoteContext]) -> None:
    """On how many dates the KB records events of one measure (raises, launches, budgets) of a subject: SeekerVault's
    timeline has a raise on 2026-03-04 and another on 2026-03-08, so an undated "raised $50,000" may be
    either. An event line in an entity's note counts for that entity whatever name the line uses."""

    def owners(norm: Norm) -> set[str]:
        found = {norm.subject} if norm.subject else set()
        context = contexts.get(norm.fact.path)
        if context is not None and context.main_entity and (context.kind == "entity" or "entities/" in context.path):
            found.add(context.main_entity)
        return found

    dates: dict[tuple[str, str], set[date]] = defaultdict(set)
    for norm in norms:
        if norm.concept_kind != "event":
            continue
        day = None
        if norm.when is not None and norm.when_source in ("clause", "sentence"):
            found = _ISO_DAY.search(norm.when.label)
            day = parse_date(found.group(0)) if found else None
        elif norm.when_source == "note date":
            day = norm.note_date
        if day is not None:
            for owner in owners(norm):
                dates[(owner, norm.concept or "")].add(day)
    for norm in norms:
        days = sorted(dates.get((norm.subject or "", norm.concept or ""), ()))
        # a launch and its close a day later are one event
        norm.event_dates = sum(1 for i, day in enumerate(days) if i == 0 or (day - days[i - 1]).days > SAME_EVENT_DAYS)


COPY_SHARE = 0.8  # notes sharing this share of their numeric sentences both ways are one document
_BOILERPLATE = 10  # a sentence in more notes than this says nothing about copies


def mark_copies(norms: list[Norm]) -> None:
    """Give copies of one note (a source kept in inbox/ and in archive/) one `document`, so that two
    figures of one text are judged as one note's, whichever copy each was read from."""
    sentences: dict[str, set[str]] = defaultdict(set)
    for norm in norms:
        sentences[norm.fact.path].add(norm.normal_sentence)
    holders: dict[str, list[str]] = defaultdict(list)
    for path in sorted(sentences):
        for sentence in sentences[path]:
            holders[sentence].append(path)
    graph = nx.Graph()
    for path in sorted(sentences):
        shared = Counter()
        for sentence in sentences[path]:
            if len(holders[sentence]) <= _BOILERPLATE:
                shared.update(other for other in holders[sentence] if other != path)
        for other, count in shared.items():
            if count >= COPY_SHARE * len(sentences[path]) and count >= COPY_SHARE * len(sentences[other]):
                graph.add_edge(path, other)
    document = {}
    for component in nx.connected_components(graph):
        first = min(component)
        document.update(dict.fromkeys(component, first))
    for norm in norms:
        norm.document = document.get(norm.fact.path, norm.fact.path)


def relation(a: Fact, b: Fact) -> str | None:
    """How two values of one quantity stand: agree, rounding, hedged, hard, unit; None when they
    cannot be compared (different amounts in different currencies say nothing without a rate)."""
    if UNIT_CLASS.get(a.unit, a.unit) == UNIT_CLASS.get(b.unit, b.unit):
        return compare(a, b)
    return UNIT if compare(a, b) in (AGREE, ROUNDING) else None


class _Groups:
    """Values joined into groups that agree pairwise (one value copied into several notes). A merge
    that would put two disagreeing values in one group is refused, so a vague value cannot chain."""

    def __init__(self, norms: list[Norm]) -> None:
        self.norms = norms
        self.group_of: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}

    def add(self, i: int) -> int:
        if i not in self.group_of:
            self.group_of[i] = i
            self.members[i] = [i]
        return self.group_of[i]

    def join(self, i: int, j: int) -> None:
        gi, gj = self.add(i), self.add(j)
        if gi == gj:
            return
        facts = self.norms
        if all(compare(facts[x].fact, facts[y].fact) == AGREE for x in self.members[gi] for y in self.members[gj]):
            keep, gone = min(gi, gj), max(gi, gj)
            for k in self.members.pop(gone):
                self.group_of[k] = keep
                self.members[keep].append(k)


PARALLEL_MIN_FACTS = 4000  # below this, starting worker processes costs more than it saves
_SHARED: tuple | None = None  # what forked workers inherit: (normaliser, facts, contexts)


NORMS_VERSION = code_version(normalise_module, periods_module, vocabulary_module, facts_module)
_STORED_FIELDS = tuple(f.name for f in dataclasses.fields(Norm))
_WHEN_FIELDS = tuple(f.name for f in dataclasses.fields(When))
# stored as tuples (kb.codec's rows): which fields to make sets and lists again
_SET_FIELDS = tuple(i for i, f in enumerate(dataclasses.fields(Norm)) if str(f.type).startswith("frozenset"))
_LIST_FIELDS = tuple(i for i, f in enumerate(dataclasses.fields(Norm)) if str(f.type).startswith("list"))


def _stored(norm: Norm | None) -> tuple | None:
    """A norm as a plain tuple for the cache, without its fact and its note's names (the run has
    both): plain values decode several times faster than slotted data classes."""
    if norm is None:
        return None
    values = []
    for name in _STORED_FIELDS:
        value = getattr(norm, name)
        if name in ("fact", "note_names"):
            value = None
        elif name == "when" and value is not None:
            value = tuple(getattr(value, field) for field in _WHEN_FIELDS)
        elif type(value) is frozenset:
            value = tuple(value)
        values.append(value)
    return tuple(values)


_WHEN_AT = _STORED_FIELDS.index("when")
_NAMES_AT = _STORED_FIELDS.index("note_names")


def _restored(row: tuple | None) -> Norm | None:
    """The norm `_stored` made (None stays None); a row of another shape raises, and is recomputed."""
    if row is None:
        return None
    if len(row) != len(_STORED_FIELDS):
        raise ValueError("a stored normalisation of another shape")
    values = list(row)
    if values[_WHEN_AT] is not None:
        values[_WHEN_AT] = When(*values[_WHEN_AT])
    values[_NAMES_AT] = ()
    for at in _SET_FIELDS:
        values[at] = frozenset(values[at])
    for at in _LIST_FIELDS:
        values[at] = list(values[at])
    return Norm(*values)


def _normalise_logged(normaliser: Normaliser, fact: Fact, context: NoteContext | None):
    """(the fact's Norm or None, what normalising it asked of the KB-wide state)."""
    if context is None:
        return None, ()
    normaliser.log = {}
    try:
        return normaliser.normalise(fact, context), tuple(normaliser.log.items())
    finally:
        normaliser.log = None


def _normalise_range(bounds: tuple[int, int]) -> list[tuple[Norm | None, tuple]]:
    normaliser, facts, contexts = _SHARED
    out = []
    for fact in facts[bounds[0] : bounds[1]]:
        norm, log = _normalise_logged(normaliser, fact, contexts.get(fact.path))
        if norm is not None:
            # the parent has the fact and the note's names; sending them back would double the pickling
            norm.fact, norm.note_names = None, frozenset()
        out.append((norm, log))
    return out


def _note_key(normaliser: Normaliser, context: NoteContext | None, facts: list[Fact]) -> str:
    """What a note's normalisation depends on besides the logged answers: its facts (plain values,
    so their repr is the same in every process), its context, kb.toml's aliases."""
    if context is None:
        shown_context = "none"
    else:
        fields = [getattr(context, name) for name in NoteContext.__slots__]
        shown_context = repr([sorted(value) if isinstance(value, frozenset) else value for value in fields])
    text = "\n".join([NORMS_VERSION, repr(normaliser.aliases), shown_context, *map(repr, facts)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _normalise_all(
    normaliser: Normaliser, facts: list[Fact], contexts: dict[str, NoteContext], cache=None
) -> tuple[list[Norm], str | None]:
    """Every fact normalised, in order, and (with the cache) a digest of them all. With the cache, a
    note whose facts, context and every answer its normalisation got from the rest of the KB are
    unchanged is not normalised again; the rest run across cores in a large KB (forked workers share
    the learned normaliser without pickling)."""
    by_note: dict[str, list[int]] = defaultdict(list)
    for position, fact in enumerate(facts):
        by_note[fact.path].append(position)
    results: list[tuple[Norm | None, tuple] | None] = [None] * len(facts)
    keys: dict[str, str] = {}
    blobs: dict[str, bytes] = {}  # the stored normalisation of each note, as bytes
    if cache is not None:
        for path, positions in by_note.items():
            keys[path] = key = _note_key(normaliser, contexts.get(path), [facts[i] for i in positions])
            blob = cache.norms(path, key)
            try:
                log, rows = codec.loads_rows(blob) if blob is not None else ((), None)
                if rows is None or len(rows) != len(positions) or not normaliser.still_answers(log):
                    continue
                restored = [_restored(row) for row in rows]
            except Exception:  # noqa: BLE001 - an unreadable or misshapen row is recomputed
                continue
            blobs[path] = blob
            for position, norm in zip(positions, restored, strict=True):
                results[position] = (norm, ())
    todo = [i for i, result in enumerate(results) if result is None]
    for position, result in zip(todo, _normalise_facts([facts[i] for i in todo], normaliser, contexts), strict=True):
        results[position] = result
    if cache is not None:
        fresh = set(todo)
        for path, positions in by_note.items():
            if not fresh.intersection(positions):
                continue
            log: dict = {}
            stored = []
            for position in positions:
                norm, asked = results[position]
                log.update(asked)
                stored.append(_stored(norm))
            blobs[path] = codec.dumps_rows((tuple(log.items()), stored))
            cache.store_norms(path, keys[path], blobs[path])
    digest = None
    if cache is not None:
        hasher = hashlib.blake2b(digest_size=16)
        for path in by_note:
            hasher.update(path.encode("utf-8", "surrogateescape") + b"\0" + blobs[path] + b"\0")
        digest = hasher.hexdigest()
    norms = []
    for fact, (norm, _) in zip(facts, results, strict=True):
        if norm is not None:
            norm.fact = fact
            norm.note_names = contexts[fact.path].names
            norms.append(norm)
    return norms, digest


def _normalise_facts(facts: list[Fact], normaliser: Normaliser, contexts) -> list[tuple[Norm | None, tuple]]:
    import multiprocessing
    import os

    global _SHARED
    workers = min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(facts) < PARALLEL_MIN_FACTS or "fork" not in multiprocessing.get_all_start_methods():
        return [_normalise_logged(normaliser, fact, contexts.get(fact.path)) for fact in facts]
    _SHARED = (normaliser, facts, contexts)
    try:
        size = -(-len(facts) // (workers * 4))
        bounds = [(start, min(start + size, len(facts))) for start in range(0, len(facts), size)]
        try:
            pool = multiprocessing.get_context("fork").Pool(workers)
        except (OSError, RuntimeError):
            return [_normalise_logged(normaliser, fact, contexts.get(fact.path)) for fact in facts]
        out = []
        with pool:
            for chunk in pool.imap(_normalise_range, bounds):
                out.extend(chunk)
        return out
    finally:
        _SHARED = None


_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(Fact) if f.name not in ("path", "line"))
# `document` is left out: `decide` only asks whether two facts share one, which the key below says
_NORM_FIELDS = tuple(f.name for f in dataclasses.fields(Norm) if f.name not in ("fact", "document"))


def _content_classes(norms: list[Norm]) -> list[int]:
    """Per norm, a number shared by exactly the norms equal in every field but the fact's path and
    line and the norm's document: what `decide` and `relation` read, apart from whether two facts
    share a note or a document, so two pairs of the same classes that agree on those are decided alike."""
    fact_fields = operator.attrgetter(*_FACT_FIELDS)
    norm_fields = operator.attrgetter(*(name for name in _NORM_FIELDS if name != "reasons"))
    numbers: dict[tuple, int] = {}
    return [
        numbers.setdefault((fact_fields(norm.fact), norm_fields(norm), tuple(norm.reasons)), len(numbers))
        for norm in norms
    ]


def detect(norms: list[Norm], focus=None) -> tuple[list[Conflict], list[Conflict], int]:
    """Cards from pairs judged the same quantity. Agreeing pairs join values into groups; groups
    joined by disagreeing pairs form a graph, and each maximal clique of it is a card: every two
    values shown together were compared directly and judged the same quantity, none through a chain.
    With `focus` (a predicate on note paths) only pairs with a fact of a focused note are decided: the
    cards a pre-commit run on a few notes needs, at a fraction of the cost."""
    stage("comparing numbers")
    decisions: dict[tuple[int, int], Decision] = {}
    relations: dict[tuple[int, int], str] = {}
    compared = 0
    focused = None if focus is None else [focus(norm.fact.path) for norm in norms]
    kinds = _content_classes(norms)
    paths = [norm.fact.path for norm in norms]
    documents = [norm.document for norm in norms]
    decided: dict[tuple[int, int, bool, bool], Decision] = {}
    related: dict[tuple[int, int], str | None] = {}
    for i, j in candidate_pairs(norms, focused):
        compared += 1
        # facts that read alike in every respect (a sentence repeated in many notes, copies of a
        # note) are decided once per kind of pair: `decide` sees a fact's path and document only as
        # "same note?" and "same document?"
        key = (kinds[i], kinds[j], paths[i] == paths[j], documents[i] == documents[j])
        decision = decided.get(key)
        if decision is None:
            decision = decided[key] = decide(norms[i], norms[j])
        if not decision.same:
            continue
        pair_kind = (kinds[i], kinds[j])
        if pair_kind in related:
            found = related[pair_kind]
        else:
            found = related[pair_kind] = relation(norms[i].fact, norms[j].fact)
        if found is not None:
            decisions[(i, j)] = decision
            relations[(i, j)] = found
    groups = _Groups(norms)
    for (i, j), found in sorted(relations.items(), key=lambda item: (-decisions[item[0]].score, item[0])):
        if found == AGREE:
            groups.join(i, j)
    graph = nx.Graph()
    between: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for (i, j), found in sorted(relations.items()):
        gi, gj = groups.add(i), groups.add(j)
        if found != AGREE and gi != gj:
            key = (min(gi, gj), max(gi, gj))
            between[key].append((i, j))
            graph.add_edge(*key)
    cards = []
    for clique in _merge_overlapping(sorted(sorted(clique) for clique in nx.find_cliques(graph))):
        card = _card(norms, groups, clique, between, decisions, relations)
        if card is not None:
            cards.append(card)
    cards = _merge_same_values(cards)
    conflicts = [card for card in cards if card.kind != ROUNDING]
    info = [card for card in cards if card.kind == ROUNDING]
    return conflicts, info, compared


def _merge_same_values(cards: list[Conflict]) -> list[Conflict]:
    """Two cards that share a fact and show the same values are one disagreement stated in more
    notes (one value copied into two notes that were not compared with each other): one card."""
    kept: list[Conflict] = []
    for card in cards:
        values = [(side.value, side.unit) for side in card.sides]
        keys = set(card.fact_keys())
        twin = next(
            (k for k in kept if [(s.value, s.unit) for s in k.sides] == values and keys & set(k.fact_keys())), None
        )
        if twin is None:
            kept.append(card)
            continue
        for side, other in zip(twin.sides, card.sides, strict=True):
            known = {fact_key(f) for f in side.facts}
            side.facts = sorted(
                side.facts + [f for f in other.facts if fact_key(f) not in known],
                key=lambda f: (f.path, f.line, f.start),
            )
        twin.sources = max(twin.sources, card.sources)
        twin.id = _card_id(twin.fact_keys())
    return kept


def _card_id(fact_keys) -> str:
    """A card's id: its facts, so a card keeps its id until a fact joins or leaves it."""
    return "c" + hashlib.sha1("\n".join(sorted(fact_keys)).encode()).hexdigest()[:10]


def _measure_name(a: Norm, b: Norm) -> str:
    """The measure as a note writes it ("savings", "box office"), else the concept's name."""
    texts = sorted({a.measure_text, b.measure_text} - {""}, key=lambda text: (-len(text), text))
    if texts and a.concept and not a.concept.startswith("~") and len(texts[0]) <= 30:
        return texts[0]
    return (a.concept or "").lstrip("~").replace("-", " ")


def _merge_overlapping(cliques: list[list[int]]) -> list[list[int]]:
    """Cliques sharing two or more value groups are one quantity seen from several notes: one card.
    (Cliques sharing one group stay apart: a value can be compared with two unrelated quantities.)
    Connected cliques are found with a union-find: at 10x a KB has hundreds of thousands of them."""
    parent = list(range(len(cliques)))

    def root(number: int) -> int:
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    first_with: dict[tuple[int, int], int] = {}
    for number, clique in enumerate(cliques):
        for pair in combinations(clique, 2):
            other = first_with.setdefault(pair, number)
            if other != number:
                a, b = root(other), root(number)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    parts: dict[int, set[int]] = defaultdict(set)
    for number, clique in enumerate(cliques):
        parts[root(number)].update(clique)
    return sorted(sorted(part) for part in parts.values())


_KIND_STRENGTH = {HARD: 3, UNIT: 2, HEDGED: 1, ROUNDING: 0}


def _card(norms, groups: _Groups, clique: list[int], between, decisions, relations) -> Conflict | None:
    pairs = [p for x, y in combinations(clique, 2) for p in between.get((x, y), ())]
    if not pairs:
        return None

    def strength(pair):
        found = relations[pair]
        return (_KIND_STRENGTH[found], gap(norms[pair[0]].fact, norms[pair[1]].fact), decisions[pair].score, pair)

    i, j = max(pairs, key=strength)
    found = relations[(i, j)]
    decision = decisions[(i, j)]
    a, b = norms[i], norms[j]
    side_facts = [[norms[k].fact for k in groups.members[g]] for g in clique]
    # a value that agrees with a value of another side is vague: it could be either, so it joins none
    vague = [
        f
        for number, side in enumerate(side_facts)
        for f in side
        if f is not a.fact
        and f is not b.fact
        and any(relation(f, g) == AGREE for other, rest in enumerate(side_facts) if other != number for g in rest)
    ]
    by_fact = {id(norms[k].fact): norms[k] for g in clique for k in groups.members[g]}
    side_list = []
    for side in side_facts:
        kept = sorted((f for f in side if f not in vague), key=lambda f: (f.path, f.line, f.start))
        if kept:
            representative = min(kept, key=lambda f: (f.half, f.path, f.line))
            side_list.append(Side(representative.value, representative.unit, kept))
    if len(side_list) < 2:
        return None
    side_list.sort(key=lambda s: (s.value, s.unit, s.facts[0].path))
    all_facts = [f for side in side_list for f in side.facts]
    paths_per_side = [{f.path for f in side.facts} for side in side_list]
    self_contradiction = any(
        paths_per_side[x] & paths_per_side[y] for x in range(len(side_list)) for y in range(x + 1, len(side_list))
    )
    sentences = {by_fact[id(f)].normal_sentence for f in all_facts}
    independent = min(len({f.path for f in all_facts}), len(sentences))
    undated = all(by_fact[id(f)].tier == "undated" for f in all_facts)
    kind = found
    period = a.when.label if a.when is not None and not undated else "no period stated"
    low_a, high_a = interval(a.fact)
    low_b, high_b = interval(b.fact)
    if kind == UNIT:
        why = f"{a.fact.text!r} and {b.fact.text!r} are the same amount in different units; "
    elif kind == ROUNDING:
        why = f"{a.fact.text!r} and {b.fact.text!r} agree only if the round number was itself rounded; "
    else:
        why = (
            f"{a.fact.text!r} means {_fmt(low_a)}–{_fmt(high_a)} and {b.fact.text!r} means "
            f"{_fmt(low_b)}–{_fmt(high_b)}{' even allowing for the hedge' if kind == HEDGED else ''}; "
        )
    why += "judged the same quantity: " + "; ".join(decision.reasons)
    units = sorted({side.unit for side in side_list})
    return Conflict(
        id=_card_id(fact_key(f) for f in all_facts),
        kind=kind,
        measure=_measure_name(a, b),
        modifiers=tuple(sorted(a.modifiers | b.modifiers)),
        subject=a.subject if a.subject == b.subject else (a.subject or b.subject),
        period=period,
        unit=" vs ".join(units) if kind == UNIT else side_list[0].unit,
        role=a.role,
        sides=side_list,
        gap=gap(a.fact, b.fact),
        sources=independent,
        why=why,
        score=round(decision.score, 2),
        reasons=list(decision.reasons),
        tier="undated" if undated else "dated",
        self_contradiction=self_contradiction,
        vague=sorted(vague, key=lambda f: (f.path, f.line, f.start)),
    )


def _fmt(value: Decimal) -> str:
    if abs(value) == Decimal("Infinity"):
        return "∞" if value > 0 else "-∞"
    return f"{value.normalize():,f}"


def rank(conflict: Conflict) -> tuple:
    """A note that contradicts itself first, then hard, hedged; the undated tier last."""
    return (
        conflict.tier == "undated",
        not conflict.self_contradiction,
        KIND_ORDER[conflict.kind],
        -conflict.score,
        -conflict.gap,
        -conflict.sources,
        conflict.id,
    )


DETECT_VERSION = code_version(sys.modules[__name__], score_module, sides_module, candidates_module, report_module)


def _detect_remembered(kb: KnowledgeBase, norms: list[Norm], digest: str | None, focus):
    """`detect`, or its answer from the last run when every note's normalisation is byte for byte
    what it was (an edit that changed no number; a CI run after `kb check`)."""
    cache = kb.cache
    if cache is None or digest is None or focus is not None:
        return detect(norms, focus)
    key = f"detect:{DETECT_VERSION}:{kb.config.conflict_window}:{digest}"
    remembered = cache.memo(key)
    if remembered is not None:
        try:
            answer = codec.loads(remembered)
        except codec.CodecError:  # an unreadable answer is recomputed
            answer = None
        if _is_detect_answer(answer):
            return answer
    answer = detect(norms, focus)
    cache.remember(key, codec.dumps(answer))
    return answer


def _is_detect_answer(answer) -> bool:
    """What `detect` returns: (cards, informational cards, pairs compared)."""
    return (
        isinstance(answer, tuple)
        and len(answer) == 3
        and all(isinstance(cards, list) and all(isinstance(c, Conflict) for c in cards) for cards in answer[:2])
        and isinstance(answer[2], int)
    )


def find_conflicts(kb: KnowledgeBase, include_resolved: bool = False, focus=None) -> ConflictReport:
    """Every numeric conflict of the KB; with `focus` (a predicate on note paths), those with a fact
    in a focused note."""
    facts = extract_facts(kb)
    norms, digest = normalise_facts_digest(kb, facts)
    conflicts, info, compared = _detect_remembered(kb, norms, digest, focus)
    resolutions, problems = load_resolutions(kb)
    resolved_sets = [set(map(str, entry["facts"])) for entry in resolutions]
    shown, resolved = [], 0
    for conflict in conflicts:
        keys = set(conflict.fact_keys())
        covering = [facts_set for facts_set in resolved_sets if keys & facts_set]
        if any(keys <= facts_set for facts_set in covering) and not include_resolved:
            resolved += 1
            continue
        conflict.previously_resolved = bool(covering)
        shown.append(conflict)
    shown.sort(key=rank)
    info.sort(key=rank)
    return ConflictReport(shown, len(facts), compared, resolved, info, problems)
