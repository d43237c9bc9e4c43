"""IMS Common Cartridge 1.1 (``.imscc``): pages, quizzes as QTI 1.2 and a question bank.

The cartridge is what Canvas, Blackboard, Brightspace and Moodle import as a course, and what
Open edX converts with ``cc2olx``. Layout (paths inside the zip):

* ``imsmanifest.xml`` — CC 1.1 manifest: LOM metadata, one organization
  (module → overview page, lessons, quiz), one resource per page, quiz and the question bank;
* ``wiki_content/<id>.html`` — one web content page per lesson, per module overview (summary and
  learning outcomes) and the glossary; lesson HTML is the model's, with course files pointed at
  ``web_resources/`` and links between lessons pointed at the other page;
* ``web_resources/<path>`` — every course file the pages and questions use (one shared resource);
* ``assessments/<quiz-id>.xml`` — one QTI 1.2 assessment per module quiz (CC QTI profile);
* ``question_bank/<course-id>.xml`` — every question of the course (QTI objectbank).

The profile has single and multiple choice, true/false, fill in the blank and essay. Numerical
and matching questions have no profile type: they are written only into the question bank, with
Canvas's ``question_type`` metadata, and ``preflight`` warns about each one. Open edX's converter
gives up on a whole quiz that holds a question outside the profile, so the quizzes leave them out.

The zip is reproducible like the SCORM packages: sorted entries, fixed date and permissions.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Literal, assert_never

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import (AnyQuestion, Course, Essay, Lesson, Matching, Module, MultipleChoice, Numerical,
                              Question, Quiz, ShortAnswer, SingleChoice, TrueFalse)
from coursepack.problems import Problem, error, warning
from coursepack.references import package_path, point_references
from .xsd import validate_xml

from . import CC11_MANIFEST_XSD, CC11_QTI_XSD
from .scorm import format_number, href_problems, ncname, write_zip, zip_date_time

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOMR = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
SCHEMA_LOCATIONS = (
    f"{CP} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
    f"{LOMM} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd "
    f"{LOMR} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd")
QTI_LOCATION = f"{QTI} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"

ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
BANK_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"
PAGES = "wiki_content"
FILES = "web_resources"
FILEBASE = "$IMS-CC-FILEBASE$"

#: the CC 1.1 QTI profile's own question types (cc_profile)
PROFILE: dict[type[Question], str] = {
    SingleChoice: "cc.multiple_choice.v0p1", MultipleChoice: "cc.multiple_response.v0p1",
    TrueFalse: "cc.true_false.v0p1", ShortAnswer: "cc.fib.v0p1", Essay: "cc.essay.v0p1"}
#: Canvas's question_type names (Canvas reads these before cc_profile)
CANVAS_TYPE: dict[type[Question], str] = {
    SingleChoice: "multiple_choice_question", MultipleChoice: "multiple_answers_question",
    TrueFalse: "true_false_question", ShortAnswer: "short_answer_question", Essay: "essay_question",
    Numerical: "numerical_question", Matching: "matching_question"}
OUTSIDE_PROFILE = (Numerical, Matching)


class CcOptions(BaseModel):
    """``exporters: cc:`` in course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal["1.1"] = Field("1.1", description="Common Cartridge version (1.1: what Canvas, "
                                    "Blackboard, Brightspace, Moodle and Open edX import)")
    file_links: Literal["relative", "filebase"] = Field(
        "relative", description="how pages point at their images and files: relative paths (the "
        "standard; Moodle, Canvas, Blackboard, Brightspace) or $IMS-CC-FILEBASE$/… (Canvas's own "
        "export style, which Open edX's cc2olx needs to find page images)")


# --- names -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """Every file of the cartridge and the names that link them."""

    course: Course
    options: CcOptions
    files: dict[str, str]          # asset path -> path in the cartridge (web_resources/...)
    pages: dict[str, str]          # lesson source (.md) -> page path in the cartridge

    def page(self, lesson: Lesson) -> str:
        return self.pages[lesson.source]


