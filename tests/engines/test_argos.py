"""The argos engine on the tiny real Argos package (en -> toy language zz): exact outputs, batching, options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from helpers.toy import TOY_PACKAGE, toy_cases, unpack_toy

from dragoman import packages
from dragoman.engines import create_engine
from dragoman.engines.argos import (
    ArgosEngine,
    argos_detokenize,
    clear_model_cache,
    fixed_decoding_length,
    loaded_model_count,
)
from dragoman.engines.base import BatchOptions
from dragoman.errors import EngineError, ModelError
from engines.contract import EngineContract, WrappedContract


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy package unpacked once for the module."""
    return unpack_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture
def engine(toy_dir: Path) -> Iterator[ArgosEngine]:
    engine = ArgosEngine(packages={("en", "zz"): toy_dir})
    yield engine
    engine.close()


@pytest.fixture
def pair() -> tuple[str, str]:
    return ("en", "zz")


@pytest.fixture
def sentences() -> list[str]:
    return [source for source, _ in toy_cases()[:4]]


class TestArgosContract(EngineContract):
    pass


class TestWrappedArgosContract(WrappedContract):
    @pytest.fixture
    def inner(self, toy_dir: Path) -> Iterator[ArgosEngine]:
        engine = ArgosEngine(packages={("en", "zz"): toy_dir})
        yield engine
        engine.close()


def test_exact_outputs_of_the_toy_model(engine: ArgosEngine) -> None:
    cases = toy_cases()
    assert len(cases) >= 4
    results = engine.translate_batch([source for source, _ in cases], "en", "zz")
    assert [hyps[0].text for hyps in results] == [target for _, target in cases]


def test_installed_package_is_found_and_translates(engine: ArgosEngine) -> None:
    installed = packages.install_file(TOY_PACKAGE)
    fresh = create_engine("argos")
    assert fresh.pairs() == [("en", "zz")]
    source, target = toy_cases()[0]
    assert fresh.translate_batch([source], "en", "zz")[0][0].text == target
    assert f"package={installed.code}@{installed.package_version}" in fresh.signature("en", "zz")


def test_missing_model_names_the_install_commands() -> None:
    with pytest.raises(ModelError) as info:
        ArgosEngine().translate_batch(["Hello."], "en", "fa")
    assert str(info.value) == (
        "no en->fa model installed — run 'dragoman models install en fa' or 'dragoman models install FILE.argosmodel'"
    )


def test_each_package_loads_once_per_process(toy_dir: Path) -> None:
    clear_model_cache()
    first = ArgosEngine(packages={("en", "zz"): toy_dir})
    second = ArgosEngine(packages={("en", "zz"): toy_dir}, beam_size=2)
    first.translate_batch(["One."], "en", "zz")
    second.translate_batch(["Two."], "en", "zz")
    assert loaded_model_count() == 1
    ArgosEngine(packages={("en", "zz"): toy_dir}, compute_type="float32").translate_batch(["Three."], "en", "zz")
    assert loaded_model_count() == 2


def test_signature_changes_with_every_output_option(toy_dir: Path) -> None:
    pkgs = {("en", "zz"): toy_dir}
    base = ArgosEngine(packages=pkgs).signature("en", "zz")
    others = {
        ArgosEngine(packages=pkgs, beam_size=2).signature("en", "zz"),
        ArgosEngine(packages=pkgs, compute_type="float32").signature("en", "zz"),
        ArgosEngine(packages=pkgs, length_penalty=1.0).signature("en", "zz"),
        ArgosEngine(packages=pkgs, decoding_length_ratio=1.5).signature("en", "zz"),
    }
    assert base not in others and len(others) == 4
    # Threads and batch size change speed, not output.
    assert ArgosEngine(packages=pkgs, intra_threads=1, max_batch_tokens=64).signature("en", "zz") == base
    assert "ctranslate2=" in base and "dragoman=" in base and "beam=4" in base and "compute=int8" in base


def test_small_token_budget_gives_the_same_outputs(toy_dir: Path) -> None:
    cases = toy_cases()
    tiny = ArgosEngine(packages={("en", "zz"): toy_dir}, max_batch_tokens=8)
    results = tiny.translate_batch([source for source, _ in cases], "en", "zz")
    assert [hyps[0].text for hyps in results] == [target for _, target in cases]


def test_empty_segments_do_not_reach_the_model(engine: ArgosEngine) -> None:
    source, target = toy_cases()[0]
    results = engine.translate_batch(["", source, "   "], "en", "zz")
    assert [hyps[0].text for hyps in results] == ["", target, ""]


def test_n_best_scores_and_attention_over_sentencepiece_tokens(engine: ArgosEngine) -> None:
    source, target = toy_cases()[0]
    (hyps,) = engine.translate_batch([source], "en", "zz", BatchOptions(num_hypotheses=3, return_attention=True))
    assert hyps[0].text == target
    assert len(hyps) == 3 and hyps[0].score >= hyps[1].score >= hyps[2].score
    assert hyps[0].source_tokens == engine.tokenize("en", "zz", [source])[0]
    assert hyps[0].target_tokens is not None
    assert argos_detokenize(hyps[0].target_tokens) == target
    assert hyps[0].attention is not None and len(hyps[0].attention) == len(hyps[0].target_tokens)


