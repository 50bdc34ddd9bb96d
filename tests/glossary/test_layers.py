"""Layered glossaries: later layers win, and every disagreement is a recorded conflict."""

from __future__ import annotations

from pathlib import Path

from dragoman.glossary.layers import load_glossaries, merge_layers
from dragoman.glossary.match import TermMatcher
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.glossary.yamlio import load_glossary

DATA = Path(__file__).parent.parent / "data" / "glossaries"


def test_later_layer_wins_and_conflicts_are_reported() -> None:
    base, desk = DATA / "basic.yaml", DATA / "desk.yaml"
    g = load_glossaries([base, desk])
    assert g.get("anwar-ibrahim").term("ms") == "Datuk Seri Anwar Ibrahim"  # type: ignore[union-attr]
    assert list(g.entries) == [
        "masoud-pezeshkian",
        "pezeshkian",
        "anwar-ibrahim",
        "malaysia",
        "un",
        "iran-islamic-republic",
        "iran",
        "putrajaya",
    ]
    assert [str(c) for c in g.conflicts] == [
        (
            f"{desk}:4:5: entry 'anwar-ibrahim' redefined: ms 'Anwar Ibrahim' -> 'Datuk Seri Anwar Ibrahim' "
            f"(overrides {base}:19:5)"
        ),
        (
            f"{desk}:10:5: en term 'Iran' of entry 'iran-islamic-republic' is also in entry 'iran', which renders it "
            f"in ms as 'Iran'; 'iran-islamic-republic' ('Republik Islam Iran') wins (overrides {base}:25:5)"
        ),
    ]
    first = g.conflicts[0]
    assert (first.entry_id, first.lang, first.kept, first.dropped) == (
        "anwar-ibrahim",
        "ms",
        "Datuk Seri Anwar Ibrahim",
        "Anwar Ibrahim",
    )
    assert g.languages == ["en", "ms", "fa"]


def test_later_entry_is_first_for_a_shared_form() -> None:
    g = load_glossaries([DATA / "basic.yaml", DATA / "desk.yaml"])
    (hit,) = TermMatcher.from_glossary(g, "en").find("Iran said")
    assert hit.entry_ids == ("iran-islamic-republic", "iran")


def test_identical_redefinition_is_not_a_conflict() -> None:
    g = load_glossaries([DATA / "basic.yaml", DATA / "basic.yaml"])
    assert g.conflicts == []
    assert len(g) == 6


def test_shared_term_with_same_rendering_is_not_a_conflict() -> None:
    a, b = Glossary(), Glossary()
    a.add(Entry("tehran", {"en": LangTerms("Tehran"), "fa": LangTerms("تهران")}))
    b.add(Entry("tehran-city", {"en": LangTerms("Tehran"), "fa": LangTerms("تهران")}))
    assert merge_layers([a, b]).conflicts == []


def test_changed_settings_are_a_conflict() -> None:
    a, b = Glossary(), Glossary()
    a.add(Entry("un", {"en": LangTerms("UN")}))
    b.add(Entry("un", {"en": LangTerms("UN")}, dnt=True))
    (conflict,) = merge_layers([a, b]).conflicts
    assert conflict.message == "entry 'un' redefined: dnt false -> true"


def test_single_layer_is_returned_as_loaded() -> None:
    g = load_glossaries([DATA / "basic.yaml"])
    assert g == load_glossary(DATA / "basic.yaml")
    assert merge_layers([]).entries == {}


def test_three_layers_same_layer_sharing_is_not_a_conflict() -> None:
    base, middle, top = Glossary(), Glossary(), Glossary()
    # Two entries of one layer sharing "Tehran" never conflict with each other; a later layer
    # is compared with the first of them.
    base.add(Entry("tehran", {"en": LangTerms("Tehran"), "ms": LangTerms("Teheran")}))
    base.add(Entry("tehran-province", {"en": LangTerms("Tehran"), "ms": LangTerms("Wilayah Tehran")}))
    middle.add(Entry("kl", {"en": LangTerms("Kuala Lumpur"), "ms": LangTerms("Kuala Lumpur")}))
    top.add(Entry("tehran-city", {"en": LangTerms("Tehran"), "ms": LangTerms("Tehran")}))
    top.add(Entry("kl-city", {"en": LangTerms("KL", variants=["Kuala Lumpur"]), "ms": LangTerms("KL")}))
    merged = merge_layers([base, middle, top])
    assert [(c.entry_id, c.lang, c.kept, c.dropped) for c in merged.conflicts] == [
        ("tehran-city", "ms", "Tehran", "Teheran"),
        ("kl-city", "ms", "KL", "Kuala Lumpur"),
    ]
    assert list(merged.entries) == ["tehran-province", "tehran-city", "tehran", "kl-city", "kl"]
