"""Printable PDF handbook: Jinja2 HTML + print CSS from ``templates/handbook/``, typeset by WeasyPrint.

Two steps, kept apart so that the parallel typesetter reuses the first:

1. ``render_handbook_html(course, ctx)`` → the whole book as one HTML string, and
   ``render_handbook_css(course, ctx)`` → its print stylesheet (no WeasyPrint involved);
2. ``typeset(...)`` → PDF bytes (fonts.css and handbook.css as stylesheets), with a URL fetcher
   confined to the course folder and the template folders, and with WeasyPrint's log captured
   and turned into ``Problem`` objects; or, for big courses, ``typeset_parallel(...)``: the same
   book cut into parts (front matter, module openers and bodies, the appendices), typeset in
   worker processes — the bodies once, before any page number is known — with the running
   heads and footers typeset for the whole book afterwards, and joined with pypdf: page for
   page the same PDF (see "parallel typesetting" below).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import html as html_text
import logging
import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Literal
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import BuildContext, Exporter
from coursepack.labels import labels_for, text_direction
from coursepack.model import Course, Lesson, Module, Question, Quiz
from coursepack.problems import Problem, error, warning

VARIANTS = {"none": None, "pdf/ua-1": "pdf/ua-1", "pdf/a-3b": "pdf/a-3b"}
NO_HYPHENATION_TAGS = {"pre", "code", "kbd", "samp", "script", "style"}
VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f]")
LOCAL_LINK = re.compile(r"^(#|https?:|mailto:)", re.I)
CURLY_QUOTE_LANGUAGES = {"en", "id", "ms"}      # languages whose quotes are “ ”
PARALLEL_MIN_MODULES = 2        # "auto": below these sizes one process is as fast (measured on
PARALLEL_MIN_LESSONS = 10       # 2 cores: 8 lessons in 2 modules, 30 pages, break even)


class HandbookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    paper: Literal["A4", "Letter"] = Field("A4", description="paper size")
    right_hand_modules: bool = Field(False, description="modules start on a right-hand page "
                                     "(a blank left page is inserted when needed)")
    pdf_variant: Literal["none", "pdf/ua-1", "pdf/a-3b"] = Field(
        "none", description="none; pdf/ua-1 (tagged, accessible PDF); pdf/a-3b (archival PDF/A)")
    hyphenate: bool = Field(True, description="hyphenate words in the course language")
    parallel: Literal["auto", "on", "off"] = Field(
        "auto", description="typeset modules in parallel worker processes and join them (auto: for "
        f"courses with at least {PARALLEL_MIN_MODULES} modules and {PARALLEL_MIN_LESSONS} lessons; "
        "PDF/UA, PDF/A and right-to-left books always use one process)")
    jobs: int = Field(0, ge=0, description="worker processes for parallel typesetting (0: one per CPU core)")


# -- the book as data for the templates --------------------------------------------------------

@dataclass(frozen=True)
class ChoiceView:
    letter: str
    html: Markup
    correct: bool
    feedback: Markup


@dataclass(frozen=True)
class MatchView:
    number: int
    left: Markup
    letter: str                 # the letter of its right-hand item in the printed column


@dataclass(frozen=True)
class QuestionView:
    q: Question
    anchor: str                 # id of the printed question
    key_anchor: str             # id of its answer-key entry
    label: str                  # "1.3": module number . question number
    stem: Markup
    feedback: Markup
    choices: tuple[ChoiceView, ...]
    matches: tuple[MatchView, ...]
    right_column: tuple[tuple[str, str], ...]    # (letter, text), in printed (shuffled) order
    true_feedback: Markup
    false_feedback: Markup
    grader_notes: Markup
    text_answers: tuple[tuple[str, float, Markup], ...]
    number_answers: tuple[tuple[str, float, Markup], ...]   # ("1200 ± 10 pertanyaan", weight, feedback)


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    anchor: str
    label: str                  # "1.2"
    body: Markup


@dataclass(frozen=True)
class QuizView:
    quiz: Quiz
    anchor: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class ModuleView:
    module: Module
    anchor: str
    summary: Markup
    lessons: tuple[LessonView, ...]
    quiz: QuizView | None


@dataclass(frozen=True)
class OutcomeRow:
    id: str
    text: str
    lessons: tuple[LessonView, ...]
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class Book:
    course: Course
    labels: dict
    options: HandbookOptions
    date_text: str
    created: str                # W3C date-time for the PDF metadata
    modules: tuple[ModuleView, ...]
    outcome_rows: tuple[OutcomeRow, ...]
    glossary: tuple[tuple[str, Markup], ...]
    description: Markup


# -- HTML ------------------------------------------------------------------------------------

def render_handbook_html(course: Course, ctx: BuildContext) -> str:
    """The whole handbook as one HTML document (cover, contents, modules, appendices)."""
    book = make_book(course, ctx)
    return ctx.templates.get_template("handbook.html").render(book=book, course=course, labels=book.labels,
                                                              options=book.options,
                                                              direction=text_direction(course.language))


def render_handbook_css(course: Course, ctx: BuildContext) -> str:
    """The print stylesheet, with paper size and localised running footer filled in."""
    labels = labels_for(course.language)
    options = ctx.options if isinstance(ctx.options, HandbookOptions) else HandbookOptions()
    return ctx.templates.get_template("handbook.css").render(
        paper=options.paper, right_hand_modules=options.right_hand_modules,
        hyphenate=options.hyphenate,
        page_of=Markup(css_page_of(labels["page_of"])),
        page_word=Markup(css_string(labels["handbook_page_abbr"])),
    )


def make_book(course: Course, ctx: BuildContext) -> Book:
    """Everything the templates print, with lesson HTML adapted for print."""
    options = ctx.options if isinstance(ctx.options, HandbookOptions) else HandbookOptions()
    labels = labels_for(course.language)
    exceptions = hyphenation_exceptions(ctx.templates, course.language) if options.hyphenate else {}

    curly = course.language.split("-")[0].lower() in CURLY_QUOTE_LANGUAGES
    pattern = exception_pattern(exceptions)     # compiled once: thousands of texts use it

    def prepare(html: str, shift: int = 0) -> Markup:
        return prepare_html(html, shift, exceptions, curly, pattern)

    modules = tuple(make_module(m, prepare) for m in course.modules)
    lessons = [lv for mv in modules for lv in mv.lessons]
    questions = [qv for mv in modules if mv.quiz for qv in mv.quiz.questions]
    rows = tuple(OutcomeRow(o.id, o.text,
                            tuple(lv for lv in lessons if o.id in {x.id for x in lv.lesson.outcomes}),
                            tuple(qv for qv in questions if o.id in {x.id for x in qv.q.outcomes}))
                 for o in course.outcomes)
    day = ctx.source_date.astimezone(dt.timezone.utc)
    return Book(
        course=course, labels=labels, options=options, date_text=format_date(day.date(), labels),
        created=day.strftime("%Y-%m-%dT%H:%M:%SZ"), modules=modules, outcome_rows=rows,
        glossary=tuple((g.term, prepare(g.definition_html)) for g in course.glossary),
        description=prepare(html_text.escape(course.description)),
    )


def make_module(module: Module, prepare) -> ModuleView:
    lessons = tuple(LessonView(lesson, f"lesson-{lesson.id}", f"{module.number}.{lesson.number}",
                               prepare(lesson.html, shift=1))
                    for lesson in module.lessons)
    quiz = None
    if module.quiz:
        quiz = QuizView(module.quiz, f"quiz-{module.quiz.id}",
                        tuple(make_question(q, module.number, prepare) for q in module.quiz.questions))
    return ModuleView(module, f"module-{module.id}", prepare(module.summary_html), lessons, quiz)


def make_question(q: Question, module_number: int, prepare) -> QuestionView:
    choices = tuple(ChoiceView(letter(i), prepare(c.html), c.correct, prepare(c.feedback_html))
                    for i, c in enumerate(q.choices))
    order = matching_order(q)
    right_letter = {index: letter(pos) for pos, index in enumerate(order)}
    matches = tuple(MatchView(i + 1, prepare(p.left_html), right_letter[i]) for i, p in enumerate(q.pairs))
    right_column = tuple((letter(pos), q.pairs[index].right) for pos, index in enumerate(order))
    unit = q.units[0].unit if q.units else ""
    numbers = tuple((format_number(a.value, a.tolerance, unit), a.weight, prepare(a.feedback_html))
                    for a in q.number_answers if a.weight > 0)   # the key lists accepted answers
    return QuestionView(
        q=q, anchor=f"q-{q.id}", key_anchor=f"key-{q.id}", label=f"{module_number}.{q.number}",
        stem=prepare(q.stem_html), feedback=prepare(q.feedback_html), choices=choices, matches=matches,
        right_column=right_column, true_feedback=prepare(q.feedback_true_html),
        false_feedback=prepare(q.feedback_false_html), grader_notes=prepare(q.grader_notes_html),
        text_answers=tuple((a.text, a.weight, prepare(a.feedback_html)) for a in q.text_answers if a.weight > 0),
        number_answers=numbers,
    )


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: labels for choices and matching items."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def matching_order(q: Question) -> tuple[int, ...]:
    """The printed order of the right-hand column: shuffled, seeded by the question id, never
    the identity (or the answer would be a straight line)."""
    order = list(range(len(q.pairs)))
    if len(order) < 2:
        return tuple(order)
    rng = random.Random(hashlib.sha256(q.id.encode()).digest())
    rng.shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


def format_number(value: float, tolerance: float, unit: str) -> str:
    text = f"{value:g}"
    if tolerance:
        text += f" ± {tolerance:g}"
    return f"{text} {unit}".strip()


def format_date(day: dt.date, labels: dict) -> str:
    months = labels["handbook_months"].split(",")
    return labels["handbook_date"].format(day=day.day, month=months[day.month - 1].strip(), year=day.year)


def css_string(text: str) -> str:
    """A CSS string literal (double quotes), safe for any text."""
    escaped = "".join(c if c.isalnum() or c in " .,:;-–—()/" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def css_page_of(pattern: str) -> str:
    """``"Halaman {page} dari {pages}"`` → ``"Halaman " counter(page) " dari " counter(pages)``."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


