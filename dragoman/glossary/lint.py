"""Lint a YAML glossary: findings with a severity, a stable code and file:line; `fix_glossary` applies the safe fixes."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import GlossaryError
from dragoman.glossary.normalize import control_characters, fold_case, normalize_term

ERROR, WARNING, INFO = "error", "warning", "info"

# code -> (name, severity). Codes are stable: tools may filter on them.
RULES: dict[str, tuple[str, str]] = {
    "E000": ("invalid-glossary", ERROR),
    "E001": ("duplicate-id", ERROR),
    "E002": ("empty-term", ERROR),
    "E003": ("forbidden-equals-preferred", ERROR),
    "E004": ("control-character", ERROR),
    "W001": ("source-term-conflict", WARNING),
    "W002": ("arabic-letters-in-persian", WARNING),
    "W003": ("mixed-scripts", WARNING),
    "W004": ("whitespace", WARNING),
    "W005": ("missing-language", WARNING),
    "W006": ("not-nfc", WARNING),
    "I001": ("draft", INFO),
    "I002": ("redundant-variant", INFO),
}

# Arabic letters that Persian writes differently: yeh, alef maksura -> Persian yeh; kaf -> keheh.
ARABIC_TO_PERSIAN = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"}
_ARABIC_TABLE: dict[int, str] = {ord(k): v for k, v in ARABIC_TO_PERSIAN.items()}
# Characters trimmed at a term's edges: whitespace of any kind plus the invisible joiners.
_EDGE_CHARS = " \t\u00a0\u200c\u200d\u200e\u200f\u2007\u202f\ufeff"
EDGE_CHARACTERS = _EDGE_CHARS  # for the editing commands, which refuse terms lint would flag
_DOUBLE_SPACE_RE = re.compile(r"[ \u00a0]{2,}")


@dataclass
class Finding:
    """One problem: where, what, and how to fix it."""

    code: str
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    entry: str | None = None
    lang: str | None = None
    term: str | None = None
    fix: str | None = None
    fixable: bool = False

    @property
    def name(self) -> str:
        return RULES[self.code][0]

    @property
    def severity(self) -> str:
        return RULES[self.code][1]

    def location(self) -> str:
        parts = [self.path or "<glossary>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        tail = f" — {self.fix}" if self.fix else ""
        return f"{self.location()}: {self.severity} {self.code} {self.name}: {self.message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name"] = self.name
        data["severity"] = self.severity
        return data


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
    start: int = (
        0  # character span of the scalar in the file's text, for in-place fixes
    )
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


@dataclass
class LintReport:
    path: str
    findings: list[Finding]
    fixed: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {ERROR: 0, WARNING: 0, INFO: 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "summary": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "fixed": self.fixed,
        }


# ---------------------------------------------------------------- the safe fixes


def fix_term(text: str, lang: str) -> str:
    """The safe normalisation of one term: NFC, trimmed edges, single spaces, Persian letters in fa."""
    fixed = unicodedata.normalize("NFC", text).strip(_EDGE_CHARS)
    fixed = _DOUBLE_SPACE_RE.sub(" ", fixed)
    if _is_persian(lang):
        fixed = fixed.translate(_ARABIC_TABLE)
    return fixed


def _fix_forbidden(text: str) -> str:
    # A forbidden Arabic spelling is often deliberate; only the invisible fixes apply to it.
    return _DOUBLE_SPACE_RE.sub(
        " ", unicodedata.normalize("NFC", text).strip(_EDGE_CHARS)
    )


def _is_persian(lang: str) -> bool:
    return lang.split("-")[0] in ("fa", "pes", "prs")


# ---------------------------------------------------------------- reading


def _read(path: str | Path) -> tuple[str, Any]:
    """The file's text and its validation error (None when the loader accepts it)."""
    from dragoman.glossary.yamlio import decode_glossary_bytes, load_glossary_text

    from dragoman.inputs import InputTooLarge, read_limited

    name = str(path)
    try:
        data = read_limited(path)
    except InputTooLarge as err:
        raise GlossaryError(err.message, name, hint="set DRAGOMAN_MAX_INPUT_SIZE (e.g. 1G) if it really is one glossary") from None
    except FileNotFoundError:
        raise GlossaryError(
            "glossary file not found", name, hint="check the path"
        ) from None
    except IsADirectoryError:
        raise GlossaryError(
            "is a directory, not a glossary file",
            name,
            hint="give the path of a .yaml file",
        ) from None
    except OSError as err:
        raise GlossaryError(
            f"cannot read the glossary: {err.strerror}",
            name,
            hint="check the file's permissions",
        ) from None
    text = decode_glossary_bytes(data, name)
    try:
        load_glossary_text(text, name)
    except GlossaryError as err:
        return text, err
    return text, None


def _walk(text: str) -> tuple[list[str], bool, list[EntryInfo]]:
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
        declared = [
            str(n.value) for n in langs_node.value if isinstance(n, yaml.ScalarNode)
        ]
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
                _collect(info, lang, value, bool(terms_node.flow_style))
        entries.append(info)
    return declared, has_declared, entries


