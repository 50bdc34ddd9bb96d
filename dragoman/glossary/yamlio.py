"""Read, validate and write YAML glossaries; every problem is reported as file:line:column with a fix."""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from dragoman.errors import GlossaryError, LanguageError
from dragoman.glossary.files import read_glossary_file
from dragoman.glossary.model import (
    CASE_MODES,
    ENTRY_TYPES,
    FORMAT_VERSION,
    SETTINGS,
    STATUSES,
    Entry,
    Glossary,
    LangTerms,
    Origin,
)
from dragoman.glossary.schema import ID_RE  # re-exported; the one definition is in schema.py
from dragoman.languages import validate_code

# The C loader is several times faster; composing (not constructing) keeps every node's
# line and column, which the messages need.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The `glossary lint` rule an empty term, variant or forbidden form breaks (the loader reports it first).
EMPTY_TERM_RULE = "E002"


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader without implicit tag resolution (the validator resolves the few values it needs).

    Resolving every scalar's tag in Python costs about a third of the load time of a large file.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""


_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_EXPLICIT_NULLS = _NULLS - {""}  # "ms: null" removes a language; "ms:" with nothing is a mistake
_TRUES = frozenset(["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
_FALSES = frozenset(["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
# What YAML's reader rejects (YAML 1.1 printable set, complemented).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")


def _tag_is(node: yaml.Node, tag: str) -> bool:
    """Does ``node`` have ``tag`` (explicit, or implicit as YAML 1.1 plain scalars resolve)?"""
    if node.tag:
        return bool(node.tag == tag)
    if not isinstance(node, yaml.ScalarNode) or node.style:  # plain: None (Python) or "" (C loader)
        return False
    value = node.value
    if tag == _NULL:
        return value in _NULLS
    if tag == _BOOL:
        return value in _TRUES or value in _FALSES
    if tag == _INT:
        return bool(_INT_RE.match(value))
    return False


TOP_KEYS = ("version", "name", "description", "languages", "entries")
ENTRY_KEYS = ("id", "type", "terms", "dnt", "case", "status", "note", "source")
TERM_KEYS = ("term", "variants", "forbidden")

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"


def load_glossary(path: str | Path) -> Glossary:
    """Load and validate one YAML glossary file.

    Raises GlossaryError (``str(err)`` is ``file:line:column: what — fix``) for a missing,
    unreadable, binary, empty, non-UTF-8, malformed or invalid file.
    """
    return load_glossary_bytes(read_glossary_file(path), str(path))


def load_glossary_bytes(data: bytes, path: str | None = None) -> Glossary:
    """Validate and load glossary YAML given as bytes (checks binary content and UTF-8 first)."""
    name = path or "<glossary>"
    glossary = load_glossary_text(decode_glossary_bytes(data, name), name)
    if path is not None:
        import hashlib

        glossary.sources = [(path, hashlib.sha256(data).hexdigest())]
    return glossary


def decode_glossary_bytes(data: bytes, path: str | None = None) -> str:
    """The text of a glossary file: refuses binary content and invalid UTF-8 (a UTF-8 BOM is dropped)."""
    name = path or "<glossary>"
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise GlossaryError("this is a binary file, not a YAML glossary", name, line, hint="give a UTF-8 YAML file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", "replace")) + 1  # characters, like YAML's marks
        raise GlossaryError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x})", name, line, col, hint="save the file as UTF-8"
        ) from None


def load_glossary_text(text: str, path: str | None = None) -> Glossary:
    """Validate and load glossary YAML given as text; ``path`` is used in messages and origins."""
    name = path or "<glossary>"
    # Composing a large file creates millions of small objects; the cyclic garbage collector
    # would scan them again and again (a 100k-entry file: 37 s instead of 4 s). Nothing here
    # makes cycles that need collecting, so it is paused while loading.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        glossary: Glossary = _load_text(text, name)
        return glossary
    finally:
        if gc_was_enabled:
            gc.enable()


@dataclass
class Layout:
    """How a glossary file is laid out, for editors that append or cut lines (0-based lines/columns)."""

    declared_languages: list[str] | None = None
    entries_last: bool = False  # `entries:` is the last top-level key
    block_entries: bool = False  # a non-empty block sequence ("- id: ..." lines)
    entry_starts: list[tuple[int, int]] = field(default_factory=list)  # (line, column) of each entry's first key
    ids: list[str] = field(default_factory=list)  # the entry ids, in file order
    mapping_indent: int = 2


