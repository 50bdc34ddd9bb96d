"""Seed a glossary from CLDR (via Babel): territory, city and language names; re-seeding keeps user edits."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from dragoman.errors import DragomanError, LanguageError
from dragoman.glossary.match import fold_case, resolve_case
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.glossary.normalize import normalize_term
from dragoman.glossary.schema import id_slug
from dragoman.languages import validate_code

SOURCE = "cldr"
WHAT = ("territories", "cities", "languages")

# Codes CLDR lists among territory names that are not places a news glossary wants:
# unknown region, pseudo-locales, "Outlying Oceania", "Eurozone".
_SKIP_TERRITORIES = frozenset({"ZZ", "XA", "XB", "QO", "EZ"})
# Territory codes that name organisations rather than places.
_ORGANIZATION_TERRITORIES = frozenset({"EU", "UN"})
# The fingerprint of what seed wrote, kept in the entry's note so that a later run can tell
# an entry the user edited (fingerprint no longer matches) from one it may update.
_FINGERPRINT_RE = re.compile(r"\[seed:([0-9a-f]{12})\]")


def require_babel() -> ModuleType:
    """Import Babel or say how to install it (it is the optional `cldr` extra)."""
    try:
        import babel
    except ModuleNotFoundError:
        raise DragomanError(
            "CLDR seeding needs Babel, which is not installed",
            "install it with: pip install 'dragoman[cldr]'",
        ) from None
    return babel


def cldr_version() -> str:
    """'CLDR 47 via Babel 2.17.0' (the data the entries come from)."""
    babel = require_babel()
    from babel.core import get_cldr_version

    return f"CLDR {get_cldr_version()} via Babel {babel.__version__}"


@dataclass
class SeedItem:
    """One CLDR concept before it becomes an entry."""

    entry_id: str
    type: str
    names: dict[str, str]  # lang -> name; langs CLDR has no name for are absent
    code: str  # the CLDR key: territory code, time-zone id, language code


def _locale(lang: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise LanguageError(
            f"CLDR has no locale data for {lang!r}", "pick languages CLDR covers, e.g. en, ms, fa"
        ) from None


def cldr_items(langs: Sequence[str], what: Sequence[str] = WHAT) -> list[SeedItem]:
    """The CLDR names of territories, exemplar cities and languages in each of ``langs``."""
    require_babel()
    for lang in langs:
        validate_code(lang)
    unknown = [w for w in what if w not in WHAT]
    if unknown:
        raise DragomanError(f"unknown seed set {unknown[0]!r}", f"choose from: {', '.join(WHAT)}")
    locales = {lang: _locale(lang) for lang in langs}
    english = _locale("en")
    items: list[SeedItem] = []
    if "territories" in what:
        for code in sorted(english.territories):
            if not (len(code) == 2 and code.isalpha()) or code in _SKIP_TERRITORIES:
                continue  # numeric codes are continents and UN M.49 regions
            names = {lang: loc.territories[code] for lang, loc in locales.items() if code in loc.territories}
            kind = "organization" if code in _ORGANIZATION_TERRITORIES else "place"
            items.append(SeedItem(f"cldr-territory-{code.lower()}", kind, names, code))
    if "cities" in what:
        from babel.core import get_global
        from babel.dates import get_timezone_location

        for zone in sorted(get_global("zone_territories")):
            if zone.startswith("Etc/"):
                continue
            names = {lang: get_timezone_location(zone, locale=loc, return_city=True) for lang, loc in locales.items()}
            items.append(SeedItem(f"cldr-city-{id_slug(zone)}", "place", names, zone))
    if "languages" in what:
        for code in sorted(english.languages):
            # ISO 639-1 codes only: the full list (600+) is mostly languages news never names.
            if not (len(code) == 2 and code.isalpha()):
                continue
            names = {lang: loc.languages[code] for lang, loc in locales.items() if code in loc.languages}
            items.append(SeedItem(f"cldr-language-{code}", "term", names, code))
    return [item for item in items if item.names]


def fingerprint(entry: Entry) -> str:
    """A short hash of an entry's content (terms per language, type, flags)."""
    data = {
        "type": entry.type,
        "dnt": entry.dnt,
        "case": entry.case,
        "terms": {
            lang: [side.preferred, list(side.variants), list(side.forbidden)]
            for lang, side in sorted(entry.terms.items())
        },
    }
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:12]


