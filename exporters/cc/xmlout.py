"""What the manifest and the QTI files share: the XML Schema instance namespace and the one way
the cartridge's XML is written."""

from __future__ import annotations

from lxml import etree


XSI = "http://www.w3.org/2001/XMLSchema-instance"


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
