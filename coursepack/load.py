"""course/ → validated, frozen ``Course``.

Steps, each collecting every problem it finds (nothing stops at the first one):
1. discover the files (modules in order, lessons in order, quizzes, glossary);
2. read and parse each file, and validate it against its schema (``schema.py``);
3. run the cross-file checks (``checks.py``);
4. render all Markdown to HTML once and build the frozen model (``model.py``).
The model is built only when no step found an error.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pydantic import BaseModel

from . import model as m
from . import schema as s
from .colour import TEXT_CONTRAST, normalise, readable_shade, weakest_contrast
from .labels import CORE_LABELS, check_overrides, resolve_labels
from .media import IMAGE_EXTENSIONS
from .problems import Problem, error, errors_in, warning
from .render import Place, Renderer, slugify
from .sources import MAX_LESSON_BYTES, YamlDoc, parse_yaml, read_text, split_front_matter
from .validate import describe_error, validate_doc

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
    options: dict[str, BaseModel] = field(default_factory=dict)

    def display(self, rel: str) -> str:
        return rel if self.display_root in ("", ".") else f"{self.display_root.rstrip('/')}/{rel}"


def load_course(course_dir: Path, exporters: Mapping[str, Any] | None = None,
                display_root: str | None = None) -> tuple[m.Course | None, list[Problem]]:
    """Load and validate a course folder.

    ``exporters`` maps exporter names to exporter classes; their ``Options`` models
    validate the matching sections of ``course.yaml``. Returns the model (``None`` when
    there are errors) and every problem found, errors and warnings.
    """
    from .checks import check_source

    src = CourseSource(Path(course_dir), display_root if display_root is not None else str(course_dir))
    problems = read_source(src)
    problems += check_options(src, exporters or {})
    problems += check_labels(src, exporters or {})
    if errors_in(problems):
        return None, problems
    problems += check_source(src)
    if errors_in(problems):
        return None, problems
    course, render_problems = build_model(src)
    problems += render_problems
    if errors_in(problems):
        return None, problems
    return course, problems


# --- 1 + 2: discover, read, parse, validate ------------------------------------------------

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


def check_options(src: CourseSource, exporters: Mapping[str, Any]) -> list[Problem]:
    """Validate each exporter's section of course.yaml with that exporter's Options model."""
    if src.file is None or src.doc is None:
        return []
    problems: list[Problem] = []
    display = src.display("course.yaml")
    for name, values in src.file.exporters.items():
        if name not in exporters:
            close = difflib.get_close_matches(name, list(exporters), n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f"; installed: {', '.join(sorted(exporters))}"
            line, col = src.doc.locate(("exporters", name), key=True)
            problems.append(warning(display, line, col, f"options for unknown exporter '{name}'{hint}"))
            continue
    for name, exporter in exporters.items():
        options_model = getattr(exporter, "Options", None)
        if options_model is None:
            continue
        values = src.file.exporters.get(name) or {}
        sub = YamlDoc(display, values, {k[2:]: v for k, v in src.doc.value_marks.items()
                                        if k[:2] == ("exporters", name)},
                      {k[2:]: v for k, v in src.doc.key_marks.items() if k[:2] == ("exporters", name)})
        sub.value_marks.setdefault((), src.doc.locate(("exporters", name)))
        from pydantic import ValidationError
        try:
            src.options[name] = options_model.model_validate(values)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                problem = describe_error(sub, options_model, e)
                problems.append(Problem(problem.path, problem.line, problem.col,
                                        f"exporters.{name}: {problem.message}"))
    return problems


def check_labels(src: CourseSource, exporters: Mapping[str, Any]) -> list[Problem]:
    """course.yaml's ``labels``: every key is one of a table's (the core's or an exporter's)."""
    if src.file is None or src.doc is None or not src.file.labels:
        return []
    tables = [CORE_LABELS, *(t for e in exporters.values() for t in getattr(e, "labels", ()))]
    display = src.display("course.yaml")
    return [error(display, *src.doc.locate(("labels", key), key=True), message)
            for key, message in check_overrides(src.file.labels, tables)]


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


# --- 4: render and build the frozen model --------------------------------------------------

def build_model(src: CourseSource) -> tuple[m.Course, list[Problem]]:
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
            questions = [build_question(q, n, ms.quiz_doc, quiz_rel, renderer, pick, problems)
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
        options=MappingProxyType(dict(src.options)), root=src.root,
        labels=MappingProxyType(dict(cf.labels)), branding=branding,
    )
    return course, problems


def default_weights(choices: list[s.Choice]) -> list[float]:
    """Weights for a multiple-answer question: explicit ones, else ±100/number of correct."""
    correct = sum(1 for c in choices if c.correct) or 1
    share = 100 / correct
    return [c.weight if c.weight is not None else (share if c.correct else -share) for c in choices]


def build_question(q: s.QuestionBase, number: int, doc: YamlDoc, rel: str, renderer: Renderer,
                   pick, problems: list[Problem]) -> m.Question:
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
    fields: dict[str, Any] = dict(
        id=q.id, kind=q.type, number=number, stem=q.stem, stem_html=md(q.stem, ("stem",)),
        points=q.points, outcomes=pick(q.outcomes), feedback_html=md(q.feedback, ("feedback",)),
        hints_html=tuple(md(h, ("hints", i)) for i, h in enumerate(q.hints)), penalty=q.penalty,
        image=image, image_alt=q.image_alt or "", source=rel, line=doc.locate(base_loc)[0],
    )
    if isinstance(q, (s.SingleQuestion, s.MultipleQuestion)):
        if isinstance(q, s.MultipleQuestion):
            weights = default_weights(q.choices)
        else:
            weights = [c.weight if c.weight is not None else (100.0 if c.correct else 0.0) for c in q.choices]
        fields["choices"] = tuple(
            m.Choice(md(c.text, ("choices", i, "text"), inline=True), c.text, c.correct, float(w),
                     md(c.feedback, ("choices", i, "feedback")))
            for i, (c, w) in enumerate(zip(q.choices, weights)))
        fields["shuffle"] = q.shuffle
    elif isinstance(q, s.TrueFalseQuestion):
        fields.update(answer=q.answer, feedback_true_html=md(q.feedback_true, ("feedback_true",)),
                      feedback_false_html=md(q.feedback_false, ("feedback_false",)))
    elif isinstance(q, s.ShortAnswerQuestion):
        fields.update(case_sensitive=q.case_sensitive, text_answers=tuple(
            m.TextAnswer(a.text, float(a.weight), md(a.feedback, ("answers", i, "feedback")))
            for i, a in enumerate(q.answers)))
    elif isinstance(q, s.NumericalQuestion):
        fields.update(number_answers=tuple(
            m.NumberAnswer(float(a.value), float(a.tolerance), float(a.weight),
                           md(a.feedback, ("answers", i, "feedback")))
            for i, a in enumerate(q.answers)),
            units=tuple(m.Unit(u.unit, float(u.multiplier)) for u in q.units))
    elif isinstance(q, s.MatchingQuestion):
        fields.update(shuffle=q.shuffle, pairs=tuple(
            m.Pair(md(p.left, ("pairs", i, "left"), inline=True), p.left, p.right)
            for i, p in enumerate(q.pairs)))
    elif isinstance(q, s.EssayQuestion):
        fields.update(grader_notes_html=md(q.grader_notes, ("grader_notes",)),
                      response_format=q.response_format, response_lines=q.response_lines,
                      response_required=q.response_required, response_template=q.response_template)
    fields["assets"] = tuple(assets[k] for k in sorted(assets))
    return m.Question(**fields)
