"""``CourseSource`` → the frozen ``Course``: render every Markdown text to HTML once and resolve
outcomes and assets to objects (``model.py``).

Runs only on a source that passed its schemas and the cross-file rules; rendering problems
(a missing image, unsafe HTML) are collected and returned beside the course.
"""

from __future__ import annotations

import posixpath
import re
from types import MappingProxyType
from typing import Any

from . import model as m
from . import schema as s
from .colour import TEXT_CONTRAST, normalise, readable_shade, weakest_contrast
from .discover import CourseSource
from .labels import CORE_LABELS, resolve_labels
from .media import IMAGE_EXTENSIONS
from .problems import Problem, error
from .render import Place, Renderer
from .sources import YamlDoc


#: CSS that makes the browser or WeasyPrint load another file
CSS_LOADS = re.compile(r"@import\b|url\(\s*(?!['\"]?data:)", re.IGNORECASE)


def build_branding(src: CourseSource, renderer: Renderer) -> tuple[m.Branding, list[Problem]]:
    """course.yaml's ``branding``, with the logo and CSS files resolved and the accent's contrast checked."""
    cf, doc = src.file, src.doc
    assert cf is not None and doc is not None
    b = cf.branding
    display = src.display("course.yaml")
    problems: list[Problem] = []

    def file(key: str, what: str) -> m.Asset | None:
        line, col = doc.locate(("branding", key))
        asset, problem = renderer.resolve(getattr(b, key), Place("course.yaml", display, line), line, what, col)
        if problem:
            problems.append(problem)
        return asset

    logo = css = None
    if b.logo is not None:
        line, col = doc.locate(("branding", "logo"))
        if posixpath.splitext(b.logo)[1].lower() not in IMAGE_EXTENSIONS:
            problems.append(error(display, line, col, f"logo '{b.logo}' is not an image every output shows: "
                                  "use a PNG, JPEG, GIF, WebP or SVG file"))
        else:
            logo = file("logo", "logo")
    if b.css is not None:
        line, col = doc.locate(("branding", "css"))
        if not b.css.lower().endswith(".css"):
            problems.append(error(display, line, col, f"custom CSS '{b.css}' must be a .css file"))
        elif (found := file("css", "custom CSS")) is not None:
            text = found.source.read_text("utf-8", errors="replace")
            loads = list(CSS_LOADS.finditer(text))
            for match in loads:
                at = match.start()
                problems.append(error(src.display(found.path), text.count("\n", 0, at) + 1,
                                      at - text.rfind("\n", 0, at),
                                      "custom CSS may not load other files (@import or url()): the packages "
                                      "carry only this file — embed the image or font as a data: URL, or "
                                      "leave it out"))
            css = None if loads else found
    accent = None
    if b.accent is not None:
        accent = normalise(b.accent)
        worst = weakest_contrast(accent)
        if worst < TEXT_CONTRAST:
            line, col = doc.locate(("branding", "accent"))
            problems.append(error(display, line, col, f"accent colour '{b.accent}' is too light to read: links "
                                  f"and buttons in it reach {worst:.1f}:1 contrast, and text needs "
                                  f"{TEXT_CONTRAST}:1 (WCAG AA) — use a darker shade, such as "
                                  f"'{readable_shade(accent)}'"))
    return m.Branding(logo, b.logo_alt, accent, css), problems


def assemble_course(src: CourseSource) -> tuple[m.Course, list[Problem]]:
    """The frozen course of a valid source, and the problems found while rendering its Markdown."""
    cf = src.file
    assert cf is not None
    labels = resolve_labels(cf.language, (CORE_LABELS,), cf.labels)
    renderer = Renderer(src.root, labels, cf.trust_html, cf.language)
    branding, problems = build_branding(src, renderer)
    outcomes = {o.id: m.Outcome(o.id, o.text, o.level) for o in cf.outcomes}

    def pick(ids) -> tuple[m.Outcome, ...]:
        return tuple(outcomes[i] for i in ids if i in outcomes)

    def md(text: str, rel: str, display: str, line: int, doc_id: str = "", inline: bool = False,
           columns: bool = False, media: bool = False):
        place = Place(rel, display, line, doc_id, columns, media)
        out = renderer.inline(text, place) if inline else renderer.block(text, place)
        problems.extend(out.problems)
        return out

    modules = []
    for ms in src.modules:
        assert ms.file is not None
        lessons = []
        for ls in ms.lessons:
            assert ls.front is not None
            lesson_id = f"{ms.slug}-{ls.slug}"
            out = md(ls.body, ls.rel, ls.display, ls.body_line, lesson_id, columns=True, media=True)
            lessons.append(m.Lesson(lesson_id, ls.number, ls.front.title, pick(ls.front.outcomes),
                                    ls.front.minutes, out.html, out.headings, out.assets, ls.rel))
        quiz = None
        if ms.quiz is not None and ms.quiz_doc is not None:
            quiz_rel = f"{ms.rel}/quiz.yaml"
            questions = [assemble_question(q, n, ms.quiz_doc, quiz_rel, renderer, pick, problems)
                         for n, q in enumerate(ms.quiz.questions, start=1)]
            title = ms.quiz.title or f"{labels['quiz']}: {ms.file.title}"
            quiz = m.Quiz(f"{ms.slug}-quiz", title, ms.quiz.shuffle, tuple(questions), quiz_rel)
        summary = md(ms.file.summary, f"{ms.rel}/module.yaml", src.display(f"{ms.rel}/module.yaml"),
                     ms.doc.locate(("summary",))[0] if ms.doc else 0).html if ms.file.summary else ""
        modules.append(m.Module(ms.slug, ms.number, ms.folder, ms.file.title, summary,
                                pick(ms.file.outcomes), tuple(lessons), quiz))
    glossary = []
    if src.glossary is not None and src.glossary_doc is not None:
        for i, term in enumerate(src.glossary.root):
            out = md(term.definition, "glossary.yaml", src.display("glossary.yaml"),
                     src.glossary_doc.locate((i, "definition"))[0])
            glossary.append(m.GlossaryEntry(term.term, out.html))
    course = m.Course(
        id=cf.id, title=cf.title, subtitle=cf.subtitle, language=cf.language, version=cf.version,
        date=cf.date, authors=tuple(m.Author(a.name, a.email, a.affiliation) for a in cf.authors),
        description=cf.description.strip(), keywords=tuple(cf.keywords), licence=cf.licence,
        outcomes=tuple(outcomes.values()),
        completion=m.Completion(cf.completion.mastery_score, tuple(cf.completion.require)),
        modules=tuple(modules), glossary=tuple(sorted(glossary, key=lambda g: g.term.casefold())),
        labels=MappingProxyType(dict(cf.labels)), branding=branding,
    )
    return course, problems


