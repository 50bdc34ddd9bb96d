"""Reading input documents safely: refuse missing, empty, binary and non-UTF-8 input with the fix."""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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
        raise _utf16_error(name)
    data = data.removeprefix(_UTF8_BOM)
    if not data or data.isspace():  # (not strip(): no copy of a large input)
        raise _empty_error(name)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul_error(name, *_line_column(data, nul))
    if _mostly_controls(data[:_SNIFF_BYTES]):
        raise _controls_error(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _utf8_error(name, data[err.start], *_line_column(data, err.start)) from None


# The errors of decode_text, also raised by scan_text_file (which reads a large file a block at a time).
def _utf16_error(name: str) -> InputError:
    return InputError("is UTF-16, not UTF-8", name, hint=_CONVERT.replace("WINDOWS-1252", "UTF-16"))


def _empty_error(name: str) -> InputError:
    return InputError("is empty: nothing to translate", name, hint="give a file with text in it")


def _nul_error(name: str, line: int, column: int) -> InputError:
    return InputError(
        "looks binary (NUL byte), not a text document",
        name,
        line,
        column,
        hint="give a UTF-8 text, Markdown or HTML file",
    )


def _mostly_controls(sample: bytes) -> bool:
    controls = sum(1 for byte in sample if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS)
    return controls > _CONTROL_RATIO * len(sample)


def _controls_error(name: str) -> InputError:
    return InputError(
        "looks binary (mostly control characters), not a text document",
        name,
        hint="give a UTF-8 text, Markdown or HTML file",
    )


def _utf8_error(name: str, byte: int, line: int, column: int) -> InputError:
    return InputError(f"is not valid UTF-8 (byte 0x{byte:02x})", name, line, column, hint=_CONVERT)


def read_text_file(path: str | Path) -> str:
    """Read a document for translation; InputError (file:line:col, fix) if it cannot be used."""
    return decode_text(read_input_bytes(path), str(path))


def read_input_bytes(path: str | Path) -> bytes:
    """The bytes of an input file (a DOCX/ODT container is read this way); InputError if unreadable."""
    with _input_errors(str(path)):
        return read_limited(path)
    raise AssertionError("unreachable")  # (for mypy: a context manager may swallow an exception)


@contextlib.contextmanager
def _input_errors(name: str) -> Iterator[None]:
    """A file that is too large, missing or unreadable is an InputError saying so, with the fix."""
    try:
        yield
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


@dataclass(frozen=True)
class TextScan:
    """What :func:`scan_text_file` counted in a good file: its newlines (b"\\n") and its characters."""

    newlines: int
    chars: int


def scan_text_file(path: str | Path) -> TextScan | None:
    """Check a text file as :func:`read_text_file` does, with the same one-line errors in the same order (UTF-16,
    empty, a NUL byte, mostly control characters, invalid UTF-8: line and column in the whole file), reading it
    a block at a time: a large input (a JSON lines archive) is then read a piece at a time, never whole.

    None when it is not a regular file (a pipe cannot be read twice: read_text_file reads it).
    """
    name = str(path)
    with _input_errors(name), open(path, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        limit = max_input_size()
        if st.st_size > limit:
            raise InputTooLarge(limit, st.st_size)
        return _scan(handle, name, limit)
    raise AssertionError("unreachable")  # (for mypy: a context manager may swallow an exception)


def _scan(handle: BinaryIO, name: str, limit: int) -> TextScan:
    head = handle.read(_READ_CHUNK)
    if head.startswith(_UTF16_BOMS) and not head.startswith(_UTF8_BOM):
        raise _utf16_error(name)
    base = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = newlines = chars = 0
    blank = True
    nul: int | None = None  # offsets (after the BOM) of the first NUL byte and the first invalid UTF-8 byte
    bad: int | None = None
    block = head[base:]
    while block:
        blank = blank and block.isspace()
        if nul is None and (found := block.find(b"\x00")) >= 0:
            nul = size + found
        if bad is None:
            pending = len(decoder.getstate()[0])  # an error's start counts the bytes the decoder held back
            try:
                chars += len(decoder.decode(block))
            except UnicodeDecodeError as err:
                bad = size - pending + err.start
        newlines += block.count(b"\n")
        size += len(block)
        if base + size > limit:  # it grew since fstat
            raise InputTooLarge(limit, None)
        block = handle.read(_READ_CHUNK)
    if bad is None:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:  # a truncated character at the end
            bad = size - pending + err.start
    # decode_text's order: what a whole read would report first.
    if blank:
        raise _empty_error(name)
    if nul is not None:
        raise _nul_error(name, *_file_line_column(handle, base, nul))
    if _mostly_controls(head[base : base + _SNIFF_BYTES]):
        raise _controls_error(name)
    if bad is not None:
        handle.seek(base + bad)
        raise _utf8_error(name, handle.read(1)[0], *_file_line_column(handle, base, bad))
    return TextScan(newlines, chars)


def _file_line_column(handle: BinaryIO, base: int, offset: int) -> tuple[int, int]:
    """:func:`_line_column` of byte ``offset`` of a file read from ``base`` (its BOM skipped), a block at a time."""
    handle.seek(base)
    line, line_start, position = 1, 0, 0
    while position < offset:
        block = handle.read(min(_READ_CHUNK, offset - position))
        if not block:
            break
        line += block.count(b"\n")
        last = block.rfind(b"\n")
        if last >= 0:
            line_start = position + last + 1
        position += len(block)
    handle.seek(base + line_start)
    prefix = handle.read(offset - line_start).decode("utf-8", errors="replace")
    return line, len(prefix) + 1


def read_stdin(stream: BinaryIO | None = None, name: str = "<stdin>") -> str:
    """Read a whole document from standard input (bytes, decoded with the same checks)."""
    source = stream if stream is not None else sys.stdin.buffer
    try:
        data = read_limited(source)
    except InputTooLarge as err:
        raise InputError(err.message, name, hint=_LIMIT_HINT) from None
    return decode_text(data, name)
