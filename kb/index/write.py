"""Writing the index: only pages whose bytes change, never over a file kb did not generate, and
removing the generated pages no longer wanted (and only folders kb emptied)."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_write
from ..loader import GENERATED_MARKER, is_generated
from ..model import KnowledgeBase
from ..problems import Problem
from .build import build_pages


@dataclass
class IndexResult:
    out_dir: Path
    pages: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "out": str(self.out_dir),
            "pages": self.pages,
            "written": self.written,
            "removed": self.removed,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def _is_generated(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return is_generated(handle.read(len(GENERATED_MARKER) + 8).decode("utf-8", errors="replace"))
    except OSError:
        return False


class UnsafeIndexFolder(OSError):
    """The index folder would put kb's writes and clean-up among the user's own files."""


def check_index_folder(root: Path, out_dir: Path, explicit: bool) -> Path:
    """The index folder, resolved, if kb may write and clean up there: never the KB root or a folder
    above it (the clean-up would walk every note and `.git`), and inside the KB unless the user named
    it with `--out` (a `[kb] index = "../x"` or an `index/` symlink must not write elsewhere)."""
    root, resolved = Path(root).resolve(), Path(out_dir).resolve()
    if resolved == root or resolved in root.parents:
        raise UnsafeIndexFolder(f"the index folder {resolved} is the KB or holds it; give the index its own folder")
    if not explicit and root not in resolved.parents:
        raise UnsafeIndexFolder(
            f"the index folder {resolved} is outside the KB ({root}); name it with --out to write there"
        )
    return resolved


def write_index(
    kb: KnowledgeBase, out_dir: Path | None = None, dry_run: bool = False, explicit: bool | None = None
) -> IndexResult:
    """Generate the index pages; write only changed ones; remove generated pages no longer wanted."""
    if explicit is None:
        explicit = out_dir is not None
    out_dir = Path(out_dir) if out_dir is not None else kb.config.root / kb.config.index_dir
    out_dir = check_index_folder(kb.config.root, out_dir, explicit)
    result = IndexResult(out_dir)
    pages = build_pages(kb, out_dir)
    result.pages = len(pages)
    display_root = kb.config.root
    shown_dir = _display(out_dir, display_root)
    for relpath in sorted(pages):
        target = out_dir / relpath
        data = (pages[relpath].rstrip("\n") + "\n").encode("utf-8")
        shown = str(target) if os.path.isabs(shown_dir) else posixpath.join(shown_dir, relpath).removeprefix("./")
        if out_dir not in target.resolve().parents:
            # a folder inside the index that is a symlink out of it
            result.problems.append(
                Problem(
                    shown, 1, "index-conflict", "this page's folder leads outside the index; not written", "warning"
                )
            )
            continue
        if target.exists():
            if not target.is_file() or not _is_generated(target):
                result.problems.append(
                    Problem(
                        shown,
                        1,
                        "index-conflict",
                        "a file kb did not generate is in the way of an index page; left untouched",
                        "warning",
                    )
                )
                continue
            if target.read_bytes() == data:
                continue
        if not dry_run:
            atomic_write(target, data)
        result.written.append(shown)
    wanted = {(out_dir / relpath) for relpath in pages}
    if out_dir.is_dir():
        emptied: set[str] = set()  # folders kb removed a page from: only those may be removed
        for folder, dirs, filenames in os.walk(out_dir, topdown=False):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if any(part.startswith(".") for part in Path(folder).relative_to(out_dir).parts):
                continue  # never inside .git, .kb or another hidden folder
            for name in filenames:
                path = Path(folder) / name
                if path not in wanted and name.endswith(".md") and _is_generated(path):
                    if not dry_run:
                        path.unlink()
                    emptied.add(folder)
                    result.removed.append(_display(path, display_root))
            if not dry_run and Path(folder) != out_dir and not os.listdir(folder):
                # a folder kb emptied (of pages, or of folders it emptied): a person's empty folder stays
                if folder in emptied:
                    os.rmdir(folder)
                    emptied.add(str(Path(folder).parent))
    result.written.sort()
    result.removed.sort()
    return result


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