def plan(course: Course, options: CcOptions) -> Plan:
    files = {a.path: f"{FILES}/{package_path(a.path)}" for a in course.assets}
    pages = {lesson.source: f"{PAGES}/{ncname(lesson.id)}.html" for lesson in course.lessons}
    return Plan(course, options, files, pages)


def module_page(module: Module) -> str:
    return f"{PAGES}/{ncname(module.id)}-overview.html"


GLOSSARY_PAGE = f"{PAGES}/glossary.html"


def quiz_file(quiz: Quiz) -> str:
    return f"assessments/{ncname(quiz.id)}.xml"


def bank_file(course: Course) -> str:
    return f"question_bank/{ncname(course.id)}.xml"


def ident(kind: str, key: str) -> str:
    """An xs:ID (NCName) from a stable key: ``<kind>_<key>``."""
    return f"{kind}_{ncname(key)}"


# --- HTML ------------------------------------------------------------------------------------

def page_targets(p: Plan, page: str) -> dict[str, str]:
    """How a page at ``page`` reaches each course file and each lesson."""
    folder = posixpath.dirname(page)
    targets: dict[str, str] = {}
    for path, target in p.files.items():
        if p.options.file_links == "filebase":
            targets[path] = f"{FILEBASE}/{target[len(FILES) + 1:]}"
        else:
            targets[path] = posixpath.relpath(target, folder)
    for source, target in p.pages.items():
        targets[source] = posixpath.relpath(target, folder)
    return targets


def qti_targets(p: Plan) -> dict[str, str]:
    """Course files as QTI texts reach them: ``$IMS-CC-FILEBASE$/<path>`` naming
    ``web_resources/<path>``, as Canvas writes and reads it and Open edX's cc2olx reads it.
    (Moodle's importer reads it as the QTI file's own folder, and even in the form it expects
    keeps no working link to a question's image: README says so.)"""
    return {path: f"{FILEBASE}/{target[len(FILES) + 1:]}" for path, target in p.files.items()}


def quiz_questions(quiz: Quiz) -> list[Question]:
    return [question for question in quiz.questions if not isinstance(question, OUTSIDE_PROFILE)]


def html_page(language: str, title: str, body: str) -> bytes:
    escaped = html.escape(title, quote=False)
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escaped}</title>\n</head>\n<body>\n<h1>{escaped}</h1>\n{body.strip()}\n"
            "</body>\n</html>\n").encode("utf-8")


def outcomes_html(title: str, outcomes) -> str:
    if not outcomes:
        return ""
    items = "".join(f'<li><strong>{html.escape(o.id)}</strong> {html.escape(o.text)}</li>\n' for o in outcomes)
    return f'<h2>{html.escape(title)}</h2>\n<ul class="outcomes">\n{items}</ul>\n'


def lesson_page(p: Plan, lesson: Lesson) -> bytes:
    page = p.page(lesson)
    return html_page(p.course.language, lesson.title, point_references(lesson.html, page_targets(p, page)))


def overview_page(p: Plan, module: Module, labels: dict[str, str]) -> bytes:
    page = module_page(module)
    body = point_references(module.summary_html, page_targets(p, page)) + "\n" + \
        outcomes_html(labels["outcomes"], module.outcomes)
    return html_page(p.course.language, module.title, body)


def glossary_page(p: Plan, labels: dict[str, str]) -> bytes:
    targets = page_targets(p, GLOSSARY_PAGE)
    rows = "".join(f"<dt>{html.escape(e.term)}</dt>\n<dd>{point_references(e.definition_html, targets)}</dd>\n"
                   for e in p.course.glossary)
    return html_page(p.course.language, labels["glossary"], f'<dl class="glossary">\n{rows}</dl>')


# --- QTI -------------------------------------------------------------------------------------

def q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def mattext(parent: etree._Element, text: str) -> etree._Element:
    material = sub(parent, q("material"))
    return sub(material, q("mattext"), text, texttype="text/html")


