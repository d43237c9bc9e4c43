"""``questions.xml``: the course's question bank, the same questions the ``moodle`` exporter writes.

Categories: ``top`` of the course context, one for the course (its title) and one per module quiz
(the module title, with the ``moodle`` exporter's idnumber), so that a bank imported from the
Moodle XML and a restored course name their categories and questions alike. Every question has
one bank entry and one version (``ready``), its idnumber is the source id. Names, grades,
penalties, shuffling and units come from the moodle exporter's own functions (``exporters/moodle/``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import assert_never

from lxml import etree

from coursepack.model import (AnyQuestion, Course, Essay, Matching, MultipleChoice, Numerical, Question,
                              ShortAnswer, SingleChoice, TrueFalse)

from ..moodle.bank import QTYPE, BankWriter
from ..moodle.grades import fraction_text, grade_text, number_text
from ..moodle.text import category_idnumber, escape_wildcards, question_name, summary_for_category, template_text
from .files import FilePool
from .plan import ADMIN_USER, CONTEXT_COURSE_LEVEL, COURSE_CONTEXT, COURSE_ID, Category, Plan, element, fields, serialize, sub

#: Moodle's qtype names (the ``moodle`` exporter's Moodle XML says "matching" for qtype_match)
BACKUP_QTYPE = {**QTYPE, Matching: "match"}
FORMAT_HTML, FORMAT_PLAIN = 1, 2


def plan_categories(course: Course) -> tuple[tuple[Category, ...], dict[str, int]]:
    """``top``, the course's category and one category per module that has quiz questions; and
    each question's id in the backup."""
    top = Category(1, "top", 0)
    own = Category(2, " ".join(course.title.split()), top.id)
    categories = [top, own]
    question_ids: dict[str, int] = {}
    for module in course.modules:
        if module.quiz is None or not module.quiz.questions:
            continue
        categories.append(Category(len(categories) + 1, " ".join(module.title.split()), own.id,
                                   summary_for_category(module.summary_html),
                                   category_idnumber(course, module), module))
        for question in module.quiz.questions:
            question_ids[question.id] = len(question_ids) + 1
    return tuple(categories), question_ids


def fraction(weight: float) -> str:
    """A grade as Moodle stores it (0..1, 7 places), from the ``moodle`` exporter's spelling."""
    text = fraction_text(weight)
    return f"{float(text if text is not None else weight) / 100:.7f}"


