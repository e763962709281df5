"""Where the KB is and how to read it: `kb.toml`, or defaults that read teleo-codex right.

Note types come from front matter `type:` where it names a known type; otherwise the first
folder rule in `[types]` (then the built-in rules below) whose glob matches the note's path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .problems import CODES, ERROR, INFO, WARNING

CONFIG_NAME = "kb.toml"
NOTE_TYPES = ("source", "claim", "belief", "map", "other")
# Declared types that mean one of ours. Anything else declared falls back to the folder rules.
TYPE_ALIASES = {"evidence": "source", "archive": "source", "topic-map": "map", "moc": "map"}

# Built-in folder rules, tried after the KB's own. First match wins.
DEFAULT_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("**/_map.md", "map"),
    ("maps/**", "map"),
    ("index/**", "other"),
    ("sources/**", "source"),
    ("inbox/**", "source"),
    ("claims/**", "claim"),
    ("domains/**", "claim"),
    ("core/**", "claim"),
    ("foundations/**", "claim"),
    ("beliefs/**", "belief"),
    ("agents/*/beliefs.md", "belief"),
    ("agents/*/beliefs/**", "belief"),
)

# Folders never read as notes: tool state, version control, editor settings.
ALWAYS_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".kb",
        ".obsidian",
        ".trash",
        "node_modules",
        "__pycache__",
        ".venv",
        ".pytest_cache",
        ".ruff_cache",
        ".mypy_cache",
    }
)

SOURCE_STATUSES = ("unprocessed", "processing", "processed", "null-result")
CONFIDENCE_LEVELS = ("proven", "likely", "experimental", "speculative")
SOURCE_FORMATS = ("essay", "newsletter", "tweet", "thread", "whitepaper", "paper", "report", "news")
BELIEF_LEVELS = ("axiom", "belief", "hypothesis")


@dataclass
class TypeSchema:
    required: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)


DEFAULT_SCHEMAS: dict[str, TypeSchema] = {
    "source": TypeSchema(
        required=("title", "author", "url", "date", "domain", "status"),
        enums={"status": SOURCE_STATUSES, "format": SOURCE_FORMATS},
    ),
    "claim": TypeSchema(
        required=("description", "confidence", "source", "created", "domain"),
        enums={"confidence": CONFIDENCE_LEVELS},
    ),
    "belief": TypeSchema(enums={"level": BELIEF_LEVELS}),
    "map": TypeSchema(),
    "other": TypeSchema(),
}

# Fields whose value must be a list when present, and fields that hold dates (any type).
LIST_FIELDS = (
    "tags",
    "aliases",
    "secondary_domains",
    "claims_extracted",
    "enrichments",
    "enrichments_applied",
    "depends_on",
    "challenged_by",
    "challenges",
    "related_claims",
)
DATE_FIELDS = ("date", "created", "processed_date", "last_evaluated", "updated", "last_updated")
TEXT_FIELDS = ("title", "author", "url", "description", "domain", "status", "format", "confidence")


class ConfigError(Exception):
    """The KB cannot be used as configured (exit code 2)."""


@dataclass
class Config:
    root: Path
    path: Path | None = None  # the kb.toml read, if any
    sources_dir: str = "sources"
    claims_dir: str = "claims"
    beliefs_dir: str = "beliefs"
    index_dir: str = "index"
    exclude: tuple[str, ...] = ()
    type_rules: tuple[tuple[str, str], ...] = DEFAULT_TYPE_RULES
    note_types: tuple[str, ...] = NOTE_TYPES
    schemas: dict[str, TypeSchema] = field(default_factory=lambda: dict(DEFAULT_SCHEMAS))
    severities: dict[str, str] = field(default_factory=dict)
    belief_owners: dict[str, str] = field(default_factory=dict)  # domain -> owner of the beliefs on it
    index_links: str = "markdown"  # how generated pages link: markdown, wikilink or both
    index_conflicts: bool = True  # whether `kb index` compares numbers for its conflict pages
    index_changes: int = 20  # commits the "what changed" page covers (0: none)
    conflict_aliases: dict[str, str] = field(default_factory=dict)  # phrase -> "modifiers measure"
    conflict_window: Decimal = Decimal("0.25")  # values further apart than this are different things
    conflict_resolutions: str = "conflict-resolutions.toml"
    path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # [check.per-path-ignores]: glob -> codes
    _compiled: list = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._compiled = [(glob_to_regex(glob), kind) for glob, kind in self.type_rules]
        self._excluded = [glob_to_regex(glob) for glob in self.exclude]
        self.compiled_path_ignores = [(glob_to_regex(glob), frozenset(codes)) for glob, codes in self.path_ignores]

    def type_for_path(self, relpath: str) -> str:
        for regex, kind in self._compiled:
            if regex.fullmatch(relpath):
                return kind
        return "other"

    def is_excluded(self, relpath: str) -> bool:
        return any(regex.fullmatch(relpath) for regex in self._excluded)

    def known_type(self, declared) -> str | None:
        if not isinstance(declared, str):
            return None
        name = declared.strip().lower()
        name = TYPE_ALIASES.get(name, name)
        return name if name in self.note_types else None


def glob_to_regex(glob: str) -> re.Pattern:
    """Translate a path glob (`*`, `?`, `**` across folders) into a compiled regex."""
    glob = glob.strip().removeprefix("./").rstrip("/") if glob.strip() not in ("", ".") else "**"
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    pattern = "".join(out)
    # A bare folder name matches everything under it too.
    if "*" not in glob and "?" not in glob:
        pattern += "(?:/.*)?"
    return re.compile(pattern)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a kb.toml, else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def load_config(kb_dir: Path | None = None) -> Config:
    """Read the KB's configuration. `kb_dir` is `--kb`; None means search from the current folder."""
    if kb_dir is not None:
        root = Path(kb_dir).resolve()
        if not root.is_dir():
            raise ConfigError(f"{kb_dir}: no such folder")
    else:
        root = find_root(Path.cwd())
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    check_keys(data, text, str(path))
    return config_from_dict(root, data, path)


