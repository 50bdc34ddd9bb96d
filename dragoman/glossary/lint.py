"""Lint a YAML glossary: findings with a severity, a stable code and file:line; `fix_glossary` applies the safe fixes.

Each check is a small function registered with its code, name, severity and help (translate-toolkit's checks):
`glossary lint --help` and docs are generated from :data:`RULES`. A check looks at one term, one entry, or
the whole file; the YAML walk with positions (:mod:`dragoman.glossary.yamlwalk`) is shared with `--fix`.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dragoman.glossary.normalize import control_characters, fold_case, normalize_term
from dragoman.glossary.termfix import (
    ARABIC_TO_PERSIAN,
    DOUBLE_SPACE_RE,
    EDGE_CHARS,
    auto_fixable,
    fix_term,
    is_persian,
)
from dragoman.glossary.yamlwalk import EntryInfo, TermRef, read_glossary_text, walk

ERROR, WARNING, INFO = "error", "warning", "info"
TERM, ENTRY, FILE = "term", "entry", "file"

# One finding a check reports: (code, message, fix, fixable, where); ``where`` is a TermRef or an EntryInfo.
Found = tuple[str, str, str, bool, "TermRef | EntryInfo"]


@dataclass(frozen=True)
class Rule:
    """A lint rule: a stable code (tools filter on it), a name, a severity, one line of help, and the check
    that finds it (None for E000, which the loader reports)."""

    code: str
    name: str
    severity: str
    help: str
    scope: str = FILE  # what the check looks at: one term, one entry, or the whole file
    check: Callable[..., Iterator[Any]] | None = None


RULES: dict[str, Rule] = {}


Check = Callable[..., Iterator[Any]]


def rule(code: str, name: str, severity: str, help: str, scope: str) -> Callable[[Check], Check]:
    """Register a check under ``code``: a term check takes (entry, term) and yields Found tuples, an entry
    check (entry, declared languages), a file check (entries) and yields (entry, Found)."""

    def register(check: Check) -> Check:
        RULES[code] = Rule(code, name, severity, help, scope, check)
        return check

    return register


# Reported by the loader: the file is not a valid glossary (the first error only, with its position).
RULES["E000"] = Rule("E000", "invalid-glossary", ERROR, "the file does not load (the loader's message and position)")


def rules_help() -> str:
    """The rule list of `glossary lint --help` (and docs), generated from the registry: one line per rule."""
    rules = sorted(RULES.values(), key=_rule_order)
    width = max(len(r.name) for r in rules)
    return "\n".join(f"  {r.code} {r.name:<{width}}  {r.severity}: {r.help}" for r in rules)


def rules_table() -> str:
    """The Markdown table of docs/glossary-interchange.md, generated from the registry (a test compares them)."""
    rows = ["| code | name | severity | what |", "|------|------|----------|------|"]
    rows += [f"| {r.code} | {r.name} | {r.severity} | {r.help} |" for r in sorted(RULES.values(), key=_rule_order)]
    return "\n".join(rows) + "\n"


def _rule_order(r: Rule) -> tuple[int, str]:
    return ("EWI".index(r.code[0]), r.code)


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
        return RULES[self.code].name

    @property
    def severity(self) -> str:
        return RULES[self.code].severity

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


# ---------------------------------------------------------------- checks on one term (non-empty)


def _what(info: EntryInfo, ref: TermRef) -> str:
    return f"entry {info.id!r} {ref.lang} {_kind_name(ref.kind)} {ref.text!r}"


def _how(auto: bool) -> str:
    return " (--fix does it)" if auto else " (not by --fix: the result would equal another form of this entry)"


@rule("E004", "control-character", ERROR, "C0/C1 controls or bidi overrides in a term", TERM)
def _control_character(info: EntryInfo, ref: TermRef) -> Iterator[Found]:
    controls = control_characters(ref.text)
    if controls:
        yield "E004", f"{_what(info, ref)} contains control character {', '.join(controls)}", "remove it", False, ref


@rule("W002", "arabic-letters-in-persian", WARNING, "ي ى ك in a Persian preferred term or variant", TERM)
def _arabic_letters(info: EntryInfo, ref: TermRef) -> Iterator[Found]:
    if not is_persian(ref.lang) or ref.kind == "forbidden":
        return
    letters = sorted({c for c in ref.text if c in ARABIC_TO_PERSIAN})
    siblings = {t.text for t in info.terms if t.lang == ref.lang and t is not ref and t.kind != "forbidden"}
    # A variant that only spells another form with Arabic letters is reported as I002.
    if letters and fix_term(ref.text, ref.lang) not in siblings:
        shown = ", ".join(f"{c} U+{ord(c):04X}" for c in letters)
        auto = auto_fixable(info, ref)
        yield (
            "W002",
            f"{_what(info, ref)} has Arabic letters ({shown})",
            "write Persian ی U+06CC / ک U+06A9" + _how(auto),
            auto,
            ref,
        )


@rule(
    "W003",
    "mixed-scripts",
    WARNING,
    "Latin + Arabic script in one term; Cyrillic/Greek lookalikes in a Latin term",
    TERM,
)
def _mixed(info: EntryInfo, ref: TermRef) -> Iterator[Found]:
    mixed = _mixed_scripts(ref.text)
    if mixed:
        yield "W003", f"{_what(info, ref)} mixes scripts ({mixed})", "retype the term in one script", False, ref


@rule("W004", "whitespace", WARNING, "leading/trailing space, NBSP, ZWNJ; double spaces", TERM)
def _whitespace(info: EntryInfo, ref: TermRef) -> Iterator[Found]:
    stripped = ref.text.strip(EDGE_CHARS)
    if stripped != ref.text or DOUBLE_SPACE_RE.search(ref.text):
        problem = "leading or trailing space/NBSP/ZWNJ" if stripped != ref.text else "double space"
        auto = auto_fixable(info, ref)
        yield "W004", f"{_what(info, ref)} has {problem}", "trim it to single spaces" + _how(auto), auto, ref


@rule("W006", "not-nfc", WARNING, "a term not in Unicode NFC", TERM)
def _not_nfc(info: EntryInfo, ref: TermRef) -> Iterator[Found]:
    if unicodedata.normalize("NFC", ref.text) != ref.text:
        auto = auto_fixable(info, ref)
        yield "W006", f"{_what(info, ref)} is not in Unicode NFC", "normalise it" + _how(auto), auto, ref


# ---------------------------------------------------------------- checks on one entry


@rule("E002", "empty-term", ERROR, "an empty or blank term", ENTRY)
def _empty(info: EntryInfo, declared: list[str]) -> Iterator[Found]:
    for ref in info.terms:
        if not ref.text.strip():
            message = f"entry {info.id!r} has an empty {ref.lang} {_kind_name(ref.kind)}"
            yield "E002", message, "write the term or remove it", False, ref


def _accepted(info: EntryInfo) -> tuple[dict[str, dict[str, TermRef]], list[tuple[TermRef, TermRef]]]:
    """Per language, each accepted form by its matching key; and the forms that repeat an earlier one."""
    by_lang: dict[str, dict[str, TermRef]] = defaultdict(dict)
    repeats = []
    for ref in info.terms:
        if ref.kind != "forbidden" and ref.text.strip():
            key = fold_case(normalize_term(ref.text))
            if key in by_lang[ref.lang]:
                repeats.append((ref, by_lang[ref.lang][key]))
            else:
                by_lang[ref.lang][key] = ref
    return by_lang, repeats


@rule("I002", "redundant-variant", INFO, "a variant that matching treats as the same form as another", ENTRY)
def _redundant_variant(info: EntryInfo, declared: list[str]) -> Iterator[Found]:
    for ref, other in _accepted(info)[1]:
        message = f"entry {info.id!r} {ref.lang} variant {ref.text!r} is the same as {other.text!r} when matching"
        yield "I002", message, "remove the variant (matching treats them alike)", False, ref


@rule(
    "E003",
    "forbidden-equals-preferred",
    ERROR,
    "a forbidden term equals the preferred term or a variant (after matching normalisation)",
    ENTRY,
)
def _forbidden_accepted(info: EntryInfo, declared: list[str]) -> Iterator[Found]:
    if not any(ref.kind == "forbidden" for ref in info.terms):
        return
    by_lang = _accepted(info)[0]
    for ref in info.terms:
        if ref.kind == "forbidden" and ref.text.strip():
            accepted = by_lang[ref.lang].get(fold_case(normalize_term(ref.text)))
            if accepted is not None:
                message = (
                    f"entry {info.id!r} {ref.lang} forbidden term {ref.text!r} equals its "
                    f"{_kind_name(accepted.kind)} {accepted.text!r}"
                )
                yield "E003", message, "remove one of them", False, ref


@rule(
    "W005",
    "missing-language",
    WARNING,
    "an entry lacks a language listed in `languages:` (dnt entries are exempt)",
    ENTRY,
)
def _missing_language(info: EntryInfo, declared: list[str]) -> Iterator[Found]:
    if declared and not info.dnt:
        missing = [code for code in declared if code not in info.langs]
        if missing:
            fix = f"add {', '.join(f'{m}=...' for m in missing)} (or mark it dnt: true if it is never translated)"
            yield "W005", f"entry {info.id!r} has no {', '.join(missing)} term", fix, False, info


@rule("I001", "draft", INFO, "a draft entry", ENTRY)
def _draft(info: EntryInfo, declared: list[str]) -> Iterator[Found]:
    if info.status == "draft":
        yield "I001", f"entry {info.id!r} is a draft", "review it and set status: approved", False, info


# ---------------------------------------------------------------- checks on the whole file


@rule(
    "E001", "duplicate-id", ERROR, "two entries with one id (every duplicate is listed; the rest is still linted)", FILE
)
def _duplicate_ids(entries: list[EntryInfo]) -> Iterator[tuple[EntryInfo, Found]]:
    first: dict[str, EntryInfo] = {}
    for info in entries:
        if info.id in first:
            message = f"duplicate id {info.id!r} (first on line {first[info.id].line})"
            yield info, ("E001", message, "give each concept its own id, or merge the two entries", False, info)
        else:
            first[info.id] = info


@rule(
    "W001",
    "source-term-conflict",
    WARNING,
    "one term in two entries whose preferred terms differ in another language",
    FILE,
)
def _conflicts(entries: list[EntryInfo]) -> Iterator[tuple[EntryInfo, Found]]:
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
                if code != lang and code in first_info.langs and info.preferred(code) != first_info.preferred(code)
            ]
            if not differing:
                continue
            reported.add((first_info.id, info.id))
            code = differing[0]
            message = (
                f"{lang} term {ref.text!r} is in entries {first_info.id!r} (line {first_ref.line}) and {info.id!r}, "
                f"which render it in {code} as {first_info.preferred(code)!r} and {info.preferred(code)!r}"
            )
            fix = "make one entry, or make the terms differ (a short form is its own entry with its own term)"
            yield info, ("W001", message, fix, False, ref)


def _kind_name(kind: str) -> str:
    return {"preferred": "term", "variant": "variant", "forbidden": "forbidden term"}[kind]


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
    if not _OTHER_SCRIPT_RE.search(text) or not (_LATIN_RE.search(text) or len(set(map(_script, text)) - {None}) > 1):
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


# ---------------------------------------------------------------- running the checks


def _finding(path: str, info: EntryInfo, found: Found) -> Finding:
    code, message, fix, fixable, where = found
    if isinstance(where, TermRef):
        return Finding(code, message, path, where.line, where.column, info.id, where.lang, where.text, fix, fixable)
    return Finding(code, message, path, where.line, where.column, info.id, fix=fix, fixable=fixable)


def lint_glossary(path: str | Path) -> LintReport:
    """Every finding for one glossary file. Raises GlossaryError only when the file cannot be read at all."""
    name = str(path)
    text, load_error = read_glossary_text(path)
    findings: list[Finding] = []
    if load_error is not None and load_error.rule != "E001":
        # The loader's first error, with the rule it breaks (empty term, control character) or E000.
        code = load_error.rule if load_error.rule in RULES else "E000"
        findings.append(
            Finding(code, load_error.message, name, load_error.line, load_error.column, fix=load_error.hint or None)
        )
        return LintReport(name, findings)
    term_rules = [r for r in RULES.values() if r.scope == TERM and r.check is not None]
    entry_rules = [r for r in RULES.values() if r.scope == ENTRY and r.check is not None]
    file_rules = [r for r in RULES.values() if r.scope == FILE and r.check is not None]
    # Millions of small objects and no cycles: the cyclic collector would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        declared, has_declared, entries = walk(text)
        for file_rule in file_rules:
            assert file_rule.check is not None
            findings.extend(_finding(name, owner, found) for owner, found in file_rule.check(entries))
        for info in entries:
            for entry_rule in entry_rules:
                assert entry_rule.check is not None
                findings.extend(
                    _finding(name, info, f) for f in entry_rule.check(info, declared if has_declared else [])
                )
            for ref in info.terms:
                if not ref.text.strip():
                    continue  # E002 says so; the other term checks need a term
                for term_rule in term_rules:
                    assert term_rule.check is not None
                    findings.extend(_finding(name, info, f) for f in term_rule.check(info, ref))
    finally:
        if gc_was_enabled:
            gc.enable()
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.code))
    return LintReport(name, findings)


# ---------------------------------------------------------------- fixing


def fix_glossary(path: str | Path) -> list[dict[str, Any]]:
    """Apply the safe fixes in place (see :func:`dragoman.glossary.lint_fix.fix_glossary`, which imports nothing
    of this module: imported here only for --fix, it costs plain linting nothing)."""
    from dragoman.glossary.lint_fix import fix_glossary as apply_fixes

    return apply_fixes(path)


def lint_and_fix(path: str | Path, fix: bool = False) -> LintReport:
    """Lint; with ``fix``, apply the safe fixes first and report what is left plus what changed."""
    fixed = fix_glossary(path) if fix else []
    report = lint_glossary(path)
    report.fixed = fixed
    return report
