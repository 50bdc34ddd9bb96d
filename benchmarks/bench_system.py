"""Start-up time, install footprint and matching figures for bench_translate.py (also runnable on its own).

.venv/bin/python benchmarks/bench_system.py            # start-up + footprint + matching
.venv/bin/python benchmarks/bench_system.py --no-footprint
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Modules that must not be imported by a command that does not translate (start-up cost, issue 5).
HEAVY = ("ctranslate2", "sentencepiece", "numpy", "torch", "markdown_it", "pysbd", "sqlite3")


def _time(cmd: list[str], env: dict[str, str], runs: int, cwd: str | None = None) -> float:
    """Median wall-clock seconds of ``runs`` runs (after one untimed run that warms the page cache)."""
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def heavy_imports(cmd: list[str], env: dict[str, str], cwd: str | None = None) -> list[str]:
    """Top-level packages from HEAVY that ``python -X importtime ...`` shows being imported."""
    proc = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    found = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", line)
        if match and match.group(1).split(".")[0] in HEAVY:
            found.add(match.group(1).split(".")[0])
    return sorted(found)


def startup(python: str, runs: int = 7) -> dict[str, object]:
    """Median start-up of `dragoman --help` and `dragoman glossary lint glossaries/news.yaml` vs `python -c pass`."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="dragoman-startup-") as tmp:
        env["DRAGOMAN_HOME"] = tmp
        # cwd outside the repository: `python -m dragoman` must find the installed package, not ./dragoman.
        base = _time([python, "-c", "pass"], env, runs, tmp)
        # The floor: importing the two libraries every command needs (the CLI framework and the YAML parser
        # of the home format) and nothing of dragoman's.
        floor = _time([python, "-c", "import click, yaml"], env, runs, tmp)
        cli = [python, "-m", "dragoman"]
        script = shutil.which("dragoman", path=str(Path(python).parent))
        if script:
            cli = [script]
        help_s = _time([*cli, "--help"], env, runs, tmp)
        lint_cmd = [*cli, "glossary", "lint", str(REPO / "glossaries" / "news.yaml")]
        lint_s = _time(lint_cmd, env, runs, tmp)
        heavy_help = heavy_imports([python, "-m", "dragoman", "--help"], env, tmp)
        heavy_lint = heavy_imports([python, "-m", "dragoman", *lint_cmd[len(cli) :]], env, tmp)
    return {
        "python_s": base,
        "floor_s": floor,
        "floor_ratio": floor / base,
        "help_s": help_s,
        "lint_s": lint_s,
        "help_ratio": help_s / base,
        "lint_ratio": lint_s / base,
        "heavy_help": heavy_help,
        "heavy_lint": heavy_lint,
    }


def du_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=True).stdout
    return float(out.split()[0])


def footprint(python3: str = "python3") -> dict[str, object]:
    """`pip install .` (not editable) into a fresh venv; its size (du), and the empty venv's for reference."""
    with tempfile.TemporaryDirectory(prefix="dragoman-footprint-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([python3, "-m", "venv", str(venv)], check=True)
        empty = du_mb(venv)
        t0 = time.perf_counter()
        # A copy of the source tree, so that pip's build leaves nothing in the repository.
        src = Path(tmp) / "src"
        shutil.copytree(
            REPO, src, ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "build", "__pycache__", "tests")
        )
        proc = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", str(src)], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or ["pip failed"])[-1]}
        shutil.rmtree(src)
        total = du_mb(venv)
        # Start-up as a user gets it: a regular install has no editable-install import hook.
        installed = startup(str(venv / "bin" / "python"), runs=5)
        site = next((venv / "lib").glob("python*/site-packages"))
        biggest = sorted(
            (
                (du_mb(p), p.name)
                for p in site.iterdir()
                if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))
            ),
            reverse=True,
        )[:4]
    return {"venv_mb": total, "empty_venv_mb": empty, "install_s": seconds, "biggest": biggest, "startup": installed}


def argos_venv_mb(venv: Path) -> float | None:
    return du_mb(venv) if venv.is_dir() else None


def matching(sizes: tuple[int, ...] = (10_000, 100_000)) -> list[dict[str, float]]:
    """bench_matching.py's figures: load, build and match over the whole NTREX English text."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_matching  # type: ignore[import-not-found]

    from dragoman.glossary.match import TermMatcher
    from dragoman.glossary.yamlio import load_glossary

    text = bench_matching.NTREX.read_text(encoding="utf-8")
    real = bench_matching._real_phrases(text, 2000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"g{size}.yaml"
            path.write_text(bench_matching.generated_yaml(size, real), encoding="utf-8")
            t0 = time.perf_counter()
            glossary = load_glossary(path)
            t1 = time.perf_counter()
            matcher = TermMatcher.from_glossary(glossary, "en")
            t2 = time.perf_counter()
            found = matcher.find(text)
            t3 = time.perf_counter()
            rows.append(
                {"entries": size, "load_s": t1 - t0, "build_s": t2 - t1, "match_s": t3 - t2, "matches": len(found)}
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-footprint", action="store_true")
    args = parser.parse_args()
    print(startup(sys.executable))
    if not args.no_footprint:
        print(footprint())
    for row in matching():
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
