"""A run's input paths packed in one buffer: an archive's list costs its names' bytes, not a Path object each."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload


class InputList(Sequence[Path]):
    """Paths in order, as their names' bytes in one bytearray and where each ends in an array.

    A Path costs ~330 bytes and a str ~60 plus its name; an archive's 200,000 inputs held that way were tens of
    megabytes of the client's memory. Here a name costs its length plus 8 bytes, and a Path is built only when an
    item is read. No library packs strings this way without bringing a larger dependency for one class, hence
    this small hand-written one. Slicing gives an InputList; names go through os.fsencode/os.fsdecode, so any
    name the file system gave (undecodable bytes included) comes back unchanged.
    """

    __slots__ = ("_data", "_ends")

    def __init__(self, paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        for path in paths:
            self.append(path)

    @classmethod
    def of(cls, paths: Iterable[str | os.PathLike[str]]) -> InputList:
        """``paths`` itself when it is an InputList already, else a packed copy."""
        return paths if isinstance(paths, InputList) else cls(paths)

    def append(self, path: str | os.PathLike[str]) -> None:
        self._data += os.fsencode(path)
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def name(self, index: int) -> str:
        """The index-th name as given (a Path built from it may normalise it: ``./a.txt`` is ``a.txt``)."""
        if index < 0:
            index += len(self._ends)
        if not 0 <= index < len(self._ends):
            raise IndexError("InputList index out of range")
        start = self._ends[index - 1] if index else 0
        return os.fsdecode(bytes(self._data[start : self._ends[index]]))

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> InputList: ...

    def __getitem__(self, index: int | slice) -> Path | InputList:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._ends))
            if step != 1:
                return InputList(self.name(i) for i in range(start, stop, step))
            part = InputList()
            if stop <= start:
                return part
            base = self._ends[start - 1] if start else 0
            part._data = self._data[base : self._ends[stop - 1]]
            part._ends = array("Q", (end - base for end in self._ends[start:stop]))
            return part
        return Path(self.name(index))

    def __iter__(self) -> Iterator[Path]:
        start = 0
        for end in self._ends:
            yield Path(os.fsdecode(bytes(self._data[start:end])))
            start = end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, InputList):
            return self._ends == other._ends and self._data == other._data
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and all(Path(a) == b for a, b in zip(other, self))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        shown = ", ".join(repr(self.name(i)) for i in range(min(len(self), 3)))
        return f"InputList([{shown}{', ...' if len(self) > 3 else ''}], {len(self)} paths)"


def read_path_list(name: str, into: InputList | None = None) -> InputList:
    """The paths listed in the file ``name`` (``-``: stdin), one a line as ``tar -T`` and ``rsync --files-from``
    read them, appended to ``into``: blank lines are skipped, a name is taken as it is (spaces kept), relative
    ones from the current folder. Read a line at a time, so a list of hundreds of thousands costs its bytes.

    Raises InputError naming the file (and the line) for a list that cannot be read or holds no path.
    """
    import sys

    from dragoman.errors import InputError

    paths = into if into is not None else InputList()
    shown = "<stdin>" if name == "-" else name
    before = len(paths)
    number = 0
    try:
        handle = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise InputError("list of inputs not found", shown, hint="check the path given to --files-from") from None
    except OSError as err:
        raise InputError(f"cannot read the list of inputs ({err.strerror or err})", shown) from None
    try:
        for number, raw in enumerate(handle, 1):
            line = raw[:-1] if raw.endswith(b"\n") else raw
            line = line[:-1] if line.endswith(b"\r") else line  # a list written on Windows
            if b"\0" in line:
                raise InputError(
                    "a NUL byte in a path: the list is not one path a line",
                    shown,
                    number,
                    hint="write one path per line (find -print, not -print0)",
                )
            if line.strip():
                paths.append(os.fsdecode(line))
    except OSError as err:
        raise InputError(f"cannot read the list of inputs ({err.strerror or err})", shown, number + 1) from None
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    if len(paths) == before:
        raise InputError("the list of inputs names no file", shown, hint="one path per line")
    return paths
