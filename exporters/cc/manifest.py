"""The cartridge's imsmanifest.xml: LOM metadata, the organization (module → overview, lessons,
quiz) and one resource per page, quiz, bank and the shared course files."""

from __future__ import annotations

from lxml import etree

from coursepack.model import Course
from .plan import Plan, module_page, GLOSSARY_PAGE, quiz_file, bank_file, ident
from .qti import ASSESSMENT_TYPE, BANK_TYPE, quiz_questions, sub, quiz_in_cartridge
from .xmlout import XSI, serialize


CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOMR = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"


SCHEMA_LOCATIONS = (
    f"{CP} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
    f"{LOMM} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd "
    f"{LOMR} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd")


def m(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def lm(tag: str) -> str:
    return f"{{{LOMM}}}{tag}"


def langstring(parent: etree._Element, tag: str, text: str, language: str) -> etree._Element:
    element = sub(parent, lm(tag))
    sub(element, lm("string"), text, language=language)
    return element


def build_lom(course: Course) -> etree._Element:
    lang = course.language
    lom = etree.Element(lm("lom"))
    general = sub(lom, lm("general"))
    identifier = sub(general, lm("identifier"))
    sub(identifier, lm("catalog"), "coursepack")
    sub(identifier, lm("entry"), course.id)
    version = sub(general, lm("identifier"))     # the CC 1.1 LOM profile has no lifeCycle version
    sub(version, lm("catalog"), "version")
    sub(version, lm("entry"), course.version)
    langstring(general, "title", course.title, lang)
    sub(general, lm("language"), lang)
    langstring(general, "description", course.description, lang)
    for keyword in course.keywords:
        langstring(general, "keyword", keyword, lang)
    lifecycle = sub(lom, lm("lifeCycle"))
    for author in course.authors:
        contribute = sub(lifecycle, lm("contribute"))
        role = sub(contribute, lm("role"))
        sub(role, lm("value"), "author")
        sub(contribute, lm("entity"), author.name)
        sub(sub(contribute, lm("date")), lm("dateTime"), course.date.isoformat())
    if course.licence:
        rights = sub(lom, lm("rights"))
        restricted = sub(rights, lm("copyrightAndOtherRestrictions"))
        sub(restricted, lm("value"), "yes")
        langstring(rights, "description", course.licence, lang)
    if course.outcomes:
        classification = sub(lom, lm("classification"))
        purpose = sub(classification, lm("purpose"))
        sub(purpose, lm("value"), "educational objective")
        for outcome in course.outcomes:       # the profile allows one taxon per taxonPath
            taxon = sub(sub(classification, lm("taxonPath")), lm("taxon"))
            sub(taxon, lm("id"), outcome.id)
            langstring(taxon, "entry", outcome.text, lang)
    return lom


def build_manifest(p: Plan, labels: dict[str, str], page_files: dict[str, list[str]]) -> bytes:
    course = p.course
    root = etree.Element(m("manifest"), nsmap={None: CP, "lomimscc": LOMM, "lom": LOMR, "xsi": XSI},
                         identifier=ident("M", course.id))
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATIONS)
    metadata = sub(root, m("metadata"))
    sub(metadata, m("schema"), "IMS Common Cartridge")
    sub(metadata, m("schemaversion"), "1.1.0")
    metadata.append(build_lom(course))
    org = sub(sub(root, m("organizations")), m("organization"), identifier=ident("O", course.id),
              structure="rooted-hierarchy")
    top = sub(org, m("item"), identifier=ident("ROOT", course.id))
    resources = sub(root, m("resources"))
    files_id = ident("R", f"{course.id}-files")

    def page_resource(key: str, href: str) -> str:
        rid = ident("R", key)
        resource = sub(resources, m("resource"), identifier=rid, type="webcontent", href=href)
        sub(resource, m("file"), href=href)
        if page_files.get(href):
            sub(resource, m("dependency"), identifierref=files_id)
        return rid

    def leaf(parent: etree._Element, key: str, title: str, rid: str) -> None:
        item = sub(parent, m("item"), identifier=ident("I", key), identifierref=rid)
        sub(item, m("title"), title)

    for module in course.modules:
        folder = sub(top, m("item"), identifier=ident("I", module.id))
        sub(folder, m("title"), module.title)
        leaf(folder, f"{module.id}-overview", module.title,
             page_resource(f"{module.id}-overview", module_page(module)))
        for lesson in module.lessons:
            leaf(folder, lesson.id, lesson.title, page_resource(lesson.id, p.page(lesson)))
        if quiz_in_cartridge(module.quiz):
            quiz = module.quiz
            rid = ident("R", quiz.id)
            resource = sub(resources, m("resource"), identifier=rid, type=ASSESSMENT_TYPE)
            sub(resource, m("file"), href=quiz_file(quiz))
            if any(a.path in p.files for question in quiz_questions(quiz) for a in question.assets):
                sub(resource, m("dependency"), identifierref=files_id)
            leaf(folder, quiz.id, quiz.title, rid)
    if course.glossary:
        leaf(top, f"{course.id}-glossary", labels["glossary"], page_resource(f"{course.id}-glossary", GLOSSARY_PAGE))
    if course.questions:
        bank = sub(resources, m("resource"), identifier=ident("R", f"{course.id}-bank"), type=BANK_TYPE)
        sub(bank, m("file"), href=bank_file(course))
        if any(a.path in p.files for question in course.questions for a in question.assets):
            sub(bank, m("dependency"), identifierref=files_id)
    if p.files:
        shared = sub(resources, m("resource"), identifier=files_id, type="webcontent")
        for target in sorted(p.files.values()):
            sub(shared, m("file"), href=target)
    return serialize(root)
