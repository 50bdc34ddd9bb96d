"""Glossaries in `dragoman serve`: the default (-g), named ones per request (layered), the `glossary` object of the
answer, the glossary routes, and reloading a folder whose files change (a broken edit keeps the last good one)."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path

from helpers.server import Server, request
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.api import translate

CASES = dict(toy_cases())
MEETING = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
WAR = "The war killed 1,250 people in Gaza last year."


def test_the_default_glossary_is_enforced_as_the_cli_enforces_it(server: Server, server_home: Path) -> None:
    status, body, _ = server.post_json("/translate", {"q": MEETING, "source": "en", "target": "zz"})
    assert status == 200, body
    # The same text through the Python API (the CLI's pipeline) in this process: the server adds no path of its own.
    packages.install_file(TOY_PACKAGE)
    expected = translate(MEETING, source="en", target="zz", glossary=[server_home / "desks" / "news.yaml"])
    assert body["translatedText"] == expected.text
    assert "Pezeshkian" in body["translatedText"] and "Kuala Lumpur" in body["translatedText"]
    assert body["translatedText"] != CASES[MEETING]  # the model alone respells both names
    glossary = body["glossary"]
    assert glossary["names"] == ["news"]
    assert glossary["summary"] == expected.summary
    assert [(o["entry_id"], o["status"], o["target_text"]) for o in glossary["occurrences"]] == [
        ("pezeshkian", "applied", "Pezeshkian"),
        ("kuala-lumpur", "applied", "Kuala Lumpur"),
    ]
    assert glossary["entries"]["pezeshkian"] == {
        "id": "pezeshkian",
        "type": "person",
        "terms": {"en": "Pezeshkian"},
        "dnt": True,
    }


def test_glossary_none_is_the_model_alone(server: Server) -> None:
    status, body, _ = server.post_json("/translate", {"q": MEETING, "source": "en", "target": "zz", "glossary": "none"})
    assert (status, body) == (200, {"translatedText": CASES[MEETING]})


def test_named_glossaries_layer_and_a_stray_forbidden_form_is_found(server: Server) -> None:
    status, body, _ = server.post_json(
        "/translate", {"q": [WAR, MEETING], "source": "en", "target": "zz", "glossary": ["news", "style"]}
    )
    assert status == 200, body
    glossary = body["glossary"]
    assert glossary["names"] == ["news", "style"]
    war, meeting = glossary["items"]
    # "tahun" (year) is forbidden by the style desk; no source term asked for it, so it is reported, not changed.
    assert [(o["entry_id"], o["status"], o["target_text"]) for o in war["occurrences"]] == [
        ("annum", "forbidden-found", "tahun")
    ]
    assert meeting["summary"]["applied"] == 2
    assert glossary["summary"]["forbidden_found"] == 1 and glossary["summary"]["applied"] == 2


def test_a_form_request_names_glossaries_comma_separated(server: Server) -> None:
    data = urllib.parse.urlencode({"q": WAR, "source": "en", "target": "zz", "glossary": "news, style"}).encode()
    status, body, _ = request(server.url + "/translate", data)
    assert status == 200 and body["glossary"]["summary"]["forbidden_found"] == 1


def test_glossary_routes_list_show_and_export(server: Server) -> None:
    status, listed, _ = server.get("/glossaries")
    assert status == 200
    assert [(g["name"], g["entries"], g["default"]) for g in listed][:2] == [("news", 2, True), ("style", 1, False)]
    status, news, _ = server.get("/glossaries/news")
    assert status == 200 and [e["id"] for e in news["entries"]] == ["pezeshkian", "kuala-lumpur"]
    status, tbx, headers = server.get("/glossaries/news/export?format=tbx")
    assert status == 200 and tbx.startswith("<?xml") and "Kuala Lumpur" in tbx
    assert headers["content-disposition"] == 'attachment; filename="news.tbx"'
    status, csv_text, _ = server.get("/glossaries/style/export?format=csv")
    assert status == 200 and "per annum" in csv_text and "setahun" in csv_text
    assert server.get("/glossaries/nope")[:2] == (
        404,
        {"error": "glossary 'nope' is not known to this server — known: news, style"},
    )
    assert server.get("/glossaries/news/export?format=pdf")[:2] == (
        400,
        {"error": "pdf format is not supported (use tbx or csv)"},
    )


def _wait_for(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("the server did not pick up the change in time")
        time.sleep(0.2)


def test_the_folder_is_reloaded_and_a_broken_edit_keeps_the_last_good_version(
    server: Server, server_home: Path
) -> None:
    live = server_home / "desks" / "live.yaml"
    live.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: gaza\n    type: place\n    terms: {en: Gaza, zz: Ghazzah}\n",
        encoding="utf-8",
    )
    _wait_for(lambda: "live" in [g["name"] for g in server.get("/glossaries")[1]])

    def war_in_live() -> str:
        status, body, _ = server.post_json("/translate", {"q": WAR, "source": "en", "target": "zz", "glossary": "live"})
        assert status == 200, body
        return str(body["translatedText"])

    assert "Ghazzah" in war_in_live()
    live.write_text("version: 1\nentries:\n  - id: [broken\n", encoding="utf-8")
    _wait_for(lambda: next(g for g in server.get("/glossaries")[1] if g["name"] == "live")["error"])
    assert "Ghazzah" in war_in_live()  # the last good version still serves
    warnings = [
        json.loads(line) for line in server.log().splitlines() if line.startswith("{") and '"level": "warning"' in line
    ]
    assert any("live: the edit cannot be loaded, the last good version still serves" in w["message"] for w in warnings)
    # Fixed again: the new version replaces the old one.
    live.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: gaza\n    type: place\n    terms: {en: Gaza, zz: Gazzah}\n",
        encoding="utf-8",
    )
    _wait_for(lambda: "Gazzah" in war_in_live())
    live.unlink()
    _wait_for(lambda: "live" not in [g["name"] for g in server.get("/glossaries")[1]])
