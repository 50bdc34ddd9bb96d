"""`dragoman serve` under load: 16 concurrent clients each posting single NTREX sentences, against the CLI's batched
throughput on the same sentences, with the shape model (build_shape_model.py); loopback only, bounded in time.

    python benchmarks/bench_serve.py                       # 400 sentences, 16 clients
    python benchmarks/bench_serve.py --sentences 200 --clients 16 --libretranslate ~/.cache/dragoman-bench/lt-venv

Prints, measured in one run: the CLI's sentences/s (`dragoman translate` on a file of the sentences, one per line,
its own --json "seconds"), the server's sentences/s (all sentences posted one per request by --clients threads,
wall time from the first request to the last answer, the model already loaded), the ratio server/CLI, p50/p95
latency, and the engine calls the server made. With --libretranslate VENV, the same load through LibreTranslate
(started from that venv on the same Argos package) for a side-by-side ratio.
Both dragoman systems run through dragoman_child.py, which fixes the decoding length (random weights never stop).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NTREX_EN = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"
CHILD = HERE / "dragoman_child.py"
RATIO, STEP = 1.0, 8
START_TIMEOUT_S = 300.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sentences(count: int) -> list[str]:
    lines = [line.strip() for line in NTREX_EN.read_text(encoding="utf-8").splitlines()]
    unique = list(dict.fromkeys(line for line in lines if line and len(line) < 400))
    return unique[:count]


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DRAGOMAN_HOME=str(home / "dragoman-home"),
        ARGOS_PACKAGES_DIR=str(home / "argos-packages"),
        XDG_DATA_HOME=str(home / "xdg"),
        HOME=str(home),
        NO_COLOR="1",
    )
    return env


def dragoman(home: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(CHILD), "--ratio", str(RATIO), "--step", str(STEP), "--", *args]
    return subprocess.run(command, env=env_for(home), capture_output=True, text=True, timeout=timeout, check=True)


def post(url: str, body: dict[str, Any], timeout: float = 600) -> Any:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return json.loads(response.read())


def wait_up(url: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {START_TIMEOUT_S} s")


def load(base: str, texts: list[str], clients: int, target: str) -> dict[str, Any]:
    """Every text in its own request, ``clients`` at a time; (sentences/s, latencies)."""
    queue = list(reversed(texts))
    lock = threading.Lock()
    latencies: list[float] = []

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                text = queue.pop()
            started = time.perf_counter()
            answer = post(base + "/translate", {"q": text, "source": "en", "target": target})
            elapsed = time.perf_counter() - started
            if not isinstance(answer.get("translatedText"), str):
                raise SystemExit(f"unexpected answer: {answer}")
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "sentences": len(texts),
        "wall_s": round(wall, 3),
        "per_s": round(len(texts) / wall, 2),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
    }


def run_dragoman_server(home: Path, texts: list[str], clients: int, wait_ms: float) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        str(CHILD),
        "--ratio",
        str(RATIO),
        "--step",
        str(STEP),
        "--",
        "serve",
        "--port",
        str(port),
        "--no-memory",
        "-q",
        "--batch-wait-ms",
        str(wait_ms),
    ]
    with subprocess.Popen(command, env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        try:
            wait_up(base + "/health", process)
            post(base + "/translate", {"q": "Warm-up.", "source": "en", "target": "fa"})  # the model loaded
            before = json.loads(urllib.request.urlopen(base + "/stats", timeout=10).read())
            result = load(base, texts, clients, "fa")
            after = json.loads(urllib.request.urlopen(base + "/stats", timeout=10).read())
            result["engine_calls"] = after["engine_calls"] - before["engine_calls"]
            result["batches"] = after["batches"] - before["batches"]
            return result
        finally:
            process.terminate()
            process.wait(timeout=30)


def run_libretranslate(venv: Path, home: Path, package: Path, texts: list[str], clients: int) -> dict[str, Any]:
    """LibreTranslate from its own venv, the same package installed into an isolated Argos folder.

    Offline, LibreTranslate starts only when at least two packages are installed (with fewer it tries to fetch the
    package index, for minutes) and each has a sentence-splitter model (else it downloads one). So its copy of the
    shape package gets the toy package's tiny English MiniSBD model, and the same package relabelled fa->en is
    installed beside it (never used: every request is en->fa, one sentence each).
    """
    import zipfile

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(home / "lt")
    python = venv / "bin" / "python"
    toy = REPO / "tests" / "data" / "translate-en_zz-1_0.argosmodel"
    with zipfile.ZipFile(toy) as toy_zip:
        sbd = toy_zip.read("translate-en_zz-1_0/minisbd/en.onnx")
    copies = []
    for source, target in (("en", "fa"), ("fa", "en")):
        copy = home / f"lt-{source}-{target}.argosmodel"
        stem = f"shape-{source}-{target}"
        with zipfile.ZipFile(package) as src, zipfile.ZipFile(copy, "w") as dst:
            root = src.namelist()[0].split("/")[0]
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith("metadata.json"):
                    meta = json.loads(data)
                    meta.update(from_code=source, to_code=target)
                    data = json.dumps(meta).encode()
                if "/minisbd/" not in info.filename:
                    dst.writestr(info.filename.replace(root, stem, 1), data)
            dst.writestr(f"{stem}/minisbd/en.onnx", sbd)
        copies.append(str(copy))
    install = "import sys, argostranslate.package as p\nfor f in sys.argv[1:]: p.install_from_path(f)"
    subprocess.run([str(python), "-c", install, *copies], env=env, check=True, timeout=600)
    command = [
        str(python),
        str(HERE / "libretranslate_child.py"),
        "--ratio",
        str(RATIO),
        "--step",
        str(STEP),
        "--",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--load-only",
        "en,fa",
        "--disable-web-ui",
        "--disable-files-translation",
    ]
    with (
        open(home / "lt.log", "wb") as log,
        subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT) as process,
    ):
        try:
            wait_up(base + "/languages", process)
            post(base + "/translate", {"q": "Warm-up.", "source": "en", "target": "fa"})
            return load(base, texts, clients, "fa")
        except (OSError, SystemExit) as err:
            log.flush()
            tail = (home / "lt.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"LibreTranslate failed ({err}); its log ends:\n{tail}") from None
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batch-wait-ms", type=float, default=10.0)
    parser.add_argument("--libretranslate", type=Path, help="a venv with libretranslate 1.9.x installed")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()

    archive = Path(
        subprocess.run(
            [sys.executable, str(HERE / "build_shape_model.py"), "--archive"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    texts = sentences(args.sentences)
    figures: dict[str, Any] = {"sentences": len(texts), "clients": args.clients}
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-serve-") as tmp:
        home = Path(tmp)
        dragoman(home, "models", "install", str(archive))
        source = home / "sentences.txt"
        source.write_text("\n".join(texts) + "\n", encoding="utf-8")
        started = time.perf_counter()
        cli = dragoman(
            home,
            "translate",
            str(source),
            "--from",
            "en",
            "--to",
            "fa",
            "-o",
            str(home / "out"),
            "--no-memory",
            "-q",
            "--json",
        )
        cli_wall = time.perf_counter() - started
        stats = json.loads(cli.stdout)["stats"]
        figures["cli"] = {
            "seconds": stats["seconds"],
            "wall_s": round(cli_wall, 3),
            "per_s": round(len(texts) / stats["seconds"], 2),
            "engine_calls": stats["engine_calls"],
        }
        figures["serve"] = run_dragoman_server(home, texts, args.clients, args.batch_wait_ms)
        figures["serve_vs_cli"] = round(figures["serve"]["per_s"] / figures["cli"]["per_s"], 3)
        if args.libretranslate:
            figures["libretranslate"] = run_libretranslate(args.libretranslate, home, archive, texts, args.clients)
            figures["serve_vs_libretranslate"] = round(
                figures["serve"]["per_s"] / figures["libretranslate"]["per_s"], 2
            )
    cli_row, serve_row = figures["cli"], figures["serve"]
    print(
        f"{len(texts)} NTREX sentences, en->fa shape model, {args.clients} concurrent clients, one sentence per request"
    )
    print(
        f"  dragoman translate (one batched run): {cli_row['per_s']:8.2f} sentences/s "
        f"({cli_row['seconds']} s, {cli_row['engine_calls']} engine calls)"
    )
    print(
        f"  dragoman serve:                       {serve_row['per_s']:8.2f} sentences/s "
        f"(p50 {serve_row['p50_ms']} ms, p95 {serve_row['p95_ms']} ms, {serve_row['engine_calls']} engine calls "
        f"in {serve_row['batches']} batches)"
    )
    print(f"  serve / CLI: {figures['serve_vs_cli']:.2f} (target >= 0.8)")
    if "libretranslate" in figures:
        lt = figures["libretranslate"]
        print(
            f"  LibreTranslate:                       {lt['per_s']:8.2f} sentences/s "
            f"(p50 {lt['p50_ms']} ms, p95 {lt['p95_ms']} ms)"
        )
        print(f"  serve / LibreTranslate: {figures['serve_vs_libretranslate']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