def load_glossary_layout(text: str, path: str | None = None) -> tuple[Glossary, Layout]:
    """Like :func:`load_glossary_text`, also returning the file's :class:`Layout`."""
    name = path or "<glossary>"
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        loaded: tuple[Glossary, Layout] = _load_text(text, name, with_layout=True)
        return loaded
    finally:
        if gc_was_enabled:
            gc.enable()


def _mapping_indent(entry: yaml.Node) -> int:
    """The indentation step of nested block mappings in an entry (terms:\n  en: ...), default 2."""
    if isinstance(entry, yaml.MappingNode):
        for key_node, value_node in entry.value:
            if isinstance(value_node, yaml.MappingNode) and not value_node.flow_style and value_node.value:
                step = value_node.value[0][0].start_mark.column - key_node.start_mark.column
                if step > 0:
                    return int(step)
    return 2


def _load_text(text: str, name: str, with_layout: bool = False) -> Any:
    if not text.strip():
        raise GlossaryError(
            "the glossary file is empty", name, hint="start one with 'dragoman glossary new FILE --langs en,ms,fa'"
        )
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "malformed YAML"
        if err.context and err.problem:
            what = f"{err.problem} ({err.context})"
        raise GlossaryError(
            f"malformed YAML: {what}",
            name,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            hint="fix the YAML syntax (check indentation, quotes, brackets and colons)",
        ) from None
    except yaml.reader.ReaderError:
        # A control character anywhere: YAML forbids them (the C reader reports no line).
        bad = _NON_PRINTABLE.search(text)
        position = bad.start() if bad else 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        code = ord(bad.group()) if bad else 0
        raise GlossaryError(
            f"control character U+{code:04X} is not allowed in YAML",
            name,
            line,
            column,
            hint="remove it (or write it as an escape in double quotes)",
            rule="E004",
        ) from None
    except yaml.YAMLError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise GlossaryError(f"malformed YAML: {first}", name, hint="fix the YAML syntax") from None
    if root is None:
        raise GlossaryError(
            "the glossary has no content (only comments)",
            name,
            1,
            1,
            hint="add 'version: 1', 'languages: [...]' and 'entries:'",
        )
    validator = _Validator(name)
    glossary = validator.glossary(root)
    return (glossary, validator.layout) if with_layout else glossary


