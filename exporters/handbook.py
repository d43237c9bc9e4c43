"""Printable PDF handbook: Jinja2 HTML + print CSS from ``templates/handbook/``, typeset by WeasyPrint.

Two steps, kept apart so that a later per-module (parallel) renderer can reuse the first:

1. ``render_handbook_html(course, ctx)`` → the whole book as one HTML string, and
   ``render_handbook_css(course, ctx)`` → its print stylesheet (no WeasyPrint involved);
2. ``typeset(...)`` → PDF bytes (fonts.css and handbook.css as stylesheets), with a URL fetcher
   confined to the course folder and the template folders, and with WeasyPrint's log captured
   and turned into ``Problem`` objects.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html as html_text
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import BuildContext, Exporter
from coursepack.labels import labels_for
from coursepack.model import Course, Lesson, Module, Question, Quiz
from coursepack.problems import Problem, error, warning

VARIANTS = {"none": None, "pdf/ua-1": "pdf/ua-1", "pdf/a-3b": "pdf/a-3b"}
NO_HYPHENATION_TAGS = {"pre", "code", "kbd", "samp", "script", "style"}
VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f]")
LOCAL_LINK = re.compile(r"^(#|https?:|mailto:)", re.I)
CURLY_QUOTE_LANGUAGES = {"en", "id", "ms"}      # languages whose quotes are “ ”


class HandbookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    paper: Literal["A4", "Letter"] = Field("A4", description="paper size")
    right_hand_modules: bool = Field(False, description="modules start on a right-hand page "
                                     "(a blank left page is inserted when needed)")
    pdf_variant: Literal["none", "pdf/ua-1", "pdf/a-3b"] = Field(
        "none", description="none; pdf/ua-1 (tagged, accessible PDF); pdf/a-3b (archival PDF/A)")
    hyphenate: bool = Field(True, description="hyphenate words in the course language")


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
    return ctx.templates.get_template("handbook.html").render(book=book, course=course,
                                                              labels=book.labels, options=book.options)


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

    def prepare(html: str, shift: int = 0) -> Markup:
        return prepare_html(html, shift, exceptions, curly)

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
                 curly_quotes: bool = False) -> Markup:
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
        wrap_exceptions(root, exceptions)
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


def wrap_exceptions(root, exceptions: dict[str, tuple[int, ...]]) -> None:
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, exceptions), key=len, reverse=True))
                         + r")(nya|lah|kah|pun)?\b", re.I)
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
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise RefusedFetch(f"refused to read {path.name}: it is outside the course folder")
            if not path.is_file():
                raise FileNotFoundError(f"no such file: {path.name}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

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


def typeset(book_html: str, base: Path, sheets: Iterable[tuple[str, Path]], allowed: tuple[Path, ...],
            variant: str | None) -> Typeset:
    """HTML + stylesheets ``(css, folder its url()s are relative to)`` → PDF bytes with WeasyPrint;
    nothing is fetched outside ``allowed``, and WeasyPrint's log is captured, not printed."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = confined_fetcher(allowed)
    fonts = FontConfiguration()
    capture = CaptureLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        html = weasyprint.HTML(string=book_html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher)
        stylesheets = [weasyprint.CSS(string=css, base_url=folder.resolve().as_uri() + "/", url_fetcher=fetcher,
                                      font_config=fonts) for css, folder in sheets]
        document = html.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=variant)
        pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=True)
    finally:
        logger.removeHandler(capture)
    anchors = {name: number for number, page in enumerate(document.pages, 1) for name in page.anchors}
    messages = tuple((r.levelno, r.getMessage()) for r in capture.records)
    return Typeset(pdf, len(document.pages), tuple(document.make_bookmark_tree()), anchors, messages)


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
            if url.startswith("file:"):
                path = Path(url2pathname(unquote(urlsplit(url).path)))
                if path.is_relative_to(root):
                    rel = path.relative_to(root).as_posix()
                    where = [f"{display}/{src}" for src in users.get(rel, [])] or [f"{display}/{rel}"]
                    what = f"{loaded.group(1)} '{rel}' could not be loaded into the handbook: " + \
                           message.split(": ", 1)[-1]
                else:
                    what = f"{loaded.group(1)} '{path.name}' could not be loaded into the handbook: " + \
                           message.split(": ", 1)[-1]
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
    out += [(1, labels["answer_key"]), (1, labels["outcome_map"])]
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
        result = typeset(render_handbook_html(course, ctx), course.root, sheets, allowed,
                         VARIANTS[options.pdf_variant])
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
