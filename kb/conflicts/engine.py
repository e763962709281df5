"""The stages run in order over a KB: extract -> normalise -> candidates -> score -> sides -> cards."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from decimal import Decimal

from ..facts import Fact
from ..model import KnowledgeBase
from .candidates import UNIT_CLASS, candidate_pairs
from .extract import extract_facts
from .normalise import CONCEPT_KINDS, EntityIndex, Norm, Normaliser, NoteContext, _names, canonical_name, note_subject
from .periods import parse_date
from .report import HARD, HEDGED, KIND_ORDER, ROUNDING, Conflict, ConflictReport, Side, fact_key, load_resolutions
from .score import Decision, decide
from .sides import AGREE, compare, form_sides, gap, interval

_SITE = re.compile(r"https?://(?:www\.)?([^/.]+)")
_IN_YEAR = re.compile(r"\b(?:in|during|for|of|full-year|calendar)\s+((?:19|20)\d\d)\b(?!\s*(?:to|-))")


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


def entity_index(kb: KnowledgeBase) -> EntityIndex:
    """Entity notes (type `entity`, or under an `entities/` folder) and their names and aliases."""
    index = EntityIndex()
    for path, note in sorted(kb.notes.items()):
        fields = note.fields if isinstance(note.fields, dict) else {}
        if fields.get("type") != "entity" and "entities/" not in path:
            continue
        name = fields.get("name") if isinstance(fields.get("name"), str) else None
        canonical = name or note.title.replace("-", " ")
        surfaces = [canonical, note.title, note.title.replace("-", " ")]
        for key in ("aliases", "handles", "ticker"):
            value = fields.get(key)
            if isinstance(value, str):
                surfaces.append(value)
            elif isinstance(value, list):
                surfaces.extend(v for v in value if isinstance(v, str))
        index.add(canonical, surfaces)
    return index


def note_contexts(kb: KnowledgeBase, facts: list[Fact], index: EntityIndex) -> dict[str, NoteContext]:
    names_by_note: dict[str, Counter] = defaultdict(Counter)
    years_by_note: dict[str, Counter] = defaultdict(Counter)
    seen: set[tuple[str, str]] = set()
    for fact in facts:
        if (fact.path, fact.sentence) in seen:
            continue
        seen.add((fact.path, fact.sentence))
        for surface in _names(fact.sentence):
            names_by_note[fact.path][index.resolve(surface)] += 1
        years_by_note[fact.path].update(_IN_YEAR.findall(fact.sentence))
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
        site = _SITE.match(str(fields.get("url") or ""))
        if site:
            publishers.add(canonical_name(site.group(1)))
        is_entity = fields.get("type") == "entity" or "entities/" in path
        entity_name = None
        if is_entity:
            entity_name = fields.get("name") if isinstance(fields.get("name"), str) else note.title.replace("-", " ")
        main = note_subject(title, names_by_note.get(path, Counter()), index, entity_name, publishers)
        years = sorted(years_by_note.get(path, Counter()).items(), key=lambda item: (-item[1], item[0]))
        year = int(years[0][0]) if years and (len(years) == 1 or years[0][1] > years[1][1]) else None
        contexts[path] = NoteContext(
            path, title, str(fields.get("type") or ""), anchor, anchor_field, main, frozenset(publishers), year
        )
    return contexts


def normalise_facts(kb: KnowledgeBase, facts: list[Fact]) -> list[Norm]:
    index = entity_index(kb)
    contexts = note_contexts(kb, facts, index)
    normaliser = Normaliser(index, kb.config.conflict_aliases)
    normaliser.learn_short_forms(sorted({f.sentence for f in facts}))
    norms = []
    for fact in facts:
        context = contexts.get(fact.path)
        if context is not None:
            norms.append(normaliser.normalise(fact, context))
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
    return [norm for norm in norms if norm.concept is not None]


def detect(norms: list[Norm]) -> tuple[list[Conflict], list[Conflict], int]:
    """Cards: facts joined by pairs judged the same quantity, split into sides that disagree."""
    links = _UnionFind()
    decisions: dict[tuple[int, int], Decision] = {}
    compared = 0
    copies: dict[tuple, int] = {}
    for i, j in candidate_pairs(norms):
        compared += 1
        decision = decide(norms[i], norms[j])
        if decision.same:
            decisions[(i, j)] = decision
            links.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i, j in decisions:
        for k in (i, j):
            root = links.find(k)
            if k not in members[root]:
                members[root].append(k)
    conflicts, info = [], []
    for root in sorted(members):
        indexes = sorted(members[root])
        card = _card(norms, indexes, decisions)
        if card is None:
            continue
        (info if card.kind == ROUNDING else conflicts).append(card)
    del copies
    return conflicts, info, compared


def _card(norms: list[Norm], indexes: list[int], decisions: dict) -> Conflict | None:
    facts = [norms[i].fact for i in indexes]
    by_fact = {id(norms[i].fact): norms[i] for i in indexes}
    sides, vague = form_sides(facts)
    if len(sides) < 2:
        return None
    # The card's core: the two sides joined by the most pairs judged the same quantity (then the
    # hardest, widest disagreement); its headline pair is the most disagreeing pair between them.
    side_of = {}
    for number, side in enumerate(sides):
        for f in side:
            side_of[id(f)] = number
    member = set(indexes)
    between: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for x, y in sorted(decisions):
        if x in member and y in member:
            sx, sy = side_of.get(id(norms[x].fact)), side_of.get(id(norms[y].fact))
            if sx is not None and sy is not None and sx != sy:
                between[(min(sx, sy), max(sx, sy))].append((x, y))
    if not between:
        return None

    def strength(pairs):
        x, y = max(pairs, key=lambda p: gap(norms[p[0]].fact, norms[p[1]].fact))
        relation = compare(norms[x].fact, norms[y].fact)
        best_score = max(decisions[p].score for p in pairs)
        return (len(pairs), best_score, relation == HARD, gap(norms[x].fact, norms[y].fact)), x, y, relation

    ranked = sorted((strength(pairs) + (key,) for key, pairs in between.items()), key=lambda r: r[0], reverse=True)
    _, i, j, relation, _ = ranked[0]
    if relation == AGREE:
        return None
    decision = decisions[(i, j)]
    a, b = norms[i], norms[j]
    sides = _core_sides(sides, i, j, norms, decisions)
    if len(sides) < 2:
        return None
    side_list = []
    for side in sides:
        ordered = sorted(side, key=lambda f: (f.path, f.line, f.start))
        representative = min(ordered, key=lambda f: (f.half, f.path, f.line))
        side_list.append(Side(representative.value, UNIT_CLASS.get(representative.unit, representative.unit), ordered))
    side_list.sort(key=lambda s: (s.value, s.facts[0].path))
    all_facts = [f for side in side_list for f in side.facts]
    paths_per_side = [{f.path for f in side.facts} for side in side_list]
    self_contradiction = any(
        paths_per_side[x] & paths_per_side[y] for x in range(len(side_list)) for y in range(x + 1, len(side_list))
    )
    sentences = {by_fact[id(f)].normal_sentence for f in all_facts}
    independent = min(len({f.path for f in all_facts}), len(sentences))
    undated = all(by_fact[id(f)].tier == "undated" for f in all_facts)
    identity = "\n".join(sorted(fact_key(f) for f in all_facts))
    kind = HARD if relation == HARD else HEDGED if relation == HEDGED else ROUNDING
    period = a.when.label if a.when is not None else "no period stated"
    if undated:
        period = "no period stated"
    low_a, high_a = interval(a.fact)
    low_b, high_b = interval(b.fact)
    why = (
        f"{a.fact.text!r} means {_fmt(low_a)}–{_fmt(high_a)} and {b.fact.text!r} means {_fmt(low_b)}–{_fmt(high_b)}"
        f"{' even allowing for the hedge' if kind == HEDGED else ''}; judged the same quantity: "
        + "; ".join(decision.reasons)
    )
    if kind == ROUNDING:
        why = f"{a.fact.text!r} and {b.fact.text!r} agree only if the round number was itself rounded"
    concept = (a.concept or "").lstrip("~")
    return Conflict(
        id="c" + hashlib.sha1(identity.encode()).hexdigest()[:10],
        kind=kind,
        measure=concept,
        modifiers=tuple(sorted(a.modifiers & b.modifiers)),
        subject=a.subject if a.subject == b.subject else None,
        period=period,
        unit=side_list[0].unit,
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


def _core_sides(sides: list[list[Fact]], i: int, j: int, norms: list[Norm], decisions: dict) -> list[list[Fact]]:
    """The sides of the most disagreeing pair, and any side judged the same quantity as both: facts
    joined to them only through a chain of other facts are left out, so no fact is shown against a
    fact it was never compared with."""
    index_of = {id(norm.fact): k for k, norm in enumerate(norms)}
    linked: dict[int, set[int]] = defaultdict(set)
    for x, y in decisions:
        linked[x].add(y)
        linked[y].add(x)
    side_a = next(side for side in sides if any(index_of[id(f)] == i for f in side))
    side_b = next(side for side in sides if any(index_of[id(f)] == j for f in side))

    def joined(fact: Fact, side: list[Fact]) -> bool:
        return any(index_of[id(g)] in linked[index_of[id(fact)]] for g in side)

    # a fact stays on a core side when it was compared with the other core side, or agrees with,
    # and was compared with, a fact of its own side that was (copies of one value in several notes)
    core_a = [f for f in side_a if joined(f, side_b)]
    core_b = [f for f in side_b if joined(f, side_a)]
    core_a += [f for f in side_a if f not in core_a and joined(f, core_a)]
    core_b += [f for f in side_b if f not in core_b and joined(f, core_b)]
    kept = [core_a, core_b]
    for side in sides:
        if side is side_a or side is side_b:
            continue
        members = [f for f in side if joined(f, core_a) and joined(f, core_b)]
        if members:
            kept.append(members)
    return [side for side in kept if side]


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


def find_conflicts(kb: KnowledgeBase, include_resolved: bool = False) -> ConflictReport:
    facts = extract_facts(kb)
    norms = normalise_facts(kb, facts)
    conflicts, info, compared = detect(norms)
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
