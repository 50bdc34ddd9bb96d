"""`--from auto`: offline detection among the languages that can be translated, or a reason why not."""

from __future__ import annotations

import sys

import pytest

from dragoman.errors import LanguageError
from dragoman.pipeline import langdetect
from dragoman.pipeline.langdetect import detect_language

ENGLISH = "The president said on Tuesday that the talks between the two countries had gone well."
MALAY = "Presiden berkata pada hari Selasa bahawa rundingan antara kedua-dua negara berjalan dengan baik."
PERSIAN = "رئیس جمهور روز سه‌شنبه گفت که گفتگوهای دو کشور به خوبی پیش رفته است."


@pytest.mark.parametrize(("text", "expected"), [(ENGLISH, "en"), (MALAY, "ms"), (PERSIAN, "fa")])
def test_detects_among_installed_languages(text: str, expected: str) -> None:
    detection = detect_language(text, ["en", "ms", "fa"])
    assert detection.language == expected
    assert detection.confidence >= 0.9


def test_malay_is_not_mistaken_for_indonesian_when_only_malay_can_be_translated() -> None:
    assert detect_language(MALAY, ["en", "ms"]).language == "ms"


def test_markup_is_ignored() -> None:
    html = "<html><body><p class='lead story-body'>" + MALAY + "</p></body></html>"
    assert detect_language(html, ["en", "ms"]).language == "ms"


def test_too_little_text_is_refused() -> None:
    with pytest.raises(LanguageError) as info:
        detect_language("Hi there.", ["en", "ms"], "a.txt")
    assert str(info.value) == "a.txt: cannot detect the language of so little text (7 letters) — pass --from"


def test_text_in_a_language_we_cannot_translate_is_refused() -> None:
    german = "Der Präsident sagte am Dienstag, dass die Gespräche zwischen beiden Ländern gut verlaufen seien."
    with pytest.raises(LanguageError) as info:
        detect_language(german, ["en", "zz"], "de.txt")
    assert str(info.value).startswith("de.txt: cannot tell which language this is (best guesses: de ")


def test_a_single_candidate_the_detector_does_not_know_is_taken_as_is() -> None:
    assert detect_language("anything at all", ["zz"]).language == "zz"


def test_no_models_means_no_candidates() -> None:
    with pytest.raises(LanguageError, match="no models installed"):
        detect_language(ENGLISH, [])


def test_without_py3langid_the_error_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langdetect, "_IDENTIFIER", None)
    monkeypatch.setitem(sys.modules, "py3langid", None)
    monkeypatch.setitem(sys.modules, "py3langid.langid", None)
    with pytest.raises(LanguageError) as info:
        detect_language(ENGLISH, ["en", "ms"])
    assert str(info.value) == (
        "--from auto needs py3langid, which is not installed — "
        "run 'pip install py3langid' or give the source language with --from"
    )


def test_a_single_known_candidate_is_still_checked() -> None:
    assert detect_language(ENGLISH, ["en"]).language == "en"
    with pytest.raises(LanguageError, match="cannot tell which language"):
        detect_language(MALAY, ["en"])
