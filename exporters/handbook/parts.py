"""The parts of a book typeset in parallel: the book's HTML cut into standalone documents, and
one part laid out (and written) by WeasyPrint, with what the later passes need to know of it."""

from __future__ import annotations

import copy
import html as html_text
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

from lxml import html as lxml_html

from .typesetting import discard_fonts, render_document
from .workers import worker_cache

PAGE_REFERENCE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
MARK = re.compile("\ue000([^\ue001]*)\ue001")     # data-page="\ue000anchor\ue001" until numbers are known
SENTINEL = "\u2063"             # a body's page-number placeholder: seen in its text → it prints numbers
PX_TO_PT = 0.75
MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner", "bottom-right",
                "bottom-center", "bottom-left", "bottom-left-corner", "left-bottom", "left-middle", "left-top")
NO_FURNITURE = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES) + " }\n"


@dataclass(frozen=True)
class Part:
    name: str                   # "front", "opener-3", "module-3", "back-1"
    html: str                   # a whole HTML document; internal links carry a data-page mark
    module: bool                # starts a module (after a blank page with right_hand_modules)
    kind: str = "front"         # front | opener | body | back: when it is typeset (see above)


@dataclass(frozen=True)
class PageFacts:
    name: str                   # its @page name ("" for none)
    blank: bool
    side: str                   # "left" | "right", as laid out
    x: float                    # left edge of the page area, pt
    width: float                # width of the page area, pt
    strings: tuple[tuple[str, str], ...]    # its string-set assignments, in document order


@dataclass(frozen=True)
class PartJob:
    part: Part
    sheets: tuple[tuple[str, str], ...]         # (css, folder)
    base: str
    allowed: tuple[str, ...]
    numbers: tuple[tuple[str, str], ...] | None   # anchor → printed page number; None: placeholders
    placeholder: str
    side: str                   # "left" | "right": the side of its first page
    final: bool                 # write the PDF


@dataclass(frozen=True)
class PartResult:
    pages: int
    sizes: tuple[tuple[float, float], ...]      # page width, height in pt
    anchors: tuple[tuple[str, int, float, float], ...]   # name, page index, x, y (pt, PDF space)
    links: tuple[tuple[tuple[str, str, tuple[float, float, float, float]], ...], ...]  # per page
    bookmarks: tuple            # per page: (level, label, (x, y) in pt, PDF space, state)
    messages: tuple[tuple[int, str], ...]
    pdf: bytes | None
    facts: tuple[PageFacts, ...] = ()
    printed: tuple[tuple[str, str], ...] | None = None   # the page numbers it printed; None: placeholders
    numbered: bool = False      # prints page numbers (a placeholder showed up in its text)


def split_book(book_html: str, cut_keys: bool = False, cut_openers: bool = False) -> list[Part] | None:
    """The book's HTML → standalone documents: what precedes ``<main>``, each child of
    ``<main>`` (a module), what follows it. With ``cut_openers`` (the stylesheet ends a module's
    ``.opener`` with a page break) a module is cut after its opener, so that its lessons and quiz
    (the body) can be typeset before any page number is known. With ``cut_keys`` (the
    stylesheet starts each module's answer key on a new page) the answer key is cut there too:
    a continuation part starts with an invisible copy of the key's title, so that running heads
    stay the same. None when the book has no such shape."""
    root = lxml_html.document_fromstring(book_html)
    body = root.find("body")
    main = body.find("main") if body is not None else None
    if main is None or len(main) == 0:
        return None
    for link in root.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            link.set("data-page", f"\ue000{unquote(href[1:])}\ue001")
    head = lxml_html.tostring(root.find("head"), encoding="unicode")
    attributes = "".join(f' {k}="{html_text.escape(v)}"' for k, v in root.attrib.items())
    children = list(body)
    where = children.index(main)

    def serialise(elements) -> str:
        return "".join(lxml_html.tostring(e, encoding="unicode", with_tail=False) for e in elements)

    def document(inner: str) -> str:
        return f"<!DOCTYPE html>\n<html{attributes}>{head}<body>{inner}</body></html>"

    def opening_tag(element, keep_id: bool = True) -> str:
        return f"<{element.tag}" + "".join(f' {k}="{html_text.escape(v)}"' for k, v in element.attrib.items()
                                           if keep_id or k != "id") + ">"

    parts = [Part("front", document(serialise(children[:where])), False, "front")]
    for i, module in enumerate(main, 1):
        inner = [c for c in module if isinstance(c.tag, str)]
        opener = inner[0] if inner else None
        if cut_openers and opener is not None and len(inner) > 1 and \
                "opener" in (opener.get("class") or "").split():
            closing = f"</{module.tag}></main>"
            parts.append(Part(f"opener-{i}", document(f"<main>{opening_tag(module)}{serialise([opener])}{closing}"),
                              True, "opener"))
            parts.append(Part(f"module-{i}", document(f"<main>{opening_tag(module, keep_id=False)}"
                                                       f"{serialise(inner[1:])}{closing}"), False, "body"))
        else:
            parts.append(Part(f"module-{i}", document(f"<main>{serialise([module])}</main>"), True, "opener"))
    pieces: list[str] = []
    for element in children[where + 1:]:
        runs = key_runs(element) if cut_keys else []
        if len(runs) < 2:
            pieces.append(serialise([element]))
            continue
        title = element.find("h1")
        opening = opening_tag(element)
        closing = f"</{element.tag}>"
        pieces.append(opening + serialise(runs[0]) + closing)
        ghost = ""
        if title is not None:
            clone = copy.deepcopy(title)
            clone.attrib.pop("id", None)
            clone.set("aria-hidden", "true")
            clone.set("style", "position: absolute; visibility: hidden; bookmark-level: none; margin: 0; "
                               "padding: 0; border: 0; height: 0; overflow: hidden")
            clone.tail = None
            ghost = lxml_html.tostring(clone, encoding="unicode")
        pieces += [opening_tag(element, keep_id=False) + ghost + serialise(run) + closing for run in runs[1:]]
    if cut_keys:
        parts += [Part(f"back-{i}", document(piece), False, "back") for i, piece in enumerate(pieces, 1)]
    else:
        parts.append(Part("back", document("".join(pieces)), False, "back"))
    return parts


