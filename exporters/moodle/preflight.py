"""The source rules of a Moodle import: everything qformat_xml would refuse or change, as an
error or warning at the question's line before anything is written."""

from __future__ import annotations

import math
from pathlib import Path
from typing import assert_never

from coursepack.model import (AnyQuestion, Course, Essay, Matching, MultipleChoice, Numerical, Question,
                              ShortAnswer, SingleChoice, TrueFalse)
from coursepack.problems import Problem, error, warning
from .grades import fraction_text, nearest_fractions, GRADES_HELP
from .text import MAX_NAME, MAX_TAG, MAX_MATCH_ANSWER, MAX_UNIT, ASSET_REF, category_name
from .bank import QTYPE, NO_HINTS


MIN_MATCH_PAIRS = 3                 # Moodle: at least 2 questions and 3 answers


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
        if ASSET_REF.search(m.summary_html):
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
