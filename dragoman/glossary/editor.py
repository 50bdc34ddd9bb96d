"""Edit a YAML glossary in place (ruamel.yaml round trip): comments, key order and untouched entries survive."""

from __future__ import annotations

import io
from pathlib import Path
from types import TracebackType
from typing import Any

from dragoman.errors import GlossaryError
from dragoman.fsutil import atomic_write_text, file_lock
from dragoman.glossary.model import (
    CASE_MODES,
    ENTRY_TYPES,
    FORMAT_VERSION,
    STATUSES,
    Entry,
    Glossary,
)
from dragoman.glossary.yamlio import (
    Layout,
    _FlowList,
    decode_glossary_bytes,
    entry_to_data,
    load_glossary,
    load_glossary_layout,
    load_glossary_text,
)
from dragoman.languages import validate_code

# Indentation layouts tried, most common first; the first one that reproduces the file
# byte for byte is kept, so that untouched lines do not move.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 6, 4), (4, 4, 2), (4, 4, 0), (2, 4, 0), (3, 5, 3), (4, 6, 2))


def new_glossary_text(languages: list[str], name: str | None = None, description: str | None = None) -> str:
    """The text of a new, empty glossary."""
    lines = ["# dragoman glossary — format: docs/glossary-format.md", f"version: {FORMAT_VERSION}"]
    if name:
        lines.append(f"name: {_quote(name)}")
    if description:
        lines.append(f"description: {_quote(description)}")
    lines.append(f"languages: [{', '.join(languages)}]")
    lines.append("entries: []")
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def create_glossary(
    path: str | Path, languages: list[str], name: str | None = None, description: str | None = None
) -> None:
    """Create a new, empty glossary file; refuses to overwrite an existing one."""
    if not languages:
        raise GlossaryError("a glossary needs at least one language", str(path), hint="pass --langs en,ms,fa")
    seen: list[str] = []
    for code in languages:
        validate_code(code)
        if code not in seen:
            seen.append(code)
    target = Path(path)
    if target.exists():
        raise GlossaryError(
            "already exists", str(path), hint="choose another file name, or edit it with 'dragoman glossary add'"
        )
    text = new_glossary_text(seen, name, description)
    load_glossary_text(text, str(path))
    atomic_write_text(target, text, overwrite=False)


