"""The schema facts (what an id looks like, how one is made) live in glossary/schema.py and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

import dragoman
from dragoman.glossary.schema import ID_PATTERN, id_from_terms, id_slug, is_valid_id, unique_id

PACKAGE = Path(dragoman.__file__).resolve().parent
# The shapes an id rule takes in a regular expression: the pattern itself, and the "not an id character" class.
ID_RULES = (ID_PATTERN, "[^a-z0-9]", "^[a-z0-9]")


def test_no_module_but_schema_spells_an_id_rule() -> None:
    spelled = [
        f"{path.relative_to(PACKAGE)}: {rule}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "schema.py"
        for rule in ID_RULES
        if rule in path.read_text(encoding="utf-8")
    ]
    assert spelled == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Masoud Pezeshkian", "masoud-pezeshkian"),
        ("Kuala Lumpur", "kuala-lumpur"),
        ("America/Sao_Paulo", "america-sao-paulo"),  # a CLDR time zone: glossary seed's city ids
        ("Bogotá", "bogota"),
        ("تهران", ""),
    ],
)
def test_ids_are_made_one_way(text: str, slug: str) -> None:
    assert id_slug(text) == slug
    assert slug == "" or is_valid_id(slug)


def test_id_from_terms_and_unique_id() -> None:
    assert id_from_terms([("fa", "تهران"), ("en", "Tehran")]) == "tehran"
    assert id_from_terms([("fa", "تهران")]) is None
    assert unique_id("tehran", {"tehran", "tehran-2"}) == "tehran-3"
