"""The handbook's checks: WeasyPrint's log as problems at the files that caused them, the PDF's
outline and link targets against the course, and the written file a complete PDF."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable

from coursepack.model import Course
from coursepack.problems import Problem, error, warning

from .fetcher import url_path
from .typesetting import Typeset


def users_of(course: Course) -> dict[str, list[str]]:
    """Course-relative asset path → the source files (lessons, quizzes) that use it."""
    found: dict[str, list[str]] = {}
    for lesson in course.lessons:
        for asset in lesson.assets:
            found.setdefault(asset.path, []).append(lesson.source)
    for q in course.questions:
        for asset in q.assets:
            if q.source not in found.setdefault(asset.path, []):
                found[asset.path].append(q.source)
    return found


GLYPH_MESSAGE = re.compile(r'(?:Unknown bitmap metrics|Unknown subglyph|Too many glyphs missing)[^"]*"([^"]+)"')


def glyph_messages(messages: Iterable[tuple[int, str]]) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """WeasyPrint's per-glyph font warnings (one for each glyph of a machine's colour emoji font
    it could not draw) → one warning per font; the other messages are returned as they are."""
    rest, counts = [], {}
    for level, message in messages:
        found = GLYPH_MESSAGE.search(message)
        if found:
            counts[found.group(1)] = counts.get(found.group(1), 0) + 1
        else:
            rest.append((level, message))
    return rest, counts


def log_problems(messages: Iterable[tuple[int, str]], course: Course, course_root: Path,
                 template_dir: str) -> list[Problem]:
    """WeasyPrint's log → problems: a resource that did not load is an error at the file that uses
    it; the per-glyph warnings about a font of the machine's own become one warning per font."""
    root = course_root.resolve()
    users = users_of(course)
    display = course_root.as_posix()
    messages, glyphs = glyph_messages(messages)
    problems = []
    for family, count in sorted(glyphs.items()):
        problems.append(warning(display, 0, 0, f"{count} glyph(s) came from the font '{family}' of this "
                                "machine, not from the handbook's fonts, and may not print as they should: "
                                "`coursepack validate` names the characters, with file and line"))
    for level, message in messages:
        loaded = re.search(r"Failed to load (image|font|stylesheet|attachment)[^']*'([^']+)'", message)
        if loaded or "refused" in message.lower():
            where, what = [template_dir], message
            url = loaded.group(2) if loaded else ""
            # WeasyPrint's reason follows the quoted URL; for a damaged file it is often empty
            reason = message[loaded.end():].lstrip(": ").strip() if loaded else ""
            reason = reason or "the file is damaged or not in the format its name says"
            if url.startswith("file:"):
                path = url_path(url, (root,))
                if path.is_relative_to(root):
                    rel = path.relative_to(root).as_posix()
                    where = [f"{display}/{src}" for src in users.get(rel, [])] or [f"{display}/{rel}"]
                    what = f"{loaded.group(1)} '{rel}' could not be loaded into the handbook: {reason}"
                else:
                    what = f"{loaded.group(1)} '{path.name}' could not be loaded into the handbook: {reason}"
            problems += [error(w, 0, 0, what) for w in where]
        elif level >= logging.ERROR:
            problems.append(error(template_dir, 0, 0, f"WeasyPrint: {message}"))
        else:
            problems.append(warning(template_dir, 0, 0, f"WeasyPrint: {message}"))
    return problems


def expected_outline(course: Course, labels: dict) -> list[tuple[int, str]]:
    """(level, label) of every bookmark the handbook must have, in order."""
    out: list[tuple[int, str]] = [(1, labels["contents"])]
    for m in course.modules:
        out.append((1, f"{labels['module']} {m.number}. {m.title}"))
        out += [(2, f"{m.number}.{lesson.number} {lesson.title}") for lesson in m.lessons]
        if m.quiz:
            out.append((2, m.quiz.title))
    if course.questions:      # a course without questions has no answer key
        out.append((1, labels["answer_key"]))
    out.append((1, labels["outcome_map"]))
    if course.glossary:
        out.append((1, labels["glossary"]))
    return out


def flatten_outline(tree, level: int = 1) -> list[tuple[int, str]]:
    out = []
    for label, _target, children, _state in tree:
        out.append((level, " ".join(label.split())))
        out += flatten_outline(children, level + 1)
    return out


def outline_problems(result: Typeset, course: Course, labels: dict, output: str) -> list[Problem]:
    problems = []
    expected = [(lvl, " ".join(text.split())) for lvl, text in expected_outline(course, labels)]
    found = flatten_outline(result.bookmarks)
    if found != expected:
        missing = [e for e in expected if e not in found]
        extra = [f for f in found if f not in expected]
        problems.append(error(output, 0, 0, f"the PDF outline does not mirror the course: missing "
                              f"{missing[:3]}, unexpected {extra[:3]}"))
    needed = [f"q-{q.id}" for q in course.questions] + [f"key-{q.id}" for q in course.questions]
    needed += [f"lesson-{lesson.id}" for lesson in course.lessons]
    absent = [a for a in needed if a not in result.anchors]
    if absent:
        problems.append(error(output, 0, 0, f"{len(absent)} link target(s) missing from the PDF, "
                              f"e.g. {absent[0]}"))
    return problems


def pdf_problems(paths: Iterable[Path]) -> list[Problem]:
    """A written file that is not a whole PDF (it must start with ``%PDF-`` and end with ``%%EOF``)."""
    problems = []
    for path in paths:
        data = path.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-32:]:
            problems.append(error(path.name, 0, 0, "the handbook is not a complete PDF file"))
    return problems
