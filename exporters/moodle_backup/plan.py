"""Every id of the backup, fixed before anything is written, and the XML helpers all writers share.

A Moodle backup names its records by the ids they had on the site that made it; restore maps
each old id to a new one. coursepack has no site, so the ids are numbered here in source order
(course → sections → activities → question categories → questions), which makes the same
course give the same ids, thus the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Mapping

from lxml import etree

from coursepack.model import Asset, Course, Lesson, Module, Quiz

if TYPE_CHECKING:
    from .scorm import ScormPackage

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
    """One course module: a page, a book, a quiz, the glossary or a SCORM package."""

    modname: str
    cmid: int
    instance: int
    contextid: int
    section: "Section"
    title: str
    lessons: tuple[Lesson, ...] = ()
    quiz: Quiz | None = None
    module: Module | None = None
    package: "ScormPackage | None" = None       # a SCORM activity's package

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


@dataclass(frozen=True)
class Plan:
    """Every record of the backup with its id, built once by ``make_plan`` and never changed."""

    course: Course
    timestamp: int                          # the source date, seconds since 1970
    startdate: int                          # the course date, 00:00 UTC
    lessons_as: str                         # "page" or "book"
    sections: tuple[Section, ...]
    activities: tuple[Activity, ...]        # in cmid order
    categories: tuple[Category, ...]
    lesson_cm: Mapping[str, int]            # lesson source -> cmid
    lesson_chapter: Mapping[str, int]       # lesson source -> book chapter id
    question_ids: Mapping[str, int]         # question id -> question id in backup
    assets: tuple[Asset, ...]               # every course file, once (Course.assets)
    by_section: Mapping[int, tuple[Activity, ...]] = field(repr=False)     # section id -> its activities
    grade_items: Mapping[int, int] = field(repr=False)      # cmid of a graded activity -> its grade item id

    def section_activities(self, section: Section) -> tuple[Activity, ...]:
        return self.by_section.get(section.id, ())

    def graded(self) -> tuple[Activity, ...]:
        """The activities with a gradebook item, in grade item order."""
        return tuple(a for a in self.activities if a.cmid in self.grade_items)


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


GRADED = ("quiz", "scorm")


def make_plan(course: Course, source_date: dt.datetime, lessons_as: str, glossary_title: str,
              categories: tuple[Category, ...], question_ids: Mapping[str, int],
              packages: tuple["ScormPackage", ...] = ()) -> Plan:
    """Number the sections and course modules (with their contexts); ``categories`` and
    ``question_ids`` are numbered by ``questions.plan_categories``; ``packages`` are the SCORM
    activities (numbered after every other activity, so that the others keep their ids)."""
    start = dt.datetime(course.date.year, course.date.month, course.date.day, tzinfo=dt.timezone.utc)
    sections = (Section(1, 0, None), *(Section(module.number + 1, module.number, module) for module in course.modules))
    activities: list[Activity] = []
    lesson_cm: dict[str, int] = {}
    lesson_chapter: dict[str, int] = {}
    counters: dict[str, int] = {}

    def add(modname: str, section: Section, title: str, **payload) -> Activity:
        cmid = len(activities) + 1
        counters[modname] = counters.get(modname, 0) + 1
        activity = Activity(modname, cmid, counters[modname], COURSE_CONTEXT + cmid, section, title, **payload)
        activities.append(activity)
        return activity

    if course.glossary:
        add("glossary", sections[0], glossary_title)
    chapter = 0
    for section in sections[1:]:
        module = section.module
        assert module is not None
        if lessons_as == "book" and module.lessons:
            book = add("book", section, module.title, lessons=module.lessons, module=module)
            for lesson in module.lessons:
                chapter += 1
                lesson_cm[lesson.source] = book.cmid
                lesson_chapter[lesson.source] = chapter
        else:
            for lesson in module.lessons:
                page = add("page", section, lesson.title, lessons=(lesson,), module=module)
                lesson_cm[lesson.source] = page.cmid
        if module.quiz is not None and module.quiz.questions:
            add("quiz", section, module.quiz.title, quiz=module.quiz, module=module)
    for package in packages:
        section = next(s for s in sections if s.module is package.module)
        add("scorm", section, package.title, module=package.module, package=package)
    by_section: dict[int, list[Activity]] = {}
    for activity in activities:
        by_section.setdefault(activity.section.id, []).append(activity)
    graded = [a for a in activities if a.modname in GRADED]
    return Plan(course, epoch(source_date), epoch(start), lessons_as, sections, tuple(activities), tuple(categories),
                MappingProxyType(lesson_cm), MappingProxyType(lesson_chapter), MappingProxyType(dict(question_ids)),
                course.assets, MappingProxyType({k: tuple(v) for k, v in by_section.items()}),
                MappingProxyType({a.cmid: n for n, a in enumerate(graded, start=2)}))   # 1: the course's own


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


def serialize(root: etree._Element, indent: bool = True) -> bytes:
    """As Moodle writes its backup files: UTF-8, the declaration in double quotes (restore looks for
    exactly ``<?xml version="1.0" encoding="UTF-8"?>`` in the first 200 bytes), indented unless
    ``indent`` is false (questions.xml: most of a large backup's bytes, and its indentation cost
    15 % of the bench's L export, 2.97 s against 2.54 s; restore does not read the whitespace)."""
    return DECLARATION + etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=indent)


def empty(tag: str, *children: str) -> bytes:
    """A file with only empty containers (``<roles><role_overrides/>…``), as a backup without users has."""
    root = etree.Element(tag)
    for child in children:
        etree.SubElement(root, child)
    return serialize(root)


def decimal(value: float, places: int = 5) -> str:
    return f"{value:.{places}f}"
