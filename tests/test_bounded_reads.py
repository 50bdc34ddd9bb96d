"""Issue 15 item 7: every input is read within a size limit; endless and device inputs get one line, exit 1."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli
from dragoman.errors import GlossaryError, InputError
from dragoman.glossary.files import read_file_bytes
from dragoman.inputs import (
    DEFAULT_MAX_INPUT_SIZE,
    input_size_limit,
    max_input_size,
    parse_size,
    read_stdin,
    read_text_file,
)

_ADDRESS_SPACE = 3 << 30  # a run that tries to hold /dev/zero in memory dies well before the test times out


@pytest.fixture
def toy() -> list[tuple[str, str]]:
    packages.install_file(TOY_PACKAGE)
    return toy_cases()


def invoke(*args: Any, input: Any = None) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def _bounded(*args: str, stdin: Any) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))

    return subprocess.run(
        [sys.executable, "-m", "dragoman", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
        check=False,
    )


def test_dev_zero_on_stdin_is_one_line(toy: list[tuple[str, str]]) -> None:
    with open("/dev/zero", "rb") as zero:
        result = _bounded("translate", "--to", "zz", stdin=zero)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "<stdin>:1:1: looks binary" in result.stderr


def test_endless_text_on_stdin_stops_at_the_limit(toy: list[tuple[str, str]]) -> None:
    yes = subprocess.Popen(["yes", "the market opened"], stdout=subprocess.PIPE)
    try:
        result = _bounded("translate", "--to", "zz", "--max-input-size", "4M", stdin=yes.stdout)
    finally:
        yes.kill()
        yes.wait()
        assert yes.stdout is not None
        yes.stdout.close()
    assert result.returncode == 1
    assert result.stderr == (
        "Error: <stdin>: holds more than the 4.0 MiB limit (an endless stream or a device?) — pass --max-input-size "
        "(e.g. --max-input-size 1G; env DRAGOMAN_MAX_INPUT_SIZE) if it is one document, or split it\n"
    )


def test_dev_zero_as_a_file_and_as_a_glossary(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    result = _bounded("translate", "/dev/zero", "--to", "zz", stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "/dev/zero:1:1: looks binary" in result.stderr
    article = tmp_path / "a.txt"
    article.write_text(toy[0][0] + "\n", encoding="utf-8")
    result = _bounded("translate", str(article), "--to", "zz", "-g", "/dev/zero", stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr == "Error: /dev/zero:1: this is a binary file, not a YAML glossary — give a UTF-8 YAML file\n"


def test_a_file_over_the_limit(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    article = tmp_path / "a.txt"
    article.write_text((toy[0][0] + "\n") * 2000, encoding="utf-8")
    result = invoke("translate", article, "--to", "zz", "--max-input-size", "16k")
    assert result.exit_code == 1
    assert f"error: {article}: is too large (" in result.output and "the limit is 16.0 KiB)" in result.output
    glossary = tmp_path / "g.yaml"
    glossary.write_text("version: 1\nlanguages: [en, zz]\nentries: []\n" + "# pad\n" * 4000, encoding="utf-8")
    result = invoke("translate", article, "--to", "zz", "--max-input-size", "1M", "-g", glossary, "-q")
    assert result.exit_code == 0, result.output
    result = invoke("translate", article, "--to", "zz", "--max-input-size", "20k", "-g", glossary)
    assert result.exit_code == 1
    assert f"{glossary}: is too large" in result.output


def test_limit_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_input_size() == DEFAULT_MAX_INPUT_SIZE
    monkeypatch.setenv("DRAGOMAN_MAX_INPUT_SIZE", "1k")
    assert max_input_size() == 1024
    path = tmp_path / "a.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="is too large"):
        read_text_file(path)
    with pytest.raises(GlossaryError, match="DRAGOMAN_MAX_INPUT_SIZE"):
        read_file_bytes(path)
    with input_size_limit(4096):
        assert read_text_file(path) == "x" * 2000
    assert max_input_size() == 1024


class _Endless(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[: len(buffer)] = b"y" * len(buffer)
        return len(buffer)


def test_read_stdin_never_holds_more_than_the_limit() -> None:
    with input_size_limit(3 * 1024 * 1024 + 5), pytest.raises(InputError, match="holds more than the 3.0 MiB"):
        read_stdin(io.BufferedReader(_Endless()))


@pytest.mark.parametrize(
    ("text", "size"), [("500000", 500000), ("64k", 65536), ("100M", 100 << 20), ("1.5G", 3 << 29), ("2 GiB", 2 << 30)]
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "-1", "0", "lots", "5X"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


@pytest.mark.parametrize(
    "args", [("glossary", "lint", "/dev/zero"), ("glossary", "add", "/dev/zero", "--term", "en=x", "--term", "zz=y")]
)
def test_glossary_commands_on_dev_zero(args: tuple[str, ...]) -> None:
    result = _bounded(*args, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr == "Error: /dev/zero:1: this is a binary file, not a YAML glossary — give a UTF-8 YAML file\n"


def test_a_file_is_read_in_its_size_not_the_limit(tmp_path: Path) -> None:
    """An archive run reads thousands of small files: each read allocates the file's size, never the limit."""
    import tracemalloc

    from dragoman.inputs import read_limited

    path = tmp_path / "article.txt"
    path.write_bytes(b"Kuala Lumpur.\n" * 100)
    tracemalloc.start()
    try:
        data = read_limited(path, limit=64 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == b"Kuala Lumpur.\n" * 100
    assert peak < 1 << 20  # read(limit + 1) allocated all 64 MiB here


def test_a_file_larger_than_its_stat_is_read_whole_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grew after fstat (or a /proc file, which reports size 0) is read on in chunks, still bounded."""
    import os

    from dragoman.inputs import InputTooLarge, read_limited

    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def stale(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10, *st[7:10]))

    monkeypatch.setattr("dragoman.inputs.os.fstat", stale)
    assert read_limited(path, limit=6000) == b"x" * 5000
    with pytest.raises(InputTooLarge):
        read_limited(path, limit=4000)
