"""The book as data for the templates: views of modules, lessons, questions and appendices, and the
rendering of ``handbook.html`` and ``handbook.css`` (no WeasyPrint involved)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_text
import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import assert_never

from markupsafe import Markup

from coursepack.colour import tint
from coursepack.exporter import ExportContext
from coursepack.labels import text_direction
from coursepack.model import (AnyQuestion, Course, Essay, Lesson, Matching, Module, MultipleChoice, Numerical,
                              Question, Quiz, ShortAnswer, SingleChoice, TrueFalse)

from .options import HandbookOptions
from .printhtml import prepare_html
from .typography import CURLY_QUOTE_LANGUAGES, exception_pattern, hyphenation_exceptions

KEY_PAGE_QUESTIONS = 20        # a quiz with this many questions starts its answer key on a page
NUMBER_SIGNS = {        # language → (decimal sign, thousands separator) in printed numbers
    "en": (".", ","), "id": (",", "."), "ms": (".", ","), "de": (",", "."), "es": (",", "."),
    "pt": (",", "."), "it": (",", "."), "nl": (",", "."), "fr": (",", "\u202f"),
}


@dataclass(frozen=True)
class ChoiceView:
    letter: str
    html: Markup
    correct: bool
    feedback: Markup


@dataclass(frozen=True)
class MatchView:
    number: int
    left: Markup
    letter: str                 # the letter of its right-hand item in the printed column


@dataclass(frozen=True)
class QuestionView:
    q: Question
    anchor: str                 # id of the printed question
    key_anchor: str             # id of its answer-key entry
    label: str                  # "1.3": module number . question number
    stem: Markup
    feedback: Markup
    choices: tuple[ChoiceView, ...]
    matches: tuple[MatchView, ...]
    right_column: tuple[tuple[str, str], ...]    # (letter, text), in printed (shuffled) order
    true_feedback: Markup
    false_feedback: Markup
    grader_notes: Markup
    text_answers: tuple[tuple[str, float, Markup], ...]
    number_answers: tuple[tuple[str, float, Markup], ...]   # ("1200 ± 10 pertanyaan", weight, feedback)
    image_width: str = ""       # the question image's own width (CSS px) when it is an SVG


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    anchor: str
    label: str                  # "1.2"
    body: Markup


@dataclass(frozen=True)
class QuizView:
    quiz: Quiz
    anchor: str
    questions: tuple[QuestionView, ...]

    @property
    def key_starts_page(self) -> bool:
        """Whether this quiz's part of the answer key starts a page: a long one does (it fills
        pages of its own, can be torn out, and the parallel typesetter may cut the key there);
        short ones follow each other, so that no page is left mostly empty."""
        return len(self.questions) >= KEY_PAGE_QUESTIONS


@dataclass(frozen=True)
class ModuleView:
    module: Module
    anchor: str
    summary: Markup
    lessons: tuple[LessonView, ...]
    quiz: QuizView | None


@dataclass(frozen=True)
class OutcomeRow:
    id: str
    text: str
    lessons: tuple[LessonView, ...]
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class Book:
    course: Course
    labels: dict
    options: HandbookOptions
    date_text: str
    created: str                # W3C date-time for the PDF metadata
    modules: tuple[ModuleView, ...]
    outcome_rows: tuple[OutcomeRow, ...]
    glossary: tuple[tuple[str, Markup], ...]
    description: Markup


def render_handbook_html(course: Course, ctx: ExportContext[HandbookOptions]) -> str:
    """The whole handbook as one HTML document (cover, contents, modules, appendices)."""
    book = make_book(course, ctx)
    return ctx.templates.get_template("handbook.html").render(book=book, course=course, labels=book.labels,
                                                              options=book.options,
                                                              direction=text_direction(course.language))


def render_handbook_css(course: Course, ctx: ExportContext[HandbookOptions]) -> str:
    """The print stylesheet, with paper size and localised running footer filled in."""
    labels = ctx.labels
    options = ctx.options
    return ctx.templates.get_template("handbook.css").render(
        paper=options.paper, right_hand_modules=options.right_hand_modules,
        hyphenate=options.hyphenate, direction=text_direction(course.language),
        page_of=Markup(css_page_of(labels["page_of"])),
        page_word=Markup(css_string(labels["handbook_page_abbr"])),
    )


def brand_css(course: Course) -> str:
    """course.yaml's branding as a stylesheet after handbook.css: the accent and the tints
    handbook.css derives from it, then the course's own CSS (so it wins)."""
    b = course.branding
    parts = ["/* course.yaml branding, after handbook.css */\n"]
    if b.accent:
        tints = {"accent-soft": 0.1, "accent-band": 0.55, "on-accent-muted": 0.3, "on-accent-soft": 0.12}
        parts.append(":root { --accent: %s; %s }\n" % (b.accent, " ".join(
            f"--{name}: {tint(b.accent, share)};" for name, share in tints.items())))
    if b.css:
        parts.append(f"\n/* {b.css.path} */\n" + b.css.source.read_text("utf-8"))
    return "".join(parts)


