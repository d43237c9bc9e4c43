"""Cross-file rules: ids, outcome references and coverage, answers and weights, characters no output can
carry, the keys of course.yaml's labels.

Each check reads the validated source (``discover.CourseSource``) and returns problems located
at the value that is wrong.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any, Iterable, Mapping

from . import schema as s
from .discover import CourseSource
from .labels import CORE_LABELS, check_overrides
from .problems import Problem, error, warning
from .sources import YamlDoc

WEIGHT_EPSILON = 0.01
#: what XML 1.0 forbids (C0 controls but tab, line feed and carriage return; lone surrogates;
#: U+FFFE, U+FFFF), so no output can carry it; a source file cannot hold it as bytes
#: (``sources.read_text``), but YAML escapes such as "\a" or "\x07" make it
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_source(src: CourseSource) -> list[Problem]:
    problems: list[Problem] = []
    for check in (check_characters, check_outcome_ids, check_outcome_references, check_outcome_coverage,
                  check_ids, check_questions, check_glossary):
        problems += check(src)
    return problems


def at(doc: YamlDoc | None, loc: tuple, key: bool = False) -> tuple[str, int, int]:
    if doc is None:
        return "", 0, 0
    line, col = doc.locate(loc, key=key)
    return doc.path, line, col


def check_outcome_ids(src: CourseSource) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, outcome in enumerate(src.file.outcomes):
        path, line, col = at(src.doc, ("outcomes", i, "id"))
        if outcome.id in seen:
            problems.append(error(path, line, col, f"outcome id '{outcome.id}' is used twice (first on "
                                  f"line {seen[outcome.id]}): give each outcome its own id"))
        else:
            seen[outcome.id] = line
    return problems


def references(src: CourseSource) -> Iterable[tuple[str, YamlDoc, tuple, str]]:
    """Every outcome reference: (kind, doc, loc of the reference, outcome id)."""
    for module in src.modules:
        if module.file and module.doc:
            for i, ref in enumerate(module.file.outcomes):
                yield "module", module.doc, ("outcomes", i), ref
        for lesson in module.lessons:
            if lesson.front and lesson.doc:
                for i, ref in enumerate(lesson.front.outcomes):
                    yield "lesson", lesson.doc, ("outcomes", i), ref
        if module.quiz and module.quiz_doc:
            for qi, question in enumerate(module.quiz.questions):
                for i, ref in enumerate(question.outcomes):
                    yield "question", module.quiz_doc, ("questions", qi, "outcomes", i), ref


def check_outcome_references(src: CourseSource) -> list[Problem]:
    known = [o.id for o in src.file.outcomes]
    problems = []
    for _kind, doc, loc, ref in references(src):
        if ref not in known:
            close = difflib.get_close_matches(ref, known, n=1, cutoff=0.5)
            hint = f" — did you mean '{close[0]}'?" if close else f"; outcomes in course.yaml: {', '.join(known)}"
            problems.append(error(*at(doc, loc), f"unknown learning outcome '{ref}'{hint}"))
    return problems


def check_outcome_coverage(src: CourseSource) -> list[Problem]:
    taught = {ref for kind, _d, _l, ref in references(src) if kind == "lesson"}
    assessed = {ref for kind, _d, _l, ref in references(src) if kind == "question"}
    problems = []
    for i, outcome in enumerate(src.file.outcomes):
        where = at(src.doc, ("outcomes", i, "id"))
        if outcome.id not in taught:
            problems.append(warning(*where, f"outcome '{outcome.id}' is not taught by any lesson: add it "
                                    "to the 'outcomes' of the lesson that teaches it"))
        if outcome.id not in assessed:
            problems.append(warning(*where, f"outcome '{outcome.id}' is not assessed by any question: add "
                                    "it to the 'outcomes' of a quiz question"))
    return problems


def check_ids(src: CourseSource) -> list[Problem]:
    problems = []
    modules: dict[str, str] = {}
    lessons: dict[str, str] = {}
    for module in src.modules:
        if module.slug in modules:
            problems.append(error(module.display, 0, 0, f"module id '{module.slug}' is also the id of "
                                  f"'{modules[module.slug]}': give the folders different names"))
        modules[module.slug] = module.folder
        for lesson in module.lessons:
            lesson_id = f"{module.slug}-{lesson.slug}"
            if lesson.slug == "quiz":
                problems.append(error(lesson.display, 0, 0, f"a lesson cannot be named 'quiz': its id "
                                      f"'{lesson_id}' is the id of the module's quiz; rename the file "
                                      "(e.g. to NN-latihan.md)"))
            if lesson_id in lessons:
                problems.append(error(lesson.display, 0, 0, f"lesson id '{lesson_id}' is also the id of "
                                      f"{lessons[lesson_id]}: rename one of the files"))
            lessons[lesson_id] = lesson.display
    questions: dict[str, str] = {}
    for module in src.modules:
        if not (module.quiz and module.quiz_doc):
            continue
        for qi, question in enumerate(module.quiz.questions):
            path, line, col = at(module.quiz_doc, ("questions", qi, "id"))
            if question.id in questions:
                problems.append(error(path, line, col, f"question id '{question.id}' is already used at "
                                      f"{questions[question.id]}: question ids must be unique in the course"))
            else:
                questions[question.id] = f"{path}:{line}"
    return problems


def check_questions(src: CourseSource) -> list[Problem]:
    problems = []
    for module in src.modules:
        if not (module.quiz and module.quiz_doc):
            continue
        for qi, question in enumerate(module.quiz.questions):
            problems += check_question(question, module.quiz_doc, ("questions", qi))
    return problems


def check_question(q, doc: YamlDoc, loc: tuple) -> list[Problem]:
    problems = []

    def fail(key: tuple, message: str, severity=error) -> None:
        problems.append(severity(*at(doc, loc + key), message))

    if q.image and not (q.image_alt or "").strip():
        fail(("image",), "the image needs a text alternative: add 'image_alt: <what it shows>'")
    if q.image_alt and not q.image:
        fail(("image_alt",), "'image_alt' is set but there is no 'image': add the image, or remove "
             "'image_alt'", warning)
    if isinstance(q, s.SingleQuestion):
        correct = [i for i, c in enumerate(q.choices) if c.correct]
        if len(correct) != 1:
            fail(("choices",), f"a single-choice question needs exactly one choice with 'correct: true', "
                 f"found {len(correct)}" + ("; use type: multiple for several right answers" if correct else ""))
        for i, c in enumerate(q.choices):
            if c.weight is not None and c.correct and c.weight != 100:
                fail(("choices", i, "weight"), "the correct choice of a single-choice question is worth 100")
            if c.weight is not None and not c.correct and not 0 <= c.weight < 100:
                fail(("choices", i, "weight"), f"a wrong choice may give partial credit from 0 to below 100, "
                     f"got {c.weight:g}")
    elif isinstance(q, s.MultipleQuestion):
        if not any(c.correct for c in q.choices):
            fail(("choices",), "a multiple-choice question needs at least one choice with 'correct: true'")
        else:
            weights = s.default_weights(q.choices)
            for i, (c, w) in enumerate(zip(q.choices, weights)):
                if c.correct and w <= 0:
                    fail(("choices", i, "weight"), f"a correct choice needs a positive weight, got {w:g}")
                if not c.correct and w > 0:
                    fail(("choices", i, "weight"), f"a wrong choice cannot have a positive weight ({w:g}): "
                         "mark it 'correct: true' or make the weight 0 or negative")
            total = sum(w for c, w in zip(q.choices, weights) if c.correct and w > 0)
            if abs(total - 100) > WEIGHT_EPSILON:
                fail(("choices",), f"the weights of the correct choices add up to {total:g}, not 100: "
                     "adjust them (or leave 'weight' out to share 100 equally)")
    elif isinstance(q, s.ShortAnswerQuestion):
        if not any(a.weight == 100 for a in q.answers):
            fail(("answers",), "at least one accepted answer needs weight 100 (the default)")
        seen: set[str] = set()
        for i, a in enumerate(q.answers):
            key = a.text if q.case_sensitive else a.text.casefold()
            if key.strip() in seen:
                fail(("answers", i, "text"), f"answer '{a.text}' is listed twice")
            seen.add(key.strip())
    elif isinstance(q, s.NumericalQuestion):
        if not any(a.weight == 100 for a in q.answers):
            fail(("answers",), "at least one answer needs weight 100 (the default)")
        units = [u.unit for u in q.units]
        for i, u in enumerate(units):
            if units.index(u) != i:
                fail(("units", i, "unit"), f"unit '{u}' is listed twice")
        if q.units and q.units[0].multiplier != 1:
            fail(("units", 0, "multiplier"), "the first unit is the main unit: its multiplier must be 1")
    elif isinstance(q, s.MatchingQuestion):
        lefts: set[str] = set()
        for i, p in enumerate(q.pairs):
            if p.left.strip() in lefts:
                fail(("pairs", i, "left"), f"'{p.left}' appears twice on the left: each item is matched once")
            lefts.add(p.left.strip())
    return problems


def check_glossary(src: CourseSource) -> list[Problem]:
    """Each term once: the same term (ignoring case and surrounding spaces) defined twice is an error."""
    if src.glossary is None or src.glossary_doc is None:
        return []
    seen: dict[str, tuple[str, int]] = {}
    problems = []
    for i, entry in enumerate(src.glossary.root):
        key = unicodedata.normalize("NFC", " ".join(entry.term.split())).casefold()
        path, line, col = at(src.glossary_doc, (i, "term"))
        if key in seen:
            first, first_line = seen[key]
            same = "" if first == entry.term else f" (as '{first}')"
            problems.append(error(path, line, col, f"glossary term '{entry.term}' is already defined on line "
                                  f"{first_line}{same}: merge the two definitions into one entry"))
        else:
            seen[key] = (entry.term, line)
    return problems


def source_docs(src: CourseSource) -> Iterable[tuple[YamlDoc, bool]]:
    """Every parsed YAML document of the course (course.yaml, glossary, modules, quizzes, front
    matter), each with whether it is a quiz."""
    yield from ((doc, False) for doc in (src.doc, src.glossary_doc) if doc is not None)
    for module in src.modules:
        yield from ((doc, False) for doc in (module.doc,) if doc is not None)
        yield from ((doc, True) for doc in (module.quiz_doc,) if doc is not None)
        yield from ((lesson.doc, False) for lesson in module.lessons if lesson.doc is not None)


def strings(value, loc: tuple = ()) -> Iterable[tuple[tuple, str]]:
    """Every string in parsed YAML data (keys included), with its key path."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, loc + (key,))
            yield from strings(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, loc + (i,))


