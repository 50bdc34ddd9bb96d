"""Safe file writes: atomic replace (temp file + fsync + rename) and an inter-process lock for editors."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from dragoman.errors import DragomanError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class FileWriteError(DragomanError):
    """A file could not be written (the original, if any, is left as it was)."""


def _current_umask() -> int:
    # os.umask can only be read by setting it; done once under a lock to stay thread-safe.
    with _umask_lock:
        mask = os.umask(0)
        os.umask(mask)
    return mask


_umask_lock = threading.Lock()


_TMP_MARK = ".dragoman-"
_TMP_SUFFIX = ".tmp"
# Our temporary names: ".BASE.dragoman-PID-RANDOM.tmp"; the PID tells a live writer's file from a killed one's.
_TMP_RE = re.compile(r"^\.(?P<base>.*)\.dragoman-(?P<pid>\d+)-[a-z0-9_]+\.tmp$", re.DOTALL)
# mkstemp names of earlier versions (".NAME.RANDOM8.tmp"): no PID, so removed only once clearly abandoned.
_LEGACY_TMP_RE = re.compile(r"^\.(?P<base>.+)\.[a-z0-9_]{8}\.tmp$", re.DOTALL)
_LEGACY_STALE_S = 3600.0
_TMP_BASE_BYTES = 96  # keeps ".BASE.dragoman-PID-RANDOM.tmp" far below NAME_MAX (255 bytes on every common fs)
_cleaned_dirs: set[str] = set()
_cleaned_guard = threading.Lock()


def _tmp_base(name: str) -> str:
    """The target's name cut to a bounded number of bytes (whole characters), for its temporary name."""
    raw = os.fsencode(name)
    if len(raw) <= _TMP_BASE_BYTES:
        return name
    return os.fsdecode(raw[:_TMP_BASE_BYTES].decode("utf-8", errors="ignore").encode("utf-8")) or "file"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def clean_stale_temporaries(directory: str | Path) -> list[Path]:
    """Remove the temporary files that writers killed mid-write (kill -9, power cut) left in ``directory``.

    Only our own names are touched: ``.NAME.dragoman-PID-RANDOM.tmp`` whose PID no longer runs, and an
    earlier version's ``.NAME.RANDOM.tmp`` next to an existing NAME once it is an hour old. Returns what
    was removed; errors (a read-only folder) are ignored: litter is not worth failing a write for.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    names = {entry.name for entry in entries}
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(_TMP_SUFFIX)):
            continue
        match = _TMP_RE.match(name)
        try:
            if match is not None:
                if _pid_alive(int(match.group("pid"))):
                    continue
            else:
                legacy = _LEGACY_TMP_RE.match(name)
                if legacy is None or legacy.group("base") not in names:
                    continue
                if now - entry.stat(follow_symlinks=False).st_mtime < _LEGACY_STALE_S:
                    continue
            if not entry.is_file(follow_symlinks=False):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _clean_once(directory: Path) -> None:
    """Clean a folder's stale temporaries the first time this process writes there (not per file)."""
    key = os.path.abspath(directory)
    with _cleaned_guard:
        if key in _cleaned_dirs:
            return
        _cleaned_dirs.add(key)
    clean_stale_temporaries(directory)


