"""An incremental cache: parsed notes and extracted facts per file, in SQLite under the KB's `.kb/`.

A row is used when the file's size and modification time are unchanged, or when its content hash is
(a `touch` or a checkout that rewrote the same bytes). A fingerprint of kb's version, the cache schema
and the configuration that shapes parsing decides whether rows are valid at all; a changed one
empties the cache. A cache that cannot be opened, is corrupt or is locked by another run is rebuilt
or bypassed, never trusted. Output with and without the cache is the same (a test checks it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

from . import __version__, codec

SCHEMA_VERSION = 8  # 8: kb.codec rows instead of pickles
CACHE_FILE = "cache.sqlite"
WRITE_BATCH = 2000  # rows held before they are written: batches are fast, and memory stays bounded


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.path = Path(root) / ".kb" / CACHE_FILE
        self.fingerprint = f"{__version__}:{SCHEMA_VERSION}:{fingerprint}"
        self.db: sqlite3.Connection | None = None
        # path -> (size, mtime, hash or key, blob); None once the row was used this run
        self._note_rows: dict[str, tuple[int, int, str, bytes] | None] | None = {}
        self._fact_rows: dict[str, tuple[int, int, str, bytes] | None] | None = {}
        self._norm_rows: dict[str, tuple[str, bytes] | None] | None = None
        self.dirty = False
        self._pending: list[tuple[str, tuple]] = []  # row writes, sent in batches when the run ends
        try:
            self._open()
        except (sqlite3.DatabaseError, OSError):
            self._rebuild()

    def _open(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            # as pytest's and ruff's caches do: git never offers the cache for a commit
            with contextlib.suppress(OSError):
                ignore.write_text("# created by kb: the cache is local to this machine\n*\n", encoding="utf-8")
        self.db = sqlite3.connect(self.path, timeout=0.2)
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS notes (path TEXT PRIMARY KEY, size INT, mtime INT, hash TEXT, data BLOB)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS facts (path TEXT PRIMARY KEY, size INT, mtime INT, key TEXT, data BLOB)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS norms (path TEXT PRIMARY KEY, key TEXT, data BLOB)")
        row = self.db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or row[0] != self.fingerprint:
            self.db.execute("DELETE FROM notes")
            self.db.execute("DELETE FROM facts")
            self.db.execute("DELETE FROM norms")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,))
            self.db.commit()
        self._note_rows = self._fact_rows = self._norm_rows = None  # read on first use: a remembered answer needs none

    @property
    def note_rows(self) -> dict:
        if self._note_rows is None:
            self._note_rows = self._rows("SELECT path, size, mtime, hash, data FROM notes")
        return self._note_rows

    @property
    def norm_rows(self) -> dict:
        if self._norm_rows is None:
            self._norm_rows = self._rows("SELECT path, key, data FROM norms")
        return self._norm_rows

    @property
    def fact_rows(self) -> dict:
        if self._fact_rows is None:
            self._fact_rows = self._rows("SELECT path, size, mtime, key, data FROM facts")
        return self._fact_rows

    def _rows(self, sql: str) -> dict:
        if self.db is None:
            return {}
        try:
            return {row[0]: row[1:] for row in self.db.execute(sql)}
        except sqlite3.Error:
            self.db = None
            return {}

    def _rebuild(self) -> None:
        """A corrupt or unreadable cache is thrown away; if even that fails, run without one."""
        try:
            if self.db is not None:
                self.db.close()
        except sqlite3.Error:
            pass
        self.db = None
        self._note_rows, self._fact_rows, self._norm_rows = {}, {}, {}
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                candidate = Path(str(self.path) + suffix)
                if candidate.exists():
                    candidate.unlink()
            self._open()
        except (sqlite3.DatabaseError, OSError):
            self.db = None

    # -- notes

    def note(self, relpath: str, size: int, mtime_ns: int, read_bytes):
        """(the stored bytes of a note's parse or None, the note's bytes if they were read). `read_bytes()`
        is called only when the stat differs; kb.loader encodes and decodes the parse."""
        row = self.note_rows.get(relpath)
        if row is None:
            return None, None
        cached_size, cached_mtime, cached_hash, blob = row
        data = None
        if (cached_size, cached_mtime) != (size, mtime_ns):
            data = read_bytes()
            if data is None or content_hash(data) != cached_hash:
                return None, data
            self._touch("notes", relpath, size, mtime_ns)
        self.note_rows[relpath] = None  # each note is asked for once a run: let its blob go
        return blob, data

    def store_note(self, relpath: str, size: int, mtime_ns: int, data: bytes, blob: bytes) -> None:
        if self.db is None:
            return
        self.store_note_blob(relpath, size, mtime_ns, content_hash(data), blob)

    def store_note_blob(self, relpath: str, size: int, mtime_ns: int, digest: str, blob: bytes) -> None:
        if self.db is None:
            return
        # Not kept in note_rows: rows are read to find earlier parses, and a 100,000-note run should not
        # hold every new row in memory as well as every note.
        self.note_rows.pop(relpath, None)
        self._write("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)", (relpath, size, mtime_ns, digest, blob))

    # -- facts

    def facts(self, relpath: str, size: int, mtime_ns: int, key: str):
        row = self.fact_rows.get(relpath)
        if row is None or row[:3] != (size, mtime_ns, key):
            return None
        self.fact_rows[relpath] = None  # asked for once a run: let the blob go
        try:
            return codec.loads_rows(row[3])
        except codec.CodecError:
            return None

    def store_facts(self, relpath: str, size: int, mtime_ns: int, key: str, facts) -> None:
        if self.db is None:
            return
        try:
            blob = codec.dumps_rows(facts)
        except (TypeError, ValueError, OverflowError):
            return
        self.fact_rows.pop(relpath, None)
        self._write("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", (relpath, size, mtime_ns, key, blob))

    # -- what a note's facts measure (kb.conflicts.engine): valid while the note, its context and
    # every answer its normalisation got from the rest of the KB are unchanged

    def norms(self, relpath: str, key: str) -> bytes | None:
        """The stored normalisation of a note's facts (kb.codec bytes for kb.conflicts.engine), if its key matches."""
        row = self.norm_rows.get(relpath)
        if row is None or row[0] != key:
            return None
        self.norm_rows[relpath] = None
        return row[1]

    def store_norms(self, relpath: str, key: str, blob: bytes) -> None:
        if self.db is None:
            return
        self.norm_rows.pop(relpath, None)
        self._write("INSERT OR REPLACE INTO norms VALUES (?, ?, ?)", (relpath, key, blob))

    # -- whole answers, for a KB that did not change at all

    def memo(self, key: str) -> bytes | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def remember(self, key: str, value: bytes) -> None:
        if self.db is None:
            return
        prefix = key.split(":", 1)[0] + ":"
        self._write("DELETE FROM meta WHERE key LIKE ?", (prefix + "%",))  # only the latest answer is kept
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- housekeeping

    def forget_missing(self, present: set[str]) -> None:
        if self.db is None:
            return
        for table, rows in (("notes", self.note_rows), ("facts", self._fact_rows), ("norms", self._norm_rows)):
            if rows is None:  # facts not read this run (kb check): only their paths are needed
                try:
                    rows = {row[0]: None for row in self.db.execute(f"SELECT path FROM {table}")}
                except sqlite3.Error:
                    continue
            for path in [p for p in rows if p not in present]:
                del rows[path]
                self._write(f"DELETE FROM {table} WHERE path = ?", (path,))

    def _touch(self, table: str, relpath: str, size: int, mtime_ns: int) -> None:
        row = self.note_rows[relpath]
        self.note_rows[relpath] = (size, mtime_ns, row[2], row[3])
        self._write(f"UPDATE {table} SET size = ?, mtime = ? WHERE path = ?", (size, mtime_ns, relpath))

    def _write(self, sql: str, args: tuple) -> None:
        if self.db is not None:
            self._pending.append((sql, args))
            if len(self._pending) >= WRITE_BATCH:
                self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if self.db is None or not pending:
            return
        try:
            start = 0
            while start < len(pending):
                sql = pending[start][0]
                end = start
                while end < len(pending) and pending[end][0] == sql:
                    end += 1
                self.db.executemany(sql, [args for _, args in pending[start:end]])
                start = end
            self.dirty = True
        except sqlite3.OperationalError:  # locked by another run: stop writing, keep what we read
            self.db = None

    def close(self) -> None:
        self._flush()
        if self.db is None:
            return
        try:
            if self.dirty:
                self.db.commit()
            self.db.close()
        except sqlite3.Error:
            pass
        self.db = None