def _collect(info: EntryInfo, lang: str, node: yaml.Node, flow: bool) -> None:
    def ref(kind: str, index: int, scalar: yaml.Node, in_flow: bool) -> None:
        if isinstance(scalar, yaml.ScalarNode):
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


# ---------------------------------------------------------------- checks


def lint_glossary(path: str | Path) -> LintReport:
    """Every finding for one glossary file. Raises GlossaryError only when the file cannot be read at all."""
    name = str(path)
    text, load_error = _read(path)
    findings: list[Finding] = []
    if load_error is not None and "duplicate id" not in load_error.message:
        code = (
            "E002"
            if " term" in load_error.message and " is empty" in load_error.message
            else "E004"
            if "control character" in load_error.message
            else "E000"
        )
        findings.append(
            Finding(
                code,
                load_error.message,
                name,
                load_error.line,
                load_error.column,
                fix=load_error.hint or None,
            )
        )
        return LintReport(name, findings)
    # Millions of small objects and no cycles: the cyclic collector would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        declared, has_declared, entries = _walk(text)
        findings.extend(_check_ids(name, entries))
        for info in entries:
            findings.extend(_check_entry(name, info, declared if has_declared else []))
        findings.extend(_check_conflicts(name, entries))
    finally:
        if gc_was_enabled:
            gc.enable()
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.code))
    return LintReport(name, findings)


def _check_ids(path: str, entries: list[EntryInfo]) -> list[Finding]:
    first: dict[str, EntryInfo] = {}
    out = []
    for info in entries:
        if info.id in first:
            out.append(
                Finding(
                    "E001",
                    f"duplicate id {info.id!r} (first on line {first[info.id].line})",
                    path,
                    info.line,
                    info.column,
                    entry=info.id,
                    fix="give each concept its own id, or merge the two entries",
                )
            )
        else:
            first[info.id] = info
    return out


def _check_entry(path: str, info: EntryInfo, declared: list[str]) -> list[Finding]:
    out: list[Finding] = []

    def add(
        code: str, ref: TermRef, message: str, fix: str, fixable: bool = False
    ) -> None:
        out.append(
            Finding(
                code,
                message,
                path,
                ref.line,
                ref.column,
                info.id,
                ref.lang,
                ref.text,
                fix,
                fixable,
            )
        )

    for ref in info.terms:
        what = f"entry {info.id!r} {ref.lang} {_kind_name(ref.kind)} {ref.text!r}"
        if not ref.text.strip():
            add(
                "E002",
                ref,
                f"entry {info.id!r} has an empty {ref.lang} {_kind_name(ref.kind)}",
                "write the term or remove it",
            )
            continue
        controls = control_characters(ref.text)
        if controls:
            add(
                "E004",
                ref,
                f"{what} contains control character {', '.join(controls)}",
                "remove it",
            )
        if _is_persian(ref.lang) and ref.kind != "forbidden":
            letters = sorted({c for c in ref.text if c in ARABIC_TO_PERSIAN})
            siblings = {
                t.text
                for t in info.terms
                if t.lang == ref.lang and t is not ref and t.kind != "forbidden"
            }
            # A variant that only spells another form with Arabic letters is reported as I002.
            if letters and fix_term(ref.text, ref.lang) not in siblings:
                shown = ", ".join(f"{c} U+{ord(c):04X}" for c in letters)
                auto = _auto_fixable(info, ref)
                add(
                    "W002",
                    ref,
                    f"{what} has Arabic letters ({shown})",
                    "write Persian ی U+06CC / ک U+06A9" + _how(auto),
                    auto,
                )
        mixed = _mixed_scripts(ref.text)
        if mixed:
            add(
                "W003",
                ref,
                f"{what} mixes scripts ({mixed})",
                "retype the term in one script",
            )
        stripped = ref.text.strip(_EDGE_CHARS)
        if stripped != ref.text or _DOUBLE_SPACE_RE.search(ref.text):
            problem = (
                "leading or trailing space/NBSP/ZWNJ"
                if stripped != ref.text
                else "double space"
            )
            auto = _auto_fixable(info, ref)
            add(
                "W004",
                ref,
                f"{what} has {problem}",
                "trim it to single spaces" + _how(auto),
                auto,
            )
        if unicodedata.normalize("NFC", ref.text) != ref.text:
            auto = _auto_fixable(info, ref)
            add(
                "W006",
                ref,
                f"{what} is not in Unicode NFC",
                "normalise it" + _how(auto),
                auto,
            )
    # E003: a forbidden form that is also accepted (after normalisation) contradicts itself.
    by_lang: dict[str, dict[str, TermRef]] = defaultdict(dict)
    for ref in info.terms:
        if ref.kind != "forbidden" and ref.text.strip():
            key = fold_case(normalize_term(ref.text))
            if key in by_lang[ref.lang]:
                other = by_lang[ref.lang][key]
                add(
                    "I002",
                    ref,
                    f"entry {info.id!r} {ref.lang} variant {ref.text!r} is the same as {other.text!r} when matching",
                    "remove the variant (matching treats them alike)",
                )
            else:
                by_lang[ref.lang][key] = ref
    for ref in info.terms:
        if ref.kind == "forbidden" and ref.text.strip():
            key = fold_case(normalize_term(ref.text))
            accepted = by_lang[ref.lang].get(key)
            if accepted is not None:
                add(
                    "E003",
                    ref,
                    f"entry {info.id!r} {ref.lang} forbidden term {ref.text!r} equals its {_kind_name(accepted.kind)} {accepted.text!r}",
                    "remove one of them",
                )
    if declared and not info.dnt:
        missing = [code for code in declared if code not in info.langs]
        if missing:
            out.append(
                Finding(
                    "W005",
                    f"entry {info.id!r} has no {', '.join(missing)} term",
                    path,
                    info.line,
                    info.column,
                    info.id,
                    fix=f"add {', '.join(f'{m}=...' for m in missing)} (or mark it dnt: true if it is never translated)",
                )
            )
    if info.status == "draft":
        out.append(
            Finding(
                "I001",
                f"entry {info.id!r} is a draft",
                path,
                info.line,
                info.column,
                info.id,
                fix="review it and set status: approved",
            )
        )
    return out