class _Validator:
    """Turns a composed YAML node tree into a Glossary, or raises at the first problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.layout = Layout()

    def fail(self, node: yaml.Node, message: str, hint: str, rule: str | None = None) -> NoReturn:
        mark = node.start_mark
        raise GlossaryError(message, self.path, mark.line + 1, mark.column + 1, hint=hint, rule=rule)

    def mapping(self, node: yaml.Node, what: str, known: tuple[str, ...]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(
                node,
                f"{what} must be a mapping (key: value), found {_kind(node)}",
                f"write {what} as 'key: value' lines",
            )
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(
                    key_node,
                    f"a key in {what} must be a plain word, found {_kind(key_node)}",
                    f"use one of: {', '.join(known)}",
                )
            key = key_node.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.fail(key_node, f"duplicate key {key!r} in {what} (first on line {first})", "keep only one of them")
            if key not in known:
                import difflib  # only on a mistake: not on every glossary load

                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
                self.fail(key_node, f"unknown key {key!r} in {what}", hint)
            out[key] = (key_node, value_node)
        return out

    def string(self, node: yaml.Node, what: str, allow_empty: bool = False, empty_rule: str | None = None) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(
                node, f"{what} must be a text, found {_kind(node)}", "write it as a single value (quote it if needed)"
            )
        if _tag_is(node, _NULL):
            self.fail(node, f"{what} is empty", "write a value or remove the key", empty_rule)
        # A number or yes/no is still text here ("1984", "no"): keep exactly what was written.
        value = str(node.value)
        if not allow_empty and not value.strip():
            self.fail(node, f"{what} is empty", "write a value or remove the key", empty_rule)
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or not _tag_is(node, _BOOL):
            self.fail(node, f"{what} must be true or false, found {_describe(node)}", "write true or false")
        return str(node.value) in _TRUES

    def choice(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str:
        value = self.string(node, what)
        if value not in choices:
            import difflib

            close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.fail(node, f"unknown {what} {value!r}", f"{hint}use one of: {', '.join(choices)}")
        return value

    def string_list(self, node: yaml.Node, what: str, empty_rule: str | None = None) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            # "variants: null" (like "variants: []") states an empty list: it clears an earlier layer's.
            return [] if _tag_is(node, _NULL) else [self.string(node, what, empty_rule=empty_rule)]
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list of texts, found {_kind(node)}", "write [first, second]")
        return [self.string(item, f"an item of {what}", empty_rule=empty_rule) for item in node.value]

    def language(self, node: yaml.Node, what: str) -> str:
        code = self.string(node, what)
        problem = _code_problem(code)
        if problem is not None:
            self.fail(node, f"bad language code {code!r} in {what}", problem)
        return code

    def glossary(self, root: yaml.Node) -> Glossary:
        top = self.mapping(root, "the glossary", TOP_KEYS)
        version = FORMAT_VERSION
        if "version" in top:
            vnode = top["version"][1]
            if not isinstance(vnode, yaml.ScalarNode) or not _tag_is(vnode, _INT):
                self.fail(
                    vnode,
                    f"version must be a whole number, found {_describe(vnode)}",
                    f"write 'version: {FORMAT_VERSION}'",
                )
            version = int(vnode.value.replace("_", ""))
            if version != FORMAT_VERSION:
                self.fail(
                    vnode,
                    f"unsupported glossary format version {version}",
                    f"this dragoman reads version {FORMAT_VERSION}; write 'version: {FORMAT_VERSION}'",
                )
        for key in ("name", "description"):
            if key in top:
                self.string(top[key][1], key, allow_empty=True)
        declared: list[str] = []
        if "languages" in top:
            lnode = top["languages"][1]
            if not isinstance(lnode, yaml.SequenceNode):
                self.fail(
                    lnode,
                    f"languages must be a list of language codes, found {_kind(lnode)}",
                    "write 'languages: [en, ms, fa]'",
                )
            for item in lnode.value:
                code = self.language(item, "languages")
                if code in declared:
                    self.fail(item, f"language {code!r} is listed twice in languages", "list each language once")
                declared.append(code)
        glossary = Glossary(languages=list(declared), version=version, path=self.path)
        self.layout.declared_languages = list(declared) if "languages" in top else None
        top_keys = [key_node.value for key_node, _value in root.value]
        self.layout.entries_last = bool(top_keys) and top_keys[-1] == "entries"
        if "entries" not in top:
            self.fail(
                root, "the glossary has no 'entries' key", "add 'entries:' followed by the entries (or 'entries: []')"
            )
        enode = top["entries"][1]
        if isinstance(enode, yaml.ScalarNode) and _tag_is(enode, _NULL):
            return glossary  # "entries:" with nothing under it: an empty glossary
        if not isinstance(enode, yaml.SequenceNode):
            self.fail(
                enode,
                f"entries must be a list (each entry starts with '- id:'), found {_kind(enode)}",
                "write each entry as '- id: ...' under 'entries:'",
            )
        self.layout.block_entries = not enode.flow_style and bool(enode.value)
        self.layout.entry_starts = [(item.start_mark.line, item.start_mark.column) for item in enode.value]
        if enode.value:
            self.layout.mapping_indent = _mapping_indent(enode.value[0])
        declared_set = set(declared)
        seen_langs: dict[str, None] = dict.fromkeys(declared)
        entries = glossary.entries
        for item in enode.value:
            entry = self.entry(item, declared_set)
            if entry.id in entries:
                first = entries[entry.id].origin.line
                self.fail(
                    item,
                    f"duplicate id {entry.id!r} (first on line {first})",
                    "give each concept its own id, or merge the two entries",
                    "E001",
                )
            entries[entry.id] = entry
            for code in entry.terms:
                seen_langs.setdefault(code, None)
        if not declared:
            glossary.languages = list(seen_langs)
        self.layout.ids = list(entries)
        return glossary

    def entry(self, node: yaml.Node, declared: set[str]) -> Entry:
        fields = self.mapping(node, "an entry", ENTRY_KEYS)
        if "id" not in fields:
            self.fail(node, "an entry has no id", "add 'id: some-name' (lowercase letters, digits, '.', '_' or '-')")
        id_node = fields["id"][1]
        entry_id = self.string(id_node, "id")
        if not ID_RE.match(entry_id):
            self.fail(
                id_node,
                f"bad id {entry_id!r}",
                "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. masoud-pezeshkian)",
            )
        what = f"entry {entry_id!r}"
        mark = node.start_mark
        entry = Entry(id=entry_id, origin=Origin(self.path, mark.line + 1, mark.column + 1))
        if "terms" not in fields:
            self.fail(node, f"{what} has no terms", "add 'terms: {en: ..., fa: ...}'")
        tnode = fields["terms"][1]
        if not isinstance(tnode, yaml.MappingNode):
            self.fail(
                tnode,
                f"terms of {what} must be a mapping of language: term, found {_kind(tnode)}",
                "write 'terms: {en: ..., fa: ...}'",
            )
        if not tnode.value:
            self.fail(tnode, f"{what} has no terms", "add at least one 'language: term'")
        terms = entry.terms
        scalar = yaml.ScalarNode
        for key_node, value_node in tnode.value:
            # Fast path for the usual "en: Term" (a large glossary has hundreds of thousands);
            # anything unusual goes through the checks that build the messages.
            code = key_node.value if type(key_node) is scalar and not key_node.tag else None
            if code is None or _code_problem(code) is not None or code in terms or (declared and code not in declared):
                code = self.language(key_node, f"the terms of {what}")
                if code in terms:
                    self.fail(
                        key_node,
                        f"language {code!r} appears twice in the terms of {what}",
                        "keep one; put other spellings under variants",
                    )
                if declared and code not in declared:
                    self.fail(
                        key_node,
                        f"language {code!r} is not in the glossary's languages",
                        f"add {code} to 'languages:' at the top, or fix the code",
                    )
            value = value_node.value
            if (
                type(value_node) is scalar
                and not value_node.tag
                and (value_node.style or value not in _NULLS)
                and value.strip()
            ):
                terms[code] = LangTerms(value)
            elif type(value_node) is scalar and not value_node.style and value in _EXPLICIT_NULLS:
                # "ms: null": this layer removes the language from the entry of an earlier layer.
                if code in entry.removed:
                    self.fail(key_node, f"language {code!r} appears twice in the terms of {what}", "keep one")
                entry.removed += (code,)
            else:
                terms[code] = self.lang_terms(value_node, f"the {code} term of {what}")
        if len(fields) > 2:  # more than id and terms: remember which settings this layer states
            entry.stated = frozenset(key for key in fields if key in SETTINGS)
        if "dnt" in fields:
            entry.dnt = self.boolean(fields["dnt"][1], "dnt")
        if "case" in fields:
            entry.case = self.choice(fields["case"][1], "case", CASE_MODES)
        if "type" in fields and not _tag_is(fields["type"][1], _NULL):  # "type: null" removes an earlier type
            entry.type = self.choice(fields["type"][1], "type", ENTRY_TYPES)
        if "status" in fields:
            entry.status = self.choice(fields["status"][1], "status", STATUSES)
        if "note" in fields and not _tag_is(fields["note"][1], _NULL):
            entry.note = self.string(fields["note"][1], "note", allow_empty=True)
        if "source" in fields and not _tag_is(fields["source"][1], _NULL):
            entry.source = self.string(fields["source"][1], "source")
        return entry

    def lang_terms(self, node: yaml.Node, what: str) -> LangTerms:
        if isinstance(node, yaml.ScalarNode):
            return LangTerms(preferred=self.string(node, what, empty_rule=EMPTY_TERM_RULE))
        fields = self.mapping(node, what, TERM_KEYS)
        side = LangTerms(stated=frozenset(fields))
        if "term" in fields:
            side.preferred = self.string(fields["term"][1], f"{what} (term)", empty_rule=EMPTY_TERM_RULE)
        if "variants" in fields:
            side.variants = self.string_list(fields["variants"][1], f"the variants of {what}", EMPTY_TERM_RULE)
        if "forbidden" in fields:
            side.forbidden = self.string_list(fields["forbidden"][1], f"the forbidden terms of {what}", EMPTY_TERM_RULE)
        if not fields:
            self.fail(
                node, f"{what} is empty", "write 'term: ...' (and optionally variants/forbidden)", EMPTY_TERM_RULE
            )
        return side


@functools.lru_cache(maxsize=256)
def _code_problem(code: str) -> str | None:
    """None for a good language code, else the fix (cached: every entry repeats the same few codes)."""
    try:
        validate_code(code)
    except LanguageError as err:
        return err.hint or "use an ISO 639 code such as en, ms, fa"
    return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _describe(node)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        if _tag_is(node, _NULL):
            return "nothing"
        return repr(node.value)
    return _kind(node)


# ---------------------------------------------------------------- writing


class _FlowList(list):  # type: ignore[type-arg]
    """A list written inline: [en, ms, fa]."""


class _FlowDict(dict):  # type: ignore[type-arg]
    """A mapping written inline: {en: UN}."""


class _GlossaryDumper(yaml.SafeDumper):
    """The pure-Python dumper: the C emitter cannot indent lists under their key ("  - id: ...")."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_flow_list(dumper: Any, data: list[Any]) -> Any:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_flow_dict(dumper: Any, data: dict[str, Any]) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_GlossaryDumper.add_representer(_FlowList, _represent_flow_list)
