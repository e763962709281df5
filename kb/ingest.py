"""`kb ingest`: archive a source, propose and link its claims, record belief evidence, update its status.

Per input: read (front-mattered Markdown, a scraped page around a front-matter block, or raw text)
-> archive as a source note (or process in place when the path is already in the KB) -> catch
duplicates by URL, title and text -> take the claims the source proposes (its `claims_extracted`,
`PRIMARY:`/`SECONDARY:` hints; for raw text, its sentences that state numbers) -> write new claim
notes, or an evidence entry on an existing claim that says the same -> record `belief_evidence` ->
set `status`, `processed_date`, `claims_extracted` -> report numeric conflicts with the rest of the KB.

Writes are atomic, under a KB-wide lock, only inside the KB, and touch only the fields ingest owns.
`dry_run` computes everything and returns unified diffs instead of writing.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .claimwriter import claim_bearing, claims_from_text
from .config import CONFIDENCE_LEVELS, Config
from .evidence import evidence_entry, evidence_kind, supporting_passage
from .frontmatter import read_frontmatter
from .links import find_body_links
from .model import KnowledgeBase, load_kb
from .proposals import Proposal, check_proposal, load_proposals
from .resolve import slugify
from .sameclaim import decisive_difference, same_claim
from .sourcemeta import infer_domain, infer_fields
from .writer import OutsideKB, append_block, inside, kb_lock, read_exact, set_fields, write_inside, yaml_field

# sources whose numbers are records or chatter, not reported propositions: no claims from their bodies
RECORD_FORMATS = frozenset({"data", "dataset", "tweet", "thread", "transcript"})
OWNED_FIELDS = ("status", "processed_date", "claims_extracted", "belief_evidence", "null_reason")
STATUSES = ("unprocessed", "processing", "processed", "null-result")
TRANSITIONS = {"unprocessed": ("processing",), "processing": ("processed", "null-result")}
MAX_NAME_BYTES = 255
_URL = re.compile(r"https?://[^\s)>\]\"']+")
_HINT = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*)?(PRIMARY|SECONDARY)(?:\*\*)?\s*:\s*(.+)$")
_SCRAPE_LINE = re.compile(r"^\s*\|\s*$")
_HINT_LINE = re.compile(r"extraction hints?\b|claim candidate", re.I)  # prose that proposes claims in quotes
_TRAILING = frozenset("a an the of and or but than that to in on for with by as at from is are was".split())
_QUOTED = re.compile(r"[\"“]([^\"”\n]{20,400})[\"”]")


@dataclass
class InputDocument:
    kind: str  # frontmatter | scraped | raw
    text: str  # the note text to archive (front matter + body)
    fields: dict
    body: str
    problems: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    input: str
    source: str | None = None
    action: str = "error"  # created | updated | unchanged | error
    claims: list[str] = field(default_factory=list)
    enriched: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    belief_evidence: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    for_agents: dict | None = None  # with --dry-run: what an agent needs to write proposals

    def to_dict(self) -> dict:
        data = {"input": self.input, "source": self.source, "action": self.action, "claims": self.claims}
        if self.enriched:
            data["enriched"] = self.enriched
        if self.duplicate_of:
            data["duplicate_of"] = self.duplicate_of
        if self.belief_evidence:
            data["belief_evidence"] = self.belief_evidence
        if self.problems:
            data["problems"] = self.problems
        if self.for_agents is not None:
            data["for_agents"] = self.for_agents
        return data


@dataclass
class IngestReport:
    results: list[IngestResult]
    diffs: list[str] = field(default_factory=list)
    conflicts: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ingested": [r.to_dict() for r in self.results],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "diff": "".join(self.diffs) if self.diffs else None,
        }


# ---------------------------------------------------------------------------- reading inputs


def _decode(data: bytes, problems: list[str]) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("the file is not UTF-8; read with replacement characters")
        text = data.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        problems.append("the file holds NUL bytes; they were removed")
        text = text.replace("\0", "")
    return text


def read_input(data: bytes) -> InputDocument:
    problems: list[str] = []
    text = _decode(data, problems)
    fm, body = read_frontmatter(text)
    if fm.present and fm.terminated and not fm.errors:
        return InputDocument("frontmatter", text, dict(fm.fields), body, problems)
    lines = text.split("\n")
    fence = next((i for i, line in enumerate(lines) if line.strip() == "---"), None)
    if fence is not None:
        # A scraped page: garbage before the block, the page's "|" lines between fields.
        kept = [line for line in lines[fence:] if not _SCRAPE_LINE.match(line)]
        scraped = sum(1 for line in lines[fence:] if _SCRAPE_LINE.match(line))
        candidate = "\n".join(kept)
        fm2, body2 = read_frontmatter(candidate)
        if fm2.present and fm2.terminated and fm2.fields and not fm2.errors:
            if fence:
                problems.append(f"ignored {fence} line(s) of page text before the front matter")
            if scraped:
                problems.append(f"removed {scraped} scrape line(s) of '|'")
            return InputDocument("scraped", candidate, dict(fm2.fields), body2, problems)
    if fm.present and fm.errors:
        problems.extend(message for _, message in fm.errors)
        problems.append("front matter unreadable: the input is archived as raw text")
    return InputDocument("raw", text, {}, text, problems)


# ---------------------------------------------------------------------------- names


_RESERVED_NAME = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])", re.I)


def safe_file_name(title: str, suffix: str = ".md", limit: int = MAX_NAME_BYTES) -> str:
    """A file name for a title: no path separators, `..`, control characters or NUL; at most 255 bytes."""
    name = unicodedata.normalize("NFC", title)
    name = "".join(ch if ch.isprintable() else " " for ch in name)
    # characters that carry meaning become words or look-alikes: "<0.5% survival" must not read "0.5%"
    name = (
        name.replace("<=", " at most ").replace(">=", " at least ").replace("≤", " at most ").replace("≥", " at least ")
    )
    name = name.replace("<", " under ").replace(">", " over ")
    name = re.sub(r"(?<=\w)/(?=\w)", "∕", name)  # "24/7", "and/or": a look-alike that is no separator
    name = name.replace("/", " ")
    name = re.sub(r"[\\:*?\"|\x00]", " ", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    if not name:
        name = "untitled"
    if _RESERVED_NAME.fullmatch(name.split(".")[0].strip()):
        name += " (note)"  # "NUL", "LPT1": names Windows keeps for devices; a clone there would fail
    if len((name + suffix).encode("utf-8")) > limit:
        digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
        budget = limit - len(suffix.encode("utf-8")) - 9
        name = name.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .-") + "~" + digest
    return name + suffix


def claims_folder(kb: KnowledgeBase, config: Config, domain) -> str:
    """Where the KB keeps claims of `domain`: the folder most of its claims of that domain are in
    (teleo-codex keeps them in `domains/<domain>/`), else the configured claims folder."""
    if not isinstance(domain, str) or not domain.strip():
        return config.claims_dir
    folders = Counter(
        path.rpartition("/")[0]
        for path, note in kb.notes.items()
        if note.type == "claim" and isinstance(note.fields, dict) and note.fields.get("domain") == domain
    )
    if folders:
        folder, count = sorted(folders.items(), key=lambda item: (-item[1], item[0]))[0]
        if count >= 3 and folder:
            return folder
    return config.claims_dir


def source_file_name(fields: dict) -> str:
    date = str(fields.get("date") or "")
    match = re.match(r"((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?", date)
    day = f"{match.group(1)}-{match.group(2) or '00'}-{match.group(3) or '00'}" if match else "0000-00-00"
    who = str(fields.get("author") or "")
    if not who and fields.get("url"):
        who = urlparse(str(fields["url"])).netloc.removeprefix("www.").split(".")[0]
    who = slugify(who).replace(" ", "-")[:30].strip("-") or "unknown"
    words = slugify(str(fields.get("title") or "untitled")).split()
    author = who.split("-")
    if len(words) > len(author) and words[: len(author)] == author:
        words = words[len(author) :]  # "Ryanair Holdings plc: Ryanair Holdings plc FY25 results": the name once
    slug = "-".join(words[:8]) or "untitled"
    return safe_file_name(f"{day}-{who}-{slug}")


# ---------------------------------------------------------------------------- duplicates


def _normal_url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        return ""
    parsed = urlparse(url.strip().lower())
    return (parsed.netloc.removeprefix("www.") + parsed.path.rstrip("/")) if parsed.netloc else url.strip().lower()


def _text_key(body: str) -> str:
    return hashlib.sha1(re.sub(r"[\W_]+", " ", body.lower()).strip().encode()).hexdigest()


@dataclass
class Registry:
    """What the KB holds, for duplicate detection, kept up to date as one run archives more."""

    sources: dict = field(default_factory=dict)  # path -> (url key, title slug, text key)
    claims: dict = field(default_factory=dict)  # path -> title

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Registry:
        from .loader import read_lines

        registry = cls()
        for path, note in kb.notes.items():
            if note.type == "source":
                lines = read_lines(kb.config, path)
                start = note.frontmatter.body_line - 1 if note.frontmatter.terminated else 0
                registry.add_source(path, note.fields, "\n".join(lines[start:]))
            elif note.type == "claim":
                registry.claims[path] = str(note.fields.get("title") or note.title)
        return registry

    def add_source(self, path: str, fields: dict, body: str) -> None:
        self.sources[path] = (
            _normal_url(fields.get("url")),
            slugify(str(fields.get("title") or "")),
            _text_key(body) if body.strip() else "",
        )

    def duplicate(self, fields: dict, body: str, skip: str | None = None) -> tuple[str, str] | None:
        """(path, reason) of a source with the same URL, title or text."""
        url = _normal_url(fields.get("url"))
        title = slugify(str(fields.get("title") or ""))
        text = _text_key(body) if body.strip() else ""
        for path, (other_url, other_title, other_text) in self.sources.items():
            if path == skip:
                continue
            if url and other_url == url:
                return path, "same URL"
            if title and len(title.split()) >= 3 and other_title == title:
                return path, "same title"
            if text and other_text == text:
                return path, "same text"
        return None


# ---------------------------------------------------------------------------- claims


@dataclass
class ProposedClaim:
    title: str
    evidence: str  # the source's words that carry it
    description: str = ""  # the supporting data, when it is not the evidence itself
    confidence: str = ""  # set by a proposal (--claims); kb's own candidates are "experimental"
    links: list[str] = field(default_factory=list)  # existing notes it bears on (a proposal's)
    domain: str | None = None


def _clean_claim(text: str) -> str:
    text = text.strip().strip("*").strip()
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1]
    text = re.sub(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]", lambda m: m.group(2) or m.group(1), text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


def propose_claims(document: InputDocument, kind: str, source_date: object = None) -> list[ProposedClaim]:
    """Claims a source offers: those it lists, its hints, else its own strongest statements.
    `source_date` is the date ingest found for it (a raw clipping's dateline) when its fields have none."""
    proposed: list[ProposedClaim] = []
    listed = document.fields.get("claims_extracted")
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, str) and item.strip():
                title = _clean_claim(item.removesuffix(".md"))
                proposed.append(ProposedClaim(title, f"Listed by the source as an extracted claim: {title}"))
    for line in document.body.split("\n"):
        hint = _HINT.match(line)
        if hint:
            title = (
                _clean_claim(re.split(r"\s+(?:—|–|--)\s+", hint.group(2))[0])
                if hint.group(1) == "SECONDARY"
                else _clean_claim(hint.group(2))
            )
            if len(title.split()) >= 4:
                proposed.append(ProposedClaim(title, _clean_claim(hint.group(2))))
    for line in document.body.split("\n"):
        if _HINT_LINE.search(line):
            for quoted in _QUOTED.findall(line):
                title = _clean_claim(quoted)
                words = title.split()
                if (
                    len(words) >= 6
                    and title[0].isalnum()
                    and title[0] == title[0].upper()
                    and words[-1].lower() not in _TRAILING
                ):  # a whole proposition, not a quoted fragment
                    proposed.append(ProposedClaim(title, title))
    form = str(document.fields.get("format") or "").strip().lower()
    if not proposed and form not in RECORD_FORMATS:
        # no hints: the source's own strongest statements (raw text, or a front-mattered body)
        date = str(document.fields.get("date") or source_date or "") or None
        proposed.extend(
            ProposedClaim(c.title, c.evidence, c.description) for c in claims_from_text(document.body, date)
        )
    unique: list[ProposedClaim] = []
    for claim in proposed:
        if not any(same_claim(claim.title, other.title) for other in unique):
            unique.append(claim)
    return unique


