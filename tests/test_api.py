"""The Python API (dragoman.api) on the tiny real Argos package (en -> zz), sockets blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.toy import TOY_PACKAGE, desk_glossary

from dragoman import packages
from dragoman.api import load_glossaries, translate
from dragoman.errors import DragomanError
from dragoman.pipeline.routes import MissingModelError

GLOSSARY = desk_glossary()


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    packages.install_file(TOY_PACKAGE)
    path = tmp_path / "desk.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def test_translate_without_glossary_is_the_model_output(desk: Path) -> None:
    result = translate("The war killed 1,250 people in Gaza last year.", source="en", target="zz")
    assert result.text == "Perang membunuh 1,250 orang di Gozo tahun lalu."
    assert result.violations == []


def test_translate_enforces_the_glossary_and_reports_each_occurrence(desk: Path) -> None:
    text = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
    # Without the glossary the model respells both names (Pizishkion, Kuolo Lumpur).
    assert translate(text, source="en", target="zz").text == (
        "Presiden Pizishkion bertemu Perdana Menteri Onwor Ibrohim di Kuolo Lumpur."
    )
    result = translate(text, source="en", target="zz", glossary=[desk])
    assert result.text == "Presiden Pezeshkian bertemu Perdana Menteri Onwor Ibrohim di Kuala Lumpur."
    assert result.summary == {
        "terms_found": 2,
        "applied": 2,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
    occurrences = result.report["documents"][0]["occurrences"]
    assert [(o["entry_id"], o["source_start"], o["source_end"], o["status"]) for o in occurrences] == [
        ("pezeshkian", 10, 20, "applied"),
        ("kuala-lumpur", 57, 69, "applied"),
    ]


def test_translate_accepts_a_loaded_glossary(desk: Path) -> None:
    glossary = load_glossaries([desk])
    result = translate("Pezeshkian visited Kuala Lumpur.", source="en", target="zz", glossary=glossary)
    assert result.text == "Pezeshkian melawat Kuala Lumpur."
    assert result.summary["applied"] == 2


def test_missing_model_is_a_one_line_error_naming_the_install_command(desk: Path) -> None:
    with pytest.raises(MissingModelError) as err:
        translate("Hello.", source="en", target="fa")
    assert isinstance(err.value, DragomanError)
    assert str(err.value) == (
        "no en->fa model installed — run 'dragoman models install en fa' or "
        "'dragoman models install FILE.argosmodel' (installed: en->zz)"
    )


def test_drafts_apply_only_when_asked(desk: Path) -> None:
    desk.write_text(
        GLOSSARY + "  - id: tehran\n    type: place\n    status: draft\n    terms: {en: Tehran, zz: Teheran}\n",
        encoding="utf-8",
    )
    text = "The big Malaysian delegation visited Tehran on Monday."
    assert translate(text, source="en", target="zz", glossary=[desk]).text == (
        "Delegasi Malaysia besar melawat Tihron pada Isnin."
    )
    assert translate(text, source="en", target="zz", glossary=[desk], use_drafts=True).text == (
        "Delegasi Malaysia besar melawat Teheran pada Isnin."
    )
