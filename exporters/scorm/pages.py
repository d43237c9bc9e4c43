"""The SCO's single HTML page: its pages in order, the start page's words, the lesson HTML made
fit for the LMS frame (external links, table values), and ``sco.html`` rendered with the data
the runtime reads."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace
from typing import Any, Mapping

from markupsafe import escape

from coursepack.labels import text_direction
from coursepack.model import Course
from coursepack.references import point_references

from .budget import ESSAY_CAP, NUMBER_CAP, SHORT_ANSWER_CAP
from .editions import Edition
from .labels import RUNTIME_KEYS
from .plan import Sco, sco_outcomes
from .questions import QuizView, escape_text
from .scoring import format_number, question_data

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
