"""Moodle XML question bank: one category per module, every question in Moodle's own type.

Import path in Moodle: Question bank → Import → "Moodle XML format", with the defaults
("Get category from file", "Get context from file", "Stop on error", grades must match).
Moodle aborts such an import on the first question it dislikes, so everything it could
dislike is a ``preflight`` error on the source, and ``check`` re-reads the written file
(project XSD + Moodle's own rules) before it is published.

The tree is built once with lxml and serialised once. HTML from the model goes into CDATA
unchanged, except course files: ``src="assets/x.png"`` becomes
``src="@@PLUGINFILE@@/x.png"`` by exact string replacement, and the file travels base64
encoded in the same text field, as Moodle requires.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Literal, Mapping, assert_never

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import (AnyQuestion, Asset, Course, Essay, Matching, Module, MultipleChoice, Numerical,
                              Question, ShortAnswer, SingleChoice, TrueFalse)
from coursepack.problems import Problem, error, warning
from coursepack.references import file_area_name, point_references, referenced
from .xsd import load_schema

from . import MOODLE_XML_XSD
from .moodle_labels import MOODLE_LABELS


#: Moodle's grade options (question_bank::fraction_options_full), written as Moodle writes them
POSITIVE_FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
                      "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5")
FRACTIONS: tuple[tuple[float, str], ...] = tuple(sorted(
    [(float(f), f) for f in POSITIVE_FRACTIONS] + [(-float(f), f"-{f}") for f in POSITIVE_FRACTIONS]
    + [(0.0, "0")]))
FRACTION_TOLERANCE = 0.001          # percent; Moodle matches grades within 0.00001 of a fraction
_FRACTION_BY_MILLI = {round(value * 1000): (value, text) for value, text in FRACTIONS}
MAX_NAME = 255                      # question.name, question_categories.name: varchar(255)
MAX_IDNUMBER = 100                  # question idnumber, category idnumber: varchar(100)
MAX_TAG = 50                        # TAG_MAX_LENGTH: longer tags are cut silently
MAX_MATCH_ANSWER = 255              # qtype_match_subquestions.answertext: varchar(255)
MAX_UNIT = 50                       # question_numerical_units.unit: varchar(50)
MIN_MATCH_PAIRS = 3                 # Moodle: at least 2 questions and 3 answers
DEFAULT_PENALTY = 0.3333333         # Moodle's default "penalty for each incorrect try"

#: the Moodle question type of each question class
QTYPE: dict[type[Question], str] = {SingleChoice: "multichoice", MultipleChoice: "multichoice",
                                    TrueFalse: "truefalse", ShortAnswer: "shortanswer", Numerical: "numerical",
                                    Matching: "matching", Essay: "essay"}
NO_HINTS = (Essay,)   # qformat_xml imports no hints for these types

_TAG = re.compile(r"""</?[A-Za-z][A-Za-z0-9]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
_BLOCK_TAG = re.compile(r"""</?(?:p|div|li|br|h[1-6]|tr|td|th|blockquote|pre|figure|figcaption|dt|dd|table|"""
                        r"""ul|ol|section|hr)\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_FOOTNOTES = re.compile(r'<section class="footnotes.*?</section>|<sup class="footnote-ref">.*?</sup>', re.S)
_IMG_ALT = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*?\balt="([^"]*)"(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ASSET_LINK = re.compile(r"""<a\b[^>]*\bhref="(?!https?:|mailto:|#)[^"]*"[^>]*>(.*?)</a>""", re.S)
_ASSET_REF = re.compile(r'\b(?:src|href)="(?!https?:|mailto:|#|@@PLUGINFILE@@/|data:)([^"]*)"')
_PLUGINFILE = re.compile(r'@@PLUGINFILE@@/([^"\'\s<>?#]+)')


