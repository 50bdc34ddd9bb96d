"""A `dragoman translate` killed halfway keeps what it finished: the next run takes it from the memory."""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.toy import TOY_PACKAGE

from dragoman import packages

pty = pytest.importorskip("pty", reason="a pseudo-terminal shows the progress bar (POSIX only)")

LINES = 1500
WORDS = (
    "the new government discussed difficult talks president met prime minister in kuala lumpur big "
    "delegation visited on monday war killed people last year economic agreement officials said"
).split()


def article(path: Path) -> None:
    rng = random.Random(15)
    lines = [" ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {i}." for i in range(LINES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_until_half_then_kill(source: Path) -> int:
    """Start the translation with stderr on a pseudo-terminal (so the progress bar shows "done/total"),
    SIGKILL it a moment after it shows half done; returns the segments it had shown finished."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dragoman", "translate", str(source), "--to", "zz"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    shown = ""
    half_seen: float | None = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    shown += os.read(master, 65536).decode("utf-8", "replace")
                except OSError:
                    break  # the process ended (EIO on Linux)
            done = [int(d) for d, _ in re.findall(r"(\d+)/(\d+)", shown)]
            if half_seen is None and done and max(done) >= LINES // 2:
                half_seen = time.monotonic()
            # A moment later, not at the instant a figure is printed: a kill at any time keeps the work done.
            if half_seen is not None and time.monotonic() - half_seen > 0.2:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=30)
        # Whatever it printed before it died counts as finished.
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk.decode("utf-8", "replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the run was not killed halfway:\n{shown[-2000:]}"
    return max(int(d) for d, _ in re.findall(r"(\d+)/(\d+)", shown))


@pytest.mark.slow
def test_a_run_killed_halfway_resumes_from_the_memory(tmp_path: Path) -> None:
    packages.install_file(TOY_PACKAGE)
    source = tmp_path / "long.txt"
    article(source)
    finished = run_until_half_then_kill(source)
    assert LINES // 2 <= finished < LINES
    assert not (tmp_path / "long.zz.txt").exists()

    resumed = subprocess.run(
        [sys.executable, "-m", "dragoman", "translate", str(source), "--to", "zz", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    stats = json.loads(resumed.stdout)["stats"]
    assert stats["unique"] == LINES
    assert stats["memory_hits"] >= 0.9 * finished, (stats, finished)
    assert stats["memory_hits"] + stats["translated"] == LINES
    assert len((tmp_path / "long.zz.txt").read_text(encoding="utf-8").splitlines()) == LINES
