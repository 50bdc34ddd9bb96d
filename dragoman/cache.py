"""The translation memory: segment translations in SQLite, keyed by engine signature + normalised segment."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from dragoman import cache_health as health
from dragoman import config
from dragoman.errors import DragomanError

SCHEMA_VERSION = 3
# SQLite's default limit on host parameters is 999 on old builds; stay well under it.
_IN_CHUNK = 500
# How long a writer waits for another process's transaction before the cache gives up (seconds).
BUSY_TIMEOUT_S = 5.0

_log = logging.getLogger("dragoman.cache")
_SPACE_RE = re.compile(r"\s+")

Warn = Callable[[str], None]
_T = TypeVar("_T")


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
    entries: int | None  # None: the file cannot be read (see state)
    size_bytes: int
    schema_version: int
    in_memory: bool
    # "ok", "missing" (not made yet), "read-only", "locked", "damaged", "full", "unreadable"
    state: str = "ok"
    problem: str | None = None  # what is wrong and what to do, for every state but ok/missing
    set_aside: tuple[str, ...] = ()  # damaged files moved aside by a recovery (NAME.corrupt-TIMESTAMP)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": self.entries,
            "size_bytes": self.size_bytes,
            "schema_version": self.schema_version,
            "in_memory": self.in_memory,
            "state": self.state,
            "problem": self.problem,
            "set_aside": list(self.set_aside),
        }


# How often the translator commits to the memory (CommitCadence): a killed run keeps what was done. Each commit
# is one engine call, so this is also the call size: 2 s made calls small enough to cost 5-10 % of throughput.
COMMIT_SECONDS = 5.0
COMMIT_MAX_SEGMENTS = 256
# Fewer segments per commit than this would leave the engine's batches half empty.
COMMIT_MIN_SEGMENTS = 32
# The first run, before anything is measured: small enough to be quick on a slow model.
COMMIT_FIRST_SEGMENTS = 64


class CommitCadence:
    """Cuts a list of segments to translate into runs that are each stored (committed) when done: at most
    COMMIT_MAX_SEGMENTS, and after the first run, about COMMIT_SECONDS of work as measured so far (never
    below COMMIT_MIN_SEGMENTS). So a run killed at any point keeps all but the last few seconds of work.

    A run of a few hundred segments is still one engine batch's worth, so batching efficiency holds (the
    engine sorts and packs each run by length itself).
    """

    def __init__(self, ceiling: int = COMMIT_MAX_SEGMENTS, seconds: float = COMMIT_SECONDS) -> None:
        self.ceiling = max(1, min(ceiling, COMMIT_MAX_SEGMENTS))
        self.floor = min(COMMIT_MIN_SEGMENTS, self.ceiling)
        self.seconds = seconds
        self._per_segment: float | None = None

    def next_size(self) -> int:
        if not self._per_segment:
            return min(COMMIT_FIRST_SEGMENTS, self.ceiling)
        return max(self.floor, min(self.ceiling, int(self.seconds / self._per_segment)))

    def record(self, segments: int, seconds: float) -> None:
        if segments > 0 and seconds > 0:
            self._per_segment = seconds / segments

    def runs(self, items: Sequence[_T]) -> Iterator[tuple[int, Sequence[_T]]]:
        """(start, run) pairs covering ``items`` in order; each run is timed up to the request for the next."""
        start = 0
        while start < len(items):
            run = items[start : start + self.next_size()]
            began = time.monotonic()
            yield start, run
            self.record(len(run), time.monotonic() - began)
            start += len(run)


# Each migration brings the schema from version i to i + 1 (index 0: empty file -> 1).
_MIGRATIONS: list[tuple[str, ...]] = [
    ("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, translation TEXT NOT NULL)",),
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

    What goes wrong is told apart (cache_health.classify) and named in one warning through ``warn``:
    a full disk or a read-only home leaves the file as it is and this run goes on in memory; a file
    locked by another process likewise; only a file that fails SQLite's integrity check is moved aside
    (the warning says where), what can be read of it is salvaged into a new one, and the run goes on.
    Writes are committed per put_many call (the translator calls it every few seconds or few hundred
    segments, see CommitCadence), so a killed run keeps everything stored before it died (WAL journal).
    """

    def __init__(self, path: str | Path | None = None, warn: Warn | None = None) -> None:
        self.path = Path(path) if path is not None else config.cache_path()
        self._warn = warn or _log.warning
        self._in_memory = False
        # In memory, but still reading the entries of the file (attached read-only as "stored").
        self._reads_file = False
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
        except (sqlite3.Error, OSError) as err:
            kind = health.classify(err, self.path)
            if kind == health.CORRUPT:
                recovered = self._recover(err)
                if recovered is not None:
                    return recovered
                return self._open_memory()
            conn = self._open_memory(read_file=True)
            self._warn(self._cause(kind, err, self._then("using a temporary one for this run")))
            return conn

    def _then(self, then: str) -> str:
        return then + ("; the entries it holds are still used" if self._reads_file else "")

    def _cause(self, kind: str, err: BaseException, then: str) -> str:
        """The warning for a memory that cannot be used, naming the true cause."""
        where = f"translation memory {self.path}"
        if kind == health.FULL:
            free = health.free_bytes(self.path)
            left = f"; {free} bytes free" if free is not None else ""
            return (
                f"{where}: the disk is full ({err}{left}); {then}, the file is left as it was - "
                "free some space and later runs use it again"
            )
        if kind == health.READ_ONLY:
            return (
                f"{where} cannot be written ({err}); {then} - make {self.path.parent} writable "
                "or set DRAGOMAN_HOME to a writable folder"
            )
        if kind == health.LOCKED:
            return f"{where} is locked by another process ({err}); {then}"
        if kind == health.CORRUPT:
            return f"{where} is damaged ({err}); {then}"
        return f"cannot use {where} ({err}); {then}"

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

    def _open_memory(self, read_file: bool = False) -> sqlite3.Connection:
        """A memory for the rest of this run; with ``read_file``, the file's entries are still read (attached
        read-only), so a full disk, a read-only home or a writer holding the lock costs no hits."""
        self._in_memory = True
        self._reads_file = False
        conn = sqlite3.connect(":memory:", isolation_level=None, uri=True)
        self._migrate(conn)
        uri = health.read_only_uri(self.path, BUSY_TIMEOUT_S) if read_file else None
        if uri is not None:
            try:
                conn.execute("ATTACH DATABASE ? AS stored", (uri,))
                conn.execute("SELECT key, translation, metadata FROM stored.entries LIMIT 1").fetchall()
                self._reads_file = True
            except sqlite3.Error:
                self._detach(conn)
        return conn

    def _detach(self, conn: sqlite3.Connection) -> None:
        self._reads_file = False
        try:
            conn.execute("DETACH DATABASE stored")
        except sqlite3.Error:
            pass

    def _recover(self, err: BaseException) -> sqlite3.Connection | None:
        """After a corruption error: check the file; only when the check fails, move it aside and salvage
        what can be read into a new one. None when the file could not be replaced (the caller goes on in
        memory); the warning always says what happened and where the damaged file went."""
        from dragoman.fsutil import file_lock

        try:
            # One process recovers; another that waited finds the new file healthy and simply opens it.
            with file_lock(self.path):
                try:
                    problem = health.integrity_problem(self.path, BUSY_TIMEOUT_S)
                except sqlite3.Error as unknown:
                    self._warn(
                        self._cause(health.classify(unknown, self.path), unknown, "using a temporary one for this run")
                    )
                    return None
                if problem is None:
                    return self._open_file()
                aside = health.move_aside(self.path)
                result = health.salvage(aside, self.path, self._migrate)
                conn = self._open_file()
        except (OSError, sqlite3.Error, DragomanError) as again:
            kind = health.classify(again, self.path) if not isinstance(again, DragomanError) else health.UNAVAILABLE
            self._warn(
                self._cause(
                    kind, again, f"it was damaged ({err}) and could not be replaced; using a temporary one for this run"
                )
            )
            return None
        if result.entries:
            self._warn(
                f"translation memory {self.path} was damaged ({problem}); moved it to {aside} and recovered "
                f"{result.entries} entries into a new one ({result.method})"
            )
        else:
            self._warn(
                f"translation memory {self.path} was damaged ({problem}); moved it to {aside}; nothing could be "
                "recovered, so a new, empty one was started"
            )
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
            _rollback(conn)
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
        if not unique:
            return []

        def read(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
            rows: list[tuple[Any, ...]] = []
            # The file's entries first, this run's after them: the later row of a key wins.
            tables = ("stored.entries", "entries") if self._reads_file else ("entries",)
            conn.execute("BEGIN")
            try:
                for table in tables:
                    for start in range(0, len(unique), _IN_CHUNK):
                        chunk = unique[start : start + _IN_CHUNK]
                        marks = ",".join("?" * len(chunk))
                        rows.extend(conn.execute(f"SELECT key, {columns} FROM {table} WHERE key IN ({marks})", chunk))
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            return rows

        return self._guarded(read, list)

    def get_metadata(self, key: str) -> dict[str, Any] | None:
        rows = self._select([key], "metadata")
        return _load_metadata(rows[-1][1]) if rows else None

    def get_provenance(self, key: str) -> dict[str, Any] | None:
        """What produced the stored translation of ``key`` (None when unknown: stored before schema 3)."""
        rows = self._select([key], "provenance")
        return _load_metadata(rows[-1][1]) if rows else None

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
                json.dumps(metadata[key], ensure_ascii=False, sort_keys=True) if metadata and key in metadata else None,
                now,
                json.dumps(self.provenance.record(metadata.get(key) if metadata else None), ensure_ascii=False)
                if self.provenance is not None
                else None,
            )
            for key, text in pairs
        ]

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR REPLACE INTO entries (key, translation, metadata, created, provenance) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                conn.execute("COMMIT")
            except BaseException:
                # SQLite has already rolled back after SQLITE_FULL and some I/O errors: a second ROLLBACK
                # would fail with "no transaction is active" and hide the real cause.
                _rollback(conn)
                raise

        # After a failure the rows go to whatever the memory is now (a recovered file, or memory for the
        # rest of the run), so the translations of this run are not lost.
        self._guarded(write, lambda: write(self._conn))

    def _guarded(self, operation: Callable[[sqlite3.Connection], _T], fallback: Callable[[], _T]) -> _T:
        """Run ``operation`` on the memory; on failure tell the true cause once, then recover a damaged
        file and run it again, or go on in memory for the rest of the run and run ``fallback``."""
        try:
            return operation(self._conn)
        except sqlite3.Error as err:
            if self._in_memory and self._reads_file:
                # The file went bad under the attached reader: this run's own entries are what is left.
                self._detach(self._conn)
                return operation(self._conn)
            if self._in_memory:
                raise
            kind = health.classify(err, self.path)
            self.close()
            self._db = None
            if kind == health.CORRUPT:
                recovered = self._recover(err)
                if recovered is not None:
                    self._db = recovered
                    try:
                        return operation(recovered)
                    except sqlite3.Error as again:
                        self._warn(
                            self._cause(
                                health.classify(again, self.path),
                                again,
                                "using a temporary one for the rest of this run",
                            )
                        )
                self.close()
                self._db = self._open_memory()
            else:
                self._db = self._open_memory(read_file=True)
                self._warn(self._cause(kind, err, self._then("using a temporary one for the rest of this run")))
            return fallback()

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


