"""Link resolution: which note or file a link's target means.

The rule ladder, tried in order; the first rule that finds any candidate decides:

1. `path`: the target is a path from the KB root (`domains/health/_map`, `img/a.png`).
2. `exact`: the target is a note's title (file name without `.md`), same case; for a target
   with folders, the end of a note's path (`health/_map`).
3. `case`: the same, ignoring case (Obsidian resolves case-insensitively).
4. `md-extension`: rules 1-3 after dropping a `.md` the link spells out (`[[note.md]]`).
5. `slug`: titles compared after slug normalisation (case, hyphens, spaces, punctuation and
   apostrophes ignored). Obsidian does not do this, so such links are reported as `loose-link`.

Several candidates are decided as Obsidian does: a note in the linking note's own folder
wins (bare `[[_map]]`), then the shortest path, then the path that sorts first.
Front-matter aliases are not link targets, as in Obsidian.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_NON_WORD = re.compile(r"[\W_]+")

SAME_FOLDER = "same-folder"
SHORTEST_PATH = "shortest-path"


def fold(text: str) -> str:
    """Case-folded, NFC-normalised text for case-insensitive comparison."""
    return unicodedata.normalize("NFC", text).casefold()


@lru_cache(maxsize=1 << 18)  # titles are slugified by resolution, suggestions and duplicate checks alike
def slugify(text: str) -> str:
    """Words only: `Hayek's knowledge-problem` -> `hayeks knowledge problem`."""
    text = _APOSTROPHES.sub("", fold(text))
    return _NON_WORD.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Resolution:
    path: str | None  # the note or file the link resolves to; None if broken
    rule: str | None = None
    candidates: tuple[str, ...] = ()  # every match of the deciding rule, when more than one
    decided_by: str | None = None  # SAME_FOLDER or SHORTEST_PATH when the tie-break chose

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def _link_key(path: str) -> str:
    """The path a link would spell: notes without `.md`, other files with their extension."""
    return path[:-3] if path.lower().endswith(".md") else path


class Resolver:
    """Indexes of note and file paths, built once, for hashed lookups per link."""

    def __init__(self, note_paths, attachment_paths=()) -> None:
        self.by_path: dict[str, str] = {}
        self.by_suffix: dict[str, list[str]] = {}
        self.by_suffix_folded: dict[str, list[str]] = {}
        self.by_slug: dict[str, list[str]] = {}
        for path in list(note_paths) + list(attachment_paths):
            key = _link_key(path)
            self.by_path[key] = path
            parts = key.split("/")
            # Every tail of the path: `a/b/c` -> `a/b/c`, `b/c`, `c` (the title).
            for start in range(len(parts)):
                suffix = "/".join(parts[start:])
                self.by_suffix.setdefault(suffix, []).append(path)
                self.by_suffix_folded.setdefault(fold(suffix), []).append(path)
            self.by_slug.setdefault(slugify(parts[-1]), []).append(path)

    def resolve(self, target: str, source_path: str) -> Resolution:
        """Resolve a link target written in the note at `source_path`."""
        if not target:
            return Resolution(source_path, "self")
        target = target.replace("\\", "/").strip()
        while target.startswith("./"):
            target = target[2:]
        target = target.lstrip("/")
        if not target:
            return Resolution(None)
        found = self._resolve_key(target, source_path, "")
        if found is None and target.lower().endswith(".md"):
            found = self._resolve_key(target[:-3], source_path, "md-extension")
        if found is None:
            name = target.rsplit("/", 1)[-1]
            candidates = self.by_slug.get(slugify(name[:-3] if name.lower().endswith(".md") else name))
            if candidates and "/" in target:
                folder = fold(target.rsplit("/", 1)[0])
                candidates = [c for c in candidates if fold(c.rsplit("/", 1)[0]).endswith(folder)]
            if candidates:
                found = self._decide("slug", candidates, source_path)
        return found or Resolution(None)

    def resolve_markdown(self, target: str, source_path: str) -> Resolution:
        """A Markdown link's destination: relative to the linking note first, then vault-wide."""
        folder = source_path.rsplit("/", 1)[0] if "/" in source_path else ""
        joined = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") else target
        if not joined.startswith("../") and joined != "..":
            exact = self.by_path.get(_link_key(joined.lstrip("/")))
            if exact is not None:
                return Resolution(exact, "path")
        # Vault-wide, as Obsidian does: the path as written, or its file name past any `..`.
        return self.resolve(target.rsplit("/", 1)[-1] if ".." in target else target, source_path)

    def _resolve_key(self, target: str, source_path: str, forced_rule: str) -> Resolution | None:
        exact = self.by_path.get(target)
        if exact is not None:
            return Resolution(exact, forced_rule or "path")
        candidates = self.by_suffix.get(target)
        if candidates:
            return self._decide(forced_rule or "exact", candidates, source_path)
        candidates = self.by_suffix_folded.get(fold(target))
        if candidates:
            return self._decide(forced_rule or "case", candidates, source_path)
        return None

    @staticmethod
    def _decide(rule: str, candidates: list[str], source_path: str) -> Resolution:
        if len(candidates) == 1:
            return Resolution(candidates[0], rule)
        ordered = tuple(sorted(candidates, key=lambda p: (len(p), p)))
        slash = source_path.rfind("/")
        source_folder = source_path[:slash] if slash >= 0 else ""
        same_folder = [c for c in ordered if (c.rsplit("/", 1)[0] if "/" in c else "") == source_folder]
        if same_folder:
            return Resolution(same_folder[0], rule, ordered, SAME_FOLDER)
        return Resolution(ordered[0], rule, ordered, SHORTEST_PATH)
