"""Time kb's readers on pathological lines (issue: hangs that grew with the square of a line's length).

    python benchmarks/hostile.py [--size BYTES]

Each input is one line of the given size (default 200 KB): runs of "[" after "](", runs of "[[",
runs of "](", a CSV row of numbers, prose with no full stop. It prints seconds for the link finder
and the number extractor; both should grow linearly (double the size, double the time).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.facts import Extractor, NoteText  # noqa: E402
from kb.links import find_body_links  # noqa: E402


def inputs(size: int) -> dict[str, str]:
    return {
        '"](" then "[" x n': ("](" + "[" * size)[:size],
        '"[[" x n': ("[[" * size)[:size],
        '"](" x n': ("](" * size)[:size],
        "CSV row of numbers": ",".join(str(i * 7) for i in range(size // 5))[:size],
        "prose with no full stop": ("The ferry carried 2,100 passengers in 2024 and more came " * size)[:size],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    print(f"{'input':<28} {'links s':>8} {'facts s':>8}")
    for name, text in inputs(args.size).items():
        start = time.perf_counter()
        find_body_links(text, 1)
        links = time.perf_counter() - start
        start = time.perf_counter()
        Extractor().extract(NoteText("x.md", "", [text], 1, {}))
        facts = time.perf_counter() - start
        print(f"{name:<28} {links:>8.2f} {facts:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
