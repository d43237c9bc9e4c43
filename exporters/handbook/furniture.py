"""The furniture of a parallel book: the margin boxes of every page (running heads, "Halaman X
dari Y"), typeset for the whole book in documents of empty pages."""

from __future__ import annotations

import html as html_text
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from .parts import PageFacts
from .placement import side_of
from .typesetting import discard_fonts, render_document
from .views import css_string
from .workers import worker_cache

PAGE_TOTAL = re.compile(r"counter\(\s*pages\s*\)")
ONLY_FURNITURE = ("@page { background: none !important; border: none !important; }\n"
                  "html, body { background: none !important; border: none !important; }\n")
FURNITURE_PAGES_PER_RUN = 150   # a run of furniture pages worth a worker of its own
FURNITURE_MAX_PAGES_PER_RUN = 400   # WeasyPrint holds a run in memory: big books get more runs
CSS_IDENT = re.compile(r"-?[A-Za-z_][\w-]*")


@dataclass(frozen=True)
class FurnitureJob:
    html: str
    sheets: tuple[tuple[str, str], ...]
    base: str
    allowed: tuple[str, ...]
    skip: int                   # leading pages that only carry the string values in (dropped)
    pages: int                  # pages wanted after them


@dataclass(frozen=True)
class Furniture:
    book: tuple[PageFacts | None, ...]      # the pages it was typeset for
    runs: list                              # FurnitureJob of each run
    pdfs: list[bytes]                       # its PDF

    def places(self) -> list[tuple[int, int] | None]:
        """(run, page in it) of each page of the book; None where nothing is laid over."""
        where = [(run, index) for run, job in enumerate(self.runs) for index in range(job.pages)]
        return [None if fact is None or fact.blank else place for fact, place in zip(self.book, where)]


def furniture_jobs(book_html: str, book: tuple[PageFacts | None, ...], total: int, common: dict, most: int,
                   first_side: str = "right") -> list[FurnitureJob]:
    """The book's pages cut into at most ``most`` runs of furniture to typeset."""
    runs = max(1, min(most, len(book) // FURNITURE_PAGES_PER_RUN), -(-len(book) // FURNITURE_MAX_PAGES_PER_RUN))
    size = -(-len(book) // runs)
    root = lxml_html.document_fromstring(book_html)
    head = lxml_html.tostring(root.find("head"), encoding="unicode")
    attributes = "".join(f' {k}="{html_text.escape(v)}"' for k, v in root.attrib.items())
    return [furniture_job(list(book), first, min(first + size, len(book)), total, head, attributes, common,
                          first_side)
            for first in range(0, len(book), size)]


def furniture_job(book: list[PageFacts | None], first: int, end: int, total: int, head: str, attributes: str,
                  common: dict, first_side: str = "right") -> FurnitureJob:
    """Empty pages ``first``..``end`` (0-based) of the book, each with its @page name and string
    values; a run that does not start the book begins with one page holding the values the
    strings have on entry, numbered so that the next page gets the right number and side."""
    def assignments(strings) -> str:
        return "".join(f'<div style="{html_text.escape(f"string-set: {name} {css_string(text)}")}"></div>'
                       for name, text in strings if CSS_IDENT.fullmatch(name))

    def page(fact: PageFacts | None, broken: bool) -> str:
        style = "display: block; margin: 0; padding: 0; border: 0; height: 0; float: none; position: static;"
        if broken:
            style += " break-before: page;"
        if fact is not None and fact.name and CSS_IDENT.fullmatch(fact.name):
            style += f" page: {fact.name};"
        return f'<div style="{style}">{assignments(fact.strings if fact else ())}</div>'

    pieces, extra, skip = [], "", 0
    if first:
        carried: dict[str, str] = {}
        for fact in book[:first]:
            for name, text in fact.strings if fact else ():
                carried.pop(name, None)
                carried[name] = text
        pieces.append(page(PageFacts("", False, "", 0, 0, tuple(carried.items())), False))
        extra = f"@page :first {{ counter-reset: page {first}; }}\n"      # the next page is first + 1
        extra += f"html {{ break-before: {side_of(first, first_side)}; }}\n"
        skip = 1
    pieces += [page(fact, bool(pieces) or i > 0) for i, fact in enumerate(book[first:end])]
    html = f"<!DOCTYPE html>\n<html{attributes}>{head}<body>{''.join(pieces)}</body></html>"
    sheets = tuple((PAGE_TOTAL.sub(f'"{total}"', css), folder) for css, folder in common["sheets"])
    sheets += ((ONLY_FURNITURE + extra, sheets[-1][1] if sheets else "."),)
    return FurnitureJob(html, sheets, common["base"], common["allowed"], skip, end - first)


def typeset_furniture_run(job: FurnitureJob) -> bytes | None:
    """A run of furniture pages → a PDF of exactly ``job.pages`` pages (None if WeasyPrint made
    another number of pages)."""
    allowed = tuple(Path(a) for a in job.allowed)
    document, _capture, fonts = render_document(job.html, Path(job.base),
                                                [(css, Path(folder)) for css, folder in job.sheets],
                                                allowed, None, worker_cache(allowed))
    try:
        if len(document.pages) != job.skip + job.pages:
            return None
        return document.copy(document.pages[job.skip:]).write_pdf()
    finally:
        discard_fonts(fonts)