def _make_temp(directory: Path, name: str) -> tuple[int, str]:
    prefix = f".{_tmp_base(name)}{_TMP_MARK}{os.getpid()}-"
    return tempfile.mkstemp(prefix=prefix, suffix=_TMP_SUFFIX, dir=directory)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON that can always be written as UTF-8.

    A file name that is not valid UTF-8 reaches Python with its bytes as lone surrogates (os.fsdecode);
    ``ensure_ascii=False`` would leave them in the text, which no UTF-8 writer accepts. They are written as
    ``\\udcXX`` escapes instead: valid JSON, read back by ``json.loads`` into the same name.
    """
    import json

    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_target(path: str | Path) -> Path:
    """The file a write to ``path`` changes: a symlink's final target (the link stays a link), else ``path``."""
    target = Path(path)
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8", overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see either the old or the new file, never half of one.

    The text goes to a temporary file in the same directory, is flushed and fsynced, gets the
    old file's permission bits (or the umask default for a new file), and replaces the target
    with ``os.replace``. With ``overwrite=False`` an existing file is never replaced (the final
    step is a hard link, which fails atomically if the name exists).

    A symlink is kept: its target is written (editing ``desk.yaml -> shared/desk.yaml`` changes the
    shared file). The temporary name stays short whatever the target's name (a 255-byte name works),
    and stale temporaries of killed writers in the folder are removed.
    """
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as err:
        raise FileWriteError(
            f"{path}: cannot write: the text holds {text[err.start]!r}, which {encoding} cannot encode",
            "nothing was written",
        ) from None
    with atomic_writer(path, overwrite=overwrite) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, overwrite: bool = True) -> Iterator[IO[bytes]]:
    """A binary handle whose bytes replace ``path`` atomically when the block ends without an exception
    (an exception leaves the old file as it was and no temporary behind). For outputs written piece by piece
    (a large translation, chunk after chunk); the same guarantees as :func:`atomic_write_text`."""
    shown = Path(path)
    target = write_target(shown)
    directory = target.parent if str(target.parent) else Path(".")
    if not overwrite and (shown.exists() or shown.is_symlink()):
        raise FileWriteError(f"{shown}: already exists", "choose another name or remove the file first")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    except OSError as err:
        raise FileWriteError(f"{shown}: cannot write: {err.strerror}", "check the path and permissions") from None
    if target.is_dir():
        raise FileWriteError(f"{shown}: is a directory", "give a file name to write to")
    _clean_once(directory)
    try:
        fd, tmp_name = _make_temp(directory, target.name)
    except OSError as err:
        raise FileWriteError(
            f"{shown}: cannot write: {err.strerror}", "check that the directory exists and is writable"
        ) from None
    try:
        handle: IO[bytes]
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if overwrite:
            os.replace(tmp_name, target)
        else:
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                raise FileWriteError(
                    f"{shown}: already exists", "choose another name or remove the file first"
                ) from None
            finally:
                os.unlink(tmp_name)
        _fsync_dir(directory)
    except OSError as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise FileWriteError(
            f"{shown}: cannot write: {err.strerror}", "check the path, free space and permissions"
        ) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); silently skipped where directories cannot be opened."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def lock_path_for(path: str | Path) -> Path:
    """The sidecar lock file of ``path``: ``NAME.lock`` in the same directory."""
    target = Path(path)
    return target.with_name(target.name + ".lock")


# flock locks belong to open file descriptions, so two threads of one process that open the
# lock file separately do exclude each other; this per-path lock adds the same guarantee
# where flock is unavailable and keeps one process's threads queued fairly.
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock for editing ``path`` (blocks until other writers are done).

    Uses ``fcntl.flock`` on the sidecar ``NAME.lock`` (kept, not deleted: deleting a lock
    file while another process waits on it would let two writers in). Yields the lock path.
    """
    lock = lock_path_for(write_target(path))  # through a symlink, the file that is written is locked
    key = str(lock.resolve())
    with _thread_locks_guard:
        tlock = _thread_locks.setdefault(key, threading.Lock())
    with tlock:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise FileWriteError(
                f"{lock}: cannot create the lock file: {err.strerror}", "check that the directory is writable"
            ) from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            yield lock
        finally:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def human_size(size: int) -> str:
    """Bytes as people read them: 512 B, 48.0 KiB, 93.7 MiB."""
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


# -- what a command may write over ------------------------------------------------------------------

_GLOSSARY_SUFFIXES = frozenset((".csv", ".tsv", ".tbx"))
_YAML_SUFFIXES = frozenset((".yaml", ".yml"))
_SNIFF = 65536
# Documents that are zip containers (OOXML, ODF): an earlier translation of one is binary but still a document.
_CONTAINER_SUFFIXES = frozenset((".docx", ".odt"))
_REPORT_PARSE_LIMIT = 64 * 1024 * 1024
# What each kind of output may replace without --force: a re-run replaces its own earlier output.
_REPLACES = {"translation": "document", "report": "report", "glossary": "glossary"}
_KIND_WORDS = {
    "document": "an article",
    "report": "a dragoman report",
    "glossary": "a glossary",
    "json": "JSON that is not a dragoman report",
    "yaml": "YAML that is not a glossary",
    "binary": "binary data",
}


def file_kind(path: str | Path) -> str | None:
    """What an existing file holds: document, report, glossary, json, yaml or binary; None if there is none.

    Sniffed from the name and the first bytes (a report is parsed: its "dragoman" key may come late).
    """
    target = Path(path)
    try:
        with open(target, "rb") as handle:
            head = handle.read(_SNIFF)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return None
    suffix = target.suffix.lower()
    if suffix in _CONTAINER_SUFFIXES and head.startswith(b"PK\x03\x04"):
        return "document"
    if b"\x00" in head:
        return "binary"
    if suffix in _GLOSSARY_SUFFIXES or b"<martif" in head or b"<tbx" in head:
        return "glossary"
    if suffix in _YAML_SUFFIXES:
        return "glossary" if re.search(rb"(?m)^(entries|version)\s*:", head) else "yaml"
    if head.lstrip().startswith(b"{"):
        if size <= _REPORT_PARSE_LIMIT:
            from dragoman.jsonstream import read_events, top_level_keys

            try:
                # Streamed: an archive's report is ~18 MB of JSON, which json.loads made ~50 MB of objects.
                keys = read_events(target, top_level_keys)
            except (OSError, ValueError):
                return "document"  # a text that starts with a brace
            if keys is not None and "dragoman" in keys and "stats" in keys:
                return "report"
        return "json"
    return "document"


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """A file's real path (symlinks and '..' resolved) and, if it exists, its device and inode."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return real, None
    return real, (st.st_dev, st.st_ino)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names reach one file: the same resolved path, or the same inode (hard links, bind mounts)."""
    real_a, ino_a = _identity(Path(a))
    real_b, ino_b = _identity(Path(b))
    return real_a == real_b or (ino_a is not None and ino_a == ino_b)


