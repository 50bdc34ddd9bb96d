"""Plain text: lines, blank lines and spacing kept; sentences of each line translated in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.formats import Document, SegmentOutput, parse

ARTICLE = Path(__file__).parent.parent.parent / "examples" / "pezeshkian-anwar-call.en.txt"


def test_article_segments_and_identity() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    document = parse(text, "txt", "en")
    assert len(text.splitlines()) == 10
    assert len(document.segments) == 13
    assert document.segments[0].text.startswith("Pezeshkian made the call")
    assert document.segments[2].text == (
        "“The Islamic Republic of Iran has always defended the rights of the oppressed Palestinian "
        "nation, and other Islamic countries should adopt a stronger and more active stance in "
        "support of the oppressed people of Palestine and Gaza too,” he added."
    )
    assert document.segments[3].text == (
        "“Collective efforts will be very effective in confronting the crimes of the Zionist regime in Gaza.”"
    )
    assert all(s.kind == "paragraph" and s.inline == [] for s in document.segments)
    assert document.render(document.identity_outputs(), "en") == text


def test_article_translation_keeps_lines(fake_translate: Callable[[Document, str], str]) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    out = fake_translate(parse(text, "txt", "en"), "ms")
    assert out.count("\n") == text.count("\n")
    assert out.splitlines()[2] == (
        "ADDED. HE TOO,” GAZA AND PALESTINE OF PEOPLE OPPRESSED THE OF SUPPORT IN STANCE ACTIVE MORE "
        "AND STRONGER A ADOPT SHOULD COUNTRIES ISLAMIC OTHER AND NATION, PALESTINIAN OPPRESSED THE OF "
        "RIGHTS THE DEFENDED ALWAYS HAS IRAN OF REPUBLIC ISLAMIC “THE GAZA.” IN REGIME ZIONIST THE OF "
        "CRIMES THE CONFRONTING IN EFFECTIVE VERY BE WILL EFFORTS “COLLECTIVE"
    )


def test_blank_lines_indentation_and_crlf_are_kept() -> None:
    text = "Title line\r\n\r\n   Indented para. Second sentence.\r\n\r\n\r\nLast line.  \r\n"
    document = parse(text, "txt", "en")
    assert [s.text for s in document.segments] == ["Title line", "Indented para.", "Second sentence.", "Last line."]
    outputs = [SegmentOutput(f"<{i}>") for i in range(4)]
    assert document.render(outputs, "ms") == "<0>\r\n\r\n   <1> <2>\r\n\r\n\r\n<3>  \r\n"


def test_soft_wrapped_lines_are_one_sentence() -> None:
    text = "The president said on Monday that the\ngovernment would act,\nTehran agreed.\nNext line.\n"
    document = parse(text, "txt", "en")
    assert [s.text for s in document.segments] == [
        "The president said on Monday that the\ngovernment would act,\nTehran agreed.",
        "Next line.",
    ]
    assert document.render([SegmentOutput("A."), SegmentOutput("B.")], "ms") == "A.\nB.\n"


def test_headline_without_full_stop_is_its_own_segment() -> None:
    document = parse("Anwar and Pezeshkian discuss Gaza\nTehran, Nov 27 - The call was long.", "txt", "en")
    assert [s.text for s in document.segments] == [
        "Anwar and Pezeshkian discuss Gaza",
        "Tehran, Nov 27 - The call was long.",
    ]


def test_segments_know_where_they_start() -> None:
    text = "One.\n\n  Two. Three."
    assert [s.start for s in parse(text, "txt", "en").segments] == [0, 8, 13]


_TEXT = st.lists(
    st.sampled_from(
        [
            "Word",
            "word",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\n\n",
            "\t",
            ".",
            "?",
            "!",
            "“",
            "”",
            '"',
            ",",
            "Dr.",
            "U.S.",
            "سلام",
            "…",
            "3.5",
            "ß",
            "-",
        ]
    ),
    max_size=50,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.sampled_from(["en", "ms", "fa"]))
def test_identity_and_uppercase_render(text: str, lang: str) -> None:
    """Rendering the source segments gives the input byte for byte; every character is in a segment
    or in the whitespace between them, so uppercasing every segment uppercases the whole text."""
    document = parse(text, "txt", lang)
    assert document.render(document.identity_outputs(), lang) == text
    assert document.render([SegmentOutput(s.text.upper()) for s in document.segments], lang) == text.upper()
