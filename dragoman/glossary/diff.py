"""What changed between two versions of a glossary, per entry, language and field (`dragoman glossary diff`)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dragoman.errors import GlossaryError
from dragoman.glossary.fields import entry_changes
from dragoman.glossary.model import Entry, FieldChange, Glossary, show_value


@dataclass
class GlossaryDiff:
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}

    def lines(self) -> list[str]:
        """One line per added or removed entry and per changed field, in entry order."""
        out = [f"+ {e.id}: {_terms(e)}" for e in self.added]
        out += [f"- {e.id}: {_terms(e)}" for e in self.removed]
        for entry_id, changes in self.changed:
            out += [f"~ {entry_id}: {change}" for change in changes]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.counts(),
            "added": [_entry_dict(e) for e in self.added],
            "removed": [_entry_dict(e) for e in self.removed],
            "changed": [
                {"id": entry_id, "changes": [c.to_dict() for c in changes]} for entry_id, changes in self.changed
            ],
        }


def _terms(entry: Entry) -> str:
    return ", ".join(f"{code} {show_value(side.preferred, '(no term)')}" for code, side in entry.terms.items())


def _entry_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "terms": {
            code: {"term": side.preferred, "variants": list(side.variants), "forbidden": list(side.forbidden)}
            for code, side in entry.terms.items()
        },
    }


def diff_glossaries(old: Glossary, new: Glossary) -> GlossaryDiff:
    """Entries only in ``new`` (added, in its order), only in ``old`` (removed), and in both with changes."""
    result = GlossaryDiff()
    for entry in new:
        before = old.get(entry.id)
        if before is None:
            result.added.append(entry)
            continue
        changes = entry_changes(before, entry)
        if changes:
            result.changed.append((entry.id, changes))
    result.removed = [entry for entry in old if entry.id not in new]
    return result


def load_revision(path: str | Path, rev: str) -> Glossary:
    """The glossary ``path`` as it was at git revision ``rev`` (read with `git show`, parsed like the file)."""
    from dragoman.glossary.interchange import get_format, guess_format
    from dragoman.glossary.yamlio import load_glossary_bytes

    file = Path(path)
    folder = file.parent if str(file.parent) else Path(".")
    name = f"{path}@{rev}"
    if not folder.is_dir():
        raise GlossaryError("folder not found", str(folder), hint="give the path of a glossary in a git work tree")
    try:
        shown = subprocess.run(
            ["git", "show", f"{rev}:./{file.name}"], cwd=folder, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise GlossaryError(
            "git is not installed", str(path), hint="install git, or compare two files: OLD NEW"
        ) from None
    except subprocess.TimeoutExpired:
        raise GlossaryError(f"git show {rev} took too long", str(path), hint="try again") from None
    if shown.returncode != 0:
        problem = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        first = problem[0].removeprefix("fatal: ") if problem else f"git exited with status {shown.returncode}"
        if "not a git repository" in first:
            raise GlossaryError(
                "not in a git repository",
                str(path),
                hint="--rev needs a file in a git work tree; compare two files: OLD NEW",
            )
        raise GlossaryError(
            f"cannot read revision {rev!r}: {first}", str(path), hint="check the revision with 'git log -- FILE'"
        )
    fmt = guess_format(file)
    if fmt is None:
        return load_glossary_bytes(shown.stdout, name)
    return get_format(fmt).read(shown.stdout, name, source=None, target=None)