class MoodleOptions(BaseModel):
    """``exporters: moodle:`` in course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    split: bool = Field(False, description="one file per module: <course-id>-moodle-<module-id>.xml")
    penalty: float = Field(DEFAULT_PENALTY, ge=0, le=1, description="share of the points lost per wrong "
                           "try (interactive mode) when a question sets no 'penalty'")
    answernumbering: Literal["abc", "ABCD", "123", "iii", "IIII", "none"] = Field(
        "abc", description="how multiple-choice answers are numbered")
    shuffleanswers: bool | None = Field(None, description="shuffle answers of every multiple-choice and "
                                        "matching question (default: each question's 'shuffle')")
    units: Literal["optional", "graded"] = Field(
        "optional", description="numerical units: optional (converted when given) or graded")
    unitpenalty: float = Field(0.1, ge=0, le=1, description="share of the mark lost for a wrong unit "
                               "when units are graded")


# --- grades ---------------------------------------------------------------------------------

def fraction_text(weight: float) -> str | None:
    """Moodle's exact spelling of the grade ``weight`` (percent), or None when it has none."""
    key = round(weight * 1000)
    for k in (key, key - 1, key + 1):
        found = _FRACTION_BY_MILLI.get(k)
        if found is not None and abs(found[0] - weight) <= FRACTION_TOLERANCE:
            return found[1]
    return None


def nearest_fractions(weight: float) -> str:
    """The allowed grades either side of ``weight``, e.g. ``40 or 50``."""
    below = [t for v, t in FRACTIONS if v < weight]
    above = [t for v, t in FRACTIONS if v > weight]
    return " or ".join(([below[-1]] if below else []) + ([above[0]] if above else []))


def number_text(value: float) -> str:
    """A float in plain decimal notation that reads back exactly (no exponent)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text


def grade_text(value: float) -> str:
    return f"{value:.7f}"


# --- text -----------------------------------------------------------------------------------

def plain_text(html_text: str) -> str:
    """Readable one-line text of sanitised HTML (tags dropped, block ends become spaces)."""
    text = html_text
    if "footnote" in text:
        text = _FOOTNOTES.sub("", text)
    if "<img" in text:
        text = _IMG_ALT.sub(lambda m: f" {m.group(1)} ", text)
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def question_name(q: Question, width: int) -> str:
    """``NN stem text`` (≤ 255 characters) so that names sort in quiz order in the bank."""
    prefix = f"{q.number:0{width}d} "
    text = plain_text(q.stem_html) or q.image_alt.strip() or q.id
    return prefix + shorten(text, MAX_NAME - len(prefix))


def escape_wildcards(answer: str) -> str:
    """Shortanswer text for Moodle, where ``*`` is a wildcard and ``\\*`` a literal asterisk."""
    return answer.strip().replace("*", "\\*")


def category_name(name: str) -> str:
    """One segment of a category path: '/' doubled; padded so a leading/trailing '/' survives."""
    escaped = " ".join(name.split()).replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def category_path(course: Course, module: Module) -> str:
    return f"$course$/top/{category_name(course.title)}/{category_name(module.title)}"


def category_idnumber(course: Course, module: Module) -> str:
    """``<course-id>-<module-id>-<6 hex of the category path>``, at most 100 characters.

    The hash changes when the course or module title (thus the category) changes, so a
    re-import into a renamed category never collides with the old category's idnumber,
    which Moodle's database refuses within a context.
    """
    digest = hashlib.sha256(category_path(course, module).encode()).hexdigest()[:6]
    head = f"{course.id}-{module.id}"[:MAX_IDNUMBER - 7].rstrip("-")
    return f"{head}-{digest}"


def summary_for_category(summary_html: str) -> str:
    """Module summary for a category description, which cannot carry files: text instead."""
    text = _IMG_ALT.sub(lambda m: m.group(1), summary_html)
    text = re.sub(r"<img\b[^>]*>", "", text)
    return _ASSET_LINK.sub(lambda m: m.group(1), text).strip()


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


# --- the writer -----------------------------------------------------------------------------

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


def template_text(template: str, response_format: str) -> str:
    """The essay response template: HTML paragraphs for the editor, plain text otherwise."""
    if response_format != "editor" or not template.strip():
        return template
    paragraphs = [p for p in re.split(r"\n\s*\n", template.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def serialize(root: etree._Element) -> bytes:
    """UTF-8, no BOM, XML declaration on line 1, indented, ends with a newline."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- preflight ------------------------------------------------------------------------------

