"""The course fixtures every exporter's tests build, and the one way tests load and export them.

``SAMPLE`` is the sample course in ``course/``; ``FIXTURES`` holds the small courses under
``tests/fixtures/courses/`` (``MINI`` is the one every exporter has golden files for, see
``goldens.py``). ``load`` reads a course and fails the test on any error. ``build`` runs one
exporter through ``run_exporter`` (staging, check, publish), with the exporter's options given
beside the course as ``coursepack build`` gives them from course.yaml, and fails the test unless
files were published; ``export`` is the same run without that assertion, for refusals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from coursepack.run import ExportResult, run_exporter
from coursepack.load import load_course
from coursepack.model import Course
from coursepack.registry import discover_exporters

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "course"
FIXTURES = REPO / "tests" / "fixtures" / "courses"
MINI = FIXTURES / "mini"
REFUSED = frozenset({"moodle-bad"})          # fixture courses whose source every build refuses
EXPORTERS = discover_exporters()


def buildable_courses() -> list:
    """The sample course and every fixture course that builds, as pytest parameters."""
    return [pytest.param(SAMPLE, id="sample")] + [
        pytest.param(folder, id=folder.name) for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and folder.name not in REFUSED]


def load(folder: Path, display_root: str | None = None) -> Course:
    """The course in ``folder``; the test fails when the source has errors."""
    course, problems = load_course(folder, EXPORTERS, display_root=display_root)
    assert course is not None, [p.format() for p in problems]
    return course


def export(exporter: str, course: Course, out: Path, options: Any = None,
           environ: dict[str, str] | None = None, warn: Callable[[str], None] | None = None) -> ExportResult:
    """One exporter's run into ``out``; ``options`` (its Options) replace those of course.yaml, and
    ``environ`` (None: this process's environment, as for the command) gives SOURCE_DATE_EPOCH."""
    if options is not None:
        course = dataclasses.replace(course, options=MappingProxyType({**course.options, exporter: options}))
    return run_exporter(EXPORTERS[exporter], course, out, warn or (lambda message: None), environ)


def build(exporter: str, course: Course, out: Path, options: Any = None,
          environ: dict[str, str] | None = None) -> tuple[Path, ...]:
    """The files one exporter published into ``out``; the test fails when it published none."""
    result = export(exporter, course, out, options, environ)
    assert result.paths, [p.format() for p in result.problems]
    return result.paths
