"""SCORM 1.2 and SCORM 2004 4th edition packages.

One exporter class per edition; everything that differs between the editions is data
(``EDITIONS``). A package holds one SCO for the whole course (``sco: course``, default) or
one SCO per module (``sco: module``). Each SCO is one self-contained HTML page rendered
from ``templates/scorm/sco.html`` that shows one lesson or quiz at a time; the shared
runtime (``runtime.js``) talks to the LMS, scores the quizzes and saves progress.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, Mapping, assert_never

import jinja2
from lxml import etree
from markupsafe import escape
from pydantic import BaseModel, ConfigDict, Field

from coursepack.colour import accent_tint
from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.labels import text_direction
from coursepack.model import (AnyQuestion, Course, Essay, Matching, Module, MultipleChoice, Numerical,
                              ShortAnswer, SingleChoice, TrueFalse)
from coursepack.problems import Problem, error
from coursepack.references import PACKAGE_SAFE, package_path, point_references
from .xsd import validate_xml

from . import SCHEMA_DIR, SCORM12_MANIFEST_XSD, SCORM2004_MANIFEST_XSD
from .scorm_labels import RUNTIME_KEYS, SCORM_LABELS

SHARED_FILES = ("shared/runtime.js", "shared/style.css")   # copied from templates/scorm/
BRAND_CSS = "shared/brand.css"                              # course.yaml's branding, when it has any
METADATA_FILE = "metadata.xml"                              # SCORM 1.2 only

# What the runtime keeps of free-text answers in suspend_data (UTF-16 code units as JS counts
# them, of the escaped text: a '~', line break or tab takes two). The page enforces the same
# limits with maxlength where it can.
SHORT_ANSWER_CAP = 100      # shortanswer input maxlength
NUMBER_CAP = 32             # numerical input maxlength
ESSAY_CAP = 500             # essays: only the first 500 characters are kept for resuming
SUSPEND_VERSION = "3"       # runtime.js reads "3" and the older "2" and "1"
MAX_CHOICES = 36            # one base-36 character per choice/pair in the encodings
MAX_ATTEMPTS = 35           # one base-36 character per quiz for its attempt number
#: pages every SCO holds besides its lessons and quizzes, in page order: "start" first, the
#: others after the last module (the glossary only when the course has one)
EXTRA_PAGES = ("start", "glossary", "end")

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Edition:
    name: str
    label: str
    schemaversion: str
    xsd: Path
    namespaces: dict[str, str]
    schema_locations: tuple[tuple[str, str], ...]
    control_documents: tuple[str, ...]   # official XSDs shipped at the package root
    scormtype_attr: str
    suspend_limit: int


#: ids made from course and module slugs never contain '_', so this one cannot collide
SHARED_RESOURCE = "RES_shared"
#: the IMS content-packaging schemas limit the manifest's version attribute to 20 characters
MANIFEST_VERSION_MAX = 20

EDITIONS: dict[str, Edition] = {
    "scorm12": Edition(
        name="scorm12", label="SCORM 1.2", schemaversion="1.2",
        xsd=SCORM12_MANIFEST_XSD,
        namespaces={None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
                    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "xsi": XSI},
        schema_locations=(("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
                          ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
                          ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd")),
        control_documents=("adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd",
                           "imsmd_rootv1p2p1.xsd"),
        scormtype_attr="scormtype", suspend_limit=4096,
    ),
    "scorm2004": Edition(
        name="scorm2004", label="SCORM 2004 4th Edition", schemaversion="2004 4th Edition",
        xsd=SCORM2004_MANIFEST_XSD,
        namespaces={None: "http://www.imsglobal.org/xsd/imscp_v1p1",
                    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
                    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
                    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
                    "imsss": "http://www.imsglobal.org/xsd/imsss",
                    "lom": "http://ltsc.ieee.org/xsd/LOM", "xsi": XSI},
        schema_locations=(("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
                          ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
                          ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
                          ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
                          ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd")),
        control_documents=("XMLSchema.dtd", "adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd",
                           "datatypes.dtd", "imscp_v1p1.xsd", "imsss_v1p0.xsd",
                           "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd",
                           "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd",
                           "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd",
                           "imsss_v1p0util.xsd", "xml.xsd"),
        scormtype_attr="scormType", suspend_limit=64000,
    ),
}


class ScormOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sco: Literal["course", "module"] = Field("course", description="one SCO for the course, or one per module")
    attempts: int = Field(3, ge=0, le=MAX_ATTEMPTS,
                          description="submissions allowed per quiz (0: unlimited); the last one counts, "
                                      "and a quiz whose score reaches the pass mark is final")


# --- the plan: SCOs, their pages and questions ----------------------------------------------

@dataclass(frozen=True)
class Sco:
    """One launchable unit: the whole course or one module."""

    key: str                       # NCName-safe, stable: course id or module id
    title: str
    href: str                      # the launch page at the package root
    modules: tuple[Module, ...]
    extras: tuple[str, ...] = ()   # EXTRA_PAGES the SCO shows

    @property
    def lesson_offset(self) -> int:
        """Pages before the first lesson (the start page)."""
        return 1 if "start" in self.extras else 0

    @property
    def questions(self) -> tuple[AnyQuestion, ...]:
        return tuple(q for m in self.modules if m.quiz for q in m.quiz.questions)

    @property
    def page_count(self) -> int:
        return sum(len(m.lessons) + (1 if m.quiz else 0) for m in self.modules) + len(self.extras)

    @property
    def quiz_count(self) -> int:
        return sum(1 for m in self.modules if m.quiz)


def plan_scos(course: Course, mode: str) -> tuple[Sco, ...]:
    """The SCOs of the package, in course order. Pure and cheap (0.2 ms for the bench's L course
    of 100 modules), so ``preflight`` and ``export`` each plan for themselves rather than carry a
    plan from one step to the other."""
    extras = tuple(p for p in EXTRA_PAGES if p != "glossary" or course.glossary)
    if mode == "module":
        return tuple(Sco(m.id, m.title, f"{m.id}.html", (m,), extras) for m in course.modules)
    return (Sco(course.id, course.title, "index.html", course.modules, extras),)


def sco_outcomes(course: Course, sco: Sco) -> tuple[str, ...]:
    """Ids of the outcomes a SCO covers (its modules, lessons and questions), in course order."""
    used = {o.id for m in sco.modules for o in m.outcomes}
    used |= {o.id for m in sco.modules for lesson in m.lessons for o in lesson.outcomes}
    used |= {o.id for q in sco.questions for o in q.outcomes}
    return tuple(o.id for o in course.outcomes if o.id in used)


def ncname(text: str) -> str:
    """An identifier part that is safe inside an XML NCName."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


