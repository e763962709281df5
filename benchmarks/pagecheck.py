"""Check generated index pages as a reader's browser would: every relative link leads to a file,
every `#anchor` to a heading GitHub would give that anchor, every Mermaid block under Mermaid's limits.

    python benchmarks/pagecheck.py INDEX_DIR

Prints one line per defect and a summary; exit 1 when there is a defect. tests/test_index_pages.py
runs the same checks on a fixture and on teleo-codex.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kb.checks import github_slug  # noqa: E402
from kb.graph import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT  # noqa: E402

LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
EDGE = re.compile(r"\s(?:-->|-\.->)\s")


def rendered(text: str) -> str:
    """A heading's text as GitHub shows it: backslash escapes and HTML entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def anchors_of(text: str) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if not match:
            continue
        slug = github_slug(rendered(match.group(2)))
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}-{seen[slug]}"
        seen.setdefault(slug, 0)
        found.add(slug)
    return found


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```", text, flags=re.S | re.M)


def check_pages(out_dir: Path) -> tuple[list[str], dict]:
    out_dir = Path(out_dir)
    defects: list[str] = []
    stats = {"pages": 0, "links": 0, "anchors": 0, "diagrams": 0, "largest_diagram": 0, "most_edges": 0}
    anchor_cache: dict[Path, set[str]] = {}
    for page in sorted(out_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        stats["pages"] += 1
        body = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        for match in LINK.finditer(body):
            target = match.group(2)
            if re.match(r"^[a-z]+:", target):
                continue  # an absolute address: not ours to check
            stats["links"] += 1
            path_part, _, anchor = target.partition("#")
            resolved = (page.parent / unquote(path_part)).resolve() if path_part else page.resolve()
            if not resolved.exists():
                defects.append(f"{page.relative_to(out_dir)}: link to a missing file: {target}")
                continue
            if anchor:
                stats["anchors"] += 1
                if resolved not in anchor_cache:
                    anchor_cache[resolved] = anchors_of(resolved.read_text(encoding="utf-8", errors="replace"))
                if unquote(anchor) not in anchor_cache[resolved]:
                    defects.append(f"{page.relative_to(out_dir)}: no heading for #{anchor} in {path_part or 'itself'}")
        for block in mermaid_blocks(text):
            stats["diagrams"] += 1
            edges = len(EDGE.findall(block))
            stats["largest_diagram"] = max(stats["largest_diagram"], len(block))
            stats["most_edges"] = max(stats["most_edges"], edges)
            if len(block) >= MERMAID_MAX_TEXT or edges >= MERMAID_MAX_EDGES:
                defects.append(
                    f"{page.relative_to(out_dir)}: a diagram over Mermaid's limits ({len(block)} chars, {edges} edges)"
                )
    return defects, stats


def main() -> None:
    defects, stats = check_pages(Path(sys.argv[1]))
    for defect in defects:
        print(defect)
    print(
        f"{stats['pages']} pages, {stats['links']} links ({stats['anchors']} with an anchor), "
        f"{stats['diagrams']} diagrams (largest {stats['largest_diagram']} characters, most edges "
        f"{stats['most_edges']}; limits {MERMAID_MAX_TEXT} and {MERMAID_MAX_EDGES}): {len(defects)} defects"
    )
    sys.exit(1 if defects else 0)


if __name__ == "__main__":
    main()