def metadata_field(parent: etree._Element, label: str, entry: str) -> None:
    field = sub(parent, q("qtimetadatafield"))
    sub(field, q("fieldlabel"), label)
    sub(field, q("fieldentry"), entry)


class QtiWriter:
    """One question as a QTI 1.2 ``<item>`` of the CC profile (or Canvas's, outside it)."""

    def __init__(self, p: Plan, labels: dict[str, str]):
        self.targets = qti_targets(p)
        self.labels = labels

    def text(self, value: str) -> str:
        return point_references(value.strip(), self.targets)

    def stem(self, question: Question) -> str:
        stem = question.stem_html.strip()
        if question.image is not None:
            src = self.targets.get(question.image.path, question.image.path)
            stem += f'\n<p><img src="{html.escape(src)}" alt="{html.escape(question.image_alt)}"></p>'
        return self.text(stem)

    def item(self, parent: etree._Element, question: AnyQuestion) -> etree._Element:
        item = sub(parent, q("item"), ident=ident("Q", question.id), title=question.id)
        meta = sub(sub(item, q("itemmetadata")), q("qtimetadata"))
        metadata_field(meta, "cc_profile", PROFILE.get(type(question), CANVAS_TYPE[type(question)]))
        metadata_field(meta, "cc_weighting", format_number(question.points))
        metadata_field(meta, "question_type", CANVAS_TYPE[type(question)])
        metadata_field(meta, "points_possible", format_number(question.points))
        presentation = sub(item, q("presentation"))
        mattext(presentation, self.stem(question))
        feedbacks: list[tuple[str, str]] = []
        if question.feedback_html.strip():
            feedbacks.append(("general_fb", question.feedback_html))
        match question:
            case SingleChoice() | TrueFalse():
                self.single(item, presentation, question, feedbacks)
            case MultipleChoice():
                self.multiple(item, presentation, question, feedbacks)
            case ShortAnswer():
                self.shortanswer(item, presentation, question, feedbacks)
            case Numerical():
                self.numerical(item, presentation, question, feedbacks)
            case Matching():
                self.matching(item, presentation, question, feedbacks)
            case Essay():
                self.essay(item, presentation, question, feedbacks)
            case _:
                assert_never(question)
        for key, text in feedbacks:
            feedback = sub(item, q("itemfeedback"), ident=key)
            mattext(sub(feedback, q("flow_mat")), self.text(text))
        return item

    def resprocessing(self, item: etree._Element, question: Question, feedbacks) -> etree._Element:
        processing = sub(item, q("resprocessing"))
        sub(sub(processing, q("outcomes")), q("decvar"), varname="SCORE", vartype="Decimal",
            minvalue="0", maxvalue="100")
        if any(key == "general_fb" for key, _ in feedbacks):
            general = sub(processing, q("respcondition"), title="General feedback", **{"continue": "Yes"})
            sub(sub(general, q("conditionvar")), q("other"))
            sub(general, q("displayfeedback"), feedbacktype="Response", linkrefid="general_fb")
        return processing

    def choices(self, presentation, question: SingleChoice | MultipleChoice | TrueFalse,
                cardinality: str) -> list[tuple[str, str, bool, str]]:
        """(ident, html, correct, feedback html) of each choice, in source order."""
        if isinstance(question, TrueFalse):
            rows = [("true", self.labels["true"], question.answer is True, question.feedback_true_html),
                    ("false", self.labels["false"], question.answer is False, question.feedback_false_html)]
            shuffle = False
        else:
            rows = [(f"c{i}", c.html, c.correct, c.feedback_html) for i, c in enumerate(question.choices, start=1)]
            shuffle = question.shuffle
        lid = sub(presentation, q("response_lid"), ident="response1", rcardinality=cardinality)
        render = sub(lid, q("render_choice"), shuffle="Yes" if shuffle else "No")
        for key, text, _, _ in rows:
            mattext(sub(render, q("response_label"), ident=key), self.text(text))
        return rows

    def single(self, item, presentation, question: SingleChoice | TrueFalse, feedbacks) -> None:
        rows = self.choices(presentation, question, "Single")
        processing = self.resprocessing(item, question, feedbacks)
        # the right answer first (continue="No"): readers that stop at the first such condition
        # (Open edX's converter) see only the right choice as right
        ordered = [r for r in rows if r[2]] + [r for r in rows if not r[2]]
        for key, _, correct, feedback in ordered:
            condition = sub(processing, q("respcondition"), **{"continue": "No"})
            sub(sub(condition, q("conditionvar")), q("varequal"), key, respident="response1")
            if correct:
                sub(condition, q("setvar"), "100", action="Set", varname="SCORE")
            if feedback.strip():
                sub(condition, q("displayfeedback"), feedbacktype="Response", linkrefid=f"{key}_fb")
                feedbacks.append((f"{key}_fb", feedback))

    def multiple(self, item, presentation, question: MultipleChoice, feedbacks) -> None:
        rows = self.choices(presentation, question, "Multiple")
        processing = self.resprocessing(item, question, feedbacks)
        right = sub(processing, q("respcondition"), title="Correct", **{"continue": "No"})
        both = sub(sub(right, q("conditionvar")), q("and"))
        for key, _, correct, _ in rows:
            if correct:
                sub(both, q("varequal"), key, respident="response1", case="Yes")
            else:
                sub(sub(both, q("not")), q("varequal"), key, respident="response1", case="Yes")
        sub(right, q("setvar"), "100", action="Set", varname="SCORE")
        for key, _, correct, feedback in rows:
            if correct and feedback.strip():
                sub(right, q("displayfeedback"), feedbacktype="Response", linkrefid=f"{key}_fb")
        for key, _, correct, feedback in rows:
            if not feedback.strip():
                continue
            # continue="No" like the single-choice conditions: Moodle's importer adds the feedback
            # of every continue="Yes" condition to the question's general feedback
            condition = sub(processing, q("respcondition"), **{"continue": "No"})
            sub(sub(condition, q("conditionvar")), q("varequal"), key, respident="response1", case="Yes")
            sub(condition, q("displayfeedback"), feedbacktype="Response", linkrefid=f"{key}_fb")
            feedbacks.append((f"{key}_fb", feedback))

    def shortanswer(self, item, presentation, question: ShortAnswer, feedbacks) -> None:
        response = sub(presentation, q("response_str"), ident="response1", rcardinality="Single")
        sub(response, q("render_fib"), rows="1", fibtype="String", prompt="Box")
        processing = self.resprocessing(item, question, feedbacks)
        case = "Yes" if question.case_sensitive else "No"
        full = [a for a in question.text_answers if a.weight >= 100]
        partial = [a for a in question.text_answers if 0 < a.weight < 100]
        right = sub(processing, q("respcondition"), title="Correct", **{"continue": "No"})
        condition = sub(right, q("conditionvar"))
        for answer in full:
            sub(condition, q("varequal"), answer.text.strip(), respident="response1", case=case)
        sub(right, q("setvar"), "100", action="Set", varname="SCORE")
        first = next((a for a in full if a.feedback_html.strip()), None)
        if first is not None:
            sub(right, q("displayfeedback"), feedbacktype="Response", linkrefid="correct_fb")
            feedbacks.append(("correct_fb", first.feedback_html))
        for i, answer in enumerate(partial, start=1):
            condition = sub(processing, q("respcondition"), **{"continue": "No"})
            sub(sub(condition, q("conditionvar")), q("varequal"), answer.text.strip(), respident="response1",
                case=case)
            sub(condition, q("setvar"), format_number(answer.weight), action="Set", varname="SCORE")
            if answer.feedback_html.strip():
                sub(condition, q("displayfeedback"), feedbacktype="Response", linkrefid=f"a{i}_fb")
                feedbacks.append((f"a{i}_fb", answer.feedback_html))

    def essay(self, item, presentation, question: Essay, feedbacks) -> None:
        response = sub(presentation, q("response_str"), ident="response1", rcardinality="Single")
        sub(response, q("render_fib"), rows=str(question.response_lines), fibtype="String", prompt="Box")
        processing = self.resprocessing(item, question, feedbacks)
        if not feedbacks:
            condition = sub(processing, q("respcondition"), **{"continue": "No"})
            sub(sub(condition, q("conditionvar")), q("other"))

    def numerical(self, item, presentation, question: Numerical, feedbacks) -> None:
        """Canvas's numerical_question within what the profile schema allows: a decimal fib with
        each accepted value as an exact answer (the profile has no range test, so a tolerance
        cannot be written; the preflight warning says so)."""
        response = sub(presentation, q("response_str"), ident="response1", rcardinality="Single")
        sub(response, q("render_fib"), fibtype="Decimal", rows="1", prompt="Box")
        processing = self.resprocessing(item, question, feedbacks)
        for i, answer in enumerate(question.number_answers, start=1):
            condition = sub(processing, q("respcondition"), **{"continue": "No"})
            sub(sub(condition, q("conditionvar")), q("varequal"), format_number(answer.value), respident="response1")
            sub(condition, q("setvar"), format_number(answer.weight), action="Set", varname="SCORE")
            if answer.feedback_html.strip():
                sub(condition, q("displayfeedback"), feedbacktype="Response", linkrefid=f"a{i}_fb")
                feedbacks.append((f"a{i}_fb", answer.feedback_html))

    def matching(self, item, presentation, question: Matching, feedbacks) -> None:
        """Canvas's matching_question within what the profile schema allows: one choice list per
        left side; all pairs right gives the points (the profile can only set the score)."""
        rights = list(dict.fromkeys(p.right.strip() for p in question.pairs))
        right_id = {text: f"r{i}" for i, text in enumerate(rights, start=1)}
        for i, pair in enumerate(question.pairs, start=1):
            lid = sub(presentation, q("response_lid"), ident=f"response_m{i}", rcardinality="Single")
            mattext(lid, self.text(pair.left_html))
            render = sub(lid, q("render_choice"), shuffle="Yes" if question.shuffle else "No")
            for text in rights:
                mattext(sub(render, q("response_label"), ident=right_id[text]), html.escape(text))
        processing = self.resprocessing(item, question, feedbacks)
        condition = sub(processing, q("respcondition"), title="Correct", **{"continue": "No"})
        every = sub(sub(condition, q("conditionvar")), q("and"))
        for i, pair in enumerate(question.pairs, start=1):
            sub(every, q("varequal"), right_id[pair.right.strip()], respident=f"response_m{i}")
        sub(condition, q("setvar"), "100", action="Set", varname="SCORE")