# -- adapting the model's HTML for print ------------------------------------------------------

def hyphenation_exceptions(env: jinja2.Environment, language: str) -> dict[str, tuple[int, ...]]:
    """Words the hyphenation dictionary splits wrongly: ``templates/handbook/hyphenation/<lang>.txt``,
    one word a line with '-' at the allowed breaks (``pem-be-la-jar-an``); '#' starts a comment."""
    name = f"hyphenation/{language.split('-')[0].lower()}.txt"
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
    except jinja2.TemplateNotFound:
        return {}
    words: dict[str, tuple[int, ...]] = {}
    for line in source.splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        breaks, offset = [], 0
        for part in entry.split("-")[:-1]:
            offset += len(part)
            breaks.append(offset)
        words[entry.replace("-", "").lower()] = tuple(breaks)
    return words


def prepare_html(html: str, shift: int, exceptions: dict[str, tuple[int, ...]],
                 curly_quotes: bool = False, pattern: re.Pattern | None = None) -> Markup:
    """Model HTML → print HTML: headings demoted by ``shift``, links to course files unlinked
    (a PDF must not point into the author's disk), emoji variation selectors dropped, and the
    hyphenation exceptions wrapped as ``<span class="hy">`` with soft hyphens."""
    if not html.strip():
        return Markup("")
    root = lxml_html.fragment_fromstring(VARIATION_SELECTORS.sub("", html), create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if shift and re.fullmatch(r"h[1-6]", element.tag):
            element.tag = f"h{min(6, int(element.tag[1]) + shift)}"
        if element.tag == "a" and not LOCAL_LINK.match(element.get("href", "#")):
            del element.attrib["href"]
    place_footnotes(root)
    if curly_quotes:
        curl_quotes(root)
    if exceptions:
        wrap_exceptions(root, exceptions, pattern)
    inner = html_text.escape(root.text or "", quote=False)
    inner += "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return Markup(inner)


def text_places(root):
    """(element, "text"|"tail") of every text node outside code, in document order."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        coded = element.tag in NO_HYPHENATION_TAGS or any(
            a.tag in NO_HYPHENATION_TAGS for a in element.iterancestors())
        if not coded and element.text:
            yield element, "text"
        parent = element.getparent()
        if element is not root and element.tail and parent is not None and not (
                parent.tag in NO_HYPHENATION_TAGS or any(a.tag in NO_HYPHENATION_TAGS
                                                         for a in parent.iterancestors())):
            yield element, "tail"


def curl_quotes(root) -> None:
    """Straight double quotes → “ ” (opening after a space or bracket or at the start of
    a text run followed by a letter), as a typesetter would."""
    def curl(match: re.Match) -> str:
        text, i = match.string, match.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        opening = (before == "" and after != "" and not after.isspace() and after not in ".,;:!?)") \
            or (before != "" and (before.isspace() or before in "([{—–/"))
        return "\u201c" if opening else "\u201d"

    for element, where in list(text_places(root)):
        value = getattr(element, where)
        if '"' in value:
            setattr(element, where, re.sub('"', curl, value))


def place_footnotes(root) -> None:
    """Endnotes → real page footnotes: each ``<sup class="footnote-ref">`` is replaced by a
    ``<span class="footnote">`` holding the note's text (CSS floats it to the page's foot)."""
    notes = {li.get("id"): li for li in root.iterfind(".//section[@class='footnotes']//li")}
    if not notes:
        return
    for sup in list(root.iterfind(".//sup[@class='footnote-ref']")):
        link = sup.find("a")
        note = notes.get((link.get("href") or "#")[1:]) if link is not None else None
        if note is None:
            continue
        note = copy.deepcopy(note)             # a note may be referenced twice
        span = lxml_html.Element("span", {"class": "footnote"})
        pieces = list(note) if len(note) else []
        span.text = note.text
        for child in pieces:
            for back in child.iterfind(".//a[@class='footnote-backref']"):
                drop_keeping_tail(back)
            if child.tag == "p":               # a note's paragraphs become inline text
                child.tag = "span"
            span.append(child)
        for element in span.iter():   # WeasyPrint 70 keeps source newlines in footnotes as breaks
            element.text = element.text and re.sub(r"\s+", " ", element.text)
            if element is not span:
                element.tail = element.tail and re.sub(r"\s+", " ", element.tail)
        span.tail = sup.tail
        sup.getparent().replace(sup, span)
    for element in list(root.iterfind(".//section[@class='footnotes']")) + \
            list(root.iterfind(".//hr[@class='footnotes-sep']")):
        drop_keeping_tail(element)


def drop_keeping_tail(element) -> None:
    parent = element.getparent()
    tail = (element.tail or "").rstrip()
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def exception_pattern(exceptions: dict[str, tuple[int, ...]]) -> re.Pattern | None:
    """One regular expression matching every exception word (with Indonesian particles)."""
    if not exceptions:
        return None
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, exceptions), key=len, reverse=True))
                      + r")(nya|lah|kah|pun)?\b", re.I)


def wrap_exceptions(root, exceptions: dict[str, tuple[int, ...]], pattern: re.Pattern | None = None) -> None:
    pattern = pattern or exception_pattern(exceptions)
    places = [(e, w) for e, w in text_places(root) if pattern.search(getattr(e, w))]
    for element, where in places:
        text = getattr(element, where)
        pieces = pattern.split(text)   # text, word, suffix, text, word, suffix, …, text
        lead, spans = pieces[0], []
        for i in range(1, len(pieces), 3):
            word, suffix, tail = pieces[i], pieces[i + 1] or "", pieces[i + 2]
            spans.append((soft_hyphenate(word, exceptions[word.lower()], suffix), tail))
        setattr(element, where, lead)
        if where == "text":
            parent, index = element, 0
        else:
            parent, index = element.getparent(), element.getparent().index(element) + 1
        for offset, (word, tail) in enumerate(spans):
            span = lxml_html.Element("span", {"class": "hy"})
            span.text, span.tail = word, tail
            parent.insert(index + offset, span)


def soft_hyphenate(word: str, breaks: Iterable[int], suffix: str) -> str:
    out, last = [], 0
    for b in breaks:
        out.append(word[last:b])
        last = b
    out.append(word[last:])
    return "\u00ad".join(out) + (f"\u00ad{suffix}" if suffix else "")


# -- typesetting ------------------------------------------------------------------------------

class RefusedFetch(Exception):
    """A resource outside the course and template folders, or over the network."""


VIRTUAL_ROOT = "file:///coursepack/"      # + "<i>/": the i-th allowed folder (0: the course)


def folder_url(folder: Path, allowed: tuple[Path, ...]) -> str:
    """The URL WeasyPrint knows ``folder`` by: ``file:///coursepack/<i>/<path in root i>/``,
    the same wherever the course and the tool are on disk (WeasyPrint names raster images by
    the md5 of their URL, so a real path would make the PDF depend on the folder)."""
    folder = folder.resolve()
    for i, root in enumerate(p.resolve() for p in allowed):
        if folder.is_relative_to(root):
            inner = folder.relative_to(root).as_posix()
            return f"{VIRTUAL_ROOT}{i}/" + ("" if inner == "." else quote(inner) + "/")
    return folder.as_uri() + "/"


def url_path(url: str, allowed: tuple[Path, ...]) -> Path:
    """A ``file:`` URL (virtual, see ``folder_url``, or real) → the path on disk, unresolved."""
    path = unquote(urlsplit(url).path)
    virtual = re.match(r"/coursepack/(\d+)(/.*)?$", path)
    if virtual and int(virtual.group(1)) < len(allowed):
        return allowed[int(virtual.group(1))].joinpath(*PurePosixPath(virtual.group(2) or "/").parts[1:])
    return Path(url2pathname(path))


def confined_fetcher(allowed: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that serves only regular files under ``allowed`` folders
    (and ``data:`` URLs); everything else — http(s), other files — is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(p.resolve() for p in allowed)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise RefusedFetch(f"refused to fetch {url}: only files inside the course folder are used")
            path = url_path(url, roots).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise RefusedFetch(f"refused to read {path.name}: it is outside the course folder")
            if not path.is_file():
                raise FileNotFoundError(f"no such file: {path.name}")
            return URLFetcherResponse(url, path.read_bytes())

    return ConfinedFetcher()


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
            pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=True)
        finally:
            logger.removeHandler(capture)
            discard_fonts(fonts)
    anchors = {name: number for number, page in enumerate(document.pages, 1) for name in page.anchors}
    messages = tuple((r.levelno, r.getMessage()) for r in capture.records)
    return Typeset(pdf, len(document.pages), tuple(document.make_bookmark_tree()), anchors, messages)


# -- parallel typesetting ---------------------------------------------------------------------
#
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
# Parts are cut only where the stylesheet forces a page break (a module starts a page; ``.opener``
# ends one; with ``.key-list + .key-module { break-before: page }`` each module's answer key
# starts one), so the page breaks are those of the whole book. Two things in handbook.css keep
# the two paths equal: the outcome map has fixed column widths (WeasyPrint sizes auto columns
# before it knows the page numbers it prints in them), and each module's answer key starts a page.
# Page numbers printed inside a body (a restyle that puts target-counter() on lesson links) are
# noticed while laying it out, and that body is typeset again with its numbers.
#
# Reading a laid-out page's @page name, side and string-set values uses WeasyPrint's page box
# (``Page._page_box``); if that ever changes, the book is typeset in one process, with a warning.
# PDF/UA-1 and PDF/A-3b use one process: a joined file would lose the structure tree and the
# conformance metadata. The joined file is about 2.3 times the size of the one-process file: each
# part embeds its own font subsets and pypdf writes no object streams.

PAGE_REFERENCE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
PAGE_TOTAL = re.compile(r"counter\(\s*pages\s*\)")
MARK = re.compile("\ue000([^\ue001]*)\ue001")     # data-page="\ue000anchor\ue001" until numbers are known
SENTINEL = "\u2063"             # a body's page-number placeholder: seen in its text → it prints numbers
PX_TO_PT = 0.75
KEY_BREAK = re.compile(r"\.key-list\s*\+\s*\.key-module\s*\{[^}]*break-before:\s*page")
RIGHT_TO_LEFT = re.compile(r"<html\b[^>]*\sdir=[\"']?rtl", re.I)
OPENER_BREAK = re.compile(r"\.opener\s*\{[^}]*break-after:\s*page")
MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner", "bottom-right",
                "bottom-center", "bottom-left", "bottom-left-corner", "left-bottom", "left-middle", "left-top")
NO_FURNITURE = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES) + " }\n"
ONLY_FURNITURE = ("@page { background: none !important; border: none !important; }\n"
                  "html, body { background: none !important; border: none !important; }\n")
FURNITURE_PAGES_PER_RUN = 150   # a run of furniture pages worth a worker of its own
FURNITURE_MAX_PAGES_PER_RUN = 400   # WeasyPrint holds a run in memory: big books get more runs
JOBS_PER_WORKER = 40            # then a fresh process: what a worker's heap grew to goes back
FURNITURE = "/CPFurniture"
CSS_IDENT = re.compile(r"-?[A-Za-z_][\w-]*")


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


@dataclass(frozen=True)
class Placement:
    starts: tuple[int, ...]     # first page number of each part
    blanks: tuple[bool, ...]    # a blank page precedes the part (right-hand modules)
    total: int
    numbers: tuple[tuple[str, str], ...]    # anchor → page number, first occurrence wins


def place_parts(parts: list[Part], results: list[PartResult | None], right_hand_modules: bool) -> Placement:
    """Where each part lands; a part not laid out yet counts as no pages."""
    starts, blanks, page = [], [], 1
    numbers: dict[str, str] = {}
    for part, result in zip(parts, results):
        blank = right_hand_modules and part.module and page % 2 == 0
        page += blank
        starts.append(page)
        blanks.append(blank)
        if result is not None:
            for name, index, _, _ in result.anchors:
                numbers.setdefault(name, str(page + index))
            page += result.pages
    return Placement(tuple(starts), tuple(blanks), page - 1, tuple(numbers.items()))


def side_of(number: int, first: str = "right") -> str:
    """The side of page ``number`` of a book whose first page is on the ``first`` side (the
    right in left-to-right books, the left in right-to-left ones)."""
    return first if number % 2 else ("left" if first == "right" else "right")


def page_areas(results: Iterable[PartResult | None]) -> dict[tuple[str, str], tuple[float, float]]:
    """(@page name, side) → (x, width) of the page area, as WeasyPrint laid it out."""
    areas: dict[tuple[str, str], tuple[float, float]] = {}
    for result in results:
        for fact in result.facts if result else ():
            if not fact.blank:
                areas.setdefault((fact.name, fact.side), (fact.x, fact.width))
    return areas


def shifts(result: PartResult, start: int, areas: dict, first: str = "right") -> tuple[float, ...] | None:
    """How far each page of a part moves sideways to sit on the side where it landed; None if
    some page cannot (its page area on the other side is wider or narrower, or unknown)."""
    out = []
    for index, fact in enumerate(result.facts):
        side = side_of(start + index, first)
        if fact.side == side or fact.blank:
            out.append(0.0)
            continue
        area = areas.get((fact.name, side))
        if area is None or abs(area[1] - fact.width) > 0.01:
            return None
        out.append(round(area[0] - fact.x, 4))
    return tuple(out)


def stale(result: PartResult | None, start: int, numbers: dict[str, str], areas: dict,
          first: str = "right") -> bool:
    """Whether a part (landing on page ``start``) must be typeset (again) before the book can be
    joined; ``numbers``: every anchor's page number."""
    if result is None or result.pdf is None:
        return True
    if result.printed is None:
        if result.numbered:
            return True
    elif any(numbers.get(name, "") != shown for name, shown in result.printed):
        return True
    return shifts(result, start, areas, first) is None