def _file_size(path: Path) -> int:
    size = 0
    for part in [path, *health.sidecars(path)]:
        try:
            size += part.stat().st_size
        except OSError:
            pass
    return size


def inspect_memory(path: str | Path | None = None) -> CacheStats:
    """The memory file as it is, for `dragoman cache stats`: read-only, it never creates, moves or repairs
    anything, and a damaged, locked or read-only memory is reported as such rather than as an empty one."""
    target = Path(path) if path is not None else config.cache_path()
    size = _file_size(target)
    if not target.exists():
        return CacheStats(str(target), 0, size, SCHEMA_VERSION, False, state="missing", set_aside=_set_aside(target))
    entries: int | None = None
    version = SCHEMA_VERSION
    state, problem = "ok", None
    try:
        conn = health.connect_read_only(target, BUSY_TIMEOUT_S)
        try:
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            entries = int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
            found = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
            if found != ["ok"]:
                raise sqlite3.DatabaseError("database disk image is malformed: " + "; ".join(found))
        finally:
            conn.close()
    except sqlite3.Error as err:
        kind = health.classify(err, target)
        entries = None if kind != health.CORRUPT or entries is None else entries
        if kind == health.CORRUPT:
            state = "damaged"
            problem = (
                f"{err}; the next 'dragoman translate' moves it aside and recovers what it can, "
                "or 'dragoman cache clear --yes' deletes it"
            )
        elif kind == health.LOCKED:
            state, problem = "locked", f"{err}; another process is writing it - try again when it has finished"
        else:
            state, problem = "unreadable", f"{err}; check the file's permissions"
    if state == "ok" and version > SCHEMA_VERSION:
        state = "newer"
        problem = f"schema version {version} was written by a newer dragoman; this one leaves it alone and uses a temporary memory"
    if state == "ok" and not health.writable(target):
        state = "read-only"
        problem = (
            f"{target.parent} cannot be written, so new translations are not remembered - "
            "make it writable or set DRAGOMAN_HOME to a writable folder"
        )
    if state == "ok":
        free = health.free_bytes(target)
        if free is not None and free < health.LOW_SPACE_BYTES:
            state = "full"
            problem = (
                f"the disk holding it has {free} bytes free, so new translations are not remembered - free some space"
            )
    return CacheStats(
        str(target), entries, size, version, False, state=state, problem=problem, set_aside=_set_aside(target)
    )


