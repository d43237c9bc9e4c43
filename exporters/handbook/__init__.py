"""Printable PDF handbook: Jinja2 HTML + print CSS from ``templates/handbook/``, typeset by WeasyPrint.

Two layers, kept apart so that the parallel typesetter reuses the first:

1. the book as HTML (``views``: ``render_handbook_html``, ``render_handbook_css``, with the
   lesson HTML adapted for print by ``printhtml`` and ``typography``; no WeasyPrint involved);
2. typesetting: ``typesetting.typeset`` in one process, with a URL fetcher confined to the
   course folder and the template folders (``fetcher``) and WeasyPrint's log captured; or, for
   big courses, ``parallel.typeset_parallel``: the same book cut into parts at the places the
   templates mark (``parts``), typeset in worker processes (``workers``), placed (``placement``),
   its running heads and footers typeset for the whole book afterwards (``furniture``) and
   joined with pypdf (``join``): page for page the same PDF.

``checks`` turns WeasyPrint's log and the PDF's outline into problems, ``glyphs`` finds the
characters of the source that no shipped font draws (the preflight rule); this module holds the
exporter, which runs the layers and hands the problems on as values (an ``Export``).
"""

from __future__ import annotations

import os
from pathlib import Path

from coursepack.exporter import Export, ExportContext, Exporter, SourceContext
from coursepack.labels import text_direction
from coursepack.model import Course
from coursepack.problems import Problem

from .checks import log_problems, outline_problems, pdf_problems
from .labels import HANDBOOK_LABELS
from .glyphs import drawable_characters, font_files, undrawable_problems, used_characters
from .options import PARALLEL_MIN_LESSONS, PARALLEL_MIN_MODULES, VARIANTS, HandbookOptions
from .parallel import typeset_parallel
from .typesetting import typeset
from .views import brand_css, render_handbook_css, render_handbook_html
from .workers import start_worker_server

__all__ = ["HandbookExporter", "HandbookOptions", "render_handbook_css", "render_handbook_html", "typeset",
           "use_parallel", "write_handbook"]


def use_parallel(course: Course, options: HandbookOptions) -> bool:
    """Whether to typeset in parts. Right-to-left books always use one process: WeasyPrint lays
    some right-to-left text out differently in a part than in the whole book (brackets around
    answer-key page references come out mirrored; a random course got one page more)."""
    if options.parallel == "off" or VARIANTS[options.pdf_variant] is not None \
            or text_direction(course.language) == "rtl":
        return False
    if options.parallel == "on":
        return True
    return (len(course.modules) >= PARALLEL_MIN_MODULES
            and len(course.lessons) >= PARALLEL_MIN_LESSONS and (options.jobs or os.cpu_count() or 1) > 1)


def write_handbook(course: Course, ctx: ExportContext[HandbookOptions], name: str) -> Export:
    """The book typeset into ``ctx.output(name)`` — in parts when ``use_parallel`` says so, else
    (or when the parts do not settle) in one process — with the problems of WeasyPrint's log and
    of the PDF's outline and link targets."""
    options = ctx.options
    fonts = ctx.templates.get_template("fonts.css")
    css_dir = Path(ctx.templates.get_template("handbook.css").filename).parent
    sheets = [(fonts.render(), Path(fonts.filename).parent), (render_handbook_css(course, ctx), css_dir)]
    if course.branding.accent or course.branding.css:
        sheets.append((brand_css(course), ctx.root))
    allowed = (ctx.root, *(Path(p) for p in getattr(ctx.templates.loader, "searchpath", [])))
    parallel, workers = use_parallel(course, options), options.jobs or os.cpu_count() or 1
    if parallel and workers > 1:
        start_worker_server()
    book_html = render_handbook_html(course, ctx)
    result = None
    if parallel:
        result = typeset_parallel(book_html, ctx.root, sheets, allowed, options.right_hand_modules,
                                  workers, ctx.source_date)
        if result is None:
            ctx.warn("handbook: the book could not be typeset in parts; using one process")
    if result is None:
        result = typeset(book_html, ctx.root, sheets, allowed, VARIANTS[options.pdf_variant])
    target = ctx.output(name)
    target.write_bytes(result.pdf)
    problems = log_problems(result.messages, course, ctx.root, css_dir.as_posix())
    problems += outline_problems(result, course, ctx.labels, target.name)
    return Export((target,), tuple(problems))


class HandbookExporter(Exporter[HandbookOptions]):
    name = "handbook"
    description = "printable PDF handbook (.pdf)"
    suffix = ".pdf"
    Options = HandbookOptions
    labels = (HANDBOOK_LABELS,)

    def preflight(self, course: Course, ctx: SourceContext[HandbookOptions]) -> list[Problem]:
        from coursepack.run import template_environment

        fonts = font_files(template_environment(ctx.root, self.name))
        if not fonts:
            return []
        drawable = drawable_characters(fonts, used_characters(course, ctx.root))
        return undrawable_problems(course, ctx.root, drawable)

    def export(self, course: Course, ctx: ExportContext[HandbookOptions]) -> Export:
        return write_handbook(course, ctx, self.output_name(course))

    def check(self, export: Export, ctx: ExportContext[HandbookOptions]) -> list[Problem]:
        return pdf_problems(export.paths)
