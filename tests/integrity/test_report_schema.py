"""The shipped JSON Schema of the --report (every report the suite builds is validated by conftest.py)."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from tests_support import reference_engine

from dragoman.pipeline.run import TranslateJob, run
from dragoman.schemas import load_schema


def _report() -> dict[str, Any]:
    job = TranslateJob(inputs=[], source="en", targets=["ms"], stdin_text="It rose 12 percent.\n", write=False)
    return run(job, reference_engine({"It rose 12 percent.": "Ia meningkat 13 peratus."})).report


def test_a_report_with_findings_is_valid_and_carries_them() -> None:
    report = _report()
    jsonschema.validate(report, load_schema())
    missing, added = report["documents"][0]["integrity"]
    # A number missing from the output is located at the number in the source; one added, at the segment.
    assert (missing["check"], missing["action"], missing["line"], missing["column"]) == ("numbers", "flagged", 1, 9)
    assert (added["check"], added["action"], added["column"]) == ("numbers", "flagged", 1)
    assert "'12'" in missing["detail"] and "'13'" in added["detail"]
    assert report["summary"]["integrity"] == 2


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["documents"][0]["integrity"][0].update(action="fixed"),
        lambda r: r["documents"][0]["integrity"][0].update(check="spelling"),
        lambda r: r["summary"].pop("integrity"),
        lambda r: r["documents"][0].pop("integrity"),
        lambda r: r.update(version=2),
    ],
)
def test_the_schema_rejects_what_docs_report_md_does_not_allow(mutate: Any) -> None:
    report = copy.deepcopy(_report())
    mutate(report)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, load_schema())
