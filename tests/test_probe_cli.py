"""`dragoman models probe`: calibration measured with a fault-simulating engine, stored, and used by translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_engine import FakeEngine
from helpers.toy import assert_probe_finds_the_trained_family

from dragoman import calibration, packages
from dragoman.cli import cli
from dragoman.commands import probe_cmd
from dragoman.packages import InstalledPackage


@pytest.fixture
def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InstalledPackage:
    pkg = InstalledPackage("en", "zz", "1.0", "1.0", tmp_path / "translate-en_zz-1_0", readonly=False, metadata={})
    pkg.path.mkdir()
    monkeypatch.setattr(packages, "require_installed", lambda s, t: pkg if (s, t) == ("en", "zz") else _missing(s, t))
    monkeypatch.setattr(packages, "find_installed", lambda s, t: pkg if (s, t) == ("en", "zz") else None)
    monkeypatch.setattr(probe_cmd, "make_engine", lambda name, p: FakeEngine())
    return pkg


def _missing(source: str, target: str) -> InstalledPackage:
    from dragoman.errors import ModelError

    raise ModelError(f"no {source}->{target} model installed", f"run 'dragoman models install {source} {target}'")


def test_probe_prints_rates_and_stores_them(fake_package: InstalledPackage) -> None:
    result = CliRunner().invoke(cli, ["models", "probe", "en", "zz"])
    assert result.exit_code == 0, result.output
    path = fake_package.path / "dragoman-calibration.json"
    lines = result.output.splitlines()
    assert lines[0] == "Probed en->zz (translate-en_zz 1.0) with 8 placeholder forms on 10 sentences, 4-best:"
    assert lines[1:10] == [
        "  form       exact  recognised  n-best",
        "  ZXQ{n}      100%        100%    100%  <- chosen",
        "  XTERM{n}X    10%         10%     10%",
        "  __T{n}__      0%        100%    100%",
        "  ⟦{n}⟧         0%        100%    100%",
        "  [[{n}]]     100%        100%    100%",
        "  #{n}#         0%          0%      0%",
        "  <{n}>         0%          0%      0%",
        "  947{n}      100%        100%    100%",
    ]
    assert lines[-1] == f"Saved {path}"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert (stored["form"], stored["rate"], stored["package_version"], stored["num_hypotheses"]) == (
        "ZXQ{n}",
        1.0,
        "1.0",
        4,
    )
    assert stored["rates"][6] == {"form": "<{n}>", "exact": 0.0, "tolerant": 0.0, "nbest": 0.0, "probes": 10}


def test_probe_json_and_translation_uses_it(fake_package: InstalledPackage) -> None:
    result = CliRunner().invoke(cli, ["models", "probe", "en", "zz", "--json", "--form", "[[{n}]]", "--form", "<{n}>"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["form"] == "[[{n}]]" and [r["form"] for r in data["rates"]] == ["[[{n}]]", "<{n}>"]
    assert data["path"] == str(fake_package.path / "dragoman-calibration.json")
    options = calibration.options_for("en", "zz")
    assert (options.placeholder_form, options.calibrated, options.placeholder_rate) == ("[[{n}]]", True, 1.0)


def test_uncalibrated_and_stale_calibration_fall_back_to_default(fake_package: InstalledPackage) -> None:
    options = calibration.options_for("en", "zz")
    assert (options.placeholder_form, options.calibrated, options.placeholder_rate) == ("ZXQ{n}", False, None)
    CliRunner().invoke(cli, ["models", "probe", "en", "zz", "--form", "[[{n}]]"])
    path = fake_package.path / "dragoman-calibration.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["package_version"] = "0.9"  # made for an older package: ignored
    path.write_text(json.dumps(data), encoding="utf-8")
    assert calibration.options_for("en", "zz").calibrated is False
    path.write_text("{not json", encoding="utf-8")
    assert calibration.options_for("en", "zz").calibrated is False
    assert calibration.options_for("en", "fa").placeholder_form == "ZXQ{n}"


def test_no_form_survives_says_so(fake_package: InstalledPackage) -> None:
    result = CliRunner().invoke(cli, ["models", "probe", "en", "zz", "--form", "<{n}>"])
    assert result.exit_code == 0
    assert "No form survives reliably: names will be enforced in context (placeholders tried last)." in result.output


def test_readonly_package_calibration_goes_to_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    pkg = InstalledPackage("en", "zz", "1.0", "1.0", tmp_path / "argos" / "en_zz", readonly=True, metadata={})
    monkeypatch.setattr(packages, "require_installed", lambda s, t: pkg)
    monkeypatch.setattr(packages, "find_installed", lambda s, t: pkg)
    monkeypatch.setattr(probe_cmd, "make_engine", lambda name, p: FakeEngine())
    result = CliRunner().invoke(cli, ["models", "probe", "en", "zz", "--form", "ZXQ{n}"])
    assert result.exit_code == 0, result.output
    assert (isolated_home / "calibration" / "en_zz.json").is_file()
    assert not pkg.path.exists()
    assert calibration.options_for("en", "zz").calibrated is True


def test_bad_arguments_and_missing_model(fake_package: InstalledPackage) -> None:
    runner = CliRunner()
    bad_form = runner.invoke(cli, ["models", "probe", "en", "zz", "--form", "ZXQ"])
    assert bad_form.exit_code == 2 and "--form" in bad_form.output
    bad_code = runner.invoke(cli, ["models", "probe", "english", "zz"])
    assert bad_code.exit_code == 2
    missing = runner.invoke(cli, ["models", "probe", "en", "fa"])
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [
        "Error: no en->fa model installed — run 'dragoman models install en fa'"
    ]


def test_probe_the_installed_toy_model_for_real(isolated_home: Path) -> None:
    """The real path: install the tiny Argos package, probe it with the argos engine, translation picks it up."""
    toy = Path(__file__).parent / "data" / "translate-en_zz-1_0.argosmodel"
    pkg = packages.install_file(toy)
    result = CliRunner().invoke(cli, ["models", "probe", "en", "zz", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["form"], data["package"], data["package_version"]) == ("ZXQ{n}", "translate-en_zz", "1.0")
    rates = {r["form"]: (r["exact"], r["tolerant"], r["nbest"]) for r in data["rates"]}
    assert_probe_finds_the_trained_family(data["form"], rates)  # the figures themselves differ across CPUs
    assert data["rate"] == rates["ZXQ{n}"][2]
    assert data["path"] == str(pkg.path / "dragoman-calibration.json")
    options = calibration.options_for("en", "zz")
    assert (options.placeholder_form, options.calibrated, options.placeholder_rate) == ("ZXQ{n}", True, data["rate"])


def _calibrate(package_dir: Path, form: str) -> None:
    stored = calibration.Calibration(
        source="en", target="zz", form=form, rate=1.0, rates=[], package="translate-en_zz", package_version="1.0"
    )
    calibration.save(stored, package_dir / "dragoman-calibration.json")


def test_enforcement_reads_the_calibration_of_the_package_the_engine_uses(tmp_path: Path) -> None:
    """An engine given its own package directory uses that package's calibration, not the installed one's."""
    from helpers.toy import unpack_toy

    from dragoman.engines.argos import ArgosEngine
    from dragoman.pipeline.routes import Route
    from dragoman.pipeline.translator import CountingEngine, Translator

    installed = packages.install_file(Path(__file__).parent / "data" / "translate-en_zz-1_0.argosmodel")
    _calibrate(installed.path, "[[{n}]]")
    own = unpack_toy(tmp_path / "own")
    _calibrate(own, "ZXQ{n}")
    route = Route("en", "zz", (("en", "zz"),))
    engine = CountingEngine(ArgosEngine(packages={("en", "zz"): own}))
    options = Translator(engine, None).enforce_options(route)
    assert (options.placeholder_form, options.calibrated) == ("ZXQ{n}", True)
    assert engine.calibration_package("en", "zz").path == own  # type: ignore[union-attr]
    # The installed package is what the default engine uses.
    options = Translator(CountingEngine(ArgosEngine()), None).enforce_options(route)
    assert (options.placeholder_form, options.calibrated) == ("[[{n}]]", True)


def test_engines_without_argos_packages_get_the_default_form(tmp_path: Path) -> None:
    """A calibrated Argos package for the pair says nothing about another engine's model (Apertium, a fake)."""
    installed = packages.install_file(Path(__file__).parent / "data" / "translate-en_zz-1_0.argosmodel")
    _calibrate(installed.path, "[[{n}]]")
    from dragoman.pipeline.routes import Route
    from dragoman.pipeline.translator import Translator

    engine = FakeEngine()
    assert engine.calibration_package("en", "zz") is None
    options = Translator(engine, None).enforce_options(Route("en", "zz", (("en", "zz"),)))
    assert (options.placeholder_form, options.calibrated) == ("ZXQ{n}", False)
