"""Reading input documents safely: refuse missing, empty, binary and non-UTF-8 input with the fix."""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dragoman.errors import InputError

_SNIFF_BYTES = 8192
_CONTROL_RATIO = 0.30  # past this share of control bytes a file is not text
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONVERT = "convert it to UTF-8 first, e.g. 'iconv -f WINDOWS-1252 -t UTF-8 IN > OUT'"


DEFAULT_MAX_INPUT_SIZE = 100 * 1024 * 1024  # far above any article or glossary; far below what exhausts memory
_READ_CHUNK = 1024 * 1024
_limit: contextvars.ContextVar[int | None] = contextvars.ContextVar("dragoman_max_input_size", default=None)
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_LIMIT_HINT = (
    "pass --max-input-size (e.g. --max-input-size 1G; env DRAGOMAN_MAX_INPUT_SIZE) if it is one document, or split it"
)


def parse_size(text: str) -> int:
    """Bytes of a size as people write it: 500000, 64k, 100M, 1.5G (binary units); ValueError if malformed."""
    match = _SIZE_RE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size; write e.g. 100M, 1G or 500000")
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])
    if size <= 0:
        raise ValueError(f"{text!r}: give a size above zero")
    return size


def max_input_size() -> int:
    """The most bytes one input (an article, a glossary, stdin) may hold: --max-input-size, else
    $DRAGOMAN_MAX_INPUT_SIZE, else DEFAULT_MAX_INPUT_SIZE (read when called)."""
    value = _limit.get()
    if value is not None:
        return value
    env = os.environ.get("DRAGOMAN_MAX_INPUT_SIZE")
    if env:
        try:
            return parse_size(env)
        except ValueError:
            pass  # a malformed variable: the default, as if unset (the option parser reports bad values)
    return DEFAULT_MAX_INPUT_SIZE


@contextlib.contextmanager
def input_size_limit(size: int | None) -> Iterator[None]:
    """Within the block, inputs may hold up to ``size`` bytes (None: the environment's or default limit)."""
    token = _limit.set(size)
    try:
        yield
    finally:
        _limit.reset(token)


class InputTooLarge(Exception):
    """Raised by :func:`read_limited`; callers turn it into their own located one-line error."""

    def __init__(self, limit: int, exact: int | None) -> None:
        from dragoman.fsutil import human_size

        self.limit = limit
        if exact is not None:
            self.message = f"is too large ({human_size(exact)}; the limit is {human_size(limit)})"
        else:
            self.message = f"holds more than the {human_size(limit)} limit (an endless stream or a device?)"
        super().__init__(self.message)


def read_limited(source: str | Path | BinaryIO, limit: int | None = None) -> bytes:
    """All bytes of a file or stream, but never more than ``limit`` (default: :func:`max_input_size`).

    A regular file is refused by its size before reading; a device, pipe or stdin is read in 1 MiB chunks
    until the limit, so ``/dev/zero`` or ``yes |`` cost at most the limit, never all memory. A stream whose
    first chunk holds a NUL byte is returned at once: the caller refuses it as binary without reading on.
    """
    limit = max_input_size() if limit is None else limit
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return _read_handle(handle, limit)
    return _read_handle(source, limit)


def _read_handle(handle: BinaryIO, limit: int) -> bytes:
    try:
        st = os.fstat(handle.fileno())
    except (OSError, AttributeError, ValueError):
        st = None  # an in-memory stream (tests, the API)
    if st is not None and stat.S_ISREG(st.st_mode):
        if st.st_size > limit:
            raise InputTooLarge(limit, st.st_size)
        # Its size and one byte more: read(limit + 1) would allocate the whole limit (100 MB) for every file.
        data = handle.read(st.st_size + 1)
        if len(data) <= st.st_size:
            return data
        buffer = bytearray(data)  # grew since fstat: read on in chunks, up to the limit
        if len(buffer) > limit:
            raise InputTooLarge(limit, None)
    else:
        buffer = bytearray()
    while True:
        chunk = handle.read(min(_READ_CHUNK, limit + 1 - len(buffer)))
        if not chunk:
            return bytes(buffer)
        if not buffer and b"\x00" in chunk:
            return chunk  # binary: refused by the decoder, no need to read the rest
        buffer += chunk
        if len(buffer) > limit:
            raise InputTooLarge(limit, None)


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` (the bytes before it are valid)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def decode_text(data: bytes, name: str) -> str:
    """The text of ``data``: UTF-8, one leading BOM removed, newlines exactly as they are."""
    if data.startswith(_UTF16_BOMS) and not data.startswith(_UTF8_BOM):
        raise InputError("is UTF-16, not UTF-8", name, hint=_CONVERT.replace("WINDOWS-1252", "UTF-16"))
    data = data.removeprefix(_UTF8_BOM)
    if not data or data.isspace():  # (not strip(): no copy of a large input)
        raise InputError("is empty: nothing to translate", name, hint="give a file with text in it")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_column(data, nul)
        raise InputError(
            "looks binary (NUL byte), not a text document",
            name,
            line,
            column,
            hint="give a UTF-8 text, Markdown or HTML file",
        )
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS)
    if controls > _CONTROL_RATIO * len(sample):
        raise InputError(
            "looks binary (mostly control characters), not a text document",
            name,
            hint="give a UTF-8 text, Markdown or HTML file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _line_column(data, err.start)
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[err.start]:02x})", name, line, column, hint=_CONVERT
        ) from None


def read_text_file(path: str | Path) -> str:
    """Read a document for translation; InputError (file:line:col, fix) if it cannot be used."""
    return decode_text(read_input_bytes(path), str(path))


def read_input_bytes(path: str | Path) -> bytes:
    """The bytes of an input file (a DOCX/ODT container is read this way); InputError if unreadable."""
    name = str(path)
    try:
        return read_limited(path)
    except InputTooLarge as err:
        raise InputError(err.message, name, hint=_LIMIT_HINT) from None
    except FileNotFoundError:
        raise InputError("file not found", name, hint="check the path") from None
    except IsADirectoryError:
        raise InputError(
            "is a directory, not a file",
            name,
            hint="give the files inside it, e.g. DIR/*.md, or translate the folder with -r",
        ) from None
    except PermissionError:
        raise InputError("cannot be read: permission denied", name, hint="check the file's permissions") from None
    except OSError as err:
        raise InputError(f"cannot be read: {err.strerror or err}", name) from None


def read_stdin(stream: BinaryIO | None = None, name: str = "<stdin>") -> str:
    """Read a whole document from standard input (bytes, decoded with the same checks)."""
    source = stream if stream is not None else sys.stdin.buffer
    try:
        data = read_limited(source)
    except InputTooLarge as err:
        raise InputError(err.message, name, hint=_LIMIT_HINT) from None
    return decode_text(data, name)
