"""What is wrong with a translation memory file (full, read-only, locked, corrupt), and salvaging a damaged one.

The memory only saves time, so none of this ever stops a translation; but the user must be told the true cause,
and a healthy file must never be moved aside because the disk was full or the home read-only. Only a failed
integrity check (or a file that is not a database at all) counts as damage.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dragoman.errors import DragomanError

FULL = "full"
READ_ONLY = "read-only"
LOCKED = "locked"
CORRUPT = "corrupt"
UNAVAILABLE = "unavailable"

# Below this many free bytes an I/O error on the memory is put down to a full disk.
LOW_SPACE_BYTES = 1 << 20
# How long the sqlite3 command-line tool may take to salvage a damaged file before the Python scan is used.
RECOVER_TIMEOUT_S = 300.0
# Rows copied per transaction while salvaging.
_COPY_BATCH = 1000

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF, Python >= 3.11).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26


class CacheError(DragomanError):
    """The translation memory cannot be inspected or cleared as asked (the message says why)."""


def classify(err: BaseException, path: Path) -> str:
    """FULL, READ_ONLY, LOCKED, CORRUPT or UNAVAILABLE for an error met opening or using the memory at ``path``.

    SQLite's result code decides where it is precise; a generic I/O or "cannot open" error is put down to the
    place itself (no free space, not writable) when that is what it shows, and is never called corruption.
    """
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)  # Python >= 3.11
        primary = code & 0xFF if isinstance(code, int) else None
        text = str(err).lower()
        if primary == _SQLITE_FULL or "disk is full" in text:
            return FULL
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text or "busy" in text:
            return LOCKED
        if primary in (_SQLITE_READONLY, _SQLITE_PERM) or "readonly" in text:
            return READ_ONLY
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
            return CORRUPT
    elif isinstance(err, OSError):
        if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return FULL
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
    if free_bytes(path) is not None and (free_bytes(path) or 0) < LOW_SPACE_BYTES:
        return FULL
    if not writable(path):
        return READ_ONLY
    return UNAVAILABLE


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent."""
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def free_bytes(path: Path) -> int | None:
    """Free bytes on the filesystem that holds (or would hold) ``path``; None when it cannot be told."""
    try:
        return shutil.disk_usage(_existing(path)).free
    except OSError:
        return None


def writable(path: Path) -> bool:
    """Whether the memory file (or the directory it would be made in) can be written; os.access also
    answers False on a read-only filesystem, for root too."""
    existing = _existing(path)
    if existing == path and path.is_file():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(existing, os.W_OK)


def _uri(path: Path, *params: str) -> str:
    return f"file:{quote(str(path.resolve()))}?" + "&".join(params)