_GlossaryDumper.add_representer(_FlowDict, _represent_flow_dict)


def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The YAML-ready mapping of an entry (defaults left out unless the entry states them, key order as documented).

    What a layer states is kept: removed languages as ``ms: null``, cleared lists as ``variants: []``, a removed
    note as ``note: null``.
    """
    data: dict[str, Any] = {"id": entry.id}
    if entry.states("type"):
        data["type"] = entry.type
    terms: dict[str, Any] = {}
    for code, side in entry.terms.items():
        if side.stated is None and not side.variants and not side.forbidden and side.preferred is not None:
            terms[code] = side.preferred
        else:
            one: dict[str, Any] = {}
            if side.preferred is not None:
                one["term"] = side.preferred
            if side.variants or side.states("variants"):
                one["variants"] = _FlowList(side.variants)
            if side.forbidden or side.states("forbidden"):
                one["forbidden"] = _FlowList(side.forbidden)
            terms[code] = one if len(one) != 1 or "term" not in one else side.preferred
    for code in entry.removed:
        terms[code] = None
    data["terms"] = terms
    for name in ("dnt", "case", "status", "note", "source"):
        if entry.states(name):
            data[name] = getattr(entry, name)
    return data


def dump_glossary(glossary: Glossary, *, name: str | None = None, description: str | None = None) -> str:
    """Serialise a glossary to YAML text in the documented layout (loads back to an equal glossary)."""
    head: dict[str, Any] = {"version": FORMAT_VERSION}
    if name:
        head["name"] = name
    if description:
        head["description"] = description
    languages = list(glossary.languages)
    for entry in glossary:
        for code in (*entry.terms, *entry.removed):
            if code not in languages:
                languages.append(code)
    head["languages"] = _FlowList(languages)
    dump: Callable[..., str] = yaml.dump
    opts: dict[str, Any] = {"Dumper": _GlossaryDumper, "allow_unicode": True, "sort_keys": False, "width": 4096}
    text = dump(head, default_flow_style=False, **opts)
    entries = [entry_to_data(e) for e in glossary]
    if not entries:
        return text + "entries: []\n"
    body = dump({"entries": entries}, default_flow_style=False, indent=2, **opts)
    return text + body


def save_glossary(
    glossary: Glossary,
    path: str | Path,
    *,
    inputs: Sequence[str | Path] = (),
    force: bool = False,
    what: str = "the glossary",
    **kwargs: Any,
) -> bool:
    """Write a glossary as YAML, atomically (a new file; for edits that keep comments use GlossaryEditor).
    False when the file already held exactly this text (left alone: the command says "unchanged").

    Refused (WriteRefused) over one of ``inputs`` (a merge into one of its inputs would drop its comments)
    and, without ``force``, over a file that is not a glossary.
    """
    from dragoman.fsutil import WriteGuard

    guard = WriteGuard(inputs, force=force)
    guard.check(path, "glossary", what)
    text = dump_glossary(glossary, **kwargs)
    load_glossary_text(text, str(path))  # never write what we could not read back
    return guard.write_text(path, text, "glossary", what)