def assemble_question(q: s.QuestionBase, number: int, doc: YamlDoc, rel: str, renderer: Renderer,
                   pick, problems: list[Problem]) -> m.AnyQuestion:
    index = number - 1
    base_loc = ("questions", index)
    assets: dict[str, m.Asset] = {}

    def md(text: str, key: tuple, inline: bool = False) -> str:
        if not text:
            return ""
        place = Place(rel, doc.path, doc.locate(base_loc + key)[0], q.id)
        out = renderer.inline(text, place) if inline else renderer.block(text, place)
        problems.extend(out.problems)
        assets.update({a.path: a for a in out.assets})
        return out.html

    image = None
    if q.image:
        line, col = doc.locate(base_loc + ("image",))
        image, problem = renderer.resolve(q.image, Place(rel, doc.path, line, q.id), line, "image", col)
        if problem:
            problems.append(problem)
        if image:
            assets[image.path] = image
    common: dict[str, Any] = dict(
        id=q.id, number=number, stem=q.stem, stem_html=md(q.stem, ("stem",)),
        points=q.points, outcomes=pick(q.outcomes), feedback_html=md(q.feedback, ("feedback",)),
        hints_html=tuple(md(h, ("hints", i)) for i, h in enumerate(q.hints)), penalty=q.penalty,
        image=image, image_alt=q.image_alt or "", source=rel, line=doc.locate(base_loc)[0],
    )
    # the type's own fields first: rendering them collects the assets every class carries
    cls: type[m.Question]
    match q:
        case s.SingleQuestion() | s.MultipleQuestion():
            if isinstance(q, s.MultipleQuestion):
                weights = s.default_weights(q.choices)
            else:
                weights = [c.weight if c.weight is not None else (100.0 if c.correct else 0.0) for c in q.choices]
            choices = tuple(
                m.Choice(md(c.text, ("choices", i, "text"), inline=True), c.text, c.correct, float(w),
                         md(c.feedback, ("choices", i, "feedback")))
                for i, (c, w) in enumerate(zip(q.choices, weights)))
            cls = m.MultipleChoice if isinstance(q, s.MultipleQuestion) else m.SingleChoice
            fields: dict[str, Any] = dict(choices=choices, shuffle=q.shuffle)
        case s.TrueFalseQuestion():
            cls, fields = m.TrueFalse, dict(answer=q.answer,
                                            feedback_true_html=md(q.feedback_true, ("feedback_true",)),
                                            feedback_false_html=md(q.feedback_false, ("feedback_false",)))
        case s.ShortAnswerQuestion():
            cls, fields = m.ShortAnswer, dict(case_sensitive=q.case_sensitive, text_answers=tuple(
                m.TextAnswer(a.text, float(a.weight), md(a.feedback, ("answers", i, "feedback")))
                for i, a in enumerate(q.answers)))
        case s.NumericalQuestion():
            cls, fields = m.Numerical, dict(number_answers=tuple(
                m.NumberAnswer(float(a.value), float(a.tolerance), float(a.weight),
                               md(a.feedback, ("answers", i, "feedback")))
                for i, a in enumerate(q.answers)),
                units=tuple(m.Unit(u.unit, float(u.multiplier)) for u in q.units))
        case s.MatchingQuestion():
            cls, fields = m.Matching, dict(shuffle=q.shuffle, pairs=tuple(
                m.Pair(md(p.left, ("pairs", i, "left"), inline=True), p.left, p.right)
                for i, p in enumerate(q.pairs)))
        case s.EssayQuestion():
            cls, fields = m.Essay, dict(grader_notes_html=md(q.grader_notes, ("grader_notes",)),
                                        response_format=q.response_format, response_lines=q.response_lines,
                                        response_required=q.response_required,
                                        response_template=q.response_template)
        case _:
            raise TypeError(f"no model class for question type {type(q).__name__}")
    return cls(**common, **fields, assets=tuple(assets[k] for k in sorted(assets)))  # type: ignore[return-value]
