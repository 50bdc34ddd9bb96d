"""A JSON file read as a stream of parse events (ijson), in memory flat in its size: an archive's report is ~18 MB."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

_T = TypeVar("_T")
Events = Iterator[tuple[str, str, Any]]


def read_events(path: str | os.PathLike[str], consume: Callable[[Events], _T], use_float: bool = False) -> _T:
    """``consume`` the (prefix, event, value) events of the JSON file at ``path``; it must read them to the end,
    where a truncated file or trailing garbage raises, as json.loads would.

    Raises OSError, ValueError when it is not JSON, UnicodeDecodeError (a ValueError) when it is not UTF-8.
    ``consume`` may be called twice: with the C parser, then (see below) the pure-Python one. Numbers with a
    fraction are Decimal, or with ``use_float`` float (then one past float's range is an error, not inf).
    """
    import ijson

    try:
        with open(path, "rb") as handle:
            return consume(iter(ijson.parse(handle, use_float=use_float)))
    except UnicodeDecodeError:
        # ijson's C backend (yajl2_c) refuses a lone surrogate escape ("\udc80"), which dragoman writes for a file
        # name that is not UTF-8 (fsutil.json_text) and json.loads reads back; the pure-Python backend reads it
        # (~10x slower, so only then). Bytes that are not UTF-8 fail in both.
        pass
    except ijson.JSONError as err:
        raise ValueError(str(err)) from None
    with open(path, "rb") as handle:
        try:
            return consume(iter(ijson.get_backend("python").parse(handle, use_float=use_float)))
        except ijson.JSONError as err:
            raise ValueError(str(err)) from None


def top_level_keys(events: Events) -> set[str] | None:
    """The keys of a JSON object (read to its end), or None when the JSON is not an object."""
    if next(events) != ("", "start_map", None):
        for _ in events:
            pass
        return None
    keys: set[str] = set()
    for prefix, event, value in events:
        if not prefix and event == "map_key":
            keys.add(value)
    return keys
