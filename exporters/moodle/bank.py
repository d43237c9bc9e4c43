"""The question bank as Moodle XML: one ``<quiz>`` tree built with lxml, every question in
Moodle's own type (one method per question class), course files base64 in the text that uses them."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from typing import Iterable, Mapping, assert_never

from lxml import etree

from coursepack.model import (AnyQuestion, Asset, Course, Essay, Matching, Module, MultipleChoice, Numerical,
                              Question, ShortAnswer, SingleChoice, TrueFalse)
from coursepack.references import file_area_name, point_references, referenced
from .options import MoodleOptions
from .grades import fraction_text, number_text, grade_text
from .text import (question_name, escape_wildcards, category_path, category_idnumber,
                   summary_for_category, template_text)


#: the Moodle question type of each question class
QTYPE: dict[type[Question], str] = {SingleChoice: "multichoice", MultipleChoice: "multichoice",
                                    TrueFalse: "truefalse", ShortAnswer: "shortanswer", Numerical: "numerical",
                                    Matching: "matching", Essay: "essay"}
NO_HINTS = (Essay,)   # qformat_xml imports no hints for these types


def cdata_text(parent: etree._Element, text: str) -> etree._Element:
    """``<text>`` holding ``text``: CDATA, split where the text itself contains ``]]>``."""
    if not text:
        return etree.SubElement(parent, "text")
    if "]]>" not in text:
        element = etree.SubElement(parent, "text")
        element.text = etree.CDATA(text)
        return element
    # Older lxml refuses ']]>' in CDATA: build the split sections through lxml's parser.
    sections = text.replace("]]>", "]]]]><![CDATA[>")
    parser = etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True, huge_tree=True)
    element = etree.fromstring(f"<text><![CDATA[{sections}]]></text>", parser)
    parent.append(element)
    return element


def plain(parent: etree._Element, tag: str, text: str, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    element.text = text
    return element


@dataclass
class BankWriter:
    """Builds the ``<quiz>`` tree; keeps each asset's base64 once per build."""

    course: Course
    options: MoodleOptions
    labels: Mapping[str, str]
    encoded: dict[str, str] = field(default_factory=dict)
    combined: tuple[tuple[str, str], ...] = field(init=False)
    default_penalty: str = field(init=False)

    def __post_init__(self) -> None:
        self.combined = tuple((tag, f"<p>{html.escape(self.labels[key])}</p>") for tag, key in (
            ("correctfeedback", "moodle_correct"), ("partiallycorrectfeedback", "moodle_partially"),
            ("incorrectfeedback", "moodle_incorrect")))
        self.default_penalty = grade_text(self.options.penalty)

    # text fields
    def encode(self, asset: Asset) -> str:
        if asset.path not in self.encoded:
            self.encoded[asset.path] = base64.b64encode(asset.source.read_bytes()).decode("ascii")
        return self.encoded[asset.path]

    def fill(self, element: etree._Element, html_text: str, assets: tuple[Asset, ...]) -> etree._Element:
        """Write ``<text>`` (HTML, CDATA) and the ``<file>`` of every course file it uses."""
        html_text = html_text.strip()
        taken: set[str] = set()
        files = [(file_area_name(asset, taken), asset) for asset in referenced(html_text, assets)]
        html_text = point_references(html_text, {asset.path: f"@@PLUGINFILE@@/{name}" for name, asset in files})
        cdata_text(element, html_text)
        for name, asset in files:
            plain(element, "file", self.encode(asset), name=name, path="/", encoding="base64")
        return element

    def text_field(self, parent: etree._Element, tag: str, html_text: str, q: Question) -> etree._Element:
        return self.fill(etree.SubElement(parent, tag, format="html"), html_text, q.assets)

    def optional_field(self, parent: etree._Element, tag: str, html_text: str, q: Question) -> None:
        """A feedback field that Moodle reads as empty when it is absent: written only when set."""
        if html_text:
            self.fill(etree.SubElement(parent, tag, format="html"), html_text, q.assets)

    # the bank
    def bank(self, modules: Iterable[Module]) -> etree._Element:
        root = etree.Element("quiz")
        for module in modules:
            if module.quiz is None or not module.quiz.questions:
                continue
            self.category(root, module)
            width = max(2, len(str(len(module.quiz.questions))))
            for q in module.quiz.questions:
                self.question(root, q, width)
        return root

    def category(self, root: etree._Element, module: Module) -> None:
        element = etree.SubElement(root, "question", type="category")
        plain(etree.SubElement(element, "category"), "text", category_path(self.course, module))
        cdata_text(etree.SubElement(element, "info", format="html"), summary_for_category(module.summary_html))
        plain(element, "idnumber", category_idnumber(self.course, module))

    def question(self, root: etree._Element, q: AnyQuestion, width: int) -> None:
        sub = etree.SubElement
        element = sub(root, "question", type=QTYPE[type(q)])
        sub(sub(element, "name"), "text").text = question_name(q, width)
        stem = q.stem_html.strip()
        if q.image is not None:
            src = html.escape(q.image.path, quote=True)
            stem += f'\n<p><img src="{src}" alt="{html.escape(q.image_alt, quote=True)}" /></p>'
        self.text_field(element, "questiontext", stem, q)
        self.optional_field(element, "generalfeedback", q.feedback_html, q)
        sub(element, "defaultgrade").text = grade_text(q.points)
        sub(element, "penalty").text = self.penalty(q)
        sub(element, "idnumber").text = q.id
        self.body(element, q)
        for hint in q.hints_html:
            self.text_field(element, "hint", hint, q)
        if q.outcomes:
            tags = sub(element, "tags")
            for outcome in q.outcomes:
                sub(sub(tags, "tag"), "text").text = outcome.id

    def penalty(self, q: AnyQuestion) -> str:
        if q.penalty is not None:
            return grade_text(q.penalty)
        if isinstance(q, TrueFalse):
            return "1.0000000"
        if isinstance(q, Essay):
            return "0.0000000"
        return self.default_penalty

    def shuffle(self, q: SingleChoice | MultipleChoice | Matching) -> str:
        value = q.shuffle if self.options.shuffleanswers is None else self.options.shuffleanswers
        return "true" if value else "false"

    def combined_feedback(self, element: etree._Element, shownumcorrect: bool) -> None:
        for tag, text in self.combined:
            cdata_text(etree.SubElement(element, tag, format="html"), text)
        if shownumcorrect:
            etree.SubElement(element, "shownumcorrect")

    def body(self, element: etree._Element, q: AnyQuestion) -> None:
        """The elements of the question's own type: one method per Moodle type."""
        match q:
            case SingleChoice() | MultipleChoice():
                self.multichoice(element, q)
            case TrueFalse():
                self.truefalse(element, q)
            case ShortAnswer():
                self.shortanswer(element, q)
            case Numerical():
                self.numerical(element, q)
            case Matching():
                self.matching(element, q)
            case Essay():
                self.essay(element, q)
            case _:
                assert_never(q)

    def multichoice(self, element: etree._Element, q: SingleChoice | MultipleChoice) -> None:
        single = isinstance(q, SingleChoice)
        plain(element, "single", "true" if single else "false")
        plain(element, "shuffleanswers", self.shuffle(q))
        plain(element, "answernumbering", self.options.answernumbering)
        self.combined_feedback(element, shownumcorrect=not single)
        for choice in q.choices:
            answer = etree.SubElement(element, "answer", fraction=fraction_text(choice.weight) or "",
                                      format="html")
            self.fill(answer, choice.html, q.assets)
            self.optional_field(answer, "feedback", choice.feedback_html, q)

    def truefalse(self, element: etree._Element, q: TrueFalse) -> None:
        for value, feedback in ((True, q.feedback_true_html), (False, q.feedback_false_html)):
            answer = etree.SubElement(element, "answer", fraction="100" if q.answer is value else "0",
                                      format="moodle_auto_format")
            plain(answer, "text", "true" if value else "false")
            self.optional_field(answer, "feedback", feedback, q)

    def shortanswer(self, element: etree._Element, q: ShortAnswer) -> None:
        plain(element, "usecase", "1" if q.case_sensitive else "0")
        for a in q.text_answers:
            answer = etree.SubElement(element, "answer", fraction=fraction_text(a.weight) or "",
                                      format="moodle_auto_format")
            plain(answer, "text", escape_wildcards(a.text))
            self.optional_field(answer, "feedback", a.feedback_html, q)

    def numerical(self, element: etree._Element, q: Numerical) -> None:
        for a in q.number_answers:
            answer = etree.SubElement(element, "answer", fraction=fraction_text(a.weight) or "",
                                      format="moodle_auto_format")
            plain(answer, "text", number_text(a.value))
            self.optional_field(answer, "feedback", a.feedback_html, q)
            plain(answer, "tolerance", number_text(a.tolerance))
        graded = bool(q.units) and self.options.units == "graded"
        if q.units:
            units = etree.SubElement(element, "units")
            for u in q.units:
                unit = etree.SubElement(units, "unit")
                plain(unit, "multiplier", number_text(u.multiplier))
                plain(unit, "unit_name", u.unit.strip())
        plain(element, "unitgradingtype", "1" if graded else "0")
        plain(element, "unitpenalty", grade_text(self.options.unitpenalty))
        plain(element, "showunits", "0" if q.units else "3")   # 0: text box; 3: units not used
        plain(element, "unitsleft", "0")

    def matching(self, element: etree._Element, q: Matching) -> None:
        plain(element, "shuffleanswers", self.shuffle(q))
        self.combined_feedback(element, shownumcorrect=True)
        for pair in q.pairs:
            sub = self.fill(etree.SubElement(element, "subquestion", format="html"), pair.left_html, q.assets)
            plain(etree.SubElement(sub, "answer"), "text", pair.right.strip())

    def essay(self, element: etree._Element, q: Essay) -> None:
        plain(element, "responseformat", q.response_format)
        plain(element, "responserequired", "1" if q.response_required else "0")
        plain(element, "responsefieldlines", str(q.response_lines))
        plain(element, "attachments", "0")
        plain(element, "attachmentsrequired", "0")
        self.text_field(element, "graderinfo", q.grader_notes_html, q)
        template = etree.SubElement(element, "responsetemplate",
                                    format="html" if q.response_format == "editor" else "plain_text")
        cdata_text(template, template_text(q.response_template, q.response_format))


def serialize(root: etree._Element) -> bytes:
    """UTF-8, no BOM, XML declaration on line 1, indented, ends with a newline."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
