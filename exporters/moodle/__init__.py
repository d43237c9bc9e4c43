"""Moodle XML question bank: one category per module, every question in Moodle's own type.

Import path in Moodle: Question bank → Import → "Moodle XML format", with the defaults
("Get category from file", "Get context from file", "Stop on error", grades must match).
Moodle aborts such an import on the first question it dislikes, so everything it could
dislike is a ``preflight`` error on the source, and ``check`` re-reads the written file
(project XSD + Moodle's own rules) before it is published.

The tree is built once with lxml and serialised once. HTML from the model goes into CDATA
unchanged, except course files: ``src="assets/x.png"`` becomes
``src="@@PLUGINFILE@@/x.png"`` by exact string replacement, and the file travels base64
encoded in the same text field, as Moodle requires.

The package, one concern a file, in the order of the exporter's steps: ``options`` (course.yaml's
section), ``preflight`` (the source rules of an import), ``bank`` (the XML writer, one method per
question class), with ``grades`` and ``text`` (Moodle's fractions, numbers, names and limits),
``checks`` (the written file read back) and ``labels`` (its words). The moodle-backup exporter
writes the same questions with ``bank`` and the same rules with ``preflight``.
"""

from __future__ import annotations

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import Course
from coursepack.problems import Problem, error
from .labels import MOODLE_LABELS
from .options import MoodleOptions
from .bank import BankWriter, serialize
from .preflight import preflight_course
from .checks import check_file

__all__ = ["MoodleExporter", "MoodleOptions"]


class MoodleExporter(Exporter[MoodleOptions]):
    name = "moodle"
    description = "Moodle XML question bank (.xml)"
    suffix = ".xml"
    Options = MoodleOptions
    labels = (MOODLE_LABELS,)

    @classmethod
    def depends_on(cls, path: str) -> bool:
        """Lessons are not part of the question bank: editing one does not rebuild it."""
        return not path.endswith(".md")

    def preflight(self, course: Course, ctx: SourceContext[MoodleOptions]) -> list[Problem]:
        return preflight_course(course, ctx.root)

    def export(self, course: Course, ctx: ExportContext[MoodleOptions]) -> Export:
        options = ctx.options
        writer = BankWriter(course, options, ctx.labels)
        if not options.split:
            path = ctx.output(self.output_name(course))
            path.write_bytes(serialize(writer.bank(course.modules)))
            return Export((path,))
        paths = []
        for module in course.modules:
            if module.quiz is None or not module.quiz.questions:
                continue
            path = ctx.output(self.output_name(course, part=module.id))
            path.write_bytes(serialize(writer.bank([module])))
            paths.append(path)
        return Export(tuple(paths))

    def check(self, export: Export, ctx: ExportContext[MoodleOptions]) -> list[Problem]:
        problems = []
        for path in export.paths:
            for line, message in check_file(path.read_bytes()):
                problems.append(error(path.name, line, 0, message))
        return problems
