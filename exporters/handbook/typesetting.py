"""One-process typesetting: HTML + stylesheets → PDF bytes with WeasyPrint, its log captured."""

from __future__ import annotations

import contextlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .fetcher import confined_fetcher, folder_url


class CaptureLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int
    bookmarks: tuple            # WeasyPrint's bookmark tree: (label, target, children, state)
    anchors: dict               # anchor id → page number (1-based)
    messages: tuple[tuple[int, str], ...]   # captured WeasyPrint log: (level, message)


class StyleCache:
    """A worker's WeasyPrint fonts, URL fetcher and parsed stylesheets, kept from one part of the
    book to the next (parsing the stylesheets and installing the @font-face fonts costs ~1 s)."""

    def __init__(self, allowed: tuple[Path, ...]) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.allowed = allowed
        self.fetcher = confined_fetcher(allowed)
        self.fonts = FontConfiguration()
        self.sheets: dict[tuple[str, str], object] = {}


def render_document(book_html: str, base: Path, sheets: Iterable[tuple[str, Path]], allowed: tuple[Path, ...],
                    variant: str | None, cache: StyleCache | None = None):
    """HTML + stylesheets → a laid-out WeasyPrint document, WeasyPrint's captured log, and the
    font configuration to discard once the PDF is written (None when ``cache`` keeps it)."""
    import weasyprint

    owned = cache is None or cache.allowed != allowed
    if owned:
        cache = StyleCache(allowed)
    capture = CaptureLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        html = weasyprint.HTML(string=book_html, base_url=folder_url(base, allowed), url_fetcher=cache.fetcher)
        stylesheets = []
        for css, folder in sheets:
            key = (css, str(folder))
            if key not in cache.sheets:
                cache.sheets[key] = weasyprint.CSS(string=css, base_url=folder_url(folder, allowed),
                                                   url_fetcher=cache.fetcher, font_config=cache.fonts)
            stylesheets.append(cache.sheets[key])
        document = html.render(stylesheets=stylesheets, font_config=cache.fonts, pdf_variant=variant)
    except BaseException:
        if owned:
            discard_fonts(cache.fonts)
        raise
    finally:
        logger.removeHandler(capture)
    return document, capture, cache.fonts if owned else None


def discard_fonts(fonts) -> None:
    """Remove the folder WeasyPrint copies @font-face files into (~11 MB a build).

    WeasyPrint deletes it only in ``FontConfiguration.__del__``, which does not run in worker
    processes that end through ``os._exit`` nor reliably at interpreter exit, so every build
    left a folder behind in the system's temp folder. Call once the PDF is written.
    """
    folder = getattr(fonts, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None


@contextlib.contextmanager
def garbage_collector_paused():
    """No cyclic garbage collection inside; afterwards it is as it was, and runs once."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


def typeset(book_html: str, base: Path, sheets: Iterable[tuple[str, Path]], allowed: tuple[Path, ...],
            variant: str | None) -> Typeset:
    """HTML + stylesheets ``(css, folder its url()s are relative to)`` → PDF bytes with WeasyPrint;
    nothing is fetched outside ``allowed``, and WeasyPrint's log is captured, not printed.
    The cyclic garbage collector is off meanwhile (as in the parallel workers): WeasyPrint keeps
    the laid-out document alive until it is written, so collections find little and cost ~15 %
    of the time (M in one process: 136 s instead of 160 s, peak 1,584 MB instead of 1,475)."""
    with garbage_collector_paused():
        document, capture, fonts = render_document(book_html, base, sheets, allowed, variant)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        try:
            pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=True, finisher=scope_header_cells)
        finally:
            logger.removeHandler(capture)
            discard_fonts(fonts)
    anchors = {name: number for number, page in enumerate(document.pages, 1) for name in page.anchors}
    messages = tuple((r.levelno, r.getMessage()) for r in capture.records)
    return Typeset(pdf, len(document.pages), tuple(document.make_bookmark_tree()), anchors, messages)


def scope_header_cells(_document, pdf) -> None:
    """A WeasyPrint finisher: give every tagged header cell (``/TH``) its ``/Scope`` — ``/Column``
    in a header row group (``/THead``), ``/Row`` elsewhere (``<th scope="row">`` in a body row).

    WeasyPrint 70 links data cells to their headers with ``/Headers`` and ``/ID`` but writes no
    ``/Scope``, which the PDF/UA-1 checkers want on the header cells themselves (UA-15-003)."""
    elements = {obj.reference: obj for obj in pdf.objects
                if isinstance(obj, dict) and obj.get("Type") == "/StructElem"}
    for element in elements.values():
        if element.get("S") != "/TH":
            continue
        row = elements.get(element.get("P"))
        group = elements.get(row.get("P")) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        attributes = element.get("A")
        if isinstance(attributes, dict):
            attributes["Scope"] = scope
        else:
            element["A"] = type(element)({"O": "/Table", "Scope": scope})
