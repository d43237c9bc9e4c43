"""SCORM 1.2 and SCORM 2004 4th edition packages.

One exporter class per edition; everything that differs between the editions is data
(``editions``). A package holds one SCO for the whole course (``sco: course``, default) or
one SCO per module (``sco: module``). Each SCO is one self-contained HTML page rendered
from ``templates/scorm/sco.html`` that shows one lesson or quiz at a time; the shared
runtime (``runtime.js``) talks to the LMS, scores the quizzes and saves progress.

One concern per file: this module (the exporters), ``options`` (course.yaml's sections),
``editions`` (the two editions as data), ``plan`` (the SCOs), ``budget`` (the suspend_data
worst case), ``pages`` (the SCO page and its views), ``questions`` (question views and their
markup), ``scoring`` (what the runtime scores, the interactions' correct responses),
``manifest`` (``imsmanifest.xml`` and the LOM metadata), ``files`` (the shared runtime, style
and branding files), ``package`` (the reproducible zip, shared with the Common Cartridge),
``checks`` (preflight rules and the check of a written package) and ``labels`` (the pages'
words).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.model import Course
from coursepack.problems import Problem
from coursepack.references import package_path

from .. import SCHEMA_DIR
from .checks import check_package, href_problems, preflight_package
from .editions import EDITIONS, Edition
from .files import BRAND_CSS, SHARED_FILES, brand_files, brand_logo_path, read_template_file
from .labels import SCORM_LABELS
from .manifest import METADATA_FILE, build_manifest, build_metadata_12, ncname
from .options import ScormOptions
from .package import write_zip, zip_date_time
from .pages import render_sco
from .plan import plan_scos
from .scoring import format_number

# what other exporters and the preview use: the Common Cartridge writes its zip and manifest
# the same way, the Moodle backup carries the scorm12 package, the preview shows the SCOs
__all__ = ["Scorm12Exporter", "Scorm2004Exporter", "ScormExporter", "ScormOptions", "format_number", "href_problems",
           "ncname", "plan_scos", "write_zip", "zip_date_time"]


class ScormExporter(Exporter[ScormOptions]):
    """Shared by both editions; ``edition`` picks the data."""

    suffix = ".zip"
    Options = ScormOptions
    labels = (SCORM_LABELS,)
    template_folder = "scorm"
    edition: Edition

    def preflight(self, course: Course, ctx: SourceContext[ScormOptions]) -> list[Problem]:
        return preflight_package(course, ctx.root.as_posix(), ctx.options.sco, self.edition, self.name)

    def export(self, course: Course, ctx: ExportContext[ScormOptions]) -> Export:
        edition = self.edition
        scos = plan_scos(course, ctx.options.sco)
        renames = {a.path: package_path(a.path) for a in course.assets}
        renames = {old: new for old, new in renames.items() if old != new}
        sco_files = {sco.key: [sco.href] + sorted(
            {renames.get(a.path, a.path) for m in sco.modules for lesson in m.lessons for a in lesson.assets}
            | {renames.get(a.path, a.path) for q in sco.questions for a in q.assets}) for sco in scos}
        templates = ctx.templates
        brand = brand_files(course)
        shared_files = (*SHARED_FILES, *sorted(brand))
        fixed = {"imsmanifest.xml": lambda: build_manifest(course, scos, edition, sco_files, shared_files),
                 **brand}
        if edition.name == "scorm12":
            fixed[METADATA_FILE] = lambda: build_metadata_12(course)
        for name in edition.control_documents:
            fixed[name] = lambda name=name: (SCHEMA_DIR / edition.name / name).read_bytes()
        for name in SHARED_FILES:
            fixed[name] = lambda name=name: read_template_file(templates, name)
        for asset in course.assets:
            fixed[renames.get(asset.path, asset.path)] = asset.source.read_bytes

        template = templates.get_template("sco.html")
        makers = dict(fixed)
        brand_view = SimpleNamespace(css=BRAND_CSS in brand, logo=brand_logo_path(course),
                                     logo_alt=course.branding.logo_alt)
        for sco in scos:
            makers[sco.href] = lambda sco=sco: render_sco(template, course, sco, edition, ctx.labels, renames,
                                                          ctx.options.attempts, brand_view).encode("utf-8")

        def produce() -> Iterator[tuple[str, bytes]]:
            # in the zip's (sorted) order, so the writer thread deflates each entry while the
            # next one renders instead of waiting for the last SCO ('modul-100' < 'modul-11')
            for name in sorted(makers):
                yield name, makers[name]()

        path = ctx.output(self.output_name(course))
        write_zip(path, list(makers), produce(), zip_date_time(ctx))
        return Export((path,))

    def check(self, export: Export, ctx: ExportContext[ScormOptions]) -> list[Problem]:
        return [problem for path in export.paths for problem in check_package(path, self.edition)]


class Scorm12Exporter(ScormExporter):
    name = "scorm12"
    description = "SCORM 1.2 package (.zip) — the edition Moodle supports best"
    edition = EDITIONS["scorm12"]


class Scorm2004Exporter(ScormExporter):
    name = "scorm2004"
    description = "SCORM 2004 4th edition package (.zip)"
    edition = EDITIONS["scorm2004"]

