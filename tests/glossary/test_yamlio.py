"""Loading, validating and writing YAML glossaries: every bad input is one located line with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.errors import GlossaryError
from dragoman.glossary.model import Entry, Glossary, LangTerms, Origin
from dragoman.glossary.yamlio import (
    dump_glossary,
    load_glossary,
    load_glossary_text,
    save_glossary,
)

DATA = Path(__file__).parent.parent / "data" / "glossaries"

HEAD = "version: 1\nlanguages: [en, ms, fa]\nentries:\n"


def test_load_basic_fixture() -> None:
    g = load_glossary(DATA / "basic.yaml")
    assert g.languages == ["en", "ms", "fa"]
    assert list(g.entries) == ["masoud-pezeshkian", "pezeshkian", "anwar-ibrahim", "iran", "malaysia", "un"]
    e = g.get("masoud-pezeshkian")
    assert e is not None
    assert e.terms["fa"] == LangTerms("مسعود پزشکیان", ["مسعود پزشکيان"], ["پزشکیان مسعود"])
    assert e.type == "person"
    assert e.note == "President of Iran since 2024"
    assert e.origin == Origin(str(DATA / "basic.yaml"), 6, 5)
    un = g.get("un")
    assert un is not None
    assert (un.dnt, un.case, un.status, un.approved) == (True, "sensitive", "draft", False)


def test_defaults_and_languages_from_entries() -> None:
    g = load_glossary_text("entries:\n  - id: x\n    terms: {de: Iran, fa: ایران}\n", "g.yaml")
    assert g.languages == ["de", "fa"]
    e = g.get("x")
    assert e is not None
    assert (e.dnt, e.case, e.status, e.type, e.note) == (False, "smart", "approved", None, None)


def test_scalars_are_kept_as_written() -> None:
    g = load_glossary_text(HEAD + "  - id: y\n    terms: {en: 1984, ms: yes, fa: 'null'}\n", "g.yaml")
    assert g.get("y").terms["en"].preferred == "1984"  # type: ignore[union-attr]
    assert g.get("y").terms["ms"].preferred == "yes"  # type: ignore[union-attr]
    assert g.get("y").terms["fa"].preferred == "null"  # type: ignore[union-attr]


def test_empty_entries_and_name_description() -> None:
    g = load_glossary_text("version: 1\nname: Desk\ndescription: ''\nlanguages: [en]\nentries:\n", "g.yaml")
    assert len(g) == 0
    assert g.languages == ["en"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEAD + "  - id: x\n    trems: {en: X}\n",
            "g.yaml:5:5: unknown key 'trems' in an entry — did you mean 'terms'?",
        ),
        (
            "version: 1\nlanguage: [en]\nentries: []\n",
            "g.yaml:2:1: unknown key 'language' in the glossary — did you mean 'languages'?",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: X, EN: Y}\n",
            "g.yaml:5:20: bad language code 'EN' in the terms of entry 'x' — "
            "use an ISO 639 code such as en, ms, fa (optionally with a region: pt-BR)",
        ),
        (
            "version: 1\nlanguages: [en, english]\nentries: []\n",
            "g.yaml:2:17: bad language code 'english' in languages — "
            "use an ISO 639 code such as en, ms, fa (optionally with a region: pt-BR)",
        ),
        (
            HEAD + "  - id: x\n    terms: {de: X}\n",
            "g.yaml:5:13: language 'de' is not in the glossary's languages — "
            "add de to 'languages:' at the top, or fix the code",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: X}\n  - id: x\n    terms: {en: Y}\n",
            "g.yaml:6:5: duplicate id 'x' (first on line 4) — give each concept its own id, or merge the two entries",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: X}\n    terms: {en: Y}\n",
            "g.yaml:6:5: duplicate key 'terms' in an entry (first on line 5) — keep only one of them",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: ''}\n",
            "g.yaml:5:17: the en term of entry 'x' is empty — write a value or remove the key",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: }\n",
            "g.yaml:5:17: the en term of entry 'x' is empty — write a value or remove the key",
        ),
        (
            HEAD + "  - id: x\n    terms: {}\n",
            "g.yaml:5:12: entry 'x' has no terms — add at least one 'language: term'",
        ),
        (
            HEAD + "  - id: x\n    terms: {fa: {}}\n",
            "g.yaml:5:17: the fa term of entry 'x' is empty — write 'term: ...' (and optionally variants/forbidden)",
        ),
        (
            HEAD + "  - id: x\n    case: smrt\n    terms: {en: X}\n",
            "g.yaml:5:11: unknown case 'smrt' — did you mean 'smart'? use one of: smart, sensitive, insensitive",
        ),
        (
            HEAD + "  - id: x\n    type: persn\n    terms: {en: X}\n",
            "g.yaml:5:11: unknown type 'persn' — did you mean 'person'? "
            "use one of: person, place, organization, title, event, term",
        ),
        (
            HEAD + "  - id: x\n    status: final\n    terms: {en: X}\n",
            "g.yaml:5:13: unknown status 'final' — use one of: approved, draft",
        ),
        (
            HEAD + "  - id: x\n    dnt: maybe\n    terms: {en: X}\n",
            "g.yaml:5:10: dnt must be true or false, found 'maybe' — write true or false",
        ),
        (
            HEAD + "  - id: Bad Id\n    terms: {en: X}\n",
            "g.yaml:4:9: bad id 'Bad Id' — use lowercase letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (e.g. masoud-pezeshkian)",
        ),
        (
            HEAD + "  - terms: {en: X}\n",
            "g.yaml:4:5: an entry has no id — add 'id: some-name' (lowercase letters, digits, '.', '_' or '-')",
        ),
        (
            HEAD + "  - id: x\n    terms: [en, X]\n",
            "g.yaml:5:12: terms of entry 'x' must be a mapping of language: term, found a list — "
            "write 'terms: {en: ..., fa: ...}'",
        ),
        (
            HEAD + "  - id: x\n    terms: {fa: {term: X, variants: {a: b}}}\n",
            "g.yaml:5:37: the variants of the fa term of entry 'x' must be a list of texts, found a mapping — "
            "write [first, second]",
        ),
        (
            "version: 2\nentries: []\n",
            "g.yaml:1:10: unsupported glossary format version 2 — this dragoman reads version 1; write 'version: 1'",
        ),
        (
            "version: 1\nlanguages: [en]\n",
            "g.yaml:1:1: the glossary has no 'entries' key — add 'entries:' followed by the entries (or 'entries: []')",
        ),
        (
            "- just\n- a list\n",
            "g.yaml:1:1: the glossary must be a mapping (key: value), found a list — write the glossary as 'key: value' lines",
        ),
        (
            HEAD + "  - id: x\n    terms: {en: [X\n",
            "g.yaml:6:1: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence) — "
            "fix the YAML syntax (check indentation, quotes, brackets and colons)",
        ),
        (
            HEAD + "  - id: x\n   terms: {en: X}\n",
            "g.yaml:5:4: malformed YAML: did not find expected '-' indicator (while parsing a block collection) — "
            "fix the YAML syntax (check indentation, quotes, brackets and colons)",
        ),
        (
            "# only a comment\n",
            "g.yaml:1:1: the glossary has no content (only comments) — add 'version: 1', 'languages: [...]' and 'entries:'",
        ),
        (
            "  \n\n",
            "g.yaml: the glossary file is empty — start one with 'dragoman glossary new FILE --langs en,ms,fa'",
        ),
    ],
)
def test_bad_glossaries(text: str, message: str) -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary_text(text, "g.yaml")
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert (
        str(info.value)
        == f"{path}: glossary file not found — check the path, or create it with 'dragoman glossary new'"
    )


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a directory, not a glossary file — give the path of a .yaml file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(b"version: 1\n\x00\x01\x02")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value) == f"{path}:2: this is a binary file, not a YAML glossary — give a UTF-8 YAML file"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(b"version: 1\nentries:\n  - id: x\n    terms: {en: caf\xe9}\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value) == f"{path}:4:20: not valid UTF-8 (byte 0xe9) — save the file as UTF-8"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(b"")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value).startswith(f"{path}: the glossary file is empty")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes("\ufeffentries:\n  - id: x\n    terms: {fa: ایران}\n".encode())
    assert load_glossary(path).get("x").term("fa") == "ایران"  # type: ignore[union-attr]


def test_error_carries_location() -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary_text(HEAD + "  - id: x\n    trems: {en: X}\n", "g.yaml")
    assert (info.value.path, info.value.line, info.value.column) == ("g.yaml", 5, 5)


# ------------------------------------------------------------ writing


def test_dump_round_trips_the_fixture() -> None:
    g = load_glossary(DATA / "basic.yaml")
    text = dump_glossary(g)
    again = load_glossary_text(text, "x.yaml")
    assert list(again.entries) == list(g.entries)
    assert [again.entries[k] for k in again.entries] == [g.entries[k] for k in g.entries]
    assert again.languages == g.languages


def test_dump_layout() -> None:
    g = Glossary(languages=["en", "fa"])
    g.add(Entry("iran", {"en": LangTerms("Iran"), "fa": LangTerms("ایران", ["ايران"])}, type="place"))
    g.add(Entry("no", {"en": LangTerms("no")}, dnt=True, status="draft"))
    assert dump_glossary(g) == (
        "version: 1\n"
        "languages: [en, fa]\n"
        "entries:\n"
        "  - id: iran\n"
        "    type: place\n"
        "    terms:\n"
        "      en: Iran\n"
        "      fa:\n"
        "        term: ایران\n"
        "        variants: [ايران]\n"
        "  - id: 'no'\n"
        "    terms:\n"
        "      en: 'no'\n"
        "    dnt: true\n"
        "    status: draft\n"
    )


def test_dump_empty() -> None:
    assert dump_glossary(Glossary(languages=["en"])) == "version: 1\nlanguages: [en]\nentries: []\n"
    assert len(load_glossary_text(dump_glossary(Glossary(languages=["en"])))) == 0


def test_save_glossary_writes_a_loadable_file(tmp_path: Path) -> None:
    g = Glossary(languages=["en", "ms"])
    g.add(Entry("kl", {"en": LangTerms("Kuala Lumpur"), "ms": LangTerms("Kuala Lumpur")}, note="capital: yes #1"))
    path = tmp_path / "out.yaml"
    save_glossary(g, path, name="Test")
    again = load_glossary(path)
    assert again.get("kl") == g.get("kl")
    assert path.read_text(encoding="utf-8").startswith("version: 1\nname: Test\n")


def test_invalid_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes("entries:\n  - id: x\n    terms: {fa: ایران".encode() + b"\xff}\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert str(info.value) == f"{path}:3:22: not valid UTF-8 (byte 0xff) — save the file as UTF-8"


def test_control_character_is_located() -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary_text("version: 1\nentries:\n  - id: x\n    terms: {fa: ایران\x07}\n", "g.yaml")
    assert str(info.value) == (
        "g.yaml:4:22: control character U+0007 is not allowed in YAML — remove it (or write it as an escape in double quotes)"
    )


@pytest.mark.parametrize("data", [b"\x01", b"\xff\xfe\x00", b"version: [\n", b"a: b\nc", b"---\n---\n"])
def test_garbage_gives_one_line(data: bytes) -> None:
    from dragoman.glossary.yamlio import load_glossary_bytes

    with pytest.raises(GlossaryError) as info:
        load_glossary_bytes(data, "g.yaml")
    assert str(info.value).startswith("g.yaml:")
    assert "\n" not in str(info.value)