def make_book(course: Course, ctx: ExportContext[HandbookOptions]) -> Book:
    """Everything the templates print, with lesson HTML adapted for print."""
    options = ctx.options
    labels = ctx.labels
    exceptions = hyphenation_exceptions(ctx.templates, course.language) if options.hyphenate else {}

    curly = course.language.split("-")[0].lower() in CURLY_QUOTE_LANGUAGES
    pattern = exception_pattern(exceptions)     # compiled once: thousands of texts use it

    widths = svg_widths(course)

    def prepare(html: str, shift: int = 0) -> Markup:
        return prepare_html(html, shift, exceptions, curly, pattern, labels, widths)

    modules = tuple(make_module(m, prepare, course.language, widths) for m in course.modules)
    lessons = [lv for mv in modules for lv in mv.lessons]
    questions = [qv for mv in modules if mv.quiz for qv in mv.quiz.questions]
    rows = tuple(OutcomeRow(o.id, o.text,
                            tuple(lv for lv in lessons if o.id in {x.id for x in lv.lesson.outcomes}),
                            tuple(qv for qv in questions if o.id in {x.id for x in qv.q.outcomes}))
                 for o in course.outcomes)
    day = ctx.source_date.astimezone(dt.timezone.utc)
    return Book(
        course=course, labels=labels, options=options, date_text=format_date(day.date(), labels),
        created=day.strftime("%Y-%m-%dT%H:%M:%SZ"), modules=modules, outcome_rows=rows,
        glossary=tuple((g.term, prepare(g.definition_html)) for g in course.glossary),
        description=prepare(html_text.escape(course.description)),
    )


def make_module(module: Module, prepare, language: str = "en", widths: dict[str, str] | None = None) -> ModuleView:
    lessons = tuple(LessonView(lesson, f"lesson-{lesson.id}", f"{module.number}.{lesson.number}",
                               prepare(lesson.html, shift=1))
                    for lesson in module.lessons)
    quiz = None
    if module.quiz:
        quiz = QuizView(module.quiz, f"quiz-{module.quiz.id}",
                        tuple(make_question(q, module.number, prepare, language, widths)
                              for q in module.quiz.questions))
    return ModuleView(module, f"module-{module.id}", prepare(module.summary_html), lessons, quiz)


def make_question(q: AnyQuestion, module_number: int, prepare, language: str = "en",
                  widths: dict[str, str] | None = None) -> QuestionView:
    """What ``questions.html`` prints of ``q``: the parts of its own type, the others empty."""
    empty = Markup("")
    choices: tuple[ChoiceView, ...] = ()
    matches: tuple[MatchView, ...] = ()
    right_column: tuple[tuple[str, str], ...] = ()
    true_feedback = false_feedback = grader_notes = empty
    text_answers: tuple[tuple[str, float, Markup], ...] = ()
    number_answers: tuple[tuple[str, float, Markup], ...] = ()
    match q:
        case SingleChoice() | MultipleChoice():
            printed = [q.choices[i] for i in choice_order(q)]
            choices = tuple(ChoiceView(letter(i), prepare(c.html), c.correct, prepare(c.feedback_html))
                            for i, c in enumerate(printed))
        case TrueFalse():
            true_feedback, false_feedback = prepare(q.feedback_true_html), prepare(q.feedback_false_html)
        case ShortAnswer():      # the key lists accepted answers
            text_answers = tuple((a.text, a.weight, prepare(a.feedback_html)) for a in q.text_answers if a.weight > 0)
        case Numerical():
            unit = q.units[0].unit if q.units else ""
            number_answers = tuple((format_number(a.value, a.tolerance, unit, language), a.weight,
                                    prepare(a.feedback_html)) for a in q.number_answers if a.weight > 0)
        case Matching():
            order = matching_order(q)
            right_letter = {index: letter(pos) for pos, index in enumerate(order)}
            matches = tuple(MatchView(i + 1, prepare(p.left_html), right_letter[i]) for i, p in enumerate(q.pairs))
            right_column = tuple((letter(pos), q.pairs[index].right) for pos, index in enumerate(order))
        case Essay():
            grader_notes = prepare(q.grader_notes_html)
        case _:
            assert_never(q)
    return QuestionView(
        q=q, anchor=f"q-{q.id}", key_anchor=f"key-{q.id}", label=f"{module_number}.{q.number}",
        stem=prepare(q.stem_html), feedback=prepare(q.feedback_html), choices=choices, matches=matches,
        right_column=right_column, true_feedback=true_feedback, false_feedback=false_feedback,
        grader_notes=grader_notes, text_answers=text_answers, number_answers=number_answers,
        image_width=(widths or {}).get(q.image.path, "") if q.image else "",
    )


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: labels for choices and matching items."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def choice_order(q: SingleChoice | MultipleChoice) -> tuple[int, ...]:
    """The printed order of a question's choices: with ``shuffle`` (the default), shuffled with a
    generator seeded by the question id — the same source prints the same worksheet, and the
    answer is not always A in a course that writes the right choice first — else as written."""
    order = list(range(len(q.choices)))
    if q.shuffle and len(order) > 1:
        random.Random(hashlib.sha256(f"{q.id}/choices".encode()).digest()).shuffle(order)
    return tuple(order)


