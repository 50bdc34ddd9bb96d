"""Safe file writes: atomic replace (temp file + fsync + rename) and an inter-process lock for editors."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

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


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8", overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see either the old or the new file, never half of one.

    The text goes to a temporary file in the same directory, is flushed and fsynced, gets the
    old file's permission bits (or the umask default for a new file), and replaces the target
    with ``os.replace``. With ``overwrite=False`` an existing file is never replaced (the final
    step is a hard link, which fails atomically if the name exists).
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    except OSError as err:
        raise FileWriteError(f"{target}: cannot write: {err.strerror}", "check the path and permissions") from None
    if target.is_dir():
        raise FileWriteError(f"{target}: is a directory", "give a file name to write to")
    if not overwrite and target.exists():
        raise FileWriteError(f"{target}: already exists", "choose another name or remove the file first")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise FileWriteError(f"{target}: cannot write: {err.strerror}", "check that the directory exists and is writable") from None
    try:
        handle: IO[bytes]
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode(encoding))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if overwrite:
            os.replace(tmp_name, target)
        else:
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                raise FileWriteError(f"{target}: already exists", "choose another name or remove the file first") from None
            finally:
                os.unlink(tmp_name)
        _fsync_dir(directory)
    except OSError as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise FileWriteError(f"{target}: cannot write: {err.strerror}", "check the path, free space and permissions") from None
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
    lock = lock_path_for(path)
    key = str(lock.resolve())
    with _thread_locks_guard:
        tlock = _thread_locks.setdefault(key, threading.Lock())
    with tlock:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise FileWriteError(f"{lock}: cannot create the lock file: {err.strerror}", "check that the directory is writable") from None
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
