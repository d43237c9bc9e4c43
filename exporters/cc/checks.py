"""The written cartridge read back: manifest and QTI against the CC 1.1 schemas, every resource
file present, every link in a page or a QTI text resolving inside the cartridge."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile

from lxml import etree

from coursepack.problems import Problem, error
from ..xsd import validate_xml
from .. import CC11_MANIFEST_XSD, CC11_QTI_XSD
from ..scorm.checks import declaration_problems, href_problems
from .plan import FILES, FILEBASE
from .qti import q
from .manifest import m


_LINK = re.compile(r'\b(?:src|href)="([^"]*)"')


def cartridge_problems(archive: zipfile.ZipFile, where: str) -> list[Problem]:
    """XSD errors of the manifest and every QTI file, missing, unsafe and undeclared files, broken
    links inside pages."""
    names = set(archive.namelist())
    if "imsmanifest.xml" not in names:
        return [error(where, 0, 0, "imsmanifest.xml is missing at the cartridge root")]
    data = archive.read("imsmanifest.xml")
    problems = [error(where, 0, 0, f"imsmanifest.xml does not validate against the Common Cartridge 1.1 "
                      f"schemas: {message}") for message in validate_xml(CC11_MANIFEST_XSD, data)]
    if problems:
        return problems
    root = etree.fromstring(data)
    resources = {r.get("identifier"): r for r in root.iter(m("resource"))}
    hrefs = [href for e in root.iter(m("file"), m("resource")) if (href := e.get("href")) is not None]
    problems += href_problems(hrefs, names, where, "cartridge")
    declared = {"imsmanifest.xml", *hrefs}
    for element in root.iter(m("item"), m("dependency")):
        ref = element.get("identifierref")
        if ref is not None and ref not in resources:
            problems.append(error(where, 0, 0, f"imsmanifest.xml: identifierref '{ref}' names no resource"))
    problems += declaration_problems(root, names, declared, where, "cartridge")
    for resource in resources.values():
        kind = resource.get("type", "")
        for file in resource.iter(m("file")):
            href = file.get("href")
            if href not in names:
                continue
            if kind.startswith("imsqti_xmlv1p2/") and href.endswith(".xml") and file is resource.find(m("file")):
                data = archive.read(href)
                messages = validate_xml(CC11_QTI_XSD, data)
                problems += [error(where, 0, 0, f"{href} does not validate against the QTI 1.2 profile "
                                   f"schema: {message}") for message in messages]
                if messages:
                    continue
                for text in etree.fromstring(data).iter(q("mattext")):
                    for link in _LINK.findall(text.text or ""):
                        problems += link_problem(where, href, html.unescape(link), names, qti=True)
            elif href.endswith(".html"):
                for link in _LINK.findall(archive.read(href).decode("utf-8")):
                    problems += link_problem(where, href, html.unescape(link), names, qti=False)
    return problems


def link_problem(where: str, page: str, link: str, names: set[str], qti: bool) -> list[Problem]:
    """A link of ``page`` that points inside the cartridge at nothing."""
    if not link or link.startswith(("#", "http://", "https://", "mailto:", "data:")):
        return []
    target = link.split("#", 1)[0]
    if target.startswith(FILEBASE + "/"):
        targets = [f"{FILES}/{target[len(FILEBASE) + 1:]}"]
    elif qti:
        return [error(where, 0, 0, f"{page}: link '{link}' in a question does not start with {FILEBASE}/")]
    else:
        targets = [posixpath.normpath(posixpath.join(posixpath.dirname(page), target))]
    return [error(where, 0, 0, f"{page}: link '{link}' points at '{t}', which the cartridge lacks")
            for t in targets if t not in names]
