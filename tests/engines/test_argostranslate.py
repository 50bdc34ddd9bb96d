"""The optional argostranslate engine: without the extra it fails with the exact install command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.engines import create_engine
from dragoman.engines.argostranslate_engine import EngineUnavailable


@pytest.fixture
def no_argostranslate(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import argostranslate...` raise ImportError, installed or not.
    for name in ("argostranslate", "argostranslate.package", "argostranslate.translate"):
        monkeypatch.setitem(sys.modules, name, None)


def test_missing_extra_names_the_install_command(no_argostranslate: None) -> None:
    with pytest.raises(EngineUnavailable) as info:
        create_engine("argostranslate")
    assert str(info.value) == (
        "the argostranslate engine needs the argostranslate package, which is not installed"
        " — install it with: pip install 'dragoman[argos]'"
    )


def test_cli_reports_the_missing_extra_in_one_line(no_argostranslate: None) -> None:
    result = CliRunner().invoke(cli, ["translate", "--engine", "argostranslate", "--to", "fa"], input="Hello.\n")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the argostranslate engine needs the argostranslate package, which is not installed"
        " — install it with: pip install 'dragoman[argos]'\n"
    )


def test_segments_riding_along_get_one_hypothesis_as_a_plain_translation_does() -> None:
    """argostranslate's n-best is its beam: a rider (BatchOptions.detail False) must not be decoded 4-wide."""
    from dragoman.engines.argostranslate_engine import ArgosTranslateEngine
    from dragoman.engines.base import BatchOptions

    asked: list[tuple[str, int]] = []

    class Translation:
        def hypotheses(self, text: str, num_hypotheses: int) -> list[object]:
            asked.append((text, num_hypotheses))
            return [type("H", (), {"value": f"{text} #{i}", "score": -float(i)})() for i in range(num_hypotheses)]

    engine = ArgosTranslateEngine.__new__(ArgosTranslateEngine)
    engine._translations = {("en", "fa"): Translation()}
    options = BatchOptions(num_hypotheses=4, detail=[False, True])
    hyps = engine.translate_batch(["Plain.", "With a term."], "en", "fa", options)
    assert asked == [("Plain.", 1), ("With a term.", 4)]
    assert [len(h) for h in hyps] == [1, 4]


def test_calibration_applies_to_argostranslates_own_package(tmp_path: Path) -> None:
    """`models probe` calibrates the package argostranslate translates with; the engine points enforcement at it."""
    from helpers.toy import unpack_toy

    from dragoman.engines.argostranslate_engine import ArgosTranslateEngine

    package_dir = unpack_toy(tmp_path / "argos-packages")
    package = type("Package", (), {"from_code": "en", "to_code": "zz", "package_path": package_dir})()
    engine = ArgosTranslateEngine.__new__(ArgosTranslateEngine)
    engine._package_api = type("Api", (), {"get_installed_packages": staticmethod(lambda: [package])})()
    found = engine.calibration_package("en", "zz")
    assert found is not None and (found.path, found.readonly, found.pair) == (package_dir, True, ("en", "zz"))
    assert engine.calibration_package("en", "fa") is None