# --- suspend_data budget ---------------------------------------------------------------------

def base36_len(n: int) -> int:
    digits = 1
    while n >= 36:
        n //= 36
        digits += 1
    return digits


def text_field_size(cap: int) -> int:
    """An escaped text of at most ``cap`` characters, then its end mark '~.'."""
    return cap + 2


def answer_worst_case(q: AnyQuestion) -> int:
    """Largest encoding of one answer in suspend_data (see runtime.js, encodeAnswer)."""
    match q:
        case SingleChoice() | TrueFalse():
            return 1
        case MultipleChoice():
            return max(1, -(-len(q.choices) // 4))
        case Matching():
            return max(1, len(q.pairs))
        case Numerical():
            return 1 + text_field_size(NUMBER_CAP)
        case ShortAnswer():
            return text_field_size(SHORT_ANSWER_CAP)
        case Essay():
            return text_field_size(ESSAY_CAP)
        case _:
            assert_never(q)


def suspend_worst_case(sco: Sco) -> int:
    """Largest suspend_data the runtime can write for ``sco`` (exact for the encoding).

    ``V L . visited . submitted . attempts . answers``: version (one character), location as base 36,
    a hex bitmap of visited pages, a hex bitmap of submitted quizzes, each quiz's attempt number
    (one base-36 digit), then every answer in SCO order.
    """
    pages = sco.page_count
    header = len(SUSPEND_VERSION) + base36_len(max(pages - 1, 0)) + 1 + max(1, -(-pages // 4)) \
        + 1 + max(1, -(-sco.quiz_count // 4)) + 1 + sco.quiz_count + 1
    return header + sum(answer_worst_case(q) for q in sco.questions)


# --- page rendering --------------------------------------------------------------------------

LEFT_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"
CHOICE_KEYS = "abcdefghijklmnopqrstuvwxyz0123456789"


def shuffled(items: list[Any], seed: str) -> list[Any]:
    """A deterministic Fisher-Yates shuffle (xorshift64 seeded by the question id): the same
    source gives the same order in every build, on every platform."""
    order = list(items)
    state = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big") or 1
    for i in range(len(order) - 1, 0, -1):
        state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
        state ^= state >> 7
        state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
        j = state % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def format_number(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points_text(points: float, labels: dict[str, str]) -> str:
    """"1 point", "2 points", "0.5 points": the label's singular for exactly one."""
    return labels["points_one" if points == 1 else "points_other"].replace("{n}", format_number(points))


def question_view(q: AnyQuestion, index: int, renames: dict[str, str],
                  labels: dict[str, str]) -> SimpleNamespace:
    """One question as ``quiz.html`` sees it (``z.views``), precomputed: display order, ids and
    HTML with the package's asset names. ``question_html`` writes the built-in markup from it;
    an overriding ``quiz.html`` may write its own from the same view.

    Texts here are HTML already (``labels`` are escaped once per page): the templates render
    them as they are; ``rights`` and ``left.right`` are plain text.
    """
    def html(text: str) -> str:
        return point_references(text, renames) if renames and text else text

    points = points_text(q.points, labels) if q.auto_graded else labels["not_graded"]
    view = SimpleNamespace(q=q, kind=q.kind, index=index, dom=f"q{index}", number=q.number, points=points,
                           stem_html=html(q.stem_html), feedback_html=html(q.feedback_html),
                           image=renames.get(q.image.path, q.image.path) if q.image else "",
                           hints_html=tuple(html(h) for h in q.hints_html),
                           choices=(), lefts=(), rights=(), answer_feedback=())
    match q:
        case SingleChoice() | MultipleChoice():
            items = list(enumerate(q.choices))
            view.choices = [SimpleNamespace(id=f"q{index}-c{i}", value=str(i), html=html(c.html),
                                            feedback_html=html(c.feedback_html), correct=c.correct)
                            for i, c in (shuffled(items, q.id) if q.shuffle else items)]
        case TrueFalse():
            view.choices = [SimpleNamespace(id=f"q{index}-{value}", value=value, html=labels[word],
                                            feedback_html=html(fb), correct=(value == "t") == q.answer)
                            for value, word, fb in (("t", "true", q.feedback_true_html),
                                                    ("f", "false", q.feedback_false_html))]
        case Matching():
            rights = q.rights
            order = list(range(len(rights)))
            view.rights = [(str(i), rights[i]) for i in (shuffled(order, q.id) if q.shuffle else order)]
            view.lefts = [SimpleNamespace(id=f"q{index}-m{i}", index=i, html=p.left_html, right=p.right)
                          for i, p in enumerate(q.pairs)]
        case ShortAnswer():
            view.answer_feedback = [html(a.feedback_html) for a in q.text_answers]
        case Numerical():
            view.answer_feedback = [html(a.feedback_html) for a in q.number_answers]
        case Essay():
            pass
        case _:
            assert_never(q)
    return view


def escape_text(text: str) -> str:
    """``markupsafe.escape`` of a plain ``str`` (the same five entities), without building a
    ``Markup`` object: it runs tens of thousands of times for a large course."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;") \
        .replace("'", "&#39;").replace('"', "&#34;")


# The markup of the questions: written once, here, from the views. Not in a template: a course
# may hold thousands of questions, and Jinja emitting over a hundred pieces for each made the SCORM
# export of bench L (10,000 questions) 60-100 % slower. Each writer appends its lines to ``out``;
# the classes and data-* attributes are what style.css and runtime.js rely on.

def choices_markup(out: list[str], v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> None:
    """Single, multiple and true/false: one radio button (checkbox) per choice, in display order."""
    if not v.choices:
        return
    d, multiple = v.dom, isinstance(v.q, MultipleChoice)
    opening = f'        <input type="{"checkbox" if multiple else "radio"}" id="'
    tags = (f'<span class="tags"><span class="your-tag" hidden>{labels["your_answer"]}</span>'
            f'<span class="key-tag" hidden>{labels["correct_answer"]}</span></span></label>\n')
    out.append(f'    <div class="choices" role="{"group" if multiple else "radiogroup"}" '
               f'aria-labelledby="{d}-h {d}-stem">\n')
    for c in v.choices:
        out.append(f'      <div class="choice" data-choice="{c.value}"{" data-correct" if c.correct else ""}>\n'
                   f'{opening}{c.id}" name="{d}" value="{c.value}">\n'
                   f'        <label for="{c.id}">{c.html}{tags}')
        if c.feedback_html:
            out.append(f'        <div class="choice-feedback" data-feedback="{c.value}" hidden>{c.feedback_html}</div>\n')
        out.append('      </div>\n')
    out.append('    </div>\n')


def matching_markup(out: list[str], v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> None:
    """One row per left side, each with a list of the right sides."""
    d = v.dom
    options = "".join([f'          <option value="{value}">{escape_text(right)}</option>\n'
                       for value, right in v.rights])
    select = f'          <option value="">{labels["select"]}</option>\n{options}        </select>\n'
    key = f'        <p class="match-key" hidden>{labels["correct_answer"]}: '
    out.append(f'    <div class="matching" role="group" aria-labelledby="{d}-h {d}-stem">\n')
    for left in v.lefts:
        out.append(f'      <div class="match-row" data-left="{left.index}">\n'
                   f'        <label for="{left.id}">{left.html}</label>\n'
                   f'        <select id="{left.id}" name="{left.id}">\n'
                   f'{select}{key}{escape_text(left.right)}</p>\n'
                   f'      </div>\n')
    out.append('    </div>\n')


def short_answer_markup(out: list[str], v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> None:
    d = v.dom
    out.append(f'    <div class="field">\n'
               f'      <label for="{d}-text">{labels["your_answer"]}</label>\n'
               f'      <input type="text" id="{d}-text" name="{d}" maxlength="{caps["short"]}" '
               f'autocomplete="off" spellcheck="false" aria-describedby="{d}-stem">\n'
               f'    </div>\n')
    answer_feedback_markup(out, v)


def numerical_markup(out: list[str], v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> None:
    d = v.dom
    out.append(f'    <div class="field field-inline">\n'
               f'      <div>\n'
               f'        <label for="{d}-num">{labels["answer_number"]}</label>\n'
               f'        <input type="text" inputmode="decimal" id="{d}-num" name="{d}" '
               f'maxlength="{caps["number"]}" autocomplete="off" aria-describedby="{d}-stem">\n'
               f'      </div>\n')
    if v.q.units:
        out.append(f'      <div>\n'
                   f'        <label for="{d}-unit">{labels["units"]}</label>\n'
                   f'        <select id="{d}-unit" name="{d}-unit">\n')
        out.extend([f'          <option value="{i}">{escape_text(u.unit)}</option>\n'
                    for i, u in enumerate(v.q.units)])
        out.append('        </select>\n'
                   '      </div>\n')
    out.append('    </div>\n')
    answer_feedback_markup(out, v)


def answer_feedback_markup(out: list[str], v: SimpleNamespace) -> None:
    """The feedback of each short or numerical answer that has one, shown when it matches."""
    for i, feedback in enumerate(v.answer_feedback):
        if feedback:
            out.append(f'    <div class="answer-feedback" data-answer="{i}" hidden>{feedback}</div>\n')


def essay_markup(out: list[str], v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> None:
    d, q = v.dom, v.q
    mono = ' class="mono"' if q.response_format == "monospaced" else ""
    out.append(f'    <div class="field">\n'
               f'      <label for="{d}-essay">{labels["your_answer"]}</label>\n'
               f'      <textarea id="{d}-essay" name="{d}" rows="{q.response_lines}" '
               f'aria-describedby="{d}-stem {d}-note"{mono}>{escape_text(q.response_template)}</textarea>\n'
               f'      <p class="essay-note" id="{d}-note">{labels["essay_note"]}</p>\n'
               f'    </div>\n')


#: the writer of each question class's own part of the section
QUESTION_MARKUP: dict[type, Callable[[list[str], SimpleNamespace, dict[str, str], dict[str, int]], None]] = {
    SingleChoice: choices_markup, MultipleChoice: choices_markup, TrueFalse: choices_markup,
    Matching: matching_markup, ShortAnswer: short_answer_markup, Numerical: numerical_markup,
    Essay: essay_markup,
}


def question_html(v: SimpleNamespace, labels: dict[str, str], caps: dict[str, int]) -> str:
    """One question's ``<section>`` (no trailing newline) from its view: the shared head (title,
    stem, image), the type's own part, then hints, result line and feedback. ``labels`` and the
    view's ``*_html`` texts are HTML already; any other text is escaped here."""
    d = v.dom
    out = [f'  <section class="question q-{v.kind}" id="{d}" data-q="{v.index}" aria-labelledby="{d}-h">\n'
           f'    <h2 id="{d}-h">{labels["question"]} {v.number} <span class="q-points">({v.points})</span></h2>\n'
           f'    <div class="stem" id="{d}-stem">{v.stem_html}</div>\n']
    add = out.append
    if v.image:
        add(f'    <img class="q-image" src="{escape_text(v.image)}" alt="{escape_text(v.q.image_alt)}">\n')
    QUESTION_MARKUP[type(v.q)](out, v, labels, caps)
    hints = v.hints_html
    if hints:
        add(f'    <details class="q-hint" data-role="hint">\n'
            f'      <summary>{labels["hint" if len(hints) == 1 else "hints"]}</summary>\n')
        if len(hints) == 1:
            add(f'      <div class="hint-body">{hints[0]}</div>\n')
        else:
            add('      <ol class="hint-body">\n')
            out.extend([f'        <li>{h}</li>\n' for h in hints])
            add('      </ol>\n')
        add('    </details>\n')
    add('    <p class="q-result" data-role="result" hidden></p>\n')
    if v.feedback_html:
        add(f'    <div class="q-feedback" data-role="general" hidden>{v.feedback_html}</div>\n')
    add('  </section>')
    return "".join(out)


class QuizView:
    """One quiz of a SCO for ``quiz.html``: ``views`` (``question_view`` of each question) and
    ``questions_html``, every question's section as ``question_html`` writes it from its view."""

    def __init__(self, quiz: Any, index: int, first: int, renames: dict[str, str],
                 labels: dict[str, str], caps: dict[str, int]) -> None:
        self.quiz, self.index, self.first = quiz, index, first
        self.views = [question_view(q, first + i, renames, labels) for i, q in enumerate(quiz.questions)]
        self.questions_html = "\n".join(question_html(v, labels, caps) for v in self.views)


def question_data(q: AnyQuestion, outcome_index: dict[str, int], quiz_index: int,
                  edition: str) -> dict[str, Any]:
    """The scoring key of one question for the runtime (this is a self-study package)."""
    data: dict[str, Any] = {"id": q.id, "k": q.kind, "p": q.points, "z": quiz_index,
                            "o": [outcome_index[o.id] for o in q.outcomes if o.id in outcome_index]}
    match q:
        case SingleChoice() | MultipleChoice():
            if q.shuffle:
                data["sh"] = 1          # runtime.js orders the choices per learner and attempt
            data["w"] = [c.weight for c in q.choices]
        case TrueFalse():
            data["a"] = bool(q.answer)
        case ShortAnswer():
            data["a"] = [[a.text, a.weight] for a in q.text_answers]
            data["cs"] = q.case_sensitive
        case Numerical():
            data["a"] = [[a.value, a.tolerance, a.weight] for a in q.number_answers]
            data["u"] = [u.multiplier for u in q.units]
        case Matching():
            if q.shuffle:
                data["sh"] = 1
            rights = q.rights
            data["c"] = [rights.index(p.right) for p in q.pairs]
            data["r"] = len(rights)
        case Essay():
            pass
        case _:
            assert_never(q)
    data["cr"] = correct_patterns(q, edition)
    return data


def correct_patterns(q: AnyQuestion, edition: str) -> list[str]:
    """The interaction's correct-response patterns in the edition's format."""
    is2004 = edition == "scorm2004"
    comma = "[,]" if is2004 else ","
    match q:
        case SingleChoice():
            return [CHOICE_KEYS[i] for i, c in enumerate(q.choices) if c.weight >= 100][:1] or \
                [CHOICE_KEYS[max(range(len(q.choices)), key=lambda i: q.choices[i].weight)]]
        case MultipleChoice():
            return [comma.join(CHOICE_KEYS[i] for i, c in enumerate(q.choices) if c.weight > 0)]
        case TrueFalse():
            return [("true" if q.answer else "false") if is2004 else ("t" if q.answer else "f")]
        case ShortAnswer():
            best = [a for a in q.text_answers if a.weight >= 100] or \
                [max(q.text_answers, key=lambda a: a.weight)]
            if is2004:
                flag = "true" if q.case_sensitive else "false"
                return [f"{{case_matters={flag}}}{clean_response(a.text, 250)}" for a in best[:10]]
            return [clean_response(a.text, 255) for a in best[:1]]
        case Numerical():
            best = max(q.number_answers, key=lambda a: a.weight)
            if is2004:
                return [f"{format_number(best.value - best.tolerance)}[:]{format_number(best.value + best.tolerance)}"]
            return [format_number(best.value)]
        case Matching():
            rights = q.rights
            dot = "[.]" if is2004 else "."
            return [comma.join(f"{LEFT_KEYS[i]}{dot}{CHOICE_KEYS[rights.index(p.right)]}"
                               for i, p in enumerate(q.pairs))]
        case Essay():
            return []
        case _:
            assert_never(q)


def clean_response(text: str, limit: int) -> str:
    """Text as an LMS accepts it in a response: one line, no SCORM delimiters, capped."""
    one_line = re.sub(r"\s+", " ", text).replace("[,]", ",").replace("[.]", ".").replace("[:]", ":")
    if one_line.startswith("{"):
        one_line = " " + one_line
    return one_line[:limit]


#: page ids of the extra pages ('_' never occurs in lesson or quiz ids, so these cannot collide)
EXTRA_IDS = {"start": "cp_start", "glossary": "cp_glossary", "end": "cp_end"}


def sco_pages(sco: Sco, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The SCO's pages in order: the start page, each module's lessons and quiz, the glossary and
    the end page."""
    def extra(kind: str) -> dict[str, Any]:
        return {"kind": kind, "id": EXTRA_IDS[kind], "title": labels[kind], "module": None}

    pages = [extra("start")] if "start" in sco.extras else []
    for module in sco.modules:
        for n, lesson in enumerate(module.lessons):
            pages.append({"kind": "lesson", "id": lesson.id, "title": lesson.title, "module": module,
                          "lesson": lesson, "opens_module": n == 0})
        if module.quiz:
            pages.append({"kind": "quiz", "id": module.quiz.id, "title": module.quiz.title, "module": module})
    pages += [extra(kind) for kind in sco.extras if kind != "start"]
    return pages


#: an absolute link (to another site): opened in a new window so the SCO keeps running
EXTERNAL_LINK = re.compile(r'<a\s(?=[^>]*\bhref="(?:https?:)?//)([^>]*)>(.*?)</a>', re.S)


def open_links_in_new_window(text: str, hint_html: str) -> str:
    """External links get target=_blank rel=noopener and a hint for screen readers: followed in
    the LMS frame, a link would replace the course and end the session."""
    def rewrite(match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        if "target=" not in attrs:
            attrs += ' target="_blank"'
        if "rel=" not in attrs:
            attrs += ' rel="noopener"'
        return (f'<a {attrs}>{inner}<span class="ext-mark" aria-hidden="true">\u2197</span>'
                f'<span class="visually-hidden"> {hint_html}</span></a>')
    return EXTERNAL_LINK.sub(rewrite, text) if "//" in text else text


#: a short table cell (no markup inside): a candidate for a value with its unit
SHORT_VALUE_CELL = re.compile(r"(<t[dh](?:\s[^>]*)?>)([^<]{1,24})(</t[dh]>)")
#: how a value starts: a digit, a sign, a comparison or a currency symbol
VALUE_START = re.compile(r"^[\d+\-\u2212\u00b1~\u2248<>\u2264\u2265=$\u20ac\u00a3\u00a5%.,]")


def keep_cell_values_whole(text: str) -> str:
    """Non-breaking spaces in table cells that hold a value ("≤ 2.5 / s", "100 ms", "Rp 15.000":
    starting like a number, or at most 12 characters with a digit), so a narrow screen does not
    split a value from its unit or comparison; the table scrolls sideways instead. Longer text
    cells still wrap."""
    def join(match: re.Match[str]) -> str:
        value = match.group(2).strip()
        if " " not in value or not any(ch.isdigit() for ch in value):
            return match.group(0)
        if not (VALUE_START.match(html.unescape(value)) or len(html.unescape(value)) <= 12):
            return match.group(0)
        return match.group(1) + value.replace(" ", "\u00a0") + match.group(3)
    return SHORT_VALUE_CELL.sub(join, text) if "<td" in text else text


def start_view(course: Course, sco: Sco, outcomes: tuple[str, ...], labels: dict[str, str],
               attempts: int) -> SimpleNamespace:
    """What the start page says (built here, not in start.html: templates are compiled on every
    build, and the rules as Jinja conditions cost more to compile than the page takes to render)."""
    one_module = sco.modules[0] if len(sco.modules) == 1 and sco.title != course.title else None
    intro = one_module.summary_html if one_module and one_module.summary_html else \
        f'<p class="lead">{escape_text(course.description)}</p>'
    require = course.completion.require or ("lessons",)
    rules = [labels["completion_lessons"]] if "lessons" in require else []
    if sco.quiz_count:
        if "quiz" in require:
            rules.append(labels["completion_quiz"].replace("{n}", format_number(course.completion.mastery_score)))
        rules.append(labels["attempts_rule_unlimited"] if attempts == 0 else labels["attempts_rule_one"]
                     if attempts == 1 else labels["attempts_rule_other"].replace("{n}", str(attempts)))
    return SimpleNamespace(intro_html=intro, rules=rules, modules=[m.title for m in sco.modules],
                           outcomes=[o.text for o in course.outcomes if o.id in set(outcomes)])


def render_sco(template, course: Course, sco: Sco, edition: Edition, labels: Mapping[str, str],
               renames: dict[str, str], attempts: int, brand: SimpleNamespace) -> str:
    """The SCO's single page: header, table of contents, every lesson and quiz, the data."""
    outcomes = sco_outcomes(course, sco)
    html_labels = {k: str(escape(v)) for k, v in labels.items()}
    outcome_index = {o: i for i, o in enumerate(outcomes)}
    pages = sco_pages(sco, html_labels)
    caps = {"short": SHORT_ANSWER_CAP, "number": NUMBER_CAP, "essay": ESSAY_CAP}
    quizzes, questions, counter = [], [], 0
    lesson_html = {}
    for module in sco.modules:
        for lesson in module.lessons:
            lesson_html[lesson.id] = keep_cell_values_whole(
                point_references(lesson.html, renames) if renames else lesson.html)
        if module.quiz:
            z = len(quizzes)
            questions += [question_data(q, outcome_index, z, edition.name) for q in module.quiz.questions]
            quizzes.append(QuizView(module.quiz, z, counter, renames, html_labels, caps))
            counter += len(module.quiz.questions)
    quiz_by_id = {z.quiz.id: z for z in quizzes}
    data = {
        "edition": edition.name, "mastery": course.completion.mastery_score,
        "require": list(course.completion.require), "lang": course.language,
        "pages": [{"k": p["kind"][0], "id": p["id"]} for p in pages],
        "quizzes": len(quizzes), "objectives": list(outcomes), "questions": questions,
        "shuffle": [z.quiz.id for z in quizzes if z.quiz.shuffle],
        "attempts": attempts, "offset": sco.lesson_offset, "extras": len(sco.extras),
        "caps": caps,
        "labels": {k: labels[k] for k in RUNTIME_KEYS},
    }
    page = template.render(course=course, sco=sco, pages=pages, lesson_html=lesson_html,
                           quiz_by_id=quiz_by_id, labels=html_labels, data=data, edition=edition,
                           caps=data["caps"], mastery=format_number(course.completion.mastery_score),
                           direction=text_direction(course.language), glossary=course.glossary,
                           start=start_view(course, sco, outcomes, html_labels, attempts), brand=brand)
    return open_links_in_new_window(page, html_labels["opens_new_window"])


# --- manifest --------------------------------------------------------------------------------

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


# --- the zip ---------------------------------------------------------------------------------

def zip_info(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A reproducible entry: fixed time, Unix permissions 0644, deflate."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def write_zip(target: Path, names: list[str], produce: Iterator[tuple[str, bytes]],
              date_time: tuple[int, int, int, int, int, int]) -> None:
    """Write a reproducible zip (entries in sorted order, fixed level 6) while ``produce`` is
    still rendering: a second thread deflates (zlib releases the GIL), so compressing the
    finished entries overlaps rendering the next ones. Each entry is written exactly once."""
    pending = {name: Future() for name in names}

    def write_all() -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(pending):
                archive.writestr(zip_info(name, date_time), pending[name].result(), compresslevel=6)

    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(write_all)
        try:
            for name, data in produce:
                pending[name].set_result(data)
        finally:
            for name, future in pending.items():
                if not future.done():
                    future.set_exception(RuntimeError(f"{name} was not produced"))
        writer.result()


def zip_date_time(ctx: ExportContext) -> tuple[int, int, int, int, int, int]:
    d = ctx.source_date
    if d.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (min(d.year, 2107), d.month, d.day, d.hour, d.minute, d.second - d.second % 2)


def unsafe_href(href: str) -> str | None:
    """Why ``href`` is not a safe package path, or None."""
    if not href:
        return "empty"
    if "\\" in href:
        return "contains a backslash"
    if href.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
        return "is absolute"
    if any(part in ("..", ".", "") for part in href.split("/")):
        return "contains '..', '.' or an empty segment"
    if not href.isascii() or not PACKAGE_SAFE.match(href):
        return "is not an ASCII-safe file name"
    return None


def href_problems(hrefs: Iterable[str], names: set[str], where: str, container: str) -> list[Problem]:
    """Unsafe manifest hrefs and the files they name that ``container`` (the zip, the cartridge)
    lacks; shared by the packages that carry an IMS content-packaging manifest."""
    problems = []
    for href in hrefs:
        reason = unsafe_href(href)
        if reason:
            problems.append(error(where, 0, 0, f"imsmanifest.xml: href '{href}' {reason}"))
        if href not in names:
            problems.append(error(where, 0, 0, f"imsmanifest.xml declares '{href}' but the {container} has no "
                                  "such file"))
    return problems


def manifest_problems(data: bytes, names: set[str], edition: Edition, where: str) -> list[Problem]:
    """XSD errors, bad hrefs, missing and undeclared files of a package."""
    problems = [error(where, 0, 0, f"imsmanifest.xml does not validate against the {edition.label} "
                      f"schemas: {message}") for message in validate_xml(edition.xsd, data)]
    if problems:
        return problems
    root = etree.fromstring(data)
    hrefs = [e.get("href") if e.tag.endswith(("file", "resource")) else e.text
             for e in root.iter("{*}file", "{*}resource", "{*}location")]
    hrefs = [href for href in hrefs if href is not None]
    problems += href_problems(hrefs, names, where, "zip")
    declared = {"imsmanifest.xml", *edition.control_documents, *hrefs}
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(error(where, 0, 0, f"imsmanifest.xml: duplicate identifiers {duplicates}"))
    for name in sorted(names - declared):
        problems.append(error(where, 0, 0, f"'{name}' is in the zip but not declared in imsmanifest.xml"))
    return problems


# --- exporters -------------------------------------------------------------------------------

class ScormExporter(Exporter[ScormOptions]):
    """Shared by both editions; ``edition`` picks the data."""

    suffix = ".zip"
    Options = ScormOptions
    labels = (SCORM_LABELS,)
    template_folder = "scorm"
    edition: Edition

    def preflight(self, course: Course, ctx: SourceContext[ScormOptions]) -> list[Problem]:
        problems: list[Problem] = []
        root = ctx.root.as_posix()
        for q in course.questions:
            if isinstance(q, (SingleChoice, MultipleChoice)):
                size, limit = len(q.choices), MAX_CHOICES
            elif isinstance(q, Matching):
                size, limit = len(q.pairs), len(LEFT_KEYS)
            else:
                continue
            if size > limit:
                problems.append(error(f"{root}/{q.source}", q.line, 0, f"question '{q.id}' has {size} "
                                      f"choices or pairs; {self.edition.label} interactions allow at most "
                                      f"{MAX_CHOICES} choices and {len(LEFT_KEYS)} pairs: split the question"))
        for sco in plan_scos(course, ctx.options.sco):
            worst = suspend_worst_case(sco)
            if worst <= self.edition.suspend_limit:
                continue
            quizzes = [m.quiz for m in sco.modules if m.quiz]
            biggest = max(quizzes, key=lambda z: sum(answer_worst_case(q) for q in z.questions))
            essays = sum(1 for q in sco.questions if isinstance(q, Essay))
            shorts = sum(1 for q in sco.questions if isinstance(q, ShortAnswer))
            hint = "" if ctx.options.sco == "module" else \
                "; or set 'exporters: {name}: sco: module' to save each module separately".format(name=self.name)
            problems.append(error(
                f"{root}/{biggest.source}", 1, 0,
                f"{self.edition.label} suspend_data for SCO '{sco.key}' could need {worst:,} characters, "
                f"more than the limit of {self.edition.suspend_limit:,}: each essay keeps up to "
                f"{ESSAY_CAP} characters ({essays} essay(s)), each short answer {SHORT_ANSWER_CAP} "
                f"({shorts}), each numerical answer {NUMBER_CAP}; cut essays or short-answer "
                f"questions from this SCO's quizzes{hint}"))
        return problems

    def export(self, course: Course, ctx: ExportContext[ScormOptions]) -> Export:
        edition = self.edition
        scos = plan_scos(course, ctx.options.sco)
        renames = {a.path: package_path(a.path) for a in course.assets}
        renames = {old: new for old, new in renames.items() if old != new}
        sco_files = {sco.key: [sco.href] + sorted(
            {renames.get(a.path, a.path) for m in sco.modules for lesson in m.lessons for a in lesson.assets}
            | {renames.get(a.path, a.path) for q in sco.questions for a in q.assets}) for sco in scos}
        templates = ctx.templates
        brand = brand_files(course)
        shared_files = (*SHARED_FILES, *sorted(brand))
        fixed = {"imsmanifest.xml": lambda: build_manifest(course, scos, edition, sco_files, shared_files),
                 **brand}
        if edition.name == "scorm12":
            fixed[METADATA_FILE] = lambda: build_metadata_12(course)
        for name in edition.control_documents:
            fixed[name] = lambda name=name: (SCHEMA_DIR / edition.name / name).read_bytes()
        for name in SHARED_FILES:
            fixed[name] = lambda name=name: read_template_file(templates, name)
        for asset in course.assets:
            fixed[renames.get(asset.path, asset.path)] = asset.source.read_bytes

        template = templates.get_template("sco.html")
        makers = dict(fixed)
        brand_view = SimpleNamespace(css=BRAND_CSS in brand, logo=brand_logo_path(course),
                                     logo_alt=course.branding.logo_alt)
        for sco in scos:
            makers[sco.href] = lambda sco=sco: render_sco(template, course, sco, edition, ctx.labels, renames,
                                                          ctx.options.attempts, brand_view).encode("utf-8")

        def produce() -> Iterator[tuple[str, bytes]]:
            # in the zip's (sorted) order, so the writer thread deflates each entry while the
            # next one renders instead of waiting for the last SCO ('modul-100' < 'modul-11')
            for name in sorted(makers):
                yield name, makers[name]()

        path = ctx.output(self.output_name(course))
        write_zip(path, list(makers), produce(), zip_date_time(ctx))
        return Export((path,))

    def check(self, export: Export, ctx: ExportContext[ScormOptions]) -> list[Problem]:
        problems: list[Problem] = []
        for path in export.paths:
            try:
                with zipfile.ZipFile(path) as archive:
                    names = set(archive.namelist())
                    if "imsmanifest.xml" not in names:
                        problems.append(error(path.name, 0, 0, "imsmanifest.xml is missing at the zip root"))
                        continue
                    data = archive.read("imsmanifest.xml")
            except zipfile.BadZipFile as exc:
                problems.append(error(path.name, 0, 0, f"not a valid zip file: {exc}"))
                continue
            problems += manifest_problems(data, names, self.edition, path.name)
        return problems


def brand_logo_path(course: Course) -> str:
    """Where the package keeps the branding's logo ('' without one)."""
    logo = course.branding.logo
    return f"shared/brand-logo{posixpath.splitext(logo.path)[1].lower()}" if logo else ""


def brand_files(course: Course) -> dict[str, Callable[[], bytes]]:
    """The branding's files in the shared folder: ``brand.css`` (the accent's variables, then the
    course's own CSS, so it wins) and the logo; none for a course without branding."""
    b = course.branding
    files: dict[str, Callable[[], bytes]] = {}
    if b.logo:
        files[brand_logo_path(course)] = b.logo.source.read_bytes
    if b.accent or b.css:
        def css() -> bytes:
            parts = ["/* course.yaml branding, after style.css */\n"]
            if b.accent:
                parts.append(f":root {{ --accent: {b.accent}; --accent-wash: {accent_tint(b.accent)}; }}\n")
            if b.css:
                parts.append(f"\n/* {b.css.path} */\n" + b.css.source.read_text("utf-8"))
            return "".join(parts).encode("utf-8")
        files[BRAND_CSS] = css
    return files


def read_template_file(templates: jinja2.Environment, name: str) -> bytes:
    """A static file of the templates (the course's override first), read as bytes."""
    source, _, _ = templates.loader.get_source(templates, name)
    return source.encode("utf-8")


class Scorm12Exporter(ScormExporter):
    name = "scorm12"
    description = "SCORM 1.2 package (.zip) — the edition Moodle supports best"
    edition = EDITIONS["scorm12"]


class Scorm2004Exporter(ScormExporter):
    name = "scorm2004"
    description = "SCORM 2004 4th edition package (.zip)"
    edition = EDITIONS["scorm2004"]