def test_suppressed_sequences_are_not_produced(engine: ArgosEngine) -> None:
    source, target = toy_cases()[0]
    word = max(target.split(), key=len).strip(".,!?")
    (hyps,) = engine.translate_batch([source], "en", "zz", BatchOptions(suppress=(word,)))
    assert word not in hyps[0].text.split()


def test_detokenize_matches_argos() -> None:
    # argostranslate: "".join(tokens).replace("▁", " "), target prefix removed, one leading space removed.
    assert argos_detokenize(["▁Hello", "▁wor", "ld", "."]) == "Hello world."
    assert argos_detokenize(["▁a", "_b", "▁", "▁c"]) == "a_b  c"
    assert argos_detokenize(["__fa__", "▁Salam", "."], target_prefix="__fa__") == "Salam."
    assert argos_detokenize(["▁▁x"]) == " x"
    assert argos_detokenize([]) == ""


def test_fixed_decoding_length_rule() -> None:
    assert fixed_decoding_length(1, 1.0, 8) == 8
    assert fixed_decoding_length(9, 1.0, 8) == 16
    assert fixed_decoding_length(10, 1.5, 1) == 15


def test_fixed_decoding_length_decodes_exactly_that_many_pieces(toy_dir: Path) -> None:
    fixed = ArgosEngine(packages={("en", "zz"): toy_dir}, decoding_length_ratio=2.0, decoding_length_step=4)
    sources = [source for source, _ in toy_cases()[:3]]
    results = fixed.translate_batch(sources, "en", "zz", BatchOptions(return_attention=True))
    for source, hyps in zip(sources, results):
        n = len(fixed.tokenize("en", "zz", [source])[0])
        assert hyps[0].target_tokens is not None
        assert len(hyps[0].target_tokens) == fixed_decoding_length(n, 2.0, 4)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"beam_size": 0}, "beam_size must be an integer >= 1, not 0"),
        ({"compute_type": "int3"}, "unknown compute type 'int3'"),
        ({"device": "tpu"}, "unknown device 'tpu'"),
        ({"inter_threads": 0}, "inter_threads must be an integer >= 1, not 0"),
    ],
)
def test_bad_options_are_engine_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(EngineError) as info:
        ArgosEngine(**options)
    assert str(info.value).startswith(message)


def test_cuda_without_a_gpu_is_a_one_line_error(toy_dir: Path) -> None:
    import ctranslate2

    gpu = ctranslate2.get_cuda_device_count() > 0
    engine = ArgosEngine(packages={("en", "zz"): toy_dir}, device="cuda")
    if gpu:
        source, target = toy_cases()[0]
        assert engine.translate_batch([source], "en", "zz")[0][0].text == target
    else:
        with pytest.raises(EngineError, match="CUDA device"):
            engine.translate_batch(["Hello."], "en", "zz")


def test_importing_the_engine_does_not_load_ctranslate2() -> None:
    import subprocess
    import sys

    code = "import sys, dragoman.engines.argos; print('ctranslate2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_ctranslate2_version_in_the_signature_needs_no_import() -> None:
    """A re-run served by the memory needs the engine's signature (which names CTranslate2's version) but no
    model: neither ctranslate2 (~0.2 s) nor importlib.metadata (~40 ms) is imported for it."""
    import subprocess
    import sys
    from importlib.metadata import version

    code = (
        "import sys; from dragoman.engines.argos import _ctranslate2_version; v = _ctranslate2_version(); "
        "print(v, 'ctranslate2' in sys.modules, 'importlib.metadata' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [version("ctranslate2"), "False", "False"]


def test_target_prefix_is_forced_and_removed(toy_dir: Path, tmp_path: Path) -> None:
    import shutil

    source, _ = toy_cases()[0]
    greedy = ArgosEngine(packages={("en", "zz"): toy_dir}, beam_size=1)
    (plain,) = greedy.translate_batch([source], "en", "zz", BatchOptions(return_attention=True))
    assert plain[0].target_tokens is not None and len(plain[0].target_tokens) >= 2
    first = plain[0].target_tokens[0]
    # A package that declares the first greedy piece as its target prefix: decoding starts after it
    # (so greedy search continues exactly as before) and the prefix is not part of the output.
    prefixed = tmp_path / "prefixed"
    shutil.copytree(toy_dir, prefixed)
    meta = json.loads((prefixed / "metadata.json").read_text(encoding="utf-8"))
    meta["target_prefix"] = first
    (prefixed / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    engine = ArgosEngine(packages={("en", "zz"): prefixed}, beam_size=1)
    (hyps,) = engine.translate_batch([source], "en", "zz", BatchOptions(return_attention=True))
    assert hyps[0].text == argos_detokenize(plain[0].target_tokens[1:])
    assert hyps[0].target_tokens == plain[0].target_tokens[1:]
    assert engine.signature("en", "zz") != greedy.signature("en", "zz")
