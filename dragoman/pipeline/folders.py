"""`dragoman translate DIR -r`: the files of a folder tree to translate, and where their outputs go under -o."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dragoman.errors import InputError
from dragoman.pipeline.inputlist import InputList


@dataclass
class FolderWalk:
    """The folders walked with -r and the walk's rules: a walked file's translation keeps, under -o, the file's
    folder relative to its root (``folder_of``), found again from the path rather than held for every file."""

    roots: list[Path] = field(default_factory=list)
    include: Sequence[str] = ()
    skip: str | None = None  # the resolved output folder, never walked
    _real_roots: dict[Path, str] = field(default_factory=dict, repr=False)  # resolved once, not per lookup

    def folder_of(self, path: Path) -> Path | None:
        """``path``'s folder relative to the last root whose walk took it (a file walked from two roots was last
        walked from there), or None for a file no walk took (given by name: its translation goes in -o itself)."""
        for root in reversed(self.roots):
            if path.is_relative_to(root) and self._took(root, path):
                return path.relative_to(root).parent
        return None

    def _took(self, root: Path, path: Path) -> bool:
        """Whether walk_files(root) yields ``path`` and the include rules keep it, without walking."""
        relative = path.relative_to(root)
        if not relative.parts or any(part.startswith(".") for part in relative.parts):
            return False
        real_root = self._real_roots.get(root)
        if real_root is None:
            real_root = self._real_roots[root] = os.path.realpath(root)
        real_folder = os.path.join(real_root, *relative.parent.parts)
        # The walk enters no link to a folder: every folder between root and the file is a real one.
        if os.path.realpath(path.parent) != os.path.normpath(real_folder) or _inside(real_folder, self.skip):
            return False
        if not os.path.isfile(path):
            return False
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, relative.name)
        return not _inside(real, self.skip) and _wanted(relative, self.include)


@dataclass
class FolderInputs:
    """The files to translate, in order, and the walk that found them (None without -r)."""

    files: InputList = field(default_factory=InputList)
    walk: FolderWalk | None = None


def _wanted(relative: Path, include: Sequence[str]) -> bool:
    if include:
        text = relative.as_posix()
        return any(fnmatch.fnmatch(relative.name, p) or fnmatch.fnmatch(text, p) for p in include)
    from dragoman.formats import format_for_path

    try:
        format_for_path(relative)
    except InputError:
        return False  # a walk takes the files some reader knows (images and the like are not documents)
    return relative.suffix != ""


def _inside(real: str, skip: str | None) -> bool:
    """Whether the resolved path ``real`` is the folder ``skip`` or lies under it."""
    if skip is None:
        return False
    return real == skip or real.startswith(skip if skip.endswith(os.sep) else skip + os.sep)


def _entries(folder: str) -> list[tuple[str, bool, bool]]:
    """(name, a folder to enter, a symbolic link) of each entry, sorted by name; nothing when unreadable."""
    try:
        with os.scandir(folder) as scan:
            found = []
            for entry in scan:
                try:
                    found.append((entry.name, entry.is_dir(follow_symlinks=False), entry.is_symlink()))
                except OSError:
                    continue
    except OSError:
        return []
    found.sort()
    return found


def walk_files(root: Path, skip: str | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, its path relative to ``root``) for the files of a folder tree, in ``sorted(root.rglob("*"))`` order.

    Hand-written rather than rglob: rglob keeps a set of every path it yielded and the order needs the whole
    tree sorted, a Path object per file of an archive held at once. Here a folder's names are sorted and walked
    depth first, which is the same order (Paths compare part by part, and a folder's parts are a prefix of its
    files'), holding one folder's names per level. As rglob: symbolic links to folders are not entered, links to
    files are kept. Hidden entries (a leading dot) are passed over without entering them, and so is ``skip`` (a
    resolved folder: the output folder), including a root inside it and links to files in it.
    """
    real_root = os.path.realpath(root)
    if _inside(real_root, skip):
        return
    # One level per folder being walked: its path, its path relative to root, its resolved path, its entries.
    stack: list[tuple[str, str, str, Iterator[tuple[str, bool, bool]]]] = [
        (os.fspath(root), "", real_root, iter(_entries(os.fspath(root))))
    ]
    while stack:
        folder, relative, real, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name, is_folder, is_link = entry
        if name.startswith("."):
            continue
        path = os.path.join(folder, name)
        inner = f"{relative}/{name}" if relative else name
        if is_folder:
            real_folder = os.path.join(real, name)  # not a link: its resolved path is its parent's plus its name
            if not _inside(real_folder, skip):
                stack.append((path, inner, real_folder, iter(_entries(path))))
            continue
        if not os.path.isfile(path):
            continue  # a link to a folder or to nothing, a socket, a fifo
        if skip is not None and _inside(os.path.realpath(path) if is_link else os.path.join(real, name), skip):
            continue
        yield root / inner, Path(inner)


def expand_inputs(
    paths: Sequence[str | os.PathLike[str]], recursive: bool, include: Sequence[str] = (), outdir: Path | None = None
) -> FolderInputs:
    """Files as given; a folder (with ``recursive``) walked in sorted order, hidden entries and the output
    folder skipped, files kept by ``include`` patterns (``*.docx``, ``news/*.md``) or else by having a reader.

    A folder without ``recursive`` is left in the list: reading it gives the usual one-line error.
    """
    result = FolderInputs()
    skip = os.path.realpath(outdir) if outdir is not None else None
    walk = FolderWalk(include=include, skip=skip)
    for given in paths:
        if not (recursive and os.path.isdir(given)):
            result.files.append(given)
            continue
        root = Path(given)
        walk.roots.append(root)
        result.walk = walk
        for found, relative in walk_files(root, skip):
            if _wanted(relative, include):
                result.files.append(found)
    return result
