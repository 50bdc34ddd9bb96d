"""Test isolation: every test gets its own DRAGOMAN_HOME and no network beyond loopback."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dragoman-home"
    monkeypatch.setenv("DRAGOMAN_HOME", str(home))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos-packages"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("DRAGOMAN_GLOSSARY", raising=False)
    monkeypatch.delenv("DRAGOMAN_CACHE", raising=False)
    monkeypatch.delenv("DRAGOMAN_PACKAGE_INDEX", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


_REPORT_VALIDATOR: Any = None


@pytest.fixture(autouse=True)
def reports_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every --report built in any test is validated against the shipped JSON Schema (dragoman/schemas)."""
    from dragoman.pipeline import run

    build = run.build_report

    def validated(*args: Any, **kwargs: Any) -> dict[str, Any]:
        global _REPORT_VALIDATOR
        report: dict[str, Any] = build(*args, **kwargs)
        if _REPORT_VALIDATOR is None:
            import jsonschema

            from dragoman.schemas import load_schema

            schema = load_schema()
            jsonschema.Draft202012Validator.check_schema(schema)
            _REPORT_VALIDATOR = jsonschema.Draft202012Validator(schema)
        _REPORT_VALIDATOR.validate(report)
        return report

    monkeypatch.setattr(run, "build_report", validated)


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host in _LOOPBACK or host.startswith("127.")
    return isinstance(address, (str, bytes))  # AF_UNIX paths


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection that leaves the machine fails the test: dragoman works offline."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need a small filesystem or a read-only folder are skipped at collection where this machine cannot
    make one (not root, no mount): decided by a probe, never inside a test body."""
    from helpers.places import PROBES

    for item in items:
        for fixture in PROBES.keys() & set(getattr(item, "fixturenames", ())):
            why = PROBES[fixture]()
            if why is not None:
                item.add_marker(pytest.mark.skip(reason=why))
