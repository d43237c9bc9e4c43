"""XML Schema validation with lxml (libxml2), for the exporters' checks of what they wrote.

Exporters keep the schemas of their formats beside them (the built-in ones in
``coursepack.exporters.SCHEMA_DIR``) and pass the path of the one to check against; the
core never validates XML, so this lives on the exporters' side.

Example::

    from coursepack.exporters import SCORM2004_MANIFEST_XSD
    from coursepack.exporters.xsd import validate_xml

    errors = validate_xml(SCORM2004_MANIFEST_XSD, manifest_bytes)
    assert not errors, "\\n".join(errors)
"""

from __future__ import annotations

import functools
from os import PathLike
from pathlib import Path

from lxml import etree

def _make_parser() -> etree.XMLParser:
    """Return a parser that never touches the network or expands entities."""
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)


def load_schema(path: str | PathLike[str]) -> etree.XMLSchema:
    """Compile the XSD at ``path``; compiled once per resolved path per process.

    Raises ``lxml.etree.XMLSchemaParseError`` if libxml2 cannot compile it.
    """
    return _load_schema_cached(Path(path).resolve())


@functools.lru_cache(maxsize=None)
def _load_schema_cached(path: Path) -> etree.XMLSchema:
    document = etree.parse(str(path), _make_parser())
    return etree.XMLSchema(document)


def validate_xml(schema_path: str | PathLike[str], xml_bytes: bytes) -> list[str]:
    """Validate ``xml_bytes`` against the XSD at ``schema_path``.

    Returns libxml2's messages as ``"line N: message"``; an empty list means
    valid. A document that is not well-formed XML yields its syntax error in
    the same form instead of raising.
    """
    schema = load_schema(schema_path)
    try:
        document = etree.fromstring(xml_bytes, _make_parser())
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: {error.msg}"]
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
