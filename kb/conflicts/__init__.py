"""Numeric conflicts: notes that state different numbers for the same quantity.

The engine runs in stages, each a module that can be tested alone:

1. `extract`    every stated quantity of every note, front-matter metrics included (kb.facts);
2. `normalise`  each fact's measure concept, subject entity, time window and modality;
3. `candidates` pairs that could be about the same quantity, blocked on normalised keys so cost
                grows with the number of facts, not pairs; `score` decides each pair with reasons;
4. `sides`      tolerance from the written precision and hedges, sides of agreeing values;
5. `report`     one card per quantity with every value and its sources, ranked, as text, JSON or
                Markdown.
"""

from __future__ import annotations

from .engine import find_conflicts
from .extract import FACTS_VERSION, extract_facts, note_texts, notes_to_read
from .report import (
    HARD,
    HEDGED,
    KIND_ORDER,
    RESOLUTIONS_FILE,
    ROUNDING,
    Conflict,
    ConflictReport,
    Side,
    fact_key,
    load_resolutions,
    record_resolution,
    render_markdown,
    render_text,
    resolution_entry,
    summarize_counts,
)

__all__ = [
    "FACTS_VERSION",
    "HARD",
    "HEDGED",
    "KIND_ORDER",
    "RESOLUTIONS_FILE",
    "ROUNDING",
    "Conflict",
    "ConflictReport",
    "Side",
    "extract_facts",
    "fact_key",
    "find_conflicts",
    "load_resolutions",
    "note_texts",
    "notes_to_read",
    "render_markdown",
    "render_text",
    "record_resolution",
    "resolution_entry",
    "summarize_counts",
]
