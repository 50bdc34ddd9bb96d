"""The integrity checks one by one: what each finds, what it must leave alone (tables of cases)."""

from __future__ import annotations

import pytest

from dragoman.digits import to_native_digits
from dragoman.integrity import (
    CHECKS,
    CODES,
    Finding,
    SegmentPair,
    checks_markdown,
    remove_debris,
    run_checks,
)
from dragoman.integrity.numbers import CLDR_SYMBOLS, numbers_in, separators


def codes(source: str, output: str, target: str = "ms", **kwargs: object) -> list[str]:
    return [f.check for f in run_checks(source, output, source_lang="en", target_lang=target, **kwargs)]  # type: ignore[arg-type]


def test_registry_has_the_issue_codes_in_order() -> None:
    assert CODES == ("placeholder-debris", "repetition", "numbers", "empty", "untranslated", "length", "markup")
    for check in CHECKS.values():
        assert check.help and check.severity in ("error", "warning")


def test_unknown_check_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown integrity check"):
        run_checks("a", "b", source_lang="en", target_lang="ms", checks=["nope"])


@pytest.mark.parametrize(
    "output",
    [
        "ZXQ1111 Masoud Pezeshkian",
        "Pezeshkian, ZXQ,.",
        "bahawa ZXQ,4oro",
        "zxq 3 berkata",
        "Z XQ berkata",
        "ZXQ۱۲ berkata",
        "presiden ZXQ",
    ],
)
def test_placeholder_debris_in_every_shape(output: str) -> None:
    found = run_checks("The president said.", output, source_lang="en", target_lang="ms", placeholder_forms=["ZXQ{n}"])
    (debris,) = [f for f in found if f.check == "placeholder-debris"]
    assert debris.start is not None and debris.end is not None
    assert "zxq" in output[debris.start : debris.end].lower().replace(" ", "")


@pytest.mark.parametrize(
    ("form", "output"),
    [("⟦{n}⟧", "Presiden ⟦1 berkata"), ("⟦{n}⟧", "Presiden 〚 berkata 2⟧"), ("XTERM{n}X", "x term1X berkata"),
     ("[[{n}]]", "kata [[3 dia"), ("947{n}", "kata 9471 dia")],
)  # fmt: skip
def test_placeholder_debris_of_other_families(form: str, output: str) -> None:
    assert "placeholder-debris" in codes("He said it.", output, placeholder_forms=[form])


def test_placeholder_family_in_the_source_is_not_debris() -> None:
    assert "placeholder-debris" not in codes(
        "Code ZXQ1 is here.", "Kod ZXQ1 ada di sini.", placeholder_forms=["ZXQ{n}"]
    )


def test_remove_debris_leaves_the_sentence() -> None:
    pair = SegmentPair(
        "Pezeshkian said so.", "Pezeshkian ZXQ1 berkata begitu ZXQ.", "en", "ms", placeholder_forms=["ZXQ{n}"]
    )
    assert remove_debris(pair) == "Pezeshkian berkata begitu."
    clean = SegmentPair("a", "Pezeshkian berkata.", "en", "ms", placeholder_forms=["ZXQ{n}"])
    assert remove_debris(clean) is None


@pytest.mark.parametrize(
    ("source", "output", "flagged"),
    [
        ("Masoud Pezeshkian", "Masoud Pezeshkian Iron Iron Iron Iron", True),
        ("Masoud Pezeshkian", "ZXQ ZXQ ZXQ ZXQ ZXQ", True),
        ("He came back.", "Dia datang kembali kembali kembali.", False),  # three times: not a loop
        ("He said no, no, no, no.", "Dia berkata tidak, tidak, tidak, tidak.", False),  # the source has the run
        ("It is a b c d a b c d a b c d a b c d", "x", False),
        (
            "Short.",
            "satu dua tiga empat lima enam tujuh lapan sembilan sepuluh sebelas dua belas tiga belas empat belas",
            True,
        ),
    ],
)
def test_repetition(source: str, output: str, flagged: bool) -> None:
    assert ("repetition" in codes(source, output)) is flagged


def test_repetition_of_a_bigram_is_located() -> None:
    output = "Kata dia pergi balik pergi balik pergi balik pergi balik."
    (finding,) = [f for f in run_checks("He said he went back.", output, source_lang="en", target_lang="ms")
                  if f.check == "repetition"]  # fmt: skip
    assert finding.start is not None and finding.end is not None
    assert output[finding.start : finding.end].count("pergi balik") == 4


