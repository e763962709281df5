"""Numeric conflicts: facts about the same thing whose stated values cannot both be true.

Pipeline: extract facts from every note (kb.facts) -> block them on exact keys (unit, period, role,
measure) -> inside a block, compare only pairs that pass the vetoes (same sentence or a sentence
copied between notes, incompatible modifiers such as net vs gross, different subject labels, no
shared specific entity, values more than the near-miss window apart) -> classify each pair by
implied-precision intervals in Decimal with strict overlap -> group the facts of a block into
sides of mutually agreeing values -> rank.

Classes: `hard` (no overlap, no hedge), `hedged` (no overlap even after widening for a hedge such
as "nearly" or "more than"), and the informational `rounding` (only the looser round-number
interval overlaps: "476" vs "480") which is reported only with --all.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .facts import Extractor, Fact, FactReader, NoteText, _number, fact_rows
from .loader import read_lines
from .model import KnowledgeBase

HARD = "hard"
UNIT = "unit"
HEDGED = "hedged"
ROUNDING = "rounding"
KIND_ORDER = {HARD: 0, UNIT: 1, HEDGED: 2, ROUNDING: 3}
CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY"})
PLAIN_UNITS = frozenset({"%", "pp", "x", "count"})


def _weak_period(period: str | None) -> bool:
    """A period guessed from the note's date, or a quarter of no stated year, pins nothing down."""
    return period is None or "(note date)" in period or "not stated" in period


DEFAULT_WINDOW = Decimal("0.25")
SMALL_KB = 50
RESOLUTIONS_FILE = "conflict-resolutions.toml"
_INFINITY = Decimal("Infinity")


@dataclass
class Side:
    value: Decimal
    unit: str
    facts: list[Fact]

    def to_dict(self) -> dict:
        return {
            "value": _number(self.value),
            "unit": self.unit,
            "facts": [
                {
                    "source": f.path,
                    "line": f.line,
                    "text": f.text,
                    "sentence": f.sentence,
                    "hedge": f.hedge,
                    "period_source": f.period_source,
                }
                for f in self.facts
            ],
        }


@dataclass
class Conflict:
    id: str
    kind: str
    measure: str
    modifiers: tuple[str, ...]
    subject: str | None
    period: str
    unit: str
    role: str
    sides: list[Side]
    gap: Decimal  # how many tolerance widths apart the closest disagreeing values are
    sources: int  # independent notes involved
    why: str
    previously_resolved: bool = False

    @property
    def metric(self) -> str:
        return " ".join((*self.modifiers, self.measure))

    def fact_keys(self) -> list[str]:
        return sorted(fact_key(f) for side in self.sides for f in side.facts)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "metric": self.metric,
            "subject": self.subject or "",
            "period": self.period,
            "kind": self.kind,
            "unit": self.unit,
            "role": self.role,
            "gap": float(round(self.gap, 2)),
            "independent_sources": self.sources,
            "why": self.why,
            "previously_resolved": self.previously_resolved,
            "sides": [s.to_dict() for s in self.sides],
        }


@dataclass
class ConflictReport:
    conflicts: list[Conflict]
    facts: int
    compared: int
    resolved: int
    info: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "conflicts": [c.to_dict() for c in self.conflicts],
            "consistent_with_rounding": [c.to_dict() for c in self.info],
            "summary": {
                "facts": self.facts,
                "pairs_compared": self.compared,
                "conflicts": len(self.conflicts),
                "resolved": self.resolved,
            },
            "problems": self.problems,
        }


def fact_key(fact: Fact) -> str:
    """A fact's identity that survives edits elsewhere in the note (no line number)."""
    sentence = re.sub(r"\s+", " ", fact.sentence.strip().lower())
    return f"{fact.path}|{fact.text}|{hashlib.sha1(sentence.encode()).hexdigest()[:10]}"


