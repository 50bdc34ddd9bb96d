"""`dragoman glossary lint --fix`: apply the safe normalisations to a YAML glossary in place, term by term."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path
from typing import Any

from dragoman.errors import GlossaryError
from dragoman.glossary.termfix import auto_fixable, fixed_form
from dragoman.glossary.yamlwalk import TermRef, read_glossary_text, walk

_PLAIN_RE = re.compile(r"""^[^\s\-?:,\[\]{}#&*!|>'"%@`][^\n]*$""")
_RESERVED = frozenset(["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"])


def _scalar(value: str, ref: TermRef) -> str | None:
    """``value`` written in the style of the scalar it replaces (None: a block scalar, left for a person)."""
    if ref.style in ("|", ">"):
        return None
    if ref.style == "'":
        return "'" + value.replace("'", "''") + "'"
    plain_ok = (
        ref.style == ""
        and _PLAIN_RE.match(value) is not None
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
        and value.lower() not in _RESERVED
        and not (ref.flow and any(c in value for c in ",[]{}"))
    )
    return value if plain_ok else json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def fix_glossary(path: str | Path) -> list[dict[str, Any]]:
    """Apply the safe fixes (NFC, trimming, single spaces, Persian letters in fa) in place.

    Only the characters of each fixed term change (same quoting style where possible): comments,
    order, layout, CRLF and a BOM survive byte for byte. The new text is validated with the loader,
    then written atomically under the editors' file lock, and only when something changed. A fix
    that would make a form equal to another of the same language side is left for a person.
    Returns what changed: [{entry, lang, kind, before, after, line}]. Raises GlossaryError when the
    file does not load (fix the errors first).
    """
    from dragoman.fsutil import atomic_write_text, file_lock
    from dragoman.glossary.yamlio import load_glossary_text

    name = str(path)
    data = Path(path).read_bytes() if Path(path).is_file() else b""
    text, load_error = read_glossary_text(path)
    if load_error is not None:
        raise GlossaryError(
            load_error.message,
            load_error.path,
            load_error.line,
            load_error.column,
            hint="fix this first; --fix only applies safe normalisations to a valid glossary",
        )
    gc_was_enabled = gc.isenabled()
    gc.disable()  # see lint_glossary
    try:
        _declared, _has, entries = walk(text)
    finally:
        if gc_was_enabled:
            gc.enable()
    edits: list[tuple[int, int, str]] = []
    changes: list[dict[str, Any]] = []
    for info in entries:
        current: dict[str, set[str]] = {}
        for ref in info.terms:
            current.setdefault(ref.lang, set()).add(ref.text)
        for ref in info.terms:
            if not auto_fixable(info, ref):
                continue
            after = fixed_form(ref)
            written = _scalar(after, ref)
            if written is None or after in current[ref.lang]:
                continue
            current[ref.lang].add(after)
            edits.append((ref.start, ref.end, written))
            changes.append(
                {
                    "entry": info.id,
                    "lang": ref.lang,
                    "kind": ref.kind,
                    "before": ref.text,
                    "after": after,
                    "line": ref.line,
                }
            )
    if not edits:
        return []  # nothing to do: do not take the lock or touch the file
    pieces = []
    position = 0
    for start, end, written in sorted(edits):
        pieces.append(text[position:start])
        pieces.append(written)
        position = end
    pieces.append(text[position:])
    new_text = "".join(pieces)
    load_glossary_text(new_text, name)  # never write a glossary that does not load
    with file_lock(path):
        if Path(path).read_bytes() != data:
            raise GlossaryError(
                "the file changed while it was being fixed",
                name,
                hint="run 'dragoman glossary lint --fix' again",
            )
        atomic_write_text(
            path,
            new_text,
            encoding="utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8",
        )
    return changes
