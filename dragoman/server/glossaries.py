"""Named glossaries for the server: a folder of glossary files reloaded when they change, the last good version
kept (and the failure logged) when an edit breaks one."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dragoman.errors import DragomanError

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary

log = logging.getLogger("dragoman.server")

SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".tbx")
# How often the folder is looked at again (a stat per file): edits show up within this time.
CHECK_INTERVAL_S = 1.0


class UnknownGlossaryError(DragomanError):
    """A request named a glossary the server does not have."""


@dataclass
class NamedGlossary:
    name: str
    path: Path
    glossary: Glossary
    stamp: tuple[int, int, int]  # (mtime_ns, size, inode) of the file the glossary was read from
    loaded_at: float
    error: str | None = None  # the last failed reload; the version above still serves

    def info(self) -> dict[str, object]:
        return {
            "name": self.name,
            "file": self.path.name,
            "entries": len(self.glossary),
            "languages": list(self.glossary.languages),
            "error": self.error,
        }


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class GlossaryLibrary:
    """The server's glossaries by name (a file's stem): ``-g`` files (the default, layered in order) and every
    glossary file in ``directory``. Safe to use from several threads."""

    def __init__(
        self, directory: Path | None = None, defaults: Sequence[Path] = (), check_interval_s: float = CHECK_INTERVAL_S
    ) -> None:
        self.directory = directory
        self.default_paths = [Path(p) for p in defaults]
        self.check_interval_s = check_interval_s
        self._lock = threading.Lock()
        self._items: dict[str, NamedGlossary] = {}
        self._failed: dict[Path, tuple[int, int, int]] = {}  # files never loaded, by the stamp that failed
        self._failures: dict[str, str] = {}  # name -> why it could not be loaded
        self._checked = 0.0
        self._layered: dict[tuple[tuple[str, float], ...], Glossary] = {}
        self.default_names: list[str] = [p.stem for p in self.default_paths]
        self._starting = True
        self.refresh(force=True)
        self._starting = False
        missing = [name for name in self.default_names if name not in self._items]
        if missing:
            # -g is given at start-up: a default that cannot be read is an error there, not a log line.
            raise DragomanError(self._failures.get(missing[0], f"glossary {missing[0]!r} could not be loaded"))

    # -- reading the files ---------------------------------------------------------------------------

    def _sources(self) -> list[tuple[str, Path]]:
        found: dict[str, Path] = {}
        for path in self.default_paths:
            found.setdefault(path.stem, path)
        if self.directory is not None:
            try:
                files = sorted(p for p in self.directory.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            except OSError as err:
                log.warning("glossary folder %s cannot be read: %s", self.directory, err.strerror or err)
                files = []
            for path in files:
                if path.stem in found and found[path.stem] != path:
                    log.warning(
                        "glossary %s: %s is ignored, the name is taken by %s", path.stem, path, found[path.stem]
                    )
                    continue
                found[path.stem] = path
        return list(found.items())

    def refresh(self, force: bool = False) -> None:
        """Reload what changed on disk (at most once per check interval unless ``force``)."""
        now = time.monotonic()
        with self._lock:
            if not force and now - self._checked < self.check_interval_s:
                return
            self._checked = now
            sources = self._sources()
            seen = set()
            for name, path in sources:
                seen.add(name)
                stamp = _stamp(path)
                if stamp is None:
                    if not (self._starting and path in self.default_paths):
                        continue
                    # A missing -g file at start-up: loading it gives the one line every command gives for it.
                    stamp = (0, 0, 0)
                current = self._items.get(name)
                if current is not None and current.stamp == stamp and current.path == path:
                    continue
                if current is None and self._failed.get(path) == stamp:
                    continue
                self._load(name, path, stamp, current)
            for name in list(self._items):
                if name not in seen:
                    log.info("glossary %s: file removed, no longer served", name)
                    del self._items[name]

    def _load(self, name: str, path: Path, stamp: tuple[int, int, int], current: NamedGlossary | None) -> None:
        from dragoman.glossary.layers import load_glossary_file

        try:
            glossary = load_glossary_file(path)
        except DragomanError as err:
            if current is not None:
                current.error = str(err)
                current.stamp = stamp  # do not retry the same broken bytes every second
                log.warning("glossary %s: the edit cannot be loaded, the last good version still serves: %s", name, err)
            else:
                self._failed[path] = stamp
                self._failures[name] = str(err)
                if not (self._starting and path in self.default_paths):  # that one stops the start with the error
                    log.warning("glossary %s: cannot be loaded: %s", name, err)
            return
        self._failed.pop(path, None)
        self._failures.pop(name, None)
        self._items[name] = NamedGlossary(name, path, glossary, stamp, time.time())
        if current is not None:
            log.info("glossary %s: reloaded (%d entries)", name, len(glossary))

    # -- lookups -------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return [item.name for item in self.items()]

    def items(self) -> list[NamedGlossary]:
        """Every glossary served now, by name (one consistent snapshot)."""
        self.refresh()
        with self._lock:
            return [self._items[name] for name in sorted(self._items)]

    def get(self, name: str) -> NamedGlossary:
        self.refresh()
        with self._lock:
            item = self._items.get(name)
        if item is None:
            known = ", ".join(sorted(self._items)) or "none"
            raise UnknownGlossaryError(f"glossary {name!r} is not known to this server", f"known: {known}")
        return item

    def layered(self, names: Sequence[str]) -> tuple[Glossary | None, list[NamedGlossary]]:
        """The glossaries ``names`` layered in order, as ``-g a -g b`` would (later wins), and their records."""
        if not names:
            return None, []
        items = [self.get(name) for name in names]
        key = tuple((item.name, item.loaded_at) for item in items)
        with self._lock:
            cached = self._layered.get(key)
        if cached is None:
            from dragoman.glossary.layers import merge_layers

            cached = merge_layers([item.glossary for item in items])
            with self._lock:
                if len(self._layered) > 64:
                    self._layered.clear()
                self._layered[key] = cached
        return cached, items


__all__ = ["GlossaryLibrary", "NamedGlossary", "UnknownGlossaryError"]
