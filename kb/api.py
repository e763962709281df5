"""The library API the CLI is a thin layer over. Each function returns plain data."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

from . import codec
from .checks import run_checks
from .config import CONFIG_NAME, DEFAULT_TOML, Config, ConfigError, load_config
from .loader import Inventory
from .model import KnowledgeBase, load_kb
from .problems import Problem

__all__ = [
    "ConfigError",
    "check",
    "check_kb",
    "check_report",
    "conflicts_kb",
    "index_kb",
    "init_kb",
    "open_kb",
    "wanted_report",
]


def open_kb(kb_dir: Path | str | None = None, use_cache: bool = False) -> KnowledgeBase:
    """Load the KB at `kb_dir` (or the one enclosing the current folder).

    With `use_cache`, parsed notes and facts are kept in `.kb/cache.sqlite` of the KB for the next run.
    """
    config = load_config(Path(kb_dir) if kb_dir is not None else None)
    if not use_cache:
        return load_kb(config)
    from .cache import open_cache

    return load_kb(config, open_cache(config))


def check(kb: KnowledgeBase, select=(), ignore=()) -> list[Problem]:
    return run_checks(kb, select, ignore)


@functools.cache
def code_version() -> str:
    """The installed kb's own source files (path, size, mtime): an upgraded or edited kb must not be
    given an answer an older kb remembered."""
    import hashlib

    package = Path(__file__).parent
    rows = sorted(
        f"{path.relative_to(package)}\0{path.stat().st_size}\0{path.stat().st_mtime_ns}"
        for path in package.rglob("*.py")
    )
    return hashlib.sha1("\n".join(rows).encode()).hexdigest()


def kb_state(config: Config, cache, label: str, options: object = ()) -> tuple[str, Inventory]:
    """A key for "this answer, on exactly these files": every note's and attachment's path, size and
    change stamp (mtime, ctime, inode), the settings and the cache's fingerprint. An unchanged KB gives the same key,
    so a remembered answer is returned without reading a note."""
    import hashlib
    import os

    from .loader import change_stamp, discover

    inventory = discover(config)
    digest = hashlib.sha1(repr((label, options, cache.fingerprint, code_version())).encode())
    root = str(config.root)
    stats = []
    for relpath in inventory.note_paths + inventory.attachment_paths + [config.conflict_resolutions, "kb.toml"]:
        try:
            stat = os.stat(os.path.join(root, relpath))
            stats.append(f"{relpath}\0{stat.st_size}\0{change_stamp(stat)}")
        except OSError:
            stats.append(f"{relpath}\0-")
    digest.update("\n".join(stats).encode())
    return f"{label}:{digest.hexdigest()}", inventory


def check_kb(
    kb_dir: Path | str | None,
    select=(),
    ignore=(),
    use_cache: bool = True,
    problem_dicts: bool = True,
    paths: list[str] | None = None,
) -> tuple[dict, list[Problem]]:
    """`kb check` as data: (report, problems). With the cache, a KB whose files and settings have not
    changed since the last run gets that run's answer without reading a note. `problem_dicts=False`
    leaves the report's "problems" list empty (text output needs only the Problem objects, and a
    100,000-note KB has 300,000 of them). `paths` (relative to the KB root; a folder stands for the
    notes under it) keeps the problems of those notes only, found against the whole KB. Problems a
    note's `kb-ignore` comments or kb.toml's per-path ignores cover are left out (see kb/suppress.py)."""
    summary, problems = _check_kb(kb_dir, select, ignore, use_cache, paths)
    if paths is not None:
        problems = select_paths(problems, paths)
        summary = recount(summary, problems)
    return {"problems": [problem.to_dict() for problem in problems] if problem_dicts else [], **summary}, problems


def path_predicate(paths: list[str]):
    """A test for "this note is one of these paths or under one of these folders" ("" is the KB)."""
    files = {path.strip("/") for path in paths}
    folders = tuple(path + "/" for path in files if path)

    def chosen(path: str) -> bool:
        return path in files or path.startswith(folders) or "" in files

    return chosen


def select_paths(problems: list[Problem], paths: list[str]) -> list[Problem]:
    """The problems of these notes (or of notes under these folders), and those naming one of them."""
    chosen = path_predicate(paths)
    return [p for p in problems if chosen(p.path) or any(chosen(other) for other in p.related)]


def recount(report: dict, problems: list[Problem]) -> dict:
    """A check report's summary with its counts taken from `problems`."""
    severities = Counter(problem.severity for problem in problems)
    summary = dict(report["summary"])
    summary.update(
        errors=severities.get("error", 0),
        warnings=severities.get("warning", 0),
        info=severities.get("info", 0),
        by_code=dict(sorted(Counter(problem.code for problem in problems).items())),
    )
    return {**report, "summary": summary}


