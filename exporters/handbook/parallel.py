"""The parallel typesetter: a big book typeset part by part in worker processes, in passes until
every printed page number is right, then its furniture, then the join."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .furniture import Furniture, FurnitureJob, furniture_jobs, typeset_furniture_run
from .join import join_parts
from .parts import SENTINEL, PageFacts, PartJob, PartResult, split_book, typeset_part
from .placement import Placement, page_areas, place_parts, side_of, stale
from .typesetting import Typeset
from .workers import WorkersLost, run_jobs, worker_pool

# WeasyPrint holds a whole document in memory (~1.5 MB a page) and uses one core. A big book is
# cut into parts, each typeset by a fresh worker process, and joined with pypdf. The page
# furniture (running heads, "Halaman X dari Y") is left out of the parts and typeset for the
# whole book afterwards, so that most of the book is laid out exactly once:
#
# 1. bodies: each module's lessons and quiz (its ``body``) is typeset straight to PDF — nothing
#    in it depends on where it lands; the front matter and the module openers, which print page
#    numbers, are only laid out, with placeholders of the right width, to learn their length;
# 2. numbered parts: with every body placed, the openers and the appendices (answer key,
#    outcome map, glossary) are typeset with their page references written in
#    (``target-counter(attr(href), page)`` → ``attr(data-page)``); then the front matter, which
#    points into the appendices too. A part whose printed numbers turn out stale (a part before
#    it changed length) is typeset again;
# 3. furniture: the margin boxes of every page are typeset by WeasyPrint from the book's own
#    stylesheets in a document of empty pages, one for each page of the book, carrying its
#    @page name and its ``string-set`` values (read from the laid-out parts), so that
#    ``string()``, ``counter(page)``, ``counter(pages)`` and :left/:right resolve as in one
#    document; in big books it is cut into one run of pages per worker;
# 4. join: pages are copied, each with its furniture laid over it as a form XObject; a part
#    laid out on the other side than where it landed (bodies and appendices are laid out before
#    their first page number is known) is moved sideways by the difference of the left and right
#    page areas, which must have the same width (else the part is typeset again on its side);
#    the PDF's internal links, named destinations and outline are rebuilt for the whole book,
#    metadata and a /ID derived from the content are set.
#
# Parts are cut only where the templates mark a page break that the stylesheet forces
# (``data-part``: a module starts a page, its opener ends one, each appendix and each module's
# answer key starts one; see ``parts.split_book``), so the page breaks are those of the whole
# book; the engine reads no stylesheet to find them. Two things in handbook.css keep
# the two paths equal: the outcome map has fixed column widths (WeasyPrint sizes auto columns
# before it knows the page numbers it prints in them), and each module's answer key starts a page.
# Page numbers printed inside a body (a restyle that puts target-counter() on lesson links) are
# noticed while laying it out, and that body is typeset again with its numbers.
#
# Reading a laid-out page's @page name, side and string-set values uses WeasyPrint's page box
# (``parts.page_box``: no public API has them); if that ever changes, the book is typeset in one
# process, with a warning.
# PDF/UA-1 and PDF/A-3b use one process: a joined file would lose the structure tree and the
# conformance metadata. The joined file is about 2.3 times the size of the one-process file: each
# part embeds its own font subsets and pypdf writes no object streams.

RIGHT_TO_LEFT = re.compile(r"<html\b[^>]*\sdir=[\"']?rtl", re.I)


def run_parts(jobs: list[PartJob], pool) -> list[PartResult]:
    return run_jobs(typeset_part, jobs, pool, lambda job: len(job.part.html))


def typeset_parallel(book_html: str, base: Path, sheets: list[tuple[str, Path]], allowed: tuple[Path, ...],
                     right_hand_modules: bool, workers: int, source_date: dt.datetime) -> Typeset | None:
    """The book typeset part by part in worker processes and joined; None if it cannot be split
    or the parts do not settle (the caller then uses one process)."""
    parts = split_book(book_html)
    if parts is None:
        return None
    common = dict(sheets=tuple((text, str(folder)) for text, folder in sheets), base=str(base),
                  allowed=tuple(str(a) for a in allowed))
    first_side = "left" if RIGHT_TO_LEFT.search(book_html[:book_html.find(">", book_html.find("<html")) + 1]) \
        else "right"            # WeasyPrint starts a right-to-left book on a left-hand page
    estimate = len(book_html) // 3000 + 10          # ~3 KB of HTML a page: the width of a page number
    placeholder = "8" * len(str(estimate))
    results: list[PartResult | None] = [None] * len(parts)
    furniture: Furniture | None = None
    try:
        with worker_pool(workers) as pool:
            first = [i for i, p in enumerate(parts) if p.kind != "back"]
            done = run_parts([PartJob(parts[i], numbers=None, placeholder=SENTINEL if parts[i].kind == "body"
                                      else placeholder, side=first_side, final=parts[i].kind == "body",
                                      **common)
                              for i in first], pool)
            for i, result in zip(first, done):
                results[i] = result
            for _ in range(6):
                placement = place_parts(parts, results, right_hand_modules)
                areas = page_areas(results)
                numbers = dict(placement.numbers)
                pending = [i for i in range(len(parts))
                           if stale(results[i], placement.starts[i], numbers, areas, first_side)]
                book = book_facts(results, placement)
                if not pending and furniture is not None and furniture.book == book:
                    break
                if any(parts[i].kind == "front" for i in pending) and \
                        any(parts[i].kind != "front" for i in pending):     # the contents go last
                    pending = [i for i in pending if parts[i].kind != "front"]
                jobs: list = [PartJob(parts[i], numbers=placement.numbers, placeholder="",
                                      side=side_of(placement.starts[i], first_side), final=True, **common)
                              for i in pending]
                runs: list[FurnitureJob] = []
                if all(parts[i].kind == "front" for i in pending):
                    # the furniture, alongside the contents: their layout pass gave their pages
                    runs = furniture_jobs(book_html, book, placement.total, common, 2 * workers, first_side)
                done = run_jobs(run_job, jobs + runs, pool, job_size)
                for i, result in zip(pending, done):
                    results[i] = result
                if runs:
                    if any(pdf is None for pdf in done[len(jobs):]):
                        return None
                    furniture = Furniture(book, runs, done[len(jobs):])
            else:
                return None
    except AttributeError:          # WeasyPrint's page box changed: see the note above
        return None
    except WorkersLost:             # a worker died (killed, out of memory): one process instead
        return None
    return join_parts(results, placement, areas, furniture, source_date, first_side)   # type: ignore[arg-type]


def book_facts(results: list[PartResult | None], placement: Placement) -> tuple[PageFacts | None, ...]:
    """The facts of every page of the book, in order; None for a blank page put in between."""
    book: list[PageFacts | None] = []
    for result, blank in zip(results, placement.blanks):
        if blank:
            book.append(None)
        book += list(result.facts if result else ())
    return tuple(book)


def run_job(job):
    """A worker's job: a part of the book or a run of furniture."""
    return typeset_part(job) if isinstance(job, PartJob) else typeset_furniture_run(job)


def job_size(job) -> int:
    """Roughly the work in a job, in bytes of HTML (a furniture page costs about 1 KB's)."""
    return len(job.part.html) if isinstance(job, PartJob) else 1000 * job.pages
