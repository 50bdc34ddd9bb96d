"""Reading input documents safely: refuse missing, empty, binary and non-UTF-8 input with the fix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from dragoman.errors import InputError

_SNIFF_BYTES = 8192
_CONTROL_RATIO = 0.30  # past this share of control bytes a file is not text
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONVERT = "convert it to UTF-8 first, e.g. 'iconv -f WINDOWS-1252 -t UTF-8 IN > OUT'"


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` (the bytes before it are valid)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def decode_text(data: bytes, name: str) -> str:
    """The text of ``data``: UTF-8, one leading BOM removed, newlines exactly as they are."""
    if data.startswith(_UTF16_BOMS) and not data.startswith(_UTF8_BOM):
        raise InputError("is UTF-16, not UTF-8", name, hint=_CONVERT.replace(
            "WINDOWS-1252", "UTF-16"))
    data = data.removeprefix(_UTF8_BOM)
    if not data.strip():
        raise InputError("is empty: nothing to translate", name,
                         hint="give a file with text in it")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _line_column(data, nul)
        raise InputError("looks binary (NUL byte), not a text document", name, line, column,
                         hint="give a UTF-8 text, Markdown or HTML file")
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if (byte < 0x20 or byte == 0x7F)
                   and byte not in _TEXT_CONTROLS)
    if controls > _CONTROL_RATIO * len(sample):
        raise InputError("looks binary (mostly control characters), not a text document", name,
                         hint="give a UTF-8 text, Markdown or HTML file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _line_column(data, err.start)
        raise InputError(f"is not valid UTF-8 (byte 0x{data[err.start]:02x})", name, line,
                         column, hint=_CONVERT) from None


def read_text_file(path: str | Path) -> str:
    """Read a document for translation; InputError (file:line:col, fix) if it cannot be used."""
    return decode_text(read_input_bytes(path), str(path))


def read_input_bytes(path: str | Path) -> bytes:
    """The bytes of an input file (a DOCX/ODT container is read this way); InputError if unreadable."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", name, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", name,
                         hint="give the files inside it, e.g. DIR/*.md, or translate the folder with -r") from None
    except PermissionError:
        raise InputError("cannot be read: permission denied", name,
                         hint="check the file's permissions") from None
    except OSError as err:
        raise InputError(f"cannot be read: {err.strerror or err}", name) from None


def read_stdin(stream: BinaryIO | None = None, name: str = "<stdin>") -> str:
    """Read a whole document from standard input (bytes, decoded with the same checks)."""
    source = stream if stream is not None else sys.stdin.buffer
    return decode_text(source.read(), name)
