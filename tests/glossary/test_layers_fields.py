"""Per-field layering: a later glossary overrides only what it states; ``null`` removes; --layers replace as before."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman import api
from dragoman.cli import cli
from dragoman.glossary.layers import load_glossaries
from dragoman.glossary.merge import merge_files
from dragoman.glossary.model import Entry
from dragoman.glossary.yamlio import load_glossary

BASE = """\
version: 1
languages: [en, ms, fa]
entries:
  - id: iran
    type: place
    note: the country
    terms:
      en: {term: Iran, variants: [Iranian]}
      ms: {term: Iran, forbidden: [Parsi]}
      fa: ایران
  - id: islamic-countries
    terms:
      en: Islamic countries
      ms: negara-negara Islam
"""

DESK_ZZ = """\
version: 1
languages: [en, zz]
entries:
  - id: iran
    terms:
      zz: Irana
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def layered(tmp_path: Path, desk_entry: str, **kwargs: str) -> tuple[Entry, list[str]]:
    """Entry 'iran' of BASE with a desk layer holding ``desk_entry`` (YAML lines of the entry under '- id: iran')."""
    base = write(tmp_path / "base.yaml", BASE)
    desk = write(tmp_path / "desk.yaml", "version: 1\nentries:\n  - id: iran\n" + desk_entry)
    glossary = load_glossaries([base, desk], **kwargs)  # type: ignore[arg-type]
    entry = glossary.get("iran")
    assert entry is not None
    return entry, [c.message for c in glossary.conflicts]


def test_desk_adding_a_language_keeps_every_other_language(tmp_path: Path) -> None:
    base, desk = write(tmp_path / "base.yaml", BASE), write(tmp_path / "desk.yaml", DESK_ZZ)
    glossary = load_glossaries([base, desk])
    entry = glossary.get("iran")
    assert entry is not None
    assert entry.languages() == ["en", "ms", "fa", "zz"]
    assert entry.variants_for("en") == ["Iranian"]
    assert entry.forbidden_for("ms") == ["Parsi"]
    assert (entry.term("ms"), entry.term("fa"), entry.term("zz")) == ("Iran", "ایران", "Irana")
    assert (entry.type, entry.note) == ("place", "the country")
    assert glossary.conflicts == []  # adding a language overrides nothing
    assert glossary.languages == ["en", "ms", "fa", "zz"]


def test_desk_adding_a_language_through_cli_and_env(tmp_path: Path) -> None:
    """`check --to ms` with the desk layered on top (by -g and by DRAGOMAN_GLOSSARY) still finds the ms terms."""
    base, desk = write(tmp_path / "base.yaml", BASE), write(tmp_path / "desk.yaml", DESK_ZZ)
    source = write(tmp_path / "a.txt", "Iran spoke.\n")
    target = write(tmp_path / "a.ms.txt", "Iran bercakap.\n")
    runner = CliRunner()
    args = ["check", str(source), str(target), "-f", "en", "-t", "ms", "--json"]
    by_option = runner.invoke(cli, [*args, "-g", str(base), "-g", str(desk)])
    by_env = runner.invoke(cli, args, env={"DRAGOMAN_GLOSSARY": f"{base}{os.pathsep}{desk}"})
    for result in (by_option, by_env):
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)["summary"]
        assert summary["terms_found"] == 1 and summary["applied"] == 1
    replaced = runner.invoke(cli, [*args, "-g", str(base), "-g", str(desk), "--layers", "replace"])
    assert json.loads(replaced.stdout)["summary"]["terms_found"] == 0  # the whole entry replaced: no ms term


@pytest.mark.parametrize(
    ("desk_entry", "check", "message"),
    [
        (
            "    terms:\n      ms: Republik Iran\n",
            lambda e: e.term("ms") == "Republik Iran" and e.forbidden_for("ms") == ["Parsi"],
            "entry 'iran' redefined: ms 'Iran' -> 'Republik Iran'",
        ),
        (
            "    terms:\n      en: {variants: [Iranians, Persian]}\n",
            lambda e: e.term("en") == "Iran" and e.variants_for("en") == ["Iranians", "Persian"],
            "entry 'iran' redefined: en variants ['Iranian'] -> ['Iranians', 'Persian']",
        ),
        (
            "    terms:\n      ms: {forbidden: [Persia]}\n",
            lambda e: e.term("ms") == "Iran" and e.forbidden_for("ms") == ["Persia"],
            "entry 'iran' redefined: ms forbidden ['Parsi'] -> ['Persia']",
        ),
        (
            "    case: sensitive\n    terms:\n      fa: ایران\n",
            lambda e: e.case == "sensitive" and e.term("ms") == "Iran",
            "entry 'iran' redefined: case 'smart' -> 'sensitive'",
        ),
        (
            "    note: the state\n    terms:\n      fa: ایران\n",
            lambda e: e.note == "the state",
            "entry 'iran' redefined: note 'the country' -> 'the state'",
        ),
        (
            "    type: organization\n    terms:\n      fa: ایران\n",
            lambda e: e.type == "organization",
            "entry 'iran' redefined: type 'place' -> 'organization'",
        ),
        (
            "    dnt: true\n    terms:\n      fa: ایران\n",
            lambda e: e.dnt and e.term("ms") == "Iran",
            "entry 'iran' redefined: dnt false -> true",
        ),
        (
            "    status: draft\n    terms:\n      fa: ایران\n",
            lambda e: e.status == "draft",
            "entry 'iran' redefined: status 'approved' -> 'draft'",
        ),
    ],
)
def test_every_field_overrides_alone(tmp_path: Path, desk_entry: str, check: object, message: str) -> None:
    entry, messages = layered(tmp_path, desk_entry)
    assert check(entry)  # type: ignore[operator]
    assert entry.languages() == ["en", "ms", "fa"]
    assert messages == [message]


