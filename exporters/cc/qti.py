"""Quizzes and the question bank as QTI 1.2 in the Common Cartridge profile, with Canvas's
question types in the metadata; one writer method per question class."""

from __future__ import annotations

import html
from typing import assert_never

from lxml import etree

from coursepack.model import (AnyQuestion, Essay, Matching, Module, MultipleChoice, Numerical, Question,
                              Quiz, ShortAnswer, SingleChoice, TrueFalse)
from coursepack.references import point_references
from ..scorm import format_number
from .plan import Plan, ident, qti_targets
from .xmlout import XSI, serialize


QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


QTI_LOCATION = f"{QTI} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"

ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
BANK_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"


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


def quiz_questions(quiz: Quiz) -> list[Question]:
    return [question for question in quiz.questions if not isinstance(question, OUTSIDE_PROFILE)]


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
