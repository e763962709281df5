"""Build a synthetic KB N times the size of a real one, keeping links consistent.

Copy 0 is the KB as it is; copy k (k >= 1) holds every note again with " c<k>" added to its file
name, and every wikilink inside copy k gets the same suffix on its target's name, so links that
resolve still resolve (to the copy) and broken links stay broken. Files that are not notes are
shared by all copies.

    python benchmarks/synth.py SOURCE_KB OUT_DIR --scale 10
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

_WIKILINK = re.compile(r"(!?\[\[)([^\[\]\n|#]+?)((?:\\?\|[^\]\n]*|#[^\]\n]*)*\]\])")
MAX_NAME = 250


def suffixed(name: str, suffix: str) -> str:
    """The name with the copy's suffix, kept under the file-system limit the same way for files and links."""
    encoded = name.encode("utf-8")
    room = MAX_NAME - len(suffix.encode()) - 3
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", errors="ignore")
    return name + suffix


def rename_target(target: str, suffix: str) -> str:
    folder, slash, name = target.rpartition("/")
    extension = ""
    if name.lower().endswith(".md"):
        name, extension = name[:-3], name[-3:]
    elif "." in name[-6:]:
        return target  # an attachment (image, PDF): shared by all copies
    return f"{folder}{slash}{suffixed(name, suffix)}{extension}"


def build(source: Path, out: Path, scale: int) -> int:
    if out.exists():
        shutil.rmtree(out)
    notes = 0
    for folder, dirnames, filenames in os.walk(source):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".kb")]
        relative = Path(folder).relative_to(source)
        (out / relative).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            path = Path(folder) / name
            if not name.lower().endswith(".md"):
                shutil.copy2(path, out / relative / name)
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            stem = name[:-3]
            for copy in range(scale):
                if copy == 0:
                    (out / relative / name).write_text(text, encoding="utf-8")
                else:
                    suffix = f" c{copy}"
                    body = _WIKILINK.sub(
                        lambda m, s=suffix: m.group(1) + rename_target(m.group(2), s) + m.group(3), text
                    )
                    (out / relative / (suffixed(stem, suffix) + ".md")).write_text(body, encoding="utf-8")
                notes += 1
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    notes = build(args.source, args.out, args.scale)
    print(f"{notes} notes in {args.out}")


if __name__ == "__main__":
    main()
