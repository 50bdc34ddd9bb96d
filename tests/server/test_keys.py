"""API keys: a file of hashes made by `dragoman serve --new-key`, required on every API request when given, with
per-key request-rate and character limits; the server's own --char-limit and --batch-limit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.server import Server, running_server

from dragoman.cli import cli
from dragoman.server.keys import KeyFileError, KeyRing, hash_key, load_keys

WAR = "The war killed 1,250 people in Gaza last year."


def new_key(path: Path, name: str, *limits: str) -> str:
    result = CliRunner().invoke(cli, ["serve", "--api-keys", str(path), "--new-key", name, *limits])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert result.stderr.strip() == f"added key {name!r} to {path} (only its hash is stored; keep the key above)"
    return key


@pytest.fixture(scope="module")
def keys(server_home: Path) -> dict[str, str]:
    path = server_home / "keys.yaml"
    return {
        "desk": new_key(path, "desk"),
        "tight": new_key(path, "tight", "--key-req-limit", "3", "--key-char-limit", "60"),
    }


@pytest.fixture(scope="module")
def keyed_server(server_home: Path, keys: dict[str, str]) -> Iterator[Server]:
    args = ["--api-keys", str(server_home / "keys.yaml"), "--char-limit", "500", "--batch-limit", "3"]
    with running_server(server_home, *args) as srv:
        yield srv


def test_the_key_file_holds_hashes_only(server_home: Path, keys: dict[str, str]) -> None:
    text = (server_home / "keys.yaml").read_text(encoding="utf-8")
    assert keys["desk"] not in text and hash_key(keys["desk"]) in text
    loaded = load_keys(server_home / "keys.yaml")
    assert [(k.name, k.req_limit, k.char_limit) for k in loaded] == [("desk", -1, -1), ("tight", 3, 60)]
    ring = KeyRing(loaded)
    assert ring.lookup(keys["tight"]).name == "tight"  # type: ignore[union-attr]
    assert ring.lookup(keys["tight"] + "x") is None


def test_a_key_name_is_used_once_and_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    new_key(path, "desk")
    again = CliRunner().invoke(cli, ["serve", "--api-keys", str(path), "--new-key", "desk"])
    assert again.exit_code == 1
    assert (
        again.stderr.strip()
        == f"Error: {path}: a key named 'desk' exists already — choose another name or remove that key"
    )
    path.write_text("keys:\n  - name: x\n    sha256: nothex\n", encoding="utf-8")
    with pytest.raises(KeyFileError, match="key 1: 'sha256' is not a hex digest"):
        load_keys(path)


def test_libretranslatepy_with_a_key_and_deep_translator_with_a_wrong_one(
    keyed_server: Server, keys: dict[str, str]
) -> None:
    from deep_translator import LibreTranslator
    from deep_translator.exceptions import AuthorizationException
    from libretranslatepy import LibreTranslateAPI

    assert LibreTranslateAPI(keyed_server.url, api_key=keys["desk"]).translate(WAR, "en", "zz").startswith("Perang")
    with pytest.raises(AuthorizationException):
        LibreTranslator(source="en", target="id", api_key="not-a-key", custom_url=keyed_server.url + "/").translate(WAR)


def test_missing_and_wrong_keys(keyed_server: Server, keys: dict[str, str]) -> None:
    body = {"q": WAR, "source": "en", "target": "zz"}
    assert keyed_server.post_json("/translate", body)[:2] == (
        400,
        {"error": "Please contact the server operator to get an API key"},
    )
    assert keyed_server.post_json("/translate", {**body, "api_key": "wrong"})[:2] == (403, {"error": "Invalid API key"})
    assert keyed_server.post_json("/detect", {"q": WAR, "api_key": 7})[:2] == (403, {"error": "Invalid API key"})
    assert keyed_server.get("/languages")[0] == 200  # as LibreTranslate: the list needs no key
    status, settings, _ = keyed_server.get("/frontend/settings")
    assert status == 200
    assert settings["apiKeys"] is True and settings["keyRequired"] is True and settings["charLimit"] == 500


def test_limits_of_the_server_and_of_a_key(keyed_server: Server, keys: dict[str, str]) -> None:
    desk, tight = keys["desk"], keys["tight"]
    long_text = "a" * 501
    assert keyed_server.post_json("/translate", {"q": long_text, "source": "en", "target": "zz", "api_key": desk})[
        :2
    ] == (400, {"error": "Invalid request: request (501) exceeds text limit (500)"})
    assert keyed_server.post_json("/translate", {"q": ["a"] * 4, "source": "en", "target": "zz", "api_key": desk})[
        :2
    ] == (400, {"error": "Invalid request: request (4) exceeds text limit (3)"})
    # The tight key: 60 characters a request, 3 requests a minute.
    assert keyed_server.post_json(
        "/translate", {"q": WAR + " " + WAR, "source": "en", "target": "zz", "api_key": tight}
    )[:2] == (400, {"error": "Invalid request: request (93) exceeds text limit (60)"})
    for _ in range(2):
        assert (
            keyed_server.post_json("/translate", {"q": WAR, "source": "en", "target": "zz", "api_key": tight})[0] == 200
        )
    status, body, headers = keyed_server.post_json(
        "/translate", {"q": WAR, "source": "en", "target": "zz", "api_key": tight}
    )
    assert (status, body) == (429, {"error": "Slowdown: 3 per 1 minute"})
    assert 1 <= int(headers["retry-after"]) <= 60
    # Another key is not slowed down by it.
    assert keyed_server.post_json("/translate", {"q": WAR, "source": "en", "target": "zz", "api_key": desk})[0] == 200


def test_translate_file_needs_a_key_and_the_character_limit_counts_the_file_s_text(
    keyed_server: Server, keys: dict[str, str]
) -> None:
    import requests

    def upload(text: str, **key: str) -> tuple[int, dict[str, str]]:
        response = requests.post(
            keyed_server.url + "/translate_file",
            data={"source": "en", "target": "zz", **key},
            files={"file": ("story.srt", f"1\n00:00:01,000 --> 00:00:03,000\n{text}\n".encode())},
            timeout=60,
        )
        return response.status_code, response.json()

    assert upload(WAR) == (400, {"error": "Please contact the server operator to get an API key"})
    assert upload(WAR, api_key="wrong") == (403, {"error": "Invalid API key"})
    assert upload(WAR, api_key=keys["desk"])[0] == 200
    # --char-limit 500: the cue's sentences count (what the model reads), not the number and timing line around it.
    long_cue = " ".join([WAR] * 11)
    status, body = upload(long_cue, api_key=keys["desk"])
    assert status == 400
    counted = re.fullmatch(r"Invalid request: request \((\d+)\) exceeds text limit \(500\)", body["error"])
    assert counted is not None and 500 < int(counted.group(1)) <= len(long_cue)
