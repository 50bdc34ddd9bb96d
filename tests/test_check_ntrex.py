"""`dragoman check` on real human translations: the NTREX-128 Persian and Malay references (1,997 lines each)."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest

from dragoman.check import CheckReport, check_translation
from dragoman.glossary.match import TermMatcher, count_form, find_form
from dragoman.glossary.model import Glossary
from dragoman.glossary.yamlio import load_glossary

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex"
FIXTURES = REPO / "tests" / "data" / "ntrex"
REFS = {"fa": "newstest2019-ref.fas.txt", "ms": "newstest2019-ref.msa.txt"}


def _lines(name: str) -> list[str]:
    return (NTREX / name).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(FIXTURES / "glossary.yaml")


@pytest.fixture(scope="module")
def source() -> list[str]:
    return _lines("newstest2019-src.eng.txt")


@pytest.fixture(scope="module")
def refs() -> dict[str, list[str]]:
    return {lang: _lines(name) for lang, name in REFS.items()}


@pytest.fixture(scope="module")
def full_reports(glossary: Glossary, source: list[str], refs: dict[str, list[str]]) -> dict[str, CheckReport]:
    src = "\n".join(source) + "\n"
    return {lang: check_translation(src, "\n".join(lines) + "\n", glossary, "en", lang) for lang, lines in refs.items()}


def _expected(lang: str) -> set[tuple[int, str, str]]:
    out = set()
    for row in (FIXTURES / f"expected-{lang}.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        line, code, entry, _why = row.split("\t")
        out.add((int(line), code, entry))
    return out


@pytest.mark.parametrize("lang", ["fa", "ms"])
def test_full_reference_errors_are_exactly_the_verified_deviations(
    lang: str, full_reports: dict[str, CheckReport]
) -> None:
    report = full_reports[lang]
    assert report.alignment == "line"
    assert report.source_lines == 1997
    assert report.terms_found == 635
    errors = {(f.line, f.code, f.entry_id) for f in report.errors if f.entry_id is not None}
    assert errors == _expected(lang)
    assert report.forbidden_found == 0


def test_full_reference_counts(full_reports: dict[str, CheckReport]) -> None:
    fa, ms = full_reports["fa"].summary(), full_reports["ms"].summary()
    del fa["integrity"], ms["integrity"]  # judged finding by finding below
    assert fa == {"terms_found": 635, "applied": 551, "variants": 59, "violations": 25, "forbidden_found": 0}
    assert ms == {"terms_found": 635, "applied": 606, "variants": 9, "violations": 20, "forbidden_found": 0}


def test_real_variants_are_warnings_with_what_was_written(full_reports: dict[str, CheckReport]) -> None:
    variants = {(f.line, f.entry_id, f.found) for f in full_reports["fa"].warnings if f.code == "variant"}
    # The translator left "Kavanaugh" in Latin letters, wrote "اف بی آی" with spaces for FBI
    # (the glossary has it with ZWNJ), and "جمهوری‌خواه ها" with a space for the plural.
    assert (902, "kavanaugh", "Kavanaugh") in variants
    assert (1882, "fbi", "اف بی آی") in variants
    assert (1883, "republicans", "جمهوری‌خواه ها") in variants
    inconsistent = {f.entry_id for f in full_reports["fa"].warnings if f.code == "inconsistent"}
    assert {"kavanaugh", "brett-kavanaugh", "fbi"} <= inconsistent


def _compliant(report: CheckReport) -> set[int]:
    flagged = {f.line for f in report.findings}
    return set(range(1, report.source_lines + 1)) - flagged


def _needs(glossary: Glossary, src_line: str, lang: str) -> dict[str, tuple[int, list[str]]]:
    """rendering -> how many times the source line needs it, and the variants that could stand for it."""
    out: dict[str, tuple[int, list[str]]] = {}
    for m in TermMatcher.from_glossary(glossary, "en").find(src_line):
        entry = glossary.get(m.entry_id)
        assert entry is not None
        rendering = entry.render_for(lang, "en")
        if rendering:
            count, variants = out.get(rendering, (0, []))
            out[rendering] = (count + 1, variants + entry.variants_for(lang))
    return out


@pytest.mark.parametrize("lang", ["fa", "ms"])
def test_every_removed_rendering_is_caught(
    lang: str, glossary: Glossary, source: list[str], refs: dict[str, list[str]], full_reports: dict[str, CheckReport]
) -> None:
    planted = 0
    for n in sorted(_compliant(full_reports[lang])):
        src, tgt = source[n - 1], refs[lang][n - 1]
        for rendering, (needed, variants) in _needs(glossary, src, lang).items():
            if count_form(tgt, rendering, lang) != needed:
                continue  # the line holds it more often than needed: removing one is no deviation
            if any(count_form(tgt, v, lang) for v in variants):
                continue  # a variant in the line stands in: that is a warning, tested below
            hit = find_form(tgt, rendering, lang)[0]
            broken = tgt[: hit.start] + "XYZ" + tgt[hit.end :]
            report = check_translation(src, broken, glossary, "en", lang)
            missing = [f for f in report.errors if f.code == "missing" and f.expected == rendering]
            assert len(missing) == 1, (n, rendering, [f.message for f in report.findings])
            assert missing[0].line == 1
            assert missing[0].found_count == needed - 1
            planted += 1
    assert planted > 250


@pytest.mark.parametrize("lang", ["fa", "ms"])
def test_every_planted_variant_is_a_warning(
    lang: str, glossary: Glossary, source: list[str], refs: dict[str, list[str]], full_reports: dict[str, CheckReport]
) -> None:
    planted = 0
    for n in sorted(_compliant(full_reports[lang])):
        src, tgt = source[n - 1], refs[lang][n - 1]
        for m in TermMatcher.from_glossary(glossary, "en").find(src):
            entry = glossary.get(m.entry_id)
            assert entry is not None
            rendering = entry.render_for(lang, "en")
            variants = entry.variants_for(lang)
            if not rendering or not variants or count_form(tgt, rendering, lang) != 1:
                continue
            if sum(1 for x in TermMatcher.from_glossary(glossary, "en").find(src) if x.entry_id == entry.id) != 1:
                continue
            hit = find_form(tgt, rendering, lang)[0]
            changed = tgt[: hit.start] + variants[0] + tgt[hit.end :]
            report = check_translation(src, changed, glossary, "en", lang)
            assert not report.errors, (n, [f.message for f in report.errors])
            found = [(f.code, f.entry_id, f.found) for f in report.warnings]
            assert ("variant", entry.id, variants[0]) in found, (n, found)
            planted += 1
    assert planted >= 8


def test_planted_forbidden_terms_are_errors(glossary: Glossary, source: list[str], refs: dict[str, list[str]]) -> None:
    strict = copy.deepcopy(glossary)
    strict.entries["beijing"].terms["ms"].forbidden.append("Beijng")
    strict.entries["palu"].terms["fa"].forbidden.append("پائولو")
    strict.entries["kavanaugh"].terms["fa"].forbidden.append("کاووانا")
    # Lines 1061 (ms), 148 and 1303 (fa) hold these real misspellings.
    ms = check_translation(source[1060], refs["ms"][1060], strict, "en", "ms")
    assert [(f.code, f.entry_id, f.found) for f in ms.errors] == [
        ("missing", "beijing", None),
        ("forbidden", "beijing", "Beijng"),
    ]
    fa = check_translation(source[147], refs["fa"][147], strict, "en", "fa")
    assert ("forbidden", "palu", "پائولو") in [(f.code, f.entry_id, f.found) for f in fa.errors]
    assert fa.forbidden_found == 1
    # Inserted into a compliant line: caught, with the preferred term as the fix.
    line = refs["fa"][1040 - 1] + " کاووانا"
    report = check_translation(source[1039], line, strict, "en", "fa")
    assert [(f.code, f.found, f.expected) for f in report.errors] == [("forbidden", "کاووانا", "کاوانو")]


def test_dnt_kept_in_latin_and_altered(glossary: Glossary, source: list[str], refs: dict[str, list[str]]) -> None:
    n = 1298  # "the New York Times reported": kept as "New York Times" by the Persian translator
    ok = check_translation(source[n - 1], refs["fa"][n - 1], glossary, "en", "fa")
    assert [f for f in ok.errors] == []
    altered = refs["fa"][n - 1].replace("New York Times", "new york times")
    report = check_translation(source[n - 1], altered, glossary, "en", "fa")
    assert [(f.code, f.entry_id, f.found) for f in report.errors] == [
        ("dnt-altered", "new-york-times", "new york times")
    ]
    translated = refs["fa"][n - 1].replace("New York Times", "نیویورک تایمز")
    report = check_translation(source[n - 1], translated, glossary, "en", "fa")
    assert [(f.code, f.entry_id, f.expected) for f in report.errors] == [
        ("missing", "new-york-times", "New York Times")
    ]


def test_document_mode_on_a_real_document(glossary: Glossary, source: list[str], refs: dict[str, list[str]]) -> None:
    # Lines 1040-1050 (the Palu earthquake document): join two translation lines so the line
    # counts differ; the check falls back to the whole document and still finds the same errors.
    src = "\n".join(source[1039:1050])
    lines = refs["fa"][1039:1050]
    per_line = check_translation(src, "\n".join(lines), glossary, "en", "fa")
    joined = "\n".join([lines[0] + " " + lines[1]] + lines[2:])
    whole = check_translation(src, joined, glossary, "en", "fa")
    assert per_line.alignment == "segment" and whole.alignment == "document"
    assert whole.terms_found == per_line.terms_found
    assert whole.applied + whole.variants == per_line.applied + per_line.variants
    assert [f.code for f in whole.errors] == [f.code for f in per_line.errors] == []


# -- the integrity checks on the same references --------------------------------------------------------------

# The checks the issue names for `check`; every registered check runs, these at least.
CHECK_INTEGRITY = ("numbers", "empty", "untranslated", "repetition", "markup", "length")


def _judged(lang: str) -> dict[tuple[int, str], str]:
    """(line, check) -> "slip" (the reference deviates) or "false" (the check is wrong), read by hand."""
    out = {}
    for row in (FIXTURES / "expected-integrity.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        row_lang, line, check, verdict, _why = row.split("\t")
        assert verdict in ("slip", "false"), row
        if row_lang == lang:
            out[(int(line), check)] = verdict
    return out


@pytest.mark.parametrize("lang", ["fa", "ms"])
def test_integrity_findings_on_the_references_are_the_judged_ones(
    lang: str, full_reports: dict[str, CheckReport]
) -> None:
    report = full_reports[lang]
    assert set(CHECK_INTEGRITY) <= set(report.integrity_checks)
    judged = _judged(lang)
    found = Counter((f.line, f.code) for f in report.integrity_findings)
    # No finding that nobody has read: each is a real slip of the translator or a counted false alarm.
    assert set(found) <= set(judged), sorted(set(found) - set(judged))
    # Every real slip is still found.
    slips = {key for key, verdict in judged.items() if verdict == "slip"}
    assert slips <= set(found), sorted(slips - set(found))
    # At most 1 % false findings per check (the bound), over the pairs checked.
    assert report.units >= 1990
    for check in report.integrity_checks:
        false = sum(n for (line, code), n in found.items() if code == check and judged[(line, code)] == "false")
        assert false <= 0.01 * report.units, (check, false)
    assert report.summary()["integrity"] == sum(found.values())


def _clean_lines(report: CheckReport, source: list[str], lang_lines: list[str], step: int) -> list[int]:
    """Every ``step``-th line with no finding of any kind and at least 40 characters of source."""
    flagged = {f.line for f in report.findings}
    lines = [
        n
        for n in range(1, report.source_lines + 1)
        if n not in flagged and len(source[n - 1]) >= 40 and lang_lines[n - 1].strip()
    ]
    return lines[::step]


def _bump_digit(text: str) -> str | None:
    """The text with its first digit (any script) changed to the next one of the same script."""
    for i, ch in enumerate(text):
        if ch.isdigit():
            base = ord(ch) - int(ch)
            return text[:i] + chr(base + (int(ch) + 1) % 10) + text[i + 1 :]
    return None


def _damages(src: str, tgt: str) -> dict[str, str | None]:
    words = tgt.split()
    return {
        "numbers": _bump_digit(tgt),
        "empty": "",
        "untranslated": src if len(src.split()) >= 6 and sum(w.islower() for w in src.split()) >= 4 else None,
        "repetition": tgt + " " + " ".join([words[-2]] * 6) if len(words) >= 2 else None,
        "length": " ".join(words[: max(1, len(words) // 4)]) if len(src.replace(" ", "")) >= 60 else None,
    }


@pytest.mark.parametrize("lang", ["fa", "ms"])
def test_damage_planted_in_clean_reference_lines_is_found(
    lang: str, glossary: Glossary, source: list[str], refs: dict[str, list[str]], full_reports: dict[str, CheckReport]
) -> None:
    planted: Counter[str] = Counter()
    for n in _clean_lines(full_reports[lang], source, refs[lang], 25):
        src, tgt = source[n - 1], refs[lang][n - 1]
        assert check_translation(src, tgt, glossary, "en", lang).integrity_findings == []
        for check, damaged in _damages(src, tgt).items():
            if damaged is None:
                continue
            report = check_translation(src, damaged, glossary, "en", lang)
            codes = {f.code for f in report.integrity_findings}
            assert check in codes, (n, check, damaged, [f.message for f in report.findings])
            planted[check] += 1
    assert min(planted[c] for c in ("numbers", "empty", "untranslated", "repetition", "length")) >= 5, planted


def test_markup_lost_from_a_real_line_is_found(
    glossary: Glossary, source: list[str], refs: dict[str, list[str]]
) -> None:
    # Line 1298 as HTML with a link around "New York Times", kept in Latin letters by the translator.
    n = 1298
    src = source[n - 1].replace("New York Times", '<a href="https://nytimes.com">New York Times</a>')
    tgt = refs["fa"][n - 1].replace("New York Times", '<a href="https://nytimes.com">New York Times</a>')
    assert src != source[n - 1] and tgt != refs["fa"][n - 1]
    ok = check_translation(f"<p>{src}</p>", f"<p>{tgt}</p>", glossary, "en", "fa", format_name="html")
    assert ok.alignment == "segment" and ok.integrity_findings == []
    lost = check_translation(f"<p>{src}</p>", f"<p>{refs['fa'][n - 1]}</p>", glossary, "en", "fa", format_name="html")
    assert {f.code for f in lost.integrity_findings} == {"markup"}
    assert any("https://nytimes.com" in f.message for f in lost.integrity_findings)
    assert all(f.line == 1 and f.severity == "error" for f in lost.integrity_findings)
