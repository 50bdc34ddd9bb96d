"""Reading input documents: refused with file:line:col and the fix, or returned exactly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dragoman.errors import InputError
from dragoman.inputs import decode_text, read_stdin, read_text_file


def test_reads_utf8_exactly_and_strips_one_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nBody \xe2\x80\x9cquoted\xe2\x80\x9d.\rEnd\n")
    assert read_text_file(path) == "Title\r\n\r\nBody “quoted”.\rEnd\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "a.txt: is empty: nothing to translate — give a file with text in it"),
        (b"\xef\xbb\xbf \n\t", "a.txt: is empty: nothing to translate — give a file with text in it"),
        (
            b"ok\nab\x00cd",
            "a.txt:2:3: looks binary (NUL byte), not a text document — give a UTF-8 text, Markdown or HTML file",
        ),
        (
            bytes(range(1, 9)) * 20 + b"text",
            "a.txt: looks binary (mostly control characters), not a text document — give a UTF-8 text, Markdown or HTML file",
        ),
        (
            b"line one\nd\xc3\xa9j\xe0 vu\n",
            "a.txt:2:4: is not valid UTF-8 (byte 0xe0) — convert it to UTF-8 first, e.g. 'iconv -f WINDOWS-1252 -t UTF-8 IN > OUT'",
        ),
        (
            b"\xff\xfeh\x00i\x00",
            "a.txt: is UTF-16, not UTF-8 — convert it to UTF-8 first, e.g. 'iconv -f UTF-16 -t UTF-8 IN > OUT'",
        ),
    ],
)
def test_refused_inputs(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_text_file(path)
    assert str(err.value) == message.replace("a.txt", str(path))


def test_invalid_utf8_location_counts_characters_not_bytes() -> None:
    with pytest.raises(InputError) as err:
        decode_text("ok\nپزشکیان ".encode() + b"\xff", "fa.txt")
    assert (err.value.line, err.value.column) == (2, 9)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: file not found — check the path"):
        read_text_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_text_file(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (CI containers), so the refusal itself is simulated.
    def refuse(path: Path, limit: int | None = None) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("dragoman.inputs.read_limited", refuse)
    with pytest.raises(InputError) as err:
        read_text_file(tmp_path / "secret.txt")
    assert str(err.value).endswith("secret.txt: cannot be read: permission denied — check the file's permissions")


def test_stdin_uses_the_same_checks() -> None:
    assert read_stdin(io.BytesIO(b"Hello.\r\n")) == "Hello.\r\n"
    with pytest.raises(InputError, match="^<stdin>: is empty"):
        read_stdin(io.BytesIO(b""))
