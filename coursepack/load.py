"""course/ → validated, frozen ``Course``, with each exporter's options beside it.

The steps, each in its own file and each collecting every problem it finds:
1. discover and read the files, validating each against its schema (``discover.py``);
2. validate each exporter's options (``options.py``) and course.yaml's ``labels`` (``checks.py``);
3. run the cross-file rules (``checks.py``);
4. render all Markdown to HTML once and assemble the frozen model (``assemble.py``).
The model is assembled only when no step found an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pydantic import BaseModel

from .assemble import assemble_course
from .checks import check_labels, check_source
from .discover import CourseSource, read_source
from .model import Course
from .options import validate_options
from .problems import Problem, errors_in


@dataclass(frozen=True)
class Loaded:
    """A loaded course: the document, and beside it what is not part of it."""

    course: Course
    options: Mapping[str, BaseModel]    # each exporter's validated options, by exporter name
    root: Path                          # the course folder as the user named it


def load_course(course_dir: Path, exporters: Mapping[str, Any] | None = None,
                display_root: str | None = None) -> tuple[Loaded | None, list[Problem]]:
    """Load and validate a course folder.

    ``exporters`` maps exporter names to exporter classes; their ``Options`` models
    validate the matching sections of ``course.yaml``. Returns the loaded course (``None``
    when there are errors) and every problem found, errors and warnings.
    """
    src = CourseSource(Path(course_dir), display_root if display_root is not None else str(course_dir))
    problems = read_source(src)
    options, option_problems = validate_options(src, exporters or {})
    problems += option_problems
    problems += check_labels(src, exporters or {})
    if errors_in(problems):
        return None, problems
    problems += check_source(src)
    if errors_in(problems):
        return None, problems
    course, render_problems = assemble_course(src)
    problems += render_problems
    if errors_in(problems):
        return None, problems
    return Loaded(course, MappingProxyType(options), src.root), problems
