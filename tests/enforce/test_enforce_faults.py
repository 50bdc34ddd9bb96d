"""Every simulated model fault is either repaired or reported: never a silent miss (fake engine)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from fake_engine import FakeEngine, Fault

from dragoman.enforce import EnforceOptions, translate_segments
from dragoman.enforce.placeholders import PlaceholderForm
from dragoman.enforce.terms import count_form
from dragoman.glossary.model import Entry, Glossary, LangTerms

SENTENCE = "The new government met Anwar today."
# What the fake model says unconstrained: "Kerajaan baru bertemu Onwor hari ini." (adjective after noun,
# name respelled). The glossary wants "pemerintah" and "Anwar".
ENFORCED = "Pemerintah baru bertemu Anwar hari ini."


def make_glossary() -> Glossary:
    glossary = Glossary(languages=["en", "zz"])
    glossary.add(Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah", forbidden=["rejim"])}))
    glossary.add(Entry("anwar", {"en": LangTerms("Anwar"), "zz": LangTerms("Anwar")}, type="person"))
    glossary.add(Entry("mahathir", {"en": LangTerms("Mahathir"), "zz": LangTerms("Mahathir")}, type="person"))
    return glossary


@dataclass
class Case:
    name: str
    faults: list[Fault]
    text: str
    # entry id -> (strategy, status)
    expect: dict[str, tuple[str, str]]
    source: str = SENTENCE
    attention: bool = True
    forbidden_found: int = 0
    note: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("no fault", [], ENFORCED, {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")}),
    Case(
        "placeholder dropped in best hypothesis: n-best repairs",
        [Fault("drop", "#1", hyps="first")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
    Case(
        "placeholder dropped everywhere: term in context, located by attention",
        [Fault("drop", "#1")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("in-context", "applied")},
        note={"anwar": "located by attention: 'Onwor' replaced"},
    ),
    Case(
        "placeholder dropped, no attention: reported",
        [Fault("drop", "#1")],
        "Pemerintah baru bertemu Onwor hari ini.",
        {"gov": ("in-context", "applied"), "anwar": ("in-context", "violated")},
        attention=False,
    ),
    Case(
        "placeholder duplicated in best hypothesis: n-best repairs",
        [Fault("duplicate", "#1", hyps="first")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
    Case(
        "placeholder duplicated everywhere, no attention: extra copy removed, noted",
        [Fault("duplicate", "#1")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        note={"anwar": "placeholder duplicated 2 times; extra copies removed"},
        attention=False,
    ),
    Case(
        "placeholder duplicated everywhere, attention available: term in context wins",
        [Fault("duplicate", "#1")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("in-context", "applied")},
        note={"anwar": "located by attention: 'Onwor' replaced"},
    ),
    Case(
        "placeholders moved (swapped): each name follows its number",
        [Fault("move", "#1")],
        "bertemu Anwar Mahathir.",
        {"anwar": ("placeholder", "applied"), "mahathir": ("placeholder", "applied")},
        source="Mahathir met Anwar.",
    ),
    Case(
        "placeholder respelled recoverably",
        [Fault("respell", "#1", to="zxq 1")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        note={"anwar": "placeholder came back as 'zxq 1'"},
    ),
    Case(
        "placeholder number respelled",
        [Fault("respell", "#1", to="ZXQ7")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        note={"anwar": "placeholder number respelled as 'ZXQ7'"},
        attention=False,
    ),
    Case(
        "placeholder mangled beyond recognition: term in context",
        [Fault("respell", "#1", to="ZQX1")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("in-context", "applied")},
    ),
    Case(
        "term paraphrased, also alone: the model's own rendering is replaced",
        [Fault("paraphrase", "government", to="pentadbiran")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        note={"gov": "model rendering 'Pentadbiran' replaced"},
    ),
    Case(
        "term paraphrased in the sentence only: located by attention",
        [Fault("paraphrase", "government", to="pentadbiran", alone=False)],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        note={"gov": "located by attention: 'Pentadbiran' replaced"},
    ),
    Case(
        "term paraphrased in the sentence only, no attention: placeholder round repairs",
        [Fault("paraphrase", "government", to="pentadbiran", alone=False)],
        ENFORCED,
        {"gov": ("placeholder", "applied"), "anwar": ("placeholder", "applied")},
        attention=False,
    ),
    Case(
        "every strategy fails: best output kept, violation reported",
        [Fault("paraphrase", "government", to="pentadbiran", alone=False), Fault("drop", "#1")],
        "Pentadbiran baru bertemu.",
        {"gov": ("in-context", "violated")},
        source="The new government met.",
        attention=False,
        note={"gov": "rendering of the term not found in the output (tried: in-context, placeholder)"},
    ),
    Case(
        "forbidden term emitted for the term: replaced",
        [Fault("forbidden", "government", to="rejim")],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
    Case(
        "forbidden term banned during decoding",
        [Fault("forbidden", "government", to="rejim", honour_suppress=True, alone=False)],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
    Case(
        "forbidden term emitted elsewhere, model ignores the ban: reported",
        [Fault("forbidden", "today", to="rejim")],
        "Pemerintah baru bertemu Anwar rejim.",
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
        forbidden_found=1,
    ),
    Case(
        "forbidden term emitted elsewhere, ban honoured: nothing to report",
        [Fault("forbidden", "today", to="rejim", honour_suppress=True)],
        ENFORCED,
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
    Case(
        "sentence reordered",
        [Fault("reorder")],
        "ini pemerintah baru bertemu Anwar hari.",
        {"gov": ("in-context", "applied"), "anwar": ("placeholder", "applied")},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_is_repaired_or_reported(case: Case) -> None:
    engine = FakeEngine(faults=case.faults, attention=case.attention)
    glossary = make_glossary()
    [result] = translate_segments(engine, [case.source], "en", "zz", glossary, EnforceOptions())
    assert result.text == case.text
    found = {o.entry_id: (o.strategy, o.status) for o in result.occurrences if o.status != "forbidden-found"}
    # "model" means term-in-context where the model already said it: same strategy family.
    found = {k: ("in-context" if s == "model" else s, st) for k, (s, st) in found.items()}
    assert found == case.expect
    assert sum(o.status == "forbidden-found" for o in result.occurrences) == case.forbidden_found
    notes = {o.entry_id: o.note for o in result.occurrences if o.status != "forbidden-found"}
    for entry_id, note in case.note.items():
        assert notes[entry_id] == note
    _assert_never_silent(result.text, result.occurrences, glossary)


def _assert_never_silent(text: str, occurrences: list, glossary: Glossary) -> None:
    """The invariant: applied claims are backed by the text, no placeholder leaks, forbidden forms are reported."""
    claims: dict[str, int] = {}
    for occ in occurrences:
        if occ.status == "applied":
            claims[occ.required] = claims.get(occ.required, 0) + 1
            assert (
                occ.target_start is not None
                and text[occ.target_start : occ.target_end].casefold() == occ.required.casefold()
            )
    for rendering, n in claims.items():
        assert count_form(text, rendering, "zz") >= n
    assert PlaceholderForm("ZXQ{n}").find(text) == []
    reported = sum(o.status == "forbidden-found" for o in occurrences)
    assert count_form(text, "rejim", "zz", "insensitive") == reported


def test_batching_one_call_per_round_plain_segments_ride_in_the_first() -> None:
    engine = FakeEngine(faults=[Fault("drop", "#1")])
    segments = [SENTENCE, "Hello there.", "Anwar visited the country.", "Nothing here."]
    results = translate_segments(engine, segments, "en", "zz", make_glossary())
    # Round 1: the term-free segments, the segments with terms and the terms alone share one call (the batches
    # of a run without a glossary); round 2: the segments whose placeholders were dropped, terms in context.
    assert len(engine.calls) == 2
    first, second = engine.calls
    assert first[0] == [
        "Hello there.",
        "Nothing here.",
        "The new government met ZXQ1 today.",
        "ZXQ1 visited the country.",
        "government",
    ]
    assert first[1].num_hypotheses == 4 and first[1].return_attention and first[1].suppress == ()
    assert second[0] == [SENTENCE, "Anwar visited the country.", "Anwar"]
    assert [r.text for r in results] == [ENFORCED, "Hello there.", "Anwar melawat negara.", "Nothing here."]
    assert [r.engine_calls for r in results] == [2, 1, 2, 1]


def test_a_forbidden_form_that_came_out_is_banned_on_a_retry_of_that_segment_alone() -> None:
    engine = FakeEngine(faults=[Fault("forbidden", "today", to="rejim", honour_suppress=True)])
    results = translate_segments(engine, [SENTENCE, "Hello there."], "en", "zz", make_glossary())
    first, retry = engine.calls
    assert first[0] == ["Hello there.", "The new government met ZXQ1 today.", "government"] and first[1].suppress == ()
    # Only the segment that needs the ban pays for the ban's own call; its strategies stay as they were.
    assert retry[0] == ["The new government met ZXQ1 today."] and retry[1].suppress == ("rejim",)
    assert [r.text for r in results] == [ENFORCED, "Hello there."]
    assert [(o.entry_id, o.strategy, o.status) for o in results[0].occurrences] == [
        ("gov", "in-context", "applied"),
        ("anwar", "placeholder", "applied"),
    ]
    # A form forbidden by an entry that is not in the segment is never banned there.
    engine = FakeEngine(faults=[Fault("forbidden", "today", to="rejim", honour_suppress=True)])
    [result] = translate_segments(engine, ["Anwar met them today."], "en", "zz", make_glossary())
    assert len(engine.calls) == 1 and "rejim" in result.text and result.occurrences[0].status == "applied"


def test_without_forbidden_forms_a_glossary_run_is_one_call_when_every_term_holds() -> None:
    glossary = Glossary(languages=["en", "zz"])
    glossary.add(Entry("anwar", {"en": LangTerms("Anwar"), "zz": LangTerms("Anwar")}, type="person"))
    engine = FakeEngine()
    segments = ["Hello there.", "Anwar visited the country.", "Nothing here."]
    results = translate_segments(engine, segments, "en", "zz", glossary)
    assert len(engine.calls) == 1
    assert engine.calls[0][0] == ["Hello there.", "Nothing here.", "ZXQ1 visited the country."]
    assert [r.text for r in results] == ["Hello there.", "Anwar melawat negara.", "Nothing here."]
    assert [r.engine_calls for r in results] == [1, 1, 1]


def test_no_glossary_is_one_plain_call() -> None:
    engine = FakeEngine()
    results = translate_segments(engine, [SENTENCE], "en", "zz", None)
    assert [r.text for r in results] == ["Kerajaan baru bertemu Onwor hari ini."]
    assert results[0].occurrences == [] and len(engine.calls) == 1


def test_sentence_initial_capital_only_at_sentence_start() -> None:
    glossary = make_glossary()
    results = translate_segments(
        FakeEngine(), ["Anwar said the government met.", "The government met Anwar."], "en", "zz", glossary
    )
    assert [r.text for r in results] == ["Anwar berkata pemerintah bertemu.", "Pemerintah bertemu Anwar."]


def test_variant_kept_or_replaced() -> None:
    glossary = Glossary(languages=["en", "zz"])
    glossary.add(Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah", variants=["kerajaan"])}))
    [replaced] = translate_segments(FakeEngine(), ["The government met."], "en", "zz", glossary)
    assert replaced.text == "Pemerintah bertemu." and replaced.occurrences[0].status == "applied"
    [kept] = translate_segments(
        FakeEngine(), ["The government met."], "en", "zz", glossary, EnforceOptions(replace_variants=False)
    )
    assert kept.text == "Kerajaan bertemu."
    assert (kept.occurrences[0].status, kept.occurrences[0].found) == ("variant", "Kerajaan")


def test_two_entries_sharing_a_rendering_are_counted_together() -> None:
    glossary = Glossary(languages=["en", "zz"])
    glossary.add(Entry("house", {"en": LangTerms("house"), "zz": LangTerms("rumah")}))
    glossary.add(Entry("home", {"en": LangTerms("home"), "zz": LangTerms("rumah")}))
    engine = FakeEngine(lexicon={"house": "rumah", "home": "pondok", "and": "dan"})
    [result] = translate_segments(engine, ["house and home"], "en", "zz", glossary)
    assert result.text == "rumah dan rumah"
    assert [(o.entry_id, o.status) for o in result.occurrences] == [("house", "applied"), ("home", "applied")]


def test_source_that_already_holds_the_placeholder_form_uses_term_in_context() -> None:
    """A segment containing "ZXQ9" cannot use ZXQ placeholders; its own ZXQ9 must survive untouched."""
    engine = FakeEngine()
    [result] = translate_segments(engine, ["Anwar met ZXQ9 officials."], "en", "zz", make_glossary())
    assert engine.calls[0][0] == ["Anwar met ZXQ9 officials.", "Anwar"]
    assert result.text == "Anwar bertemu ZXQ9 officials."
    assert [(o.strategy, o.status) for o in result.occurrences] == [("model", "applied")]


def test_engine_returning_no_hypotheses_is_reported_not_crashed() -> None:
    class Silent(FakeEngine):
        def translate_batch(self, segments, source, target, options=None):  # type: ignore[no-untyped-def]
            super().translate_batch(segments, source, target, options)
            return [[] for _ in segments]

    results = translate_segments(Silent(), ["The government met.", "Hello."], "en", "zz", make_glossary())
    assert [r.text for r in results] == ["", ""]
    assert [(o.entry_id, o.status) for o in results[0].occurrences] == [("gov", "violated")]


def test_same_name_twice_gets_two_placeholders() -> None:
    engine = FakeEngine()
    [result] = translate_segments(engine, ["Officials said Anwar met Anwar."], "en", "zz", make_glossary())
    assert engine.calls[0][0][0] == "Officials said ZXQ1 met ZXQ2."
    assert result.text == "Officials berkata Anwar bertemu Anwar."
    assert [(o.source_start, o.target_start, o.status) for o in result.occurrences] == [
        (15, 18, "applied"),
        (25, 32, "applied"),
    ]


def test_inline_mark_spans_follow_the_words() -> None:
    """Bold over "new government" lands on its rendering (adjective moved after the noun, term replaced)."""
    segments = ["The new government met Anwar today.", "Officials visited the big house."]
    marks = [[(4, 18), (23, 28)], [(22, 31)]]
    results = translate_segments(FakeEngine(), segments, "en", "zz", make_glossary(), marks=marks)
    first, second = results
    assert first.text == ENFORCED
    assert [first.text[a:b] for a, b in first.mark_spans] == ["Pemerintah baru", "Anwar"]  # type: ignore[union-attr,misc]
    assert second.text == "Officials melawat rumah besar."
    assert [second.text[a:b] for a, b in second.mark_spans] == ["rumah besar"]  # type: ignore[union-attr,misc]
    no_attention = translate_segments(
        FakeEngine(attention=False), segments[1:], "en", "zz", make_glossary(), marks=marks[1:]
    )
    assert no_attention[0].mark_spans == [None]


def test_verbatim_spans_are_copied_and_located() -> None:
    """Inline code stays byte for byte (the fake model would respace "ls -la"), outside the glossary report."""
    segments = ["The government said ls -la today.", "Type Hello-World now."]
    keep = [[(20, 26)], [(5, 16)]]
    plain = FakeEngine().translate_batch(segments, "en", "zz")
    assert [h[0].text for h in plain] == ["Kerajaan berkata ls - la hari ini.", "Type Hillo - World now."]
    results = translate_segments(FakeEngine(), segments, "en", "zz", make_glossary(), keep=keep)
    assert [r.text for r in results] == ["Pemerintah berkata ls -la hari ini.", "Type Hello-World now."]
    assert [r.text[a:b] for r in results for a, b in r.kept_spans] == ["ls -la", "Hello-World"]  # type: ignore[union-attr,misc]
    assert [o.entry_id for o in results[0].occurrences] == ["gov"]
    assert results[1].occurrences == []
    # Without a glossary the verbatim spans are still kept.
    [alone] = translate_segments(FakeEngine(), segments[1:], "en", "zz", None, keep=keep[1:])
    assert (alone.text, alone.kept_spans) == ("Type Hello-World now.", [(5, 16)])
    # A model that loses the placeholder and has no attention: reported as lost (None), never silently wrong.
    [lost] = translate_segments(
        FakeEngine(faults=[Fault("drop", "#1")], attention=False), segments[1:], "en", "zz", None, keep=keep[1:]
    )
    assert lost.kept_spans == [None]


def test_attention_can_wait_for_the_second_round() -> None:
    engine = FakeEngine(faults=[Fault("paraphrase", "government", to="pentadbiran", alone=False)])
    [result] = translate_segments(
        engine, ["The new government met."], "en", "zz", make_glossary(), EnforceOptions(attention_first_round=False)
    )
    assert [c[1].return_attention for c in engine.calls] == [False, False]  # placeholder round: no in-context left
    assert result.text == "Pemerintah baru bertemu."
    assert [(o.strategy, o.status) for o in result.occurrences] == [("placeholder", "applied")]
