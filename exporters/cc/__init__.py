"""IMS Common Cartridge 1.1 (``.imscc``): pages, quizzes as QTI 1.2 and a question bank.

The cartridge is what Canvas, Blackboard, Brightspace and Moodle import as a course, and what
Open edX converts with ``cc2olx``. Layout (paths inside the zip):

* ``imsmanifest.xml`` — CC 1.1 manifest: LOM metadata, one organization
  (module → overview page, lessons, quiz), one resource per page, quiz and the question bank;
* ``wiki_content/<id>.html`` — one web content page per lesson, per module overview (summary and
  learning outcomes) and the glossary; lesson HTML is the model's, with course files pointed at
  ``web_resources/`` and links between lessons pointed at the other page;
* ``web_resources/<path>`` — every course file the pages and questions use (one shared resource);
* ``assessments/<quiz-id>.xml`` — one QTI 1.2 assessment per module quiz (CC QTI profile);
* ``question_bank/<course-id>.xml`` — every question of the course (QTI objectbank).

The profile has single and multiple choice, true/false, fill in the blank and essay. Numerical
and matching questions have no profile type: they are written only into the question bank, with
Canvas's ``question_type`` metadata, and ``preflight`` warns about each one. Open edX's converter
gives up on a whole quiz that holds a question outside the profile, so the quizzes leave them out.

The zip is reproducible like the SCORM packages: sorted entries, fixed date and permissions.

The package, one concern a file: ``options`` (course.yaml's section), ``plan`` (every path and
identifier in the cartridge, and how each page reaches the course files), ``pages`` (web
content), ``qti`` (quizzes and the bank, one writer method per question class), ``manifest``
(LOM, organization, resources), ``xmlout`` (what those two share) and ``checks`` (the written
cartridge read back); the exporter here assembles them.
"""

from __future__ import annotations

import zipfile

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import Course, Matching, Numerical
from coursepack.problems import Problem, error, warning
from ..scorm import write_zip, zip_date_time
from .options import CcOptions
from .plan import plan, module_page, GLOSSARY_PAGE, quiz_file, bank_file
from .pages import lesson_page, overview_page, glossary_page
from .qti import OUTSIDE_PROFILE, QtiWriter, assessment_xml, bank_xml, quiz_in_cartridge
from .manifest import build_manifest
from .checks import cartridge_problems

__all__ = ["CcOptions", "CommonCartridgeExporter"]


class CommonCartridgeExporter(Exporter[CcOptions]):
    name = "cc"
    description = "IMS Common Cartridge 1.1 (.imscc): pages, QTI quizzes, question bank"
    suffix = ".imscc"
    Options = CcOptions
    preflight_when_named_only = True     # its warnings are about the cartridge alone

    def preflight(self, course: Course, ctx: SourceContext[CcOptions]) -> list[Problem]:
        root = ctx.root.as_posix()
        problems = []
        for question in course.questions:
            if isinstance(question, OUTSIDE_PROFILE):
                problems.append(warning(
                    f"{root}/{question.source}", question.line, 0,
                    f"question '{question.id}' is {question.kind}, which the Common Cartridge QTI profile "
                    "lacks: it goes only into the cartridge's question bank, with Canvas's question_type "
                    "(which Canvas may keep; Moodle and Open edX drop it), not into the module's quiz" + (
                        ", and without its tolerances, which the profile cannot express"
                        if isinstance(question, Numerical) and any(a.tolerance for a in question.number_answers)
                        else ", scored all or nothing" if isinstance(question, Matching) else "")))
        return problems

    def export(self, course: Course, ctx: ExportContext[CcOptions]) -> Export:
        p = plan(course, ctx.options)
        labels = ctx.labels
        writer = QtiWriter(p, labels)
        makers: dict[str, object] = {}
        page_files: dict[str, list[str]] = {}
        for module in course.modules:
            makers[module_page(module)] = lambda module=module: overview_page(p, module, labels)
            page_files[module_page(module)] = []
            for lesson in module.lessons:
                makers[p.page(lesson)] = lambda lesson=lesson: lesson_page(p, lesson)
                page_files[p.page(lesson)] = [p.files[a.path] for a in lesson.assets if a.path in p.files]
            if quiz_in_cartridge(module.quiz):
                makers[quiz_file(module.quiz)] = lambda module=module: assessment_xml(p, module, writer)
        if course.glossary:
            makers[GLOSSARY_PAGE] = lambda: glossary_page(p, labels)
        if course.questions:
            makers[bank_file(course)] = lambda: bank_xml(p, writer)
        for asset in course.assets:
            makers[p.files[asset.path]] = asset.source.read_bytes
        makers["imsmanifest.xml"] = lambda: build_manifest(p, labels, page_files)

        def produce():
            for name in sorted(makers):
                yield name, makers[name]()

        path = ctx.output(self.output_name(course))
        write_zip(path, list(makers), produce(), zip_date_time(ctx))
        return Export((path,))

    def check(self, export: Export, ctx: ExportContext[CcOptions]) -> list[Problem]:
        problems = []
        for path in export.paths:
            try:
                with zipfile.ZipFile(path) as archive:
                    problems += cartridge_problems(archive, path.name)
            except zipfile.BadZipFile as exc:
                problems.append(error(path.name, 0, 0, f"not a valid zip file: {exc}"))
        return problems
