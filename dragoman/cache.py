"""The translation memory: segment translations in SQLite, keyed by engine signature + normalised segment."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from dragoman import config

SCHEMA_VERSION = 3
# SQLite's default limit on host parameters is 999 on old builds; stay well under it.
_IN_CHUNK = 500
# How long a writer waits for another process's transaction before the cache gives up (seconds).
BUSY_TIMEOUT_S = 5.0

_log = logging.getLogger("dragoman.cache")
_SPACE_RE = re.compile(r"\s+")

Warn = Callable[[str], None]


def normalize_segment(text: str) -> str:
    """The form of a segment that is translated and used in the key: NFC, whitespace runs as one space,
    no surrounding space. SentencePiece's own normaliser (nmt_nfkc) folds whitespace the same way, so
    two segments that differ only here get the same translation."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def make_key(signature: str, segment: str, extra: str = "") -> str:
    """sha256 over the engine signature, the normalised segment and extra key material (the glossary
    entries touching the segment); fields are separated by a byte no normalised text contains."""
    digest = hashlib.sha256()
    for part in (signature, normalize_segment(segment), extra):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    size_bytes: int
    schema_version: int
    in_memory: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": self.entries,
            "size_bytes": self.size_bytes,
            "schema_version": self.schema_version,
            "in_memory": self.in_memory,
        }


# Each migration brings the schema from version i to i + 1 (index 0: empty file -> 1).
_MIGRATIONS: list[tuple[str, ...]] = [
    (
        "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, translation TEXT NOT NULL)",
    ),
    (
        # 2: optional JSON metadata per entry and the time it was stored (for pruning later).
        "ALTER TABLE entries ADD COLUMN metadata TEXT",
        "ALTER TABLE entries ADD COLUMN created REAL NOT NULL DEFAULT 0",
    ),
    (
        # 3: provenance JSON per entry: glossary files' SHA-256, the entries used with their versions, the
        # model packages (name, version, SHA-256) - see dragoman.pipeline.provenance.
        "ALTER TABLE entries ADD COLUMN provenance TEXT",
    ),
]
assert len(_MIGRATIONS) == SCHEMA_VERSION


