"""The exporter interface: a small generic base class with fixed steps.

``coursepack.run`` drives every exporter the same way, handing it the frozen course and,
beside it, a context that carries the exporter's own validated options (typed by the
exporter's ``Options`` model) and the course folder:

1. ``preflight(course, ctx)`` — exporter-specific source rules (run by ``validate`` too);
   ``ctx`` is a ``SourceContext``;
2. ``export(course, ctx)`` — write the output file(s) into ``ctx.out_dir`` (a private staging
   folder) and return what it produced: an ``Export`` with the paths and the problems found
   while writing (nothing is kept on ``self``); ``ctx`` is an ``ExportContext``;
3. ``check(export, ctx)`` — inspect what was written (XSD, structure, PDF outline …); the
   problems it returns are reported after those of the ``Export``.

An exporter that follows another's options (``moodle-backup`` writes the ``moodle`` exporter's
questions, with its penalty, numbering and units) reads that section from ``ctx.all_options``
with ``options.options_for``; every other exporter reads only ``ctx.options``.

Only when ``check`` finds no error are the files moved into the output folder, each with
an atomic rename. A third party ships an exporter by subclassing ``Exporter[ItsOptions]``
(setting ``Options = ItsOptions``) and registering the class under the entry-point group
``coursepack.exporters``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, ClassVar, Generic, Mapping, TypeVar

import jinja2
from pydantic import BaseModel, ConfigDict

from .labels import CORE_LABELS, LabelTable, resolve_labels
from .model import Course
from .problems import Problem


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


O = TypeVar("O", bound=BaseModel)


@dataclass(frozen=True)
class SourceContext(Generic[O]):
    """What an exporter knows besides the course: its options and where the course folder is."""

    options: O                      # this exporter's validated options from course.yaml
    root: Path                      # the course folder as the user named it (problem paths, files)
    # every exporter's validated section by exporter name, for one that follows another's options
    all_options: Mapping[str, BaseModel] = field(default_factory=lambda: MappingProxyType({}), kw_only=True)


@dataclass(frozen=True)
class ExportContext(SourceContext[O]):
    """The context of one export run."""

    out_dir: Path                   # staging folder: write outputs here
    source_date: dt.datetime        # SOURCE_DATE_EPOCH, else the course date (UTC); never "now"
    templates: jinja2.Environment   # course/templates/<name>/ first, then templates/<name>/
    warn: Callable[[str], None]     # report a warning to the user
    labels: Mapping[str, str]       # this exporter's interface words for the course (exporter_labels)

    def output(self, filename: str) -> Path:
        return self.out_dir / filename


@dataclass(frozen=True)
class Export:
    """What one export produced: the files written, and the problems found while writing them."""

    paths: tuple[Path, ...]
    problems: tuple[Problem, ...] = ()


class Exporter(Generic[O]):
    """Base class of every exporter (built-in or third-party)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    Options: ClassVar[type[BaseModel]] = NoOptions
    #: a templates folder shared with sibling exporters (e.g. "scorm" for scorm12 and scorm2004),
    #: searched after the exporter's own folder
    template_folder: ClassVar[str] = ""
    #: True: ``preflight`` runs only when the exporter is named (``build cc``), not for
    #: ``validate`` or ``build all`` — for rules about what one output loses that the course
    #: need not change for (a warning there would break ``--strict`` runs of every other output)
    preflight_when_named_only: ClassVar[bool] = False
    #: the exporter's own interface words (label tables, see ``coursepack.labels``), added to the
    #: core's; course.yaml's ``labels`` may override any of their keys
    labels: ClassVar[tuple[LabelTable, ...]] = ()

    @classmethod
    def depends_on(cls, path: str) -> bool:
        """Whether this exporter's output depends on the course file ``path`` (course-relative).

        Used by incremental builds: an exporter whose inputs did not change is not run again.
        """
        return True

    def preflight(self, course: Course, ctx: SourceContext[O]) -> list[Problem]:
        """Rules of this output format that the source must meet (e.g. Moodle's fractions)."""
        return []

    def export(self, course: Course, ctx: ExportContext[O]) -> Export:
        raise NotImplementedError

    def check(self, export: Export, ctx: ExportContext[O]) -> list[Problem]:
        """Problems with the written files; with those of ``export``, no error lets them be published."""
        return []

    def output_name(self, course: Course, part: str = "") -> str:
        """``<course-id>-<name>[-part]<suffix>``: the one naming rule for outputs."""
        middle = f"-{part}" if part else ""
        return f"{course.id}-{self.name}{middle}{self.suffix}"


def exporter_labels(exporter: type[Exporter], course: Course) -> Mapping[str, str]:
    """The words ``exporter`` prints for ``course``: the core's and its own, in the course language,
    with course.yaml's overrides; made once per build and handed over in ``ExportContext.labels``."""
    return resolve_labels(course.language, (CORE_LABELS, *exporter.labels), course.labels)