def field_name(loc: tuple) -> str:
    """``("choices", 1, "text")`` → ``choices[2].text`` (list items counted from 1)."""
    name = ""
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def check_characters(src: CourseSource) -> list[Problem]:
    """No text may hold a character that no output can carry: each is an error at its value,
    naming the question (in a quiz) and the field."""
    problems = []
    for doc, is_quiz in source_docs(src):
        for loc, text in strings(doc.data):
            found = UNWRITABLE.search(text)
            if not found:
                continue
            where = f"field '{field_name(loc)}'"
            if is_quiz and len(loc) > 2 and loc[0] == "questions":
                question = doc.data["questions"][loc[1]]
                if isinstance(question, dict) and isinstance(question.get("id"), str):
                    where = f"question '{question['id']}', field '{field_name(loc[2:])}'"
            problems.append(error(*at(doc, loc), f"{where}: control character U+{ord(found.group()):04X} cannot "
                                  "go into any output (XML forbids it): delete it (YAML escapes such as \"\\a\" "
                                  "or \"\\x07\" produce it)"))
    return problems


def check_labels(src: CourseSource, exporters: Mapping[str, Any]) -> list[Problem]:
    """course.yaml's ``labels``: every key is one of a table's (the core's or an exporter's)."""
    if src.file is None or src.doc is None or not src.file.labels:
        return []
    tables = [CORE_LABELS, *(t for e in exporters.values() for t in getattr(e, "labels", ()))]
    display = src.display("course.yaml")
    return [error(display, *src.doc.locate(("labels", key), key=True), message)
            for key, message in check_overrides(src.file.labels, tables)]
