"""`dragoman serve` as a command: its help, and the one-line errors it gives before it listens."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli


def test_help_lists_the_options_and_examples() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--glossary-dir", "--api-keys", "--char-limit", "--batch-wait-ms", "--new-key"):
        assert option in result.output
    assert "dragoman serve --port 5000 -g glossaries/news.yaml --glossary-dir desks/" in result.output
    listed = CliRunner().invoke(cli, ["--help"])
    assert "serve" in listed.output and "LibreTranslate-compatible" in listed.output


def test_without_the_server_extra_it_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: dragoman serve needs the server extra (uvicorn is not installed) — run 'pip install \"dragoman[server]\"'"
    )


def test_a_broken_default_glossary_stops_it_with_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "news.yaml"
    broken.write_text("version: 1\nentries:\n  - id: [oops\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "-g", str(broken), "--no-memory"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith(f"Error: {broken}:") and "\n" not in line


def test_new_key_needs_the_key_file() -> None:
    result = CliRunner().invoke(cli, ["serve", "--new-key", "desk"])
    assert result.exit_code == 2
    assert "--new-key needs --api-keys FILE" in result.stderr
