"""POST /translate_file and GET /download_file for every format dragoman reads, through the same pipeline as
`dragoman translate`: files written by independent libraries (python-docx, srt, odfpy, webvtt-py's format, lxml),
uploaded by `requests` (libretranslatepy has no file call), read back by those libraries, the glossary enforced.
Bad files are 400s with one line, never 500s."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers.server import Server, running_server

MEETING = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
WAR = "The war killed 1,250 people in Gaza last year."
TOY_NAMES = ("Pizishkion", "Kuolo")  # how the toy model writes the two names without the glossary
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"


def upload(server: Server, name: str, data: bytes, **fields: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    import requests

    values = {"source": "en", "target": "zz", **fields}
    response = requests.post(server.url + "/translate_file", data=values, files={"file": (name, data)}, timeout=120)
    return response.status_code, response.json(), dict(response.headers)


def download(url: str) -> tuple[bytes, dict[str, str]]:
    import requests

    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return response.content, {k.lower(): v for k, v in response.headers.items()}


def translate_file(server: Server, name: str, data: bytes, **fields: str) -> tuple[bytes, dict[str, Any], str]:
    """Upload, download: (the translated file, the upload's answer, the download's Content-Type)."""
    status, body, _ = upload(server, name, data, **fields)
    assert status == 200, body
    stem, _, ext = name.rpartition(".")
    assert body["translatedFileUrl"].startswith(server.url + "/download_file/")
    assert body["translatedFileUrl"].endswith(f".{stem}_zz.{ext}")  # LibreTranslate's article_es.docx
    content, headers = download(body["translatedFileUrl"])
    assert f'filename="{stem}_zz.{ext}"' in headers["content-disposition"]
    assert headers["content-disposition"].startswith("attachment")
    return content, body, headers["content-type"]


def assert_glossary_applied(body: dict[str, Any]) -> None:
    glossary = body["glossary"]
    assert glossary["names"] == ["news"]
    assert glossary["summary"]["applied"] == 2 and glossary["summary"]["violations"] == 0
    assert {occ["entry_id"]: occ["status"] for occ in glossary["occurrences"]} == {
        "pezeshkian": "applied",
        "kuala-lumpur": "applied",
    }
    assert set(glossary["entries"]) == {"pezeshkian", "kuala-lumpur"}


def assert_names_kept(text: str) -> None:
    assert "Pezeshkian" in text and "Kuala Lumpur" in text, text
    assert not any(name in text for name in TOY_NAMES), text


# -- DOCX and SRT, read back by their own libraries --------------------------------------------------


def test_docx_is_translated_with_the_glossary_and_the_bold_name_stays_bold(server: Server) -> None:
    import docx

    document = docx.Document()
    document.add_heading("The war in Gaza", level=1)
    paragraph = document.add_paragraph("President ")
    paragraph.add_run("Pezeshkian").bold = True
    paragraph.add_run(" met Prime Minister Anwar Ibrahim in Kuala Lumpur.")
    document.add_paragraph(WAR)
    buffer = io.BytesIO()
    document.save(buffer)

    content, body, content_type = translate_file(server, "story.docx", buffer.getvalue())
    assert content_type == DOCX_TYPE
    assert_glossary_applied(body)
    translated = docx.Document(io.BytesIO(content))
    heading, meeting, war = (p for p in translated.paragraphs)
    assert heading.style.name == "Heading 1" and heading.text != "The war in Gaza"
    assert_names_kept(meeting.text)
    assert not meeting.text.startswith("President")
    bold = [run.text for run in meeting.runs if run.bold]
    assert bold == ["Pezeshkian"]
    assert "1,250" in war.text and war.text != WAR


def test_srt_keeps_every_cue_and_its_timing(server: Server) -> None:
    import srt

    cues = [
        srt.Subtitle(1, timedelta(seconds=1), timedelta(seconds=4), WAR),
        srt.Subtitle(2, timedelta(seconds=5), timedelta(seconds=9, milliseconds=500), MEETING),
    ]
    content, body, content_type = translate_file(server, "clip.srt", srt.compose(cues).encode("utf-8"))
    assert content_type.startswith("application/x-subrip")
    assert_glossary_applied(body)
    back = list(srt.parse(content.decode("utf-8")))
    assert [(cue.start, cue.end) for cue in back] == [(cue.start, cue.end) for cue in cues]
    assert_names_kept(" ".join(back[1].content.split()))
    assert "1,250" in back[0].content and back[0].content != WAR


# -- every other format ------------------------------------------------------------------------------


def _odt() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text=MEETING))
    document.text.addElement(P(text=WAR))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _odt_text(data: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P

    return "\n".join(teletype.extractText(p) for p in load(io.BytesIO(data)).getElementsByType(P))


def _vtt_text(data: bytes) -> str:
    import webvtt

    return "\n".join(caption.text for caption in webvtt.from_buffer(io.StringIO(data.decode("utf-8"))))


def _xliff_targets(data: bytes) -> str:
    from lxml import etree

    root = etree.fromstring(data)
    return "\n".join("".join(t.itertext()) for t in root.iter(f"{{{X12}}}target", f"{{{X20}}}target"))


def _jsonl_text(data: bytes) -> str:
    return "\n".join(json.loads(line)["text"] for line in data.decode("utf-8").splitlines())


XLIFF_12 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{X12}"><file original="story" source-language="en" datatype="plaintext"><body>
<trans-unit id="1"><source>{MEETING}</source></trans-unit>
<trans-unit id="2"><source>{WAR}</source></trans-unit>
</body></file></xliff>
"""
XLIFF_20 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="{X20}" version="2.0" srcLang="en"><file id="f1">
<unit id="u1"><segment><source>{MEETING}</source></segment></unit>
<unit id="u2"><segment><source>{WAR}</source></segment></unit>
</file></xliff>
"""
VTT = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n{MEETING}\n\n00:00:05.000 --> 00:00:08.000\n{WAR}\n"
# name, file, extra fields, Content-Type start, the translated text as an independent reader sees it
OTHERS: list[tuple[str, Callable[[], bytes], dict[str, str], str, Callable[[bytes], str]]] = [
    ("story.odt", _odt, {}, "application/vnd.oasis.opendocument.text", _odt_text),
    ("clip.vtt", lambda: VTT.encode(), {}, "text/vtt", _vtt_text),
    ("story.xlf", lambda: XLIFF_12.encode(), {}, "application/xliff+xml", _xliff_targets),
    ("story.xliff", lambda: XLIFF_20.encode(), {}, "application/xliff+xml", _xliff_targets),
    (
        "wire.jsonl",
        lambda: "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate((MEETING, WAR))).encode(),
        {"fields": "text"},
        "application/jsonl",
        _jsonl_text,
    ),
    ("story.txt", lambda: f"{MEETING}\n\n{WAR}\n".encode(), {}, "text/plain", bytes.decode),
    ("story.md", lambda: f"# {MEETING}\n\n{WAR}\n".encode(), {}, "text/markdown", bytes.decode),
    ("story.html", lambda: f"<p><b>{MEETING}</b></p><p>{WAR}</p>".encode(), {}, "text/html", bytes.decode),
]


@pytest.mark.parametrize(("name", "build", "fields", "content_type", "read"), OTHERS, ids=[o[0] for o in OTHERS])
def test_every_format_comes_back_in_kind_with_the_glossary(
    server: Server,
    name: str,
    build: Callable[[], bytes],
    fields: dict[str, str],
    content_type: str,
    read: Callable[[bytes], str],
) -> None:
    content, body, got_type = translate_file(server, name, build(), **fields)
    assert got_type.startswith(content_type)
    assert_glossary_applied(body)
    text = read(content)
    assert_names_kept(text)
    assert "1,250" in text and WAR not in text


def test_a_named_glossary_and_auto_detection_work_for_files(server: Server) -> None:
    status, body, _ = upload(server, "story.txt", f"{MEETING}\n".encode(), source="auto", glossary="none")
    assert status == 200, body
    assert "glossary" not in body  # no glossary asked for: a plain LibreTranslate answer
    text, _ = download(body["translatedFileUrl"])
    assert "Pizishkion" in text.decode()  # the model's own rendering, nothing enforced


# -- refused ------------------------------------------------------------------------------------------

BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n'
    f'<xliff version="1.2" xmlns="{X12}"><file original="x" source-language="en" datatype="plaintext"><body>'
    '<trans-unit id="1"><source>&lol2;</source></trans-unit></body></file></xliff>\n'
)


DEEP = (
    f'<xliff version="1.2" xmlns="{X12}"><file original="x" source-language="en" datatype="plaintext"><body>'
    '<trans-unit id="1"><source>'
    + '<g id="a">' * 5000
    + "The war."
    + "</g>" * 5000
    + "</source></trans-unit></body></file></xliff>"
)


def _zip_bomb_docx() -> bytes:
    """A real DOCX whose document.xml unpacks to 64 MiB of spaces from ~64 KB: refused by the ratio, not unpacked."""
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph(WAR)
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * (64 << 20))
            dst.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "fields", "says"),
    [
        ("bomb.docx", _zip_bomb_docx, {}, "a zip bomb?"),
        ("deep.xlf", DEEP.encode(), {}, "Excessive depth"),
        ("report.pdf", b"%PDF-1.7", {}, "file format not supported (.pdf)"),
        ("README", b"plain words", {}, "file format not supported (no extension)"),
        ("story.docx", b"this is not a zip", {}, "story.docx"),
        ("story.odt", b"PK\x03\x04broken", {}, "story.odt"),
        ("bomb.xlf", BOMB.encode(), {}, "DTD"),
        ("story.txt", b"\xff\xfe\x00t\x00e\x00x\x00t", {}, "UTF-16"),
        ("clip.srt", b"1\nnot a timing\nwords\n", {}, "clip.srt"),
        ("wire.jsonl", b'{"text": "The war."}\n', {}, "missing fields parameter"),
        ("wire.jsonl", b'{"text": "The war."\n', {"fields": "text"}, "wire.jsonl"),
        ("story.txt", b"", {}, "empty file"),
    ],
)
def test_bad_files_are_one_line_400s_never_500s(
    server: Server, name: str, data: bytes | Callable[[], bytes], fields: dict[str, str], says: str
) -> None:
    status, body, _ = upload(server, name, data if isinstance(data, bytes) else data(), **fields)
    assert status == 400, body
    assert says in body["error"] and "\n" not in body["error"], body
    assert body["error"].startswith("Invalid request: ")
    assert server.get("/health")[0] == 200


def test_an_unknown_language_is_refused_before_the_file_is_read(server: Server) -> None:
    status, body, _ = upload(server, "story.txt", b"The war.", target="xx")
    assert (status, body) == (400, {"error": "xx is not supported"})


@pytest.fixture(scope="module")
def limited_server(server_home: Path) -> Iterator[Server]:
    with running_server(server_home, "--char-limit", "60") as srv:
        yield srv


def test_the_character_limit_counts_the_text_of_a_file_not_its_bytes(limited_server: Server) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(WAR)  # 46 characters in a zip of ~36 KB: under the limit
    buffer = io.BytesIO()
    document.save(buffer)
    status, body, _ = upload(limited_server, "short.docx", buffer.getvalue())
    assert status == 200, body
    document.add_paragraph(MEETING)
    buffer = io.BytesIO()
    document.save(buffer)
    status, body, _ = upload(limited_server, "long.docx", buffer.getvalue())
    assert (status, body) == (
        400,
        {"error": f"Invalid request: request ({len(WAR) + len(MEETING)}) exceeds text limit (60)"},
    )


def _logged(server: Server, status: int, more_than: int = 0) -> list[dict[str, Any]]:
    """The access-log lines of /translate_file answers with ``status``, once there are more than ``more_than`` (a
    line is written after its answer has gone out)."""
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("path") == "/translate_file" and line.get("status") == status]
        if len(mine) > more_than or time.monotonic() > deadline:
            return mine
        time.sleep(0.05)


def test_the_access_log_has_neither_the_file_nor_its_name(server: Server) -> None:
    status, body, _ = upload(server, "leak-memo-qwzx.txt", b"Confidential source Zyxwv said so.\n")
    assert status == 200, body
    done = _logged(server, 200)
    assert done and done[-1]["format"] == "txt" and done[-1]["chars"] == len("Confidential source Zyxwv said so.")
    before = len(_logged(server, 400, -1))
    status, body, _ = upload(server, "leak-memo-qwzx.docx", b"Confidential source Zyxwv said so.\n")
    assert status == 400 and "leak-memo-qwzx.docx" in body["error"]  # the answer names the file...
    refused = _logged(server, 400, before)
    assert len(refused) == before + 1
    assert refused[-1]["error"].startswith("Invalid request: <file>: is not a DOCX file")  # ...the log does not
    assert "Zyxwv" not in server.log() and "qwzx" not in server.log()