# What kb.toml may hold: table -> its keys (None: any key, as in [types] "glob" = "type").
KNOWN_KEYS: dict[str, frozenset[str] | None] = {
    "kb": frozenset({"sources", "claims", "beliefs", "index", "exclude", "types"}),
    "types": None,
    "severity": None,  # codes, checked against the catalogue below
    "schema": None,
    "beliefs": frozenset({"owners"}),
    "index": frozenset({"links", "conflicts", "changes"}),
    "conflicts": frozenset({"aliases", "window", "resolutions"}),
    "check": frozenset({"per-path-ignores"}),
}


def check_keys(data: dict, text: str, where: str) -> None:
    """Unknown tables and keys are errors with their line and the nearest known name: a typo such as
    `sourcez =` or `[indx]` would otherwise be ignored without a word."""
    import difflib

    def fail(name: str, known, table: str | None) -> None:
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(known))}"
        what = f"[{table}] key {name!r}" if table else f"table [{name}]"
        raise ConfigError(f"{where}:{_line_of(text, name, table)}: unknown {what}{hint}")

    for table, value in data.items():
        if table not in KNOWN_KEYS:
            fail(table, KNOWN_KEYS, None)
        keys = KNOWN_KEYS[table]
        if keys is not None and isinstance(value, dict):
            for key in value:
                if key not in keys:
                    fail(key, keys, table)