def read_only_uri(path: Path, timeout: float) -> str | None:
    """A URI that opens the file read-only without writing next to it: plain ``mode=ro`` when it works
    (it sees other processes' WAL commits), else ``immutable=1`` (where the folder is read-only and the WAL
    index cannot be made); None when neither opens it."""
    if not path.is_file():
        return None
    for params in (("mode=ro",), ("mode=ro", "immutable=1")):
        uri = _uri(path, *params)
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=timeout)
            try:
                conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            finally:
                conn.close()
        except sqlite3.Error as err:
            if classify(err, path) in (CORRUPT, LOCKED):
                return None
            continue
        return uri
    return None


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection (see read_only_uri); raises the error of a plain read-only open when none works."""
    uri = read_only_uri(path, timeout)
    if uri is None:
        conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True, timeout=timeout)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # raises what is wrong
        return conn
    return sqlite3.connect(uri, uri=True, timeout=timeout)


def integrity_problem(path: Path, timeout: float) -> str | None:
    """None when SQLite's integrity check passes; else what it found (or why the file is no database).

    Raises sqlite3.Error when the check itself cannot run (locked, cannot open): then nothing is known.
    """
    try:
        conn = connect_read_only(path, timeout)
    except sqlite3.DatabaseError as err:
        if classify(err, path) == CORRUPT:
            return str(err)
        raise
    try:
        rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    except sqlite3.DatabaseError as err:
        if classify(err, path) == CORRUPT:
            return str(err)
        raise
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else "; ".join(found)


def sidecars(path: Path) -> list[Path]:
    return [Path(str(path) + suffix) for suffix in ("-wal", "-shm")]


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL, which may hold committed entries) to NAME.corrupt-TIMESTAMP."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
    os.replace(path, aside)
    wal, shm = sidecars(path)
    if wal.exists():
        os.replace(wal, Path(str(aside) + "-wal"))
    shm.unlink(missing_ok=True)
    return aside


# -- salvage ------------------------------------------------------------------------------------
#
# Python's sqlite3 module has no binding for SQLite's recovery extension (the CLI's `.recover`), and
# `VACUUM INTO` stops at the first bad page. So: the sqlite3 command-line tool's `.recover` when it is
# installed (it reads every page it can, including rows whose parent page is lost, put into
# lost_and_found); otherwise a scan of the entries table in rowid order that steps over what cannot be
# read. The tool is optional (many machines lack it); the scan always works, and recovers less only
# when a damaged interior page hides whole subtrees.


def sqlite3_cli() -> str | None:
    """The sqlite3 command-line tool, when it is installed and its .recover works (some builds, Debian's
    3.40 among them, lack the sqlite_dbpage table .recover needs and fail on every file)."""
    tool = shutil.which("sqlite3")
    return tool if tool is not None and _recover_works(tool) else None


@functools.lru_cache(maxsize=4)
def _recover_works(tool: str) -> bool:
    try:
        done = subprocess.run(
            [tool, ":memory:", ".recover"], capture_output=True, stdin=subprocess.DEVNULL, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and b"error" not in done.stderr.lower()


@dataclass
class Salvage:
    entries: int  # entries in the new file
    method: str  # "sqlite3 .recover" or "row scan"


def salvage(damaged: Path, target: Path, prepare: Callable[[sqlite3.Connection], None]) -> Salvage:
    """Build a new memory at ``target`` from what can be read of ``damaged``; ``prepare`` makes the schema.
    The caller holds the memory's file lock.

    The file is built under a temporary name and renamed into place, so ``target`` is whole or absent.
    """
    building = target.with_name(f".{target.name}.{os.getpid()}.recover.tmp")
    # The caller holds the memory's lock, so any other recovery file is a killed run's litter.
    for leftover in target.parent.glob(f".{target.name}.*.recover.tmp*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
    result: Salvage | None = None
    tool = sqlite3_cli()
    try:
        if tool is not None:
            with contextlib.suppress(OSError, subprocess.SubprocessError, sqlite3.Error):
                result = _recover_with_cli(tool, damaged, building, prepare)
        if result is None:
            for leftover in [building, *sidecars(building)]:
                leftover.unlink(missing_ok=True)
            result = _scan_rows(damaged, building, prepare)
        os.replace(building, target)
    finally:
        for leftover in [building, *sidecars(building)]:
            leftover.unlink(missing_ok=True)
        # Reading the damaged file may have made an empty WAL and its index next to it: not worth keeping.
        wal, shm = sidecars(damaged)
        with contextlib.suppress(OSError):
            shm.unlink(missing_ok=True)
            if wal.exists() and wal.stat().st_size == 0:
                wal.unlink()
    return result


def _recover_with_cli(
    tool: str, damaged: Path, building: Path, prepare: Callable[[sqlite3.Connection], None]
) -> Salvage | None:
    """`sqlite3 DAMAGED .recover | sqlite3 NEW`; None when the tool has no .recover or recovered no table."""
    with subprocess.Popen(
        [tool, str(damaged), ".recover"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    ) as dump:
        loader = subprocess.run(
            [tool, str(building)],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=RECOVER_TIMEOUT_S,
            check=False,
        )
        if dump.stdout is not None:
            dump.stdout.close()
        dump.wait(timeout=RECOVER_TIMEOUT_S)
    if dump.returncode != 0 or loader.returncode != 0 or not building.exists():
        return None
    conn = sqlite3.connect(str(building), isolation_level=None)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "entries" not in tables:
            return None
        if "schema_version" not in tables or conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] != 1:
            conn.execute("DROP TABLE IF EXISTS schema_version")
        prepare(conn)
        if "lost_and_found" in tables:
            # Rows whose parent page was lost: those shaped like entries (a 64-hex key) go back in.
            conn.execute(
                "INSERT OR IGNORE INTO entries (key, translation, metadata, created) "
                "SELECT c0, c1, c2, coalesce(c3, 0) FROM lost_and_found "
                "WHERE nfield = 4 AND typeof(c0) = 'text' AND length(c0) = 64 AND typeof(c1) = 'text'"
            )
            conn.execute("DROP TABLE lost_and_found")
        count = int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    finally:
        conn.close()
    return Salvage(count, "sqlite3 .recover")


def _scan_rows(damaged: Path, building: Path, prepare: Callable[[sqlite3.Connection], None]) -> Salvage:
    conn = sqlite3.connect(str(building), isolation_level=None)
    try:
        prepare(conn)
        batch: list[tuple[Any, ...]] = []
        count = 0
        for row in readable_rows(damaged):
            batch.append(row)
            if len(batch) >= _COPY_BATCH:
                count += _insert(conn, batch)
                batch = []
        count += _insert(conn, batch)
    finally:
        conn.close()
    return Salvage(count, "row scan")


def _insert(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
    if not rows:
        return 0
    conn.execute("BEGIN")
    conn.executemany("INSERT OR IGNORE INTO entries (key, translation, metadata, created) VALUES (?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    return len(rows)


def readable_rows(damaged: Path) -> Iterator[tuple[Any, ...]]:
    """(key, translation, metadata, created) of every entry that can still be read, in rowid order.

    After an unreadable stretch the scan starts again further on, doubling the jump until a read succeeds
    (or the last rowid is passed), so one bad page costs only the rows on it.
    """
    try:
        conn = connect_read_only(damaged, 1.0)
    except sqlite3.Error:
        return
    try:
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(entries)")}
            last = conn.execute("SELECT max(rowid) FROM entries").fetchone()[0]
        except sqlite3.Error:
            columns, last = {"key", "translation"}, None
        if not {"key", "translation"} <= columns:
            return
        meta = "metadata" if "metadata" in columns else "NULL"
        created = "created" if "created" in columns else "0"
        query = f"SELECT rowid, key, translation, {meta}, {created} FROM entries WHERE rowid > ? ORDER BY rowid"
        after, jump, failures = 0, 1, 0
        limit = last if isinstance(last, int) else 1 << 62
        while after < limit and failures < 64:
            try:
                for rowid, key, text, metadata, when in conn.execute(query, (after,)):
                    after, jump, failures = rowid, 1, 0
                    if isinstance(key, str) and isinstance(text, str):
                        yield (key, text, metadata if isinstance(metadata, str) else None, when or 0)
                return
            except sqlite3.DatabaseError:
                after += jump
                jump *= 2
                failures += 1
    finally:
        conn.close()


__all__ = [
    "CORRUPT",
    "FULL",
    "LOCKED",
    "READ_ONLY",
    "UNAVAILABLE",
    "CacheError",
    "Salvage",
    "classify",
    "free_bytes",
    "integrity_problem",
    "move_aside",
    "salvage",
    "writable",
]