WORKER_CACHE: StyleCache | None = None     # set in worker processes only (see worker_init)


def worker_init(temp: str) -> None:
    """Set up a worker process of ``worker_pool``: WeasyPrint's boxes stay alive until a part is
    written, so the cyclic garbage collector only costs time (~15% of a layout); it runs once
    between parts instead. Temp files (the fonts WeasyPrint installs) go to ``temp``, which the
    parent removes: workers end through ``os._exit`` and clean nothing up."""
    import gc
    import tempfile

    global WORKER_CACHE
    gc.disable()
    tempfile.tempdir = temp
    WORKER_CACHE = StyleCache(())


def worker_cache(allowed: tuple[Path, ...]) -> StyleCache | None:
    """This worker's style cache for ``allowed`` (None in the main process); collects the garbage
    the previous part left."""
    global WORKER_CACHE
    if WORKER_CACHE is None:
        return None
    import gc

    gc.collect()
    if WORKER_CACHE.allowed != allowed:
        WORKER_CACHE = StyleCache(allowed)
    return WORKER_CACHE


def start_worker_server():
    """The multiprocessing context for the workers. Where there is a fork server (Linux, macOS),
    start it now: workers fork from it with WeasyPrint already imported, and it imports
    WeasyPrint (~1 s) while this process is still loading the course and writing the HTML.
    Starting it twice is harmless."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    import multiprocessing.forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", __name__])
    multiprocessing.forkserver.ensure_running()
    return context


@contextlib.contextmanager
def worker_pool(workers: int):
    """``workers`` processes for one book, kept for all its passes; None for one worker (the
    parts are then typeset in this process)."""
    if workers <= 1:
        yield None
        return
    import multiprocessing
    import tempfile

    context = start_worker_server()
    temp = tempfile.mkdtemp(prefix="coursepack-handbook-")
    try:
        with context.Pool(workers, initializer=worker_init, initargs=(temp,),
                          maxtasksperchild=JOBS_PER_WORKER) as pool:
            yield pool
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def run_jobs(function, jobs: list, pool, size) -> list:
    """``function`` over ``jobs`` in the pool's workers (or here, without a pool), biggest first,
    results in the order of ``jobs``."""
    if pool is None:
        return [function(job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -size(jobs[i]))
    done = pool.map(function, [jobs[i] for i in order], chunksize=1)
    results: list = [None] * len(jobs)
    for i, result in zip(order, done):
        results[i] = result
    return results


def run_parts(jobs: list[PartJob], pool) -> list[PartResult]:
    return run_jobs(typeset_part, jobs, pool, lambda job: len(job.part.html))


def typeset_parallel(book_html: str, base: Path, sheets: list[tuple[str, Path]], allowed: tuple[Path, ...],
                     right_hand_modules: bool, workers: int, source_date: dt.datetime) -> Typeset | None:
    """The book typeset part by part in worker processes and joined; None if it cannot be split
    or the parts do not settle (the caller then uses one process)."""
    css = "\n".join(text for text, _ in sheets)
    parts = split_book(book_html, cut_keys=bool(KEY_BREAK.search(css)), cut_openers=bool(OPENER_BREAK.search(css)))
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
    return join_parts(results, placement, areas, furniture, source_date, first_side)   # type: ignore[arg-type]


# -- furniture: the margin boxes of every page -------------------------------------------------

@dataclass(frozen=True)
class FurnitureJob:
    html: str
    sheets: tuple[tuple[str, str], ...]
    base: str
    allowed: tuple[str, ...]
    skip: int                   # leading pages that only carry the string values in (dropped)
    pages: int                  # pages wanted after them


def book_facts(results: list[PartResult | None], placement: Placement) -> tuple[PageFacts | None, ...]:
    """The facts of every page of the book, in order; None for a blank page put in between."""
    book: list[PageFacts | None] = []
    for result, blank in zip(results, placement.blanks):
        if blank:
            book.append(None)
        book += list(result.facts if result else ())
    return tuple(book)


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


def run_job(job):
    """A worker's job: a part of the book or a run of furniture."""
    return typeset_part(job) if isinstance(job, PartJob) else typeset_furniture_run(job)