def _line_of(text: str, name: str, table: str | None) -> int:
    """The line a table header or key is on (the first after its table's header), else 1."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        for number, line in enumerate(lines):
            if re.match(rf"\s*\[\s*{re.escape(table)}\s*\]", line):
                start = number
                break
    key = re.compile(rf"\s*(?:\[\s*)?[\"']?{re.escape(name)}[\"']?\s*(?:=|\]|\.)")
    for number in range(start, len(lines)):
        if key.match(lines[number]):
            return number + 1
    return 1


def _globs(value, where: str) -> tuple[str, ...]:
    """Globs of paths inside the KB: one that is empty, absolute or climbs out with `..` can match no note."""
    globs = _strings(value, where)
    for glob in globs:
        text = glob.strip()
        if not text or text.startswith(("/", "\\")) or ".." in text.replace("\\", "/").split("/") or ":" in text[:3]:
            raise ConfigError(f"{where}: {glob!r} can match no note (globs are paths inside the KB, like 'inbox/**')")
    return globs


def _strings(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{where} must be a string or a list of strings")


def config_from_dict(root: Path, data: dict, path: Path | None = None) -> Config:
    where = str(path or CONFIG_NAME)
    section = data.get("kb", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: [kb] must be a table")
    config_args: dict = {"root": root, "path": path}
    for key, attr in (
        ("sources", "sources_dir"),
        ("claims", "claims_dir"),
        ("beliefs", "beliefs_dir"),
        ("index", "index_dir"),
    ):
        if key in section:
            if not isinstance(section[key], str) or not section[key].strip():
                raise ConfigError(f"{where}: [kb] {key} must be a folder name")
            config_args[attr] = section[key].strip().strip("/")
    exclude = _globs(section.get("exclude", []), f"{where}: [kb] exclude")
    config_args["exclude"] = exclude

    extra_types = _strings(section.get("types", []), f"{where}: [kb] types")
    note_types = tuple(dict.fromkeys(NOTE_TYPES + extra_types))
    config_args["note_types"] = note_types

    rules = data.get("types", {})
    if not isinstance(rules, dict):
        raise ConfigError(f'{where}: [types] must be a table of "glob" = "type"')
    own_rules = []
    for glob, kind in rules.items():
        _globs(glob, f"{where}: [types]")
        if kind not in note_types:
            raise ConfigError(f"{where}: [types] {glob!r} = {kind!r}: type must be one of {', '.join(note_types)}")
        own_rules.append((glob, kind))
    config_args["type_rules"] = tuple(own_rules) + DEFAULT_TYPE_RULES

    severities = data.get("severity", {})
    if not isinstance(severities, dict):
        raise ConfigError(f'{where}: [severity] must be a table of code = "error"|"warning"|"info"')
    for code, severity in severities.items():
        if code not in CODES:
            raise ConfigError(f"{where}: [severity] unknown check code {code!r}")
        if severity not in (ERROR, WARNING, INFO, "off"):
            raise ConfigError(f"{where}: [severity] {code} must be error, warning, info or off")
    config_args["severities"] = dict(severities)

    schemas = {name: TypeSchema(schema.required, dict(schema.enums)) for name, schema in DEFAULT_SCHEMAS.items()}
    for name in note_types:
        schemas.setdefault(name, TypeSchema())
    schema_data = data.get("schema", {})
    if not isinstance(schema_data, dict):
        raise ConfigError(f"{where}: [schema] must be a table")
    for name, spec in schema_data.items():
        if name not in note_types or not isinstance(spec, dict):
            raise ConfigError(f"{where}: [schema.{name}] must name a note type and be a table")
        if "required" in spec:
            schemas[name].required = _strings(spec["required"], f"{where}: [schema.{name}] required")
        enums = spec.get("enums", {})
        if not isinstance(enums, dict):
            raise ConfigError(f"{where}: [schema.{name}.enums] must be a table of field = [values]")
        for field_name, values in enums.items():
            schemas[name].enums[field_name] = _strings(values, f"{where}: [schema.{name}.enums] {field_name}")
    config_args["schemas"] = schemas

    beliefs = data.get("beliefs", {})
    owners = beliefs.get("owners", {}) if isinstance(beliefs, dict) else None
    if not isinstance(owners, dict) or not all(isinstance(v, str) for v in owners.values()):
        raise ConfigError(f'{where}: [beliefs.owners] must be a table of domain = "owner"')
    config_args["belief_owners"] = {str(k).lower(): v.lower() for k, v in owners.items()}

    index = data.get("index", {})
    if not isinstance(index, dict):
        raise ConfigError(f"{where}: [index] must be a table")
    links = index.get("links", "markdown")
    if links not in ("markdown", "wikilink", "both"):
        raise ConfigError(f'{where}: [index] links must be "markdown", "wikilink" or "both"')
    config_args["index_links"] = links
    index_conflicts = index.get("conflicts", True)
    if not isinstance(index_conflicts, bool):
        raise ConfigError(f"{where}: [index] conflicts must be true or false")
    config_args["index_conflicts"] = index_conflicts
    changes = index.get("changes", 20)
    if isinstance(changes, bool) or not isinstance(changes, int) or not 0 <= changes <= 1000:
        raise ConfigError(f"{where}: [index] changes must be a whole number of commits from 0 to 1000")
    config_args["index_changes"] = changes

    conflicts = data.get("conflicts", {})
    if not isinstance(conflicts, dict):
        raise ConfigError(f"{where}: [conflicts] must be a table")
    aliases = conflicts.get("aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) and v.strip() for v in aliases.values()):
        raise ConfigError(f'{where}: [conflicts.aliases] must be a table of "phrase" = "measure"')
    config_args["conflict_aliases"] = {str(k).strip().lower(): v.strip().lower() for k, v in aliases.items()}
    if "window" in conflicts:
        try:
            window = Decimal(str(conflicts["window"]))
        except InvalidOperation:
            window = Decimal(-1)
        if not Decimal(0) < window <= Decimal(10):
            raise ConfigError(f"{where}: [conflicts] window must be a number between 0 and 10 (0.25 = 25%)")
        config_args["conflict_window"] = window
    if "resolutions" in conflicts:
        if not isinstance(conflicts["resolutions"], str) or not conflicts["resolutions"].strip():
            raise ConfigError(f"{where}: [conflicts] resolutions must be a file name")
        config_args["conflict_resolutions"] = conflicts["resolutions"].strip()

    check = data.get("check", {})
    ignores = check.get("per-path-ignores", {}) if isinstance(check, dict) else None
    if not isinstance(ignores, dict):
        raise ConfigError(f'{where}: [check.per-path-ignores] must be a table of "glob" = ["code", ...]')
    path_ignores = []
    for glob, codes in ignores.items():
        _globs(glob, f"{where}: [check.per-path-ignores]")
        codes = _strings(codes, f"{where}: [check.per-path-ignores] {glob!r}")
        unknown = [code for code in codes if code not in CODES]
        if unknown:
            raise ConfigError(f"{where}: [check.per-path-ignores] {glob!r}: unknown check code(s) {', '.join(unknown)}")
        path_ignores.append((glob, codes))
    config_args["path_ignores"] = tuple(path_ignores)
    return Config(**config_args)


DEFAULT_TOML = """\
# kb configuration. Paths are relative to this file's folder.
[kb]
sources = "sources"   # where `kb ingest` archives source notes
claims = "claims"     # where new claim notes go
beliefs = "beliefs"
index = "index"       # where `kb index` writes generated pages
exclude = []          # globs of files that are not notes, e.g. ["templates/**"]

# Folder rules for notes whose front matter has no known `type:` (first match wins;
# built-in rules follow: sources/ and inbox/ -> source, claims/ domains/ core/ foundations/
# -> claim, beliefs/ -> belief, **/_map.md and maps/ -> map, everything else -> other).
[types]
# "inbox/**" = "source"

# Severity per check code: "error", "warning", "info" or "off".
[severity]
# orphan-note = "off"

# Generated pages (`kb index`).
[index]
# links = "markdown"  # or "wikilink", "both"
# conflicts = true    # conflict cards and disputed numbers on the pages
# changes = 20        # commits the "what changed" page covers (0: none)
"""