GRADES_HELP = ("Moodle's grades are 0, ±5, ±10, ±11.11111, ±12.5, ±14.28571, ±16.66667, ±20, ±25, ±30, "
               "±33.33333, ±40, ±50, ±60, ±66.66667, ±70, ±75, ±80, ±83.33333, ±90 and ±100")


def check_weight(weight: float, what: str, fail) -> str | None:
    text = fraction_text(weight)
    if text is None:
        fail(f"{what} has weight {weight:g}, which is not a grade Moodle accepts: use "
             f"{nearest_fractions(weight)} ({GRADES_HELP})")
    return text


def preflight_question(q: AnyQuestion, fail) -> None:
    """Call ``fail(message)`` for everything in ``q`` that Moodle cannot take as it is."""
    if q.hints_html and isinstance(q, NO_HINTS):
        fail(f"Moodle has no hints for {QTYPE[type(q)]} questions, so the {len(q.hints_html)} hint(s) "
             "would be lost: remove 'hints' from this question")
    match q:
        case SingleChoice() | MultipleChoice():
            preflight_choices(q, fail)
        case ShortAnswer():
            preflight_short_answers(q, fail)
        case Numerical():
            preflight_numbers(q, fail)
        case Matching():
            preflight_pairs(q, fail)
        case TrueFalse() | Essay():
            pass
        case _:
            assert_never(q)


def preflight_choices(q: SingleChoice | MultipleChoice, fail) -> None:
    kind = "single-choice" if isinstance(q, SingleChoice) else "multiple-choice"
    texts = []
    for i, c in enumerate(q.choices, start=1):
        if not c.html.strip():
            fail(f"choice {i} is empty, and Moodle drops empty choices: write its text or remove it")
        texts.append(check_weight(c.weight, f"choice {i} of this {kind} question", fail))
    if isinstance(q, MultipleChoice) and None not in texts:
        total = sum(float(t) for t in texts if float(t) > 0)
        if round(total / 100, 2) != 1:
            fail(f"the correct choices' grades add up to {total:g} in Moodle, not 100: adjust the weights")


def preflight_short_answers(q: ShortAnswer, fail) -> None:
    for i, a in enumerate(q.text_answers, start=1):
        if not a.text.strip():
            fail(f"answer {i} is blank, and Moodle drops blank answers: write the accepted text")
        check_weight(a.weight, f"answer {i} ('{a.text}')", fail)


def preflight_numbers(q: Numerical, fail) -> None:
    for i, a in enumerate(q.number_answers, start=1):
        if not (math.isfinite(a.value) and math.isfinite(a.tolerance)):
            fail(f"answer {i} needs a finite value and tolerance for Moodle, got {a.value:g} ± {a.tolerance:g}")
        check_weight(a.weight, f"answer {i} ({a.value:g})", fail)
    for u in q.units:
        if not u.unit.strip():
            fail("a unit is blank: write the unit (e.g. 'kg') or remove it")
        elif len(u.unit.strip()) > MAX_UNIT:
            fail(f"unit '{u.unit[:20]}…' is {len(u.unit.strip())} characters; Moodle stores at most "
                 f"{MAX_UNIT}: shorten it")
        if not math.isfinite(u.multiplier):
            fail(f"unit '{u.unit}' needs a finite multiplier")


