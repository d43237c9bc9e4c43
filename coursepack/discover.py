"""course/ → ``CourseSource``: find the course's files, read and parse each, validate it against its schema.

1. discover the files (modules in order, lessons in order, quizzes, glossary);
2. read and parse each file (``sources.py``), and validate it against its pydantic model
   (``schema.py``), collecting every problem (nothing stops at the first one).

The result is the source as written, each value with its file position, for the cross-file
rules (``checks.py``) and for assembling the model (``assemble.py``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from . import schema as s
from .problems import Problem, error, warning
from .render import slugify
from .sources import MAX_LESSON_BYTES, YamlDoc, parse_yaml, read_text, split_front_matter
from .validate import validate_doc

MODULE_FOLDER = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)$")
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
KNOWN_MODULE_FILES = ("module.yaml", "quiz.yaml")


@dataclass
class LessonSource:
    rel: str
    display: str
    number: int
    slug: str
    front: s.LessonFront | None = None
    doc: YamlDoc | None = None
    body: str = ""
    body_line: int = 1


@dataclass
class ModuleSource:
    folder: str
    rel: str
    display: str
    number: int
    slug: str
    file: s.ModuleFile | None = None
    doc: YamlDoc | None = None
    lessons: list[LessonSource] = field(default_factory=list)
    quiz: s.QuizFile | None = None
    quiz_doc: YamlDoc | None = None


@dataclass
class CourseSource:
    root: Path
    display_root: str
    file: s.CourseFile | None = None
    doc: YamlDoc | None = None
    modules: list[ModuleSource] = field(default_factory=list)
    glossary: s.GlossaryFile | None = None
    glossary_doc: YamlDoc | None = None

    def display(self, rel: str) -> str:
        return rel if self.display_root in ("", ".") else f"{self.display_root.rstrip('/')}/{rel}"


def read_yaml_file(src: CourseSource, rel: str, model: type[BaseModel], what: str):
    display = src.display(rel)
    text, problems = read_text(src.root / rel, display)
    if text is None:
        return None, None, problems
    doc, parse_problems = parse_yaml(text, display)
    problems += parse_problems
    if doc is None or any(p.severity == "error" for p in parse_problems):
        return None, doc, problems
    value, schema_problems = validate_doc(doc, model, what)
    return value, doc, problems + schema_problems


def read_source(src: CourseSource) -> list[Problem]:
    root = src.root
    if not root.is_dir():
        return [error(src.display_root, 0, 0, "course folder not found: create it, or point to it "
                      "with --course DIR")]
    problems: list[Problem] = []
    if not (root / "course.yaml").is_file():
        near = _near_file(root, "course.yaml")
        problems.append(error(src.display("course.yaml"), 0, 0, "course.yaml is missing: every course "
                              f"needs one (id, title, language, version, date, authors, outcomes){near}"))
    else:
        src.file, src.doc, found = read_yaml_file(src, "course.yaml", s.CourseFile, "course.yaml")
        problems += found
    if (root / "glossary.yaml").is_file():
        src.glossary, src.glossary_doc, found = read_yaml_file(src, "glossary.yaml", s.GlossaryFile,
                                                                "glossary.yaml")
        problems += found
    elif (root / "glossary.yml").exists():
        problems.append(error(src.display("glossary.yml"), 0, 0, "rename glossary.yml to glossary.yaml"))
    problems += discover_modules(src)
    for module in src.modules:
        problems += read_module(src, module)
    return problems


def suggest_name(stem: str, suffix: str) -> str:
    """'rename it to …' for a file or folder name that has a number but not the slug rules."""
    match = re.match(r"^(\d+)[\s_-]*(.+)$", stem)
    return f"rename it to '{match.group(1)}-{slugify(match.group(2))}{suffix}'" if match else ""


def _near_file(folder: Path, wanted: str) -> str:
    known = {"course.yaml", "glossary.yaml", "modules", "assets", "templates", *KNOWN_MODULE_FILES}
    names = [p.name for p in folder.iterdir() if p.name not in known] if folder.is_dir() else []
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    return f" — found '{close[0]}': rename it to '{wanted}'" if close else ""


def discover_modules(src: CourseSource) -> list[Problem]:
    modules_dir = src.root / "modules"
    if not modules_dir.is_dir():
        return [error(src.display("modules"), 0, 0, "the modules/ folder is missing: create "
                      "modules/01-<name>/ with a module.yaml and lessons")]
    problems: list[Problem] = []
    folders = sorted(p.name for p in modules_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    explicit = src.file.modules if src.file else None
    if explicit is not None:
        for i, name in enumerate(explicit):
            line, col = src.doc.locate(("modules", i)) if src.doc else (0, 0)
            if name not in folders:
                close = difflib.get_close_matches(name, folders, n=1, cutoff=0.6)
                hint = f" — did you mean '{close[0]}'?" if close else f"; folders found: {', '.join(folders) or 'none'}"
                problems.append(error(src.display("course.yaml"), line, col,
                                      f"module folder '{name}' not found in modules/{hint}"))
                continue
            match = MODULE_FOLDER.match(name)
            slug = match.group(2) if match else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            src.modules.append(ModuleSource(name, f"modules/{name}", src.display(f"modules/{name}"),
                                            i + 1, slug or f"module-{i + 1}"))
        for name in folders:
            if name not in explicit:
                problems.append(warning(src.display(f"modules/{name}"), 0, 0, "this module folder is not "
                                        "listed under 'modules' in course.yaml, so it is left out"))
        return problems
    numbers: dict[int, str] = {}
    for name in folders:
        match = MODULE_FOLDER.match(name)
        if not match:
            problems.append(error(src.display(f"modules/{name}"), 0, 0, f"module folder '{name}' needs a "
                                  "number prefix and a lowercase slug, like '01-pengenalan' "
                                  f"({suggest_name(name, '') or 'rename it'}, or list the folders under "
                                  "'modules' in course.yaml)"))
            continue
        number = int(match.group(1))
        if number in numbers:
            problems.append(error(src.display(f"modules/{name}"), 0, 0, f"module folders '{numbers[number]}' "
                                  f"and '{name}' have the same number: renumber one"))
            continue
        numbers[number] = name
    for position, number in enumerate(sorted(numbers), start=1):
        name = numbers[number]
        src.modules.append(ModuleSource(name, f"modules/{name}", src.display(f"modules/{name}"), position,
                                        MODULE_FOLDER.match(name).group(2)))
    if not src.modules and not problems:
        problems.append(error(src.display("modules"), 0, 0, "no module folders found: create "
                              "modules/01-<name>/ with a module.yaml and lessons"))
    return problems


def read_module(src: CourseSource, module: ModuleSource) -> list[Problem]:
    folder = src.root / module.rel
    problems: list[Problem] = []
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if "module.yaml" in names:
        module.file, module.doc, found = read_yaml_file(src, f"{module.rel}/module.yaml", s.ModuleFile,
                                                        "module.yaml")
        problems += found
    else:
        problems.append(error(src.display(f"{module.rel}/module.yaml"), 0, 0, "module.yaml is missing: "
                              "add one with at least a title" + _near_file(folder, "module.yaml")))
    if "quiz.yaml" in names:
        module.quiz, module.quiz_doc, found = read_yaml_file(src, f"{module.rel}/quiz.yaml", s.QuizFile,
                                                             "quiz.yaml")
        problems += found
    numbers: dict[int, str] = {}
    for name in names:
        path = folder / name
        rel = f"{module.rel}/{name}"
        if name in KNOWN_MODULE_FILES or path.is_dir():
            continue
        if name.endswith((".yml", ".yaml")):
            close = difflib.get_close_matches(name.replace(".yml", ".yaml"), KNOWN_MODULE_FILES, n=1, cutoff=0.6)
            hint = f": rename it to '{close[0]}'" if close else " (a module holds module.yaml and quiz.yaml)"
            problems.append(error(src.display(rel), 0, 0, f"unexpected file '{name}'{hint}"))
            continue
        if not name.endswith(".md"):
            continue  # images and other files may live beside lessons; they are assets when referenced
        match = LESSON_FILE.match(name)
        if not match:
            problems.append(error(src.display(rel), 0, 0, f"lesson file '{name}' must be named "
                                  "NN-slug.md: a number, '-', then lowercase letters, digits and '-' "
                                  f"({suggest_name(name[:-3], '.md') or 'e.g. 01-apa-itu-ai.md'})"))
            continue
        number = int(match.group(1))
        if number in numbers:
            problems.append(error(src.display(rel), 0, 0, f"lessons '{numbers[number]}' and '{name}' "
                                  "have the same number: renumber one"))
            continue
        numbers[number] = name
    for position, number in enumerate(sorted(numbers), start=1):
        name = numbers[number]
        lesson = LessonSource(f"{module.rel}/{name}", src.display(f"{module.rel}/{name}"), position,
                              LESSON_FILE.match(name).group(2))
        problems += read_lesson(lesson, src)
        module.lessons.append(lesson)
    if not numbers and not any(p.path.startswith(module.display) and "lesson" in p.message for p in problems):
        problems.append(error(module.display, 0, 0, "this module has no lessons: add a lesson file "
                              "such as 01-pengantar.md"))
    return problems


def read_lesson(lesson: LessonSource, src: CourseSource) -> list[Problem]:
    text, problems = read_text(src.root / lesson.rel, lesson.display, MAX_LESSON_BYTES)
    if text is None:
        return problems
    front, body, body_line = split_front_matter(text)
    if front is None:
        return problems + [error(lesson.display, 1, 1, "the lesson has no front matter: start the file "
                                 "with a '---' line, then 'title: …', then another '---' line")]
    if body_line == -1:
        return problems + [error(lesson.display, 1, 1, "the front matter is not closed: add a '---' line "
                                 "after it")]
    doc, parse_problems = parse_yaml(front, lesson.display, line_offset=1)
    problems += parse_problems
    if doc is None or any(p.severity == "error" for p in parse_problems):
        return problems
    lesson.front, schema_problems = validate_doc(doc, s.LessonFront, "the front matter")
    lesson.doc = doc
    lesson.body, lesson.body_line = body, body_line
    if not body.strip():
        problems.append(error(lesson.display, body_line, 1, "the lesson is empty: write its content "
                              "below the front matter"))
    return problems + schema_problems
