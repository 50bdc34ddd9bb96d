"""`dragoman glossary seed --cldr`: CLDR names through Babel, stable ids, re-seeding that never clobbers edits."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.errors import DragomanError, LanguageError
from dragoman.glossary.editor import GlossaryEditor, create_glossary
from dragoman.glossary.seed import SeedItem, cldr_items, fingerprint, item_entry, recorded_fingerprint, seed_glossary
from dragoman.glossary.yamlio import load_glossary

NEWS = Path(__file__).resolve().parents[2] / "glossaries" / "news.yaml"
LANGS = ["en", "ms", "fa"]


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_items_have_cldr_names() -> None:
    items = {i.entry_id: i for i in cldr_items(LANGS, ["territories", "cities", "languages"])}
    assert items["cldr-territory-my"].names == {"en": "Malaysia", "ms": "Malaysia", "fa": "مالزی"}
    assert items["cldr-territory-ir"].names == {"en": "Iran", "ms": "Iran", "fa": "ایران"}
    assert items["cldr-city-asia-kuala-lumpur"].names == {
        "en": "Kuala Lumpur",
        "ms": "Kuala Lumpur",
        "fa": "کوالالامپور",
    }
    assert items["cldr-city-asia-tehran"].names == {"en": "Tehran", "ms": "Tehran", "fa": "تهران"}
    assert items["cldr-language-fa"].names == {"en": "Persian", "ms": "Parsi", "fa": "فارسی"}
    assert items["cldr-territory-un"].type == "organization"
    assert items["cldr-territory-my"].type == "place"
    # Continents, pseudo-regions and the Etc/ zones are left out.
    assert "cldr-territory-001" not in items and "cldr-territory-zz" not in items
    assert not any(i.startswith("cldr-city-etc") for i in items)


def test_seed_new_file_then_reseed_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "places.yaml"
    plan = seed_glossary(out, LANGS, ["territories", "cities"])
    assert plan.summary()["added"] > 600 and plan.update == [] and plan.kept_edited == []
    g = load_glossary(out)
    assert g.languages == LANGS
    my = g.get("cldr-territory-my")
    assert my is not None and my.source == "cldr" and my.term("fa") == "مالزی"
    assert recorded_fingerprint(my) == fingerprint(my)
    # A city that shares its English name with a country is not a second entry for "Singapore".
    assert ("cldr-city-asia-singapore", "cldr-territory-sg") in plan.kept_duplicate
    before = out.read_bytes()
    again = seed_glossary(out, LANGS, ["territories", "cities"])
    assert again.add == [] and again.update == [] and len(again.unchanged) == len(plan.add)
    assert out.read_bytes() == before


def test_user_edits_survive_reseed(tmp_path: Path) -> None:
    out = tmp_path / "places.yaml"
    seed_glossary(out, LANGS, ["territories"])
    with GlossaryEditor(out) as ed:
        ed.set_terms("cldr-territory-my", "fa", variants=["مالزیا"])
        ed.set_terms("cldr-territory-ir", "ms", term="Republik Islam Iran")
    plan = seed_glossary(out, LANGS, ["territories"])
    assert sorted(plan.kept_edited) == ["cldr-territory-ir", "cldr-territory-my"]
    g = load_glossary(out)
    assert g.entries["cldr-territory-my"].variants_for("fa") == ["مالزیا"]
    assert g.entries["cldr-territory-ir"].term("ms") == "Republik Islam Iran"


def test_outdated_seed_is_updated_and_keeps_its_status(tmp_path: Path) -> None:
    out = tmp_path / "places.yaml"
    create_glossary(out, LANGS)
    old = item_entry(SeedItem("cldr-territory-my", "place", {"en": "Malaysia", "fa": "مالایا"}, "MY"), "CLDR 40")
    old.status = "draft"
    with GlossaryEditor(out) as ed:
        ed.add_entry(old)
    plan = seed_glossary(out, LANGS, ["territories"])
    assert [e.id for e in plan.update] == ["cldr-territory-my"]
    my = load_glossary(out).entries["cldr-territory-my"]
    assert (my.term("en"), my.term("ms"), my.term("fa"), my.status) == ("Malaysia", "Malaysia", "مالزی", "draft")
    assert load_glossary(out).entries.keys() == {e.id for e in plan.add} | {"cldr-territory-my"}


def test_seed_into_existing_glossary_keeps_comments_and_concepts(tmp_path: Path) -> None:
    news = tmp_path / "news.yaml"
    shutil.copy(NEWS, news)
    original = news.read_text(encoding="utf-8")
    plan = seed_glossary(news, LANGS, ["territories", "cities"])
    text = news.read_text(encoding="utf-8")
    assert text.startswith(original.split("entries:")[0])  # header comments untouched
    # news.yaml already has Malaysia, Iran, Kuala Lumpur, Tehran under its own ids.
    dup = dict(plan.kept_duplicate)
    assert dup["cldr-territory-my"] == "malaysia"
    assert dup["cldr-city-asia-kuala-lumpur"] == "kuala-lumpur"
    assert dup["cldr-city-asia-tehran"] == "tehran"
    g = load_glossary(news)
    assert "cldr-territory-my" not in g and g.entries["malaysia"].term("fa") == "مالزی"
    assert g.get("cldr-territory-tr") is not None


def test_languages_without_cldr_data() -> None:
    with pytest.raises(LanguageError, match="CLDR has no locale data for 'zz'"):
        cldr_items(["en", "zz"], ["territories"])
    with pytest.raises(DragomanError, match="unknown seed set 'rivers'"):
        cldr_items(["en"], ["rivers"])


def test_missing_babel_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "babel", None)
    with pytest.raises(DragomanError, match=r"pip install 'dragoman\[cldr\]'"):
        cldr_items(["en"], ["territories"])
    result = run("glossary", "seed", "--cldr", "--langs", "en,fa", "-o", tmp_path / "x.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: CLDR seeding needs Babel, which is not installed — install it with: pip install 'dragoman[cldr]'"
    )
    assert not (tmp_path / "x.yaml").exists()


def test_cli_seed(tmp_path: Path) -> None:
    out = tmp_path / "langs.yaml"
    result = run("glossary", "seed", "--cldr", "--langs", "en,ms,fa", "--what", "languages", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out}: added ")
    result = run("glossary", "seed", "--cldr", "-l", "en,ms,fa", "-w", "languages", "-o", out, "--json")
    data = json.loads(result.stdout)
    assert data["summary"]["added"] == 0 and data["summary"]["updated"] == 0 and data["summary"]["unchanged"] > 100
    assert run("glossary", "seed", "--cldr", "-l", "en", "-w", "rivers", "-o", out).exit_code == 2
    assert run("glossary", "seed", "-l", "en", "-o", out).exit_code == 2