def job_size(job) -> int:
    """Roughly the work in a job, in bytes of HTML (a furniture page costs about 1 KB's)."""
    return len(job.part.html) if isinstance(job, PartJob) else 1000 * job.pages


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


# -- join --------------------------------------------------------------------------------------

def join_parts(results: list[PartResult], placement: Placement, areas: dict,
               furniture: Furniture, source_date: dt.datetime,
               first_side: str = "right") -> Typeset:
    """The parts' PDFs and the furniture → one PDF with the whole book's links, destinations,
    outline, metadata."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                               NameObject, NumberObject, TextStringObject)

    writer = PdfWriter()
    first_index: list[int] = []         # global 0-based index of each part's first page
    moves: list[tuple[float, ...]] = []     # sideways move of each page of each part, pt
    digest = hashlib.sha256()
    metadata, lang = None, None
    run_pdfs, places = furniture.pdfs, furniture.places()
    runs = [PdfReader(io.BytesIO(pdf)) for pdf in run_pdfs]
    for pdf in run_pdfs:
        digest.update(pdf)
    streams: dict[bytes, object] = {}

    def stream(data: bytes):
        if data not in streams:
            obj = DecodedStreamObject()
            obj.set_data(data)
            streams[data] = writer._add_object(obj)
        return streams[data]

    def form(run: int, index: int):
        page = runs[run].pages[index]
        contents = page.raw_get("/Contents")
        items = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        obj = DecodedStreamObject()
        obj.set_data(b"\n".join(item.get_object().get_data() for item in items))
        obj.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject([FloatObject(float(v)) for v in page.mediabox]),
                    NameObject("/Resources"): page.raw_get("/Resources").clone(writer)})
        return writer._add_object(obj.flate_encode())

    def number(value: float) -> FloatObject:
        return FloatObject(round(value, 6))

    for result, blank, start in zip(results, placement.blanks, placement.starts):
        reader = PdfReader(io.BytesIO(result.pdf))
        digest.update(result.pdf)
        if metadata is None:
            metadata = dict(reader.metadata or {})
            lang = reader.trailer["/Root"].get("/Lang")
        if blank:
            writer.add_blank_page(*result.sizes[0])
        first_index.append(len(writer.pages))
        move = shifts(result, start, areas, first_side) or (0.0,) * result.pages
        moves.append(move)
        for page, dx in zip(reader.pages, move):
            added = writer.add_page(page, excluded_keys=("/Annots",))
            place = places[len(writer.pages) - 1]
            contents = added.raw_get("/Contents")
            items = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
            opening = b"q\n" if not dx else f"q 1 0 0 1 {dx:.4f} 0 cm\n".encode()
            items = [stream(opening), *items, stream(b"Q\n")]
            if place is not None:
                items.append(stream(b"q " + FURNITURE.encode() + b" Do Q\n"))
                resources = DictionaryObject(added["/Resources"])
                xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()))
                xobjects[NameObject(FURNITURE)] = form(*place)
                resources[NameObject("/XObject")] = xobjects
                added[NameObject("/Resources")] = resources
            added[NameObject("/Contents")] = ArrayObject(items)

    # named destinations: every anchor, first occurrence wins, sorted (a flat name tree)
    destinations: dict[str, tuple[int, float, float]] = {}
    anchors: dict[str, int] = {}
    for result, first, move in zip(results, first_index, moves):
        for name, index, x, y in result.anchors:
            if name not in destinations:
                destinations[name] = (first + index, x + move[index], y)
                anchors[name] = first + index + 1
    names = ArrayObject()
    for name in sorted(destinations):
        index, x, y = destinations[name]
        names += [TextStringObject(name), ArrayObject([writer.pages[index].indirect_reference,
                                                       NameObject("/XYZ"), number(x), number(y), NumberObject(0)])]
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): writer._add_object(DictionaryObject({NameObject("/Names"): names}))})

    # links, as WeasyPrint writes them, now that every target is in the same file
    for result, first, move in zip(results, first_index, moves):
        for index, page_links in enumerate(result.links):
            annotations = ArrayObject()
            dx = move[index]
            for kind, target, (x1, y1, x2, y2) in page_links:
                annotation = DictionaryObject({
                    NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([number(v) for v in (x1 + dx, y1, x2 + dx, y2)]),
                    NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                })
                if kind == "internal":
                    if target not in destinations:
                        continue
                    annotation[NameObject("/Dest")] = TextStringObject(target)
                else:
                    annotation[NameObject("/A")] = DictionaryObject({
                        NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject(target)})
                annotations.append(writer._add_object(annotation))
            if annotations:
                writer.pages[first + index][NameObject("/Annots")] = annotations

    # outline
    tree = bookmark_tree((first + index, level, label, x + move[index], y, state)
                         for result, first, move in zip(results, first_index, moves)
                         for index, marks in enumerate(result.bookmarks)
                         for level, label, (x, y), state in marks)
    add_outline(writer, tree, None)
    if tree:
        writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")

    # metadata: the parts share the <head>, so the first part's /Info is the book's
    day = source_date.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    info = {k: v for k, v in (metadata or {}).items() if isinstance(v, str)}
    info.update({"/CreationDate": day, "/ModDate": day})
    writer.add_metadata(info)
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    identifier = ByteStringObject(digest.digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])
    out = io.BytesIO()
    writer.write(out)
    messages: list[tuple[int, str]] = []
    seen = set()
    for result in results:
        for level, message in result.messages:
            cross = re.match(r"No anchor #(.*) for internal URI reference", message)
            if (cross and cross.group(1) in destinations) or (level, message) in seen:
                continue
            seen.add((level, message))
            messages.append((level, message))
    return Typeset(out.getvalue(), len(writer.pages), tree, anchors, tuple(messages))


def bookmark_tree(marks) -> tuple:
    """(page index, level, label, x, y, state) of every bookmark, in order → the nested tree
    ``(label, (page index, x, y), children, state)``, levels nested as WeasyPrint nests them
    (a skipped level, h1 → h3, makes one step down)."""
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for index, level, label, x, y, state in marks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append((label, (index, x, y), children, state))
        del last_by_depth[depth:]
        last_by_depth.append(children)

    def freeze(items) -> tuple:
        return tuple((label, target, freeze(children), state) for label, target, children, state in items)

    return freeze(root)


def add_outline(writer, tree, parent) -> None:
    from pypdf.generic import Fit

    for label, (index, x, y), children, state in tree:
        item = writer.add_outline_item(title=label, page_number=index, parent=parent,
                                       fit=Fit.xyz(round(x, 6), round(y, 6), 0), is_open=state != "closed")
        add_outline(writer, children, item)


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


# -- problems --------------------------------------------------------------------------------

def users_of(course: Course) -> dict[str, list[str]]:
    """Course-relative asset path → the source files (lessons, quizzes) that use it."""
    found: dict[str, list[str]] = {}
    for lesson in course.lessons:
        for asset in lesson.assets:
            found.setdefault(asset.path, []).append(lesson.source)
    for q in course.questions:
        for asset in q.assets:
            if q.source not in found.setdefault(asset.path, []):
                found[asset.path].append(q.source)
    return found


def log_problems(messages: Iterable[tuple[int, str]], course: Course, template_dir: str) -> list[Problem]:
    """WeasyPrint's log → problems: a resource that did not load is an error at the file that uses it."""
    root = course.root.resolve()
    users = users_of(course)
    display = course.root.as_posix()
    problems = []
    for level, message in messages:
        loaded = re.search(r"Failed to load (image|font|stylesheet|attachment)[^']*'([^']+)'", message)
        if loaded or "refused" in message.lower():
            where, what = [template_dir], message
            url = loaded.group(2) if loaded else ""
            # WeasyPrint's reason follows the quoted URL; for a damaged file it is often empty
            reason = message[loaded.end():].lstrip(": ").strip() if loaded else ""
            reason = reason or "the file is damaged or not in the format its name says"
            if url.startswith("file:"):
                path = url_path(url, (root,))
                if path.is_relative_to(root):
                    rel = path.relative_to(root).as_posix()
                    where = [f"{display}/{src}" for src in users.get(rel, [])] or [f"{display}/{rel}"]
                    what = f"{loaded.group(1)} '{rel}' could not be loaded into the handbook: {reason}"
                else:
                    what = f"{loaded.group(1)} '{path.name}' could not be loaded into the handbook: {reason}"
            problems += [error(w, 0, 0, what) for w in where]
        elif level >= logging.ERROR:
            problems.append(error(template_dir, 0, 0, f"WeasyPrint: {message}"))
        else:
            problems.append(warning(template_dir, 0, 0, f"WeasyPrint: {message}"))
    return problems


