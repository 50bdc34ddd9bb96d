"""`dragoman glossary suggest`, drafts, `review`, `approve`; suggestions measured on labelled NTREX documents."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.engines.base import BatchOptions, Engine, Hypothesis
from dragoman.glossary.suggest import Candidate, draft_entries, prefill, slug, suggest
from dragoman.glossary.yamlio import load_glossary

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "examples" / "pezeshkian-anwar-call.en.txt"
NEWS = REPO / "glossaries" / "news.yaml"
NTREX = REPO / "tests" / "data" / "ntrex"
LABELS = REPO / "tests" / "data" / "ntrex" / "entities.tsv"


def by_text(cands: list[Candidate]) -> dict[str, Candidate]:
    return {c.text: c for c in cands}


def test_example_article_candidates() -> None:
    cands = by_text(suggest([("a", ARTICLE.read_text(encoding="utf-8"))]))
    assert (cands["Pezeshkian"].count, cands["Pezeshkian"].documents) == (5, 1)  # "Pezeshkian’s" folded in
    anwar = cands["Anwar Ibrahim"]
    assert (anwar.type, anwar.count, anwar.variants) == ("person", 1, {"Ibrahim": 2})
    assert "Ibrahim" not in cands
    assert cands["Islamic Republic of Iran"].type == "place"
    assert cands["Islamic countries"].kind == "phrase" and cands["Islamic countries"].count == 4
    # Sentence-initial common words are never candidates.
    for word in ("The", "Elsewhere", "Backed", "Most", "Pointing", "Underlining", "Wednesday"):
        assert not any(c.split()[0] == word for c in cands), word


def test_glossary_terms_are_left_out() -> None:
    cands = suggest([("a", ARTICLE.read_text(encoding="utf-8"))], load_glossary(NEWS))
    assert [c.text for c in cands] == ["Islamic", "Zionist"]


def test_title_name_split_acronyms_and_documents() -> None:
    docs = [
        ("d1", "Prime Minister Anwar Ibrahim met OIC envoys. The OIC agreed, Anwar said."),
        (
            "d2",
            "Malaysian Prime Minister Anwar Ibrahim spoke. US Energy Secretary Rick Perry did not.\nThe US said no.",
        ),
        ("d3", "Then Rick Perry's aides left. Perry was silent."),
    ]
    cands = by_text(suggest(docs, min_count=2))
    anwar = cands["Anwar Ibrahim"]
    assert (anwar.kind, anwar.type, anwar.count, anwar.documents, anwar.variants) == (
        "name",
        "person",
        2,
        2,
        {"Anwar": 1},
    )
    titles = {c.text: c.count for c in cands.values() if c.kind == "title"}
    assert titles == {}  # each title once: below --min-count 2
    titles = {c.text: c.count for c in suggest(docs, min_count=1) if c.kind == "title"}
    assert titles == {"Prime Minister": 1, "Malaysian Prime Minister": 1, "Energy Secretary": 1}
    assert (cands["OIC"].kind, cands["OIC"].count, cands["OIC"].documents) == ("acronym", 2, 1)
    assert (cands["US"].kind, cands["US"].count, cands["US"].documents) == ("acronym", 2, 1)
    perry = cands["Rick Perry"]
    assert (perry.count, perry.variants, perry.documents) == (2, {"Perry": 1}, 2)


def test_min_count() -> None:
    text = "Gaza is here. Gaza again. Tehran once."
    assert [c.text for c in suggest([("d", text)], min_count=2)] == ["Gaza"]
    assert [c.text for c in suggest([("d", text)], min_count=3)] == []


# --- measured on hand-labelled NTREX documents ----------------------------------------------------


def _labels() -> dict[str, list[set[str]]]:
    labels: dict[str, list[set[str]]] = defaultdict(list)
    for row in LABELS.read_text(encoding="utf-8").splitlines():
        if row.strip() and not row.startswith("#"):
            doc, entity, aliases, _type = row.split("\t")
            labels[doc].append({entity.lower()} | {a.lower() for a in aliases.split(";") if a})
    return labels


def test_recall_and_precision_on_labelled_ntrex_documents() -> None:
    labels = _labels()
    assert len(labels) == 8 and sum(len(v) for v in labels.values()) == 51
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    lines = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    texts: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(doc_ids, lines):
        if doc in labels:
            texts[doc].append(line)
    missed, extra, total = [], [], 0
    for doc, names in labels.items():
        cands = [c for c in suggest([(doc, "\n".join(texts[doc]))], phrases=False) if c.kind != "title"]
        total += len(cands)
        forms = [{f.lower() for f in c.forms()} for c in cands]
        missed += [(doc, n) for n in names if not any(n & f for f in forms)]
        extra += [(doc, c.text) for c, f in zip(cands, forms) if not any(n & f for n in names)]
    recall = 1 - len(missed) / 51
    precision = 1 - len(extra) / total
    assert recall >= 0.95, missed
    assert precision >= 0.9, extra


# --- drafts, pre-filled renderings, review and approve ----------------------------------------------


class DictEngine(Engine):
    """Translates from a dictionary; supports en->fa only."""

    name = "dict"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "fa")]

    def signature(self, source: str, target: str) -> str:
        return "dict"

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        table = {"Gaza": "غزه.", "Anwar Ibrahim": "انور ابراهیم"}
        return [[Hypothesis(table.get(s, ""))] for s in segments]


def test_prefill_and_draft_entries() -> None:
    cands = [
        Candidate("Gaza", "name", "place", 3, 1),
        Candidate("Anwar Ibrahim", "name", "person", 2, 1, {"Ibrahim": 2}),
    ]
    assert prefill(cands, DictEngine(), "en", ["fa", "ms"]) == ["ms"]
    assert cands[0].renderings == {"fa": "غزه"} and cands[1].renderings == {"fa": "انور ابراهیم"}
    entries = draft_entries(cands, "en", ["fa", "ms"], taken={"gaza"})
    assert [(e.id, e.status, e.term("en"), e.term("fa")) for e in entries] == [
        ("gaza-2", "draft", "Gaza", "غزه"),
        ("anwar-ibrahim", "draft", "Anwar Ibrahim", "انور ابراهیم"),
        ("ibrahim", "draft", "Ibrahim", None),
    ]
    assert entries[2].note == "suggested: short form of Anwar Ibrahim (anwar-ibrahim), 2x"
    assert slug("Nord Stream 2") == "nord-stream-2" and slug("پزشکیان") == "term"


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_suggest_json_and_human() -> None:
    result = run("glossary", "suggest", ARTICLE, "-g", NEWS, "--json")
    assert result.exit_code == 0, result.output
    assert [c["text"] for c in json.loads(result.stdout)["candidates"]] == ["Islamic", "Zionist"]
    result = run("glossary", "suggest", ARTICLE, "-g", NEWS, "--no-phrases", "--min-count", "4")
    assert result.stdout.splitlines() == ["    4    1  name     -             Islamic"]


def test_cli_suggest_with_a_deepl_csv_glossary(tmp_path: Path) -> None:
    # A two-column glossary without a header: --from and a single --to say which column is which.
    deepl = tmp_path / "deepl.csv"
    deepl.write_text("Islamic,اسلامی\n", encoding="utf-8")
    result = run("glossary", "suggest", ARTICLE, "-g", deepl, "--from", "en", "--to", "fa", "--json")
    assert result.exit_code == 0, result.output
    assert [c["text"] for c in json.loads(result.stdout)["candidates"]] != []
    assert "Islamic" not in [c["text"] for c in json.loads(result.stdout)["candidates"]]
    without_pair = run("glossary", "suggest", ARTICLE, "-g", deepl, "--json")
    assert without_pair.exit_code == 1
    assert f"{deepl}:1: no header row of language codes" in without_pair.stderr


def test_cli_draft_review_approve(tmp_path: Path) -> None:
    drafts = tmp_path / "new.yaml"
    result = run("glossary", "suggest", ARTICLE, "--draft", drafts, "--to", "fa", "--min-count", "3")
    assert result.exit_code == 0, result.output
    # No model installed in the test home: a warning, and the drafts have no Persian yet.
    assert "warning: no en->fa model installed" in result.stderr
    g = load_glossary(drafts)
    assert g.languages == ["en", "fa"]
    assert {e.status for e in g} == {"draft"}
    assert g.entries["anwar-ibrahim"].term("en") == "Anwar Ibrahim"
    assert g.entries["ibrahim"].note == "suggested: short form of Anwar Ibrahim (anwar-ibrahim), 2x"

    drafts.write_text("# reviewed by the desk\n" + drafts.read_text(encoding="utf-8"), encoding="utf-8")
    review = run("glossary", "review", drafts)
    assert review.exit_code == 0
    assert "anwar-ibrahim  [person]  en: Anwar Ibrahim" in review.stdout.splitlines()
    ids = [e["id"] for e in json.loads(run("glossary", "review", drafts, "--json").stdout)["entries"]]
    assert ids == list(g.entries)

    assert run("glossary", "approve", drafts, "gaza", "anwar-ibrahim").exit_code == 0
    after = load_glossary(drafts)
    assert after.entries["gaza"].status == "approved" and after.entries["ibrahim"].status == "draft"
    assert drafts.read_text(encoding="utf-8").startswith("# reviewed by the desk\n")
    assert "gaza" not in [e["id"] for e in json.loads(run("glossary", "review", drafts, "--json").stdout)["entries"]]

    before = drafts.read_bytes()
    bad = run("glossary", "approve", drafts, "ibrahim", "no-such-id")
    assert bad.exit_code == 1 and "no entry 'no-such-id'" in bad.stderr
    assert drafts.read_bytes() == before  # nothing half-applied
    assert run("glossary", "approve", drafts).exit_code == 2
    assert run("glossary", "approve", drafts, "--all").exit_code == 0
    assert {e.status for e in load_glossary(drafts)} == {"approved"}


def test_cli_suggest_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("glossary", "suggest", empty)
    assert result.exit_code == 1 and "Traceback" not in result.output and str(empty) in result.stderr
    assert run("glossary", "suggest", ARTICLE, "--to", "f@").exit_code == 2


def test_sentence_start_quotes_article_prefix_and_compounds() -> None:
    text = (
        'Elsewhere, Gaza burned. Pointing to Tehran, he spoke. "Trump lied," Pezeshkian said. '
        '"We agree," Trump said. Operation al-Aqsa Flood began. The Israeli-imposed war went on. '
        "Ahmed spoke."
    )
    cands = by_text(suggest([("d", text)], min_count=1, phrases=False))
    # Adverbs and -ing forms seen only at a sentence start are left out even at --min-count 1;
    # a name seen only there ("Ahmed spoke") stays. '," Trump' closes a quote: not a sentence start.
    assert sorted(cands) == ["Ahmed", "Gaza", "Israeli", "Operation al-Aqsa Flood", "Pezeshkian", "Tehran", "Trump"]
    assert (cands["Operation al-Aqsa Flood"].kind, cands["Operation al-Aqsa Flood"].type) == ("name", "event")
    assert cands["Trump"].count == 2


def test_cli_suggest_human_header_and_variant_counts() -> None:
    result = run("glossary", "suggest", ARTICLE, "--no-phrases", "--min-count", "3")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "count docs  kind     type          term"
    assert "    1    1  name     person        Anwar Ibrahim  (also: Ibrahim 2x)" in result.stdout.splitlines()


def test_cli_approve_reports_entries_already_approved(tmp_path: Path) -> None:
    glossary = tmp_path / "g.yaml"
    glossary.write_text(
        "version: 1\nentries:\n  - id: a\n    terms: {en: A}\n  - id: b\n    status: draft\n    terms: {en: B}\n",
        encoding="utf-8",
    )
    result = run("glossary", "approve", glossary, "a", "b", "b")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{glossary}: approved 1 (already approved: a)\n"
    assert {e.id: e.status for e in load_glossary(glossary)} == {"a": "approved", "b": "approved"}
