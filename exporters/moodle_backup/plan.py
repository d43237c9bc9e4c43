"""Every id of the backup, fixed before anything is written, and the XML helpers all writers share.

A Moodle backup names its records by the ids they had on the site that made it; restore maps
each old id to a new one. coursepack has no site, so the ids are numbered here in source order
(course → sections → activities → question categories → questions), which makes the same
course give the same ids, thus the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from lxml import etree

from coursepack.model import Asset, Course, Lesson, Module, Quiz

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NULL = "$@NULL@$"                   # how Moodle's backup writes an SQL NULL
BACKUP_VERSION = "2024100700"       # backup::VERSION of Moodle 4.5
BACKUP_RELEASE = "4.5"              # backup::RELEASE
MOODLE_VERSION = "2024100706"       # $version of Moodle 4.5.6
MOODLE_RELEASE = "4.5.6 (Build: 20250811)"
WWWROOT = "https://coursepack.invalid"     # no site made this backup
SYSTEM_CONTEXT = 1
COURSE_ID = 2
COURSE_CONTEXT = 2
CONTEXT_COURSE_LEVEL = 50
ADMIN_USER = 2                      # ownerid/createdby of questions (mapped to the restoring user)


@dataclass(frozen=True)
class Activity:
    """One course module: a page, a book, a quiz or the glossary."""

    modname: str
    cmid: int
    instance: int
    contextid: int
    section: "Section"
    title: str
    lessons: tuple[Lesson, ...] = ()
    quiz: Quiz | None = None
    module: Module | None = None

    @property
    def key(self) -> str:
        return f"{self.modname}_{self.cmid}"

    @property
    def directory(self) -> str:
        return f"activities/{self.key}"


@dataclass(frozen=True)
class Section:
    id: int
    number: int
    module: Module | None           # None: section 0 ("General")

    @property
    def key(self) -> str:
        return f"section_{self.id}"

    @property
    def directory(self) -> str:
        return f"sections/{self.key}"


@dataclass(frozen=True)
class Category:
    """A question category in the course context: ``top``, the course's, one per module quiz."""

    id: int
    name: str
    parent: int
    info_html: str = ""
    idnumber: str | None = None
    module: Module | None = None


@dataclass
class Plan:
    course: Course
    timestamp: int                          # the source date, seconds since 1970
    startdate: int                          # the course date, 00:00 UTC
    lessons_as: str                         # "page" or "book"
    _by_section: dict[int, list[Activity]] = field(default_factory=dict, repr=False)
    sections: list[Section] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    lesson_cm: dict[str, int] = field(default_factory=dict)           # lesson source -> cmid
    lesson_chapter: dict[str, int] = field(default_factory=dict)      # lesson source -> book chapter id
    question_ids: dict[str, int] = field(default_factory=dict)        # question id -> question id in backup
    assets: tuple[Asset, ...] = ()                                    # every course file, once (Course.assets)

    def section_activities(self, section: Section) -> list[Activity]:
        if len(self._by_section) != len(self.activities):
            self._by_section = {}
            for activity in self.activities:
                self._by_section.setdefault(activity.section.id, []).append(activity)
        return self._by_section.get(section.id, [])

    def graded(self) -> list[Activity]:
        return [a for a in self.activities if a.modname == "quiz"]


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def make_plan(course: Course, source_date: dt.datetime, lessons_as: str, glossary_title: str) -> Plan:
    """Number the sections, course modules (with their contexts), categories and questions."""
    start = dt.datetime(course.date.year, course.date.month, course.date.day, tzinfo=dt.timezone.utc)
    plan = Plan(course, epoch(source_date), epoch(start), lessons_as, assets=course.assets)
    plan.sections.append(Section(1, 0, None))
    for module in course.modules:
        plan.sections.append(Section(module.number + 1, module.number, module))
    counters: dict[str, int] = {}
    cmid = 0

    def add(modname: str, section: Section, title: str, **payload) -> Activity:
        nonlocal cmid
        cmid += 1
        counters[modname] = counters.get(modname, 0) + 1
        activity = Activity(modname, cmid, counters[modname], COURSE_CONTEXT + cmid, section, title, **payload)
        plan.activities.append(activity)
        return activity

    if course.glossary:
        add("glossary", plan.sections[0], glossary_title)
    chapter = 0
    for section in plan.sections[1:]:
        module = section.module
        assert module is not None
        if lessons_as == "book" and module.lessons:
            book = add("book", section, module.title, lessons=module.lessons, module=module)
            for lesson in module.lessons:
                chapter += 1
                plan.lesson_cm[lesson.source] = book.cmid
                plan.lesson_chapter[lesson.source] = chapter
        else:
            for lesson in module.lessons:
                page = add("page", section, lesson.title, lessons=(lesson,), module=module)
                plan.lesson_cm[lesson.source] = page.cmid
        if module.quiz is not None and module.quiz.questions:
            add("quiz", section, module.quiz.title, quiz=module.quiz, module=module)
    return plan


# --- XML ------------------------------------------------------------------------------------

def element(tag: str, **attrib: object) -> etree._Element:
    return etree.Element(tag, {k: str(v) for k, v in attrib.items()})


_SubElement = etree.SubElement


def sub(parent: etree._Element, tag: str, text: object = None, **attrib: object) -> etree._Element:
    child = _SubElement(parent, tag, {k: str(v) for k, v in attrib.items()}) if attrib else _SubElement(parent, tag)
    if text is not None:
        child.text = text if type(text) is str else str(text)
    return child


def fields(parent: etree._Element, values: Iterable[tuple[str, object]]) -> etree._Element:
    """One child per (tag, value), in order; ``None`` becomes Moodle's NULL marker."""
    for tag, value in values:
        _SubElement(parent, tag).text = NULL if value is None else value if type(value) is str else str(value)
    return parent


def serialize(root: etree._Element) -> bytes:
    """As Moodle writes its backup files: UTF-8, the declaration in double quotes (restore looks for
    exactly ``<?xml version="1.0" encoding="UTF-8"?>`` in the first 200 bytes), indented."""
    return DECLARATION + etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=True)


def empty(tag: str, *children: str) -> bytes:
    """A file with only empty containers (``<roles><role_overrides/>…``), as a backup without users has."""
    root = etree.Element(tag)
    for child in children:
        etree.SubElement(root, child)
    return serialize(root)


def decimal(value: float, places: int = 5) -> str:
    return f"{value:.{places}f}"