def _auto_fixable(info: EntryInfo, ref: TermRef) -> bool:
    """Would --fix change this term? Not when the result equals another form of the same language."""
    after = (
        _fix_forbidden(ref.text)
        if ref.kind == "forbidden"
        else fix_term(ref.text, ref.lang)
    )
    return (
        after != ref.text
        and bool(after)
        and after
        not in {t.text for t in info.terms if t.lang == ref.lang and t is not ref}
    )


def _how(auto: bool) -> str:
    return (
        " (--fix does it)"
        if auto
        else " (not by --fix: the result would equal another form of this entry)"
    )


def _kind_name(kind: str) -> str:
    return {"preferred": "term", "variant": "variant", "forbidden": "forbidden term"}[
        kind
    ]


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in ("LATIN", "ARABIC", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script.title()
    return "Other"


_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")
_OTHER_SCRIPT_RE = re.compile(
    "[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)


def _mixed_scripts(text: str) -> str | None:
    """'Latin + Arabic' when a term mixes them; Cyrillic/Greek letters in a Latin term are lookalikes."""
    if not _OTHER_SCRIPT_RE.search(text) or not (
        _LATIN_RE.search(text) or len(set(map(_script, text)) - {None}) > 1
    ):
        return None  # the common case, decided without naming every character
    scripts = []
    for char in text:
        script = _script(char)
        if script and script != "Other" and script not in scripts:
            scripts.append(script)
    if len(scripts) < 2:
        return None
    if "Latin" in scripts and ("Cyrillic" in scripts or "Greek" in scripts):
        odd = [c for c in text if _script(c) in ("Cyrillic", "Greek")]
        return f"{' + '.join(scripts)}: lookalike {', '.join(f'{c} U+{ord(c):04X}' for c in dict.fromkeys(odd))}"
    return " + ".join(scripts)


def _check_conflicts(path: str, entries: list[EntryInfo]) -> list[Finding]:
    """W001: the same term (after normalisation) in two entries whose preferred terms differ in another language."""
    owners: dict[tuple[str, str], list[tuple[EntryInfo, TermRef]]] = defaultdict(list)
    for info in entries:
        seen: set[tuple[str, str]] = set()
        for ref in info.terms:
            if ref.kind == "forbidden" or not ref.text.strip():
                continue
            key = (ref.lang, fold_case(normalize_term(ref.text)))
            if key not in seen:
                seen.add(key)
                owners[key].append((info, ref))
    out = []
    reported: set[tuple[str, str]] = set()
    for (lang, _key), holders in owners.items():
        if len(holders) < 2:
            continue
        first_info, first_ref = holders[0]
        for info, ref in holders[1:]:
            if info.id == first_info.id or (first_info.id, info.id) in reported:
                continue
            differing = [
                code
                for code in info.langs
                if code != lang
                and code in first_info.langs
                and info.preferred(code) != first_info.preferred(code)
            ]
            if not differing:
                continue
            reported.add((first_info.id, info.id))
            code = differing[0]
            out.append(
                Finding(
                    "W001",
                    f"{lang} term {ref.text!r} is in entries {first_info.id!r} (line {first_ref.line}) and {info.id!r}, "
                    f"which render it in {code} as {first_info.preferred(code)!r} and {info.preferred(code)!r}",
                    path,
                    ref.line,
                    ref.column,
                    info.id,
                    lang,
                    ref.text,
                    "make one entry, or make the terms differ (a short form is its own entry with its own term)",
                )
            )
    return out


# ---------------------------------------------------------------- fixing


def fix_glossary(path: str | Path) -> list[dict[str, Any]]:
    """Apply the safe fixes in place (see :func:`dragoman.glossary.lint_fix.fix_glossary`)."""
    from dragoman.glossary.lint_fix import fix_glossary as fix

    return fix(path)


def lint_and_fix(path: str | Path, fix: bool = False) -> LintReport:
    """Lint; with ``fix``, apply the safe fixes first and report what is left plus what changed."""
    fixed = fix_glossary(path) if fix else []
    report = lint_glossary(path)
    report.fixed = fixed
    return report