def svg_widths(course: Course) -> dict[str, str]:
    """Asset path → the width (CSS px) of every SVG image the course uses, from the file's own
    ``width`` (or its ``viewBox`` when it has none), so that a figure prints at its drawn size —
    its text as large as its author made it — capped at the text width by the stylesheet."""
    widths = {}
    for asset in course.assets:
        if asset.media_type == "image/svg+xml":
            width = svg_width(asset.source)
            if width:
                widths[asset.path] = f"{width:g}"
    return widths


SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def svg_width(path: Path) -> float | None:
    """The intrinsic width of an SVG file in CSS px, or None (unreadable, or relative sizes only)."""
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    width = re.fullmatch(r"\s*([0-9.]+)\s*(px|pt|pc|mm|cm|in)?\s*", root.get("width", ""))
    if width:
        try:
            return round(float(width.group(1)) * SVG_UNITS[width.group(2) or ""], 2) or None
        except ValueError:
            return None
    box = re.split(r"[\s,]+", root.get("viewBox", "").strip())
    try:
        return round(float(box[2]), 2) if len(box) == 4 and float(box[2]) > 0 else None
    except ValueError:
        return None


def matching_order(q: Matching) -> tuple[int, ...]:
    """The printed order of the right-hand column: shuffled, seeded by the question id, never
    the identity (or the answer would be a straight line)."""
    order = list(range(len(q.pairs)))
    if len(order) < 2:
        return tuple(order)
    rng = random.Random(hashlib.sha256(q.id.encode()).digest())
    rng.shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


def format_number(value: float, tolerance: float, unit: str, language: str = "en") -> str:
    """An accepted numerical answer as the answer key prints it: ``31.536.000 ± 10 s``."""
    text = written_number(value, language)
    if tolerance:
        text += f" ± {written_number(tolerance, language)}"
    return f"{text} {unit}".strip()


def written_number(value: float, language: str) -> str:
    """A number as a person writes it, never in scientific notation: every digit of the shortest
    form that reads back as ``value`` (31536000, not 3.1536e+07; 0.1, not 0.1000000000000000055),
    with the course language's decimal sign and, from five digits on, its thousands separator
    (a year such as 2017 keeps its four digits together)."""
    if not math.isfinite(value):
        return str(value)
    decimal_sign, group_sign = NUMBER_SIGNS.get(language.split("-")[0].lower(), NUMBER_SIGNS["en"])
    digits = format(Decimal(repr(abs(value))), "f")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", group_sign)
    return ("\u2212" if value < 0 else "") + whole + (decimal_sign + fraction if fraction else "")


def format_date(day: dt.date, labels: dict) -> str:
    months = labels["handbook_months"].split(",")
    return labels["handbook_date"].format(day=day.day, month=months[day.month - 1].strip(), year=day.year)


def css_string(text: str) -> str:
    """A CSS string literal (double quotes), safe for any text."""
    escaped = "".join(c if c.isalnum() or c in " .,:;-–—()/" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def css_page_of(pattern: str) -> str:
    """``"Halaman {page} dari {pages}"`` → ``"Halaman " counter(page) " dari " counter(pages)``."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)
