"""`dragoman translate DIR -r`: the files of a folder tree to translate, and where their outputs go under -o."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dragoman.errors import InputError


@dataclass
class FolderInputs:
    """The files to translate, in order, and each walked file's folder relative to its root (for -o)."""

    files: list[Path] = field(default_factory=list)
    subdirs: dict[str, Path] = field(default_factory=dict)


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


def expand_inputs(
    paths: Sequence[Path], recursive: bool, include: Sequence[str] = (), outdir: Path | None = None
) -> FolderInputs:
    """Files as given; a folder (with ``recursive``) walked in sorted order, hidden entries and the output
    folder skipped, files kept by ``include`` patterns (``*.docx``, ``news/*.md``) or else by having a reader.

    A folder without ``recursive`` is left in the list: reading it gives the usual one-line error.
    """
    result = FolderInputs()
    skip = outdir.resolve() if outdir is not None else None
    for path in paths:
        if not (recursive and path.is_dir()):
            result.files.append(path)
            continue
        for found in sorted(path.rglob("*")):
            relative = found.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or not found.is_file():
                continue
            if skip is not None and (found.resolve() == skip or skip in found.resolve().parents):
                continue
            if _wanted(relative, include):
                result.files.append(found)
                result.subdirs[str(found)] = relative.parent
    return result
