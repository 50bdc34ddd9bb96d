"""Glossary enforcement through the real Apertium eng-spa pair: marked terms in context, placeholder fallback, verification."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.enforce import APPLIED, IN_CONTEXT, MODEL, PLACEHOLDER, translate_segments
from dragoman.enforce.markup import markup_translator
from dragoman.enforce.terms import count_form
from dragoman.engines.apertium import ApertiumEngine
from dragoman.engines.base import BatchOptions, Engine, Hypothesis
from dragoman.glossary.model import Entry, Glossary, LangTerms

# Not a skip: without Apertium these tests must fail, loudly, with the fix.
assert shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").is_file(), (
    "Apertium eng-spa is missing: sudo apt-get install apertium apertium-eng-spa"
)

IRI = "República Islámica de Irán"


def glossary() -> Glossary:
    g = Glossary(languages=["en", "es"])
    # Case-sensitive: Apertium's own "República islámica de Irán" does not count.
    g.add(Entry("iri", {"en": LangTerms("Islamic Republic of Iran"), "es": LangTerms(IRI)}, case="sensitive"))
    g.add(Entry("anwar", {"en": LangTerms("Anwar Ibrahim")}, dnt=True, type="person"))
    g.add(Entry("gov", {"en": LangTerms("government"), "es": LangTerms("Ejecutivo", forbidden=["gobierno"])}))
    return g


SENTENCES = [
    "The Islamic Republic of Iran said it would help.",
    "Anwar Ibrahim spoke with the Islamic Republic of Iran.",
    "The new government said the government would talk to the Islamic Republic of Iran.",
    "They talked to the Islamic Republic of Iran about the Islamic Republic of Iran's oil.",
    "Nothing here.",
]
# Real eng-spa 0.8.1 output. Unconstrained Apertium writes "República islámica de Irán" and "gobierno".
EXPECTED = [
    # Agreement kept around the term: "La República", "con la República".
    "La República Islámica de Irán lo dijo ayudaría.",
    "Anwar Ibrahim habló con la República Islámica de Irán.",
    # "new government" -> "gobierno nuevo": rules reorder inside the chunk, the mark lands on "nuevo" and is
    # rejected; Apertium's rendering of the term alone finds "gobierno" instead. No forbidden form is left.
    "El Ejecutivo nuevo dijo que el Ejecutivo hablaría a la República Islámica de Irán.",
    # The genitive moves "oil" inside the marked span: marking fails, placeholders take over in round 2
    # (their known cost: "el República", a double space), and the term still holds.
    "Hablaron a la República Islámica de Irán sobre el República Islámica de Irán  óleo.",
    "Nada aquí.",
]
# (entry, strategy, status, found) per occurrence, in source order.
OUTCOMES = [
    [("iri", IN_CONTEXT, APPLIED, "República islámica de Irán")],
    [("anwar", MODEL, APPLIED, None), ("iri", IN_CONTEXT, APPLIED, "República islámica de Irán")],
    [
        ("gov", IN_CONTEXT, APPLIED, "gobierno"),
        ("gov", IN_CONTEXT, APPLIED, "gobierno"),
        ("iri", IN_CONTEXT, APPLIED, "República islámica de Irán"),
    ],
    [("iri", IN_CONTEXT, APPLIED, "República islámica de Irán"), ("iri", PLACEHOLDER, APPLIED, None)],
    [],
]


@pytest.fixture(scope="module")
def engine() -> Iterator[ApertiumEngine]:
    engine = ApertiumEngine()
    yield engine
    engine.close()


class WithoutMarkup(Engine):
    """The same Apertium pipeline without translate_marked: what the ordinary strategies make of it."""

    name = "apertium"

    def __init__(self, inner: ApertiumEngine) -> None:
        self.inner = inner

    def pairs(self) -> list[tuple[str, str]]:
        return self.inner.pairs()

    def signature(self, source: str, target: str) -> str:
        return self.inner.signature(source, target)

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        return self.inner.translate_batch(segments, source, target, options)


def test_engine_offers_markup(engine: ApertiumEngine) -> None:
    assert markup_translator(engine) is not None
    assert markup_translator(WithoutMarkup(engine)) is None


def test_enforced_outputs_and_outcomes(engine: ApertiumEngine) -> None:
    results = translate_segments(engine, SENTENCES, "en", "es", glossary())
    assert [r.text for r in results] == EXPECTED
    assert [[(o.entry_id, o.strategy, o.status, o.found) for o in r.occurrences] for r in results] == OUTCOMES
    assert results[0].occurrences[0].note == "located by markup: 'República islámica de Irán' replaced"
    assert [r.engine_calls for r in results] == [1, 1, 1, 2, 1]


def test_every_occurrence_is_verified_in_the_output(engine: ApertiumEngine) -> None:
    results = translate_segments(engine, SENTENCES, "en", "es", glossary())
    for result in results:
        for occ in result.occurrences:
            assert occ.status == APPLIED
            assert occ.target_start is not None and occ.target_end is not None
            assert occ.required is not None
            assert result.text[occ.target_start : occ.target_end] == occ.required
        for required in {o.required for o in result.occurrences if o.required}:
            wanted = sum(1 for o in result.occurrences if o.required == required)
            assert count_form(result.text, required, "es", "sensitive") == wanted
        if any(o.entry_id == "gov" for o in result.occurrences):
            assert count_form(result.text, "gobierno", "es", "insensitive") == 0  # the forbidden form is gone


def test_unconstrained_output_differs(engine: ApertiumEngine) -> None:
    plain = [h[0].text for h in engine.translate_batch(SENTENCES[:3], "en", "es")]
    assert plain == [
        "La República islámica de Irán lo dijo ayudaría.",
        "Anwar Ibrahim habló con la República islámica de Irán.",
        "El gobierno nuevo dijo que el gobierno hablaría a la República islámica de Irán.",
    ]
    assert translate_segments(engine, SENTENCES[:3], "en", "es", None)[2].text == plain[2]


def test_markup_keeps_the_grammar_placeholders_break(engine: ApertiumEngine) -> None:
    # The dnt name goes through a placeholder without markup: Apertium then capitalises the verb after it.
    sentence = ["Anwar Ibrahim spoke with the Islamic Republic of Iran."]
    [without] = translate_segments(WithoutMarkup(engine), sentence, "en", "es", glossary())
    assert without.text == "Anwar Ibrahim Habló con la República Islámica de Irán."
    assert without.occurrences[0].strategy == PLACEHOLDER
    [marked] = translate_segments(engine, sentence, "en", "es", glossary())
    assert marked.text == "Anwar Ibrahim habló con la República Islámica de Irán."


def test_translate_cli_with_glossary_and_report(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "version: 1\nlanguages: [en, es]\nentries:\n"
        "  - id: iri\n    case: sensitive\n    terms:\n      en: Islamic Republic of Iran\n      es: República Islámica de Irán\n"
        "  - id: gov\n    terms:\n      en: government\n      es:\n        term: Ejecutivo\n        forbidden: [gobierno]\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            "-e",
            "apertium",
            "--from",
            "en",
            "--to",
            "es",
            "-q",
            "-g",
            str(path),
            "--report",
            str(report),
            "--strict",
        ],
        input=SENTENCES[2] + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED[2] + "\n"
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary == {
        "terms_found": 3,
        "applied": 3,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