def _checked(kb: KnowledgeBase, select, ignore, paths=None) -> tuple[dict, list[Problem]]:
    from .suppress import apply_suppressions

    focus = path_predicate(paths) if paths is not None else None
    problems, suppressed = apply_suppressions(
        kb.config.root, run_checks(kb, select, ignore, focus=focus), kb.config.compiled_path_ignores
    )
    report = check_summary(kb, problems)
    if suppressed:
        report["summary"]["suppressed"] = suppressed
    return report, problems


def _check_kb(kb_dir, select, ignore, use_cache: bool, paths=None) -> tuple[dict, list[Problem]]:
    config = load_config(Path(kb_dir) if kb_dir is not None else None)
    if not use_cache:
        return _checked(load_kb(config), select, ignore, paths)
    from .cache import open_cache

    cache = open_cache(config)
    state = inventory = None
    if cache is not None:
        options = (sorted(select), sorted(ignore), sorted(paths) if paths is not None else None)
        state, inventory = kb_state(config, cache, "check", options)
        remembered = cache.memo(state)
        if remembered is not None:
            answer = _check_answer_from(remembered)
            if answer is not None:
                cache.close()
                return answer
    kb = load_kb(config, cache, inventory)  # the files the state was taken of
    report, problems = _checked(kb, select, ignore, paths)
    if cache is not None:
        cache.remember(state, _check_answer_bytes(report, problems))
        cache.close()
    return report, problems


def _check_answer_bytes(report: dict, problems: list[Problem]) -> bytes:
    return codec.dumps((report, problems))


def _check_answer_from(data: bytes) -> tuple[dict, list[Problem]] | None:
    try:
        report, problems = codec.loads(data)
    except (codec.CodecError, ValueError, TypeError):
        return None  # an answer from another version of kb, or a damaged one: recomputed
    if not isinstance(report, dict) or not isinstance(problems, list):
        return None
    if not all(isinstance(problem, Problem) for problem in problems):
        return None
    return report, problems


def conflicts_kb(kb_dir: Path | str | None, include_resolved: bool = False, use_cache: bool = True):
    """`kb conflicts` as data: (config, ConflictReport). Like `check_kb`, an unchanged KB gets the last
    run's answer from the cache."""
    from .conflicts import ConflictReport, find_conflicts

    config = load_config(Path(kb_dir) if kb_dir is not None else None)
    cache = None
    if use_cache:
        from .cache import open_cache

        cache = open_cache(config)
    state = inventory = None
    if cache is not None:
        state, inventory = kb_state(config, cache, "conflicts", include_resolved)
        remembered = cache.memo(state)
        if remembered is not None:
            try:
                report = codec.loads(remembered)
            except codec.CodecError:  # an unreadable answer is recomputed, never an error
                report = None
            if isinstance(report, ConflictReport):
                cache.close()
                return config, report
    kb = load_kb(config, cache, inventory, with_links=False)
    report = find_conflicts(kb, include_resolved=include_resolved)
    if cache is not None:
        cache.remember(state, codec.dumps(report))
        cache.close()
    return config, report


def index_kb(kb_dir: Path | str | None, out_dir: Path | None = None, dry_run: bool = False, use_cache: bool = True):
    """`kb index` as data: (config, IndexResult). With the cache, when no note, setting or page changed
    since the last run wrote the index, the pages are known to be current and nothing is rebuilt."""
    from .history import git_head
    from .index import IndexResult, write_index

    config = load_config(Path(kb_dir) if kb_dir is not None else None)
    out = (Path(out_dir) if out_dir is not None else config.root / config.index_dir).resolve()
    cache = None
    if use_cache:
        from .cache import open_cache

        cache = open_cache(config)
    if cache is None:
        return config, write_index(load_kb(config), out, dry_run=dry_run, explicit=out_dir is not None)
    # Belief pages use git change dates: a commit changes them without changing a file.
    head = git_head(config.root)
    state, inventory = kb_state(config, cache, "index", (str(out), _files_under(out), head))
    remembered = cache.memo(state) if not dry_run else None
    if remembered is not None:
        try:
            pages, problems = codec.loads(remembered)
        except (codec.CodecError, ValueError, TypeError):  # an unreadable answer is recomputed
            pages = None
        if isinstance(pages, int) and isinstance(problems, list) and all(isinstance(p, Problem) for p in problems):
            cache.close()
            return config, IndexResult(out, pages, [], [], problems)
    result = write_index(load_kb(config, cache, inventory), out, dry_run=dry_run, explicit=out_dir is not None)
    if not dry_run:
        # Keyed by the files as this run left them: the pages it wrote are part of the state.
        after, _ = kb_state(config, cache, "index", (str(out), _files_under(out), head))
        cache.remember(after, codec.dumps((result.pages, list(result.problems))))
    cache.close()
    return config, result


