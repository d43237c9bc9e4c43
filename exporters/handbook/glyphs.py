"""Characters the handbook's fonts cannot draw: the font files ``fonts.css`` loads (the course's
own when it has one), the code points they cover, and a warning at the first source line that
uses a character none of them has (``validate`` runs it as the handbook's preflight rule)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

import jinja2

from coursepack.model import Course
from coursepack.problems import Problem, warning

from .printhtml import VARIATION_SELECTORS

FONT_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}     # controls and format characters (ZWJ, bidi marks) print nothing


def font_files(env: jinja2.Environment) -> list[Path]:
    """The font files that ``fonts.css`` (the course's own when it has one) loads with @font-face."""
    try:
        source, filename, _ = env.loader.get_source(env, "fonts.css")
    except jinja2.TemplateNotFound:
        return []
    folder = Path(filename).parent
    files = []
    for face in FONT_FACE.findall(source):
        for url in FONT_URL.findall(face):
            path = folder / unquote(url)
            if path.is_file() and path not in files:
                files.append(path)
    return files


def drawable_characters(files: Iterable[Path], wanted: Iterable[int]) -> frozenset[int]:
    """The code points of ``wanted`` that at least one of ``files`` has a glyph for. Fonts are
    opened in order and no further once every wanted character is found: a course the first
    font covers reads one font, not the twenty the handbook ships (~270 ms)."""
    from fontTools.ttLib import TTFont

    missing = set(wanted)
    for path in files:
        if not missing:
            break
        try:
            with TTFont(path, lazy=True, fontNumber=0) as font:
                missing -= (font.getBestCmap() or {}).keys()
        except Exception:       # an unreadable font is reported by the build, which fails to load it
            continue
    return frozenset(set(wanted) - missing)


def printable(char: str) -> bool:
    """Whether ``char`` needs a glyph (spaces, controls and format characters print nothing)."""
    import unicodedata

    return not (char.isspace() or unicodedata.category(char) in NOT_DRAWN or VARIATION_SELECTORS.match(char))


def used_characters(course: Course, course_root: Path) -> frozenset[int]:
    """Every code point that needs a glyph in the source files the handbook prints."""
    used: set[str] = set()
    for rel in source_files(course):
        try:
            used.update((course_root / rel).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue            # the loader reports unreadable sources
    return frozenset(ord(c) for c in used if printable(c))


def source_files(course: Course) -> list[str]:
    """Course-relative paths of every source file whose text the handbook prints."""
    files = ["course.yaml"] + (["glossary.yaml"] if course.glossary else [])
    for m in course.modules:
        files.append(f"modules/{m.folder}/module.yaml")
        files += [lesson.source for lesson in m.lessons]
        if m.quiz:
            files.append(m.quiz.source)
    return files


def undrawable_problems(course: Course, course_root: Path, drawable: frozenset[int]) -> list[Problem]:
    """A warning at each source line (file:line:col) that first uses a character none of the
    handbook's fonts draws, naming the characters: the author hears of the empty boxes before
    printing, at the lesson, not once per glyph while typesetting."""
    import unicodedata

    problems = []
    for rel in source_files(course):
        try:
            text = (course_root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue            # the loader reports unreadable sources
        reported: set[str] = set()
        for number, line in enumerate(text.splitlines(), 1):
            found: dict[str, int] = {}       # new undrawable character → its column
            for col, char in enumerate(line, 1):
                if ord(char) in drawable or char in reported or char in found or not printable(char):
                    continue
                found[char] = col
            if not found:
                continue
            reported.update(found)
            names = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in found]
            listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            verb = "is" if len(names) == 1 else "are"
            problems.append(warning(
                f"{course_root.as_posix()}/{rel}", number, min(found.values()),
                f"{listed} {verb} in none of the handbook's fonts and would print as empty boxes: write "
                "it another way, or add a font that has it to templates/handbook/fonts.css in the course "
                "(with its fonts/ folder); a course that is not printed can leave the handbook's rules out: "
                "validate --for scorm12 (the outputs you build)"))
    return problems
