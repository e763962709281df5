"""The loaded KB: notes, resolved links and the graph, built by one readable pipeline.

    read (loader) -> parse (frontmatter, links) -> resolve (resolve) -> graph (graph) -> checks

`load_kb` runs the first three stages; the graph is built when first asked for.
"""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .config import Config
from .links import MARKDOWN, Link
from .loader import Inventory, Note, load_notes
from .problems import Problem
from .progress import stage
from .resolve import Resolution, Resolver, slugify


class ResolvedLink(NamedTuple):  # a tuple: a large KB makes hundreds of thousands
    source: str  # path of the linking note
    link: Link
    resolution: Resolution

    @property
    def target_path(self) -> str | None:
        return self.resolution.path


@dataclass
class KnowledgeBase:
    config: Config
    notes: dict[str, Note]
    inventory: Inventory
    resolver: Resolver
    links: list[ResolvedLink] = field(default_factory=list)
    cache: object | None = None  # kb.cache.Cache, when the caller asked for one

    @property
    def load_problems(self) -> list[Problem]:
        problems = list(self.inventory.problems)
        for note in self.notes.values():
            problems.extend(note.problems)
        return problems

    @cached_property
    def broken_links(self) -> list[ResolvedLink]:
        return [item for item in self.links if item.resolution.path is None]

    @cached_property
    def wanted(self) -> list[tuple[str, int, list[ResolvedLink]]]:
        """Missing targets as (name, number of linking notes, link occurrences), most wanted first."""
        groups: dict[str, list[ResolvedLink]] = {}
        for item in self.broken_links:
            groups.setdefault(wanted_key(item.link.target), []).append(item)
        ranked = []
        for occurrences in groups.values():
            name = wanted_name(occurrences)
            ranked.append((name, len({item.source for item in occurrences}), occurrences))
        ranked.sort(key=lambda entry: (-entry[1], -len(entry[2]), entry[0]))
        return ranked

    @cached_property
    def graph(self):
        from .graph import build_graph

        return build_graph(self)

    def inbound_counts(self) -> Counter:
        """Resolved links into each note from other notes."""
        counts: Counter = Counter()
        for item in self.links:
            target = item.resolution.path
            if target is not None and target != item.source:
                counts[target] += 1
        return counts


def wanted_key(target: str) -> str:
    return slugify(target.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".md")) or target


def wanted_name(occurrences: list[ResolvedLink]) -> str:
    """The most common spelling of a missing target (ties: the one that sorts first)."""
    spellings = Counter(item.link.target for item in occurrences)
    return min(spellings, key=lambda spelling: (-spellings[spelling], spelling))


def load_kb(config: Config, cache=None, inventory: Inventory | None = None, with_links: bool = True) -> KnowledgeBase:
    """Load the KB; with a `kb.cache.Cache`, unchanged notes (and later their facts) are not parsed again.
    `with_links=False` is for commands that read only notes' text and fields (`kb conflicts`): links are
    neither resolved nor kept, which at 100,000 notes saves hundreds of megabytes."""
    stage("reading notes")
    with fewer_collections():
        return _load_kb(config, cache, inventory, with_links)


@contextmanager
def fewer_collections():
    """Loading builds hundreds of thousands of objects that all stay alive; the cycle collector's default
    passes over them find nothing and cost a fifth of the load."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _load_kb(config: Config, cache, inventory: Inventory | None, with_links: bool) -> KnowledgeBase:
    notes, inventory = load_notes(config, cache, inventory=inventory)
    by_path = {note.path: note for note in notes}
    resolver = Resolver(by_path.keys(), inventory.attachment_paths)
    links: list[ResolvedLink] = []
    if not with_links:
        for note in notes:
            note.links = []
        notes = []
    resolved: dict[tuple[str, str], Resolution] = {}
    for note in notes:
        folder = note.folder
        for link in note.links:
            if link.kind == MARKDOWN:
                links.append(ResolvedLink(note.path, link, resolver.resolve_markdown(link.target, note.path)))
                continue
            key = (link.target, folder)
            resolution = resolved.get(key)
            if resolution is None or not link.target:
                resolution = resolver.resolve(link.target, note.path)
                if link.target:
                    resolved[key] = resolution
            links.append(ResolvedLink(note.path, link, resolution))
    knowledge = KnowledgeBase(config, by_path, inventory, resolver, links)
    knowledge.cache = cache
    return knowledge