def preflight_pairs(q: Matching, fail) -> None:
    if len(q.pairs) < MIN_MATCH_PAIRS:
        fail(f"Moodle needs at least {MIN_MATCH_PAIRS} pairs in a matching question, this one has "
             f"{len(q.pairs)}: add a pair (or ask it as single-choice questions instead)")
    for i, p in enumerate(q.pairs, start=1):
        if not p.left_html.strip() or not p.right.strip():
            fail(f"pair {i} has an empty side, and Moodle drops such pairs: fill in both sides")
        elif len(p.right.strip()) > MAX_MATCH_ANSWER:
            fail(f"the right side of pair {i} is {len(p.right.strip())} characters; Moodle stores at most "
                 f"{MAX_MATCH_ANSWER}: shorten it")


def preflight_course(course: Course, course_root: Path) -> list[Problem]:
    """Every Moodle rule that the course source does not meet, at the quiz file and question line."""
    root = course_root.as_posix()
    problems: list[Problem] = []
    questions = [q for m in course.modules if m.quiz for q in m.quiz.questions]
    if not questions:
        problems.append(error(root, 0, 0, "the course has no quiz questions, and Moodle refuses to import a "
                              "question bank without any: add a quiz.yaml to a module, or leave this "
                              "exporter out (e.g. 'build scorm12 handbook', 'validate --for scorm12,handbook')"))
    for m in course.modules:
        if not m.quiz or not m.quiz.questions:
            continue
        where = f"{root}/{m.quiz.source}"
        for what, title in (("course title", course.title), ("module title", m.title)):
            if len(category_name(title)) > MAX_NAME:
                problems.append(error(where, 0, 0, f"the {what} is {len(title)} characters; it names a Moodle "
                                      f"question category, which holds at most {MAX_NAME}: shorten it"))
        if _ASSET_REF.search(m.summary_html):
            problems.append(warning(f"{root}/modules/{m.folder}/module.yaml", 0, 0, "Moodle category "
                                    "descriptions cannot carry files: the image or file link in this summary "
                                    "shows only its text in Moodle"))
    long_tags: set[str] = set()
    for q in questions:
        where = f"{root}/{q.source}"

        def fail(message: str, q: Question = q, where: str = where) -> None:
            problems.append(error(where, q.line, 0, f"question '{q.id}': {message}"))

        preflight_question(q, fail)
        for outcome in q.outcomes:
            if len(outcome.id) > MAX_TAG and outcome.id not in long_tags:
                long_tags.add(outcome.id)
                fail(f"learning outcome id '{outcome.id}' is {len(outcome.id)} characters; Moodle cuts tags "
                     f"at {MAX_TAG}: shorten the id in course.yaml")
    return problems


# --- check ----------------------------------------------------------------------------------

