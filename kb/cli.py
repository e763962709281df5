"""The `kb` command line: parse options, call the library once, render, pick the exit code.

Exit codes: 0 nothing found, 1 problems found, 2 usage or configuration error, 123 internal error.
Reports go to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .config import ConfigError

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 123
OUTPUT_BATCH = 10_000  # problems rendered and written at a time

app = typer.Typer(
    help="Check, link and index a claims knowledge base kept as Markdown in git.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

KbOption = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        help="The KB folder. Default: $KB_DIR, else the nearest folder above with a kb.toml, else the current one.",
        file_okay=False,
        envvar="KB_DIR",
    ),
]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class ConflictFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class GraphFormat(StrEnum):
    json = "json"
    graphml = "graphml"
    mermaid = "mermaid"


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"kb: {message}", err=True)
    return typer.Exit(code)


NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Read every note afresh; do not use or update the KB's .kb/ cache.")
]


def _open(kb_dir: Path | None, no_cache: bool = False):
    from .api import open_kb

    try:
        knowledge = open_kb(kb_dir, use_cache=not no_cache)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return knowledge


def _done(knowledge) -> None:
    """Save what the cache learned in this run."""
    if knowledge.cache is not None:
        knowledge.cache.close()


def _codes(values: list[str] | None) -> list[str]:
    codes = [code.strip() for value in values or [] for code in value.split(",") if code.strip()]
    from .checks import unknown_codes

    unknown = unknown_codes(codes)
    if unknown:
        raise _fail(f"unknown check code(s): {', '.join(unknown)} (see docs/checks.md)")
    return codes


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    kb: KbOption = None,
) -> None:
    """Check, link and index a claims knowledge base kept as Markdown in git.

    `kb --kb DIR COMMAND` and `kb COMMAND --kb DIR` are the same; so is KB_DIR=DIR in the environment.
    """
    if kb is not None:
        # the subcommand's own --kb defaults to this one (click reads a subcommand's defaults here)
        commands = getattr(ctx.command, "commands", {})
        ctx.default_map = {name: {"kb": str(kb)} for name in commands}


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to make a KB (created if missing).")] = Path("."),
    obsidian: Annotated[
        bool | None,
        typer.Option(
            "--obsidian/--no-obsidian",
            help="Where .obsidian/ exists: add the index folder to Obsidian's Excluded files (asked on a terminal).",
        ),
    ] = None,
):
    """Make a new KB: a kb.toml and the default folders. Never overwrites anything.

    In an Obsidian vault it offers to keep the generated index pages out of Obsidian's graph and
    search, by adding the index folder to "Excluded files" (.obsidian/app.json); no other setting changes.
    """
    from .api import exclude_index_in_obsidian, init_kb

    try:
        config, created = init_kb(directory)
    except (ConfigError, OSError) as exc:
        raise _fail(str(exc)) from None
    if created:
        typer.echo(f"Initialised a KB in {config.root}: created {', '.join(created)}")
    else:
        typer.echo(f"{config.root} is already a KB; nothing changed")
    if not (config.root / ".obsidian").is_dir() or obsidian is False:
        return
    if obsidian is None:
        if not sys.stdin.isatty():
            typer.echo(f"Obsidian vault: `kb init --obsidian` keeps {config.index_dir}/ out of its graph and search")
            return
        obsidian = typer.confirm(
            f"Keep the generated pages in {config.index_dir}/ out of Obsidian's graph and search "
            "(adds them to Excluded files in .obsidian/app.json)?",
            default=True,
        )
    if obsidian:
        try:
            typer.echo(exclude_index_in_obsidian(config))
        except OSError as exc:
            raise _fail(f"cannot write .obsidian/app.json: {exc.strerror or exc}") from None


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Notes or folders to report on (default: the whole KB); links resolve against all of it.",
        ),
    ] = None,
    kb: KbOption = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text, json, github (workflow annotations) or sarif.")
    ] = CheckFormat.text,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these codes (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these codes (comma-separated).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Text: hide info-level problems.")] = False,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Report and fail only on problems this baseline file does not hold."),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Write every current problem to this file as the baseline; exit 0."),
    ] = None,
    no_cache: NoCacheOption = False,
):
    """Every broken link, schema problem and duplicate, with file, line and column.

    Exit 1 when an error is found (or a warning, with --strict). Examples:

      kb check                         the whole KB
      kb check claims/a.md claims/b.md  these notes only (pre-commit)
      kb check --format github          annotations in a GitHub Actions log
      kb check --write-baseline .kb-baseline.json, then --baseline .kb-baseline.json: fail on new problems only
    """
    from .api import check_kb, recount
    from .config import load_config

    selected, ignored = _codes(select), _codes(ignore)
    try:
        config = load_config(kb)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    chosen = _kb_paths(paths, config.root) if paths else None
    from .terminal import spinner

    try:
        with spinner(f"kb check {config.root.name}/"):
            report, problems = check_kb(
                config.root,
                selected,
                ignored,
                use_cache=not no_cache,
                problem_dicts=False,
                paths=chosen,
            )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    root = config.root
    if write_baseline is not None:
        from .baseline import write_baseline as write

        try:
            count = write(write_baseline, root, problems)
        except OSError as exc:
            raise _fail(f"{write_baseline}: cannot write the baseline: {exc.strerror or exc}") from None
        typer.echo(f"kb: wrote {count} problems to the baseline {write_baseline}", err=True)
        raise typer.Exit(EXIT_OK)
    fixed: list[dict] = []
    known = 0
    if baseline is not None:
        from .baseline import BaselineError, compare, read_baseline

        try:
            entries = read_baseline(baseline)
        except BaselineError as exc:
            raise _fail(str(exc)) from None
        if chosen is not None:
            from .api import select_paths

            # the baseline's entries for the notes checked: others are neither fixed nor known
            wanted = {p.path for p in select_paths([_entry_problem(e) for e in entries], chosen)}
            entries = [e for e in entries if e.get("path") in wanted]
        result = compare(root, problems, entries)
        problems, known, fixed = result.new, result.known, result.fixed
        report = recount(report, problems)
        report["summary"]["baseline"] = {"known": known, "fixed": len(fixed)}
    if format is CheckFormat.json:
        report["problems"] = [problem.to_dict() for problem in problems]
        if baseline is not None:
            report["fixed"] = fixed
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif format is CheckFormat.github:
        from .formats import github_lines

        lines = github_lines(problems, root)
        for start in range(0, len(lines), OUTPUT_BATCH):
            typer.echo("\n".join(lines[start : start + OUTPUT_BATCH]))
        typer.echo(_summary_line(report, known, fixed), err=True)
    elif format is CheckFormat.sarif:
        from .baseline import fingerprints
        from .formats import sarif_log

        typer.echo(json.dumps(sarif_log(problems, root, fingerprints(root, problems)), ensure_ascii=False, indent=1))
    else:
        from .terminal import problem_lines

        shown = [problem for problem in problems if not (quiet and problem.severity == "info")]
        for start in range(0, len(shown), OUTPUT_BATCH):  # in batches: 300,000 lines are 100 MB of text
            problem_lines([problem.render_parts() for problem in shown[start : start + OUTPUT_BATCH]])
        for entry in fixed[:20]:
            typer.echo(f"fixed: {entry.get('path')}:{entry.get('line')}: [{entry.get('code')}] {entry.get('message')}")
        if len(fixed) > 20:
            typer.echo(f"fixed: and {len(fixed) - 20} more baseline entries")
        typer.echo(_summary_line(report, known, fixed))
    failing = {"error", "warning"} if strict else {"error"}
    raise typer.Exit(EXIT_FOUND if any(problem.severity in failing for problem in problems) else EXIT_OK)


def _summary_line(report: dict, known: int, fixed: list) -> str:
    summary = report["summary"]
    errors, warnings = summary["errors"], summary["warnings"]
    line = (
        f"{summary['notes']} notes, {summary['links']} links: {errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}, {summary['info']} info"
    )
    if summary.get("by_code"):
        line += " (" + ", ".join(f"{code} {count}" for code, count in summary["by_code"].items()) + ")"
    if summary.get("suppressed"):
        line += f"; {summary['suppressed']} suppressed by kb-ignore or per-path ignores"
    if known or fixed:
        line += f"; baseline: {known} known problems not shown, {len(fixed)} fixed"
    return line


def _entry_problem(entry: dict):
    from .problems import Problem

    line = entry.get("line")
    return Problem(str(entry.get("path", "")), line if isinstance(line, int) else 0, str(entry.get("code", "")), "")


def _kb_paths(paths: list[Path], root: Path) -> list[str]:
    """Command-line paths as paths relative to the KB root; a path outside the KB or missing is a usage error."""
    out = []
    for path in paths:
        full = path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve()
        try:
            relative = full.relative_to(root.resolve())
        except ValueError:
            raise _fail(f"{path}: not inside the KB at {root}") from None
        if not full.exists():
            raise _fail(f"{path}: no such file or folder")
        out.append(relative.as_posix() if str(relative) != "." else "")
    return out


@app.command()
def fix(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", help="Notes or folders to fix (default: the whole KB)."),
    ] = None,
    kb: KbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; change nothing.")] = False,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    no_cache: NoCacheOption = False,
):
    """Apply the link fixes that are certain, and nothing else.

    A broken link that is the start of exactly one title, or names one note's alias, and a link that
    matches a file name only when case, hyphens and punctuation are ignored. A link that resolves is
    never touched; a written alias and a heading are kept. Example: kb fix --dry-run
    """
    from .api import path_predicate
    from .fix import apply_fixes, plan_fixes
    from .writer import kb_lock

    knowledge = _open(kb, no_cache)
    root = knowledge.config.root
    chosen = path_predicate(_kb_paths(paths, root)) if paths else None
    fixes = plan_fixes(knowledge, chosen)
    _done(knowledge)
    if dry_run:
        result = apply_fixes(root, fixes, dry_run=True)
    else:
        with kb_lock(root):
            result = apply_fixes(root, fixes)
    by_rule: dict[str, int] = {}
    for item in result.applied:
        by_rule[item.rule] = by_rule.get(item.rule, 0) + 1
    if format is ReportFormat.json:
        report = {
            "fixes": [item.to_dict() for item in result.applied],
            "skipped": [{**item.to_dict(), "why": why} for item, why in result.skipped],
            "by_rule": dict(sorted(by_rule.items())),
            "dry_run": dry_run,
        }
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if dry_run:
            for path in sorted(result.diffs):
                typer.echo(result.diffs[path], nl=False)
        else:
            for item in result.applied:
                typer.echo(f"{item.path}:{item.line}:{item.column}: {item.rule}: {item.old} -> {item.new}")
        for item, why in result.skipped:
            typer.echo(f"{item.path}:{item.line}:{item.column}: skipped ({why}): {item.old}", err=True)
        verb = "would fix" if dry_run else "fixed"
        rules = ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items())) or "nothing certain to fix"
        typer.echo(f"{verb} {len(result.applied)} links in {len(result.diffs)} notes ({rules})")
    raise typer.Exit(EXIT_OK)


@app.command()
def wanted(
    kb: KbOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Show at most N (0: all).")] = 0,
    no_cache: NoCacheOption = False,
):
    """Notes that are linked but never written, ranked by how many notes link to each."""
    from .api import wanted_report

    knowledge = _open(kb, no_cache)
    report = wanted_report(knowledge)
    _done(knowledge)
    if limit:
        report["wanted"] = report["wanted"][:limit]
    if format is ReportFormat.json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for entry in report["wanted"]:
            typer.echo(f"{entry['linked_from']:4d} notes  {entry['links']:4d} links  [[{entry['title']}]]")
    raise typer.Exit(EXIT_OK)


@app.command()
def graph(
    format: Annotated[GraphFormat, typer.Option("--format", "-f", help="Export format.")],
    kb: KbOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.", dir_okay=False)
    ] = None,
    no_cache: NoCacheOption = False,
):
    """Export the link graph: json (networkx node-link data), graphml or mermaid.

    Mermaid refuses a diagram over 500 links or 50,000 characters; kb graph --format mermaid then
    exits 2 with a message instead of writing one (kb index draws diagrams that fit).
    """
    from . import graph as graph_module

    knowledge = _open(kb, no_cache)
    exporters = {
        GraphFormat.json: graph_module.export_json,
        GraphFormat.graphml: graph_module.export_graphml,
        GraphFormat.mermaid: graph_module.export_mermaid,
    }
    try:
        text = exporters[format](knowledge.graph)
    except graph_module.DiagramTooLarge as exc:
        raise _fail(f"not writing a Mermaid diagram that cannot render: {exc}") from None
    _done(knowledge)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{output}: {exc.strerror or exc}") from None
        typer.echo(
            f"wrote {output} ({knowledge.graph.number_of_nodes()} nodes, {knowledge.graph.number_of_edges()} edges)",
            err=True,
        )


@app.command()
def beliefs(
    kb: KbOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    no_cache: NoCacheOption = False,
):
    """Per belief: grounding (resolved, enough for its level), evidence since, and a status with its reason.

    Exit 1 when a belief is under-grounded or under review.
    """
    from .beliefs import assess_beliefs

    knowledge = _open(kb, no_cache)
    report = assess_beliefs(knowledge)
    _done(knowledge)
    if format is ReportFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_beliefs_table(report))
    attention = any(flag in ("under-grounded", "under-review") for b in report.beliefs for flag in b.flags)
    raise typer.Exit(EXIT_FOUND if attention else EXIT_OK)


def render_beliefs_table(report) -> str:
    from .beliefs import LEVEL_MINIMUM

    lines = [f"{'STATUS':<15} {'GROUNDING':<9} {'EVIDENCE':<8} {'OWNER':<10} {'#':>2}  BELIEF"]
    for belief in report.beliefs:
        required = LEVEL_MINIMUM.get(belief.level, 3)
        grounding = f"{len(belief.resolved_grounding)}/{required}"
        confirms = sum(1 for e in belief.evidence if e.kind in ("confirm", "extend"))
        challenges = sum(1 for e in belief.evidence if e.kind == "challenge")
        number = str(belief.number) if belief.number is not None else "-"
        title = belief.title if len(belief.title) <= 70 else belief.title[:69] + "…"
        lines.append(
            f"{belief.status:<15} {grounding:<9} {f'+{confirms} -{challenges}':<8} "
            f"{(belief.owner or '-')[:10]:<10} {number:>2}  {title}"
        )
        if belief.status != "untested" or len(belief.flags) > 1:
            lines.append(f"{'':<15} {belief.reason}")
    flagged = [m for m in report.mentions if m.problem]
    counts = {}
    for belief in report.beliefs:
        counts[belief.status] = counts.get(belief.status, 0) + 1
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    lines.append("")
    lines.append(f"{len(report.beliefs)} beliefs: {summary}. Change dates from {report.dates_from}.")
    if flagged:
        lines.append(f"{len(flagged)} 'Belief N' mentions need a look:")
        lines.extend(f"  {m.path}:{m.line}: {m.problem}" for m in flagged)
    return "\n".join(lines)


@app.command()
def index(
    kb: KbOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the pages. Default: the KB's index folder (kb.toml [kb] index, else index/).",
            file_okay=False,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    no_cache: NoCacheOption = False,
):
    """Generate Markdown index pages: a review home (conflicts, beliefs, problems, wanted notes,
    what changed), conflicts.md, problems/<code>.md, changes.md, and pages per note, type, domain and
    belief with Mermaid diagrams kept under Mermaid's limits.

    Only pages whose bytes change are rewritten; files kb did not generate are never touched.
    kb.toml [index]: links = "markdown"|"wikilink"|"both", conflicts = true|false, changes = N commits.
    """
    from .api import index_kb

    try:
        from .terminal import spinner

        with spinner("kb index"):
            _, result = index_kb(kb, out, dry_run=dry_run, use_cache=not no_cache)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write the index: {exc}") from None
    if format is ReportFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        verb = "would write" if dry_run else "written"
        for path in result.written:
            typer.echo(f"{'would write' if dry_run else 'wrote'} {path}")
        for path in result.removed:
            typer.echo(f"{'would remove' if dry_run else 'removed'} {path}")
        for problem in result.problems:
            typer.echo(problem.render())
        typer.echo(
            f"{result.pages} pages in {result.out_dir}: {len(result.written)} {verb}, "
            f"{len(result.removed)} removed, {result.pages - len(result.written)} unchanged"
        )
    raise typer.Exit(EXIT_FOUND if result.problems else EXIT_OK)


@app.command()
def conflicts(
    kb: KbOption = None,
    format: Annotated[ConflictFormat, typer.Option("--format", "-f", help="Output format.")] = ConflictFormat.text,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show values consistent with rounding, and resolved conflicts.")
    ] = False,
    resolve: Annotated[
        str | None, typer.Option("--resolve", metavar="ID", help="Record a decision on conflict ID in the KB.")
    ] = None,
    accept: Annotated[str | None, typer.Option("--accept", help="With --resolve: the accepted value.")] = None,
    prefer: Annotated[str | None, typer.Option("--prefer", help="With --resolve: the preferred source note.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="With --resolve: why.")] = None,
    no_cache: NoCacheOption = False,
):
    """Numeric conflicts: notes that state different numbers for the same thing.

    Exit 1 when a conflict is found. Decisions recorded with --resolve go to the KB's
    conflict-resolutions.toml; a resolved conflict stays hidden until a new fact joins it.
    """
    from .api import conflicts_kb
    from .conflicts import record_resolution, render_markdown, render_text

    try:
        from .terminal import spinner

        with spinner("kb conflicts"):
            config, report = conflicts_kb(kb, include_resolved=show_all or resolve is not None, use_cache=not no_cache)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for problem in report.problems:
        typer.echo(f"kb: {problem}", err=True)
    if resolve is not None:
        match = next((c for c in report.conflicts + report.info if c.id == resolve), None)
        if match is None:
            raise _fail(f"no conflict with id {resolve!r} (run kb conflicts to list them)")
        if not reason:
            raise _fail("--resolve needs --reason")
        from .writer import OutsideKB

        try:
            done = record_resolution(config, match, accept, prefer, reason)
        except (OutsideKB, OSError) as exc:
            raise _fail(f"cannot record the decision: {exc}") from None
        typer.echo(f"{done} the decision on {resolve} in {config.conflict_resolutions}")
        raise typer.Exit(EXIT_OK)
    if format is ConflictFormat.json:
        data = report.to_dict()
        if not show_all:
            data.pop("consistent_with_rounding")
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif format is ConflictFormat.markdown:
        typer.echo(render_markdown(report))
    else:
        typer.echo(render_text(report, include_info=show_all))
    raise typer.Exit(EXIT_FOUND if report.conflicts else EXIT_OK)


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Files to ingest: Markdown with front matter, raw text, "
            "or scraped pages; paths inside the KB are processed in place.",
        ),
    ],
    kb: KbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the changes as a diff; write nothing.")] = False,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    today: Annotated[
        str | None, typer.Option("--date", help="The processing date to record (YYYY-MM-DD); default today.")
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Domain of new sources that state none; default: the KB domain they match."),
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            help="YAML or JSON file of proposed claims for the one source (title, description, confidence, "
            "evidence, links); checked first, nothing written if any is refused. See docs/ingest.md.",
        ),
    ] = None,
):
    """Archive sources, propose and link their claims, record belief evidence, update their status.

    Duplicates (same URL, title or text as a source in the KB) archive nothing. Exit 1 when an input
    failed or the new sources' numbers conflict with the KB.
    """
    from .config import load_config
    from .ingest import ingest as run_ingest

    if today is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", today):
        raise _fail("--date must be YYYY-MM-DD")
    try:
        config = load_config(kb)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    from .terminal import spinner

    with spinner(f"kb ingest ({len(paths)} inputs)"):
        report = run_ingest(config, paths, dry_run=dry_run, today=today, domain=domain, claims_file=claims)
    if format is ReportFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for result in report.results:
            target = result.source or "-"
            typer.echo(f"{result.action:<9} {result.input} -> {target}")
            for claim in result.claims:
                typer.echo(f"          + claim {claim}")
            for claim in result.enriched:
                typer.echo(f"          ~ evidence on {claim}")
            for entry in result.belief_evidence:
                typer.echo(f"          belief {entry['belief']}: {entry['kind']}")
            for problem in result.problems:
                typer.echo(f"          note: {problem}")
        if dry_run and report.diffs:
            typer.echo("".join(report.diffs))
        if report.conflicts:
            from .conflicts import ConflictReport, render_text

            typer.echo(f"{len(report.conflicts)} numeric conflicts involve what was ingested:")
            typer.echo(render_text(ConflictReport(report.conflicts, 0, 0, 0), footer=False))
        actions: dict[str, int] = {}
        for result in report.results:
            actions[result.action] = actions.get(result.action, 0) + 1
        done = ", ".join(f"{count} {action}" for action, count in sorted(actions.items())) or "nothing"
        claims_written = sum(len(result.claims) for result in report.results)
        evidence = sum(len(result.enriched) for result in report.results)
        typer.echo(
            f"{'would ingest' if dry_run else 'ingested'} {len(report.results)} input(s): {done}; "
            f"{claims_written} claim notes, {evidence} evidence entries, {len(report.conflicts)} conflicts"
        )
    failed = any(r.action == "error" for r in report.results)
    raise typer.Exit(EXIT_FOUND if failed or report.conflicts else EXIT_OK)


def _exit_now(code) -> None:
    """Leave without tearing down every object of a loaded KB one by one (a tenth of a second at 10,000
    notes): everything the command writes is already closed; only the standard streams need flushing."""
    import os

    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)


def main() -> None:
    """Console entry point: any unexpected exception is an internal error (exit 123), not a traceback."""
    # A run builds hundreds of thousands of objects that stay alive to its end and form no cycles; the
    # cycle collector's default passes over them found nothing and cost a fifth of a cold check.
    gc.set_threshold(100_000, 50, 100)
    try:
        app()
    except SystemExit as exit_:
        _exit_now(exit_.code)
    except KeyboardInterrupt:
        typer.echo("kb: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one boundary where every failure becomes exit 123
        typer.echo(f"kb: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(EXIT_INTERNAL)
