"""Unlucky places for tests: a small filesystem that really fills up, and a folder that really cannot be written.

Both are built by the test itself. A tmpfs mount needs root (CAP_SYS_ADMIN); a permission-only read-only
folder does not stop root. So each helper raises Unavailable when this machine offers no honest way to
build the place, and the fixtures that use them skip before the test body runs.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


class Unavailable(Exception):
    """This machine cannot build the place (the message says why)."""


def _mount(*args: str) -> None:
    if os.name != "posix" or shutil.which("mount") is None:
        raise Unavailable("no mount command")
    if os.geteuid() != 0:
        raise Unavailable("mounting a tmpfs needs root")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise Unavailable(f"mount {' '.join(args)} failed: {done.stderr.strip()}")


def _umount(point: Path) -> None:
    subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30, check=False)


@contextlib.contextmanager
def small_filesystem(parent: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` KiB mounted at a new folder under ``parent`` (unmounted afterwards)."""
    point = parent / f"small-{uuid.uuid4().hex[:8]}"
    point.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0777", "tmpfs", str(point))
    try:
        yield point
    finally:
        _umount(point)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until its filesystem has no space left; returns the file (delete it to free)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65536, 4096, 512, 1):  # unbuffered, then ever smaller: the last bytes too
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def read_only_folder(parent: Path) -> Iterator[tuple[Path, Callable[[], contextlib.AbstractContextManager[None]]]]:
    """A folder that cannot be written, and ``writable()``: a context manager that lifts that meanwhile (to
    set the folder up). Root: a tmpfs remounted read-only (permissions do not stop root). Others: modes 0555
    for folders and 0444 for files."""
    point = parent / f"ro-{uuid.uuid4().hex[:8]}"
    point.mkdir()
    if os.name == "posix" and os.geteuid() == 0:
        _mount("-t", "tmpfs", "-o", "size=8m,mode=0777", "tmpfs", str(point))

        @contextlib.contextmanager
        def remounted() -> Iterator[None]:
            _mount("-o", "remount,rw", str(point))
            try:
                yield
            finally:
                _mount("-o", "remount,ro", str(point))

        try:
            _mount("-o", "remount,ro", str(point))
            yield point, remounted
        finally:
            _umount(point)
        return

    def set_modes(folders: int, files: int) -> None:
        for item in [point, *point.rglob("*")]:
            item.chmod(folders if item.is_dir() else files)

    @contextlib.contextmanager
    def chmodded() -> Iterator[None]:
        set_modes(0o755, 0o644)
        try:
            yield
        finally:
            set_modes(0o555, 0o444)

    set_modes(0o555, 0o444)
    try:
        yield point, chmodded
    finally:
        set_modes(0o755, 0o644)


# -- whether this machine can make them: decided once, at collection (tests/conftest.py marks the tests) -----

ReadOnlyHome = tuple[Path, Callable[[], "contextlib.AbstractContextManager[None]"]]


@functools.cache
def small_disk_unavailable() -> str | None:
    """None when a small filesystem can be mounted here (tmpfs; needs root), else why not."""
    with tempfile.TemporaryDirectory(prefix="dragoman-probe-") as folder:
        try:
            with small_filesystem(Path(folder), 64):
                return None
        except Unavailable as why:
            return f"no small filesystem on this machine: {why}"


@functools.cache
def read_only_folder_unavailable() -> str | None:
    """None when a folder that really cannot be written can be made here, else why not."""
    with tempfile.TemporaryDirectory(prefix="dragoman-probe-") as folder:
        try:
            with read_only_folder(Path(folder)) as (point, _):
                try:
                    (point / "probe").write_text("x")
                except OSError:
                    return None
                return "a read-only folder can still be written here (root without mount?)"
        except Unavailable as why:
            return f"no read-only folder on this machine: {why}"


# Fixture name -> its probe; tests/conftest.py skips a test that uses one whose probe fails, before it runs.
PROBES: dict[str, Callable[[], str | None]] = {
    "small_disk": small_disk_unavailable,
    "read_only_home": read_only_folder_unavailable,
}


# -- fixture bodies: `yield from` them in a module's fixture (the probe above already said they work here) -----


def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB filesystem of its own (tmpfs; needs root)."""
    with small_filesystem(tmp_path, 1024) as point:
        yield point


def read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadOnlyHome]:
    """DRAGOMAN_HOME in a folder that really cannot be written; the callable lifts that while setting it up."""
    with read_only_folder(tmp_path) as (point, writable):
        monkeypatch.setenv("DRAGOMAN_HOME", str(point))
        yield point, writable