def moodle_rules(root: etree._Element) -> list[tuple[int, str]]:
    """What Moodle's importer refuses or silently drops, checked on the written tree."""
    found: list[tuple[int, str]] = []

    def fail(element: etree._Element, message: str) -> None:
        found.append((element.sourceline or 0, message))

    if all(question.get("type") == "category" for question in root.iterfind("question")):
        fail(root, "the file holds no questions, and Moodle refuses to import it")
    for question in root.iterfind("question"):
        qtype = question.get("type")
        answers = question.findall("answer")
        fractions = [float(a.get("fraction", "nan")) for a in answers]
        if qtype == "multichoice":
            if len(answers) < 2:
                fail(question, "a multichoice question needs at least 2 answers")
            if question.findtext("single") == "true":
                if max(fractions, default=0) != 100 or fractions.count(100) != 1:
                    fail(question, "a single-answer multichoice needs exactly one answer with fraction 100")
            elif round(sum(f for f in fractions if f > 0) / 100, 2) != 1:
                fail(question, "the positive fractions of a multi-answer multichoice must add up to 100")
        elif qtype == "truefalse":
            if sorted(a.findtext("text") for a in answers) != ["false", "true"] or sorted(fractions) != [0, 100]:
                fail(question, "a truefalse question needs the answers 'true' and 'false', one of them 100")
        elif qtype in ("shortanswer", "numerical"):
            if 100 not in fractions:
                fail(question, f"a {qtype} question needs an answer with fraction 100")
            if qtype == "numerical" and (question.find("unitgradingtype") is None
                                         or any(a.find("tolerance") is None for a in answers)):
                fail(question, "a numerical question needs unit settings and a tolerance per answer")
            if qtype == "shortanswer" and question.find("usecase") is None:
                fail(question, "a shortanswer question needs <usecase>")
        elif qtype == "matching":
            if len(question.findall("subquestion")) < MIN_MATCH_PAIRS:
                fail(question, f"a matching question needs at least {MIN_MATCH_PAIRS} subquestions")
        elif qtype == "essay":
            if question.find("responseformat") is None:
                fail(question, "an essay question needs <responseformat>")
        if qtype not in ("multichoice", "truefalse", "shortanswer", "numerical") and answers:
            fail(question, f"a {qtype} question cannot have <answer> elements")
    holders = {file.getparent() for file in root.iter("file")}
    for holder in holders:
        names = [f.get("name") for f in holder.findall("file")]
        if len(set(names)) != len(names):
            fail(holder, f"file names repeat in one <{holder.tag}>: {sorted(names)}")
    for text in root.iter("text"):
        value = text.text
        if not value or ("src=" not in value and "href=" not in value and "@@PLUGINFILE@@" not in value):
            continue
        holder = text.getparent()
        names = [f.get("name") for f in holder.findall("file")]
        for name in _PLUGINFILE.findall(value):
            if name not in names:
                fail(holder, f"@@PLUGINFILE@@/{name} has no <file name=\"{name}\"> in the same <{holder.tag}>")
        for ref in _ASSET_REF.findall(value):
            fail(holder, f"<{holder.tag}> links to '{ref}', which will not exist in Moodle")
    return found


def check_file(data: bytes) -> list[tuple[int, str]]:
    """Problems with one written file: encoding, declaration, XSD, Moodle's rules (one parse)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return [(1, "the file starts with a byte order mark")]
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n"):
        return [(1, "line 1 is not the XML declaration with encoding UTF-8")]
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [(exc.lineno or 0, f"not well-formed XML: {exc.msg}")]
    schema = load_schema(MOODLE_XML_XSD)
    if not schema.validate(root):
        return [(e.line, f"XSD: {e.message}") for e in schema.error_log]
    return moodle_rules(root)


# --- the exporter ---------------------------------------------------------------------------

class MoodleExporter(Exporter[MoodleOptions]):
    name = "moodle"
    description = "Moodle XML question bank (.xml)"
    suffix = ".xml"
    Options = MoodleOptions
    labels = (MOODLE_LABELS,)

    @classmethod
    def depends_on(cls, path: str) -> bool:
        """Lessons are not part of the question bank: editing one does not rebuild it."""
        return not path.endswith(".md")

    def preflight(self, course: Course, ctx: SourceContext[MoodleOptions]) -> list[Problem]:
        return preflight_course(course, ctx.root)

    def export(self, course: Course, ctx: ExportContext[MoodleOptions]) -> Export:
        options = ctx.options
        writer = BankWriter(course, options, ctx.labels)
        if not options.split:
            path = ctx.output(self.output_name(course))
            path.write_bytes(serialize(writer.bank(course.modules)))
            return Export((path,))
        paths = []
        for module in course.modules:
            if module.quiz is None or not module.quiz.questions:
                continue
            path = ctx.output(self.output_name(course, part=module.id))
            path.write_bytes(serialize(writer.bank([module])))
            paths.append(path)
        return Export(tuple(paths))

    def check(self, export: Export, ctx: ExportContext[MoodleOptions]) -> list[Problem]:
        problems = []
        for path in export.paths:
            for line, message in check_file(path.read_bytes()):
                problems.append(error(path.name, line, 0, message))
        return problems
