"""Exporter options: each exporter's section of ``course.yaml``, validated by its ``Options`` model.

The options sit beside the course, never inside it: ``validate_options`` returns them keyed by
exporter name, and ``options_for`` is the one place that gives an exporter its own options
(the validated section, else the defaults of its ``Options`` model).
"""

from __future__ import annotations

import difflib
from typing import Any, Mapping

from pydantic import BaseModel, ValidationError

from .discover import CourseSource
from .exporter import NoOptions
from .problems import Problem, warning
from .sources import YamlDoc
from .validate import describe_error


def validate_options(src: CourseSource, exporters: Mapping[str, Any]) -> tuple[dict[str, BaseModel], list[Problem]]:
    """Validate each exporter's section of course.yaml with that exporter's Options model.

    Returns the valid options by exporter name (an exporter whose section is absent gets its
    defaults) and the problems: an error for each invalid value, a warning for a section no
    installed exporter owns.
    """
    if src.file is None or src.doc is None:
        return {}, []
    found: dict[str, BaseModel] = {}
    problems: list[Problem] = []
    display = src.display("course.yaml")
    for name in src.file.exporters:
        if name not in exporters:
            close = difflib.get_close_matches(name, list(exporters), n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f"; installed: {', '.join(sorted(exporters))}"
            line, col = src.doc.locate(("exporters", name), key=True)
            problems.append(warning(display, line, col, f"options for unknown exporter '{name}'{hint}"))
    for name, exporter in exporters.items():
        options_model = getattr(exporter, "Options", None)
        if options_model is None:
            continue
        values = src.file.exporters.get(name) or {}
        sub = YamlDoc(display, values, {k[2:]: v for k, v in src.doc.value_marks.items()
                                        if k[:2] == ("exporters", name)},
                      {k[2:]: v for k, v in src.doc.key_marks.items() if k[:2] == ("exporters", name)})
        sub.value_marks.setdefault((), src.doc.locate(("exporters", name)))
        try:
            found[name] = options_model.model_validate(values)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                problem = describe_error(sub, options_model, e)
                problems.append(Problem(problem.path, problem.line, problem.col,
                                        f"exporters.{name}: {problem.message}"))
    return found, problems


def options_for(exporter: type, options: Mapping[str, BaseModel]) -> BaseModel:
    """Exporter ``exporter``'s options: its validated section, else the defaults of its model."""
    return options.get(exporter.name) or getattr(exporter, "Options", NoOptions)()
