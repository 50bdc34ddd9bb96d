"""The tiny real Argos package (tests/data, built by tools/build_test_model.py) and its recorded outputs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"
TOY_PACKAGE = DATA / "translate-en_zz-1_0.argosmodel"
TOY_OUTPUTS = DATA / "toy-model.json"


def toy_cases() -> list[tuple[str, str]]:
    """(source, exact zz output at beam 4) pairs recorded when the toy model was built."""
    data: Any = json.loads(TOY_OUTPUTS.read_text(encoding="utf-8"))
    cases = data["examples"] if isinstance(data, dict) else data
    return [(case["source"], case["target"]) for case in cases]


def unpack_toy(root: Path) -> Path:
    """Extract the toy package under ``root`` and return its package directory (the data is ours: plain extract)."""
    with zipfile.ZipFile(TOY_PACKAGE) as archive:
        archive.extractall(root)
    (package_dir,) = [p for p in root.iterdir() if (p / "metadata.json").is_file()]
    return package_dir