class WriteRefused(FileWriteError):
    """A write was refused before anything was written: it would replace an input, an earlier output, or
    a file of another kind."""


class WriteGuard:
    """The files one command reads and writes, so that no write replaces what the command reads or wrote.

    Every output goes through :meth:`write_text` (or :meth:`claim`, then a write): it refuses a path that
    is an input of the command or already an output of it (compared by resolved path and inode, so
    ``w/../w/a.txt`` and symlinked folders are caught), and an existing file of another kind (a report over
    an article, a translation over a glossary) unless ``force``. Replacing an input is refused even then.
    """

    def __init__(self, inputs: Iterable[str | Path] = (), *, force: bool = False) -> None:
        self.force = force
        self._inputs: list[tuple[Path, tuple[str, tuple[int, int] | None]]] = []
        self._outputs: list[tuple[Path, tuple[str, tuple[int, int] | None], str]] = []
        for path in inputs:
            self.add_input(path)

    def add_input(self, path: str | Path) -> None:
        self._inputs.append((Path(path), _identity(Path(path))))

    @staticmethod
    def _matches(identity: tuple[str, tuple[int, int] | None], other: tuple[str, tuple[int, int] | None]) -> bool:
        return identity[0] == other[0] or (identity[1] is not None and identity[1] == other[1])

    def check(self, path: str | Path, kind: str | None, what: str) -> None:
        """Raise WriteRefused if writing ``what`` (e.g. "the report") to ``path`` would lose something."""
        target = Path(path)
        identity = _identity(target)
        for source, source_id in self._inputs:
            if self._matches(identity, source_id):
                same = "" if str(source) == str(target) else f" ({source})"
                raise WriteRefused(
                    f"{target}: is an input of this command{same}; writing {what} there would replace it",
                    "write it to another file",
                )
        for earlier, earlier_id, earlier_what in self._outputs:
            if self._matches(identity, earlier_id):
                same = "" if str(earlier) == str(target) else f" ({earlier})"
                raise WriteRefused(f"{target}: {what} would overwrite {earlier_what}{same}", "use different names")
        if kind is None or self.force or identity[1] is None:
            return
        existing = file_kind(target)
        if existing is None or existing == _REPLACES.get(kind, kind):
            return
        with contextlib.suppress(OSError):
            if os.stat(target).st_size == 0:
                return  # an empty file holds nothing to lose
        raise WriteRefused(
            f"{target}: holds {_KIND_WORDS.get(existing, existing)}; refusing to replace it with {what}",
            "choose another name, or pass --force to replace it",
        )

    def add_output(self, path: str | Path, what: str) -> None:
        """Remember ``path`` as written (or to be written) by this command: a later write there is refused."""
        self._outputs.append((Path(path), _identity(Path(path)), what))

    def claim(self, path: str | Path, kind: str | None, what: str) -> None:
        """Check, then remember ``path`` as written by this command."""
        self.check(path, kind, what)
        self.add_output(path, what)

    def write_text(self, path: str | Path, text: str, kind: str | None, what: str, *, overwrite: bool = True) -> bool:
        """Claim ``path`` and write ``text`` there; False when the file already held exactly that text (it is
        left alone, so that the command says "unchanged PATH" rather than "wrote PATH")."""
        self.claim(path, kind, what)
        if overwrite and _holds(Path(path), text):
            return False
        atomic_write_text(path, text, overwrite=overwrite)
        return True


def _holds(path: Path, text: str) -> bool:
    """Whether ``path`` is a regular file whose bytes are ``text`` in UTF-8."""
    data = text.encode("utf-8")
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def safe_write_text(
    path: str | Path,
    text: str,
    *,
    kind: str | None = None,
    what: str = "the output",
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    overwrite: bool = True,
) -> bool:
    """One write through a one-off :class:`WriteGuard` (a command with a single output); False: unchanged."""
    return WriteGuard(inputs, force=force).write_text(path, text, kind, what, overwrite=overwrite)
