"""The one walk over a YAML glossary's nodes with positions (line, column, character span, quoting style), shared by
`glossary lint` (findings at file:line:column) and `lint --fix` (in-place edits that keep everything else)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import GlossaryError


@dataclass
class TermRef:
    """A term as written in the file, with its position."""

    entry: str
    lang: str
    kind: str  # "preferred" | "variant" | "forbidden"
    index: int  # position in its list (0 for the preferred term)
    text: str
    line: int
    column: int
    start: int = 0  # character span of the scalar in the file's text, for in-place fixes
    end: int = 0
    style: str = ""  # "" plain, "'" / '"' quoted, "|" / ">" block
    flow: bool = False  # inside a flow collection ({...} or [...]): ",[]{}" need quotes


@dataclass
class EntryInfo:
    id: str
    line: int
    column: int
    terms: list[TermRef] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    status: str = "approved"
    dnt: bool = False

    def preferred(self, lang: str) -> str | None:
        return next(
            (t.text for t in self.terms if t.lang == lang and t.kind == "preferred"),
            None,
        )


def read_glossary_text(path: str | Path) -> tuple[str, GlossaryError | None]:
    """The file's text and the loader's error (None when the loader accepts it); a file that cannot be
    read at all (missing, a directory, binary, not UTF-8) raises GlossaryError."""
    from dragoman.glossary.files import read_file_bytes
    from dragoman.glossary.yamlio import decode_glossary_bytes, load_glossary_text

    name = str(path)
    data = read_file_bytes(path, noun="glossary file", directory_hint="give the path of a .yaml file")
    text = decode_glossary_bytes(data, name)
    try:
        load_glossary_text(text, name)
    except GlossaryError as err:
        return text, err
    return text, None


def walk(text: str) -> tuple[list[str], bool, list[EntryInfo]]:
    """Declared languages (and whether declared), and every entry with its terms' positions.

    Tolerant on purpose: it runs on files the loader rejected for a duplicate id, so that the
    other findings are still reported.
    """
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    declared: list[str] = []
    has_declared = False
    entries: list[EntryInfo] = []
    if not isinstance(root, yaml.MappingNode):
        return declared, has_declared, entries
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    langs_node = top.get("languages")
    if isinstance(langs_node, yaml.SequenceNode):
        has_declared = True
        declared = [str(n.value) for n in langs_node.value if isinstance(n, yaml.ScalarNode)]
    entries_node = top.get("entries")
    if not isinstance(entries_node, yaml.SequenceNode):
        return declared, has_declared, entries
    for item in entries_node.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        id_node = fields.get("id")
        if not isinstance(id_node, yaml.ScalarNode):
            continue
        info = EntryInfo(
            id=str(id_node.value),
            line=item.start_mark.line + 1,
            column=item.start_mark.column + 1,
        )
        status = fields.get("status")
        if isinstance(status, yaml.ScalarNode):
            info.status = str(status.value)
        dnt = fields.get("dnt")
        info.dnt = isinstance(dnt, yaml.ScalarNode) and str(dnt.value).lower() in (
            "true",
            "yes",
            "on",
        )
        terms_node = fields.get("terms")
        if isinstance(terms_node, yaml.MappingNode):
            for key, value in terms_node.value:
                lang = str(key.value)
                info.langs.append(lang)
                collect_terms(info, lang, value, bool(terms_node.flow_style))
        entries.append(info)
    return declared, has_declared, entries


_NULL_WORDS = frozenset(["~", "null", "Null", "NULL"])


def collect_terms(info: EntryInfo, lang: str, node: yaml.Node, flow: bool) -> None:
    def ref(kind: str, index: int, scalar: yaml.Node, in_flow: bool) -> None:
        # "ms: null" / "variants: null" remove what an earlier layer has: no form to check.
        if isinstance(scalar, yaml.ScalarNode) and not (not scalar.style and scalar.value in _NULL_WORDS):
            mark = scalar.start_mark
            term = TermRef(
                info.id,
                lang,
                kind,
                index,
                str(scalar.value),
                mark.line + 1,
                mark.column + 1,
            )
            term.start, term.end = mark.index, scalar.end_mark.index
            term.style = scalar.style or ""
            term.flow = in_flow
            info.terms.append(term)

    if isinstance(node, yaml.ScalarNode):
        ref("preferred", 0, node, flow)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    flow = flow or bool(node.flow_style)
    for key, value in node.value:
        name = str(key.value)
        if name == "term":
            ref("preferred", 0, value, flow)
        elif name in ("variants", "forbidden"):
            kind = "variant" if name == "variants" else "forbidden"
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            in_flow = flow or bool(getattr(value, "flow_style", False))
            for index, item in enumerate(items):
                ref(kind, index, item, in_flow)


__all__ = ["EntryInfo", "TermRef", "collect_terms", "read_glossary_text", "walk"]