def _interval(fact: Fact, loose: bool, hedged: bool) -> tuple[Decimal, Decimal]:
    half = fact.loose if loose else fact.half
    low, high = fact.value - half, (fact.range_high if fact.range_high is not None else fact.value) + half
    if hedged and fact.hedge_kind:
        if fact.hedge_kind == "below":
            low = min(low, fact.value * Decimal("0.95"))
        elif fact.hedge_kind == "approx":
            spread = abs(fact.value) * Decimal("0.05")
            low, high = min(low, fact.value - spread), max(high, fact.value + spread)
        elif fact.hedge_kind == "lower":
            high = _INFINITY
        elif fact.hedge_kind == "upper":
            low = -_INFINITY
    return low, high


def _overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] < b[1] and b[0] < a[1]  # strict: touching intervals ($6.5B vs $6.6B) do not agree


def classify(a: Fact, b: Fact) -> str:
    """agree | rounding | hedge | hedged | hard, for two comparable facts."""
    if a.value == b.value and a.range_high == b.range_high:
        return "agree"
    if _overlap(_interval(a, False, False), _interval(b, False, False)):
        return "agree"
    if _overlap(_interval(a, True, False), _interval(b, True, False)):
        return ROUNDING
    if a.hedge_kind or b.hedge_kind:
        return "hedge" if _overlap(_interval(a, True, True), _interval(b, True, True)) else HEDGED
    return HARD


def _gap(a: Fact, b: Fact) -> Decimal:
    width = a.half + b.half
    return abs(a.value - b.value) / width if width else Decimal(0)


_MODIFIER_DIMENSION = {
    "net": "basis",
    "gross": "basis",
    "per capita": "scope",
    "total": "scope",
    "annual": "rate",
    "monthly": "rate",
    "daily": "rate",
    "weekly": "rate",
    "quarterly": "rate",
    "average": "statistic",
    "median": "statistic",
    "shared": "sharing",
}


