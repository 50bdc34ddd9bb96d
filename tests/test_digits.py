"""Native digits for output (`--digits native`): Persian digits in fa; URLs, code, markup, identifiers untouched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragoman.digits import (
    NATIVE_NUMBERING_SYSTEM,
    NUMBERING_SYSTEM_DIGITS,
    apply_digit_mode,
    native_numbering_system,
    to_latin_digits,
    to_native_digits,
)
from dragoman.errors import LanguageError


@pytest.mark.parametrize(
    "text, expected",
    [
        ("در سال 2023 بیش از 60,000 نفر", "در سال ۲۰۲۳ بیش از ۶۰٬۰۰۰ نفر"),
        ("نرخ 3.5 درصد، 1,250 نفر.", "نرخ ۳٫۵ درصد، ۱٬۲۵۰ نفر."),
        ("سال 2024, 12 نفر.", "سال ۲۰۲۴, ۱۲ نفر."),
        ("جنگ 12 روزه", "جنگ ۱۲ روزه"),
        ("٣ و ۴", "۳ و ۴"),  # Arabic-Indic digits become Persian too
        ("کووید-19", "کووید-۱۹"),  # digits joined to Persian letters are converted
        ("COVID-19 و MH370 و F-35", "COVID-19 و MH370 و F-35"),  # identifiers with Latin letters are not
        ("نسخه v1.2 و 1.2.3 و 10.0.0.1", "نسخه v1.2 و 1.2.3 و 10.0.0.1"),  # versions and IP addresses
        ("https://irna.ir/news/85123 را ببینید", "https://irna.ir/news/85123 را ببینید"),
        ("www.bbc.com/persian/2024 خبر 5", "www.bbc.com/persian/2024 خبر ۵"),
        ("به desk2@example.com بنویسید", "به desk2@example.com بنویسید"),
        ('<p id="s2">عدد 7</p>', '<p id="s2">عدد ۷</p>'),
        ("کد `x = 3` و 4", "کد `x = 3` و ۴"),
        ("```\nprint(1)\n```\nو 2", "```\nprint(1)\n```\nو ۲"),
        ("&#1234; و 8", "&#1234; و ۸"),
        ("{0} و %1$s و 9", "{0} و %1$s و ۹"),
        ("file_2 و 3", "file_2 و ۳"),
        ("", ""),
    ],
)
def test_persian_native_digits(text: str, expected: str) -> None:
    assert to_native_digits(text, "fa") == expected


def test_latin_native_languages_unchanged() -> None:
    assert to_native_digits("Pada 7 Oktober 2023", "ms") == "Pada 7 Oktober 2023"
    assert native_numbering_system("ms") == "latn"
    assert to_native_digits("12", "ar") == "١٢"


def test_table_agrees_with_cldr() -> None:
    from babel import Locale

    assert Locale("fa").default_numbering_system == NATIVE_NUMBERING_SYSTEM["fa"] == "arabext"
    assert dict(Locale("ar").other_numbering_systems)["native"] == "arab"
    assert NUMBERING_SYSTEM_DIGITS["arabext"] == "".join(chr(0x06F0 + i) for i in range(10))


def test_modes() -> None:
    assert apply_digit_mode("سال 2024", "fa", "keep") == "سال 2024"
    assert apply_digit_mode("سال 2024", "fa", "native") == "سال ۲۰۲۴"
    assert apply_digit_mode("سال ۲۰۲۴ و ٣", "fa", "latin") == "سال 2024 و 3"
    assert to_latin_digits("۱۲٣") == "123"
    with pytest.raises(LanguageError, match="unknown digit mode 'roman'"):
        apply_digit_mode("1", "fa", "roman")
    with pytest.raises(LanguageError):
        to_native_digits("1", "not a code")


@given(st.text(alphabet=st.sampled_from(list("0123456789 abcv.,_-/:@<>`{}%$sحسن۱٣\n")), max_size=60))
def test_only_digits_and_separators_change_and_length_is_kept(text: str) -> None:
    out = to_native_digits(text, "fa")
    assert len(out) == len(text)
    for i, (a, b) in enumerate(zip(text, out)):
        between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        assert (
            a == b
            or (a.isdigit() and b.isdigit() and int(a) == int(b))
            or (between_digits and (a, b) in ((",", "\u066c"), (".", "\u066b")))
        )
    assert to_latin_digits(out) == to_latin_digits(text)
