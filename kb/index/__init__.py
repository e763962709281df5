"""The index writer: generated Markdown pages editors browse on GitHub and in Obsidian.

Pages (under the KB's index folder, `index/` by default):
- `README.md`: the home page, linking everything below;
- `notes/<note path>.links.md`: per note, its backlinks (with the linking line) and outgoing links;
- `types/<type>.md` and `domains/<domain>.md`: the notes of each type and domain;
- `beliefs.md` and `beliefs/<owner>--<slug>.md`: belief status, grounding, evidence, a Mermaid diagram;
- `wanted.md`: notes linked but never written, most wanted first, with who wants them and a suggestion;
- `conflicts.md`, `problems/<code>.md`, `changes.md`: what `kb conflicts` and `kb check` find, and
  what changed lately (from git, else from front-matter dates).

The layout: `pagekit` (paths, escaping, links), `diagrams` (Mermaid under its limits), `review`
(conflicts, problems, wanted, changes, the home page), `notes` (note pages and tables), `beliefs`,
`build` (every page as text) and `write` (to disk).

Every page starts with GENERATED_MARKER; a file without it is never overwritten, pages whose
note is gone are removed, and a page whose bytes would not change is not rewritten. Output is
deterministic: sorted, no timestamps. Links are relative Markdown links by default (they work on
GitHub and in Obsidian); `[index] links = "wikilink"` or `"both"` in kb.toml changes that.
"""

from __future__ import annotations

from ..atomic import atomic_write
from .build import build_pages
from .pagekit import MARKER, NOTE_PAGE_SUFFIX, belief_page_path, note_page_path
from .write import IndexResult, UnsafeIndexFolder, check_index_folder, write_index

__all__ = [
    "MARKER",
    "NOTE_PAGE_SUFFIX",
    "IndexResult",
    "UnsafeIndexFolder",
    "atomic_write",
    "belief_page_path",
    "build_pages",
    "check_index_folder",
    "note_page_path",
    "write_index",
]
