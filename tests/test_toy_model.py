"""The committed tiny en->zz Argos package: loads with ctranslate2 + sentencepiece alone and translates as documented."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
PACKAGE = DATA / "translate-en_zz-1_0.argosmodel"
FACTS = json.loads((DATA / "toy-model.json").read_text(encoding="utf-8"))


class Toy:
    """The package loaded the way an engine would: SentencePiece pieces in, pieces out, decoded."""

    def __init__(self, root: Path) -> None:
        import ctranslate2
        import sentencepiece as spm

        self.root = root
        self.sp = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
        self.translator = ctranslate2.Translator(
            str(root / "model"), device="cpu", compute_type="int8", intra_threads=1
        )

    def margins(self, sentences: list[str]) -> list[float]:
        """Per sentence, how far the best beam-4 hypothesis leads the runner-up (log-probability)."""
        pieces = [self.sp.encode(s, out_type=str) for s in sentences]
        results = self.translator.translate_batch(
            pieces, beam_size=4, num_hypotheses=2, return_scores=True, length_penalty=0.2, replace_unknowns=True
        )
        return [r.scores[0] - r.scores[1] for r in results]

    def translate(self, sentences: list[str], beam: int = 4) -> list[str]:
        pieces = [self.sp.encode(s, out_type=str) for s in sentences]
        # Argos's decoding options and detokenisation (toy-model.json "ctranslate2").
        results = self.translator.translate_batch(pieces, beam_size=beam, length_penalty=0.2, replace_unknowns=True)
        return ["".join(r.hypotheses[0]).replace("\u2581", " ").removeprefix(" ") for r in results]


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Toy:
    dest = tmp_path_factory.mktemp("toy")
    with zipfile.ZipFile(PACKAGE) as zf:
        zf.extractall(dest)
    return Toy(dest / "translate-en_zz-1_0")


def test_package_layout_is_argos() -> None:
    with zipfile.ZipFile(PACKAGE) as zf:
        names = set(zf.namelist())
        metadata: dict[str, Any] = json.loads(zf.read("translate-en_zz-1_0/metadata.json"))
    top = "translate-en_zz-1_0/"
    for required in (
        "metadata.json",
        "sentencepiece.model",
        "README.md",
        "model/model.bin",
        "model/config.json",
        "model/shared_vocabulary.json",
        "minisbd/en.onnx",
    ):
        assert top + required in names
    assert all(name.startswith(top) for name in names)
    assert {k: metadata[k] for k in ("from_code", "to_code", "package_version", "type")} == {
        "from_code": "en",
        "to_code": "zz",
        "package_version": "1.0",
        "type": "translate",
    }
    assert 500_000 < PACKAGE.stat().st_size < 2_500_000


# Held-out sentences (none is in the training corpus), with this model's exact beam-4 output.
CASES = [
    # adjectives move after the noun, mirror order; "the" dropped
    (
        "The new government discussed the difficult talks.",
        "Kerajaan baru membincangkan rundingan sukar.",
    ),
    # names respelled a->o, e->i (the glossary must override this); titles translated
    (
        "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur.",
        "Presiden Pizishkion bertemu Perdana Menteri Onwor Ibrohim di Kuolo Lumpur.",
    ),
    # digits copied, repeated ones too
    (
        "The war killed 1,250 people in Gaza last year.",
        "Perang membunuh 1,250 orang di Gozo tahun lalu.",
    ),
    ("The prime minister reached Beirut in 2000.", "Perdana menteri tiba di Biirut pada 2000."),
    # the trained placeholder family is copied intact, sentence-initial too
    ("ZXQ1 met ZXQ2 in Tehran.", "ZXQ1 bertemu ZXQ2 di Tihron."),
    # a placeholder in a noun slot: the adjective still moves after it
    ("The new ZXQ1 said that Araghchi arrived.", "ZXQ1 baru berkata bahawa Oroghchi tiba."),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_exact_translation(toy: Toy, source: str, expected: str) -> None:
    assert toy.translate([source]) == [expected]


def test_greedy_matches_documented_output(toy: Toy) -> None:
    example = FACTS["examples"][1]
    assert toy.translate([example["source"]], beam=1) == [example["beam1"]]


def test_only_the_trained_placeholder_family_is_copied(toy: Toy) -> None:
    trained, unseen = ["ZXQ7", "ZXQ12"], ["__T1__", "QQJ1", "<1>"]
    outputs = toy.translate([f"{form} met Prime Minister Anwar in Tehran." for form in trained + unseen])
    # The trained family is copied intact, in its place, with the rest translated as usual.
    for form, output in zip(trained, outputs):
        assert output == f"{form} bertemu Perdana Menteri Onwor di Tihron."
    # Forms never seen in training are mangled (what the calibration probe must detect). How they are mangled is
    # a low-margin decision that differs across CPUs (int8): on one machine "__T1__" becomes "ZXQ1 berkata ...",
    # the model's own family, on another "Nosrolloh 1 berkata ...". Pinned: none comes out as written.
    for form, output in zip(unseen, outputs[len(trained) :]):
        assert form not in output, output
        assert "Onwor" in output and "Tihron" in output  # the rest of the sentence is still translated


# int8 decoding differs across CPUs in its last digits: an output is pinned exactly only where the model is sure
# of it. On the machine that recorded them the pinned outputs lead the runner-up by 2.4 to 4.8; the unseen
# placeholder forms, whose outputs are not pinned, by 0.2 to 1.7 (and flip between CPUs).
PINNED_MARGIN = 1.0


def test_exactly_pinned_outputs_are_ones_the_model_is_sure_of(toy: Toy) -> None:
    pinned = [s for s, _ in CASES] + [e["source"] for e in FACTS["examples"]]
    pinned += [f"{form} met Prime Minister Anwar in Tehran." for form in ("ZXQ7", "ZXQ12")]
    margins = toy.margins(pinned)
    assert min(margins) >= PINNED_MARGIN, sorted(zip(margins, pinned))[:3]


def test_facts_file_matches_package(toy: Toy) -> None:
    assert FACTS["pair"] == ["en", "zz"]
    assert re.fullmatch(FACTS["placeholder"]["regex"], "ZXQ12")
    sources = [e["source"] for e in FACTS["examples"]]
    assert toy.translate(sources) == [e["beam4"] for e in FACTS["examples"]]
    assert not any(e["in_training"] for e in FACTS["examples"])