def _set_aside(target: Path) -> tuple[str, ...]:
    """The damaged copies recoveries moved aside next to the memory (kept for the user to delete)."""
    try:
        found = target.parent.glob(f"{target.name}.corrupt-*")
        return tuple(sorted(str(p) for p in found if not p.name.endswith(("-wal", "-shm"))))
    except OSError:
        return ()


def clear_memory(path: str | Path | None = None) -> tuple[int | None, str | None]:
    """Empty the memory file for `dragoman cache clear`: (entries removed, a note) - None entries when a
    damaged file was deleted instead. Raises CacheError (naming the cause) when it cannot be done."""
    from dragoman.fsutil import file_lock

    target = Path(path) if path is not None else config.cache_path()
    if not target.exists():
        return 0, None
    if not health.writable(target):
        raise health.CacheError(
            f"cannot clear the translation memory {target}: {target.parent} cannot be written (read-only)",
            "make it writable, or set DRAGOMAN_HOME to the memory you mean",
        )
    try:
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                count = int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
                conn.execute("DELETE FROM entries")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            try:
                conn.execute("VACUUM")
            except sqlite3.Error:
                pass  # the entries are gone; the space is given back by a later VACUUM
        finally:
            conn.close()
        return count, None
    except sqlite3.Error as err:
        kind, failure = health.classify(err, target), str(err)
        if kind == health.LOCKED:
            raise health.CacheError(
                f"the translation memory {target} is locked by another process ({err})",
                "run 'dragoman cache clear' again when it has finished",
            ) from None
        if kind not in (health.CORRUPT, health.FULL):
            raise health.CacheError(
                f"cannot clear the translation memory {target} ({err})", "check the file's permissions"
            ) from None
    # Damaged, or no space to write the emptied pages: deleting the file is what clearing means.
    try:
        with file_lock(target):
            for part in [target, *health.sidecars(target)]:
                part.unlink(missing_ok=True)
    except (OSError, DragomanError) as err:
        raise health.CacheError(
            f"cannot delete the translation memory {target} ({err})", "check the folder's permissions"
        ) from None
    reason = "was damaged" if kind == health.CORRUPT else "could not be emptied on a full disk"
    return None, f"the file {reason} ({failure}), so it was deleted; a new one is made when next needed"


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


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already done so; never hides the first error."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


__all__ = [
    "SCHEMA_VERSION",
    "CacheStats",
    "TranslationMemory",
    "clear_memory",
    "inspect_memory",
    "make_key",
    "normalize_segment",
]