@dataclass
class QuestionsWriter:
    plan: Plan
    bank: BankWriter                  # the ``moodle`` exporter's writer: penalties, shuffling, labels
    pool: FilePool
    answer_id: int = 0
    hint_id: int = 0
    match_id: int = 0
    tags: dict[str, int] = field(default_factory=dict)

    def text(self, q: Question, html_text: str, component: str, filearea: str, itemid: int) -> str:
        return self.pool.text(html_text.strip(), q.assets, COURSE_CONTEXT, component, filearea, itemid)[0]

    def write(self) -> bytes:
        root = element("question_categories")
        for category in self.plan.categories:
            node = sub(root, "question_category", id=category.id)
            fields(node, [("name", category.name), ("contextid", COURSE_CONTEXT),
                          ("contextlevel", CONTEXT_COURSE_LEVEL), ("contextinstanceid", COURSE_ID),
                          ("info", category.info_html), ("infoformat", FORMAT_HTML),
                          ("stamp", stamp(self.plan.course, f"category-{category.id}")), ("parent", category.parent),
                          ("sortorder", 0 if category.parent == 0 else 999), ("idnumber", category.idnumber)])
            entries = sub(node, "question_bank_entries")
            if category.module is not None and category.module.quiz is not None:
                questions = category.module.quiz.questions
                width = max(2, len(str(len(questions))))
                for q in questions:
                    self.entry(entries, category, q, width)
        return serialize(root, indent=False)

    def entry(self, parent: etree._Element, category: Category, q: AnyQuestion, width: int) -> None:
        qid = self.plan.question_ids[q.id]
        entry = sub(parent, "question_bank_entry", id=qid)
        fields(entry, [("questioncategoryid", category.id), ("idnumber", q.id), ("ownerid", ADMIN_USER)])
        version = sub(sub(entry, "question_version"), "question_versions", id=qid)
        fields(version, [("version", 1), ("status", "ready")])
        node = sub(sub(version, "questions"), "question", id=qid)
        qtype = BACKUP_QTYPE[type(q)]
        stem = q.stem_html.strip()
        if q.image is not None:
            stem += f'\n<p><img src="{html.escape(q.image.path, quote=True)}" alt="{html.escape(q.image_alt, quote=True)}" /></p>'
        fields(node, [
            ("parent", 0), ("name", question_name(q, width)),
            ("questiontext", self.text(q, stem, "question", "questiontext", qid)), ("questiontextformat", FORMAT_HTML),
            ("generalfeedback", self.text(q, q.feedback_html, "question", "generalfeedback", qid)),
            ("generalfeedbackformat", FORMAT_HTML), ("defaultmark", grade_text(q.points)),
            ("penalty", self.bank.penalty(q)), ("qtype", qtype), ("length", 1),
            ("stamp", stamp(self.plan.course, q.id)), ("timecreated", self.plan.timestamp),
            ("timemodified", self.plan.timestamp), ("createdby", ADMIN_USER), ("modifiedby", ADMIN_USER)])
        plugin = sub(node, f"plugin_qtype_{qtype}_question")
        match q:
            case SingleChoice() | MultipleChoice():
                self.multichoice(plugin, q, qid)
            case TrueFalse():
                self.truefalse(plugin, q, qid)
            case ShortAnswer():
                self.shortanswer(plugin, q, qid)
            case Numerical():
                self.numerical(plugin, q, qid)
            case Matching():
                self.matching(plugin, q, qid)
            case Essay():
                self.essay(plugin, q, qid)
            case _:
                assert_never(q)
        sub(sub(node, "plugin_qbank_comment_question"), "comments")
        sub(sub(node, "plugin_qbank_customfields_question"), "customfields")
        hints = sub(node, "question_hints")
        for hint in q.hints_html:
            self.hint_id += 1
            fields(sub(hints, "question_hint", id=self.hint_id), [
                ("hint", self.text(q, hint, "question", "hint", self.hint_id)), ("hintformat", FORMAT_HTML),
                ("shownumcorrect", 0), ("clearwrong", 0), ("options", "")])
        tags = sub(node, "tags")
        for outcome in q.outcomes:
            tag = self.tags.setdefault(outcome.id, len(self.tags) + 1)
            fields(sub(tags, "tag", id=tag, contextid=COURSE_CONTEXT),
                   [("name", outcome.id.lower()), ("rawname", outcome.id)])

    # answers shared by several types
    def answers(self, plugin: etree._Element, q: Question, rows, answerformat: int) -> list[int]:
        answers = sub(plugin, "answers")
        ids = []
        for text, weight, feedback in rows:
            self.answer_id += 1
            ids.append(self.answer_id)
            body = self.text(q, text, "question", "answer", self.answer_id) if answerformat == FORMAT_HTML else text
            fields(sub(answers, "answer", id=self.answer_id), [
                ("answertext", body), ("answerformat", answerformat), ("fraction", fraction(weight)),
                ("feedback", self.text(q, feedback, "question", "answerfeedback", self.answer_id)),
                ("feedbackformat", FORMAT_HTML)])
        return ids

    def combined(self) -> list[tuple[str, object]]:
        found: list[tuple[str, object]] = []
        for tag, text in self.bank.combined:
            found += [(tag, text), (f"{tag}format", FORMAT_HTML)]
        return found

    def multichoice(self, plugin: etree._Element, q: SingleChoice | MultipleChoice, qid: int) -> None:
        self.answers(plugin, q, [(c.html, c.weight, c.feedback_html) for c in q.choices], FORMAT_HTML)
        single = isinstance(q, SingleChoice)
        fields(sub(plugin, "multichoice", id=qid), [
            ("layout", 0), ("single", 1 if single else 0),
            ("shuffleanswers", 1 if self.bank.shuffle(q) == "true" else 0), *self.combined(),
            ("answernumbering", self.bank.options.answernumbering), ("shownumcorrect", 0 if single else 1),
            ("showstandardinstruction", 1)])

    def truefalse(self, plugin: etree._Element, q: TrueFalse, qid: int) -> None:
        true, false = self.answers(plugin, q, [("True", 100 if q.answer is True else 0, q.feedback_true_html),
                                               ("False", 100 if q.answer is False else 0, q.feedback_false_html)], 0)
        fields(sub(plugin, "truefalse", id=qid), [("trueanswer", true), ("falseanswer", false),
                                                 ("showstandardinstruction", 0)])

    def shortanswer(self, plugin: etree._Element, q: ShortAnswer, qid: int) -> None:
        self.answers(plugin, q, [(escape_wildcards(a.text), a.weight, a.feedback_html) for a in q.text_answers], 0)
        fields(sub(plugin, "shortanswer", id=qid), [("usecase", 1 if q.case_sensitive else 0)])

    def numerical(self, plugin: etree._Element, q: Numerical, qid: int) -> None:
        ids = self.answers(plugin, q, [(number_text(a.value), a.weight, a.feedback_html) for a in q.number_answers], 0)
        units = sub(plugin, "numerical_units")
        for n, unit in enumerate(q.units, start=1):
            fields(sub(units, "numerical_unit", id=n), [("multiplier", number_text(unit.multiplier)),
                                                        ("unit", unit.unit.strip())])
        graded = bool(q.units) and self.bank.options.units == "graded"
        fields(sub(sub(plugin, "numerical_options"), "numerical_option", id=qid), [
            ("showunits", 0 if q.units else 3), ("unitsleft", 0), ("unitgradingtype", 1 if graded else 0),
            ("unitpenalty", grade_text(self.bank.options.unitpenalty))])
        records = sub(plugin, "numerical_records")
        for answer_id, answer in zip(ids, q.number_answers):
            fields(sub(records, "numerical_record", id=answer_id), [("answer", answer_id),
                                                                    ("tolerance", number_text(answer.tolerance))])

    def matching(self, plugin: etree._Element, q: Matching, qid: int) -> None:
        fields(sub(plugin, "matchoptions", id=qid), [
            ("shuffleanswers", 1 if self.bank.shuffle(q) == "true" else 0), *self.combined(), ("shownumcorrect", 1)])
        matches = sub(plugin, "matches")
        for pair in q.pairs:
            self.match_id += 1
            fields(sub(matches, "match", id=self.match_id), [
                ("questiontext", self.text(q, pair.left_html, "qtype_match", "subquestion", self.match_id)),
                ("questiontextformat", FORMAT_HTML), ("answertext", pair.right.strip())])

    def essay(self, plugin: etree._Element, q: Essay, qid: int) -> None:
        editor = q.response_format == "editor"
        fields(sub(plugin, "essay", id=qid), [
            ("responseformat", q.response_format), ("responserequired", 1 if q.response_required else 0),
            ("responsefieldlines", q.response_lines), ("minwordlimit", None), ("maxwordlimit", None),
            ("attachments", 0), ("attachmentsrequired", 0),
            ("graderinfo", self.text(q, q.grader_notes_html, "qtype_essay", "graderinfo", qid)),
            ("graderinfoformat", FORMAT_HTML),
            ("responsetemplate", template_text(q.response_template, q.response_format)),
            ("responsetemplateformat", FORMAT_HTML if editor else FORMAT_PLAIN),
            ("filetypeslist", None), ("maxbytes", 0)])


def stamp(course: Course, key: str) -> str:
    """A stable ``stamp`` (Moodle's unique key of a category or question; varchar 255)."""
    return f"coursepack+{course.id}+{key}"[:255]

