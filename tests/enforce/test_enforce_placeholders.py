"""Placeholder forms: tolerant recognition, protect/restore round trips (property tests), casing."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dragoman.calibration import CANDIDATE_FORMS
from dragoman.enforce.casing import fit_case, is_sentence_initial
from dragoman.enforce.placeholders import Edit, PlaceholderForm, apply_edits, protect, restore


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        ("ZXQ{n}", "ZXQ1, zxq 2 ZXQ3nya aZXQ4", [(0, 4, 1, True), (6, 11, 2, False), (12, 16, 3, True)]),
        # Argos decoders turn "_" into spaces; the spaces around stay outside the span.
        ("__T{n}__", "Ini  T1 dan __T2__", [(5, 7, 1, False), (12, 18, 2, True)]),
        # NFKC and look-alike brackets.
        ("⟦{n}⟧", "a [1] b ⟦2⟧ c ［3］", [(2, 5, 1, False), (8, 11, 2, True), (14, 17, 3, False)]),
        # Digits-only: never inside a longer number; Persian digits read as numbers.
        ("947{n}", "9471 and 19471 and ۹۴۷۲", [(0, 4, 1, True), (19, 23, 2, False)]),
        ("XTERM{n}X", "XTERM1X xterm 2 x XTERM3Xa", [(0, 7, 1, True), (8, 17, 2, False)]),
        ("<{n}>", "<1> ‹2›", [(0, 3, 1, True), (4, 7, 2, False)]),
    ],
)
def test_tolerant_find(template: str, text: str, expected: list[tuple[int, int, int, bool]]) -> None:
    hits = PlaceholderForm(template).find(text)
    assert [(h.start, h.end, h.number, h.exact) for h in hits] == expected


def test_template_needs_one_number_slot() -> None:
    with pytest.raises(ValueError):
        PlaceholderForm("ZXQ")


def test_protect_numbers_in_text_order() -> None:
    protected = protect("Anwar met the president.", [(14, 23), (0, 5)], PlaceholderForm("ZXQ{n}"))
    assert protected.text == "ZXQ1 met the ZXQ2."
    assert protected.slots == {1: (0, 5), 2: (14, 23)}


def test_restore_refuses_missing_or_duplicated() -> None:
    form = PlaceholderForm("ZXQ{n}")
    assert restore("ZXQ1 bertemu.", form, {1: "Anwar", 2: "Mahathir"}) is None
    assert restore("ZXQ1 ZXQ1 bertemu ZXQ2.", form, {1: "Anwar", 2: "Mahathir"}) is None
    text, spans = restore("ZXQ2 bertemu ZXQ1.", form, {1: "Anwar", 2: "Mahathir"})  # type: ignore[misc]
    assert text == "Mahathir bertemu Anwar."
    assert spans == {2: (0, 8), 1: (17, 22)}


def test_fits_refuses_glued_placeholders() -> None:
    assert PlaceholderForm("ZXQ{n}").fits("Anwar2 x", 0, 5) is False  # would read as ZXQ12
    assert PlaceholderForm("ZXQ{n}").fits("kerajaannya", 0, 8) is True  # ZXQ1nya reads back as ZXQ1
    assert PlaceholderForm("XTERM{n}X").fits("kerajaannya", 0, 8) is False


def test_apply_edits_rejects_overlaps() -> None:
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


_words = st.text(alphabet=st.sampled_from("abcdefghij KLMNOPéüءابپ۱2.,'-"), min_size=0, max_size=40)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(_words)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    return text, spans


@settings(max_examples=150, deadline=None)
@given(data=text_and_spans(), template=st.sampled_from(CANDIDATE_FORMS))
def test_protect_restore_round_trip(data: tuple[str, list[tuple[int, int]]], template: str) -> None:
    text, spans = data
    form = PlaceholderForm(template)
    assume(not form.collides(text))
    # Enforcement protects only spans a placeholder fits into (plan.py checks the same way).
    assume(all(form.fits(text, a, b) for a, b in spans))
    protected = protect(text, spans, form)
    originals = {n: text[a:b] for n, (a, b) in protected.slots.items()}
    restored = restore(protected.text, form, originals)
    assert restored is not None
    out, new_spans = restored
    assert out == text
    assert {n: out[a:b] for n, (a, b) in new_spans.items()} == originals


@settings(max_examples=150, deadline=None)
@given(
    data=text_and_spans(),
    template=st.sampled_from(["ZXQ{n}", "XTERM{n}X", "⟦{n}⟧", "[[{n}]]", "__T{n}__"]),
    lower=st.booleans(),
    spaced=st.booleans(),
    persian_digits=st.booleans(),
)
def test_restore_survives_typical_mangling(
    data: tuple[str, list[tuple[int, int]]], template: str, lower: bool, spaced: bool, persian_digits: bool
) -> None:
    """Models lower-case, space out, or re-script placeholder digits: the term still comes back."""
    text, spans = data
    form = PlaceholderForm(template)
    assume(not form.collides(text))
    assume(all(form.fits(text, a, b) for a, b in spans))
    protected = protect(text, spans, form)
    mangled = protected.text
    for number in protected.slots:
        token = form.render(number)
        new = token.lower() if lower else token
        if spaced:
            new = new.replace(str(number), f" {number}", 1) if form.prefix[-1:].isalpha() else new
        if persian_digits:
            new = "".join(chr(0x6F0 + int(c)) if c.isdigit() else c for c in new)
        mangled = mangled.replace(token, new, 1)
    assume(sorted(h.number for h in form.find(mangled)) == sorted(protected.slots))
    originals = {n: text[a:b] for n, (a, b) in protected.slots.items()}
    restored = restore(mangled, form, originals)
    assert restored is not None
    out, _ = restored
    # Only the mangled placeholders differ from the protected text: the rest is untouched.
    for n, (a, b) in protected.slots.items():
        assert originals[n] in out


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("x", 0, True),
        ('"x', 1, True),
        ("Dia pergi. x", 11, True),
        ("a x", 2, False),
        ("e.g.x", 4, False),
        ("(x", 1, True),
    ],
)
def test_sentence_initial(text: str, pos: int, expected: bool) -> None:
    assert is_sentence_initial(text, pos) is expected


@pytest.mark.parametrize(
    ("rendering", "text", "pos", "keep", "expected"),
    [
        ("kerajaan", "ZXQ1 baru", 0, False, "Kerajaan"),
        ("kerajaan", "baru ZXQ1", 5, False, "kerajaan"),
        ("iPhone", "ZXQ1 baru", 0, True, "iPhone"),
        ("دولت", "ZXQ1 جدید", 0, False, "دولت"),
        ("Anwar", "kata ZXQ1", 5, False, "Anwar"),
    ],
)
def test_fit_case(rendering: str, text: str, pos: int, keep: bool, expected: str) -> None:
    assert fit_case(rendering, text, pos, keep_as_written=keep) == expected