def _files_under(folder: Path) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file under `folder`, for a cache key (the index folder may be
    outside the KB, or excluded from it)."""
    import os

    found = []
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(name for name in dirnames if name not in (".kb", ".git"))  # change every run
        for name in sorted(filenames):
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return found


def check_report(kb: KnowledgeBase, problems: list[Problem]) -> dict:
    """The JSON document of `kb check --format json`."""
    return {"problems": [problem.to_dict() for problem in problems], **check_summary(kb, problems)}


def check_summary(kb: KnowledgeBase, problems: list[Problem]) -> dict:
    """The report without its problems: {"summary": {...}}."""
    severities = Counter(problem.severity for problem in problems)
    return {
        "summary": {
            "notes": len(kb.notes),
            "links": len(kb.links),
            "broken_links": len(kb.broken_links),
            "errors": severities.get("error", 0),
            "warnings": severities.get("warning", 0),
            "info": severities.get("info", 0),
            "by_code": dict(sorted(Counter(problem.code for problem in problems).items())),
        },
    }


def wanted_report(kb: KnowledgeBase) -> dict:
    """Notes that are linked but never written, most wanted first."""
    return {
        "wanted": [
            {
                "title": name,
                "linked_from": linkers,
                "links": len(occurrences),
                "sources": sorted({item.source for item in occurrences}),
            }
            for name, linkers, occurrences in kb.wanted
        ]
    }


OBSIDIAN_SETTINGS = ".obsidian/app.json"


def exclude_index_in_obsidian(config: Config) -> str:
    """Add the index folder to the Obsidian vault's "Excluded files" (`userIgnoreFilters` in
    `.obsidian/app.json`), so generated pages stay out of its graph and search. Only that one list
    is changed; every other setting is kept as it is. Returns what was done, in words."""
    from .atomic import atomic_write

    vault = config.root / ".obsidian"
    if not vault.is_dir():
        return "no Obsidian vault here (.obsidian/ is missing); nothing changed"
    entry = config.index_dir.strip("/") + "/"
    settings = vault / "app.json"
    text = ""
    data: dict = {}
    if settings.exists():
        try:
            text = settings.read_text(encoding="utf-8")
            data = json.loads(text) if text.strip() else {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return f"{OBSIDIAN_SETTINGS} could not be read as JSON ({exc}); left alone"
        if not isinstance(data, dict):
            return f"{OBSIDIAN_SETTINGS} is not a JSON object; left alone"
    filters = data.get("userIgnoreFilters", [])
    if not isinstance(filters, list):
        return f"{OBSIDIAN_SETTINGS}: userIgnoreFilters is not a list; left alone"
    if any(isinstance(item, str) and item.strip().rstrip("/") == entry.rstrip("/") for item in filters):
        return f"{entry} is already in Obsidian's Excluded files"
    data["userIgnoreFilters"] = [*filters, entry]
    new_text = json.dumps(data, indent=2, ensure_ascii=False) + ("\n" if text.endswith("\n") else "")
    atomic_write(settings, new_text.encode("utf-8"))
    return f"added {entry} to Obsidian's Excluded files ({OBSIDIAN_SETTINGS})"


def init_kb(folder: Path) -> tuple[Config, list[str]]:
    """Make `folder` a KB: a kb.toml and the default folders. Existing files are left alone.

    Returns the configuration and the paths created (empty when it was already a KB).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: exists and is not a folder")
    created: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG_NAME
    if not config_path.exists():
        config_path.write_text(DEFAULT_TOML, encoding="utf-8")
        created.append(CONFIG_NAME)
    ignore = folder / ".gitignore"
    existing = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    if ".kb/" not in existing.split():
        ignore.write_text(
            existing + ("" if not existing or existing.endswith("\n") else "\n") + ".kb/\n", encoding="utf-8"
        )
        created.append(".gitignore")
    config = load_config(folder)
    for name in (config.sources_dir, config.claims_dir, config.beliefs_dir):
        path = folder / name
        if not path.exists():
            path.mkdir(parents=True)
            created.append(name + "/")
    return config, created
