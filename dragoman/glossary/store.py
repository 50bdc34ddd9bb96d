"""Loaded glossaries kept on disk, so that a large glossary is parsed once rather than by every command.

Reading a YAML glossary with the line of every node (for messages) and validating it costs ~55 µs an entry:
0.55 s for 10,000 entries, 6 s for 100,000, paid again by every `dragoman translate`. Rebuilding the same
glossary from plain data takes 0.1-0.2 s for 10,000 entries. No library caches a parse keyed on content, so this is
written here:

- The key is the SHA-256 of the file's bytes, its path (origins and messages name it), the reading options
  (format, --from/--to for a two-column CSV) and the source of the modules that read glossaries (a new or
  edited dragoman never reads what an older one wrote). An edited, moved or renamed file is simply a miss.
- The value is plain data written with marshal: loading it runs no code (pickle would). It follows a
  header and the SHA-256 of the payload: a file whose bytes changed after it was written (a bad disk
  block, a stray edit) is a miss and is replaced, so a changed term is never enforced. A damaged or
  truncated file is a miss too.
- Files are written atomically (temp file + rename), so a kill leaves the old file or the new one; only
  files of at least MIN_BYTES are cached (a small glossary loads in milliseconds), and the KEEP most
  recently used are kept.
- Failures to read or write the store are never errors: the glossary is then parsed as usual.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from dragoman.errors import DragomanError
from dragoman.glossary.model import Conflict, Entry, FieldChange, Glossary, LangTerms, Origin

MIN_BYTES = 64 * 1024
KEEP = 16
STORE_FORMAT = 2
_SUFFIX = ".glossary"
# A store file: this header, the SHA-256 of the payload, then the marshal payload.
_MAGIC = b"dragoman-glossary-store 2\n"
_DIGEST_BYTES = 32


def store_dir() -> Path:
    """Where loaded glossaries are kept (resolved when called: DRAGOMAN_HOME may change between calls)."""
    from dragoman import config

    return config.home_dir() / "glossary-store"


def load_through_store(
    data: bytes,
    path: str,
    options: tuple[str | None, ...],
    parse: Callable[[], Glossary],
    directory: Path | None = None,
) -> Glossary:
    """``parse()``'s glossary, from the store when these exact bytes were read from this path before.

    ``options`` are whatever else changes the result (format name, --from/--to). Errors of ``parse``
    propagate unchanged and are never stored.
    """
    if len(data) < MIN_BYTES:
        return parse()
    folder = directory if directory is not None else store_dir()
    key = _key(data, path, options)
    stored = folder / f"{key}{_SUFFIX}"
    glossary = _read(stored)
    if glossary is not None:
        try:
            os.utime(stored)  # most recently used: pruning keeps it
        except OSError:
            pass
        _prune(folder)  # a few entries to look at; also takes away what a killed writer left
        return glossary
    glossary = parse()
    _write(stored, glossary)
    return glossary


def _key(data: bytes, path: str, options: tuple[str | None, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(f"dragoman-glossary-store {STORE_FORMAT}\0{_code_fingerprint()}\0{path}\0{options!r}\0".encode())
    digest.update(data)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The source of the modules whose code decides what a glossary file loads as, and the model's fields."""
    import dragoman
    from dragoman import languages

    digest = hashlib.sha256(dragoman.__version__.encode())
    for cls in (Glossary, Entry, LangTerms, Origin, Conflict, FieldChange):
        digest.update(repr([f.name for f in fields(cls)]).encode())
    here = Path(__file__).parent
    files = sorted(here.rglob("*.py")) + [Path(languages.__file__ or "")]
    for file in files:
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(str(file).encode())
    return digest.hexdigest()


def store_usage(directory: Path | None = None) -> tuple[Path, int, int]:
    """(folder, number of stored glossaries, bytes) - for `dragoman cache stats`; reads nothing but the folder."""
    folder = directory if directory is not None else store_dir()
    count = size = 0
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(_SUFFIX) and entry.is_file():
                count += 1
                size += entry.stat().st_size
    except OSError:
        pass
    return folder, count, size


def clear_store(directory: Path | None = None) -> int:
    """Delete every stored glossary (they are parsed again when next used); returns how many were deleted.

    Raises DragomanError naming the folder when some could not be deleted (a read-only home), rather than
    report fewer than there were."""
    folder = directory if directory is not None else store_dir()
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    except OSError as err:
        raise DragomanError(
            f"cannot read the glossary store {folder}: {err.strerror}", "check the folder's permissions"
        ) from None
    failed: list[OSError] = []
    for entry in entries:
        if entry.name.endswith((_SUFFIX, ".tmp")) and entry.is_file():
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            except OSError as err:
                failed.append(err)
                continue
            removed += entry.name.endswith(_SUFFIX)
    if failed:
        raise DragomanError(
            f"removed {removed} parsed glossaries from {folder}, but {len(failed)} files could not be deleted "
            f"({failed[0].strerror})",
            "make the folder writable and run 'dragoman cache clear' again",
        )
    return removed


