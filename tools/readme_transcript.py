"""Regenerate README.md's console transcripts by running their commands (llm uses cog the same way).

Every ```console block that follows a ``<!-- transcript -->`` line is generated: its ``$ command`` lines are kept,
the text under each is replaced by what the command prints (stdout and stderr, as a terminal shows them). All
blocks run in order in ONE sandbox: a temporary directory holding copies of examples/ and glossaries/ and the
repository's tests/ (for the toy model), with DRAGOMAN_HOME inside it, shown as /home/me/.local/share/dragoman.
A block after ``<!-- transcript: needs apertium -->`` needs the `apertium` command (and its eng-spa pair).

    python tools/readme_transcript.py            # rewrite README.md
    python tools/readme_transcript.py --check    # exit 1 and show a diff when README.md differs (CI)

What may differ from machine to machine is compared as a placeholder by --check, so CI fails on drift, never on
the CPU: timings ("(0.4 s)"), file sizes ("48.0 KiB") and the rates of `models probe`'s table (int8 decoding differs across CPUs in its last
digits; tests/helpers/toy.py says what the tests guarantee about them). Everything else must match byte for byte.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
MARKER = re.compile(r"^<!-- transcript(?:: needs (?P<needs>[\w-]+))? -->$")
SHOWN_HOME = "/home/me/.local/share/dragoman"
# Masked by --check: timings, and the percentages of the probe table (rows "  FORM  NN%  NN%  NN%").
TIMING = re.compile(r"\(\d+(?:\.\d+)? s\)")
SIZE = re.compile(r"\b\d+(?:\.\d+)? (?:B|KiB|MiB|GiB)\b")  # SQLite's file size depends on its version
PROBE_ROW = re.compile(r"^(  \S+\s+)\d+%(\s+)\d+%(\s+)\d+%")


def blocks(lines: list[str]) -> list[tuple[int, int, str | None]]:
    """(first line inside the ``` fence, the closing fence's line, what it needs) of every generated block."""
    found = []
    for index, line in enumerate(lines):
        match = MARKER.match(line.strip())
        if match is None:
            continue
        fence = index + 1
        if fence >= len(lines) or lines[fence].strip() != "```console":
            raise SystemExit(f"README.md:{index + 1}: a transcript marker must be followed by a ```console block")
        end = next((i for i in range(fence + 1, len(lines)) if lines[i].strip() == "```"), None)
        if end is None:
            raise SystemExit(f"README.md:{fence + 1}: the console block is not closed")
        found.append((fence + 1, end, match.group("needs")))
    return found


def sandbox() -> Path:
    root = Path(tempfile.mkdtemp(prefix="dragoman-readme-"))
    for folder in ("examples", "glossaries"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "tests").symlink_to(REPO / "tests")  # read only: the toy model and the check fixture
    (root / "home").mkdir()
    return root


def run(command: str, root: Path) -> str:
    env = dict(os.environ)
    env.update(
        DRAGOMAN_HOME=str(root / "home" / "dragoman"),
        HOME=str(root / "home"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",  # stdout and stderr interleave as on a terminal
        NO_COLOR="1",
        COLUMNS="120",
    )
    env.pop("DRAGOMAN_GLOSSARY", None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return done.stdout.replace(str(root / "home" / "dragoman"), SHOWN_HOME).replace(f"{root}/", "")


def generate(lines: list[str]) -> list[str]:
    out = list(lines)
    root = sandbox()
    try:
        # Last block first, so that earlier line numbers stay valid while blocks change length.
        results: list[tuple[int, int, list[str]]] = []
        for start, end, needs in blocks(lines):
            if needs is not None and shutil.which(needs) is None:
                print(f"warning: {needs} is not installed: README.md:{start} kept as it is", file=sys.stderr)
                continue
            body: list[str] = []
            for index in range(start, end):
                line = lines[index]
                if not line.startswith("$ "):
                    continue  # the old output
                if body and not lines[index - 1].strip():
                    body.append("")  # a blank line before a command separates steps: kept
                body.append(line)
                command = line[2:].split("  #", 1)[0]
                printed = run(command, root)
                body.extend(printed.splitlines())
            while body and body[-1] == "":
                body.pop()
            results.append((start, end, body))
        for start, end, body in reversed(results):
            out[start:end] = body
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def masked(lines: list[str]) -> list[str]:
    return [PROBE_ROW.sub(r"\1NN%\2NN%\3NN%", SIZE.sub("N B", TIMING.sub("(N s)", line))) for line in lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    lines = text.split("\n")
    new = generate(lines)
    if args.check:
        if masked(new) == masked(lines):
            print("README.md transcripts match what the commands print")
            return 0
        diff = difflib.unified_diff(masked(lines), masked(new), "README.md", "README.md (generated)", lineterm="")
        print("\n".join(diff))
        print("README.md differs from what its commands print: run python tools/readme_transcript.py", file=sys.stderr)
        return 1
    README.write_text("\n".join(new), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
