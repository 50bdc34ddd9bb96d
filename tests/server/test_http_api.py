"""LibreTranslate's API as its clients use it: libretranslatepy (form bodies), deep-translator (query string), raw
HTTP for JSON bodies, lists, html, auto, files and every error code; the toy model behind a real `dragoman serve`."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path

import pytest
from helpers.server import Server, raw_exchange, request
from helpers.toy import toy_cases

CASES = dict(toy_cases())
WAR = "The war killed 1,250 people in Gaza last year."
GOVERNMENT = "The new government discussed the difficult talks."
MEETING = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."


def form(server: Server, path: str, **fields: str) -> tuple[int, object, dict[str, str]]:
    return request(server.url + path, urllib.parse.urlencode(fields).encode())


# -- real clients -----------------------------------------------------------------------------------


def test_libretranslatepy_translates_detects_and_lists_languages(server: Server) -> None:
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(server.url)
    # A request without a glossary field gets the default glossary, which has no entry in this sentence.
    assert client.translate(WAR, "en", "zz") == CASES[WAR]
    detections = client.detect(GOVERNMENT + " " + WAR)
    assert detections[0]["language"] == "en" and detections[0]["confidence"] > 50
    languages = {row["code"]: row for row in client.languages()}
    assert languages["en"]["targets"] == ["id", "zz"]
    # ms->zz has no model: it is a pivot through English, listed like a direct pair.
    assert languages["ms"] == {"code": "ms", "name": "Malay", "targets": ["en", "id", "zz"]}


def test_deep_translator_posts_the_query_string(server: Server) -> None:
    from deep_translator import LibreTranslator

    # deep-translator knows only real language codes: the toy model is also installed as en->id.
    client = LibreTranslator(source="en", target="id", api_key="unused", custom_url=server.url + "/")
    assert client.translate(GOVERNMENT) == CASES[GOVERNMENT]
    assert client.translate_batch([WAR, GOVERNMENT]) == [CASES[WAR], CASES[GOVERNMENT]]


# -- raw HTTP ---------------------------------------------------------------------------------------


def test_json_body_with_a_list_auto_and_alternatives(server: Server) -> None:
    status, body, _ = server.post_json(
        "/translate", {"q": [WAR, GOVERNMENT], "source": "auto", "target": "zz", "alternatives": 2, "glossary": "none"}
    )
    assert status == 200, body
    assert body["translatedText"] == [CASES[WAR], CASES[GOVERNMENT]]
    assert [d["language"] for d in body["detectedLanguage"]] == ["en", "en"]
    assert all(0 < d["confidence"] <= 100 for d in body["detectedLanguage"])
    assert len(body["alternatives"]) == 2
    for alternatives, main in zip(body["alternatives"], body["translatedText"]):
        assert 1 <= len(alternatives) <= 2 and main not in alternatives
    assert "glossary" not in body


def test_a_short_text_in_a_list_is_detected_with_the_others(server: Server) -> None:
    status, body, _ = server.post_json(
        "/translate", {"q": ["Hello.", WAR, GOVERNMENT], "source": "auto", "target": "zz"}
    )
    assert status == 200, body
    assert [d["language"] for d in body["detectedLanguage"]] == ["en", "en", "en"]
    assert body["translatedText"][1:] == [CASES[WAR], CASES[GOVERNMENT]]
    # Alone, five letters are too little to tell: a 400 that says to give the language, not a guess.
    status, body, _ = server.post_json("/translate", {"q": "Hello.", "source": "auto", "target": "zz"})
    assert (status, body) == (
        400,
        {"error": "q: cannot detect the language of so little text (5 letters); give the source language"},
    )


def test_html_keeps_its_markup(server: Server) -> None:
    status, body, _ = server.post_json(
        "/translate", {"q": f"<p>{GOVERNMENT}</p><p><b>{WAR}</b></p>", "source": "en", "target": "zz", "format": "html"}
    )
    assert status == 200, body
    assert body["translatedText"].startswith("<p>") and body["translatedText"].count("<b>") == 1
    assert "Kerajaan baru" in body["translatedText"]


def test_a_pivot_route_translates_through_english(server: Server) -> None:
    status, body, _ = form(server, "/translate", q=GOVERNMENT, source="ms", target="zz", glossary="none")
    assert status == 200, body
    assert isinstance(body["translatedText"], str) and body["translatedText"]


def test_translate_file_then_download_it(server: Server, tmp_path: Path) -> None:
    boundary = "dragomanboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nen\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\nzz\r\n',
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="article.md"\r\n'
            f"Content-Type: text/markdown\r\n\r\n# {GOVERNMENT}\n\n{WAR}\n\r\n"
        ),
        f"--{boundary}--\r\n",
    ]
    status, body, _ = request(
        server.url + "/translate_file",
        "".join(parts).encode(),
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200, body
    url = body["translatedFileUrl"]
    assert url.startswith(server.url + "/download_file/") and url.endswith(".article_zz.md")
    status, text, headers = request(url)
    assert status == 200
    assert text == f"# {CASES[GOVERNMENT]}\n\n{CASES[WAR]}\n"
    assert 'filename="article_zz.md"' in headers["content-disposition"]


def test_cors_headers_on_answers_and_preflight(server: Server) -> None:
    _, _, headers = server.get("/languages")
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-allow-methods"] == "GET, POST"
    status, _, headers = request(server.url + "/translate", method="OPTIONS")
    assert status == 200 and headers["access-control-allow-headers"] == "Authorization, Content-Type"
    # Errors too: a browser page on another origin can read the message only if the refusal carries them.
    status, _, headers = server.post_json("/translate", {"source": "en", "target": "zz"})
    assert status == 400 and headers["access-control-allow-origin"] == "*"
    assert headers["access-control-expose-headers"] == "Authorization"
    status, _, headers = server.get("/download_file/" + "0" * 32 + ".gone.docx")
    assert status == 404 and headers["access-control-allow-origin"] == "*"


def test_health_and_frontend_settings(server: Server) -> None:
    assert server.get("/health")[:2] == (200, {"status": "ok"})
    status, settings, _ = server.get("/frontend/settings")
    assert status == 200
    assert settings["charLimit"] == -1 and settings["apiKeys"] is False
    assert settings["language"]["source"]["code"] == "auto"
    assert ".md" in settings["supportedFilesFormat"] and settings["glossaries"] == ["news", "style"]


# -- errors, with LibreTranslate's bodies and codes ------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": "en", "target": "zz"}, "Invalid request: missing q parameter"),
        ({"q": "Hi", "target": "zz"}, "Invalid request: missing source parameter"),
        ({"q": "Hi", "source": "en"}, "Invalid request: missing target parameter"),
        ({"q": "Hi", "source": "en", "target": "xx"}, "xx is not supported"),
        ({"q": "Hi", "source": "xx", "target": "zz"}, "xx is not supported"),
        (
            {"q": "Hi", "source": "zz", "target": "en"},
            "English (en) is not available as a target language from Toy language (tests) (zz)",
        ),
        ({"q": "Hi", "source": "en", "target": "zz", "format": "pdf"}, "pdf format is not supported"),
        (
            {"q": "Hi", "source": "en", "target": "zz", "alternatives": "many"},
            "Invalid request: alternatives must be a whole number",
        ),
        (
            {"q": "Hi", "source": "en", "target": "zz", "glossary": "nope"},
            "glossary 'nope' is not known to this server — known: news, style",
        ),
    ],
)
def test_bad_requests_are_400_with_the_reason(server: Server, fields: dict[str, str], message: str) -> None:
    status, body, headers = form(server, "/translate", **fields)
    assert (status, body) == (400, {"error": message})
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("data", "content_type", "status", "message"),
    [
        (b'{"q": "Hi", "source": ', "application/json", 400, "Invalid JSON format"),
        (b'["Hi"]', "application/json", 400, "Invalid JSON format"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "Invalid JSON format"),
        (b"\xff\xfe\x00binary", "application/json", 400, "Invalid JSON format"),
        (
            b"q=\xff\xfe&source=en&target=zz",
            "application/x-www-form-urlencoded",
            400,
            "Invalid request: the form body is not UTF-8 form data",
        ),
        (
            b'{"q": ["a", 3], "source": "en", "target": "zz"}',
            "application/json",
            400,
            "Invalid request: q must be a string or a list of strings",
        ),
        (
            b'{"q": "a", "source": "en", "target": "zz", "format": ["text"]}',
            "application/json",
            400,
            "['text'] format is not supported",
        ),
        (
            b'{"q": "a", "source": "en", "target": "zz", "alternatives": [2]}',
            "application/json",
            400,
            "Invalid request: alternatives must be a whole number",
        ),
        (
            b'{"q": "a", "source": {"en": 1}, "target": "zz"}',
            "application/json",
            400,
            "Invalid request: source must be a string",
        ),
    ],
)
def test_malformed_bodies_are_400(server: Server, data: bytes, content_type: str, status: int, message: str) -> None:
    got = request(server.url + "/translate", data, {"Content-Type": content_type})
    assert got[:2] == (status, {"error": message})


def test_a_body_over_the_limit_is_413_before_it_is_read(server: Server) -> None:
    size = 10 * 1024 * 1024
    head = (
        f"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    status, body = raw_exchange(server.url, head, b"q=" + b"a" * 65536)
    assert status == 413
    assert json.loads(body)["error"] == "Invalid request: the body is larger than 2097152 bytes"


def test_detect_and_download_errors(server: Server) -> None:
    assert form(server, "/detect")[:2] == (400, {"error": "Invalid request: missing q parameter"})
    assert server.get("/download_file/..%2F..%2Fetc%2Fpasswd")[0] == 404
    assert server.get("/download_file/" + "0" * 32 + ".missing.txt")[:2] == (404, {"error": "Invalid filename"})
    assert server.get("/no-such-route")[:2] == (404, {"error": "Not Found"})


def test_the_access_log_has_no_request_text(server: Server) -> None:
    text = "Confidential source Zyxwv said so, on 4 December."
    assert form(server, "/translate", q=text, source="en", target="zz")[0] == 200
    deadline = time.monotonic() + 10
    while True:  # the line is written once the answer has gone out
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("path") == "/translate" and line.get("chars") == len(text)]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert mine and mine[0]["status"] == 200 and {"ms", "client", "items", "source", "target"} <= set(mine[0])
    assert "Zyxwv" not in server.log()