def config_fingerprint(config) -> str:
    """What in the configuration shapes a parsed note: types, folders, exclusions."""
    parts = (config.type_rules, config.note_types, config.exclude, sorted(config.conflict_aliases.items()))
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


KB_MARKERS = (".git", ".obsidian", "sources", "claims", "beliefs", "domains", "inbox", "entities", "notes")


def cache_allowed(config) -> bool:
    """Whether kb may keep `.kb/` in this folder: a KB (a kb.toml, a git work tree, an Obsidian vault,
    a notes folder, notes at its top), not a folder such as /tmp that `--kb` happened to point at; and
    `.kb` itself must be a plain folder inside it (a symlink could send writes anywhere)."""
    root = Path(config.root)
    folder = root / ".kb"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return False
    if config.path is not None:
        return True
    names = {config.sources_dir, config.claims_dir, config.beliefs_dir, *KB_MARKERS}
    if any((root / name).is_dir() for name in names):
        return True
    try:  # notes at the top: a folder of notes
        return any(entry.name.lower().endswith(".md") and entry.is_file() for entry in os.scandir(root))
    except OSError:
        return False


def open_cache(config) -> Cache | None:
    if os.environ.get("KB_NO_CACHE") or not cache_allowed(config):
        return None
    cache = Cache(config.root, config_fingerprint(config))
    return cache if cache.db is not None else None
