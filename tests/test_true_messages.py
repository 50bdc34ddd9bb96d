"""Issue 15 items 11-12 (not the memory's): no traceback for an undecodable file name in a report, and messages
that say what is true (a term lint would flag, a wrongly typed package field, a broken model, a broken config)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import config, packages
from dragoman.cli import cli
from dragoman.errors import PackageError
from dragoman.packages.model import check_metadata


def invoke(*args: Any, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def toy() -> list[tuple[str, str]]:
    packages.install_file(TOY_PACKAGE)
    return toy_cases()


def test_undecodable_file_name_in_the_report(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(toy[0][0].encode("utf-8") + b"\n")
    name = os.fsdecode(raw)
    report = tmp_path / "r.json"
    result = invoke("translate", name, "--to", "zz", "--report", report, "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))  # valid UTF-8 JSON
    assert os.fsencode(data["outputs"][0]["input"]) == raw  # the name's bytes come back
    assert os.path.exists(os.fsencode(tmp_path) + b"/caf\xe9.zz.txt")
    result = invoke("translate", name, "--to", "zz", "--json", "-q")
    assert result.exit_code == 0
    assert os.fsencode(json.loads(result.output)["outputs"][0]["input"]) == raw


@pytest.mark.parametrize(
    ("term", "why"),
    [
        ("en=\tTehran", "control character U+0009"),
        ("en= Tehran", "leading or trailing space"),
        ("en=Tehran\u200c", "leading or trailing space"),
    ],
)
def test_glossary_add_refuses_what_lint_flags(tmp_path: Path, term: str, why: str) -> None:
    desk = tmp_path / "desk.yaml"
    assert invoke("glossary", "new", desk, "--langs", "en,fa").exit_code == 0
    before = desk.read_bytes()
    result = invoke("glossary", "add", desk, "--term", term, "--term", "fa=تهران")
    assert result.exit_code == 2
    assert why in result.output
    assert desk.read_bytes() == before
    assert invoke("glossary", "add", desk, "--term", "en=Tehran", "--term", "fa=تهران").exit_code == 0
    assert invoke("glossary", "lint", desk).exit_code == 0


def test_a_wrongly_typed_code_is_not_called_missing() -> None:
    with pytest.raises(PackageError) as err:
        check_metadata({"from_code": 5, "to_code": "zz", "package_version": "1.0"}, "pkg")
    assert "from_code must be a language code string" in str(err.value) and "int 5" in str(err.value)
    assert "missing" not in str(err.value)
    with pytest.raises(PackageError, match="missing 'from_code'"):
        check_metadata({"to_code": "zz", "package_version": "1.0"}, "pkg")


def test_a_missing_model_bin_is_named(toy: list[tuple[str, str]]) -> None:
    (model_bin,) = config.packages_dir().glob("*/model/model.bin")
    model_bin.unlink()
    result = invoke("translate", "--to", "zz", input=toy[0][0] + "\n")
    assert result.exit_code == 1
    assert "the en->zz model cannot be used" in result.output and "no model/model.bin" in result.output
    assert "installed: none" not in result.output
    assert "dragoman models install en zz" in result.output


def test_a_broken_model_does_not_blame_the_compute_type(
    toy: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctranslate2

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("Unsupported model spec: invalid field 'decoder' in config.json")

    monkeypatch.setattr(ctranslate2, "Translator", broken)
    result = invoke("translate", "--to", "zz", "--no-memory", input=toy[0][0] + "\n")
    assert result.exit_code == 1
    assert "cannot load the model" in result.output and "reinstall it" in result.output
    assert "--compute-type" not in result.output

    def refuses_type(*args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"Requested {kwargs['compute_type']} compute type, but the target device does not support it")

    monkeypatch.setattr(ctranslate2, "Translator", refuses_type)
    result = invoke("translate", "--to", "zz", "--no-memory", "--compute-type", "int8", input=toy[0][0] + "\n")
    assert result.exit_code == 1
    assert "try --compute-type float32" in result.output
    assert "--compute-type int8" not in result.output


def test_models_remove_on_a_read_only_home(toy: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import filelock

    def read_only(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(config.packages_dir() / ".lock"))

    # root ignores chmod, so the read-only home is simulated where the lock file would be created.
    monkeypatch.setattr(filelock.FileLock, "acquire", read_only)
    result = invoke("models", "remove", "en", "zz")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "cannot change the models in" in result.output and "Permission denied" in result.output
    assert list(config.packages_dir().glob("*/model/model.bin"))  # nothing removed
