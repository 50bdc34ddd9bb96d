"""A `dragoman translate` killed halfway keeps what it finished: the next run takes it from the memory."""

from __future__ import annotations

import json
import os
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

LINES = 1000


def article(path: Path) -> None:
    """Unique sentences the toy model translates cleanly (no integrity retry slows the run)."""
    templates = (
        "The war killed {} people in Gaza last year.",
        "The Islamic government sent {} soldiers.",
        "The new government discussed the difficult talks on {} days.",
    )
    path.write_text("".join(templates[i % 3].format(i + 2) + "\n" for i in range(LINES)), encoding="utf-8")


def run_until_half_then_kill(source: Path) -> int:
    """Start the translation with stderr on a pseudo-terminal (so the progress bar shows "done/total") and
    SIGKILL it as soon as it shows half done; returns the segments it showed finished. The bar moves only
    as chunks are stored, so everything it showed must come back from the memory."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        # One thread: about as fast on any machine, so "halfway" stays well before the end.
        [sys.executable, "-m", "dragoman", "translate", str(source), "--to", "zz", "--threads", "1"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    shown = ""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    shown += os.read(master, 65536).decode("utf-8", "replace")
                except OSError:
                    break  # the process ended (EIO on Linux)
            figures = [int(d) for d, _ in re.findall(r"(\d+)/(\d+)", shown)]
            if figures and max(figures) >= LINES // 2:
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
        [sys.executable, "-m", "dragoman", "translate", str(source), "--to", "zz", "--threads", "1", "--json"],
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
