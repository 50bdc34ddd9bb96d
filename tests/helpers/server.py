"""Start `dragoman serve` for a test: a child process on a free loopback port, with its own DRAGOMAN_HOME holding
the toy model (en->zz, and the same model relabelled en->id for clients that only know real language codes)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.toy import TOY_PACKAGE

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def relabelled_toy(folder: Path, source: str, target: str) -> Path:
    """The toy package under other language codes (its metadata and folder name changed, the model as is)."""
    stem = f"translate-{source}_{target}-1_0"
    out = folder / f"{stem}.argosmodel"
    with zipfile.ZipFile(TOY_PACKAGE) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename.replace("translate-en_zz-1_0", stem)
            if name.endswith("metadata.json"):
                meta = json.loads(data)
                meta.update(from_code=source, to_code=target, code=f"translate-{source}_{target}")
                data = json.dumps(meta).encode()
            dst.writestr(name, data)
    return out


def server_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DRAGOMAN_HOME=str(home / "dragoman-home"),
        PYTHONUNBUFFERED="1",
        ARGOS_PACKAGES_DIR=str(home / "argos-packages"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        NO_COLOR="1",
    )
    for name in ("DRAGOMAN_GLOSSARY", "DRAGOMAN_CACHE", "DRAGOMAN_PACKAGE_INDEX"):
        env.pop(name, None)
    return env


def install_toys(home: Path, extra: tuple[tuple[str, str], ...] = ()) -> None:
    """Install the toy as en->zz, en->id and ms->en into ``home`` (so ms->zz is a pivot through English), in a
    child process, so that this process's settings stay as they are."""
    home.mkdir(parents=True, exist_ok=True)
    indonesian = relabelled_toy(home, "en", "id")
    ms_en = relabelled_toy(home, "ms", "en")
    more = [str(relabelled_toy(home, source, target)) for source, target in extra]
    code = "import sys\nfrom dragoman import packages\nfor path in sys.argv[1:]:\n    packages.install_file(path)\n"
    subprocess.run(
        [sys.executable, "-c", code, str(TOY_PACKAGE), str(indonesian), str(ms_en), *more],
        env=server_env(home),
        check=True,
        timeout=120,
    )


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def get(self, path: str, timeout: float = 30) -> tuple[int, Any, dict[str, str]]:
        return request(self.url + path, timeout=timeout)

    def post_json(self, path: str, body: Any, timeout: float = 60) -> tuple[int, Any, dict[str, str]]:
        data = json.dumps(body).encode()
        return request(self.url + path, data, {"Content-Type": "application/json"}, timeout=timeout)

    def stats(self) -> dict[str, int]:
        return self.get("/stats")[1]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def request(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    timeout: float = 60,
) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON body or text, headers) of one HTTP request; errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, raw, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        status, raw, got = err.code, err.read(), dict(err.headers)
    try:
        return status, json.loads(raw), got
    except ValueError:
        return status, raw.decode("utf-8", "replace"), got


def raw_exchange(url: str, head: bytes, body: bytes = b"", timeout: float = 30) -> tuple[int, bytes]:
    """Send ``head`` (and ``body``) on a plain socket and read the answer: (status, body). For requests that a
    client library would refuse to send or that the server answers before they are complete."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        try:
            sock.sendall(body)
        except OSError:
            pass  # the server answered and closed before the body was all sent
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head_part, _, rest = data.partition(b"\r\n\r\n")
                length = [line for line in head_part.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= int(length[0].split(b":")[1]):
                    break
    head_part, _, rest = data.partition(b"\r\n\r\n")
    return int(head_part.split(b" ")[1]), rest


@contextmanager
def running_server(home: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``dragoman serve ARGS`` on a free loopback port (``env``: more environment variables); stopped (and waited
    for) on exit."""
    port = free_port()
    log_path = home / f"server-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dragoman", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env={**server_env(home), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(f"dragoman serve exited with {process.returncode}:\n{server.log()}")
            try:
                if server.get("/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"dragoman serve did not start in {START_TIMEOUT_S} s:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