def key_runs(section) -> list[list]:
    """The children of an answer-key section, cut before each module heading but the first."""
    runs: list[list] = [[]]
    seen = False
    for child in section:
        if isinstance(child.tag, str) and "key-module" in (child.get("class") or "").split():
            if seen:
                runs.append([])
            seen = True
        runs[-1].append(child)
    return runs


def part_sheets(sheets: Iterable[tuple[str, str]], side: str) -> list[tuple[str, Path]]:
    """The book's stylesheets for one part: page references read ``data-page``, no margin boxes
    (the furniture is typeset for the whole book), the first page on the left or the right."""
    out = [(PAGE_REFERENCE.sub("attr(data-page)", css), Path(folder)) for css, folder in sheets]
    extra = NO_FURNITURE + f"html {{ break-before: {side}; }}\n"
    return out + [(extra, Path(out[-1][1] if out else "."))]


def page_facts(page) -> PageFacts:
    """What the furniture of a laid-out page depends on: its @page name, blank or not, side and
    string-set values (from WeasyPrint's page box: no public API has them), and its page area."""
    box = page._page_box
    kind = box.page_type
    strings = []
    for child in box.descendants():
        value = getattr(child, "string_set", None)
        if value and value != "none":
            strings += [(str(name), str(text)) for name, text in value]
    return PageFacts(kind.name or "", bool(kind.blank), kind.side, round(box.content_box_x() * PX_TO_PT, 4),
                     round(box.width * PX_TO_PT, 4), tuple(strings))


def shows_sentinel(page) -> bool:
    return any(SENTINEL in (getattr(child, "text", None) or "") for child in page._page_box.descendants()
               if isinstance(getattr(child, "text", None), str))


def typeset_part(job: PartJob) -> PartResult:
    """One part, in a worker process: its layout, and with ``job.final`` its PDF."""
    numbers = dict(job.numbers) if job.numbers is not None else None
    marks = sorted(set(MARK.findall(job.part.html)))
    html = MARK.sub(lambda m: job.placeholder if numbers is None else numbers.get(m.group(1), ""), job.part.html)
    sheets = part_sheets(job.sheets, job.side)
    allowed = tuple(Path(a) for a in job.allowed)
    document, capture, fonts = render_document(html, Path(job.base), sheets, allowed, None, worker_cache(allowed))
    pdf = None
    try:
        if job.final:
            logger = logging.getLogger("weasyprint")
            logger.addHandler(capture)
            try:
                pdf = document.write_pdf()
            finally:
                logger.removeHandler(capture)
    finally:
        discard_fonts(fonts)
    sizes, anchors, links, bookmarks = [], [], [], []
    for index, page in enumerate(document.pages):
        height = page.height
        sizes.append((page.width * PX_TO_PT, height * PX_TO_PT))
        bookmarks.append(tuple((level, label, (x * PX_TO_PT, (height - y) * PX_TO_PT), state)
                               for level, label, (x, y), state in page.bookmarks))
        for name, (x, y, _, _) in page.anchors.items():
            anchors.append((name, index, x * PX_TO_PT, (height - y) * PX_TO_PT))
        page_links = []
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind in ("internal", "external"):
                page_links.append((kind, target, (x1 * PX_TO_PT, (height - y1) * PX_TO_PT,
                                                  x2 * PX_TO_PT, (height - y2) * PX_TO_PT)))
        links.append(tuple(page_links))
    numbered = job.placeholder == SENTINEL and bool(marks) and any(shows_sentinel(p) for p in document.pages)
    return PartResult(len(document.pages), tuple(sizes), tuple(anchors), tuple(links),
                      tuple(bookmarks), tuple((r.levelno, r.getMessage()) for r in capture.records), pdf,
                      tuple(page_facts(p) for p in document.pages),
                      None if numbers is None else tuple((m, numbers.get(m, "")) for m in marks), numbered)
