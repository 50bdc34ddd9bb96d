"""Pivot legs (terms hold in the final language) and translation-memory key material."""

from __future__ import annotations

from fake_engine import FakeEngine, Fault

from dragoman.enforce import (
    EnforceOptions,
    carry_for_pivot,
    merge_pivot,
    tm_key_material,
    translate_segments,
)
from dragoman.enforce.model import PlannedTerm
from dragoman.glossary.model import Entry, Glossary, LangTerms

# The second leg's "model": toy Malay-like zz -> a Spanish-like xx.
ZZ_XX = {
    "kerajaan": "reino",
    "pemerintah": "gobierno",
    "bertemu": "encontró",
    "baru": "nuevo",
    "hari": "día",
    "ini": "este",
}


def pivot_glossary() -> Glossary:
    glossary = Glossary(languages=["en", "zz", "xx"])
    glossary.add(
        Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah"), "xx": LangTerms("administración")})
    )
    glossary.add(
        Entry("anwar", {"en": LangTerms("Anwar"), "zz": LangTerms("Anwar"), "xx": LangTerms("Anwar")}, type="person")
    )
    return glossary


def run_pivot(leg1_engine: FakeEngine, leg2_engine: FakeEngine, segments: list[str]):  # type: ignore[no-untyped-def]
    glossary = pivot_glossary()
    leg1 = translate_segments(leg1_engine, segments, "en", "zz", glossary)
    planned = carry_for_pivot(leg1)
    leg2 = translate_segments(leg2_engine, [r.text for r in leg1], "zz", "xx", glossary, planned=planned)
    return leg1, planned, leg2, merge_pivot(leg1, leg2)


def test_pivot_terms_hold_in_the_final_language() -> None:
    leg1, planned, leg2, final = run_pivot(
        FakeEngine(), FakeEngine(lexicon=ZZ_XX, adjectives=frozenset()), ["The new government met Anwar today."]
    )
    assert leg1[0].text == "Pemerintah baru bertemu Anwar hari ini."
    assert planned == [
        [
            PlannedTerm(0, 10, "gov", 8, 18, "government"),
            PlannedTerm(24, 29, "anwar", 23, 28, "Anwar"),
        ]
    ]
    assert final[0].text == "Administración nuevo encontró Anwar día este."
    occs = [(o.source_start, o.source_end, o.source_text, o.entry_id, o.status) for o in final[0].occurrences]
    assert occs == [(8, 18, "government", "gov", "applied"), (23, 28, "Anwar", "anwar", "applied")]
    assert final[0].engine_calls == leg1[0].engine_calls + leg2[0].engine_calls


def test_pivot_first_leg_loss_stays_reported() -> None:
    leg1_engine = FakeEngine(faults=[Fault("drop", "#1")], attention=False)
    leg1, planned, _, final = run_pivot(leg1_engine, FakeEngine(lexicon=ZZ_XX), ["Officials met Anwar."])
    assert leg1[0].occurrences[0].status == "violated"
    assert planned == [[]]
    [occ] = [o for o in final[0].occurrences if o.entry_id == "anwar"]
    assert (occ.source_start, occ.status, occ.strategy) == (14, "violated", "pivot")
    assert occ.note is not None and occ.note.endswith("lost in the first leg of the pivot")


def test_tm_key_material_changes_only_for_touching_entries() -> None:
    glossary = pivot_glossary()
    touching = "The government met Anwar."
    untouched = "Nothing to see here."
    assert tm_key_material(untouched, glossary, "en", "zz") == ""
    assert tm_key_material(touching, None, "en", "zz") == ""
    before = tm_key_material(touching, glossary, "en", "zz")
    assert before.startswith("glossary:anwar,gov:")
    # Editing an entry the segment does not touch changes nothing.
    glossary.add(Entry("other", {"en": LangTerms("parliament"), "zz": LangTerms("parlimen")}))
    assert tm_key_material(touching, glossary, "en", "zz") == before
    # Editing one it touches changes the key.
    glossary.entries["gov"].terms["zz"].forbidden.append("rejim")
    after = tm_key_material(touching, glossary, "en", "zz")
    assert after != before and after.startswith("glossary:anwar,gov:")
    # So does a different placeholder form (the output may differ).
    assert tm_key_material(touching, glossary, "en", "zz", EnforceOptions(placeholder_form="⟦{n}⟧")) != after