# -- plain data <-> Glossary --------------------------------------------------------------------


def _origin(origin: Origin) -> tuple[str | None, int | None, int | None]:
    return (origin.path, origin.line, origin.column)


def to_data(glossary: Glossary) -> tuple[Any, ...]:
    """A Glossary as tuples, strings, numbers and None (what marshal writes)."""
    entries = tuple(
        (
            e.id,
            tuple((code, t.preferred, tuple(t.variants), tuple(t.forbidden), t.stated) for code, t in e.terms.items()),
            e.dnt,
            e.case,
            e.type,
            e.note,
            e.status,
            e.source,
            _origin(e.origin),
            e.removed,
            e.stated,
        )
        for e in glossary
    )
    conflicts = tuple(
        (
            c.entry_id,
            c.lang,
            c.kept,
            c.dropped,
            _origin(c.kept_origin),
            _origin(c.dropped_origin),
            c.message,
            tuple((f.lang, f.field, f.before, f.after) for f in c.changes),
        )
        for c in glossary.conflicts
    )
    return (tuple(glossary.languages), glossary.version, glossary.path, entries, conflicts)


def from_data(data: tuple[Any, ...]) -> Glossary:
    """The inverse of :func:`to_data`."""
    languages, version, path, entries, conflicts = data
    glossary = Glossary(languages=list(languages), version=version, path=path)
    table = glossary.entries
    for entry_id, terms, dnt, case, kind, note, status, source, origin, removed, stated in entries:
        table[entry_id] = Entry(
            entry_id,
            {
                code: LangTerms(preferred, list(variants), list(forbidden), side_stated)
                for code, preferred, variants, forbidden, side_stated in terms
            },
            dnt,
            case,
            kind,
            note,
            status,
            source,
            Origin(*origin),
            removed,
            stated,
        )
    glossary.conflicts = [
        Conflict(
            entry_id,
            lang,
            kept,
            dropped,
            Origin(*kept_origin),
            Origin(*dropped_origin),
            message,
            tuple(FieldChange(*change) for change in changes),
        )
        for entry_id, lang, kept, dropped, kept_origin, dropped_origin, message, changes in conflicts
    ]
    return glossary


# -- the files ----------------------------------------------------------------------------------


def _read(stored: Path) -> Glossary | None:
    try:
        raw = stored.read_bytes()
    except OSError:
        return None
    payload = _verified_payload(raw)
    if payload is None:
        return None  # not ours, or changed since it was written: parsed again and replaced
    import gc

    # Tens of thousands of small objects: keep the collector from walking them while they are made.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return from_data(marshal.loads(payload))
    except (EOFError, ValueError, TypeError, KeyError, IndexError):
        return None  # damaged or from another layout: parsed again and replaced
    finally:
        if was_enabled:
            gc.enable()


def _verified_payload(raw: bytes) -> bytes | None:
    """The payload of a store file whose checksum matches; None otherwise."""
    start = len(_MAGIC) + _DIGEST_BYTES
    if not raw.startswith(_MAGIC) or len(raw) < start:
        return None
    payload = raw[start:]
    if hashlib.sha256(payload).digest() != raw[len(_MAGIC) : start]:
        return None
    return payload


def _write(stored: Path, glossary: Glossary) -> None:
    # Temp file + rename: a reader (or a run after a kill) sees the old file, the new one or none. No fsync:
    # a file lost to a power cut is only a miss.
    tmp = stored.with_name(f".{stored.name}.{os.getpid()}.tmp")
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        payload = marshal.dumps(to_data(glossary))
        tmp.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, stored)
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except OSError:
            pass
        return
    _prune(stored.parent)


def _writer_gone(name: str) -> bool:
    """Whether the process that named this temporary file (.NAME.PID.tmp) has ended: a kill -9 left it."""
    parts = name.rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, owned by someone else
    return False


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used files (and no temp file a killed run left behind)."""
    try:
        items = [(entry.stat().st_mtime, entry) for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return
    items.sort(key=lambda item: item[0], reverse=True)
    kept = 0
    for _mtime, entry in items:
        if entry.name.endswith(_SUFFIX) and not entry.name.startswith("."):
            kept += 1
            if kept <= KEEP:
                continue
        elif entry.name.endswith(".tmp") and _mtime > items[0][0] - 3600 and not _writer_gone(entry.name):
            continue  # possibly another process's write in progress
        try:
            os.unlink(entry.path)
        except OSError:
            pass