@pytest.mark.parametrize(
    ("source", "output", "target"),
    [
        ("It cost 1,200 dollars.", "Ia berharga 1,200 dolar.", "ms"),
        ("It cost 1,200 dollars.", "Ia berharga 1.200 dolar.", "ms"),  # "." groups in neighbouring conventions
        ("It cost 1,200 dollars.", "این ۱٬۲۰۰ دلار هزینه داشت.", "fa"),
        ("It cost 1,200 dollars.", "این ۱۲۰۰ دلار هزینه داشت.", "fa"),
        ("It cost 1,200 dollars.", "Es kostete 1.200 Dollar.", "de"),
        ("A 3.5 magnitude quake.", "Ein Beben der Stärke 3,5.", "de"),
        ("A 3.5 magnitude quake.", "زمین‌لرزه ۳٫۵ ریشتری.", "fa"),
        ("In 2019, 45% voted.", "Pada 2019, 45 peratus mengundi.", "ms"),
        ("In 2019, 45% voted.", "در سال ۲۰۱۹، ٪۴۵ رأی دادند.", "fa"),
        ("From 2010-2015.", "Dari 2010 hingga 2015.", "ms"),
        ("At 10:30 today.", "Pada 10.30 hari ini.", "ms"),
        ("It raised $5 million.", "Ia mengumpul 5 juta dolar.", "ms"),
        ("It raised $5,000,000.", "Ia mengumpul 5 juta dolar.", "ms"),
        ("He has 3 sons.", "Dia mempunyai tiga anak lelaki.", "ms"),
        ("He has three sons.", "Dia mempunyai 3 anak lelaki.", "ms"),
        ("Up to 10 inches of rain.", "تا ۲۵۰ میلیمتر باران.", "fa"),
        ("The 36th meeting.", "سی و ششمین جلسه.", "fa"),
        ("Call 0800 555 111 now.", "Hubungi 0800555111 sekarang.", "ms"),
    ],
)
def test_numbers_equal_in_every_convention(source: str, output: str, target: str) -> None:
    assert "numbers" not in codes(source, output, target), run_checks(
        source, output, source_lang="en", target_lang=target
    )


@pytest.mark.parametrize(
    ("source", "output", "target", "detail"),
    [
        ("It cost 1,200 dollars.", "Ia berharga 1,300 dolar.", "ms", "'1,200' of the source"),
        ("It cost 1,500 dollars.", "این ۱٫۵ دلار هزینه داشت.", "fa", "'1,500' of the source"),
        ("In 2019 it rose.", "Ia meningkat.", "ms", "'2019' of the source"),
        ("It rose.", "Ia meningkat 7 kali.", "ms", "'7' is in the output"),
        ("At 10:30 today.", "Pada 11.30 hari ini.", "ms", "'10:30' of the source"),
        ("He has 3 sons.", "Dia mempunyai empat anak lelaki.", "ms", "'3' of the source"),
    ],
)
def test_numbers_changed_dropped_or_added(source: str, output: str, target: str, detail: str) -> None:
    found = [f for f in run_checks(source, output, source_lang="en", target_lang=target) if f.check == "numbers"]
    assert any(detail in f.detail for f in found), found


def test_numbers_respect_digits_native() -> None:
    source = "On 12 March 2024, 1,250 people and 3.5 percent."
    output = to_native_digits("Pada 12 Mac 2024, 1,250 orang dan 3.5 peratus.", "fa")
    assert output != "Pada 12 Mac 2024, 1,250 orang dan 3.5 peratus."
    assert "numbers" not in codes(source, output, "fa", digits="native")


def test_missing_number_points_at_the_source() -> None:
    (finding,) = run_checks("In 2019 it rose.", "Ia meningkat.", source_lang="en", target_lang="ms", checks=["numbers"])
    assert (finding.source_start, finding.source_end) == (3, 7)


def test_cldr_table_agrees_with_babel() -> None:
    pytest.importorskip("babel")  # the test extra installs it; the table exists for installs without it
    from babel.numbers import get_decimal_symbol, get_group_symbol

    for lang, (decimal, group) in CLDR_SYMBOLS.items():
        assert (get_decimal_symbol(lang), get_group_symbol(lang)) == (decimal, group), lang
    assert separators("ms") == (".", ",")


def test_number_readings() -> None:
    (number,) = numbers_in("1.200", ("ms",))
    assert number.values == {"1.2", "1200"}
    (number,) = numbers_in("۱٬۲۰۰", ("fa",))
    assert number.values == {"1200"}