class TranslationMemory:
    """SQLite translation memory that never stops a translation.

    A corrupt file is moved aside and replaced by a fresh one; a database that stays locked, or a
    directory that cannot be written, falls back to an in-memory cache for this run. Either way a
    warning goes through ``warn`` and translation goes on. Writes are committed per put_many call,
    so a killed run keeps everything stored before it died (WAL journal).
    """

    def __init__(self, path: str | Path | None = None, warn: Warn | None = None) -> None:
        self.path = Path(path) if path is not None else config.cache_path()
        self._warn = warn or _log.warning
        self._in_memory = False
        # Opened on first use, not here: a run that stops before translating (a missing model the user
        # declines to install, a bad option found late) leaves no memory file behind.
        self._db: sqlite3.Connection | None = None
        # Set by the pipeline before a route is translated (a dragoman.pipeline.provenance.RecordProvenance):
        # every record written then carries what produced it.
        self.provenance: Any = None

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    @property
    def in_memory(self) -> bool:
        """True when the file could not be used and this run's entries live in memory only."""
        if self._db is None:
            self._db = self._open()
        return self._in_memory

    # -- opening --------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            return self._open_file()
        except _NewerSchema as err:
            self._warn(f"translation memory {self.path}: {err}; using a temporary one for this run")
            return self._open_memory()
        except sqlite3.DatabaseError as err:
            if _is_locked(err):
                self._warn(f"translation memory {self.path} is locked by another process ({err}); using a temporary one for this run")
                return self._open_memory()
            return self._recover_corrupt(err)
        except OSError as err:
            self._warn(f"cannot open translation memory {self.path} ({err}); using a temporary one for this run")
            return self._open_memory()

    def _open_file(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is safe with WAL: a power cut may lose the last commit, never corrupt the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_memory(self) -> sqlite3.Connection:
        self._in_memory = True
        conn = sqlite3.connect(":memory:", isolation_level=None)
        self._migrate(conn)
        return conn

    def _recover_corrupt(self, err: sqlite3.DatabaseError) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            conn = self._open_file()
        except (OSError, sqlite3.DatabaseError) as again:
            self._warn(
                f"translation memory {self.path} is unusable ({err}; {again}); using a temporary one for this run"
            )
            return self._open_memory()
        self._warn(f"translation memory {self.path} was corrupt ({err}); moved it to {aside.name} and started a new one")
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise _NewerSchema(
                    f"schema version {version} is newer than this dragoman understands ({SCHEMA_VERSION})"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step]:
                    conn.execute(statement)
            if row is None:
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif version != SCHEMA_VERSION:
                conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- use ------------------------------------------------------------------------------------

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Translations for the keys that are stored (one read transaction; metadata is not read)."""
        return {row[0]: row[1] for row in self._select(keys, "translation")}

    def get_entries(self, keys: Sequence[str]) -> dict[str, tuple[str, dict[str, Any] | None]]:
        """Translations with their metadata for the keys that are stored (one read transaction)."""
        return {key: (text, _load_metadata(meta)) for key, text, meta in self._select(keys, "translation, metadata")}

    def _select(self, keys: Sequence[str], columns: str) -> list[tuple[Any, ...]]:
        """(key, *columns) rows for the stored keys, read in chunks inside one transaction."""
        unique = list(dict.fromkeys(keys))
        rows: list[tuple[Any, ...]] = []
        if not unique:
            return rows
        try:
            self._conn.execute("BEGIN")
            try:
                for start in range(0, len(unique), _IN_CHUNK):
                    chunk = unique[start : start + _IN_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows.extend(self._conn.execute(f"SELECT key, {columns} FROM entries WHERE key IN ({marks})", chunk))
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            self._degrade(err)
            return []
        return rows

    def get_metadata(self, key: str) -> dict[str, Any] | None:
        try:
            row = self._conn.execute("SELECT metadata FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as err:
            self._degrade(err)
            return None
        return _load_metadata(row[0]) if row is not None else None

    def get_provenance(self, key: str) -> dict[str, Any] | None:
        """What produced the stored translation of ``key`` (None when unknown: stored before schema 3)."""
        try:
            row = self._conn.execute("SELECT provenance FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as err:
            self._degrade(err)
            return None
        return _load_metadata(row[0]) if row is not None else None

    def put_many(
        self,
        items: Mapping[str, str] | Iterable[tuple[str, str]],
        metadata: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Store translations (key -> text) in one transaction; metadata is optional JSON per key."""
        pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
        if not pairs:
            return
        now = time.time()
        rows = [
            (
                key,
                text,
                json.dumps(metadata[key], ensure_ascii=False, sort_keys=True)
                if metadata and key in metadata
                else None,
                now,
                json.dumps(self.provenance.record(metadata.get(key) if metadata else None), ensure_ascii=False)
                if self.provenance is not None
                else None,
            )
            for key, text in pairs
        ]
        for attempt in (1, 2):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(
                        "INSERT OR REPLACE INTO entries (key, translation, metadata, created, provenance) "
                        "VALUES (?, ?, ?, ?, ?)",
                        rows,
                    )
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                return
            except sqlite3.DatabaseError as err:
                if attempt == 2 or self.in_memory:
                    raise
                # Locked for longer than the busy timeout, or the file went bad under us: keep
                # going in memory so the translations of this run are not lost.
                self._degrade(err)

    def _degrade(self, err: sqlite3.DatabaseError) -> None:
        if self.in_memory:
            raise err
        self._warn(f"translation memory {self.path} failed ({err}); using a temporary one for the rest of this run")
        try:
            self._conn.close()
        except sqlite3.Error:
            pass
        self._db = self._open_memory()

    def stats(self) -> CacheStats:
        entries = int(self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        size = 0
        if not self.in_memory:
            for suffix in ("", "-wal", "-shm"):
                try:
                    size += Path(str(self.path) + suffix).stat().st_size
                except OSError:
                    pass
        return CacheStats(
            path=":memory:" if self.in_memory else str(self.path),
            entries=entries,
            size_bytes=size,
            schema_version=SCHEMA_VERSION,
            in_memory=self.in_memory,
        )

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        count = int(self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        self._conn.execute("DELETE FROM entries")
        if not self.in_memory:
            self._conn.execute("VACUUM")
        return count

    def close(self) -> None:
        if self._db is None:
            return
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _load_metadata(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class _NewerSchema(sqlite3.DatabaseError):
    """The file was written by a newer dragoman: leave it alone rather than treat it as corrupt."""


def _is_locked(err: sqlite3.DatabaseError) -> bool:
    text = str(err).lower()
    return "locked" in text or "busy" in text


__all__ = ["CacheStats", "SCHEMA_VERSION", "TranslationMemory", "make_key", "normalize_segment"]
