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

# The marks the book's templates put where the stylesheet forces a page break, and where it may
# therefore be cut into parts (``data-part="…"``; a restyle that drops a break drops its mark):
MARK_ATTRIBUTE = "data-part"
MODULE = "module"           # a module: starts a page; all of them are the children of one element
OPENER = "opener"           # a module's first child, ending with a page break: the rest is its body
APPENDIX = "appendix"       # after the modules: starts a page
PAGE = "page"               # a child of an appendix that starts a page: the appendix continues
TITLE = "title"             # an appendix's title, copied invisibly into its continuations
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


def split_book(book_html: str) -> list[Part] | None:
    """The book's HTML → standalone documents, cut where the templates mark a page break
    (``data-part``, see ``MODULE`` … ``TITLE``): what precedes the modules, each module, what
    follows them. A module whose first child is marked as its opener is cut after it, so that
    its lessons and quiz (the body) can be typeset before any page number is known. Each
    appendix is a part of its own, cut again before each child marked as starting a page: a
    continuation part starts with an invisible copy of the appendix's marked title, so that
    running heads stay the same. None when the book marks no modules, or marks them in
    another shape (not all the children of one child of ``<body>``)."""
    root = lxml_html.document_fromstring(book_html)
    body = root.find("body")
    first = body.find(f".//*[@{MARK_ATTRIBUTE}='{MODULE}']") if body is not None else None
    container = first.getparent() if first is not None else None
    if container is None or container.getparent() is not body or \
            not all(marked(c, MODULE) for c in container if isinstance(c.tag, str)):
        return None
    for link in root.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            link.set("data-page", f"\ue000{unquote(href[1:])}\ue001")
    head = lxml_html.tostring(root.find("head"), encoding="unicode")
    attributes = "".join(f' {k}="{html_text.escape(v)}"' for k, v in root.attrib.items())
    children = list(body)
    where = children.index(container)

    def serialise(elements) -> str:
        return "".join(lxml_html.tostring(e, encoding="unicode", with_tail=False) for e in elements)

    def document(inner: str) -> str:
        return f"<!DOCTYPE html>\n<html{attributes}>{head}<body>{inner}</body></html>"

    def opening_tag(element, keep_id: bool = True) -> str:
        return f"<{element.tag}" + "".join(f' {k}="{html_text.escape(v)}"' for k, v in element.attrib.items()
                                           if keep_id or k != "id") + ">"

    parts = [Part("front", document(serialise(children[:where])), False, "front")]
    around, after = opening_tag(container), f"</{container.tag}>"
    for i, module in enumerate((c for c in container if isinstance(c.tag, str)), 1):
        inner = [c for c in module if isinstance(c.tag, str)]
        if len(inner) > 1 and marked(inner[0], OPENER):
            closing = f"</{module.tag}>{after}"
            parts.append(Part(f"opener-{i}", document(f"{around}{opening_tag(module)}{serialise(inner[:1])}{closing}"),
                              True, "opener"))
            parts.append(Part(f"module-{i}", document(f"{around}{opening_tag(module, keep_id=False)}"
                                                       f"{serialise(inner[1:])}{closing}"), False, "body"))
        else:
            parts.append(Part(f"module-{i}", document(f"{around}{serialise([module])}{after}"), True, "opener"))
    groups: list[list] = []             # an appendix and the unmarked elements that follow it
    for element in children[where + 1:]:
        if not groups or marked(element, APPENDIX):
            groups.append([])
        groups[-1].append(element)
    pieces: list[str] = []
    for group in groups:
        element = group[0]
        runs = page_runs(element) if marked(element, APPENDIX) else []
        if len(runs) < 2:
            pieces.append(serialise(group))
            continue
        title = element.find(f"*[@{MARK_ATTRIBUTE}='{TITLE}']")
        opening = opening_tag(element)
        closing = f"</{element.tag}>"
        pieces.append(opening + serialise(runs[0]) + closing)
        ghost = ""
        if title is not None:
            clone = copy.deepcopy(title)
            clone.attrib.pop("id", None)
            clone.attrib.pop(MARK_ATTRIBUTE, None)
            clone.set("aria-hidden", "true")
            clone.set("style", "position: absolute; visibility: hidden; bookmark-level: none; margin: 0; "
                               "padding: 0; border: 0; height: 0; overflow: hidden")
            clone.tail = None
            ghost = lxml_html.tostring(clone, encoding="unicode")
        pieces += [opening_tag(element, keep_id=False) + ghost + serialise(run) + closing for run in runs[1:]]
        pieces[-1] += serialise(group[1:])
    if len(pieces) == 1:
        parts.append(Part("back", document(pieces[0]), False, "back"))
    else:
        parts += [Part(f"back-{i}", document(piece), False, "back") for i, piece in enumerate(pieces, 1)]
    return parts


def marked(element, mark: str) -> bool:
    """Whether the templates mark ``element`` as ``mark`` (``data-part="<mark>"``)."""
    return isinstance(element.tag, str) and element.get(MARK_ATTRIBUTE) == mark


def page_runs(appendix) -> list[list]:
    """The children of an appendix, cut before each child marked as starting a page."""
    runs: list[list] = [[]]
    for child in appendix:
        if runs[-1] and marked(child, PAGE):
            runs.append([])
        runs[-1].append(child)
    return runs


def part_sheets(sheets: Iterable[tuple[str, str]], side: str) -> list[tuple[str, Path]]:
    """The book's stylesheets for one part: page references read ``data-page``, no margin boxes
    (the furniture is typeset for the whole book), the first page on the left or the right."""
    out = [(PAGE_REFERENCE.sub("attr(data-page)", css), Path(folder)) for css, folder in sheets]
    extra = NO_FURNITURE + f"html {{ break-before: {side}; }}\n"
    return out + [(extra, Path(out[-1][1] if out else "."))]


def page_box(page):
    """WeasyPrint's box of a laid-out page: the one use of its private ``Page._page_box``.

    The parallel engine needs, of each page, its @page name, side and blank flag
    (``page_type``), its ``string-set`` values and its text; WeasyPrint's public ``Page``
    (checked with WeasyPrint 70.0) offers only its size, bleed, anchors, links, bookmarks and
    form fields. If the attribute or the boxes change, the AttributeError this raises makes
    ``typeset_parallel`` give up and the book is typeset in one process, with a warning."""
    return page._page_box


def page_facts(page) -> PageFacts:
    """What the furniture of a laid-out page depends on: its @page name, blank or not, side and
    string-set values, and its page area."""
    box = page_box(page)
    kind = box.page_type
    strings = []
    for child in box.descendants():
        value = getattr(child, "string_set", None)
        if value and value != "none":
            strings += [(str(name), str(text)) for name, text in value]
    return PageFacts(kind.name or "", bool(kind.blank), kind.side, round(box.content_box_x() * PX_TO_PT, 4),
                     round(box.width * PX_TO_PT, 4), tuple(strings))


def shows_sentinel(page) -> bool:
    """Whether a laid-out page prints the page-number placeholder (its part prints page numbers)."""
    return any(SENTINEL in (getattr(child, "text", None) or "") for child in page_box(page).descendants()
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
