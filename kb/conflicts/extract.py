"""Stage 1: the facts of every note, cached per note and extracted in parallel for large KBs.

Besides the body, values a note states in nested front-matter fields (`key_metrics:` of entity
notes: `passengers_fy25: "197.7M (+9%)"`) are read as labelled lines at their real line numbers.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from .. import facts as facts_module
from ..codeversion import code_version
from ..facts import Extractor, Fact, FactReader, NoteText, fact_rows
from ..loader import read_lines
from ..model import KnowledgeBase
from ..progress import stage

_NESTED_FIELD = re.compile(r"^(\s+)([A-Za-z][\w .-]{0,60}?)\s*:\s*(.*\d.*?)\s*$")
_NOT_METRIC_KEY = re.compile(r"date|url|link|id$|version|handle|website|ticker|founded|created|updated", re.I)


_EVENT_DATE = re.compile(
    r"^\s*((?:close|closing|end|resolution|resolved|as_of|launch|proposal|start)(?:_date)?|as_of)\s*:\s*[\"']?"
    r"((?:19|20)\d\d-\d\d(?:-\d\d)?)\b",
    re.I,
)
_DATE_PREFERENCE = ("close", "closing", "end", "resolution", "resolved", "as_of", "launch", "proposal", "start")


def _metrics_date(lines: list[str]) -> str | None:
    """The day a record's metrics are as of: its close or resolution date, else its launch or proposal
    date (`close_date: 2026-03-05`). Two records of one subject's raises are then two moments."""
    found = {}
    for line in lines:
        match = _EVENT_DATE.match(line)
        if match:
            found.setdefault(match.group(1).lower().removesuffix("_date"), match.group(2))
    for key in _DATE_PREFERENCE:
        if key in found:
            return found[key]
    return None


def frontmatter_metric_lines(lines: list[str], body_line: int) -> list[str]:
    """The front-matter lines (1 .. body_line - 1) as text the extractor reads: nested `key: value`
    entries that state a number become "Key: value." at their own line (with "(as of <day>)" when the
    front matter dates the record); every other line is blank."""
    out = []
    as_of = _metrics_date(lines[: max(body_line - 1, 0)])
    for number, line in enumerate(lines[: max(body_line - 1, 0)], start=1):
        found = _NESTED_FIELD.match(line)
        if number == 1 or not found or _NOT_METRIC_KEY.search(found.group(2)):
            out.append("")
            continue
        value = found.group(3).strip().strip("\"'")
        if value.startswith(("[[", "http")):
            out.append("")
            continue
        label = found.group(2).replace("_", " ").strip()
        label = re.sub(
            r"\b(fy|h[12]|q[1-4])(\d\d(?:\d\d)?)\b", lambda m: m.group(1).upper() + m.group(2), label, flags=re.I
        )
        dated = f" (as of {as_of})" if as_of and not re.search(r"(?:19|20)\d\d", value) else ""
        out.append(f"{label[:1].upper()}{label[1:]}: {value}{dated}.")
    return out


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
        if self.first_line > 1:
            metrics = frontmatter_metric_lines(lines, self.first_line)
            if any(metrics):
                # front matter read as blank lines but for its metric entries; the body follows unchanged
                return NoteText(self.path, self.title, metrics + lines[self.first_line - 1 :], 1, self.fields)
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


FACTS_VERSION = code_version(facts_module, sys.modules[__name__])
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
    stage("extracting numbers")
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
