"""The enforcement report: JSON shape and counts, one-screen summary, --strict exit code, consistency hints."""

from __future__ import annotations

import json
from pathlib import Path

from fake_engine import FakeEngine, Fault

from dragoman.enforce import Occurrence, SegmentResult, translate_segments
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.pipeline.report import (
    SUMMARY_KEYS,
    DocumentRecord,
    build_report,
    exit_code,
    format_summary,
    write_report,
)

SOURCE = "The government met Anwar.\nAnwar said Pezeshkian spoke.\n\nPezeshkian met the government."


def doc_record() -> DocumentRecord:
    seg0 = SegmentResult(
        "Pemerintah bertemu Anwar.",
        [
            Occurrence(4, 14, "government", "gov", "pemerintah", "in-context", "applied", 0, 10),
            Occurrence(19, 24, "Anwar", "anwar", "Anwar", "placeholder", "applied", 19, 24),
        ],
        strategy="in-context",
        engine_calls=1,
    )
    seg1 = SegmentResult(
        "Anwar berkata Pizishkion bercakap.",
        [Occurrence(0, 5, "Anwar", "anwar", "Anwar", "placeholder", "violated", note="placeholder dropped")],
        name_renderings={"Pezeshkian": "Pizishkion"},
    )
    seg2 = SegmentResult(
        "Pezeshkyan bertemu rejim kerajaan.",
        [
            Occurrence(19, 29, "government", "gov", "pemerintah", "in-context", "variant", 25, 33, found="kerajaan"),
            Occurrence(
                19, 29, "government", "gov", "pemerintah", "in-context", "forbidden-found", 19, 24, found="rejim"
            ),
        ],
        name_renderings={"Pezeshkian": "Pezeshkyan"},
    )
    return DocumentRecord("article.txt", "en", "zz", [(0, seg0), (26, seg1), (56, seg2)], source_text=SOURCE)


def test_report_json_shape_and_counts() -> None:
    report = build_report([doc_record()])
    assert report["summary"] == {
        "terms_found": 4,
        "applied": 2,
        "variants": 1,
        "violations": 1,
        "forbidden_found": 1,
        "integrity": 0,
    }
    assert tuple(report["summary"]) == SUMMARY_KEYS
    [doc] = report["documents"]
    assert doc["summary"] == report["summary"]
    first, second, third, fourth, fifth = doc["occurrences"]
    assert first == {
        "segment": 0,
        "source_start": 4,
        "source_end": 14,
        "line": 1,
        "column": 5,
        "source_text": "government",
        "entry_id": "gov",
        "required": "pemerintah",
        "strategy": "in-context",
        "status": "applied",
        "target_text": "Pemerintah",
        "note": None,
    }
    assert (third["line"], third["column"], third["status"], third["target_text"]) == (2, 1, "violated", None)
    assert (fourth["line"], fourth["column"], fourth["target_text"]) == (4, 20, "kerajaan")
    assert (fifth["status"], fifth["target_text"]) == ("forbidden-found", "rejim")
    assert doc["consistency"]["terms"] == [{"entry_id": "gov", "renderings": {"Pemerintah": 1, "kerajaan": 1}}]
    assert doc["consistency"]["names"] == [
        {
            "name": "Pezeshkian",
            "renderings": {"Pizishkion": 1, "Pezeshkyan": 1},
            "suggestion": "'Pezeshkian' came out 2 ways; add a glossary entry to fix one rendering",
        }
    ]


def test_summary_fits_one_screen_and_names_the_problems() -> None:
    text = format_summary(build_report([doc_record()]))
    assert text.splitlines() == [
        "glossary: 4 terms, 2 applied, 1 variant, 1 violation, 1 forbidden found",
        "  article.txt (en->zz): 4 terms, 2 applied, 1 variant, 1 violation, 1 forbidden found",
        "    violated: article.txt:2:1: 'Anwar' should be 'Anwar' [anwar] — placeholder dropped",
        "    variant: article.txt:4:20: 'government' came out as the variant 'kerajaan', preferred 'pemerintah' [gov]",
        "    forbidden-found: article.txt:4:20: forbidden 'rejim' for 'government' [gov]",
        "    inconsistent [gov]: 'Pemerintah' x1, 'kerajaan' x1",
        "    suggestion: 'Pezeshkian' came out as 'Pizishkion' x1, 'Pezeshkyan' x1; add a glossary entry",
    ]
    many = DocumentRecord("a.txt", "en", "zz", [(0, doc_record().segments[1][1])] * 30, source_text=SOURCE)
    lines = format_summary(build_report([many])).splitlines()
    assert len(lines) == 2 + 12 + 1 and lines[-1] == "    ... 18 more (see the --report JSON)"


def test_strict_exit_code() -> None:
    report = build_report([doc_record()])
    assert exit_code(report, strict=True) == 1
    assert exit_code(report, strict=False) == 0
    clean = build_report([DocumentRecord("a.txt", "en", "zz", [(0, SegmentResult("x"))])])
    assert clean["summary"] == {key: 0 for key in SUMMARY_KEYS}
    assert exit_code(clean, strict=True) == 0


def test_write_report_round_trips(tmp_path: Path) -> None:
    report = build_report([doc_record()])
    path = tmp_path / "report.json"
    write_report(path, report)
    assert json.loads(path.read_text(encoding="utf-8")) == report


def test_end_to_end_with_fake_engine_never_silent() -> None:
    """Every occurrence of a faulty run appears in the report, and the counts add up."""
    glossary = Glossary(languages=["en", "zz"])
    glossary.add(Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah")}))
    glossary.add(Entry("anwar", {"en": LangTerms("Anwar"), "zz": LangTerms("Anwar")}, type="person"))
    segments = ["The government met Anwar.", "Officials said Anwar spoke.", "Nothing here."]
    results = translate_segments(
        FakeEngine(faults=[Fault("drop", "#1")], attention=False), segments, "en", "zz", glossary
    )
    offsets = [0, 26, 54]
    report = build_report(
        [DocumentRecord(None, "en", "zz", list(zip(offsets, results)), source_text=" ".join(segments))]
    )
    assert report["summary"] == {
        "terms_found": 3,
        "applied": 1,
        "variants": 0,
        "violations": 2,
        "forbidden_found": 0,
        "integrity": 0,
    }
    statuses = [(o["entry_id"], o["status"], o["target_text"]) for o in report["documents"][0]["occurrences"]]
    assert statuses == [("gov", "applied", "Pemerintah"), ("anwar", "violated", None), ("anwar", "violated", None)]
    assert [r.text for r in results] == ["Pemerintah bertemu Onwor.", "Officials berkata Onwor spoke.", "Nothing here."]
    assert format_summary(report).splitlines()[0] == "glossary: 3 terms, 1 applied, 2 violations"