def modifiers_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Incompatible only when both say something different on one dimension (net vs gross)."""
    dims_a: dict[str, set[str]] = defaultdict(set)
    dims_b: dict[str, set[str]] = defaultdict(set)
    for modifier in a:
        dims_a[_MODIFIER_DIMENSION.get(modifier, modifier)].add(modifier)
    for modifier in b:
        dims_b[_MODIFIER_DIMENSION.get(modifier, modifier)].add(modifier)
    for dimension in set(dims_a) & set(dims_b):
        if dimension == "sharing":
            continue
        if not dims_a[dimension] & dims_b[dimension]:
            return False
    # per-capita facts never compare with facts that do not say so (a total is not a per-capita value)
    return ("per capita" in a) == ("per capita" in b)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


@dataclass
class _ToRead:
    """A note to extract from, read where the extraction runs (a worker process reads its own files)."""

    config: object
    path: str
    title: str
    first_line: int
    fields: dict

    def text(self) -> NoteText:
        lines = read_lines(self.config, self.path)
        return NoteText(self.path, self.title, lines[self.first_line - 1 :], self.first_line, self.fields)


def notes_to_read(kb: KnowledgeBase, skip: set[str] | frozenset = frozenset()) -> list[_ToRead]:
    items = []
    for path, note in kb.notes.items():
        if not note.readable or path in skip:
            continue
        first = note.frontmatter.body_line if note.frontmatter.terminated else 1
        title = note.fields.get("title") if isinstance(note.fields.get("title"), str) else note.title
        items.append(_ToRead(kb.config, path, title, first, note.fields))
    return items


def note_texts(kb: KnowledgeBase, skip: set[str] | frozenset = frozenset()):
    """The body of every readable note, for extraction."""
    for item in notes_to_read(kb, skip):
        yield item.text()


FACTS_VERSION = "3"  # bump when extraction changes, so cached facts are not reused
PARALLEL_MIN_NOTES = 400  # below this, starting worker processes costs more than it saves


def _extract_chunk(args) -> list[tuple]:
    """Facts of some notes, as rows (a worker sends them back pickled)."""
    aliases, texts = args
    extractor = Extractor(aliases)
    facts: list[Fact] = []
    for text in texts:
        facts.extend(extractor.extract(text.text() if isinstance(text, _ToRead) else text))
    return fact_rows(facts)


def extract_facts(kb: KnowledgeBase, workers: int | None = None) -> list[Fact]:
    """Facts of every note, in note order. Large KBs are extracted in parallel across cores."""
    import os

    aliases = kb.config.conflict_aliases
    cache = kb.cache
    cached: dict[str, list[Fact]] = {}
    reader = FactReader()
    if cache is not None:
        for path, note in kb.notes.items():
            found = cache.facts(path, note.size, note.mtime_ns, FACTS_VERSION)
            if found is not None:
                try:
                    cached[path] = reader.facts(found)
                except (TypeError, IndexError, ArithmeticError, ValueError):
                    pass  # a damaged row is a miss: the note is read again
    texts = notes_to_read(kb, skip=set(cached))
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    fresh: dict[str, list[Fact]] = {}
    for batch, rows in _extracted_rows(aliases, texts, workers):
        rows_of: dict[str, list[tuple]] = {text.path: [] for text in batch}
        for row in rows:
            rows_of[row[0]].append(row)
        for path, note_rows in rows_of.items():
            fresh[path] = reader.facts(note_rows)
            if cache is not None:
                note = kb.notes[path]
                cache.store_facts(path, note.size, note.mtime_ns, FACTS_VERSION, note_rows)
    cached.update(fresh)
    return [fact for path in kb.notes for fact in cached.get(path, ())]


def _extracted_rows(aliases, texts: list[_ToRead], workers: int):
    """(notes, rows of their facts) batch by batch, in note order; a batch is freed once read."""
    if workers <= 1 or len(texts) < PARALLEL_MIN_NOTES:
        yield texts, _extract_chunk((aliases, texts))
        return
    import multiprocessing

    size = -(-len(texts) // (workers * 4))
    batches = [texts[start : start + size] for start in range(0, len(texts), size)]
    try:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        pool = context.Pool(workers)
    except (OSError, RuntimeError):
        for batch in batches:
            yield batch, _extract_chunk((aliases, batch))
        return
    with pool:
        yield from zip(batches, pool.imap(_extract_chunk, [(aliases, batch) for batch in batches]), strict=True)


_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_LINK_TEXT = re.compile(r"\[\[[^\]\n]*\]\]")


class Detector:
    """Compares facts. Entities are the proper nouns and acronyms of a fact's sentence that are specific:
    never written in lower case elsewhere (so "Treasury" in a label is not one) and found in few notes."""

    def __init__(
        self,
        facts: list[Fact],
        titles: dict[str, str],
        window: Decimal = DEFAULT_WINDOW,
        lowercase_words: Counter | None = None,
    ) -> None:
        self.facts = facts
        self.window = window
        notes_with: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            for entity in fact.entities:
                notes_with[entity.lower()].add(fact.path)
        from .facts import Extractor as _Finder

        finder = _Finder()
        title_entities = {}
        for path, title in titles.items():
            found = finder._entities(" " + title)
            title_entities[path] = found
            for entity in found:
                notes_with[entity.lower()].add(path)
        notes = max(len(titles), 1)
        # How many notes may name an entity before it stops telling subjects apart. In a small KB
        # (under SMALL_KB notes, usually about one topic) the count means nothing, so none is common.
        self.limit = max(5, int(notes * 0.02)) if notes >= SMALL_KB else notes + 1
        lowercase_words = lowercase_words or Counter()
        self.common = {
            entity
            for entity, paths in notes_with.items()
            if len(paths) > self.limit or (not entity.isupper() and lowercase_words[entity] >= 2)
        }
        self.title_entities = {
            path: frozenset(e.lower() for e in found if e.lower() not in self.common)
            for path, found in title_entities.items()
        }
        self.title_entities_raw = title_entities
        # Each distinct sentence is normalised once (facts of one sentence share its string).
        self.normals: dict[str, str] = {}
        self.sentences_of: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            normal = self.normals.get(fact.sentence)
            if normal is None:
                normal = self.normals[fact.sentence] = _normal(fact.sentence)
            self.sentences_of[fact.path].add(normal)

    def normal(self, fact: Fact) -> str:
        return self.normals[fact.sentence]

    def strong_title_entities(self, path: str) -> frozenset[str]:
        """Names in a title that surely name a subject: @handles, acronyms, CamelCase ("@karpathy", "MSSP")."""
        return frozenset(
            e.lower()
            for e in self.title_entities_raw.get(path, ())
            if e.lower() not in self.common
            and (e.startswith("@") or (e.isupper() and len(e) >= 2) or re.search(r"[a-z][A-Z]", e))
        )

    def sentence_entities(self, fact: Fact) -> frozenset[str]:
        measure = (fact.measure or "").split()[-1:] or [""]
        return frozenset(
            e.lower()
            for e in fact.entities
            if e.lower() not in self.common and e.lower().rstrip("s") != measure[0].rstrip("s")
        )

    def comparable(self, a: Fact, b: Fact) -> bool:
        if a.path == b.path and a.sentence_index == b.sentence_index:
            return False  # a contrast inside one sentence (ACO vs non-ACO, 2023 vs 2024)
        if a.path != b.path:
            normal_a, normal_b = self.normal(a), self.normal(b)
            if normal_a == normal_b:
                return False  # one sentence copied into two notes is one source
            if normal_a in self.sentences_of[b.path] or normal_b in self.sentences_of[a.path]:
                return False  # twin notes: the pair is a relation inside one text, seen twice
            titles_a, titles_b = self.strong_title_entities(a.path), self.strong_title_entities(b.path)
            if titles_a and titles_b and not titles_a & titles_b:
                return False  # notes whose titles name different specific things are about different subjects
            if (a.enumeration or b.enumeration) and "(note date)" in a.period:
                return False  # breakdowns without a stated period differ by scope and date, not by error
        if a.subject != b.subject:
            return False
        if a.value != b.value and (b.value in a.sentence_values or a.value in b.sentence_values):
            return False  # a sentence that states both values contrasts two things; it does not contradict
        if not modifiers_compatible(a.modifiers, b.modifiers):
            return False
        high = max(abs(a.value), abs(b.value))
        if high and abs(a.value - b.value) / high > self.window:
            return False
        entities_a, entities_b = self.sentence_entities(a), self.sentence_entities(b)
        if a.path == b.path:
            # Lists in one note (tweets, proposals, chart segments) are about different things unless
            # both sentences sit in one section and name the same specific thing.
            return a.section == b.section and bool(entities_a & entities_b)
        # Across notes a sentence without a name of its own is about its note's subject (the title).
        entities_a = entities_a or self.title_entities.get(a.path, frozenset())
        entities_b = entities_b or self.title_entities.get(b.path, frozenset())
        return bool(entities_a & entities_b)

    def detect(self) -> tuple[list[Conflict], list[Conflict], int]:
        blocks: dict[tuple, list[int]] = defaultdict(list)
        for index, fact in enumerate(self.facts):
            if fact.modality != "asserted" or fact.period is None or fact.measure is None:
                continue
            blocks[(fact.unit, fact.period, fact.role, fact.measure)].append(index)
        conflicts, info = [], []
        compared = 0
        for key in sorted(blocks, key=lambda k: tuple(str(part) for part in k)):
            # One sentence copied into many notes is one source: compare one copy, report them all.
            copies: dict[tuple, list[int]] = {}
            for i in blocks[key]:
                fact = self.facts[i]
                copies.setdefault(
                    (
                        fact.value,
                        fact.range_high,
                        fact.hedge_kind,
                        fact.subject,
                        fact.modifiers,
                        self.normal(fact),
                    ),
                    [],
                ).append(i)
            self.copies = {group[0]: group for group in copies.values()}
            members = sorted(self.copies, key=lambda i: (self.facts[i].value, i))
            pairs = []
            for position, i in enumerate(members):
                a = self.facts[i]
                for j in members[position + 1 :]:
                    b = self.facts[j]
                    high = max(abs(a.value), abs(b.value))
                    if high and (b.value - a.value) / high > self.window:
                        break  # sorted by value: nothing further is inside the window
                    if not self.comparable(a, b):
                        continue
                    compared += 1
                    pairs.append((i, j, classify(a, b)))
            conflicts_here, info_here = self._group(key, pairs)
            conflicts.extend(conflicts_here)
            info.extend(info_here)
        unit_conflicts, unit_compared = self._unit_mismatches()
        return conflicts + unit_conflicts, info, compared + unit_compared

    def _unit_mismatches(self) -> tuple[list[Conflict], int]:
        """The same number for the same thing in a currency and in a token ("$11,402,898" raised vs
        "11.4M SOL" raised): one of the two units is wrong."""
        by_measure: dict[str, list[int]] = defaultdict(list)
        for index, fact in enumerate(self.facts):
            if fact.modality == "asserted" and fact.measure and fact.role == "level" and fact.unit not in PLAIN_UNITS:
                by_measure[fact.measure].append(index)
        conflicts, compared = [], 0
        for measure in sorted(by_measure):
            pairs: list[tuple[int, int]] = []
            members = sorted(by_measure[measure], key=lambda i: (self.facts[i].value, i))
            for position, i in enumerate(members):
                a = self.facts[i]
                for j in members[position + 1 :]:
                    b = self.facts[j]
                    if b.value - b.half >= a.value + a.half:
                        break
                    if (a.unit in CURRENCIES) == (b.unit in CURRENCIES):
                        continue  # both currencies (or both tokens): not a unit mix-up of one number
                    if a.subject != b.subject or not modifiers_compatible(a.modifiers, b.modifiers):
                        continue
                    if not (a.period == b.period or _weak_period(a.period) or _weak_period(b.period)):
                        continue
                    if not self.sentence_entities(a) & self.sentence_entities(b):
                        continue
                    compared += 1
                    pairs.append((i, j))
            # One mix-up copied into several notes is one conflict: pairs that share a fact are merged,
            # and each side holds every fact stating the number in one unit.
            components = _UnionFind()
            for i, j in pairs:
                components.union(i, j)
            groups: dict[int, set[int]] = defaultdict(set)
            for i, j in pairs:
                groups[components.find(i)].update((i, j))
            for indexes in groups.values():
                facts = sorted((self.facts[i] for i in indexes), key=lambda f: (f.path, f.line, f.start))
                by_unit: dict[str, list[Fact]] = defaultdict(list)
                for fact in facts:
                    by_unit[fact.unit].append(fact)
                sides = sorted(
                    (Side(group[0].value, unit, group) for unit, group in by_unit.items()),
                    key=lambda side: (side.value, side.unit),
                )
                a, b = sides[0].facts[0], sides[1].facts[0]
                identity = "\n".join(sorted(fact_key(f) for f in facts))
                conflicts.append(
                    Conflict(
                        id="c" + hashlib.sha1(identity.encode()).hexdigest()[:10],
                        kind=UNIT,
                        measure=measure,
                        modifiers=_shared_modifiers(facts),
                        subject=a.subject,
                        period=a.period or b.period or "?",
                        unit=" vs ".join(side.unit for side in sides),
                        role="level",
                        sides=sides,
                        gap=Decimal(0),
                        sources=min(len({f.path for f in facts}), len({self.normal(f) for f in facts})),
                        why=f"{a.text!r} and {b.text!r} state the same number in {a.unit} and in {b.unit}",
                    )
                )
        return conflicts, compared

    def _group(self, key, pairs) -> tuple[list[Conflict], list[Conflict]]:
        components = _UnionFind()
        for i, j, _ in pairs:
            components.union(i, j)
        by_component: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for pair in pairs:
            by_component[components.find(pair[0])].append(pair)
        conflicts, info = [], []
        for component_pairs in by_component.values():
            disagreeing = [p for p in component_pairs if p[2] in (HARD, HEDGED)]
            rounding = [p for p in component_pairs if p[2] == ROUNDING]
            target = disagreeing or rounding
            if not target:
                continue
            sides = _UnionFind()
            members = sorted({i for p in component_pairs for i in p[:2]})
            for i in members:
                sides.find(i)
            for i, j, relation in component_pairs:
                if relation in ("agree", "hedge") or (relation == ROUNDING and disagreeing):
                    sides.union(i, j)
            grouped: dict[int, list[int]] = defaultdict(list)
            for i in members:
                grouped[sides.find(i)].append(i)
            if len(grouped) < 2:
                continue
            kind = HARD if any(p[2] == HARD for p in target) else HEDGED if disagreeing else ROUNDING
            worst = max(target, key=lambda p: (KIND_ORDER[p[2]] * -1, _gap(self.facts[p[0]], self.facts[p[1]])))
            a, b = self.facts[worst[0]], self.facts[worst[1]]
            side_list = []
            for indexes in grouped.values():
                expanded = [c for i in indexes for c in self.copies.get(i, [i])]
                facts = sorted((self.facts[i] for i in expanded), key=lambda f: (f.path, f.line, f.start))
                representative = min(facts, key=lambda f: (f.half, f.path, f.line))
                side_list.append(Side(representative.value, representative.unit, facts))
            side_list.sort(key=lambda s: (s.value, s.facts[0].path))
            all_facts = [f for side in side_list for f in side.facts]
            independent = len({(f.path if True else "") for f in all_facts} - set())
            sentences = {self.normal(f) for f in all_facts}
            independent = min(independent, len(sentences))
            identity = "\n".join(sorted(fact_key(f) for f in all_facts))
            conflict = Conflict(
                id="c" + hashlib.sha1(identity.encode()).hexdigest()[:10],
                kind=kind,
                measure=key[3],
                modifiers=_shared_modifiers(all_facts),
                subject=a.subject,
                period=key[1],
                unit=key[0],
                role=key[2],
                sides=side_list,
                gap=_gap(a, b),
                sources=independent,
                why=_why(a, b, kind),
            )
            (info if kind == ROUNDING else conflicts).append(conflict)
        return conflicts, info


def _shared_modifiers(facts: list[Fact]) -> tuple[str, ...]:
    """The modifiers at least half of the facts state: the label of the metric."""
    counts = Counter(m for f in facts for m in f.modifiers)
    return tuple(sorted(m for m, count in counts.items() if count * 2 >= len(facts)))


_NOT_WORD = re.compile(r"[\W_]+")


def _normal(sentence: str) -> str:
    return _NOT_WORD.sub(" ", sentence.lower()).strip()


def _fmt(value: Decimal) -> str:
    if value in (_INFINITY, -_INFINITY):
        return "∞" if value > 0 else "-∞"
    return f"{value.normalize():,f}"


def _why(a: Fact, b: Fact, kind: str) -> str:
    low_a, high_a = _interval(a, kind != HARD and kind != ROUNDING, kind == HEDGED)
    low_b, high_b = _interval(b, kind != HARD and kind != ROUNDING, kind == HEDGED)
    if kind == ROUNDING:
        return (
            f"{a.text!r} and {b.text!r} differ, but agree if the round number was itself rounded "
            f"({_fmt(a.value - a.loose)}–{_fmt(a.value + a.loose)} vs {_fmt(b.value - b.loose)}–"
            f"{_fmt(b.value + b.loose)})"
        )
    hedge = " even allowing for the hedge" if kind == HEDGED else ""
    return (
        f"{a.text!r} means {_fmt(low_a)}–{_fmt(high_a)} and {b.text!r} means {_fmt(low_b)}–{_fmt(high_b)} "
        f"at the precision written{hedge}; the ranges do not overlap"
    )


def load_resolutions(kb: KnowledgeBase) -> tuple[list[dict], list[str]]:
    path = kb.config.root / kb.config.conflict_resolutions
    if not path.is_file():
        return [], []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [f"{path.name}: cannot read resolutions: {exc}"]
    entries = data.get("resolved", [])
    if not isinstance(entries, list):
        return [], [f"{path.name}: [[resolved]] entries expected"]
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("facts"), list)], []


def find_conflicts(kb: KnowledgeBase, include_resolved: bool = False) -> ConflictReport:
    facts = extract_facts(kb)
    titles = {
        path: (note.fields.get("title") if isinstance(note.fields.get("title"), str) else note.title)
        for path, note in kb.notes.items()
    }
    # word -> distinct sentences that write it in lower case. A sentence copied into several notes
    # counts once (as in detection), so copies cannot turn a name into an ordinary word.
    lowercase_words: Counter = Counter()
    seen: set[str] = set()
    read: set[str] = set()
    for fact in facts:
        if fact.sentence in read:
            continue
        read.add(fact.sentence)
        identity = _normal(_LINK_TEXT.sub(" ", fact.sentence))
        if identity not in seen:
            seen.add(identity)
            lowercase_words.update(set(_LOWER_WORD.findall(fact.sentence)))
    detector = Detector(facts, titles, kb.config.conflict_window, lowercase_words)
    conflicts, info, compared = detector.detect()
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
    rank = lambda c: (KIND_ORDER[c.kind], -c.gap, -c.sources, c.id)  # noqa: E731
    shown.sort(key=rank)
    info.sort(key=rank)
    return ConflictReport(shown, len(facts), compared, resolved, info, problems)


def resolution_entry(conflict: Conflict, accepted: str | None, preferred: str | None, reason: str) -> str:
    """A TOML `[[resolved]]` entry recording a reviewer's decision on a conflict."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'

    lines = [
        "[[resolved]]",
        f"id = {quote(conflict.id)}",
        f"metric = {quote(conflict.metric)}",
        f"period = {quote(conflict.period)}",
    ]
    if accepted is not None:
        lines.append(f"accepted = {quote(accepted)}")
    if preferred is not None:
        lines.append(f"preferred_source = {quote(preferred)}")
    lines.append(f"reason = {quote(reason)}")
    lines.append("facts = [")
    lines.extend(f"  {quote(key)}," for key in conflict.fact_keys())
    lines.append("]")
    return "\n".join(lines) + "\n"


