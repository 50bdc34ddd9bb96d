"""CSV / TSV / TBX import and export: golden files, round trips, DeepL rules, CSV injection, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.errors import GlossaryError
from dragoman.glossary.interchange import (
    IdMaker,
    format_names,
    get_format,
    guess_format,
)
from dragoman.glossary.interchange.csv_format import (
    CSV,
    TSV,
    escape_cell,
    term_issues,
    unescape_cell,
)
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.glossary.yamlio import dump_glossary, load_glossary, load_glossary_text

DATA = Path(__file__).parent.parent / "data" / "interchange"
SOURCE = DATA / "source.yaml"

GOLDEN = [
    ("csv", None, None, "source.csv"),
    ("tsv", None, None, "source.tsv"),
    ("csv", "en", "fa", "source.en-fa.csv"),
    ("tsv", "en", "ms", "source.en-ms.tsv"),
    ("tbx", None, None, "source.tbx"),
]


def _rows(glossary: Glossary, langs: list[str]) -> list[list[str | None]]:
    """What a CSV can hold: per entry, the rendering in each language."""
    return [[entry.render_for(code, langs[0]) for code in langs] for entry in glossary]


@pytest.mark.parametrize(("fmt", "source", "target", "golden"), GOLDEN)
def test_export_matches_golden_file(fmt: str, source: str | None, target: str | None, golden: str) -> None:
    glossary = load_glossary(SOURCE)
    assert get_format(fmt).check(glossary, source=source, target=target) == []
    assert get_format(fmt).write(glossary, source=source, target=target) == (DATA / golden).read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "source", "target", "golden"), GOLDEN)
def test_golden_file_imports_back(fmt: str, source: str | None, target: str | None, golden: str) -> None:
    original = load_glossary(SOURCE)
    data = (DATA / golden).read_bytes()
    imported = get_format(fmt).read(data, golden, source=source, target=target)
    if fmt == "tbx":
        # TBX holds everything: ids, variants, forbidden terms, type, dnt, case, status, note, source.
        assert dump_glossary(imported) == dump_glossary(original)
        return
    langs = [source, target] if source and target else ["en", "ms", "fa"]
    expected = [row for row in _rows(original, langs) if all(row)] if source else _rows(original, langs)
    assert _rows(imported, langs) == [[cell or None for cell in row] for row in expected]
    assert imported.languages == langs


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
@pytest.mark.parametrize("pair", [None, ("en", "fa"), ("fa", "ms")])
def test_round_trip_yaml_fmt_yaml(fmt: str, pair: tuple[str, str] | None, tmp_path: Path) -> None:
    original = load_glossary(SOURCE)
    source, target = pair or (None, None)
    text = get_format(fmt).write(original, source=source, target=target)
    back = get_format(fmt).read(text.encode("utf-8"), f"x.{fmt}", source=source, target=target)
    # The imported glossary is a valid YAML glossary.
    reloaded = load_glossary_text(dump_glossary(back))
    langs = [source, target] if source and target else ["en", "ms", "fa"]
    if fmt == "tbx":
        for entry in original:
            got = reloaded.get(entry.id)
            kept = {c: s for c, s in entry.terms.items() if c in langs}
            if not kept:  # nothing in this pair: left out
                assert got is None
                continue
            assert got is not None and got.terms == kept
            assert (got.type, got.dnt, got.case, got.status, got.note, got.source) == (
                entry.type,
                entry.dnt,
                entry.case,
                entry.status,
                entry.note,
                entry.source,
            )
        return
    expected = _rows(original, langs)
    if source:
        expected = [row for row in expected if all(row)]
    assert _rows(reloaded, langs) == expected


def test_tbx_v2_import() -> None:
    glossary = get_format("tbx").read((DATA / "v2-basic.tbx").read_bytes(), "v2-basic.tbx")
    assert dump_glossary(glossary) == (
        "version: 1\n"
        "languages: [en-US, fa, ms]\n"
        "entries:\n"
        "  - id: c1\n"
        "    terms:\n"
        "      en-US:\n"
        "        term: Kuala Lumpur\n"
        "        variants: [KL]\n"
        "      fa:\n"
        "        term: کوالالامپور\n"
        "        forbidden: [کوالالمپور]\n"
        "    note: The capital of Malaysia\n"
        "  - id: c2\n"
        "    terms:\n"
        "      en-US:\n"
        "        term: Putrajaya\n"
        "        variants: [Putra Jaya]\n"
        "      ms: Putrajaya\n"
        "    note: 'Unmarked terms: the first is preferred'\n"
    )


def test_tbx_v3_from_another_tool() -> None:
    glossary = get_format("tbx").read((DATA / "v3-foreign.tbx").read_bytes(), "v3-foreign.tbx")
    anwar = glossary.get("c-anwar")
    assert anwar is not None
    assert anwar.terms["ms"] == LangTerms("Anwar Ibrahim", ["Datuk Seri Anwar Ibrahim"], ["Anwar Ibrahem"])
    assert anwar.terms["en"] == LangTerms("Anwar Ibrahim")
    # "Bad ID" is not a dragoman id: one is made from the English term.
    assert list(glossary.entries) == ["c-anwar", "malaysia"]
    assert glossary.languages == ["en", "ms", "fa"]


def test_tbx_export_of_one_pair_keeps_only_that_pair() -> None:
    text = get_format("tbx").write(load_glossary(SOURCE), source="fa", target="en")
    assert '<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="fa">' in text
    assert 'xml:lang="ms"' not in text
    assert text.count("<conceptEntry") == 6


def test_tbx_export_refuses_control_characters() -> None:
    glossary = Glossary(entries={"x": Entry("x", {"en": LangTerms("a\x01b")})}, languages=["en"])
    assert [str(i) for i in get_format("tbx").check(glossary)] == [
        "entry 'x': en: control character U+0001 in 'a\\x01b'"
    ]


# ---------------------------------------------------------------- CSV details


@given(st.text())
def test_formula_escaping_is_symmetric(value: str) -> None:
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert escaped[:1] not in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+98", "'+98"),
        ("-nya", "'-nya"),
        ("@home", "'@home"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),
        ("'abc", "'abc"),
        ("a=b", "a=b"),
    ],
)
def test_formula_escaping(value: str, escaped: str) -> None:
    assert escape_cell(value) == escaped


def test_csv_with_bom_header_and_meta_columns() -> None:
    data = "\ufeffentry_id,EN,fa,Description,pos\nanwar,Anwar Ibrahim,انور ابراهیم,Prime Minister,noun\n,Iran,ایران,,\n".encode()
    glossary = CSV.read(data, "g.csv")
    assert glossary.languages == ["en", "fa"]
    assert [(e.id, e.term("en"), e.term("fa"), e.note) for e in glossary] == [
        ("anwar", "Anwar Ibrahim", "انور ابراهیم", "Prime Minister"),
        ("iran", "Iran", "ایران", None),
    ]


def test_two_column_with_matching_header_row_and_crlf() -> None:
    glossary = TSV.read(
        "en\tfa\r\nIran\tایران\r\n\r\nUN\tسازمان ملل\r\n".encode(),
        "g.tsv",
        source="en",
        target="fa",
    )
    assert [(e.id, e.term("en"), e.term("fa")) for e in glossary] == [
        ("iran", "Iran", "ایران"),
        ("un", "UN", "سازمان ملل"),
    ]


def test_id_column_is_indonesian() -> None:
    glossary = CSV.read(b"en,id,ms\nMalaysia,Malaysia,Malaysia\n", "g.csv")
    assert glossary.languages == ["en", "id", "ms"]
    assert glossary.get("malaysia").terms["id"] == LangTerms("Malaysia")  # type: ignore[union-attr]


def test_first_row_of_short_words_is_data_when_the_pair_is_given() -> None:
    glossary = CSV.read(b"of,dari\nthe,itu\n", "g.csv", source="en", target="ms")
    assert [(e.term("en"), e.term("ms")) for e in glossary] == [
        ("of", "dari"),
        ("the", "itu"),
    ]
    # A header naming both languages (and more) is still a header.
    glossary = CSV.read("fa,en,ms\nایران,Iran,Iran\n".encode(), "g.csv", source="en", target="ms")
    assert glossary.languages == ["fa", "en", "ms"]


def test_quoted_cell_with_line_break_keeps_line_numbers() -> None:
    glossary = CSV.read(b'en,fa\n"two\nlines",x\nonly-en\n', "g.csv")
    assert [(e.term("en"), e.term("fa")) for e in glossary] == [
        ("two\nlines", "x"),
        ("only-en", None),
    ]
    with pytest.raises(GlossaryError) as err:
        CSV.read(b'en,fa\n"two\nlines",x\na,b,c\n', "g.csv")
    assert (
        str(err.value)
        == "g.csv:4: row has 3 cells but the header has 2 columns — remove the extra cells or quote cells that contain the delimiter"
    )


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (
            b"",
            {},
            "g.csv: the file is empty — give a CSV glossary file with at least one entry",
        ),
        (
            b"en,fa\n\x00\x01",
            {},
            "g.csv:2: this is a binary file, not a CSV glossary file — give a UTF-8 CSV glossary file",
        ),
        (
            b"en,fa\nIran,\xff\n",
            {},
            "g.csv:2:6: not valid UTF-8 (byte 0xff) — save the file as UTF-8",
        ),
        (
            b'en,fa\n"Iran,x\n',
            {},
            'g.csv:2: malformed CSV: unexpected end of data — quote cells that contain the delimiter, quotes or line breaks ("a ""quoted"" word")',
        ),
        (
            b"en,persian\nIran,x\n",
            {},
            "g.csv:1: unknown language code 'persian' in the header (column 2) — use ISO 639 codes such as en, ms, fa (lowercase), one per column",
        ),
        (
            b"Iran,x\n",
            {},
            "g.csv:1: no header row of language codes — add a first row such as 'en,fa' (or pass --from and --to for a two-column file without a header)",
        ),
        (
            b"en,en\nIran,x\n",
            {},
            "g.csv:1: column 'en' appears twice in the header — keep one column per language",
        ),
        (
            b"Iran,x,y\n",
            {"source": "en", "target": "fa"},
            "g.csv:1: row has 3 cells, expected 2 (source,target) — write one source and one target term per row, quoting cells that contain the delimiter",
        ),
        (
            b"Iran,ok\nUN,  \n",
            {"source": "en", "target": "fa"},
            "g.csv:2: empty fa term — fill it in or remove the row",
        ),
        (
            b"entry_id,en\nBad Id,x\n",
            {},
            "g.csv:2: bad id 'Bad Id' — use a unique id of lowercase letters, digits, '.', '_', '-'",
        ),
        (
            b"en,type\nx,animal\n",
            {},
            "g.csv:2: unknown type 'animal' — use one of: person, place, organization, title, event, term",
        ),
    ],
)
def test_bad_csv(data: bytes, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(GlossaryError) as err:
        CSV.read(data, "g.csv", **kwargs)
    assert str(err.value) == message


def _pair_glossary(*pairs: tuple[str, str, str]) -> Glossary:
    return Glossary(
        entries={i: Entry(i, {"en": LangTerms(s), "fa": LangTerms(t)}) for i, s, t in pairs},
        languages=["en", "fa"],
    )


def test_deepl_rules_are_checked_for_two_column_export() -> None:
    glossary = _pair_glossary(
        ("a", "Iran", "ایران"),
        ("b", "Iran", "ایرانی"),
        ("c", " Tehran", "تهران"),
        ("d", "x\x07", "y"),
        ("e", "long", "ب" * 600),
    )
    assert [str(i) for i in CSV.check(glossary, source="en", target="fa")] == [
        "entry 'b': duplicate source term 'Iran' (also in entry 'a'); DeepL allows one target per source",
        "entry 'c': en: leading or trailing whitespace in ' Tehran'",
        "entry 'd': en: control character U+0007 in 'x\\x07'",
        "entry 'e': fa: term is 1200 UTF-8 bytes, more than 1024",
    ]
    # The multi-column layout has no duplicate-source or size rule.
    assert [str(i) for i in CSV.check(glossary)] == [
        "entry 'c': en: leading or trailing whitespace in ' Tehran'",
        "entry 'd': en: control character U+0007 in 'x\\x07'",
    ]


def test_term_issues() -> None:
    assert term_issues("ok") == []
    assert term_issues("   ") == ["empty term"]
    assert term_issues("\u202eabc") == ["control character U+202E in '\\u202eabc'"]


# ---------------------------------------------------------------- TBX bad input


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<tbx><text><body>\n<conceptEntry>\n</body></tbx>",
            "t.tbx:3:3: malformed XML: mismatched tag — fix the XML (unclosed or mismatched tags, stray '&' or '<')",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY boom "boom">]>\n<tbx/>',
            "t.tbx:2: entity or external reference refused (EntitiesForbidden) — remove the <!ENTITY ...> declarations: TBX files do not need them",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n<tbx>&ext;</tbx>',
            "t.tbx:2: entity or external reference refused (EntitiesForbidden) — remove the <!ENTITY ...> declarations: TBX files do not need them",
        ),
        (
            b"<html><body/></html>",
            "t.tbx:1: not a TBX file (root element <html>) — give a TBX file (<tbx> for TBX v3, <martif> for TBX v2)",
        ),
        (
            b"<tbx>\n<text><body>\n</body></text></tbx>",
            "t.tbx:2: the TBX file has no <conceptEntry> entries — add at least one entry",
        ),
        (
            b'<tbx><text><body>\n<conceptEntry id="a">\n<langSec xml:lang="english"><termSec><term>x</term></termSec></langSec></conceptEntry></body></text></tbx>',
            "t.tbx:3: unknown language code 'english' in xml:lang — use an ISO 639 code such as en, ms, fa",
        ),
        (
            b'<tbx><text><body>\n<conceptEntry id="a"><langSec xml:lang="en"><termSec><term>x</term>\n<termNote type="administrativeStatus">bogus</termNote></termSec></langSec></conceptEntry></body></text></tbx>',
            "t.tbx:3: unknown administrativeStatus 'bogus' — use preferredTerm-admn-sts, admittedTerm-admn-sts or deprecatedTerm-admn-sts",
        ),
        (
            b'<tbx><text><body><conceptEntry id="a">\n<admin type="x-dragoman-case">loud</admin><langSec xml:lang="en"><termSec><term>x</term></termSec></langSec></conceptEntry></body></text></tbx>',
            "t.tbx:2: unknown case 'loud' — use one of: smart, sensitive, insensitive",
        ),
        (
            b"<tbx><text><body><conceptEntry id='a'>\n<langSec xml:lang='en'><termSec>\n<term> </term></termSec></langSec></conceptEntry></body></text></tbx>",
            "t.tbx:3: empty <term> — write the term or remove its section",
        ),
        (
            b"\xef\xbb\xbf \n",
            "t.tbx: the file is empty — give a TBX glossary file with at least one entry",
        ),
        (
            b"<tbx>\x00</tbx>",
            "t.tbx:1: this is a binary file, not a TBX glossary file — give a UTF-8 TBX glossary file",
        ),
    ],
)
def test_bad_tbx(data: bytes, message: str) -> None:
    with pytest.raises(GlossaryError) as err:
        get_format("tbx").read(data, "t.tbx")
    assert str(err.value) == message


# ---------------------------------------------------------------- registry and ids


def test_registry() -> None:
    assert format_names() == ["csv", "tsv", "tbx"]
    assert get_format("TSV") is TSV
    assert guess_format("a/b.TBX") == "tbx"
    assert guess_format("a.txt") is None
    with pytest.raises(GlossaryError) as err:
        get_format("tmx")
    assert str(err.value) == "<input>: unknown glossary format 'tmx' — use one of: csv, tsv, tbx"


def test_id_maker() -> None:
    ids = IdMaker()
    assert ids.make([("fa", "ایران"), ("en", "Iran")]) == "iran"
    assert ids.make([("en", "Iran")]) == "iran-2"
    assert ids.make([("fa", "ایران")]) == "term-1"
    assert ids.make([("en", "x")], wanted="kept") == "kept"
    assert ids.make([("en", "x")], wanted="kept") == "x"


# ---------------------------------------------------------------- properties

_TERM = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff\u2028\u2029\x85",
    ),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() == t and bool(t) and not term_issues(t))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_TERM, _TERM), min_size=1, max_size=6, unique_by=lambda pair: pair[0]),
    st.sampled_from(["csv", "tsv", "tbx"]),
)
def test_any_two_column_glossary_round_trips(pairs: list[tuple[str, str]], fmt: str) -> None:
    glossary = Glossary(
        entries={f"e{i}": Entry(f"e{i}", {"en": LangTerms(s), "fa": LangTerms(t)}) for i, (s, t) in enumerate(pairs)},
        languages=["en", "fa"],
    )
    text = get_format(fmt).write(glossary, source="en", target="fa")
    back = get_format(fmt).read(text.encode("utf-8"), f"x.{fmt}", source="en", target="fa")
    assert [(e.term("en"), e.term("fa")) for e in back] == pairs
