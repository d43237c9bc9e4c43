"""``imsmanifest.xml`` (metadata, one organization, one resource per SCO, SCORM 2004 sequencing)
and the LOM metadata of both editions (inline for 2004, ``metadata.xml`` for 1.2)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from coursepack.model import Course

from .editions import XSI, Edition
from .files import SHARED_FILES
from .plan import Sco, sco_outcomes
from .scoring import format_number

#: the LOM metadata file of a SCORM 1.2 package (2004 holds it inside the manifest)
METADATA_FILE = "metadata.xml"
#: ids made from course and module slugs never contain '_', so this one cannot collide
SHARED_RESOURCE = "RES_shared"
#: the IMS content-packaging schemas limit the manifest's version attribute to 20 characters
MANIFEST_VERSION_MAX = 20


def ncname(text: str) -> str:
    """An identifier part that is safe inside an XML NCName."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def qname(edition: Edition, prefix: str | None, local: str) -> str:
    return f"{{{edition.namespaces[prefix]}}}{local}"


def build_manifest(course: Course, scos: tuple[Sco, ...], edition: Edition,
                   sco_files: dict[str, list[str]], shared_files: Iterable[str] = SHARED_FILES) -> bytes:
    """``imsmanifest.xml`` for ``edition``: metadata, one organization, one resource per SCO."""
    ns = edition.namespaces
    cp = lambda local: qname(edition, None, local)  # noqa: E731
    adlcp = lambda local: qname(edition, "adlcp", local)  # noqa: E731
    base = ncname(course.id)
    root = etree.Element(cp("manifest"), nsmap=ns, identifier=f"MANIFEST-{base}")
    if len(course.version) <= MANIFEST_VERSION_MAX:   # IMS CP 1.1.2 caps it; the LOM keeps the full version
        root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{a} {b}" for a, b in edition.schema_locations))
    metadata = sub(root, cp("metadata"))
    sub(metadata, cp("schema"), "ADL SCORM")
    sub(metadata, cp("schemaversion"), edition.schemaversion)
    if edition.name == "scorm12":
        sub(metadata, adlcp("location"), METADATA_FILE)
    else:
        metadata.append(build_lom(course, ns["lom"], "lom"))
    organizations = sub(root, cp("organizations"), default=f"ORG-{base}")
    org = sub(organizations, cp("organization"), identifier=f"ORG-{base}")
    if edition.name == "scorm2004":
        org.set("structure", "hierarchical")
    sub(org, cp("title"), course.title)
    for sco in scos:
        key = ncname(sco.key)
        item = sub(org, cp("item"), identifier=f"ITEM-{key}", identifierref=f"RES-{key}", isvisible="true")
        sub(item, cp("title"), sco.title)
        if edition.name == "scorm12":
            if sco.questions:
                sub(item, adlcp("masteryscore"), format_number(course.completion.mastery_score))
        else:
            add_sequencing(item, edition, course, sco)
    if edition.name == "scorm2004":
        seq = sub(org, qname(edition, "imsss", "sequencing"))
        sub(seq, qname(edition, "imsss", "controlMode"), choice="true", flow="true")
    resources = sub(root, cp("resources"))
    for sco in scos:
        key = ncname(sco.key)
        res = sub(resources, cp("resource"), identifier=f"RES-{key}", type="webcontent", href=sco.href)
        res.set(adlcp(edition.scormtype_attr), "sco")
        for href in sco_files[sco.key]:
            sub(res, cp("file"), href=href)
        sub(res, cp("dependency"), identifierref=SHARED_RESOURCE)
    shared = sub(resources, cp("resource"), identifier=SHARED_RESOURCE, type="webcontent")
    shared.set(adlcp(edition.scormtype_attr), "asset")
    for href in shared_files:
        sub(shared, cp("file"), href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def add_sequencing(item: etree._Element, edition: Edition, course: Course, sco: Sco) -> None:
    """SCORM 2004 item sequencing that Moodle honours: objectives and delivery controls."""
    ss = lambda local: qname(edition, "imsss", local)  # noqa: E731
    seq = sub(item, ss("sequencing"))
    objectives = sub(seq, ss("objectives"))
    primary = sub(objectives, ss("primaryObjective"), objectiveID=f"{ncname(sco.key)}-mastery",
                  satisfiedByMeasure="true" if sco.questions else "false")
    if sco.questions:
        sub(primary, ss("minNormalizedMeasure"), format_number(course.completion.mastery_score / 100))
    for outcome in sco_outcomes(course, sco):
        sub(objectives, ss("objective"), objectiveID=outcome)
    sub(seq, ss("deliveryControls"), tracked="true", completionSetByContent="true",
        objectiveSetByContent="true")


def build_lom(course: Course, namespace: str, root_name: str) -> etree._Element:
    """IEEE LOM (2004) or IMS MD 1.2.1 (1.2) general + lifecycle: title, description, language,
    keywords and version."""
    q = lambda local: f"{{{namespace}}}{local}"  # noqa: E731
    lang = course.language
    is_imsmd = "imsmd" in namespace

    def langstring(parent: etree._Element, text: str) -> None:
        if is_imsmd:
            sub(parent, q("langstring"), text, **{"{http://www.w3.org/XML/1998/namespace}lang": lang})
        else:
            sub(parent, q("string"), text, language=lang)

    root = etree.Element(q(root_name), nsmap={None if is_imsmd else "lom": namespace})
    general = sub(root, q("general"))
    if not is_imsmd:
        identifier = sub(general, q("identifier"))
        sub(identifier, q("catalog"), "coursepack")
        sub(identifier, q("entry"), course.id)
    langstring(sub(general, q("title")), course.title)
    sub(general, q("language"), lang)
    langstring(sub(general, q("description")), course.description)
    for keyword in course.keywords:
        langstring(sub(general, q("keyword")), keyword)
    lifecycle = sub(root, q("lifecycle"))
    langstring(sub(lifecycle, q("version")), course.version)
    return root


def build_metadata_12(course: Course) -> bytes:
    root = build_lom(course, "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "lom")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