@pytest.mark.parametrize(
    ("desk_entry", "check", "message"),
    [
        (
            "    terms:\n      ms: null\n",
            lambda e: e.languages() == ["en", "fa"],
            "entry 'iran' redefined: ms 'Iran' -> (removed); ms forbidden ['Parsi'] -> (removed)",
        ),
        (
            "    terms:\n      en: {variants: []}\n",
            lambda e: e.term("en") == "Iran" and e.variants_for("en") == [],
            "entry 'iran' redefined: en variants ['Iranian'] -> (removed)",
        ),
        (
            "    terms:\n      ms: {forbidden: null}\n",
            lambda e: e.term("ms") == "Iran" and e.forbidden_for("ms") == [],
            "entry 'iran' redefined: ms forbidden ['Parsi'] -> (removed)",
        ),
        (
            "    note: null\n    terms:\n      fa: ایران\n",
            lambda e: e.note is None and e.type == "place",
            "entry 'iran' redefined: note 'the country' -> (removed)",
        ),
        (
            "    type: ~\n    terms:\n      fa: ایران\n",
            lambda e: e.type is None and e.note == "the country",
            "entry 'iran' redefined: type 'place' -> (removed)",
        ),
    ],
)
def test_explicit_removal(tmp_path: Path, desk_entry: str, check: object, message: str) -> None:
    entry, messages = layered(tmp_path, desk_entry)
    assert check(entry)  # type: ignore[operator]
    assert messages == [message]


