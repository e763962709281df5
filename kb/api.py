"""The library API the CLI is a thin layer over. Each function returns plain data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .checks import run_checks
from .config import CONFIG_NAME, DEFAULT_TOML, Config, ConfigError, load_config
from .model import KnowledgeBase, load_kb
from .problems import Problem

__all__ = ["ConfigError", "check", "check_report", "init_kb", "open_kb", "wanted_report"]


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


def check_kb(kb_dir: Path | str | None, select=(), ignore=(), use_cache: bool = True) -> tuple[dict, list[Problem]]:
    """`kb check` as data: (report, problems). With the cache, a KB whose files and settings have not
    changed since the last run gets that run's answer without reading a note."""
    import hashlib
    import pickle

    config = load_config(Path(kb_dir) if kb_dir is not None else None)
    if not use_cache:
        kb = load_kb(config)
        problems = run_checks(kb, select, ignore)
        return check_report(kb, problems), problems
    from .cache import open_cache
    from .loader import discover

    cache = open_cache(config)
    state = None
    if cache is not None:
        inventory = discover(config)
        digest = hashlib.sha1(repr((sorted(select), sorted(ignore), cache.fingerprint)).encode())
        for relpath in inventory.note_paths + inventory.attachment_paths + [config.conflict_resolutions, "kb.toml"]:
            try:
                stat = (config.root / relpath).stat()
                digest.update(f"{relpath}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            except OSError:
                digest.update(f"{relpath}\0-\n".encode())
        state = "check:" + digest.hexdigest()
        remembered = cache.memo(state)
        if remembered is not None:
            cache.close()
            return pickle.loads(remembered)
    kb = load_kb(config, cache)
    problems = run_checks(kb, select, ignore)
    report = check_report(kb, problems)
    if cache is not None:
        cache.remember(state, pickle.dumps((report, problems)))
        cache.close()
    return report, problems


def check_report(kb: KnowledgeBase, problems: list[Problem]) -> dict:
    """The JSON document of `kb check --format json`."""
    severities = Counter(problem.severity for problem in problems)
    return {
        "problems": [problem.to_dict() for problem in problems],
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
