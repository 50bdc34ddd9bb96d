"""Every file README.md uses is shipped in examples/ (or is a shipped glossary in glossaries/)."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
sys.path.insert(0, str(REPO / "tools"))
from readme_transcript import blocks  # noqa: E402

# Plus the toy model package, which the README introduces as the one the suite runs on (it lives with the tests
# because tools/build_test_model.py rebuilds it there).
SHIPPED = ("examples/", "glossaries/", "tests/data/translate-en_zz-1_0.argosmodel")


def transcript_commands() -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    return [lines[i][2:] for start, end, _ in blocks(lines) for i in range(start, end) if lines[i].startswith("$ ")]


def test_every_examples_file_the_readme_names_is_shipped() -> None:
    text = README.read_text(encoding="utf-8")
    written = set(re.findall(r"^wrote (examples/[\w.-]+)", text, re.MULTILINE))  # outputs of the transcript
    named = sorted(set(re.findall(r"\bexamples/[\w.-]+", text)) - written)
    assert named, "README.md names no examples/ file"
    assert [name for name in named if not (REPO / name).is_file()] == []


def test_transcript_commands_read_only_shipped_files() -> None:
    used = [
        token
        for command in transcript_commands()
        for token in shlex.split(command, comments=True)
        if "/" in token and not token.startswith("-") and (REPO / token).is_file()
    ]
    assert used, "no transcript command reads a file"
    assert [token for token in used if not token.startswith(SHIPPED)] == []