class GlossaryEditor:
    """Round-trip editor for one glossary file; use as a context manager.

    Entering takes the file lock and checks that the file is a valid glossary. Leaving without
    an exception writes the edited text atomically, after loading it back through
    :func:`load_glossary_text` (an edit never leaves an invalid glossary). An exception inside
    the block leaves the file untouched.

    Adding and removing entries works on the text itself (append lines, cut lines), which
    keeps every other byte and stays fast on 100k-entry files; changing an entry in place
    (set_status, set_field, set_terms, add with replace) goes through a ruamel.yaml round
    trip, loaded only then.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.changed = False
        self.glossary: Glossary = Glossary()
        self._lock: Any = None
        self._yaml: Any = None
        self._data: Any = None  # the ruamel tree, once an in-place edit needs it
        self._text = ""  # the current text ("\n" line ends, no BOM) while there is no tree
        self._layout: Layout = Layout()
        self._layout_stale = False
        self._ids: set[str] = set()
        # An entry being edited on its own: (entry id, first line, end line, ruamel YAML, tree of "entries: [it]")
        self._pending: tuple[str, int, int, Any, Any] | None = None
        self._original = ""
        self._bom = False
        self._crlf = False

    # -- context management

    def __enter__(self) -> GlossaryEditor:
        if not self.path.is_file():
            # Checked before taking the lock so that no NAME.lock file appears next to a typo
            # or a folder: loading raises the one-line error for a missing file or a directory.
            load_glossary(self.path)
        self._lock = file_lock(self.path)
        self._lock.__enter__()
        try:
            self._load()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None and self.changed:
                self.save()
        finally:
            self._lock.__exit__(None, None, None)

    def _load(self) -> None:
        from dragoman.glossary.files import read_glossary_file

        raw = read_glossary_file(self.path)  # bounded; a one-line GlossaryError when it cannot be read
        text = decode_glossary_bytes(raw, str(self.path))
        self._original = raw.decode("utf-8")
        self._bom = raw.startswith(b"\xef\xbb\xbf")
        # Windows line ends are written back as they were; the edits work on "\n".
        self._crlf = "\r\n" in text
        self._text = text.replace("\r\n", "\n")
        # Validates first: never edit a broken file.
        self.glossary, self._layout = load_glossary_layout(self._text, str(self.path))
        self._layout_stale = False
        self._ids = set(self.glossary.entries)

    def _fresh_layout(self) -> Layout:
        """The layout of the current text (re-read after lines were cut)."""
        self._flush()
        if self._layout_stale:
            _glossary, self._layout = load_glossary_layout(self._text, str(self.path))
            self._layout_stale = False
        return self._layout

    def _tree(self) -> Any:
        """The ruamel.yaml round-trip tree of the current text (loaded on first use)."""
        if self._data is not None:
            return self._data
        self._flush()
        from ruamel.yaml.comments import CommentedSeq

        text = self._text
        self._yaml, self._data = self._round_trip(text)
        entries = self._data.get("entries")
        if entries is None or (not entries and entries.fa.flow_style()):
            # "entries: []" would stay a flow list: [{id: ..., terms: ...}]
            seq = entries if entries is not None else CommentedSeq()
            seq.fa.set_block_style()
            self._data["entries"] = seq
        return self._data

    def _round_trip(self, text: str, exact: bool = False) -> Any:
        """(ruamel YAML, tree) of ``text`` with the indentation that reproduces it byte for byte (the first
        layout tried if none does; with ``exact``, None then)."""
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        chosen: Any = None
        for mapping, sequence, offset in _LAYOUTS:
            yaml = YAML()
            yaml.preserve_quotes = True
            yaml.width = 4096  # never re-wrap long lines
            yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
            try:
                data = yaml.load(text)
            except YAMLError as err:  # PyYAML accepted it, so this is rare (YAML 1.1 vs 1.2)
                raise GlossaryError(
                    f"cannot edit this file: {str(err).splitlines()[0]}",
                    str(self.path),
                    hint="simplify the YAML (plain block style) and try again",
                ) from None
            if _dump(yaml, data) == text:
                return (yaml, data)
            if chosen is None:
                chosen = (yaml, data)
        return None if exact else chosen

    def _flush(self) -> None:
        """Put the entry edited on its own back into the text."""
        if self._pending is None:
            return
        _entry_id, first, end, yaml, data = self._pending
        self._pending = None
        rendered = _dump(yaml, data).split("\n", 1)[1]
        lines = self._text.splitlines(keepends=True)
        self._text = "".join(lines[:first]) + rendered + "".join(lines[end:])
        self._layout_stale = True

    def _entry_alone(self, entry_id: str) -> Any:
        """The ruamel mapping of one entry, round-tripped on its own lines rather than with the whole file.

        A 20,000-entry file takes ruamel.yaml minutes to load and dump; one entry takes milliseconds. None
        where the entry cannot be cut out by lines (a flow list of entries, several entries on a line) or its
        lines do not reproduce byte for byte on their own: the caller then edits the whole tree.
        """
        if self._pending is not None:
            if self._pending[0] == entry_id:
                return self._pending[4]["entries"][0]
            self._flush()
        span = self._entry_lines(entry_id)
        if span is None:
            return None
        first, end = span
        lines = self._text.splitlines(keepends=True)
        snippet = "entries:\n" + "".join(lines[first:end])
        if not snippet.endswith("\n"):
            snippet += "\n"
        try:
            loaded = self._round_trip(snippet, exact=True)
        except GlossaryError:
            return None
        if loaded is None:
            return None
        yaml, data = loaded
        entries = data.get("entries") if hasattr(data, "get") else None
        if not entries or len(entries) != 1 or not hasattr(entries[0], "get") or entries[0].get("id") != entry_id:
            return None
        self._pending = (entry_id, first, end, yaml, data)
        return entries[0]

    def _entry_lines(self, entry_id: str) -> tuple[int, int] | None:
        """(first line, end line) of an entry that starts a line with its dash, to be round-tripped on its own."""
        span = self._entry_span(entry_id)
        if span is None or not self._text.splitlines(keepends=True)[span[0]].lstrip(" ").startswith("- "):
            return None
        return span

    def _entry_span(self, entry_id: str) -> tuple[int, int] | None:
        """(first line, end line) of an entry in the current text, the comment lines after it included; None
        where the entries cannot be told apart by lines (a flow list of entries, several entries on a line).

        The one place that finds an entry's lines: editing an entry on its own and removing it both use it."""
        layout = self._fresh_layout()
        ids = layout.ids
        if not layout.block_entries or len(layout.entry_starts) != len(ids) or entry_id not in ids:
            return None
        starts = [line for line, _column in layout.entry_starts]
        if starts != sorted(set(starts)):
            return None
        index = ids.index(entry_id)
        first = starts[index]
        if index + 1 < len(starts):
            return first, starts[index + 1]
        lines = self._text.splitlines(keepends=True)
        dash_column = layout.entry_starts[index][1] - 2
        end = first + 1
        while end < len(lines):
            line = lines[end]
            stripped = line.strip()
            indent = len(line) - len(line.lstrip(" "))
            if (
                stripped
                and not stripped.startswith("#")
                and indent <= max(dash_column, 0)
                and not line.lstrip(" ").startswith("- ")
            ):
                break  # the next top-level key after the entries
            end += 1
        return first, end

    def _body(self) -> str:
        """The current text with "\n" line ends and no BOM."""
        self._flush()
        return _dump(self._yaml, self._data) if self._data is not None else self._text

    def _to_text_mode(self) -> None:
        """Leave the ruamel tree (after in-place edits) to edit lines again."""
        self._flush()
        if self._data is not None:
            self._text = _dump(self._yaml, self._data)
            self._data = None
            self._layout_stale = True

    # -- queries

    @property
    def text(self) -> str:
        """The glossary's text as it would be written now."""
        text = self._body()
        if self._crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" + text) if self._bom else text

    def has(self, entry_id: str) -> bool:
        return entry_id in self._ids

    def _find(self, entry_id: str) -> int | None:
        for index, item in enumerate(self._tree()["entries"]):
            if hasattr(item, "get") and item.get("id") == entry_id:
                return index
        return None

    def _require(self, entry_id: str) -> Any:
        """The ruamel mapping of an entry (for in-place edits)."""
        if entry_id not in self._ids:
            raise GlossaryError(
                f"no entry with id {entry_id!r}", str(self.path), hint="see the ids with 'dragoman glossary list'"
            )
        if self._data is None:
            alone = self._entry_alone(entry_id)
            if alone is not None:
                return alone
        index = self._find(entry_id)
        assert index is not None  # _ids mirrors the entries
        return self._tree()["entries"][index]

    def _check_languages(self, codes: list[str]) -> None:
        declared = self._layout.declared_languages
        if declared:
            missing = [c for c in codes if c not in declared]
            if missing:
                raise GlossaryError(
                    f"language {missing[0]!r} is not in the glossary's languages ({', '.join(declared)})",
                    str(self.path),
                    hint=f"add {missing[0]} to 'languages:' in the file first, or fix the code",
                )

    # -- edits

    def add_entry(self, entry: Entry, replace: bool = False) -> None:
        """Append ``entry`` (or, with ``replace``, put it in the place of the entry with its id)."""
        for code in entry.terms:
            validate_code(code)
        self._check_languages(list(entry.terms))
        data = entry_to_data(entry)
        if entry.id in self._ids:
            if not replace:
                raise GlossaryError(
                    f"an entry with id {entry.id!r} already exists",
                    str(self.path),
                    hint="choose another --id, or pass --replace to overwrite it",
                )
            index = self._find(entry.id)
            self._tree()["entries"][index] = _to_commented(data)
        elif self._data is None and self._fresh_layout().entries_last and self._layout.block_entries:
            self._text = self._append_lines(entry.id, data)
        else:
            self._tree()["entries"].append(_to_commented(data))
        self._ids.add(entry.id)
        self.changed = True

    def _append_lines(self, entry_id: str, data: dict[str, Any]) -> str:
        """The text with the entry, in the file's own indentation, appended to the entries.

        The layout is updated in place (no reload), so that adding many entries in one
        session stays linear.
        """
        from ruamel.yaml import YAML

        layout = self._layout
        column = layout.entry_starts[0][1]
        dash = max(column - 2, 0)
        yaml = YAML()
        yaml.width = 4096
        yaml.indent(mapping=layout.mapping_indent, sequence=dash + 2, offset=dash)
        rendered = _dump(yaml, {"entries": [_to_commented(data)]}).split("\n", 1)[1]
        text = self._text if self._text.endswith("\n") else self._text + "\n"
        lines = text.splitlines()
        starts = [line for line, _column in layout.entry_starts]
        # Entries separated by blank lines (glossaries/news.yaml) get one before the new entry too.
        if len(starts) >= 2 and not lines[starts[-1] - 1].strip() and lines and lines[-1].strip():
            rendered = "\n" + rendered
        first_line = len(lines) + (1 if rendered.startswith("\n") else 0)
        layout.entry_starts.append((first_line, column))
        layout.ids.append(entry_id)
        return text + rendered

    def remove_entry(self, entry_id: str) -> None:
        """Remove an entry; full-line comments after it (a section heading) stay for what follows."""
        if entry_id not in self._ids:
            raise GlossaryError(
                f"no entry with id {entry_id!r}", str(self.path), hint="see the ids with 'dragoman glossary list'"
            )
        self._to_text_mode()
        new_text = self._text_without(entry_id)
        if new_text is None:
            index = self._find(entry_id)
            del self._tree()["entries"][index]
        else:
            self._text = new_text
            self._layout_stale = True
        self._ids.discard(entry_id)
        self.changed = True

    def _text_without(self, entry_id: str) -> str | None:
        """The current text with the entry cut out by lines, or None where that is not possible.

        ruamel.yaml attaches the comment lines between two entries to the end of the first,
        so deleting the node would also delete a "# --- places ---" heading of the next
        section. Cutting lines keeps those comments.
        """
        span = self._entry_span(entry_id)
        if span is None:
            return None
        first, end = span
        lines = self._text.splitlines(keepends=True)
        # Keep the trailing full-line comments (and what follows them up to the next entry);
        # blank lines between the entry body and such a comment go with the entry.
        cut_end = end
        for number in range(first + 1, end):
            if lines[number].strip().startswith("#") and all(
                not lines[k].strip() or lines[k].strip().startswith("#") for k in range(number, end)
            ):
                cut_end = number
                break
        return "".join(lines[:first] + lines[cut_end:])

    def set_status(self, entry_id: str, status: str) -> None:
        if status not in STATUSES:
            raise GlossaryError(f"unknown status {status!r}", str(self.path), hint=f"use one of: {', '.join(STATUSES)}")
        self._set(entry_id, "status", status if status != "approved" else None)

    def set_field(self, entry_id: str, key: str, value: Any) -> None:
        """Set ``type``, ``note``, ``case``, ``dnt``, ``status`` or ``source``; None (or a default) removes the key."""
        if key == "type" and value is not None and value not in ENTRY_TYPES:
            raise GlossaryError(f"unknown type {value!r}", str(self.path), hint=f"use one of: {', '.join(ENTRY_TYPES)}")
        if key == "case" and value not in (None, *CASE_MODES):
            raise GlossaryError(f"unknown case {value!r}", str(self.path), hint=f"use one of: {', '.join(CASE_MODES)}")
        if key == "status":
            self.set_status(entry_id, value or "approved")
            return
        if key not in ("type", "note", "case", "dnt", "source"):
            raise GlossaryError(
                f"cannot set {key!r}", str(self.path), hint="use type, note, case, dnt, status or source"
            )
        defaults = {"case": "smart", "dnt": False}
        self._set(entry_id, key, None if value == defaults.get(key, None) else value)

    def _set(self, entry_id: str, key: str, value: Any) -> None:
        item = self._require(entry_id)
        if value is None:
            if key in item:
                _delete_key(item, key)
                self.changed = True
            return
        if item.get(key) != value:
            if key in item:
                item[key] = _to_commented(value)
            else:
                item.insert(_insert_position(item, key), key, _to_commented(value))
            self.changed = True

    def set_terms(
        self,
        entry_id: str,
        lang: str,
        term: str | None = None,
        variants: list[str] | None = None,
        forbidden: list[str] | None = None,
    ) -> None:
        """Set the preferred term and/or replace the variants or forbidden lists of one language.

        Arguments left as None keep what is there; an empty list removes that list.
        """
        from ruamel.yaml.comments import CommentedMap

        validate_code(lang)
        self._check_languages([lang])
        item = self._require(entry_id)
        terms = item["terms"]
        current = terms.get(lang)
        if isinstance(current, dict):
            side = current
        else:
            side = CommentedMap()
            if current is not None:
                side["term"] = current
        if term is not None:
            side["term"] = _to_commented(term)
        for key, values in (("variants", variants), ("forbidden", forbidden)):
            if values is None:
                continue
            if values:
                side[key] = _to_commented(_FlowList(values))
            elif key in side:
                _delete_key(side, key)
        if set(side) <= {"term"} and "term" in side:
            new_value: Any = side["term"]
        else:
            new_value = side
        if lang in terms:
            if terms[lang] != new_value or not isinstance(current, type(new_value)):
                terms[lang] = new_value
                self.changed = True
        else:
            terms[lang] = new_value
            self.changed = True

    def unset_language(self, entry_id: str, lang: str) -> None:
        """Drop one language from an entry (the entry's other languages, settings and comments stay)."""
        item = self._require(entry_id)
        terms = item["terms"]
        if lang not in terms:
            have = ", ".join(str(code) for code in terms)
            raise GlossaryError(f"entry {entry_id!r} has no {lang} term", str(self.path), hint=f"it has: {have}")
        if len(terms) == 1:
            raise GlossaryError(
                f"{lang} is the only language of entry {entry_id!r}",
                str(self.path),
                hint=f"remove the whole entry with 'dragoman glossary remove {self.path} {entry_id}'",
            )
        _delete_key(terms, lang)
        self.changed = True

    # -- writing

    def save(self) -> None:
        """Validate the edited text by loading it, then write it atomically."""
        text = self.text
        self.glossary = load_glossary_text(text.lstrip("\ufeff"), str(self.path))
        if text != self._original:
            atomic_write_text(self.path, text)
            self._original = text
        self.changed = False


