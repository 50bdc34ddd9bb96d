"""Test helpers: a loopback HTTP server for package indexes and downloads, and builders of small Argos packages.

In a test module::

    from helpers.package_server import PackageServer, build_package_bytes

    @pytest.fixture
    def server() -> Iterator[PackageServer]:
        with PackageServer() as running:
            yield running
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes
    content_type: str = "application/octet-stream"
    # The first `fail_first` requests get `fail_status` (e.g. a flaky mirror answering 500 once).
    fail_first: int = 0
    fail_status: int = 500
    # Announce the full Content-Length but send only this many bytes, then hang up.
    truncate_to: int | None = None
    # Send no Content-Length header at all (the body ends when the connection closes).
    no_length: bool = False
    hits: int = 0


@dataclass
class PackageServer:
    """An HTTP server on 127.0.0.1 (port chosen by the OS) serving registered paths from memory."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> PackageServer:
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server_self.requests.append(self.path)
                route = server_self.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits += 1
                if route.hits <= route.fail_first:
                    self.send_error(route.fail_status)
                    return
                body = route.body
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                if not route.no_length:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if route.truncate_to is not None:
                    body = body[: route.truncate_to]
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (once per test) fast.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> PackageServer:  # noqa: PYI034 - Self needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, body: bytes, **options: Any) -> str:
        """Serve `body` at `path`; returns its URL."""
        self.routes[path] = Route(body=body, **options)
        return self.url(path)

    def add_index(self, entries: list[Any], path: str = "/index.json", **options: Any) -> str:
        return self.add(path, json.dumps(entries).encode("utf-8"), content_type="application/json", **options)

    def hits(self, path: str) -> int:
        return self.routes[path].hits


def package_metadata(from_code: str = "en", to_code: str = "zz", version: str = "1.0", **extra: Any) -> dict[str, Any]:
    """metadata.json of an Argos translation package, with Argos's field names."""
    data: dict[str, Any] = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": "English",
        "to_code": to_code,
        "to_name": "Toy",
        "type": "translate",
        "code": f"translate-{from_code}_{to_code}",
    }
    data.update(extra)
    return data


def package_files(
    from_code: str = "en", to_code: str = "zz", version: str = "1.0", *, metadata: Any = None
) -> dict[str, bytes]:
    """The files of a structurally valid (not runnable) package, relative to its top folder."""
    meta = package_metadata(from_code, to_code, version) if metadata is None else metadata
    return {
        "metadata.json": json.dumps(meta).encode("utf-8"),
        "model/model.bin": b"\x00fake-ctranslate2-weights\x00" * 4,
        "model/config.json": b"{}",
        "model/shared_vocabulary.json": b'["<unk>", "<s>", "</s>", "a"]',
        "sentencepiece.model": b"\x0afake-sentencepiece",
        "README.md": b"# Test package\n",
    }


def zip_bytes(files: dict[str, bytes], top: str | None = None) -> bytes:
    """A zip holding `files` (under folder `top` when given, as Argos packages are)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if top:
            archive.writestr(zipfile.ZipInfo(f"{top}/"), b"")
        for name, data in files.items():
            archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


def build_package_bytes(
    from_code: str = "en", to_code: str = "zz", version: str = "1.0", *, metadata: Any = None
) -> bytes:
    """A structurally valid .argosmodel (one top folder, Argos layout) as bytes."""
    top = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    return zip_bytes(package_files(from_code, to_code, version, metadata=metadata), top=top)


def build_package(dest_dir: Path, from_code: str = "en", to_code: str = "zz", version: str = "1.0") -> Path:
    """Write a structurally valid .argosmodel file into dest_dir and return its path."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / f"translate-{from_code}_{to_code}-{version.replace('.', '_')}.argosmodel"
    path.write_bytes(build_package_bytes(from_code, to_code, version))
    return path


def index_entry(
    from_code: str, to_code: str, version: str, links: list[str], *, body: bytes | None = None, **extra: Any
) -> dict[str, Any]:
    """An index entry with Argos's fields; given `body`, also dragoman's optional size and sha256."""
    entry: dict[str, Any] = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": "English",
        "to_code": to_code,
        "to_name": "Toy",
        "links": links,
        "code": f"translate-{from_code}_{to_code}",
    }
    if body is not None:
        entry["size"] = len(body)
        entry["sha256"] = hashlib.sha256(body).hexdigest()
    entry.update(extra)
    return entry


def tree(root: Path) -> list[str]:
    """Every path under root, relative and sorted (to assert nothing else was written)."""
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def snapshot(root: Path) -> set[str]:
    return set(tree(root))


def written_outside_packages(tmp_path: Path, before: set[str]) -> list[str]:
    """Paths under tmp_path created since `before`, except packages_dir() itself, its parents and contents."""
    from dragoman import config

    packages_rel = config.packages_dir().relative_to(tmp_path).as_posix()
    return sorted(
        p
        for p in snapshot(tmp_path) - before
        if not (packages_rel + "/").startswith(p + "/") and not p.startswith(packages_rel + "/")
    )


def corrupt_package_bytes() -> bytes:
    """A package whose model.bin data is damaged: the zip opens, the CRC check fails."""
    body = bytearray(build_package_bytes())
    start = bytes(body).index(b"model/model.bin") + len(b"model/model.bin") + 2
    for i in range(start, start + 6):
        body[i] ^= 0xFF
    return bytes(body)


def installed_dirs() -> list[str]:
    """Names in packages_dir(), without dragoman's dot-files (.lock, work directories)."""
    from dragoman import config

    root = config.packages_dir()
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []
