"""Term matching: whole words under Unicode rules, case modes, attached endings, exact original spans."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.glossary.match import (
    Pattern,
    TermMatch,
    TermMatcher,
    count_form,
    find_form,
    fold_case,
)
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.glossary.normalize import normalize
from dragoman.glossary.yamlio import load_glossary

DATA = Path(__file__).parent.parent / "data" / "glossaries"
NTREX = Path(__file__).parent.parent / "data" / "ntrex"
ZWNJ = "\u200c"


def spans(matches: list[TermMatch]) -> list[tuple[str, str]]:
    return [(m.text, m.suffix) for m in matches]


def matcher(forms: list[str], lang: str = "en", case: str = "smart") -> TermMatcher:
    return TermMatcher([Pattern(f, case, f"id{i}") for i, f in enumerate(forms)], lang)


# ------------------------------------------------------------ whole words and selection


def test_leftmost_longest_and_non_overlapping() -> None:
    m = matcher(["Masoud Pezeshkian", "Pezeshkian", "Masoud"])
    found = m.find("Masoud Pezeshkian met Pezeshkian and Masoud.")
    assert [(x.start, x.end, x.form) for x in found] == [
        (0, 17, "Masoud Pezeshkian"),
        (22, 32, "Pezeshkian"),
        (37, 43, "Masoud"),
    ]


def test_failed_longer_candidate_does_not_hide_shorter_valid_one() -> None:
    m = matcher(["New York", "New"])
    assert spans(m.find("New Yorker")) == [("New", "")]
    assert spans(m.find("New Yorker and New York")) == [("New", ""), ("New York", "")]


def test_not_inside_words() -> None:
    m = matcher(["Iran", "UN"])
    assert m.find("Iranian UNESCO Irani") == []
    assert spans(m.find("(Iran) UN-led Iran.")) == [("Iran", ""), ("UN", ""), ("Iran", "")]


def test_zwnj_is_not_a_word_boundary() -> None:
    m = matcher(["می"], lang="fa")
    assert m.find(f"می{ZWNJ}روم") == []
    assert spans(m.find("می روم")) == [("می", "")]


def test_zwnj_and_space_alike_inside_terms() -> None:
    m = matcher([f"جمهوری{ZWNJ}اسلامی"], lang="fa")
    assert spans(m.find("جمهوری اسلامی و جمهوری\u200cاسلامی")) == [("جمهوری اسلامی", ""), (f"جمهوری{ZWNJ}اسلامی", "")]


# ------------------------------------------------------------ case modes


def test_smart_case_all_capitals_match_exactly() -> None:
    m = matcher(["US", "Iran"])
    assert spans(m.find("us US Us IRAN iran Iran")) == [("US", ""), ("IRAN", ""), ("iran", ""), ("Iran", "")]


def test_sensitive_and_insensitive() -> None:
    sensitive = matcher(["Iran"], case="sensitive")
    insensitive = matcher(["UN"], case="insensitive")
    assert spans(sensitive.find("IRAN iran Iran")) == [("Iran", "")]
    assert spans(insensitive.find("UN un Un")) == [("UN", ""), ("un", ""), ("Un", "")]


def test_exact_and_folded_forms_merge_on_one_span() -> None:
    m = TermMatcher([Pattern("UN", "smart", "un"), Pattern("Un", "insensitive", "un-word")], "en")
    (hit,) = m.find("the UN")
    assert set(hit.entry_ids) == {"un", "un-word"}


# ------------------------------------------------------------ attached endings


@pytest.mark.parametrize(
    ("lang", "form", "text", "expected"),
    [
        ("en", "Pezeshkian", "Pezeshkian’s call", [("Pezeshkian", "’s")]),
        ("en", "Pezeshkian", "Pezeshkian's call", [("Pezeshkian", "'s")]),
        ("en", "Pezeshkian", "Pezeshkians", []),
        ("ms", "Malaysia", "Malaysianya", [("Malaysia", "nya")]),
        (
            "ms",
            "Malaysia",
            "Malaysialah dan Malaysiakah, Malaysiapun",
            [("Malaysia", "lah"), ("Malaysia", "kah"), ("Malaysia", "pun")],
        ),
        ("ms", "Malaysia", "Malaysia-nya", [("Malaysia", "-nya")]),
        ("ms", "Ma", "malah", []),  # short terms take no clitic
        ("ms", "Malaysia", "Malaysias", []),
        ("fa", "ایران", f"ایران{ZWNJ}ها", [("ایران", f"{ZWNJ}ها")]),
        ("fa", "ایران", f"ایران{ZWNJ}های", [("ایران", f"{ZWNJ}های")]),
        ("fa", "ایران", f"ایران{ZWNJ}ای", [("ایران", f"{ZWNJ}ای")]),
        ("fa", "ایران", f"ایران{ZWNJ}ی", [("ایران", f"{ZWNJ}ی")]),
        ("fa", "ایران", "ایرانی", []),  # Iranian: another word
        ("fa", "ایران", f"ایران{ZWNJ}شناس", []),
        ("fa", "آمریکا", "آمریکای لاتین", [("آمریکا", "ی")]),  # ezafe after final alef
        ("fa", "آمریکا", "آمریکایی", []),  # American
        ("fa", "خانه", f"خانه{ZWNJ}ی ملت", [("خانه", f"{ZWNJ}ی")]),
        ("fa", "خانه", "خانۀ ملت", [("خانۀ", "")]),
        ("fa", "خانه", "خانهٔ ملت", [("خانهٔ", "")]),
        ("en", "Iran", f"Iran{ZWNJ}ها", []),  # Persian endings only in Persian
        # The plural joined without ZWNJ (real text writes it so: NTREX fa line 394 "دموکراتها").
        ("fa", "دموکرات", "دموکراتها", [("دموکرات", "ها")]),
        ("fa", "دموکرات", "دموکراتهای رادیکال", [("دموکرات", "های")]),
        ("fa", "دموکرات", "دموکراتهایی", [("دموکرات", "هایی")]),
        ("fa", "دموکرات", "دموکراتهایشان", []),  # a further ending: not recognised, not guessed
        ("fa", "دموکرات", "دموکراتی", []),  # a joined ی is another word (democracy)
        ("fa", "کشور", "کشورها", [("کشور", "ها")]),  # 3 letters are enough after a non-joining ر
        ("fa", "تن", "تنها", []),  # "only", not "bodies": short words take no joined plural
        ("fa", "طرح", "طرحهای", []),  # 3 letters ending in a joining letter: too risky
        ("fa", "جمهوری اسلامی", "جمهوری اسلامیها", [("جمهوری اسلامی", "ها")]),
        ("en", "Demokrat", "Demokratha", []),
        # A term written with ZWNJ also matches with the ZWNJ dropped and the parts joined.
        ("fa", f"دموکرات{ZWNJ}ها", "دموکراتها و دموکرات‌ها", [("دموکراتها", ""), (f"دموکرات{ZWNJ}ها", "")]),
        ("fa", f"دموکرات{ZWNJ}ها", "دموکراتهای رادیکال", [("دموکراتها", "ی")]),
        ("fa", f"نخست{ZWNJ}وزیر", "نخستوزیر و نخست وزیر", [("نخستوزیر", ""), ("نخست وزیر", "")]),
        ("en", f"نخست{ZWNJ}وزیر", "نخستوزیر", []),  # only for Persian
    ],
)
def test_endings(lang: str, form: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(matcher([form], lang).find(text)) == expected


def test_span_covers_the_term_and_suffix_follows_it() -> None:
    text = f"در ایران{ZWNJ}ها"
    (hit,) = matcher(["ایران"], "fa").find(text)
    assert (hit.start, hit.end) == (3, 8)
    assert text[hit.end : hit.end + len(hit.suffix)] == hit.suffix


# ------------------------------------------------------------ normalised matching, original spans


def test_variant_spellings_match_with_original_spans() -> None:
    text = "رئیس‌جمهور مسعود پزشکيان و مـسعود پزشکیان"
    m = matcher(["مسعود پزشکیان"], "fa")
    found = m.find(text)
    assert [x.text for x in found] == ["مسعود پزشکيان", "مـسعود پزشکیان"]
    assert all(text[x.start : x.end] == x.text for x in found)


def test_digits_and_nbsp() -> None:
    m = matcher(["G20", "Masoud Pezeshkian"])
    assert spans(m.find("the G۲۰ and Masoud\u00a0Pezeshkian")) == [("G۲۰", ""), ("Masoud\u00a0Pezeshkian", "")]


def test_harakat_inside_original_stay_inside_span() -> None:
    text = "محمَّد"
    (hit,) = matcher(["محمد"], "fa").find(text)
    assert hit.text == text


# ------------------------------------------------------------ from_glossary


@pytest.fixture()
def basic() -> Glossary:
    return load_glossary(DATA / "basic.yaml")


def test_from_glossary_kinds_and_ids(basic: Glossary) -> None:
    m = TermMatcher.from_glossary(basic, "fa", kinds=("preferred", "variant", "forbidden"))
    found = m.find("مسعود پزشکيان گفت پزشکیان مسعود و پزشکیان")
    # The variant differs from the preferred term only by an Arabic yeh: after normalisation
    # it IS the preferred term, and the strongest kind wins.
    assert [(x.entry_ids, x.kind) for x in found] == [
        (("masoud-pezeshkian",), "preferred"),
        (("masoud-pezeshkian",), "forbidden"),
        (("pezeshkian",), "preferred"),
    ]


def test_from_glossary_is_cached_per_object(basic: Glossary) -> None:
    first = TermMatcher.from_glossary(basic, "en")
    assert TermMatcher.from_glossary(basic, "en") is first
    assert TermMatcher.from_glossary(basic, "en", approved_only=True) is not first
    other = load_glossary(DATA / "basic.yaml")
    assert TermMatcher.from_glossary(other, "en") is not first


def test_approved_only_leaves_out_drafts(basic: Glossary) -> None:
    assert len(TermMatcher.from_glossary(basic, "en").find("the UN")) == 1
    assert TermMatcher.from_glossary(basic, "en", approved_only=True).find("the UN") == []


def test_dnt_entry_is_looked_for_in_every_language(basic: Glossary) -> None:
    found = TermMatcher.from_glossary(basic, "fa").find("سازمان ملل (UN) و un")
    assert [(x.text, x.entry_ids) for x in found] == [("UN", ("un",))]


def test_shared_form_lists_every_entry() -> None:
    g = Glossary()
    g.add(Entry("a", {"en": LangTerms("Gulf")}))
    g.add(Entry("b", {"en": LangTerms("Persian Gulf", variants=["Gulf"])}))
    (hit,) = TermMatcher.from_glossary(g, "en").find("the Gulf")
    assert hit.entry_ids == ("a", "b")
    assert hit.entry_kinds == ("preferred", "variant")
    assert hit.kind == "preferred"


def test_count_form_and_find_form() -> None:
    assert count_form("US us U.S. US’s", "US", "en") == 2
    assert count_form("ایران‌ها و ایرانی و ايران", "ایران", "fa") == 2
    assert [m.suffix for m in find_form("Iran's Iran", "Iran", "en")] == ["'s", ""]


def test_empty_inputs() -> None:
    assert matcher([]).find("anything") == []
    assert matcher(["x"]).find("") == []
    assert matcher(["  "]).find("  ") == []


# ------------------------------------------------------------ properties

_FORMS = ["ایران", "پزشکیان", "Iran", "UN", "مسعود پزشکیان", "Anwar Ibrahim", "نخست\u200cوزیر"]
_NOISE = ["\u200c", "\u0640", "\u064e", "\u00a0", "\u064a", "\u0643", "\u06f1", "\u2019", " ", ".", "x", "ی"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FORMS), st.sampled_from(_NOISE)), max_size=25).map("".join))
def test_spans_map_back_to_the_original(text: str) -> None:
    for lang in ("fa", "en"):
        found = matcher(_FORMS, lang).find(text)
        last_end = 0
        for hit in found:
            assert hit.text == text[hit.start : hit.end]
            assert hit.start >= last_end
            last_end = hit.end
            expected = {fold_case(normalize(hit.form).text)}
            if lang == "fa":  # a ZWNJ of the term may be dropped in the text, the parts joined
                expected.add(fold_case(normalize(hit.form.replace(ZWNJ, "")).text))
            assert fold_case(normalize(hit.text).text) in expected
            assert text[hit.end : hit.end + len(hit.suffix)] == hit.suffix


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["ایران", "مسعود پزشکیان", "پزشکیان"]),
    st.lists(st.tuples(st.integers(1, 20), st.sampled_from(["\u0640", "\u064e", "\u0650", "\u0651"])), max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_noisy_spellings_are_found(form: str, inserts: list[tuple[int, str]], arabic_yeh: bool, nbsp: bool) -> None:
    noisy = list(form)
    for position, ch in sorted(inserts, reverse=True):
        at = min(position, len(noisy))
        if noisy[at - 1] != " ":  # marks sit on letters
            noisy.insert(at, ch)
    word = "".join(noisy)
    if arabic_yeh:
        word = word.replace("ی", "\u064a")
    if nbsp:
        word = word.replace(" ", "\u00a0")
    text = f"گفت {word}، و"
    found = matcher([form], "fa").find(text)
    assert [(m.start, m.text) for m in found] == [(4, word)]


# ------------------------------------------------------------ real data (NTREX references)


@pytest.fixture(scope="module")
def persian() -> str:
    return (NTREX / "newstest2019-ref.fas.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def malay() -> str:
    return (NTREX / "newstest2019-ref.msa.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def english() -> str:
    return (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8")


# Counts checked by hand with grep and plain regular expressions over the files (see the
# comments): they do not come from the matcher.
@pytest.mark.parametrize(
    ("form", "count"),
    [
        ("ترامپ", 86),  # all whole words
        ("آمریکا", 45),  # 40 bare + 5 ezafe "آمریکای"; the 29 "آمریکایی" (American) are not it
        ("ایالات متحده آمریکا", 5),  # one with NBSP
        ("چین", 48),  # the 5 "چینی" (Chinese) are not it
        ("رسانه", 19),  # 3 bare + 16 with ‌ها / ‌های / ‌ای / ‌ی
        ("تحریم", 15),  # 5 bare + 9 with ‌ها / ‌های + 1 joined "تحریمها"
        ("یک", 397),  # one of them written with Arabic yeh and kaf: "يك"
        ("ایران", 2),  # a third "ایران" is inside the name "کایران"
        # 14 bare + 9 with ‌ها / ‌های + 5 joined without ZWNJ ("دموکراتها" lines 394, 551, 552, 1510;
        # "دموکراتهای" line 548); "دموکراتیک" (democratic) is not it
        ("دموکرات", 28),
        ("کشور", 77),  # 65 bare + 12 joined "کشورها/کشورهای/کشورهایی"; "کشورش/کشورشان" are not it
    ],
)
def test_persian_reference_counts(persian: str, form: str, count: int) -> None:
    assert count_form(persian, form, "fa") == count


@pytest.mark.parametrize(
    ("form", "count"),
    [
        ("Trump", 82),
        ("Presiden", 71),  # "presiden" too (smart case); "TPresiden" is not a word
        ("Amerika Syarikat", 29),
        ("negara", 105),  # 102 bare + 3 "negaranya"
    ],
)
def test_malay_reference_counts(malay: str, form: str, count: int) -> None:
    assert count_form(malay, form, "ms") == count


def test_english_source_counts(english: str) -> None:
    assert count_form(english, "US", "en") == 28  # 51 case-insensitively: "us" is not "US"
    trump = find_form(english, "Trump", "en")
    assert len(trump) == 82
    assert sum(1 for m in trump if m.suffix) == 15  # Trump's / Trump’s
    for m in trump:
        assert english[m.start : m.end] == "Trump"


def test_ezafe_suffix_in_real_text(persian: str) -> None:
    found = find_form(persian, "آمریکا", "fa")
    assert sorted({m.suffix for m in found}) == ["", "ی"]
    assert sum(1 for m in found if m.suffix == "ی") == 5


def test_possessive_after_final_s() -> None:
    assert spans(matcher(["Abbas"]).find("Abbas’ visit, Abbas'")) == [("Abbas", "’"), ("Abbas", "'")]
    assert spans(matcher(["Iran"]).find("'Iran' said")) == [("Iran", "")]


def test_benchmark_script_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_matching", Path(__file__).parents[2] / "benchmarks" / "bench_matching.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = tmp_path / "t.txt"
    text.write_text("Anwar Ibrahim met Masoud Pezeshkian in Kuala Lumpur.\nPezeshkian’s call.\n", encoding="utf-8")
    assert bench.main(["--sizes", "10,50", "--text", str(text), "--no-news"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2].split()[0] == "10" and out[-1].split()[0] == "50"
    # The glossary holds the text's capitalised words and pairs; leftmost-longest finds
    # "Anwar Ibrahim", "Masoud Pezeshkian", "Kuala Lumpur" and "Pezeshkian" (’s).
    assert out[-1].split()[-1] == "4"


def test_stray_zwnj_before_punctuation_or_at_end_joins_nothing() -> None:
    m = matcher(["ایران"], "fa")
    assert spans(m.find(f"ایران{ZWNJ}. و ایران{ZWNJ}")) == [("ایران", ""), ("ایران", "")]
    assert [(x.start, x.end) for x in m.find(f"{ZWNJ}ایران")] == [(1, 6)]
    assert m.find(f"نا{ZWNJ}ایران") == []