_KEY_ORDER = ("id", "type", "terms", "dnt", "case", "status", "note", "source")


def _insert_position(item: Any, key: str) -> int:
    """Where a new key goes: after the keys that come before it in the documented order."""
    rank = _KEY_ORDER.index(key) if key in _KEY_ORDER else len(_KEY_ORDER)
    position = 0
    for index, existing in enumerate(item):
        if existing in _KEY_ORDER and _KEY_ORDER.index(existing) < rank:
            position = index + 1
    return position


def _delete_key(mapping: Any, key: Any) -> None:
    """Delete ``key`` from a ruamel mapping, keeping the comment lines that followed it.

    ruamel.yaml attaches the comments after a value (a "# --- people ---" heading of the next entry, blank
    lines) to that value's key; deleting the key would delete them. Its inline comment goes with it; the lines
    after are moved to the end of what now comes last before them.
    """
    keys = list(mapping)
    index = keys.index(key)
    comment = mapping.ca.items.pop(key, None)
    del mapping[key]
    token = comment[2] if comment is not None and len(comment) > 2 else None
    if token is None or "\n" not in token.value:
        return
    kept = token.value.split("\n", 1)[1]
    if not kept.strip() and index < len(keys) - 1:
        return  # only blank lines between this key and the next: nothing to keep
    if not kept:
        return
    if index == 0:
        return  # nothing before it in this mapping (the caller never deletes the only key)
    _append_comment(mapping, keys[index - 1], kept)


def _append_comment(container: Any, key: Any, lines: str) -> None:
    """Add comment ``lines`` (without the line end of the value) after the value of ``container[key]``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    value = container[key]
    # The comment goes after the last scalar of a block collection, where ruamel keeps such comments.
    while isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        container, key = value, (list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
        value = container[key]
    position = 2 if isinstance(container, CommentedMap) else 0
    slot = container.ca.items.setdefault(key, [None, None, None, None] if position == 2 else [None, None])
    if slot[position] is not None:
        slot[position].value = slot[position].value + lines
    else:
        slot[position] = CommentToken("\n" + lines, CommentMark(0), None)


def _to_commented(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _to_commented(item)
        return out
    if isinstance(value, list):
        seq = CommentedSeq([_to_commented(v) for v in value])
        if isinstance(value, _FlowList):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and _needs_quotes(value):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    return value


def _needs_quotes(value: str) -> bool:
    """True for text that a YAML 1.1 reader (PyYAML) would take as a bool, number or null: yes, no, 1984, ~."""
    import yaml

    tag: str = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag != "tag:yaml.org,2002:str"


def _dump(yaml: Any, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
