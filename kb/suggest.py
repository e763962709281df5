"""Did-you-mean suggestions for broken links. Offered, never applied.

Three tests, in order of confidence, each measured on teleo-codex (see docs/checks.md):

1. `alias`: the target is a front-matter alias of exactly one note (Obsidian does not
   resolve aliases, so the fix is `[[Title|Alias]]`).
2. `prefix`: the target, at least four words long, is the start of exactly one title
   (links truncated by the writer).
3. `spelling`: one title within a small edit distance (rapidfuzz `ratio` >= 90 on slugs).

Candidates come from hashed indexes (a sorted slug list for prefixes, an inverted index
of rare words, by length, for spellings), so the cost grows with the number of broken
targets, not with broken targets times titles.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from .resolve import slugify

MIN_PREFIX_WORDS = 4
SPELLING_CUTOFF = 90
MAX_CANDIDATES = 200
_RARE_WORDS = 3


class Suggester:
    def __init__(self, titles_by_path: dict[str, str], aliases_by_path: dict[str, list[str]] | None = None) -> None:
        self.title_of_slug: dict[str, set[str]] = defaultdict(set)
        for title in titles_by_path.values():
            self.title_of_slug[slugify(title)].add(title)
        self.sorted_slugs = sorted(slug for slug in self.title_of_slug if slug)
        # word -> the slugs holding it, shortest first, and their lengths (to pick a length window)
        self.postings: dict[str, list[str]] = defaultdict(list)
        for slug in sorted(self.sorted_slugs, key=lambda slug: (len(slug), slug)):
            for word in set(slug.split()):
                self.postings[word].append(slug)
        self.posting_lengths = {word: [len(slug) for slug in slugs] for word, slugs in self.postings.items()}
        self.alias_of: dict[str, set[str]] = defaultdict(set)
        for path, aliases in (aliases_by_path or {}).items():
            for alias in aliases:
                self.alias_of[slugify(alias)].add(titles_by_path[path])
        self._cache: dict[str, tuple[str, str] | None] = {}

    def suggest(self, target: str) -> tuple[str, str] | None:
        """(suggested link target, reason) or None. Cached per target."""
        key = slugify(target.rsplit("/", 1)[-1])
        if key not in self._cache:
            self._cache[key] = self._suggest(key) if key else None
        return self._cache[key]

    def _unique(self, titles: set[str]) -> str | None:
        return next(iter(titles)) if len(titles) == 1 else None

    def _suggest(self, key: str) -> tuple[str, str] | None:
        titles = self.alias_of.get(key)
        if titles and len(titles) == 1:
            return self._unique(titles), "alias"
        if len(key.split()) >= MIN_PREFIX_WORDS:
            start = bisect_left(self.sorted_slugs, key + " ")
            matches = []
            for slug in self.sorted_slugs[start : start + 2]:
                if slug.startswith(key + " "):
                    matches.append(slug)
            if len(matches) == 1:
                title = self._unique(self.title_of_slug[matches[0]])
                if title:
                    return title, "prefix"
        return self._spelling(key)

    def _spelling(self, key: str) -> tuple[str, str] | None:
        from rapidfuzz import fuzz, process

        words = [word for word in set(key.split()) if word in self.postings]
        if not words:
            return None
        words.sort(key=lambda word: (len(self.postings[word]), word))
        # fuzz.ratio is 200 * common / (len(a) + len(b)) and common <= the shorter length, so a score of
        # at least C needs lengths within (200 - C) / C of each other (11/9 for 90): only slugs in that
        # window are candidates (in a large KB one word is in thousands of titles).
        cutoff, size = SPELLING_CUTOFF, len(key)
        shortest, longest = -(-size * cutoff // (200 - cutoff)), size * (200 - cutoff) // cutoff
        candidates: dict[str, None] = {}
        for word in words[:_RARE_WORDS]:
            lengths = self.posting_lengths[word]
            start, end = bisect_left(lengths, shortest), bisect_right(lengths, longest)
            candidates.update(dict.fromkeys(self.postings[word][start : min(end, start + MAX_CANDIDATES)]))
        # Every close slug, then the best; a tie goes to the slug that sorts first. (Sorting hundreds of
        # candidates per broken link cost more than scoring them.)
        close = process.extract(key, list(candidates), scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF, limit=None)
        if not close:
            return None
        best = min(close, key=lambda found: (-found[1], found[0]))
        title = self._unique(self.title_of_slug[best[0]])
        return (title, "spelling") if title else None