def expected_outline(course: Course, labels: dict) -> list[tuple[int, str]]:
    """(level, label) of every bookmark the handbook must have, in order."""
    out: list[tuple[int, str]] = [(1, labels["contents"])]
    for m in course.modules:
        out.append((1, f"{labels['module']} {m.number}. {m.title}"))
        out += [(2, f"{m.number}.{lesson.number} {lesson.title}") for lesson in m.lessons]
        if m.quiz:
            out.append((2, m.quiz.title))
    if course.questions:      # a course without questions has no answer key
        out.append((1, labels["answer_key"]))
    out.append((1, labels["outcome_map"]))
    if course.glossary:
        out.append((1, labels["glossary"]))
    return out


def flatten_outline(tree, level: int = 1) -> list[tuple[int, str]]:
    out = []
    for label, _target, children, _state in tree:
        out.append((level, " ".join(label.split())))
        out += flatten_outline(children, level + 1)
    return out


def outline_problems(result: Typeset, course: Course, labels: dict, output: str) -> list[Problem]:
    problems = []
    expected = [(lvl, " ".join(text.split())) for lvl, text in expected_outline(course, labels)]
    found = flatten_outline(result.bookmarks)
    if found != expected:
        missing = [e for e in expected if e not in found]
        extra = [f for f in found if f not in expected]
        problems.append(error(output, 0, 0, f"the PDF outline does not mirror the course: missing "
                              f"{missing[:3]}, unexpected {extra[:3]}"))
    needed = [f"q-{q.id}" for q in course.questions] + [f"key-{q.id}" for q in course.questions]
    needed += [f"lesson-{lesson.id}" for lesson in course.lessons]
    absent = [a for a in needed if a not in result.anchors]
    if absent:
        problems.append(error(output, 0, 0, f"{len(absent)} link target(s) missing from the PDF, "
                              f"e.g. {absent[0]}"))
    return problems


