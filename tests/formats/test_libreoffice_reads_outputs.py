"""LibreOffice (headless, an independent office suite) opens translated files and finds every translated paragraph.

Runs where LibreOffice is installed (.ci/run installs libreoffice-writer-nogui from Debian); decided at
collection, so a missing LibreOffice shows as one skipped test with its reason, never a silent pass.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dragoman.formats import parse
from formats.conftest import reverse_upper
from formats.office import news_docx, news_odt

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
    ),
]


def _to_text(path: Path, tmp_path: Path) -> str:
    assert SOFFICE is not None
    out = tmp_path / "lo-out"
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = out / (path.stem + ".txt")
    assert converted.exists(), completed.stdout + completed.stderr
    return converted.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(("fmt", "target"), [("docx", "ms"), ("docx", "fa"), ("odt", "fa")])
def test_translated_office_file_opens_in_libreoffice_with_every_paragraph(
    tmp_path: Path, fmt: str, target: str
) -> None:
    document = parse(news_docx() if fmt == "docx" else news_odt(), fmt, "en", f"story.{fmt}")
    outputs = [reverse_upper(s) for s in document.segments]
    path = tmp_path / f"story.{target}.{fmt}"
    path.write_bytes(document.render_bytes(outputs, target))
    lines = [line.strip() for line in _to_text(path, tmp_path).splitlines()]
    # Body paragraphs and table cells are in LibreOffice's text export (headers, notes and boxes are not).
    for segment, output in zip(document.segments, outputs):
        if segment.kind in ("paragraph", "heading", "table_cell"):
            assert any(output.text in line for line in lines), (output.text, lines)
