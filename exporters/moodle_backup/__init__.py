"""Moodle course backup (``.mbz``): the whole course, restored by Moodle 4.5 as a new course.

Restore it in Moodle (Site administration → Courses → Restore course, or
``admin/cli/restore_backup.php``) as a new course: sections per module, a Page per lesson (or a
Book per module), a Quiz per module quiz with its questions in the course's question bank, the
glossary, activity and course completion, the gradebook; with ``scorm: course | module`` also the
``scorm12`` exporter's package as a SCORM activity. Questions are the ``moodle`` exporter's
(same categories, names, ids, grades), so a bank imported from its Moodle XML and a restored
course agree.

One concern a file: ``options`` (course.yaml's section), ``plan`` (every id the backup uses,
fixed before anything is written), ``files`` (the file pool and ``files.xml``), ``course``
(``moodle_backup.xml``, ``course/``, ``sections/`` and the course-wide files), ``activities``
(pages, books, quizzes, the glossary, SCORM packages), ``scorm`` (the SCORM package the
``scorm12`` exporter builds, and its SCOs as Moodle stores them), ``questions``
(``questions.xml``), ``archive`` (the reproducible gzip tar) and ``checks`` (preflight rules and
the check of a written backup); the exporter here assembles them.
"""

from __future__ import annotations

from typing import Callable, Mapping

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import Course
from coursepack.options import options_for
from coursepack.problems import Problem

from ..moodle import MoodleExporter, MoodleOptions
from ..moodle.bank import BankWriter
from ..moodle.labels import MOODLE_LABELS
from ..scorm import Scorm12Exporter
from .activities import ActivityWriter, lesson_links
from .archive import write_mbz
from .checks import check_backup, preflight_backup
from .course import course_folder, moodle_backup_xml, root_files, section_files
from .files import FilePool, files_xml, pool_members
from .plan import Plan, make_plan
from .questions import QuestionsWriter, plan_categories
from .options import MoodleBackupOptions
from .scorm import build_packages, scorm_options

__all__ = ["MoodleBackupExporter", "MoodleBackupOptions"]


def question_options(ctx: SourceContext) -> MoodleOptions:
    """The ``moodle`` exporter's options of this course (penalty, numbering, shuffling, units), so
    that the questions in the backup are the questions of its Moodle XML bank."""
    return options_for(MoodleExporter, ctx.all_options)


def backup_members(course: Course, plan: Plan, filename: str, labels: Mapping[str, str],
                   questions: MoodleOptions) -> dict[str, bytes | Callable[[], bytes]]:
    """Every member of the backup: path → its bytes, or a function giving them (course files are
    read when written)."""
    pool = FilePool(plan.timestamp)
    links = lesson_links(plan)
    members: dict[str, bytes | Callable[[], bytes]] = {}
    activities = ActivityWriter(plan, pool, links)
    for section in plan.sections:
        members.update(section_files(plan, section, pool, labels["outcomes"], links))
    for activity in plan.activities:
        members.update(activities.files(activity))
    bank = BankWriter(course, questions, labels)
    members["questions.xml"] = QuestionsWriter(plan, bank, pool).write()
    members["moodle_backup.xml"] = moodle_backup_xml(plan, filename)
    members.update(course_folder(plan))
    members.update(root_files(plan))
    members["files.xml"] = files_xml(pool)
    members.update(pool_members(pool))
    return members


class MoodleBackupExporter(Exporter[MoodleBackupOptions]):
    name = "moodle-backup"
    description = "Moodle course backup (.mbz): the whole course, restored by Moodle 4.5"
    suffix = ".mbz"
    Options = MoodleBackupOptions
    labels = (MOODLE_LABELS,)        # its question bank's combined feedback, as the moodle exporter's

    def preflight(self, course: Course, ctx: SourceContext[MoodleBackupOptions]) -> list[Problem]:
        problems = preflight_backup(course, ctx.root)
        if ctx.options.scorm != "none":         # the package's own rules (suspend_data, interactions)
            problems += Scorm12Exporter().preflight(course, SourceContext(scorm_options(ctx), ctx.root,
                                                                          all_options=ctx.all_options))
        return problems

    def export(self, course: Course, ctx: ExportContext[MoodleBackupOptions]) -> Export:
        categories, question_ids = plan_categories(course)
        packages = build_packages(course, ctx, ctx.options.scorm)
        plan = make_plan(course, ctx.source_date, ctx.options.lessons, ctx.labels["glossary"], categories,
                         question_ids, packages)
        path = ctx.output(self.output_name(course))
        write_mbz(path, backup_members(course, plan, path.name, ctx.labels, question_options(ctx)), plan.timestamp)
        return Export((path,), tuple(problem for package in packages for problem in package.problems))

    def check(self, export: Export, ctx: ExportContext[MoodleBackupOptions]) -> list[Problem]:
        return [problem for path in export.paths for problem in check_backup(path)]
