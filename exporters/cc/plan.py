"""Where everything goes in the cartridge: the folders, each page's and quiz's path, the
identifiers, and how a page or a QTI text reaches each course file and lesson."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from coursepack.model import Course, Lesson, Module, Quiz
from coursepack.references import package_path
from ..scorm import ncname
from .options import CcOptions


PAGES = "wiki_content"
FILES = "web_resources"
FILEBASE = "$IMS-CC-FILEBASE$"


@dataclass(frozen=True)
class Plan:
    """Every file of the cartridge and the names that link them."""

    course: Course
    options: CcOptions
    files: dict[str, str]          # asset path -> path in the cartridge (web_resources/...)
    pages: dict[str, str]          # lesson source (.md) -> page path in the cartridge

    def page(self, lesson: Lesson) -> str:
        return self.pages[lesson.source]


def plan(course: Course, options: CcOptions) -> Plan:
    files = {a.path: f"{FILES}/{package_path(a.path)}" for a in course.assets}
    pages = {lesson.source: f"{PAGES}/{ncname(lesson.id)}.html" for lesson in course.lessons}
    return Plan(course, options, files, pages)


def module_page(module: Module) -> str:
    return f"{PAGES}/{ncname(module.id)}-overview.html"


GLOSSARY_PAGE = f"{PAGES}/glossary.html"


def quiz_file(quiz: Quiz) -> str:
    return f"assessments/{ncname(quiz.id)}.xml"


def bank_file(course: Course) -> str:
    return f"question_bank/{ncname(course.id)}.xml"


def ident(kind: str, key: str) -> str:
    """An xs:ID (NCName) from a stable key: ``<kind>_<key>``."""
    return f"{kind}_{ncname(key)}"


def page_targets(p: Plan, page: str) -> dict[str, str]:
    """How a page at ``page`` reaches each course file and each lesson."""
    folder = posixpath.dirname(page)
    targets: dict[str, str] = {}
    for path, target in p.files.items():
        if p.options.file_links == "filebase":
            targets[path] = f"{FILEBASE}/{target[len(FILES) + 1:]}"
        else:
            targets[path] = posixpath.relpath(target, folder)
    for source, target in p.pages.items():
        targets[source] = posixpath.relpath(target, folder)
    return targets


def qti_targets(p: Plan) -> dict[str, str]:
    """Course files as QTI texts reach them: ``$IMS-CC-FILEBASE$/<path>`` naming
    ``web_resources/<path>``, as Canvas writes and reads it and Open edX's cc2olx reads it.
    (Moodle's importer reads it as the QTI file's own folder, and even in the form it expects
    keeps no working link to a question's image: README says so.)"""
    return {path: f"{FILEBASE}/{target[len(FILES) + 1:]}" for path, target in p.files.items()}
