"""Enforcement on the tiny REAL model (tests/data/translate-en_zz-1_0.argosmodel) through ArgosEngine and CTranslate2."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from helpers.toy import DATA, assert_probe_finds_the_trained_family, toy_cases, unpack_toy

from dragoman import calibration
from dragoman.enforce import EnforceOptions, translate_segments
from dragoman.enforce.terms import count_form
from dragoman.engines.argos import ArgosEngine
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.pipeline.report import DocumentRecord, build_report

TOY_FACTS = DATA / "toy-model.json"


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy package unpacked once for the module."""
    return unpack_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture
def engine(toy_dir: Path) -> Iterator[ArgosEngine]:
    engine = ArgosEngine(packages={("en", "zz"): toy_dir})
    yield engine
    engine.close()


def glossary() -> Glossary:
    g = Glossary(languages=["en", "zz"])
    g.add(Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah", forbidden=["kerajaan"])}))
    g.add(Entry("pezeshkian", {"en": LangTerms("Pezeshkian")}, dnt=True, type="person"))
    g.add(Entry("tehran", {"en": LangTerms("Tehran"), "zz": LangTerms("Teheran")}, type="place"))
    g.add(Entry("pm", {"en": LangTerms("prime minister"), "zz": LangTerms("perdana menteri")}))
    g.add(Entry("gaza", {"en": LangTerms("Gaza"), "zz": LangTerms("Gaza")}, type="place"))
    return g


SENTENCES = [
    "President Pezeshkian met the new prime minister in Tehran.",
    "The new government welcomed the agreement.",
    "Foreign Minister Araghchi said the government visited Gaza.",
]
# Unconstrained: names respelled (Pezeshkian -> Pizishkion), adjectives after nouns, government -> kerajaan.
PLAIN = [
    "Presiden Pizishkion bertemu perdana menteri baru di Tihron.",
    "Kerajaan baru mengalu-alukan perjanjian.",
    "Menteri Luar Oroghchi berkata kerajaan melawat Gozo.",
]
# Glossary: names as written, "pemerintah" (capitalised at the sentence start, before its adjective).
ENFORCED = [
    "Presiden Pezeshkian bertemu perdana menteri baru di Teheran.",
    "Pemerintah baru mengalu-alukan perjanjian.",
    "Menteri Luar Oroghchi berkata pemerintah melawat Gaza.",
]


def test_unconstrained_toy_outputs(engine: ArgosEngine) -> None:
    assert [h[0].text for h in engine.translate_batch(SENTENCES, "en", "zz")] == PLAIN


def test_glossary_overrides_respelled_names_and_terms(engine: ArgosEngine) -> None:
    results = translate_segments(engine, SENTENCES, "en", "zz", glossary())
    assert [r.text for r in results] == ENFORCED
    statuses = [(o.entry_id, o.strategy, o.status) for r in results for o in r.occurrences]
    assert statuses == [
        ("pezeshkian", "placeholder", "applied"),
        ("pm", "model", "applied"),
        ("tehran", "placeholder", "applied"),
        ("gov", "in-context", "applied"),
        ("gov", "in-context", "applied"),
        ("gaza", "placeholder", "applied"),
    ]
    assert [r.engine_calls for r in results] == [1, 1, 1]
    for r in results:
        for o in r.occurrences:
            assert r.text[o.target_start : o.target_end].casefold() == o.required.casefold()  # type: ignore[union-attr]
        assert count_form(r.text, "kerajaan", "zz") == 0  # the forbidden form is gone
    report = build_report([DocumentRecord("a.txt", "en", "zz", [(0, r) for r in results])])
    assert report["summary"] == {
        "terms_found": 6,
        "applied": 6,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }


def test_one_engine_call_per_round_with_nbest_attention_and_suppress(engine: ArgosEngine) -> None:
    calls: list[tuple[list[str], object]] = []
    real = engine.translate_batch

    def spy(segments, source, target, options=None):  # type: ignore[no-untyped-def]
        calls.append((list(segments), options))
        return real(segments, source, target, options)

    engine.translate_batch = spy  # type: ignore[method-assign]
    plain = translate_segments(engine, ["Hello.", "The agreement was signed."], "en", "zz", None)
    calls.clear()
    results = translate_segments(engine, SENTENCES + ["Hello.", "The agreement was signed."], "en", "zz", glossary())
    # One call for everything, in the batches of a run without a glossary: term-free segments, segments with
    # terms, the terms alone. "kerajaan" (forbidden for "government") came out where the term is, was located
    # and replaced, so no segment needed a second decoding under the ban.
    assert [c[0] for c in calls] == [
        [
            "Hello.",
            "The agreement was signed.",
            "President ZXQ1 met the new prime minister in ZXQ2.",
            "The new government welcomed the agreement.",
            "Foreign Minister Araghchi said the government visited ZXQ1.",
            "government",
            "prime minister",
        ],
    ]
    [options] = [c[1] for c in calls]
    assert (options.num_hypotheses, options.return_attention, tuple(options.suppress)) == (4, True, ())  # type: ignore[attr-defined]
    # The riders ask for no n-best and no attention: nobody reads them.
    assert list(options.detail) == [False, False, True, True, True, True, True]  # type: ignore[attr-defined]
    hyps = real(calls[0][0], "en", "zz", options)  # type: ignore[arg-type]
    assert [len(h) for h in hyps] == [1, 1, 4, 4, 4, 4, 4]
    assert [h[0].attention is not None for h in hyps] == [False, False, True, True, True, True, True]
    assert [o.note for r in results[1:3] for o in r.occurrences if o.entry_id == "gov"] == [
        "forbidden 'Kerajaan' replaced",
        "forbidden 'kerajaan' replaced",
    ]
    # Riding with n-best and attention does not change what term-free segments come out as.
    assert [r.text for r in results[-2:]] == [r.text for r in plain]
    assert [r.text for r in results[:-2]] == ENFORCED


def test_uncopied_placeholder_form_falls_back_to_term_in_context(engine: ArgosEngine) -> None:
    """With a form the model mangles (never seen in training), names are still enforced, through attention."""
    options = EnforceOptions(placeholder_form="__T{n}__")
    results = translate_segments(engine, SENTENCES[:1], "en", "zz", glossary(), options)
    assert [r.text for r in results] == ENFORCED[:1]
    assert [(o.entry_id, o.strategy, o.status) for o in results[0].occurrences] == [
        ("pezeshkian", "in-context", "applied"),
        ("pm", "model", "applied"),
        ("tehran", "in-context", "applied"),
    ]


def test_probe_calibrates_the_copied_family(engine: ArgosEngine) -> None:
    """The probe picks the family the model was trained to copy, ahead of the rest by a margin (figures vary by CPU)."""
    result = calibration.probe(engine, "en", "zz")
    rates = {r.form: (r.exact, r.tolerant, r.nbest) for r in result.rates}
    assert list(rates) == list(calibration.CANDIDATE_FORMS)
    assert_probe_finds_the_trained_family(result.form, rates)
    assert result.rate == rates[result.form][2]  # the stored rate is the chosen form's n-best rate


def test_beam_1_riders_come_out_as_without_a_glossary(toy_dir: Path) -> None:
    """At beam 1 the shared first call must not widen the beam for 4-best: term-free segments stay greedy."""
    greedy = ArgosEngine(beam_size=1, packages={("en", "zz"): toy_dir})
    terms = ("government", "Pezeshkian", "Tehran", "prime minister", "Gaza")
    plain = [s for s, _ in toy_cases() if not any(t.casefold() in s.casefold() for t in terms)]
    assert len(plain) >= 4
    alone = translate_segments(greedy, plain, "en", "zz", None)
    calls: list[dict[str, object]] = []
    real = greedy._run

    def spy(model, batch, kwargs, source, target):  # type: ignore[no-untyped-def]
        calls.append(dict(kwargs))
        return real(model, batch, kwargs, source, target)

    greedy._run = spy  # type: ignore[method-assign]
    results = translate_segments(greedy, plain + SENTENCES[:1], "en", "zz", glossary())
    assert [r.text for r in results[:-1]] == [r.text for r in alone]
    assert {(c["beam_size"], c["num_hypotheses"]) for c in calls} == {(1, 1)}
