"""Which glossary files, entry versions and model packages produced an output: for reports and memory records.

- A glossary file is named by the SHA-256 of its bytes (taken when it is loaded).
- An entry's version is a short SHA-256 of what it says (terms, variants, forbidden forms, settings), so an
  edit of one entry changes its version and no other's, whichever file or layer it came from.
- A model package is named by its package name (code), version and the SHA-256 of the archive dragoman
  installed it from (None for packages argostranslate installed: dragoman never saw their archive).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dragoman.glossary.model import SETTINGS, Entry, Glossary
from dragoman.pipeline.report import Spool

if TYPE_CHECKING:
    from dragoman.enforce.model import SegmentResult
    from dragoman.engines.base import Engine


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _output_sha256(out: Any) -> str:
    """The SHA-256 of what the output holds: its text, or (a large text translated piece by piece straight into
    its file, which is never whole in memory) the written file's bytes."""
    if not out.text and out.path is not None:
        digest = hashlib.sha256()
        try:
            with open(out.path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            return digest.hexdigest()
        except OSError:
            pass
    return text_sha256(out.text)


def entry_version(entry: Entry) -> str:
    """12 hex digits of the SHA-256 of the entry's content (its origin, i.e. file and line, does not count)."""
    content = {
        "id": entry.id,
        "terms": {code: [side.preferred, side.variants, side.forbidden] for code, side in entry.terms.items()},
        **{name: getattr(entry, name) for name in SETTINGS},
    }
    return text_sha256(json.dumps(content, ensure_ascii=False, sort_keys=True))[:12]


def glossary_files(glossary: Glossary | None) -> list[dict[str, str]]:
    """The glossary files (in layer order) with their SHA-256."""
    if glossary is None:
        return []
    return [{"path": path, "sha256": digest} for path, digest in glossary.sources]


def package_record(pkg: Any) -> dict[str, Any]:
    """An installed model package as provenance: name, version, archive SHA-256, pair."""
    return {
        "name": pkg.code,
        "version": pkg.package_version,
        "sha256": pkg.archive_sha256,
        "pair": f"{pkg.from_code}->{pkg.to_code}",
    }


def model_records(engine: Engine, legs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The model packages ``engine`` translates these legs with (engines without packages: none)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for leg in legs:
        if leg in seen:
            continue
        seen.add(leg)
        pkg = engine.calibration_package(*leg)
        if pkg is not None:
            out.append(package_record(pkg))
    return out


def legs_of(label: str) -> list[tuple[str, str]]:
    """The legs of a route label: 'en->ms->fa' -> [(en, ms), (ms, fa)]."""
    return list(itertools.pairwise(label.split("->")))


class EntryVersions:
    """Versions of a glossary's entries, computed when first asked (a large glossary has 100k entries)."""

    def __init__(self, glossary: Glossary | None) -> None:
        self.glossary = glossary
        self._versions: dict[str, str] = {}

    def records(self, ids: Iterable[str]) -> list[dict[str, str]]:
        """[{"id", "version", "file"}] for these ids, in first-seen order, each once."""
        out = []
        for entry_id in dict.fromkeys(ids):
            entry = self.glossary.get(entry_id) if self.glossary is not None else None
            if entry is None:
                continue
            version = self._versions.get(entry_id)
            if version is None:
                version = self._versions[entry_id] = entry_version(entry)
            out.append({"id": entry_id, "version": version, "file": entry.origin.path or ""})
        return out


def ids_of_results(results: Iterable[SegmentResult]) -> list[str]:
    """The entry ids that segment results have occurrences of, in order."""
    return [occ.entry_id for result in results for occ in result.occurrences if occ.entry_id]


class RecordProvenance:
    """What a translation memory record of one route carries: glossary files, models, and the entries used.

    Set on the memory (``TranslationMemory.provenance``) by the pipeline before a route is translated; the
    memory asks it for each record it writes.
    """

    def __init__(self, glossary: Glossary | None, versions: EntryVersions, engine: Engine, label: str) -> None:
        self.versions = versions
        self.base = {
            "glossaries": glossary_files(glossary),
            # The engine signature of each leg (a pivot route has two): engine, model and decoding settings.
            "signatures": [engine.signature(*leg) for leg in legs_of(label)],
            "models": model_records(engine, legs_of(label)),
        }

    def record(self, metadata: Mapping[str, Any] | None) -> dict[str, Any]:
        ids = [str(o.get("entry_id")) for o in (metadata or {}).get("occurrences", []) if o.get("entry_id")]
        return {**self.base, "entries": self.versions.records(ids)}


def run_provenance(
    glossary: Glossary | None,
    versions: EntryVersions,
    engine: Engine,
    routes: Mapping[str, str],
    outputs: Sequence[Any],
) -> dict[str, Any]:
    """The report's ``provenance``: glossary files, entries used, model packages, and per output the entries it
    used and the SHA-256 of its text (what a later run compares with)."""
    per_output = []
    all_ids: list[str] = []
    for out in outputs:
        ids = ids_of_results(out.results)
        all_ids.extend(ids)
        per_output.append(
            {
                "input": out.input,
                "target": out.target,
                "output": str(out.path) if out.path else None,
                "sha256": _output_sha256(out),
                "entries": {r["id"]: r["version"] for r in versions.records(ids)},
            }
        )
    legs = [leg for label in routes.values() for leg in legs_of(label)]
    return {
        "glossaries": glossary_files(glossary),
        "entries": versions.records(all_ids),
        "models": model_records(engine, legs),
        "outputs": per_output,
    }


def changes_since(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Outputs whose text changed since ``previous`` (an earlier report's provenance), each with the entries
    that changed between the two runs (version differs, or used by one run only) and the glossary files
    whose bytes changed."""
    before = {(o.get("input"), o.get("target")): o for o in previous.get("outputs", []) if isinstance(o, dict)}
    old_files = {g.get("path"): g.get("sha256") for g in previous.get("glossaries", []) if isinstance(g, dict)}
    old_models = {m.get("pair"): m for m in previous.get("models", []) if isinstance(m, dict)}
    return list(_changes(lambda key: before.get(key), old_files, old_models, current))


def _changes(
    earlier: Callable[[tuple[Any, Any]], Mapping[str, Any] | None],
    old_files: Mapping[Any, Any],
    old_models: Mapping[Any, Any],
    current: Mapping[str, Any],
) -> Iterator[dict[str, Any]]:
    """:func:`changes_since`, one change at a time; ``earlier`` gives the earlier run's output of an (input,
    target), if it had one (its ``sha256`` and ``entries``)."""
    changed_models = [m["name"] for m in current.get("models", []) if old_models.get(m["pair"], m) != m]
    changed_files = [
        g["path"] for g in current.get("glossaries", []) if old_files.get(g["path"]) not in (None, g["sha256"])
    ]
    for now in current.get("outputs", []):
        then = earlier((now["input"], now["target"]))
        if then is None or then.get("sha256") == now["sha256"]:
            continue
        old_entries: dict[str, str] = then.get("entries") or {}
        new_entries: dict[str, str] = now["entries"]
        entries = [
            {"id": entry_id, "before": old_entries.get(entry_id), "after": new_entries.get(entry_id)}
            for entry_id in dict.fromkeys([*new_entries, *old_entries])
            if old_entries.get(entry_id) != new_entries.get(entry_id)
        ]
        yield {
            "input": now["input"],
            "target": now["target"],
            "output": now["output"],
            "entries": entries,
            "glossaries": list(changed_files),
            "models": list(changed_models),
        }


def changes_since_report(path: str | os.PathLike[str], report: Mapping[str, Any]) -> Spool | None:
    """:func:`changes_since` the report at ``path`` (an earlier run's), or None when there is none to read (no
    file, not JSON, truncated, no ``provenance`` object).

    Memory stays flat in the size of both reports (an archive's lists 20,000 outputs: ~18 MB of JSON that
    ``json.loads`` made ~50 MB of objects): the earlier report is read as a stream of JSON events (ijson) and of
    its outputs only what the comparison needs goes to a temporary SQLite table on disk; the current outputs are
    read one at a time (a windowed run's come back from disk) and the changes go to a :class:`Spool`, iterated
    (for the notes) and written into the report (:func:`report.dump_json`) an item at a time.
    """
    from dragoman.jsonstream import read_events

    try:
        earlier = read_events(path, _EarlierReport.read, use_float=True)
    except (OSError, ValueError):
        return None
    if earlier is None:
        return None
    try:
        spool = Spool()
        for change in _changes(earlier.output, earlier.glossaries, earlier.models, report["provenance"]):
            spool.append(change)
        return spool
    finally:
        earlier.close()


class _EarlierReport:
    """What :func:`changes_since_report` keeps of an earlier report: its glossary files and model packages (a few,
    in memory) and per output (input, target) its text's SHA-256 and entries (in a temporary SQLite database)."""

    # ijson events that open a container and that close one
    _OPEN = frozenset({"start_map", "start_array"})
    _CLOSE = frozenset({"end_map", "end_array"})
    _LISTS = ("outputs", "glossaries", "models")

    def __init__(self) -> None:
        import sqlite3

        self.glossaries: dict[Any, Any] = {}
        self.models: dict[Any, Any] = {}
        self._db = sqlite3.connect("")  # "": a private database in a temporary file, deleted on close
        self._db.execute("CREATE TABLE outputs (key TEXT PRIMARY KEY, sha256 TEXT, entries TEXT) WITHOUT ROWID")

    @classmethod
    def read(cls, events: Iterator[tuple[str, str, Any]]) -> _EarlierReport | None:
        """What an earlier report's events say; None when it has no ``provenance`` object."""
        earlier = cls()
        try:
            if earlier.load(events):
                return earlier
        except BaseException:
            earlier.close()
            raise
        earlier.close()
        return None

    def load(self, events: Iterator[tuple[str, str, Any]]) -> bool:
        """Read the report's events to the end (a truncated file raises); whether it had a ``provenance`` object.
        As json.loads keeps the last of repeated keys, a repeated ``provenance`` or list starts it over."""
        import ijson

        if next(events) != ("", "start_map", None):
            for _ in events:  # the rest must still parse (not JSON at all: the caller's error)
                pass
            return False
        found = False
        arrays: set[str] = set()  # the provenance's lists whose (last) value is a JSON array
        for prefix, event, value in events:
            if prefix == "provenance":
                if event == "map_key":
                    if value in self._LISTS:
                        self._reset(value)
                        arrays.discard(value)
                        if next(events)[1] == "start_array":  # the value starts (its prefix is one longer)
                            arrays.add(value)
                elif event not in self._CLOSE:  # a "provenance" value starts: only an object is one
                    found = event == "start_map"
                    arrays.clear()
                    for name in self._LISTS:
                        self._reset(name)
                continue
            if event != "start_map" or not prefix.startswith("provenance.") or not prefix.endswith(".item"):
                continue
            name = prefix[len("provenance.") : -len(".item")]
            if name not in arrays:
                continue
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
            depth = 1
            while depth:
                prefix, event, value = next(events)
                builder.event(event, value)
                depth += (event in self._OPEN) - (event in self._CLOSE)
            self._keep(name, builder.value)
        self._db.commit()
        return found

    def _reset(self, name: str) -> None:
        if name == "outputs":
            self._db.execute("DELETE FROM outputs")
        elif name == "glossaries":
            self.glossaries = {}
        else:
            self.models = {}

    def _keep(self, name: str, item: dict[str, Any]) -> None:
        if name == "outputs":
            # As JSON with ASCII escapes: a name that is not UTF-8 (lone surrogates) is stored and found again.
            key = json.dumps([item.get("input"), item.get("target")])
            values = (key, json.dumps(item.get("sha256")), json.dumps(item.get("entries")))
            self._db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)", values)
        elif name == "glossaries":
            self.glossaries[item.get("path")] = item.get("sha256")
        else:
            self.models[item.get("pair")] = item

    def output(self, key: tuple[Any, Any]) -> dict[str, Any] | None:
        """The earlier run's output of this (input, target): its ``sha256`` and ``entries``; None if it had none."""
        row = self._db.execute("SELECT sha256, entries FROM outputs WHERE key = ?", (json.dumps(list(key)),)).fetchone()
        if row is None:
            return None
        return {"sha256": json.loads(row[0]), "entries": json.loads(row[1])}

    def close(self) -> None:
        self._db.close()


def describe_change(change: Mapping[str, Any]) -> str:
    """One line for stderr: which output changed and because of which entries."""
    name = change["output"] or change["input"]
    causes = []
    for entry in change["entries"]:
        if entry["before"] is None:
            causes.append(f"{entry['id']} (now used)")
        elif entry["after"] is None:
            causes.append(f"{entry['id']} (no longer used)")
        else:
            causes.append(f"{entry['id']} (edited)")
    if change["models"]:
        causes.append("model " + ", ".join(change["models"]))
    why = "because of " + ", ".join(causes) if causes else "no glossary entry it uses changed"
    return f"{name} ({change['target']}) changed since the last report, {why}"