def test_removing_every_language_drops_the_entry(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    desk = write(
        tmp_path / "desk.yaml",
        "version: 1\nentries:\n  - id: islamic-countries\n    terms: {en: null, ms: null}\n",
    )
    glossary = load_glossaries([base, desk])
    assert "islamic-countries" not in glossary
    (conflict,) = glossary.conflicts
    assert "ms 'negara-negara Islam' -> (removed)" in conflict.message


def test_an_empty_value_is_still_a_mistake_not_a_removal(tmp_path: Path) -> None:
    from dragoman.errors import GlossaryError

    path = write(tmp_path / "g.yaml", "version: 1\nentries:\n  - id: x\n    terms: {en: X, ms: }\n")
    with pytest.raises(GlossaryError, match="the ms term of entry 'x' is empty"):
        load_glossary(path)


def test_replace_mode_is_the_whole_entry_and_says_what_went(tmp_path: Path) -> None:
    entry, messages = layered(tmp_path, "    terms:\n      en: Iran\n      zz: Irana\n", layers="replace")
    assert entry.languages() == ["en", "zz"]
    assert entry.variants_for("en") == [] and entry.type is None
    (message,) = messages
    assert message.startswith("entry 'iran' redefined: en variants ['Iranian'] -> (removed); ms 'Iran' -> (removed)")
    assert "type 'place' -> (removed)" in message and "note 'the country' -> (removed)" in message


def test_no_python_none_in_any_conflict_message(tmp_path: Path) -> None:
    for desk_entry in ("    terms:\n      ms: null\n      zz: X\n", "    note: null\n    terms:\n      zz: X\n"):
        for mode in ("fields", "replace"):
            _entry, messages = layered(tmp_path, desk_entry, layers=mode)
            assert messages and not any("None" in m for m in messages)


def test_merge_equals_layering(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    desk = write(
        tmp_path / "desk.yaml",
        DESK_ZZ.replace("[en, zz]", "[en, ms, fa, zz]")
        + "    note: null\n  - id: islamic-countries\n    terms:\n      ms: null\n      fa: کشورهای اسلامی\n",
    )
    for mode in ("fields", "replace"):
        result = merge_files([base, desk], layers=mode)  # type: ignore[arg-type]
        assert result.glossary.entries == load_glossaries([base, desk], layers=mode).entries  # type: ignore[arg-type]
        out = tmp_path / f"merged-{mode}.yaml"
        run = CliRunner().invoke(cli, ["glossary", "merge", str(base), str(desk), "-o", str(out), "--layers", mode])
        assert run.exit_code == 0, run.output
        assert load_glossary(out).entries == result.glossary.entries
        assert "None" not in run.output
    merged = load_glossary(tmp_path / "merged-fields.yaml")
    assert merged.get("iran").languages() == ["en", "ms", "fa", "zz"]  # type: ignore[union-attr]
    assert merged.get("islamic-countries").languages() == ["en", "fa"]  # type: ignore[union-attr]


def test_merge_json_lists_each_change(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    desk = write(tmp_path / "desk.yaml", "version: 1\nentries:\n  - id: iran\n    terms:\n      ms: null\n")
    run = CliRunner().invoke(cli, ["glossary", "merge", str(base), str(desk), "-o", str(tmp_path / "m.yaml"), "--json"])
    assert run.exit_code == 0, run.output
    (conflict,) = json.loads(run.stdout)["conflicts"]
    assert conflict["changes"] == [
        {"lang": "ms", "field": "term", "before": "Iran", "after": None},
        {"lang": "ms", "field": "forbidden", "before": ["Parsi"], "after": None},
    ]


def test_api_layers_per_field_and_replace(tmp_path: Path) -> None:
    base, desk = write(tmp_path / "base.yaml", BASE), write(tmp_path / "desk.yaml", DESK_ZZ)
    assert api.load_glossaries([base, desk]).get("iran").languages() == ["en", "ms", "fa", "zz"]  # type: ignore[union-attr]
    assert api.load_glossaries([base, desk], layers="replace").get("iran").languages() == ["zz"]  # type: ignore[union-attr]
    from dragoman.errors import DragomanError

    with pytest.raises(DragomanError, match="unknown layers mode 'merge'"):
        api.load_glossaries([base, desk], layers="merge")


def test_a_layer_that_states_nulls_round_trips_through_save(tmp_path: Path) -> None:
    from dragoman.glossary.yamlio import dump_glossary, load_glossary_text

    desk = load_glossary_text(
        "version: 1\nentries:\n  - id: iran\n    note: null\n    terms:\n      ms: null\n      en: {variants: []}\n"
    )
    again = load_glossary_text(dump_glossary(desk))
    entry = again.get("iran")
    assert entry is not None
    assert entry.removed == ("ms",) and entry.states("note") and entry.terms["en"].states("variants")


def test_shared_term_conflict_with_no_preferred_term_says_so_not_none() -> None:
    from dragoman.glossary.layers import merge_layers
    from dragoman.glossary.model import Glossary, LangTerms

    a, b = Glossary(), Glossary()
    a.add(Entry("x", {"en": LangTerms("Tehran"), "ms": LangTerms(None, ["Teheran"])}))
    b.add(Entry("y", {"en": LangTerms("Tehran"), "ms": LangTerms("Tehran")}))
    (conflict,) = merge_layers([a, b]).conflicts
    assert "renders it in ms as (no term); 'y' ('Tehran') wins" in str(conflict) and "None" not in str(conflict)


def test_translate_with_env_layers_keeps_the_base_rendering(tmp_path: Path) -> None:
    """DRAGOMAN_GLOSSARY="zz.yaml:desk.yaml" where the desk adds ms to an entry: the zz rendering is still enforced."""
    from helpers.toy import TOY_PACKAGE

    from dragoman import packages

    packages.install_file(TOY_PACKAGE)
    base = write(
        tmp_path / "zz.yaml", "version: 1\nentries:\n  - id: kl\n    terms: {en: Kuala Lumpur, zz: Kuala Lumpur}\n"
    )
    desk = write(tmp_path / "desk.yaml", "version: 1\nentries:\n  - id: kl\n    terms: {ms: Kuala Lumpur}\n")
    report = tmp_path / "r.json"
    env = {"DRAGOMAN_GLOSSARY": f"{base}{os.pathsep}{desk}"}
    args = ["translate", "--to", "zz", "--no-memory", "--report", str(report)]
    run = CliRunner().invoke(cli, args, input="They met in Kuala Lumpur.\n", env=env)
    assert run.exit_code == 0, run.output
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["applied"] == 1
    assert "Kuala Lumpur" in run.stdout
    replaced = CliRunner().invoke(cli, [*args, "--layers", "replace"], input="They met in Kuala Lumpur.\n", env=env)
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["terms_found"] == 0
    assert "has no zz terms" in replaced.stderr


def test_the_store_keeps_removals_and_stated_fields(tmp_path: Path) -> None:
    from dragoman.glossary.store import from_data, to_data
    from dragoman.glossary.yamlio import load_glossary_text

    layer = load_glossary_text(
        "version: 1\nentries:\n  - id: iran\n    note: null\n    terms:\n      ms: null\n      en: {variants: []}\n"
    )
    back = from_data(to_data(layer))
    entry = back.get("iran")
    assert entry is not None
    assert entry.removed == ("ms",) and entry.stated == frozenset({"note"})
    assert entry.terms["en"].stated == frozenset({"variants"})
