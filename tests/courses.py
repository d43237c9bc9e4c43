"""The course fixtures every exporter's tests build, and the one way tests load and export them.

``SAMPLE`` is the sample course in ``course/``; ``FIXTURES`` holds the small courses under
``tests/fixtures/courses/`` (``MINI`` is the one every exporter has golden files for, see
``goldens.py``). ``load`` reads a course (a ``Loaded``: the course, the exporters' options from
course.yaml beside it, its folder) and fails the test on any error. ``build`` runs one exporter
through ``run_exporter`` (staging, check, publish), with the exporter's options given beside the
course as ``coursepack build`` gives them, and fails the test unless files were published;
``export`` is the same run without that assertion, for refusals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from coursepack.run import ExportResult, run_exporter
from coursepack.load import Loaded, load_course
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


def load(folder: Path, display_root: str | None = None) -> Loaded:
    """The course in ``folder``, loaded; the test fails when the source has errors."""
    loaded, problems = load_course(folder, EXPORTERS, display_root=display_root)
    assert loaded is not None, [p.format() for p in problems]
    return loaded


def export(exporter: str, loaded: Loaded, out: Path, options: Any = None,
           environ: dict[str, str] | None = None, warn: Callable[[str], None] | None = None) -> ExportResult:
    """One exporter's run into ``out``; ``options`` (its Options) replace those of course.yaml, and
    ``environ`` (None: this process's environment, as for the command) gives SOURCE_DATE_EPOCH."""
    if options is not None:
        loaded = dataclasses.replace(loaded, options=MappingProxyType({**loaded.options, exporter: options}))
    return run_exporter(EXPORTERS[exporter], loaded, out, warn or (lambda message: None), environ)


def build(exporter: str, loaded: Loaded, out: Path, options: Any = None,
          environ: dict[str, str] | None = None) -> tuple[Path, ...]:
    """The files one exporter published into ``out``; the test fails when it published none."""
    result = export(exporter, loaded, out, options, environ)
    assert result.paths, [p.format() for p in result.problems]
    return result.paths
