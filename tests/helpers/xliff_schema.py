"""The OASIS XLIFF 1.2 (strict) and 2.0 schemas in tests/data/xliff, loaded with every import resolved locally."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "xliff"
XLIFF_12_STRICT = SCHEMAS / "xliff-core-1.2-strict.xsd"
XLIFF_20_CORE = SCHEMAS / "xliff-core-2.0.xsd"
XML_XSD = SCHEMAS / "xml.xsd"


class _LocalXmlXsd(etree.Resolver):
    """Both schemas import the xml: namespace's schema (by URL in 1.2, by a relative path in 2.0): the local copy."""

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        if url and url.rsplit("/", 1)[-1] == "xml.xsd":
            return self.resolve_filename(str(XML_XSD), context)
        return None


def load_schema(path: Path) -> etree.XMLSchema:
    """The schema at ``path``; fails (never skips) when the file is missing, and never reads the network."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalXmlXsd())
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema_errors(schema: etree.XMLSchema, data: bytes) -> list[str]:
    """The schema's complaints about ``data`` (empty when valid), one line each."""
    document = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
