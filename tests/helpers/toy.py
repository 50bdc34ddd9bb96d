"""The tiny real Argos package (tests/data, built by tools/build_test_model.py) and its recorded outputs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"
TOY_PACKAGE = DATA / "translate-en_zz-1_0.argosmodel"
TOY_OUTPUTS = DATA / "toy-model.json"


DESK_GLOSSARY = """\
version: 1
languages: [en, {langs}]
entries:
  - id: pezeshkian
    type: person
    dnt: true
    terms:
      en: Pezeshkian
  - id: kuala-lumpur
    type: place
    terms:
      en: Kuala Lumpur
{places}"""


# A one-entry en->zz glossary whose term the toy model respells ("Kuolo Lumpur" is its forbidden form).
KL_GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: kuala-lumpur
    terms:
      en: Kuala Lumpur
      zz: {term: Kuala Lumpur, forbidden: [Kuolo Lumpur]}
"""


def desk_glossary(*more_langs: str) -> str:
    """The news desk's glossary of the API and server tests: Pezeshkian (do not translate) and Kuala Lumpur, written
    the same in zz and in each of ``more_langs``. Without it the toy model respells both (Pizishkion, Kuolo Lumpur).
    """
    langs = ["zz", *more_langs]
    places = "".join(f"      {lang}: Kuala Lumpur\n" for lang in langs)
    return DESK_GLOSSARY.format(langs=", ".join(langs), places=places)


def toy_cases() -> list[tuple[str, str]]:
    """(source, exact zz output at beam 4) pairs recorded when the toy model was built."""
    data: Any = json.loads(TOY_OUTPUTS.read_text(encoding="utf-8"))
    cases = data["examples"] if isinstance(data, dict) else data
    return [(case["source"], case["target"]) for case in cases]


def unpack_toy(root: Path) -> Path:
    """Extract the toy package under ``root`` and return its package directory (the data is ours: plain extract)."""
    with zipfile.ZipFile(TOY_PACKAGE) as archive:
        archive.extractall(root)
    (package_dir,) = [p for p in root.iterdir() if (p / "metadata.json").is_file()]
    return package_dir


# What the tests guarantee about `models probe` on the toy model, on any CPU. int8 decoding differs across CPUs
# in its last digits (x86 with and without VNNI, arm64), and with 10 probe sentences one flipped decode moves a
# rate by 10 points: on one machine ZXQ{n} copies 0.8/0.8/0.8 (exact/recognised/n-best) and 947{n} 0.5/0.5/0.6,
# on another 0.7/0.7/0.8 and 0.4/0.4/0.6. Pinned: the trained family wins, by a margin, and forms the model never
# saw are not copied. README.md's probe table states these bounds.
TRAINED_FORM = "ZXQ{n}"
TRAINED_MIN_NBEST = 0.7  # the trained family survives in the 4-best of at least 7 of the 10 probe sentences
TRAINED_MIN_EXACT = 0.6  # ... and as the best hypothesis, byte for byte, in at least 6
TRAINED_MARGIN = 0.1  # its n-best rate leads every other form's by at least 10 points
UNSEEN_MAX = 0.1  # bracketed forms never seen in training (<{n}>, [[{n}]], ...) survive in at most 1 of 10
UNSEEN_FORMS = ("XTERM{n}X", "__T{n}__", "⟦{n}⟧", "[[{n}]]", "#{n}#", "<{n}>")


def assert_probe_finds_the_trained_family(form: str, rates: dict[str, tuple[float, float, float]]) -> None:
    """``rates``: form -> (exact, recognised, n-best) as `models probe` measured them on the toy model."""
    assert form == TRAINED_FORM
    exact, _, nbest = rates[TRAINED_FORM]
    assert nbest >= TRAINED_MIN_NBEST and exact >= TRAINED_MIN_EXACT, rates
    runner_up = max(r[2] for f, r in rates.items() if f != TRAINED_FORM)
    assert nbest - runner_up >= TRAINED_MARGIN - 1e-9, rates
    for unseen in UNSEEN_FORMS:
        assert max(rates[unseen]) <= UNSEEN_MAX + 1e-9, (unseen, rates[unseen])
