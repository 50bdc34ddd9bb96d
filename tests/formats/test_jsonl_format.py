"""JSON lines: chosen fields translated, every other byte of each record kept, one record out per record in."""

from __future__ import annotations

import json

import pytest

from dragoman.errors import InputError
from dragoman.formats import SegmentOutput, parse

RECORDS = (
    '{"id": 1, "title": "Talks end.", "text": "The new government met. It said \\u00e9 no.\\nSecond line.", "n": 1.50}\n'
    '{"id":2,"meta":{"text":"nested, not translated"},"tags":["a","b"]}\n'
    "\n"
    '{"id": 3, "text": null, "title": "Only a title."}\n'
)


def test_fields_are_segments_in_record_order() -> None:
    document = parse(RECORDS, "jsonl", "en", "archive.jsonl", {"fields": ["text", "title"]})
    assert [(s.text, s.kind) for s in document.segments] == [
        ("Talks end.", "title"),
        ("The new government met.", "text"),
        ("It said é no.", "text"),
        ("Second line.", "text"),
        ("Only a title.", "title"),
    ]
    assert document.render(document.identity_outputs(), "ms") == RECORDS


def test_records_keep_every_other_field_and_their_order() -> None:
    document = parse(RECORDS, "jsonl", "en", "archive.jsonl", {"fields": ["text", "title"]})
    out = document.render([SegmentOutput(f"<{s.text.upper()}>") for s in document.segments], "ms")
    source_lines, out_lines = RECORDS.splitlines(), out.splitlines()
    assert len(out_lines) == len(source_lines)
    for before, after in zip(source_lines, out_lines):
        if not before:
            assert after == ""
            continue
        a, b = json.loads(before), json.loads(after)
        assert list(a) == list(b)
        assert {k: v for k, v in a.items() if k not in ("text", "title") or not isinstance(v, str)} == {
            k: v for k, v in b.items() if k not in ("text", "title") or not isinstance(v, str)
        }
    first = json.loads(out_lines[0])
    assert first["text"] == "<THE NEW GOVERNMENT MET.> <IT SAID É NO.>\n<SECOND LINE.>"
    assert first["title"] == "<TALKS END.>"
    assert out_lines[0].endswith('"n": 1.50}')  # numbers spelled as they were
    assert out_lines[1] == source_lines[1]


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ('{"text": "ok"}\n[1, 2]\n', {"fields": ["text"]}, "archive.jsonl:2: is not a JSON object (not a JSON object)"),
        ('{"text": "ok", }\n', {"fields": ["text"]}, "archive.jsonl:1: is not a JSON object (expected a key)"),
        (
            '{"text": "ok"}\n',
            {},
            "archive.jsonl: no fields to translate — name them with --field, e.g. --field text,title",
        ),
    ],
)
def test_bad_records_are_one_line_with_the_line(text: str, options: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(text, "jsonl", "en", "archive.jsonl", options)
    assert str(err.value).startswith(message)