@pytest.mark.parametrize(
    ("source", "output", "flagged"), [("Hello there.", "", True), ("...", "", False), ("Hi.", "Hai.", False)]
)
def test_empty(source: str, output: str, flagged: bool) -> None:
    assert ("empty" in codes(source, output)) is flagged


@pytest.mark.parametrize(
    ("source", "output", "target", "flagged"),
    [
        (
            "The minister said that the new policy will start today.",
            "The minister said that the new policy will start today.",
            "ms",
            True,
        ),
        (
            "The minister said that the new policy will start today.",
            "Menteri berkata dasar baru akan bermula hari ini.",
            "ms",
            False,
        ),
        (
            "The minister said that the new policy will start today.",
            "The minister said that the new policy will start today.",
            "fa",
            True,
        ),
        (
            "The minister said that the new policy will start today.",
            "وزیر گفت که سیاست جدید از امروز آغاز می‌شود.",
            "fa",
            False,
        ),
        (
            "Masoud Pezeshkian met Anwar Ibrahim in Kuala Lumpur.",
            "Masoud Pezeshkian bertemu Anwar Ibrahim di Kuala Lumpur.",
            "ms",
            False,
        ),
        ("Short title here.", "Short title here.", "ms", False),  # under six words: a title is often kept
    ],
)
def test_untranslated(source: str, output: str, target: str, flagged: bool) -> None:
    assert ("untranslated" in codes(source, output, target)) is flagged


def test_untranslated_does_not_count_glossary_spans() -> None:
    source = "the union of the new party of the workers met"
    output = "the union of the new party of the workers bertemu"
    assert "untranslated" in codes(source, output)
    assert "untranslated" not in codes(source, output, exclude=[(0, len(source) - 4)])


def test_untranslated_by_the_language_identifier() -> None:
    source = "The government announced a new policy on housing for young families in the capital."
    output = "The government announced new policy about houses for the families in capital city today."
    assert "untranslated" in codes(source, output, "ms")


@pytest.mark.parametrize(
    ("output", "flagged"),
    [("Menteri berkata dasar baru akan bermula hari ini.", False), ("Menteri.", True), ("Menteri " * 40, True)],
)
def test_length_band(output: str, flagged: bool) -> None:
    assert ("length" in codes("The minister said that the new policy will start today.", output)) is flagged


def test_length_skips_short_segments() -> None:
    assert "length" not in codes("Yes.", "Ya, betul sekali, memang begitu.")


@pytest.mark.parametrize(
    ("source", "output", "verbatim", "flagged"),
    [
        ("See https://example.org/a now.", "Lihat https://example.org/a sekarang.", (), False),
        ("See https://example.org/a now.", "Lihat example.org sekarang.", (), True),
        ("Write to a@b.org today.", "Tulis kepada a@b.org hari ini.", (), False),
        ("Run `ls -l` now.", "Jalankan `ls -l` sekarang.", (), False),
        ("Run `ls -l` now.", "Jalankan ls -l sekarang.", (), True),
        ("A <b>bold</b> word.", "Perkataan <b>tebal</b>.", (), False),
        ("A <b>bold</b> word.", "Perkataan tebal.", (), True),
        ("A **bold** word.", "Perkataan tebal.", (), True),
        ("Run ls -l now.", "Jalankan sekarang.", ("ls -l",), True),
        ("Run ls -l now.", "Jalankan ls -l sekarang.", ("ls -l",), False),
    ],
)
def test_markup(source: str, output: str, verbatim: tuple[str, ...], flagged: bool) -> None:
    assert ("markup" in codes(source, output, verbatim=verbatim)) is flagged


def test_markup_names_the_missing_tag() -> None:
    source = "A <b>bold</b> and <a href='x'>linked</a> word."
    found = run_checks(source, "Perkataan tebal dan </a> berpaut.", source_lang="en", target_lang="ms")
    messages = sorted(f.detail for f in found if f.check == "markup")
    assert messages == ["</b> missing from the output", "<a> missing from the output", "<b> missing from the output"]


def test_findings_are_plain_data() -> None:
    finding = Finding("numbers", "x", "error", 1, 2)
    assert finding.to_dict()["check"] == "numbers"


def test_docs_table_is_generated_from_the_registry() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text(encoding="utf-8")
    assert checks_markdown() in doc, "docs/report.md is stale: paste dragoman.integrity.checks_markdown() into it"
