"""check's forbidden finding names the whole term's required rendering, not the fragment's entry."""

from __future__ import annotations

from pathlib import Path

from dragoman.check import check_translation
from dragoman.glossary.yamlio import load_glossary

NEWS = Path(__file__).parent.parent / "glossaries" / "news.yaml"


def test_a_forbidden_fragment_of_a_whole_term_names_the_whole_rendering() -> None:
    glossary = load_glossary(NEWS)
    report = check_translation(
        "Anwar Ibrahim spoke.\nIbrahim said.\n", "Anuar Ibrahim bercakap.\nIbrahim berkata.\n", glossary, "en", "ms"
    )
    forbidden = [f for f in report.findings if f.code == "forbidden"]
    assert [(f.line, f.expected) for f in forbidden] == [(1, "Anwar Ibrahim"), (2, "Anwar")]
    assert forbidden[0].message == (
        "forbidden term 'Ibrahim' (ibrahim); use 'Anwar Ibrahim' for the source's 'Anwar Ibrahim' (anwar-ibrahim)"
    )
    assert "use 'Anwar'" not in forbidden[0].message
    # Where the source holds the short form itself, its own rendering is the fix.
    assert forbidden[1].message == "forbidden term 'Ibrahim' (ibrahim); use 'Anwar'"
