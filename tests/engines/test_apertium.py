"""The apertium engine against the real Apertium eng-spa pair (CI apt-installs apertium and apertium-eng-spa)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.engines import create_engine
from dragoman.engines.apertium import (
    ApertiumEngine,
    Pipeline,
    from_stream,
    install_hint,
    mark_spans,
    mode_to_pair,
    parse_mode,
    split_at_tagger,
    to_stream,
)
from dragoman.engines.base import BatchOptions
from dragoman.errors import EngineError, ModelError
from tests.engines.contract import EngineContract, WrappedContract

# Not a skip: without Apertium these tests must fail, loudly, with the fix.
assert shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").is_file(), (
    "Apertium eng-spa is missing: sudo apt-get install apertium apertium-eng-spa"
)

ENG_SPA_MODE = Path("/usr/share/apertium/modes/eng-spa.mode")
NTREX = (
    (Path(__file__).resolve().parent.parent / "data" / "ntrex" / "newstest2019-src.eng.txt")
    .read_text(encoding="utf-8")
    .splitlines()
)
SENTENCES = [
    "The Islamic Republic of Iran said it would help.",
    "She met Anwar Ibrahim in Kuala Lumpur.",
    "The new government welcomed the agreement.",
]
# Real eng-spa 0.8.1 output (pro-drop leaves no leading space; "a el" is Apertium's own).
SPANISH = [
    "La República islámica de Irán lo dijo ayudaría.",
    "Cumplió Anwar Ibrahim en Kuala Lumpur.",
    "El gobierno nuevo dio la bienvenida a el acuerdo.",
]


@pytest.fixture(scope="module")
def shared_engine() -> Iterator[ApertiumEngine]:
    engine = ApertiumEngine()
    yield engine
    engine.close()


class TestApertiumContract(EngineContract):
    @pytest.fixture
    def engine(self, shared_engine: ApertiumEngine) -> ApertiumEngine:
        return shared_engine

    @pytest.fixture
    def pair(self) -> tuple[str, str]:
        return ("en", "es")

    @pytest.fixture
    def sentences(self) -> list[str]:
        return list(SENTENCES)


class TestWrappedApertiumContract(WrappedContract):
    @pytest.fixture
    def inner(self, shared_engine: ApertiumEngine) -> ApertiumEngine:
        return shared_engine

    @pytest.fixture
    def pair(self) -> tuple[str, str]:
        return ("en", "es")

    @pytest.fixture
    def sentences(self) -> list[str]:
        return list(SENTENCES)


def test_exact_real_output(shared_engine: ApertiumEngine) -> None:
    results = shared_engine.translate_batch(SENTENCES, "en", "es")
    assert [hyps[0].text for hyps in results] == SPANISH
    assert [hyps[0].score for hyps in results] == [0.0, 0.0, 0.0]


def test_one_hypothesis_even_when_more_are_asked(shared_engine: ApertiumEngine) -> None:
    # Rule-based and deterministic: there is no second-best, so the contract's "one" is the honest answer.
    results = shared_engine.translate_batch(SENTENCES[:1], "en", "es", BatchOptions(num_hypotheses=4))
    assert [[h.text for h in hyps] for hyps in results] == [[SPANISH[0]]]
    assert shared_engine.supports_nbest is False


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A line-final full stop is kept (`apertium -f line` drops it).
        ("He said.", "Dijo."),
        ("He said", "Dijo"),
        # Stream-format specials travel escaped and come back as written.
        (
            "Use [brackets] & <tags> / slashes $5 ^x @y {z} \\ ~tilde.",
            "Uso [grupo] & <las etiquetas> / acuchilla $5 ^x @y {z} \\ ~tilde.",
        ),
        # Edges and line breaks as in the source.
        ("  Hello world.  ", "  Hola Mundo.  "),
        ("The cat sleeps\n\nThe dog runs.", "El gato duerme\n\nLas carreras de perro."),
        # Unknown words copied without Apertium's "*" mark (apertium -u).
        ("The zorblax sleeps.", "El zorblax sueños."),
        ("   ", "   "),
        ("", ""),
    ],
)
def test_format_cases(shared_engine: ApertiumEngine, source: str, expected: str) -> None:
    assert shared_engine.translate_batch([source], "en", "es")[0][0].text == expected


def test_unknown_marks_option_keeps_the_star() -> None:
    with ApertiumEngine(unknown_marks=True) as engine:
        assert engine.translate_batch(["The zorblax sleeps."], "en", "es")[0][0].text == "El *zorblax sueños."
        assert "unknown_marks=yes" in engine.signature("en", "es")


def test_pairs_and_signature(shared_engine: ApertiumEngine) -> None:
    assert {("en", "es"), ("es", "en")} <= set(shared_engine.pairs())
    signature = shared_engine.signature("en", "es")
    assert signature.startswith("engine=apertium|")
    assert "|package=apertium-eng-spa@" in signature
    assert "|mode=eng-spa|" in signature
    assert signature.endswith("|unknown_marks=no|segments=isolated")
    assert signature != shared_engine.signature("es", "en")


def test_registry_creates_it() -> None:
    with create_engine("apertium") as engine:
        assert isinstance(engine, ApertiumEngine)


def test_pipeline_is_long_lived_and_restarted_after_a_kill() -> None:
    with ApertiumEngine() as engine:
        assert engine.translate_batch(SENTENCES[:1], "en", "es")[0][0].text == SPANISH[0]
        pipeline = engine._pipelines[("en", "es")]
        assert engine.translate_batch(SENTENCES[1:2], "en", "es")[0][0].text == SPANISH[1]
        assert engine._pipelines[("en", "es")] is pipeline  # one pipeline, not a process per call
        pipeline.processes[3].kill()
        pipeline.processes[3].wait()
        assert [h[0].text for h in engine.translate_batch(SENTENCES, "en", "es")] == SPANISH
        assert engine.restarts == 1
        assert engine._pipelines[("en", "es")] is not pipeline


# NTREX line 233 makes apertium-tagger meet ambiguity classes its model lacks ("SPAN": {INF,PRES,PAST}); the
# tagger then rewrites its open class in place, which changes how every later unknown word is tagged.
LINE_233 = NTREX[232]
LINE_252 = NTREX[251]
SPANISH_233 = (
    "Las cifras no fueron inmediatamente disponibles para otras redes que lo asomó, incluyendo PBS, C-ABARCA"
    " y el Zorro Red Empresarial."
)
SPANISH_252 = "Triunfo de presidente ha abierto una investigación de FBI a las alegaciones contra Kavanaugh."


def test_ntrex_233_is_the_line_that_changes_the_tagger() -> None:
    # The cause, pinned: one plain null-flushing pipeline translates line 252 differently after line 233.
    assert "C-SPAN" in LINE_233 and LINE_252.startswith("President Trump has opened")
    stages = parse_mode(ENG_SPA_MODE)
    fresh, after = Pipeline(stages), Pipeline(stages)
    try:
        [alone] = fresh.run([to_stream(LINE_252)])
        [_, leaked] = after.run([to_stream(LINE_233), to_stream(LINE_252)])
    finally:
        fresh.close()
        after.close()
    assert from_stream(alone)[0] == SPANISH_252
    assert from_stream(leaked)[0] == SPANISH_252.replace(" contra ", " en contra ")


def test_no_state_leaks_between_segments() -> None:
    # The translation memory's promise: a segment's translation does not depend on what came before it.
    with ApertiumEngine() as engine:
        assert engine.translate_batch([LINE_252], "en", "es")[0][0].text == SPANISH_252
        assert engine.tagger_restarts == 0
    with ApertiumEngine() as engine:
        both = engine.translate_batch([LINE_233, LINE_252, LINE_252], "en", "es")
        assert [hyps[0].text for hyps in both] == [SPANISH_233, SPANISH_252, SPANISH_252]
        assert engine.tagger_restarts == 1
        # Across calls too: the pipeline lives on, the tagger is replaced after the line that changed it.
        assert engine.translate_batch([LINE_233], "en", "es")[0][0].text == SPANISH_233
        pipeline = engine._pipelines[("en", "es")]
        assert engine.translate_batch([LINE_252], "en", "es")[0][0].text == SPANISH_252
        assert engine.tagger_restarts == 2
        assert engine._pipelines[("en", "es")] is pipeline and engine.restarts == 0
        spare = pipeline._spare
        assert spare is not None
        spare_processes = list(spare.processes)
    assert all(p.poll() is not None for p in spare_processes)  # close() stops the tagger started ahead too


def test_split_at_tagger() -> None:
    stages = parse_mode(ENG_SPA_MODE)
    head, tagger, tail = split_at_tagger(stages)
    assert [argv[0] for argv in head] == ["lt-proc"]
    assert tagger is not None and tagger[:4] == ["apertium-tagger", "-d", "-z", "-g"]
    assert [argv[0] for argv in tail] == [argv[0] for argv in stages[2:]]
    assert split_at_tagger([["cat"], ["tr", "a", "b"]]) == ([["cat"], ["tr", "a", "b"]], None, [])


def test_an_error_in_the_segment_generator_is_raised_by_run() -> None:
    # The tagger feeds the tail from the tail's writer thread; its errors must reach the caller, not hang it.
    def segments() -> Iterator[str]:
        yield "a"
        raise EngineError("the tagger failed")

    pipeline = Pipeline([["cat"]], timeout=5.0)
    try:
        with pytest.raises(EngineError, match="^the tagger failed$"):
            pipeline.run(segments(), 2)
    finally:
        pipeline.close()


def test_close_stops_every_process() -> None:
    engine = ApertiumEngine()
    engine.translate_batch(SENTENCES[:1], "en", "es")
    processes = list(engine._pipelines[("en", "es")].processes)
    assert len(processes) == len(parse_mode(Path("/usr/share/apertium/modes/eng-spa.mode")))
    engine.close()
    engine.close()
    assert all(p.poll() is not None for p in processes)


def test_hang_times_out_with_one_line_error(tmp_path: Path) -> None:
    # A stage that never answers (tail -z -f /dev/null never reads its input): the call must not block.
    modes = tmp_path / "modes"
    modes.mkdir()
    (modes / "eng-spa.mode").write_text("tail -f /dev/null\n", encoding="utf-8")
    with ApertiumEngine(timeout=0.5, modes_dir=modes) as engine, pytest.raises(EngineError) as err:
        engine.translate_batch(["Hello."], "en", "es")
    assert str(err.value) == (
        "Apertium gave no output for 0.5 s; the pipeline was stopped — "
        "report the sentence that hangs it; the next call starts a fresh pipeline"
    )


def test_a_pipeline_that_keeps_dying_is_one_line_error(tmp_path: Path) -> None:
    modes = tmp_path / "modes"
    modes.mkdir()
    (modes / "eng-spa.mode").write_text("sleep 30\n", encoding="utf-8")  # sleep rejects -z and exits
    with ApertiumEngine(modes_dir=modes) as engine:
        with pytest.raises(EngineError) as err:
            engine.translate_batch(["Hello."], "en", "es")
        assert engine.restarts == 2
    message = str(err.value)
    assert message.startswith("the Apertium en->es pipeline stopped twice: sleep: invalid option")
    assert message.endswith(" — check the pair with 'apertium -l' and reinstall its package")
    assert "\n" not in message


def test_missing_pair_names_the_apt_package(shared_engine: ApertiumEngine) -> None:
    with pytest.raises(ModelError) as err:
        shared_engine.translate_batch(["Hello."], "en", "ca")
    assert (
        str(err.value) == "no Apertium en->ca pair installed — install it with 'sudo apt-get install apertium-eng-cat'"
    )
    with pytest.raises(ModelError) as err:
        shared_engine.signature("ca", "en")
    assert "'sudo apt-get install apertium-eng-cat'" in str(err.value)


def test_missing_apertium_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with ApertiumEngine(modes_dir=tmp_path) as engine:
        assert engine.pairs() == []
        with pytest.raises(EngineError) as err:
            engine.translate_batch(["Hello."], "en", "es")
    assert (
        str(err.value) == "Apertium is not installed — install it with 'sudo apt-get install apertium apertium-eng-spa'"
    )


@pytest.mark.parametrize(
    ("mode", "pair"),
    [("eng-spa", ("en", "es")), ("ind-zlm", ("id", "ms")), ("spa-eng_US", ("es", "en-US")), ("eng-spa-anmor", None)],
)
def test_mode_names(mode: str, pair: tuple[str, str] | None) -> None:
    assert mode_to_pair(mode) == pair


def test_install_hint_uses_the_debian_package_of_either_direction() -> None:
    assert install_hint("es", "en") == "install it with 'sudo apt-get install apertium-eng-spa'"
    assert install_hint("ms", "id") == "install it with 'sudo apt-get install apertium-ind-zlm'"


def test_stream_round_trip_with_marks() -> None:
    text = "The Islamic Republic of Iran [said] it."
    stream = to_stream(text, [(4, 28)])
    assert stream == "The[ <t1>]Islamic Republic of Iran[<\\/t1> ]\\[said\\] it.[]"
    plain, tags = from_stream(stream)
    assert plain == text
    assert mark_spans(plain, tags, 1) == [(4, 28)]


def test_marked_translation_finds_the_term_after_reordering(shared_engine: ApertiumEngine) -> None:
    text = "The Islamic Republic of Iran said it would help the Islamic Republic of Iran."
    [(out, spans)] = shared_engine.translate_marked([text], [[(4, 28), (52, 76)]], "en", "es")
    assert out == "La República islámica de Irán lo dijo ayudaría la República islámica de Irán."
    assert spans == [(3, 29), (50, 76)]
    assert [out[3:29], out[50:76]] == ["República islámica de Irán", "República islámica de Irán"]
    # Marks do not change the words.
    assert out == shared_engine.translate_batch([text], "en", "es")[0][0].text


def test_models_list_shows_apertium_pairs() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["models", "list", "--engine", "apertium", "--json"])
    assert result.exit_code == 0, result.output
    records = {(r["from_code"], r["to_code"]): r for r in json.loads(result.stdout)}
    assert records[("en", "es")]["package"] == "apertium-eng-spa"
    assert records[("en", "es")]["mode"] == "eng-spa"
    table = runner.invoke(cli, ["models", "list", "--engine", "apertium"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["PAIR", "VERSION", "MODE", "PATH"]
    assert any(line.startswith("en->es ") and "eng-spa" in line for line in table.stdout.splitlines())
    # Without --engine both kinds are listed: no Argos package here, then the Apertium table.
    both = runner.invoke(cli, ["models", "list"])
    assert both.exit_code == 0
    assert both.stderr == "no models installed; 'dragoman models available' lists what can be installed\n"
    assert both.stdout.splitlines()[0] == "Apertium pairs (dragoman translate --engine apertium):"
    assert both.stdout.splitlines()[1:] == table.stdout.splitlines()
    assert json.loads(runner.invoke(cli, ["models", "list", "--json"]).stdout) == json.loads(result.stdout)


def test_translate_cli_end_to_end() -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["translate", "--engine", "apertium", "--from", "en", "--to", "es", "-q"], input=SENTENCES[0] + "\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == SPANISH[0] + "\n"