def recorded_fingerprint(entry: Entry) -> str | None:
    """The fingerprint seed wrote into the entry's note, if it is still there."""
    match = _FINGERPRINT_RE.search(entry.note or "")
    return match.group(1) if match else None


def item_entry(item: SeedItem, version: str) -> Entry:
    entry = Entry(
        id=item.entry_id,
        terms={lang: LangTerms(preferred=name) for lang, name in item.names.items()},
        type=item.type,
        source=SOURCE,
    )
    entry.note = f"{version}, {item.code} [seed:{fingerprint(entry)}]"
    return entry


@dataclass
class SeedPlan:
    """What a seed run does to a glossary: entries to add, to update, and ones it leaves alone (and why)."""

    add: list[Entry] = field(default_factory=list)
    update: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)  # the user changed them since the last seed
    kept_duplicate: list[tuple[str, str]] = field(default_factory=list)  # (seed id, existing id with the same name)

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.add),
            "updated": len(self.update),
            "unchanged": len(self.unchanged),
            "kept_edited": len(self.kept_edited),
            "kept_duplicate": len(self.kept_duplicate),
        }


def plan_seed(existing: Glossary | None, items: Sequence[SeedItem], version: str, key_lang: str = "en") -> SeedPlan:
    """Decide, item by item, whether seeding adds, updates or keeps.

    An entry seed wrote and nobody touched (its fingerprint matches) is updated to the current
    CLDR names; an entry the user edited, or one not from CLDR, is kept as it is. A concept the
    glossary already has under another id (same ``key_lang`` term) is not added again.
    """
    plan = SeedPlan()
    known: dict[str, str] = {}
    if existing is not None:
        for entry in existing:
            for form in entry.source_forms(key_lang):
                known.setdefault(_key(form, entry.case), entry.id)
    for item in items:
        new = item_entry(item, version)
        old = existing.get(item.entry_id) if existing is not None else None
        if old is None:
            name = item.names.get(key_lang)
            twin = known.get(_key(name, "smart")) if name else None
            if twin is not None and twin != item.entry_id:
                plan.kept_duplicate.append((item.entry_id, twin))
            else:
                plan.add.append(new)
                if name:
                    known.setdefault(_key(name, "smart"), item.entry_id)
            continue
        if old.source != SOURCE or recorded_fingerprint(old) != fingerprint(old):
            plan.kept_edited.append(old.id)
        elif fingerprint(old) == fingerprint(new):
            plan.unchanged.append(old.id)
        else:
            new.status = old.status
            plan.update.append(new)
    return plan


def _key(form: str, case: str) -> str:
    key = normalize_term(form)
    return key if resolve_case(key, case) else fold_case(key)


def apply_seed(path: str | Path, plan: SeedPlan, langs: Sequence[str]) -> None:
    """Write the plan into ``path`` through the round-trip editor (created when missing; comments kept)."""
    from dragoman.glossary.editor import GlossaryEditor, create_glossary

    target = Path(path)
    if not target.exists():
        create_glossary(target, list(langs))
    with GlossaryEditor(target) as editor:
        for entry in plan.add:
            editor.add_entry(entry)
        for entry in plan.update:
            editor.add_entry(entry, replace=True)


def seed_glossary(
    path: str | Path, langs: Sequence[str], what: Sequence[str] = WHAT, *, dry_run: bool = False
) -> SeedPlan:
    """Seed ``path`` (new or existing) with CLDR names in ``langs``; returns what was done."""
    from dragoman.glossary.yamlio import load_glossary

    target = Path(path)
    existing = load_glossary(target) if target.exists() else None
    key_lang = "en" if "en" in langs else langs[0]
    plan = plan_seed(existing, cldr_items(langs, what), cldr_version(), key_lang)
    if not dry_run and (plan.add or plan.update or existing is None):
        apply_seed(target, plan, langs)
    return plan
