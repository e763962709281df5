"""Measure ingest's same-claim test both ways: restatements it must catch, near-misses it must not merge.

    python benchmarks/sameclaim_eval.py [--teleo DIR] [-v]

Positives: teleo-codex's duplicate claim titles (the same claim filed in two folders) and the
restatements in benchmarks/sameclaim/cases.yaml (framed: a dateline, an attribution, a marker or a
detail around the title; paraphrase: the claim in other words). Negatives: the hand-written pairs
in cases.yaml, and pairs generated from every teleo-codex claim title by one decisive edit each:
a negation, a number, a time unit, a quantifier, a direction word, a name, or one content word
replaced by another title's word. Generated direction swaps use the detector's own word lists and
only guard against regressions; the hand-written pairs marked `vocab: false` use opposites those
lists do not hold. Deterministic: the generator is seeded and titles are sorted.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kb.sameclaim import _AXIS, match_reason  # noqa: E402

TELEO = HERE.parent.parent / "shared" / "corpora" / "teleo-codex"
TIME_SWAPS = {"day": "week", "week": "month", "month": "year", "year": "month", "days": "weeks", "weeks": "days"}
TIME_SWAPS.update({"months": "years", "years": "months", "quarter": "year", "hour": "day"})
QUANTIFIER_SWAPS = {"most": "some", "all": "some", "many": "few", "some": "all", "few": "many", "every": "some"}
NEGATABLE = re.compile(r"\b(is|are|can|will|does|do|was|were|should|could)\b")


def teleo_titles(root: Path) -> list[str]:
    from kb.config import load_config
    from kb.model import load_kb

    kb = load_kb(load_config(root))
    return sorted({note.title for note in kb.notes.values() if note.type == "claim" and " " in note.title})


def duplicate_pairs(root: Path) -> list[tuple[str, str]]:
    from kb.config import load_config
    from kb.model import load_kb
    from kb.resolve import slugify

    kb = load_kb(load_config(root))
    groups = defaultdict(list)
    for note in sorted(kb.notes.values(), key=lambda n: n.path):
        if note.type == "claim":
            groups[slugify(note.title)].append(note.title)
    return [(group[0], group[1]) for group in groups.values() if len(group) > 1]


def negatives(titles: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, title, edited title) for each title and each edit that applies to it."""
    out = []
    vocabulary = sorted({w for t in titles for w in t.split() if w.isalpha() and len(w) > 5 and w.islower()})
    names = sorted({w for t in titles for w in t.split()[1:] if w[:1].isupper() and w.isalpha() and len(w) > 3})
    for title in titles:
        words = title.split()
        if NEGATABLE.search(title) and " not " not in f" {title} ":
            out.append(("negation", title, NEGATABLE.sub(lambda m: m.group(1) + " not", title, count=1)))
        number = re.search(r"\b\d+(?:\.\d+)?\b", title)
        if number:
            value = float(number.group(0))
            changed = f"{value * 2:g}" if value else "3"
            out.append(("number", title, title[: number.start()] + changed + title[number.end() :]))
        for i, word in enumerate(words):
            if word in TIME_SWAPS:
                out.append(("time unit", title, " ".join(words[:i] + [TIME_SWAPS[word]] + words[i + 1 :])))
                break
        for i, word in enumerate(words):
            if word in QUANTIFIER_SWAPS:
                out.append(("quantifier", title, " ".join(words[:i] + [QUANTIFIER_SWAPS[word]] + words[i + 1 :])))
                break
        for i, word in enumerate(words):
            if word in _AXIS:
                axis, sign = _AXIS[word]
                opposites = sorted(w for w, (a, s) in _AXIS.items() if a == axis and s == -sign)
                if opposites:
                    swapped = words[:i] + [rng.choice(opposites)] + words[i + 1 :]
                    out.append(("direction (listed)", title, " ".join(swapped)))
                break
        for i, word in enumerate(words[1:], start=1):
            if word[:1].isupper() and word.isalpha() and len(word) > 3:
                other = rng.choice([n for n in names if n != word] or [word])
                if other != word:
                    out.append(("name", title, " ".join(words[:i] + [other] + words[i + 1 :])))
                break
        content = [i for i, w in enumerate(words) if w.isalpha() and w.islower() and len(w) > 5]
        if content:
            i = rng.choice(content)
            other = rng.choice(vocabulary)
            if other != words[i]:
                out.append(("word replaced", title, " ".join(words[:i] + [other] + words[i + 1 :])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teleo", type=Path, default=TELEO)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    cases = yaml.safe_load((HERE / "sameclaim" / "cases.yaml").read_text(encoding="utf-8"))
    rows = []

    def rate(name, pairs, want_match):
        hits = [(a, b) for a, b in pairs if (match_reason(a, b) is not None) == want_match]
        rows.append((name, len(hits), len(pairs), "caught" if want_match else "kept apart"))
        if args.verbose:
            for a, b in pairs:
                if (match_reason(a, b) is not None) != want_match:
                    print(f"  {'MISSED' if want_match else 'MERGED'} [{name}] {a!r}\n      vs {b!r}")

    for kind in ("framed", "paraphrase"):
        pairs = [(c["existing"], c["new"]) for c in cases["restatements"] if c["kind"] == kind]
        rate(f"restatements, {kind}", pairs, True)
    for listed in (True, False):
        pairs = [(c["existing"], c["new"]) for c in cases["negatives"] if c["vocab"] is listed]
        rate(f"hand-written negatives, opposites {'listed' if listed else 'not listed'}", pairs, False)
    if args.teleo.is_dir():
        rate("teleo-codex duplicate titles", duplicate_pairs(args.teleo), True)
        generated = negatives(teleo_titles(args.teleo), random.Random(20261202))
        by_kind = defaultdict(list)
        for kind, a, b in generated:
            by_kind[kind].append((a, b))
        for kind in sorted(by_kind):
            rate(f"generated negatives: {kind}", by_kind[kind], False)
        total = Counter()
        for name, ok, n, _ in rows:
            if name.startswith("generated"):
                total["ok"] += ok
                total["n"] += n
        rows.append(("generated negatives, all", total["ok"], total["n"], "kept apart"))
    else:
        print(f"({args.teleo} not found: teleo-codex rows skipped)")
    width = max(len(r[0]) for r in rows)
    for name, ok, n, verb in rows:
        print(f"{name:<{width}}  {ok:>4}/{n:<4} {verb}  ({ok / n:.0%})" if n else f"{name:<{width}}  -")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