def summarize_counts(report: ConflictReport) -> Counter:
    return Counter(conflict.kind for conflict in report.conflicts)


def _value_text(side: Side) -> str:
    return f"{_fmt(side.value)} {side.unit}".strip()


def render_text(report: ConflictReport, include_info: bool = False, footer: bool = True) -> str:
    lines = []
    shown = report.conflicts + (report.info if include_info else [])
    for conflict in shown:
        label = {
            "hard": "conflict",
            "unit": "unit conflict",
            "hedged": "hedged conflict",
            "rounding": "consistent with rounding",
        }[conflict.kind]
        subject = f" · {conflict.subject}" if conflict.subject else ""
        lines.append(
            f"{label}: {conflict.metric}{subject} · {conflict.period} · {conflict.unit} · "
            f"{float(conflict.gap):.1f} tolerance widths apart · {conflict.sources} independent source(s)"
            f"{' · previously resolved, new facts joined' if conflict.previously_resolved else ''}"
        )
        for side in conflict.sides:
            for fact in side.facts:
                quote = fact.sentence if len(fact.sentence) <= 140 else fact.sentence[:139] + "…"
                lines.append(f"  {_value_text(side):>22}  {fact.path}:{fact.line}  {fact.text!r}  “{quote}”")
        lines.append(f"  why: {conflict.why}")
        lines.append(f'  id: {conflict.id} (record a decision with: kb conflicts --resolve {conflict.id} --reason "…")')
        lines.append("")
    if not footer:
        return "\n".join(lines).rstrip("\n")
    summary = Counter(conflict.kind for conflict in report.conflicts)
    lines.append(
        f"{len(report.conflicts)} conflicts ({summary.get(HARD, 0)} hard, {summary.get(UNIT, 0)} unit, "
        f"{summary.get(HEDGED, 0)} hedged) "
        f"among {report.facts} facts; {report.compared} pairs compared; {report.resolved} resolved; "
        f"{len(report.info)} consistent with rounding{'' if include_info else ' (shown with --all)'}"
    )
    return "\n".join(lines)


def render_markdown(report: ConflictReport) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Numeric conflicts",
        "",
        f"{len(report.conflicts)} conflicts among {report.facts} facts. Hard conflicts first, then by how far "
        "apart the values are.",
        "",
    ]
    for conflict in report.conflicts:
        subject = f", {conflict.subject}" if conflict.subject else ""
        lines += [
            f"## {cell(conflict.metric)}{cell(subject)}, {conflict.period} ({conflict.kind})",
            "",
            f"{cell(conflict.why)}. Id `{conflict.id}`.",
            "",
            "| value | note | line | text | sentence |",
            "|---|---|---|---|---|",
        ]
        for side in conflict.sides:
            for fact in side.facts:
                lines.append(
                    f"| {cell(_value_text(side))} | {cell(fact.path)} | {fact.line} | {cell(fact.text)} | "
                    f"{cell(fact.sentence[:200])} |"
                )
        lines.append("")
    return "\n".join(lines)