def questestinterop() -> etree._Element:
    root = etree.Element(q("questestinterop"), nsmap={None: QTI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", QTI_LOCATION)
    return root


def assessment_xml(p: Plan, module: Module, writer: QtiWriter) -> bytes:
    quiz = module.quiz
    assert quiz is not None
    root = questestinterop()
    assessment = sub(root, q("assessment"), ident=ident("A", quiz.id), title=quiz.title)
    meta = sub(assessment, q("qtimetadata"))
    metadata_field(meta, "cc_profile", "cc.exam.v0p1")
    metadata_field(meta, "qmd_assessmenttype", "Examination")
    metadata_field(meta, "qmd_scoretype", "Percentage")
    metadata_field(meta, "qmd_feedbackpermitted", "Yes")
    metadata_field(meta, "qmd_hintspermitted", "No")
    metadata_field(meta, "qmd_solutionspermitted", "Yes")
    metadata_field(meta, "qmd_timelimit", "0")
    metadata_field(meta, "cc_maxattempts", "unlimited")
    section = sub(assessment, q("section"), ident=ident("S", quiz.id), title=quiz.title)
    for question in quiz.questions:
        if not isinstance(question, OUTSIDE_PROFILE):
            writer.item(section, question)
    return serialize(root)


def bank_xml(p: Plan, writer: QtiWriter) -> bytes:
    root = questestinterop()
    bank = sub(root, q("objectbank"), ident=ident("B", p.course.id))
    meta = sub(bank, q("qtimetadata"))
    metadata_field(meta, "bank_title", p.course.title)
    for question in p.course.questions:
        writer.item(bank, question)
    return serialize(root)


def quiz_in_cartridge(quiz: Quiz | None) -> bool:
    """A module's quiz becomes an assessment when it keeps a question of the profile."""
    return quiz is not None and any(not isinstance(question, OUTSIDE_PROFILE) for question in quiz.questions)


# --- the manifest ------------------------------------------------------------------------------

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


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- check -----------------------------------------------------------------------------------

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
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(error(where, 0, 0, f"imsmanifest.xml: duplicate identifiers {duplicates}"))
    for name in sorted(names - declared):
        problems.append(error(where, 0, 0, f"'{name}' is in the cartridge but not declared in imsmanifest.xml"))
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


# --- the exporter ------------------------------------------------------------------------------

class CommonCartridgeExporter(Exporter[CcOptions]):
    name = "cc"
    description = "IMS Common Cartridge 1.1 (.imscc): pages, QTI quizzes, question bank"
    suffix = ".imscc"
    Options = CcOptions
    preflight_when_named_only = True     # its warnings are about the cartridge alone

    def preflight(self, course: Course, ctx: SourceContext[CcOptions]) -> list[Problem]:
        root = ctx.root.as_posix()
        problems = []
        for question in course.questions:
            if isinstance(question, OUTSIDE_PROFILE):
                problems.append(warning(
                    f"{root}/{question.source}", question.line, 0,
                    f"question '{question.id}' is {question.kind}, which the Common Cartridge QTI profile "
                    "lacks: it goes only into the cartridge's question bank, with Canvas's question_type "
                    "(which Canvas may keep; Moodle and Open edX drop it), not into the module's quiz" + (
                        ", and without its tolerances, which the profile cannot express"
                        if isinstance(question, Numerical) and any(a.tolerance for a in question.number_answers)
                        else ", scored all or nothing" if isinstance(question, Matching) else "")))
        return problems

    def export(self, course: Course, ctx: ExportContext[CcOptions]) -> Export:
        p = plan(course, ctx.options)
        labels = ctx.labels
        writer = QtiWriter(p, labels)
        makers: dict[str, object] = {}
        page_files: dict[str, list[str]] = {}
        for module in course.modules:
            makers[module_page(module)] = lambda module=module: overview_page(p, module, labels)
            page_files[module_page(module)] = []
            for lesson in module.lessons:
                makers[p.page(lesson)] = lambda lesson=lesson: lesson_page(p, lesson)
                page_files[p.page(lesson)] = [p.files[a.path] for a in lesson.assets if a.path in p.files]
            if quiz_in_cartridge(module.quiz):
                makers[quiz_file(module.quiz)] = lambda module=module: assessment_xml(p, module, writer)
        if course.glossary:
            makers[GLOSSARY_PAGE] = lambda: glossary_page(p, labels)
        if course.questions:
            makers[bank_file(course)] = lambda: bank_xml(p, writer)
        for asset in course.assets:
            makers[p.files[asset.path]] = asset.source.read_bytes
        makers["imsmanifest.xml"] = lambda: build_manifest(p, labels, page_files)

        def produce():
            for name in sorted(makers):
                yield name, makers[name]()

        path = ctx.output(self.output_name(course))
        write_zip(path, list(makers), produce(), zip_date_time(ctx))
        return Export((path,))

    def check(self, export: Export, ctx: ExportContext[CcOptions]) -> list[Problem]:
        problems = []
        for path in export.paths:
            try:
                with zipfile.ZipFile(path) as archive:
                    problems += cartridge_problems(archive, path.name)
            except zipfile.BadZipFile as exc:
                problems.append(error(path.name, 0, 0, f"not a valid zip file: {exc}"))
        return problems
