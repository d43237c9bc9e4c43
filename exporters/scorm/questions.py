"""The questions as a quiz page shows them: each question's view (display order, ids, HTML with
the package's asset names) and the markup of its ``<section>``, one writer per question class."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, assert_never

from coursepack.model import (AnyQuestion, Essay, Matching, MultipleChoice, Numerical, ShortAnswer,
                              SingleChoice, TrueFalse)
from coursepack.references import point_references

from .scoring import format_number

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