def _null_reason(document: InputDocument, form: str, connections: int) -> str:
    """Why a source gave nothing, in words a curator can act on."""
    if form in RECORD_FORMATS:
        return f"a {form} record: its figures are data, not claims, and it names no claim to extend"
    if connections:
        return f"it links {connections} existing claim(s), but no sentence of it bears on them"
    if not re.search(r"\d", document.body):
        return "no hints, no links to existing claims, and no sentence that states a figure"
    return "no hints, no links to existing claims, and no sentence that stands alone as a claim"


def _for_agents(config: Config, kb: KnowledgeBase, document, proposed, existing: dict[str, str]) -> dict:
    """The source's text, kb's own candidates, the nearest existing claims, the KB's domains and the
    claim schema: what an agent needs to write `--claims` proposals."""
    from rapidfuzz import fuzz, process

    slugs = {path: slugify(title) for path, title in existing.items()}

    def nearest(text: str) -> list[dict]:
        found = process.extract(slugify(text), slugs, scorer=fuzz.token_set_ratio, limit=3)
        return [{"path": path, "title": existing[path], "score": round(score)} for _, score, path in found]

    domains = Counter(
        note.fields.get("domain")
        for note in kb.notes.values()
        if isinstance(note.fields, dict) and isinstance(note.fields.get("domain"), str)
    )
    schema = config.schemas["claim"]
    title = str(document.fields.get("title") or "")
    return {
        "text": document.body,
        "candidates": [
            {"title": c.title, "evidence": c.evidence, "description": c.description, "nearest": nearest(c.title)}
            for c in proposed
        ],
        "nearest_to_source": nearest(title or document.body[:300]),
        "domains": dict(sorted(domains.items(), key=lambda item: (-item[1], item[0]))),
        "claim_schema": {
            "required": list(schema.required),
            "confidence": list(CONFIDENCE_LEVELS),
            "proposal_fields": ["title", "description", "confidence", "evidence", "links", "domain"],
        },
    }


