"""JSON Schemas of dragoman's machine-readable outputs, shipped with the package (report-v1.json: `translate --report`)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

REPORT_SCHEMA = "report-v1.json"


def load_schema(name: str = REPORT_SCHEMA) -> dict[str, Any]:
    """A shipped schema as a dict (``name``: a file of this package, e.g. ``report-v1.json``)."""
    data: dict[str, Any] = json.loads(files(__name__).joinpath(name).read_text(encoding="utf-8"))
    return data


__all__ = ["REPORT_SCHEMA", "load_schema"]
