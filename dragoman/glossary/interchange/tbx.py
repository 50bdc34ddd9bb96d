"""TBX glossaries: TBX v3 (ISO 30042:2019, TBX-Basic, DCA style) import and export; TBX v2 (martif) import.

Mapping (YAML <-> TBX v3):

- entry ``id``            <-> ``conceptEntry@id`` (an id starting with a digit gets a leading ``_``,
  since XML ids cannot start with one; import drops it again)
- preferred term          <-> ``termSec`` with ``termNote type="administrativeStatus"`` ``preferredTerm-admn-sts``
- variants                <-> ``admittedTerm-admn-sts``
- forbidden               <-> ``deprecatedTerm-admn-sts`` (``supersededTerm-admn-sts`` also imports as forbidden)
- ``note``                <-> ``<note>`` on the conceptEntry (a ``descrip type="definition"`` imports as the note
  when there is no note)
- fields TBX has no data category for travel as dragoman-specific admin elements on the conceptEntry:
  ``<admin type="x-dragoman-type">person</admin>``, ``x-dragoman-dnt`` (true), ``x-dragoman-case``
  (sensitive/insensitive), ``x-dragoman-status`` (draft), ``x-dragoman-source``. Other tools ignore them.

A term with no administrativeStatus imports as the preferred term when its language has none, else
as a variant. Not held: languages declared in ``languages:`` that no entry uses, YAML comments,
the glossary's name and description.

XML is parsed with defusedxml: entity declarations are refused, external entities and DTDs are
never fetched; errors name the file and line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from dragoman.errors import GlossaryError
from dragoman.glossary.interchange import (
    ExportIssue,
    IdMaker,
    decode_text,
    normalize_code,
)
from dragoman.glossary.model import (
    CASE_MODES,
    ENTRY_TYPES,
    STATUSES,
    Entry,
    Glossary,
    LangTerms,
    Origin,
)
from dragoman.glossary.normalize import control_characters

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_PREFERRED = "preferredTerm-admn-sts"
STATUS_ADMITTED = "admittedTerm-admn-sts"
STATUS_DEPRECATED = "deprecatedTerm-admn-sts"
_KIND_OF_STATUS = {
    "preferredterm-admn-sts": "preferred",
    "preferredterm": "preferred",
    "admittedterm-admn-sts": "variant",
    "admittedterm": "variant",
    "deprecatedterm-admn-sts": "forbidden",
    "deprecatedterm": "forbidden",
    "supersededterm-admn-sts": "forbidden",
    "supersededterm": "forbidden",
}
_ADMIN = "x-dragoman-"


class TbxFormat:
    """TBX-Basic v3 writer, v3 + v2 reader."""

    name = "tbx"

    # ------------------------------------------------------------------ export

    def check(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> list[ExportIssue]:
        issues = []
        for entry in glossary:
            for code, side in entry.terms.items():
                for form in [side.preferred or "", *side.variants, *side.forbidden]:
                    bad = [c for c in control_characters(form) if c not in ("U+0009", "U+000A", "U+000D")]
                    if bad:  # XML 1.0 cannot hold C0 controls other than tab and line breaks
                        issues.append(
                            ExportIssue(
                                entry.id,
                                f"{code}: control character {', '.join(bad)} in {form!r}",
                            )
                        )
        return issues

    def write(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> str:
        langs = _languages(glossary, source, target)
        ET.register_namespace("", TBX_NS)
        q = _qualify
        root = ET.Element(
            q("tbx"),
            {
                "type": "TBX-Basic",
                "style": "dca",
                XML_LANG: (source or (langs[0] if langs else "en")),
            },
        )
        header = ET.SubElement(root, q("tbxHeader"))
        file_desc = ET.SubElement(header, q("fileDesc"))
        source_desc = ET.SubElement(file_desc, q("sourceDesc"))
        ET.SubElement(source_desc, q("p")).text = "Exported by dragoman"
        body = ET.SubElement(ET.SubElement(root, q("text")), q("body"))
        for entry in glossary:
            sides = [(code, entry.terms[code]) for code in langs if code in entry.terms]
            if not sides:
                continue
            concept = ET.SubElement(
                body,
                q("conceptEntry"),
                {"id": entry.id if entry.id[0].isalpha() else "_" + entry.id},
            )
            admin = {
                "type": entry.type,
                "dnt": "true" if entry.dnt else None,
                "case": entry.case if entry.case != "smart" else None,
                "status": entry.status if entry.status != "approved" else None,
                "source": entry.source,
            }
            for key, value in admin.items():
                if value is not None:
                    ET.SubElement(concept, q("admin"), {"type": _ADMIN + key}).text = value
            if entry.note is not None:
                ET.SubElement(concept, q("note")).text = entry.note
            for code, side in sides:
                lang_sec = ET.SubElement(concept, q("langSec"), {XML_LANG: code})
                forms = [(side.preferred, STATUS_PREFERRED)] if side.preferred is not None else []
                forms += [(v, STATUS_ADMITTED) for v in side.variants] + [
                    (f, STATUS_DEPRECATED) for f in side.forbidden
                ]
                for form, status in forms:
                    term_sec = ET.SubElement(lang_sec, q("termSec"))
                    ET.SubElement(term_sec, q("term")).text = form
                    ET.SubElement(term_sec, q("termNote"), {"type": "administrativeStatus"}).text = status
        ET.indent(root, space="  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    # ------------------------------------------------------------------ import

    def read(
        self,
        data: bytes,
        path: str,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> Glossary:
        decode_text(data, path, "TBX glossary")  # binary / UTF-8 / empty checks with their line
        root, lines = _parse(data, path)
        return _Reader(path, lines).glossary(root)


def _qualify(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _languages(glossary: Glossary, source: str | None, target: str | None) -> list[str]:
    langs = list(glossary.languages)
    for entry in glossary:
        for code in entry.terms:
            if code not in langs:
                langs.append(code)
    if source and target:  # --from/--to: only that pair, source first
        return [code for code in (source, target) if code in langs]
    return langs


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line each element starts on (ElementTree keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.expat: Any = None

    def start(self, tag: Any, attrs: Any) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber if self.expat is not None else 0
        return element


def _parse(data: bytes, path: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as err:
        line, column = err.position
        what = str(err).split(":")[0]
        raise GlossaryError(
            f"malformed XML: {what}",
            path,
            line,
            column + 1,
            hint="fix the XML (unclosed or mismatched tags, stray '&' or '<')",
        ) from None
    except DefusedXmlException as err:
        current = getattr(builder.expat, "CurrentLineNumber", None)
        raise GlossaryError(
            f"entity or external reference refused ({type(err).__name__})",
            path,
            int(current) if current is not None else None,
            hint="remove the <!ENTITY ...> declarations: TBX files do not need them",
        ) from None
    return root, builder.lines


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


class _Reader:
    def __init__(self, path: str, lines: dict[ET.Element, int]) -> None:
        self.path = path
        self.lines = lines
        self.ids = IdMaker()

    def fail(self, element: ET.Element, message: str, hint: str) -> GlossaryError:
        return GlossaryError(message, self.path, self.lines.get(element), hint=hint)

    def glossary(self, root: ET.Element) -> Glossary:
        kind = _local(root.tag)
        if kind not in ("tbx", "martif"):
            raise self.fail(
                root,
                f"not a TBX file (root element <{kind}>)",
                hint="give a TBX file (<tbx> for TBX v3, <martif> for TBX v2)",
            )
        concept_tag = "conceptEntry" if kind == "tbx" else "termEntry"
        glossary = Glossary(path=self.path)
        head_lang = root.get(XML_LANG)
        if head_lang:
            head_code = normalize_code(head_lang)
            if head_code:
                glossary.languages.append(head_code)
        body = next((el for el in root.iter() if _local(el.tag) == "body"), None)
        if body is None:
            raise self.fail(
                root,
                "the TBX file has no <text><body>",
                hint="put the entries in <text><body>...</body></text>",
            )
        for concept in body:
            if _local(concept.tag) not in ("conceptEntry", "termEntry"):
                continue
            entry = self.entry(concept)
            glossary.add(entry)
            for code in entry.terms:
                if code not in glossary.languages:
                    glossary.languages.append(code)
        if not glossary.entries:
            raise self.fail(
                body,
                f"the TBX file has no <{concept_tag}> entries",
                hint="add at least one entry",
            )
        if head_lang and glossary.languages and not any(glossary.languages[0] in e.terms for e in glossary):
            glossary.languages.pop(0)
        return glossary

    def entry(self, concept: ET.Element) -> Entry:
        raw_id = concept.get("id") or ""
        wanted = raw_id.removeprefix("_")
        fields: dict[str, str] = {}
        note: str | None = None
        definition: str | None = None
        sides: dict[str, dict[str, list[str]]] = {}
        for child in concept:
            tag = _local(child.tag)
            ctype = child.get("type") or ""
            if tag == "admin" and ctype.startswith(_ADMIN):
                fields[ctype[len(_ADMIN) :]] = _text(child)
                self.check_field(child, ctype[len(_ADMIN) :], _text(child))
            elif tag == "note" and note is None:
                note = _text(child)
            elif tag in ("descrip", "descripGrp"):
                descrip = child if tag == "descrip" else next((d for d in child if _local(d.tag) == "descrip"), None)
                if descrip is not None and descrip.get("type") == "definition" and definition is None:
                    definition = _text(descrip)
            elif tag in ("langSec", "langSet"):
                self.lang_section(child, sides)
        terms: dict[str, LangTerms] = {}
        for code, kinds in sides.items():
            side = LangTerms()
            preferred = kinds["preferred"]
            unmarked = kinds["unmarked"]
            if preferred:
                side.preferred = preferred[0]
                side.variants = preferred[1:] + kinds["variant"] + unmarked
            elif unmarked:
                side.preferred = unmarked[0]
                side.variants = kinds["variant"] + unmarked[1:]
            else:
                side.variants = kinds["variant"]
            side.forbidden = kinds["forbidden"]
            terms[code] = side
        if not terms:
            raise self.fail(
                concept,
                f"entry {raw_id or '(no id)'} has no terms",
                hint="add a langSec with at least one termSec/term",
            )
        entry = Entry(
            id=self.ids.make([(c, s.preferred or "") for c, s in terms.items()], wanted or None),
            terms=terms,
            origin=Origin(self.path, self.lines.get(concept)),
        )
        entry.note = note if note is not None else definition
        if "type" in fields:
            entry.type = fields["type"]
        entry.dnt = fields.get("dnt") == "true"
        entry.case = fields.get("case", "smart")
        entry.status = fields.get("status", "approved")
        entry.source = fields.get("source")
        return entry

    def check_field(self, element: ET.Element, key: str, value: str) -> None:
        allowed = {
            "type": ENTRY_TYPES,
            "dnt": ("true", "false"),
            "case": CASE_MODES,
            "status": STATUSES,
        }
        if key in allowed and value not in allowed[key]:
            raise self.fail(
                element,
                f"unknown {key} {value!r}",
                hint=f"use one of: {', '.join(allowed[key])}",
            )
        if key not in allowed and key != "source":
            raise self.fail(
                element,
                f"unknown dragoman field {_ADMIN + key!r}",
                hint="known: " + ", ".join(_ADMIN + k for k in [*allowed, "source"]),
            )

    def lang_section(self, section: ET.Element, sides: dict[str, dict[str, list[str]]]) -> None:
        raw = section.get(XML_LANG) or section.get("lang") or ""
        code = normalize_code(raw)
        if code is None:
            raise self.fail(
                section,
                f"unknown language code {raw!r} in xml:lang",
                hint="use an ISO 639 code such as en, ms, fa",
            )
        kinds = sides.setdefault(code, {"preferred": [], "variant": [], "forbidden": [], "unmarked": []})
        for holder in section:
            tag = _local(holder.tag)
            if tag not in ("termSec", "tig", "ntig"):
                continue
            term_el = next((el for el in holder.iter() if _local(el.tag) == "term"), None)
            if term_el is None:
                raise self.fail(holder, f"<{tag}> without a <term>", hint="add <term>...</term>")
            form = _text(term_el)
            if not form.strip():
                raise self.fail(term_el, "empty <term>", hint="write the term or remove its section")
            status = None
            for note in holder.iter():
                if _local(note.tag) == "termNote" and note.get("type") in (
                    "administrativeStatus",
                    "normativeAuthorization",
                ):
                    value = _text(note).strip()
                    status = _KIND_OF_STATUS.get(value.lower())
                    if status is None:
                        raise self.fail(
                            note,
                            f"unknown administrativeStatus {value!r}",
                            hint="use preferredTerm-admn-sts, admittedTerm-admn-sts or deprecatedTerm-admn-sts",
                        )
            kinds[status or "unmarked"].append(form)


TBX = TbxFormat()