def _kept_apart(title: str, existing: dict[str, str]) -> tuple[str, str] | None:
    """The existing claim worded nearly like `title` that the same-claim test kept apart, and why."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(slugify(title), {p: slugify(t) for p, t in existing.items()}, scorer=fuzz.ratio)
    if found and found[1] >= 80:
        why = decisive_difference(title, existing[found[2]])
        if why:
            return found[2], why
    return None


def claim_note_text(claim: ProposedClaim, source_stem: str, source_fields: dict, today: str) -> str:
    title = claim.title
    fields = {
        "type": "claim",
        "title": title,
        "domain": claim.domain or source_fields.get("domain") or "",
        "description": (claim.description or claim.evidence)[:300],
        "confidence": claim.confidence or "experimental",
        "source": f"[[{source_stem}]]",
        "created": today,
    }
    front = ["---"] + [line for key, value in fields.items() for line in yaml_field(key, value)] + ["---"]
    body = [f"# {title}", "", "## Evidence", "", f"From [[{source_stem}]]:", "", f"> {claim.evidence}", ""]
    if claim.links:
        body += ["Relevant Notes:", *(f"- [[{link}]]" for link in claim.links), ""]
    return "\n".join(front + [""] + body)


# ---------------------------------------------------------------------------- belief evidence


def belief_entries(kb: KnowledgeBase, body: str, fields: dict, today: str) -> tuple[list[dict], list[str]]:
    """Machine-readable `belief_evidence` for what the source says of a belief ("Belief 3 confirmed")."""
    from .beliefs import _MENTION, _TAG_MENTION, _domain_owners, _sentence_around, _verdict, find_beliefs

    cached = getattr(kb, "_ingest_beliefs", None)
    if cached is None:
        beliefs = find_beliefs(kb)
        owners = {b.owner for b in beliefs if b.owner}
        cached = (beliefs, owners, _domain_owners(kb, owners) if owners else {})
        kb._ingest_beliefs = cached  # one run reads the KB's beliefs once
    beliefs, owners, domain_owners = cached
    numbered = {(b.owner, b.number): b for b in beliefs if b.number is not None}
    domain = str(fields.get("domain") or "").lower()
    owner = domain_owners.get(domain)
    if owner is None and len(owners) == 1:
        owner = next(iter(owners))
    entries: dict[tuple[str, str], dict] = {}
    problems: list[str] = []
    mentions: list[tuple[int, str, str | None]] = []
    for line in body.split("\n"):
        for match in _MENTION.finditer(line):
            sentence, position = _sentence_around(line, match.start(), match.end())
            mentions.append((int(match.group(1)), sentence, _verdict(sentence, position)))
    tags = fields.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        match = _TAG_MENTION.match(str(tag))
        if match:
            mentions.append((int(match.group(1)), f"tag {tag}", None))
    for number, sentence, kind in mentions:
        belief = numbered.get((owner, number)) or (numbered.get((None, number)) if owner is None else None)
        if belief is None:
            problems.append(
                f"Belief {number} is mentioned but no belief numbered {number} "
                f"{'of ' + owner if owner else ''} is in the KB; no evidence recorded"
            )
            continue
        if kind is None:
            continue
        key = (belief.id, kind)
        if key not in entries:
            entries[key] = {
                "belief": belief.id,
                "kind": kind,
                "quote": re.sub(r"\s+", " ", sentence)[:200],
                "date": today,
            }
    return list(entries.values()), sorted(set(problems))


# ---------------------------------------------------------------------------- the command


def _diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
        )
    )


def ingest(
    config: Config,
    inputs: list[Path],
    dry_run: bool = False,
    today: str | None = None,
    domain: str | None = None,
    claims_file: Path | None = None,
) -> IngestReport:
    """Ingest each input into the KB. Returns what was done (or, with dry_run, would be done). `domain`
    is the domain of sources that state none; without it, the KB domain their words match best."""
    today = today or datetime.date.today().isoformat()
    report = IngestReport([])
    # a dry run writes nothing, not even the lock file
    with contextlib.nullcontext() if dry_run else kb_lock(config.root):
        kb = load_kb(config)
        context = _Context(kb, Registry.of(kb), domain, dry_run=dry_run)
        if claims_file is not None:
            context.proposals, problems = load_proposals(Path(claims_file))
            if problems or len(inputs) != 1:
                if len(inputs) != 1:
                    problems.append("--claims proposes claims for one source: name exactly one input")
                report.results.append(IngestResult(str(claims_file), problems=problems))
                return report
        pending: dict[str, str] = {}  # KB path -> new text, in the order decided
        for raw_path in inputs:
            result = IngestResult(str(raw_path))
            report.results.append(result)
            try:
                _ingest_one(config, context, Path(raw_path), result, pending, today)
            except OutsideKB as exc:
                result.action, result.problems = "error", result.problems + [str(exc)]
            except OSError as exc:
                result.action = "error"
                result.problems.append(f"cannot read {raw_path}: {exc.strerror or exc}")
            if not dry_run:
                for path, text in pending.items():
                    write_inside(config.root, config.root / path, text)
            else:
                for path, text in pending.items():
                    full = config.root / path
                    old = full.read_text(encoding="utf-8") if full.is_file() else ""
                    report.diffs.append(_diff(path, old, text))
            pending.clear()
        if not dry_run and any(r.action in ("created", "updated") for r in report.results):
            from .conflicts import find_conflicts

            touched = {r.source for r in report.results if r.action in ("created", "updated")}
            touched |= {c for r in report.results for c in r.claims}
            report.conflicts = [
                c
                for c in find_conflicts(load_kb(config)).conflicts
                if any(f.path in touched for side in c.sides for f in side.facts)
            ]
    return report


@dataclass
class _Context:
    kb: KnowledgeBase
    registry: Registry
    domain: str | None = None
    proposals: list[Proposal] | None = None  # claims proposed with --claims, instead of kb's own
    dry_run: bool = False


def _ingest_one(config: Config, context: _Context, path: Path, result: IngestResult, pending: dict, today: str):
    kb, registry = context.kb, context.registry
    if path.is_dir():
        raise OSError(21, "it is a folder; name the files to ingest", str(path))
    if not path.is_file():
        if path.exists():
            raise OSError(22, "not a regular file (a FIFO, a device or a socket); not read", str(path))
        raise OSError(2, "no such file", str(path))
    document = read_input(path.read_bytes())
    result.problems.extend(document.problems)
    if context.proposals is not None:
        refused = [
            f"claim {p.index} refused: {why}"
            for p in context.proposals
            for why in check_proposal(p, document.text, lambda title: kb.resolver.resolve(title, "").path)
        ]
        if refused:
            result.problems.extend(refused + ["nothing was written: fix the claims file and run again"])
            return
    root = Path(config.root).resolve()
    real = path.resolve()
    in_kb = root in real.parents
    if in_kb:
        relpath = real.relative_to(root).as_posix()
        inside(root, real)
        note = kb.notes.get(relpath)
        kind = note.type if note is not None else None
        if kind != "source":
            # CONTRIBUTING.md or a skill file that happens to say `status: unprocessed` is not ours
            result.action, result.source = "unchanged", relpath
            result.problems.append(
                f"{relpath} is not a source note (its type is {kind or 'unknown'}: no `type: source`, not in a "
                "source folder); not edited"
            )
            return
    else:
        relpath = None
    fields = dict(document.fields)
    missing: list[str] = []
    if document.kind == "raw":
        inferred, missing = infer_fields(document.text)
        fields.update(inferred)
    if not str(fields.get("domain") or "").strip() and not in_kb:
        found = context.domain or infer_domain(kb, document.body, fields)
        if found:
            fields["domain"] = found
        elif document.kind == "raw":
            missing.append("no domain matches the KB's notes; left empty (set one with --domain)")
    duplicate = registry.duplicate(fields, document.body, skip=relpath)
    if duplicate and not in_kb:
        result.action, result.duplicate_of, result.source = "unchanged", duplicate[0], duplicate[0]
        result.problems.append(f"duplicate of {duplicate[0]} ({duplicate[1]}); nothing archived")
        return
    result.problems.extend(missing)
    status = fields.get("status")
    status_text = status.strip() if isinstance(status, str) else status
    if status_text in ("processed", "null-result"):
        result.action, result.source = "unchanged", relpath or result.source
        if not in_kb:
            result.problems.append(f"the source is already {status_text}; archived as it is")
        else:
            return
    elif status_text not in (None, "", *STATUSES):
        result.action, result.source = "error", relpath
        result.problems.append(
            f"status {status_text!r} is not one of {', '.join(STATUSES)}; not processed, fix the status first"
        )
        return
    # The source note's text and path.
    if in_kb:
        source_path = relpath
        text = read_exact(real)
        if text is None:
            result.action, result.source = "unchanged", relpath
            result.problems.append(f"{relpath} is not UTF-8; not edited (its bytes would be lost)")
            return
    else:
        source_path = f"{config.sources_dir}/{source_file_name(fields)}"
        if (config.root / source_path).exists():
            stem, _, _ = source_path.rpartition(".md")
            source_path = f"{stem}-{hashlib.sha1(document.body.encode()).hexdigest()[:6]}.md"
        if document.kind == "raw":
            new_fields = {
                "type": "source",
                "title": fields.get("title", ""),
                "author": fields.get("author", ""),
                "url": fields.get("url", ""),
                "date": fields.get("date", ""),
                "domain": fields.get("domain", ""),
                "format": "",
                "status": "unprocessed",
            }
            front = ["---"] + [line for key, value in new_fields.items() for line in yaml_field(key, value)] + ["---"]
            text = "\n".join(front) + "\n" + document.text.rstrip("\n") + "\n"
        else:
            text = document.text if document.text.endswith("\n") else document.text + "\n"
        if document.kind != "raw":
            missing = [name for name in config.schemas["source"].required if not fields.get(name)]
            if missing:
                result.problems.append(f"front matter lacks {', '.join(missing)}")
    inside(config.root, config.root / source_path)
    result.source = source_path
    if status_text in ("processed", "null-result"):
        pending[source_path] = text
        registry.add_source(source_path, fields, document.body)
        result.action = "created"
        return
    if status_text == "processing":
        result.problems.append("the source was left in 'processing' by an earlier run; finishing it")
    # Claims.
    source_stem = Path(source_path).stem
    claim_titles = []
    existing_claims = registry.claims
    before = dict(existing_claims)  # the KB's claims, before this source adds its own
    body_lines = claim_bearing(document.body.split("\n"))
    if context.proposals is not None:
        proposed = [
            ProposedClaim(p.title, p.evidence, p.description, p.confidence, p.links, p.domain)
            for p in context.proposals
        ]
    else:
        proposed = propose_claims(document, document.kind, fields.get("date"))
    for claim in proposed:
        match = next((p for p, title in existing_claims.items() if same_claim(claim.title, title)), None)
        if match:
            current = pending.get(match) or read_exact(config.root / match)
            # a proposal's quote was checked against the source; kb's own candidates need a passage
            passage = claim.evidence if claim.confidence else supporting_passage(body_lines, existing_claims[match])
            if current is None:
                result.problems.append(f"{match} is not UTF-8; no evidence added to it")
            elif f"[[{source_stem}]]" not in current and passage:
                entry = evidence_entry(source_stem, passage, today, evidence_kind(passage, claim.evidence))
                pending[match] = append_block(current, entry)
                result.enriched.append(match)
            claim_titles.append(Path(match).stem)
            continue
        near = _kept_apart(claim.title, existing_claims)
        if near:
            result.problems.append(f"{claim.title!r} is near {near[0]} but not the same claim ({near[1]}); kept apart")
        claim_domain = claim.domain or fields.get("domain")
        claim_path = f"{claims_folder(kb, config, claim_domain)}/{safe_file_name(claim.title)}"
        inside(config.root, config.root / claim_path)
        if claim_path in pending or (config.root / claim_path).exists():
            claim_titles.append(Path(claim_path).stem)
            continue
        pending[claim_path] = claim_note_text(claim, source_stem, fields, today)
        registry.claims[claim_path] = claim.title
        result.claims.append(claim_path)
        claim_titles.append(Path(claim_path).stem)
    if context.dry_run:
        result.for_agents = _for_agents(config, kb, document, proposed, before)
    # Connections the source names: evidence on claims that exist.
    connections = 0
    for link in find_body_links(document.body, 1):
        target = kb.resolver.resolve(link.target, source_path).path
        if target and target in existing_claims and target not in result.enriched:
            line = next((ln for ln in document.body.split("\n") if link.raw in ln), "")
            if re.search(r"PRIMARY CONNECTION|KB connections|confirms|supports|challenges|complicates", line, re.I):
                connections += 1
                current = pending.get(target) or read_exact(config.root / target)
                # the source's own passage on the claim, typed by it and by the line that links it
                # (else the curator's notes on the source: they say how it bears on the claim)
                passage = supporting_passage(body_lines, existing_claims[target]) or supporting_passage(
                    document.body.split("\n"), existing_claims[target]
                )
                if current is not None and f"[[{source_stem}]]" not in current and passage:
                    entry = evidence_entry(source_stem, passage, today, evidence_kind(passage, line))
                    pending[target] = append_block(current, entry)
                    result.enriched.append(target)
    entries, belief_problems = belief_entries(kb, document.body, fields, today)
    result.belief_evidence = entries
    result.problems.extend(belief_problems)
    owned = {
        "status": "processed" if claim_titles or result.enriched else "null-result",
        "processed_date": today,
        "claims_extracted": claim_titles,
    }
    if owned["status"] == "null-result":
        form = str(fields.get("format") or "").strip().lower()
        owned["null_reason"] = _null_reason(document, form, connections)
        result.problems.append(f"null-result: {owned['null_reason']}")
    if entries:
        owned["belief_evidence"] = entries
    new_text = set_fields(text, owned)
    pending[source_path] = new_text
    registry.add_source(source_path, fields, document.body)
    result.action = "updated" if in_kb else "created"
