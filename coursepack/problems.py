"""Problems found in a course source or an output, and how they print."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, located as precisely as the layer that found it knows.

    ``path`` is the file as the user would type it (e.g. ``course/course.yaml``);
    ``line`` and ``col`` are 1-based, 0 when unknown.
    """

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class CourseInvalid(Exception):
    """The course source has errors; ``problems`` holds all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sort_problems(problems)
        super().__init__(f"{len(errors_in(self.problems))} problem(s) in the course source")


def error(path: str, line: int, col: int, message: str) -> Problem:
    return Problem(path, line, col, message, "error")


def warning(path: str, line: int, col: int, message: str) -> Problem:
    return Problem(path, line, col, message, "warning")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.severity, p.message))


def errors_in(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """The problems that stop a build: errors, and warnings too under ``strict``."""
    return [p for p in problems if strict or p.severity == "error"]


def format_problems_json(problems: Iterable[Problem]) -> str:
    return json.dumps([asdict(p) for p in sort_problems(problems)], ensure_ascii=False, indent=2)


class RegistryError(Exception):
    """An exporter cannot be found, loaded or registered (a usage error, exit status 2)."""


class SourceDateError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a whole number of seconds (exit status 2)."""


class OutputFolderError(OSError):
    """The output folder cannot be created or written (a usage error: exit status 2)."""


class StarterError(ValueError):
    """``coursepack new`` cannot write the starter course where it was asked to (exit status 2)."""
