"""Merging glossary files: later wins per id, conflicts and shared terms are reported."""

from __future__ import annotations

from pathlib import Path

from dragoman.glossary.merge import merge_files, merge_glossaries
from dragoman.glossary.yamlio import load_glossary, load_glossary_text

DATA = Path(__file__).parent.parent / "data" / "glossaries"


def test_later_file_wins_and_conflicts_are_listed() -> None:
    result = merge_files([DATA / "basic.yaml", DATA / "desk.yaml"])
    glossary = result.glossary
    assert glossary.get("anwar-ibrahim").term("ms") == "Datuk Seri Anwar Ibrahim"  # type: ignore[union-attr]
    assert len(glossary) == 8
    assert glossary.languages == ["en", "ms", "fa"]
    assert [(c.entry_id, c.lang, c.kept, c.dropped) for c in result.conflicts] == [
        ("anwar-ibrahim", "ms", "Datuk Seri Anwar Ibrahim", "Anwar Ibrahim"),
        ("iran-islamic-republic", "ms", "Republik Islam Iran", "Iran"),
    ]
    assert [(s.lang, s.form, [i for i, _o in s.entries]) for s in result.shared_terms] == [
        ("en", "Iran", ["iran-islamic-republic", "iran"])
    ]
    data = result.to_dict()
    assert data["entries"] == 8
    assert data["conflicts"][0]["kept_origin"] == f"{DATA / 'desk.yaml'}:4:5"
    assert data["conflicts"][0]["dropped_origin"] == f"{DATA / 'basic.yaml'}:19:5"
    assert data["shared_terms"][0]["entries"][1] == {
        "id": "iran",
        "origin": f"{DATA / 'basic.yaml'}:25:5",
    }


def test_same_term_same_rendering_different_ids_is_flagged_but_no_conflict() -> None:
    a = load_glossary_text(
        "entries:\n  - id: kl\n    terms: {en: Kuala Lumpur, fa: کوالالامپور}\n",
        "a.yaml",
    )
    b = load_glossary_text(
        "entries:\n  - id: kuala-lumpur\n    terms: {en: Kuala Lumpur, fa: کوالالامپور}\n",
        "b.yaml",
    )
    result = merge_glossaries([a, b])
    assert result.conflicts == []
    assert [str(s) for s in result.shared_terms] == [
        "en term 'Kuala Lumpur' is in entries with different ids: 'kl' (a.yaml:2:5), 'kuala-lumpur' (b.yaml:2:5)",
        "fa term 'کوالالامپور' is in entries with different ids: 'kl' (a.yaml:2:5), 'kuala-lumpur' (b.yaml:2:5)",
    ]


def test_identical_redefinition_is_no_conflict_and_one_file_is_a_copy() -> None:
    result = merge_files([DATA / "basic.yaml", DATA / "basic.yaml"])
    assert result.conflicts == []
    assert result.shared_terms == []
    single = merge_files([DATA / "basic.yaml"])
    assert list(single.glossary.entries) == list(load_glossary(DATA / "basic.yaml").entries)