# -- the exporter ----------------------------------------------------------------------------

class HandbookExporter(Exporter):
    name = "handbook"
    description = "printable PDF handbook (.pdf)"
    suffix = ".pdf"
    Options = HandbookOptions

    def __init__(self) -> None:
        self.problems: list[Problem] = []   # found while typesetting; reported by check()

    def export(self, course: Course, ctx: BuildContext) -> list[Path]:
        options = ctx.options if isinstance(ctx.options, HandbookOptions) else HandbookOptions()
        fonts = ctx.templates.get_template("fonts.css")
        css_dir = Path(ctx.templates.get_template("handbook.css").filename).parent
        sheets = [(fonts.render(), Path(fonts.filename).parent), (render_handbook_css(course, ctx), css_dir)]
        allowed = (course.root, *(Path(p) for p in getattr(ctx.templates.loader, "searchpath", [])))
        parallel, workers = use_parallel(course, options), options.jobs or os.cpu_count() or 1
        if parallel and workers > 1:
            start_worker_server()
        book_html = render_handbook_html(course, ctx)
        result = None
        if parallel:
            result = typeset_parallel(book_html, course.root, sheets, allowed, options.right_hand_modules,
                                      workers, ctx.source_date)
            if result is None:
                ctx.warn("handbook: the book could not be typeset in parts; using one process")
        if result is None:
            result = typeset(book_html, course.root, sheets, allowed, VARIANTS[options.pdf_variant])
        target = ctx.output(self.output_name(course))
        target.write_bytes(result.pdf)
        labels = labels_for(course.language)
        self.problems = log_problems(result.messages, course, css_dir.as_posix())
        self.problems += outline_problems(result, course, labels, target.name)
        return [target]

    def check(self, paths: list[Path], ctx: BuildContext) -> list[Problem]:
        problems = list(self.problems)
        for path in paths:
            data = path.read_bytes()
            if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-32:]:
                problems.append(error(path.name, 0, 0, "the handbook is not a complete PDF file"))
        return problems
