"""``coursepack preview``: the course as a learner sees it, rebuilt on every save.

A small web server on 127.0.0.1 (the standard library's ``ThreadingHTTPServer``) serves

* ``/``                      the preview page (``templates/preview/index.html``): a stand-in LMS
                             with the scorm-again runtime, an edition switch, the CMI inspector,
                             the handbook and question-bank tabs;
* ``/_preview/<file>``       the page's own static files (``templates/preview/``);
* ``/_preview/state``        the build state as JSON (problems, SCOs, lessons, version);
* ``/_preview/events``       Server-Sent Events: a ``state`` event after every (re)build;
* ``/_preview/questions``    the Moodle XML question bank read back as a list (JSON);
* ``/_preview/handbook/<lesson-id>.pdf``   one lesson as the handbook prints it;
* ``/scorm12/…``, ``/scorm2004/…``   the unzipped SCORM package of each edition.

The packages are built by the real exporters (``run_exporter``: staging, check, publish) into a
private temporary folder and unzipped there. ``watchfiles`` watches the course folder and the
built-in templates; after a save the course is validated again and only the outputs whose
inputs changed are rebuilt (the fingerprints of ``coursepack.fingerprints``). While the source has
errors, the server keeps running and the page shows them as ``validate`` prints them.

Nothing outside the preview's output folder and its static folder is ever served: ``..``,
empty segments (absolute paths), backslashes, NUL and encoded forms of them are refused with
403, and a file whose real path (symlinks resolved) leaves its folder is refused too.
"""

from __future__ import annotations

import dataclasses
import http.server
import inspect
import json
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any, Callable

from .problems import Problem, SourceDateError, errors_in, sort_problems

PREVIEW_EDITIONS = ("scorm12", "scorm2004")
QUESTION_BANK = "moodle"
SCORM12_SUSPEND_BUDGET = 4096
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".xml": "application/xml", ".xsd": "application/xml",
    ".dtd": "application/xml-dtd", ".pdf": "application/pdf", ".woff": "font/woff",
    ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".mp3": "audio/mpeg",
    ".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
    ".opus": "audio/ogg", ".m4a": "audio/mp4", ".wav": "audio/wav", ".vtt": "text/vtt; charset=utf-8",
}


def preview_static_dir() -> Path:
    from .run import BUILTIN_TEMPLATES
    return BUILTIN_TEMPLATES / "preview"


class CannotServe(Exception):
    """No course folder to watch, or the port cannot be bound (taken, or not allowed)."""


class Refused(Exception):
    """A request path that tries to leave its folder (answered with 403)."""


def checked_segments(url_rest: str) -> list[str]:
    """The decoded segments of a relative URL path; ``Refused`` when one could climb out."""
    if re.search(r"%(2f|5c|00)", url_rest, re.I):
        raise Refused("encoded slash, backslash or NUL")
    try:
        text = urllib.parse.unquote(url_rest, errors="strict")
    except UnicodeDecodeError as exc:
        raise Refused("not UTF-8") from exc
    if "\\" in text or "\0" in text:
        raise Refused("backslash or NUL")
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise Refused("empty, '.' or '..' segment")
    return parts


def safe_join(root: Path, url_rest: str) -> Path | None:
    """The file ``url_rest`` (the percent-encoded rest of a URL path) names inside ``root``.

    Raises ``Refused`` for anything that could reach outside: ``..`` or ``.`` segments, empty
    segments (``//etc/passwd``), backslashes, NUL, encoded slashes, and real paths (symlinks
    resolved) outside ``root``. Returns None when there is no such file.
    """
    parts = checked_segments(url_rest)
    base = root.resolve()
    target = base.joinpath(*parts)
    real = target.resolve()
    if real != base and base not in real.parents:
        raise Refused("outside the served folder")
    return real if real.is_file() else None


# --- the builds ------------------------------------------------------------------------------

@dataclasses.dataclass
class BuildState:
    """What the page is told after each build."""

    version: int = 0
    building: bool = True
    ok: bool = False
    problems: tuple[Problem, ...] = ()
    summary: str = ""
    title: str = ""
    scos: dict[str, list[dict[str, str]]] = dataclasses.field(default_factory=dict)
    lessons: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    editing: str = ""                   # id of the lesson saved last (the handbook tab shows it)
    rebuilt: tuple[str, ...] = ()        # outputs the last build changed
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "building": self.building, "ok": self.ok,
            "problems": [dict(dataclasses.asdict(p), text=p.format()) for p in self.problems],
            "summary": self.summary, "title": self.title, "scos": self.scos, "lessons": self.lessons,
            "editing": self.editing, "rebuilt": list(self.rebuilt), "seconds": round(self.seconds, 3),
            "budget": SCORM12_SUSPEND_BUDGET,
        }


def problem_summary(problems: list[Problem]) -> str:
    """The closing line of ``coursepack validate``."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    verdict = "invalid" if errors else "valid"
    return f"{errors} error(s), {warnings} warning(s): the course is {verdict}"


class Builder:
    """Validates the course and rebuilds what changed into ``work`` (a private folder)."""

    def __init__(self, course_dir: Path, display_root: str, work: Path,
                 log: Callable[[str], None]) -> None:
        from .registry import discover_exporters

        self.course_dir = course_dir
        self.display_root = display_root
        self.work = work
        self.log = log
        self.exporters = discover_exporters()
        self.loaded = None                           # the last valid course, with its options
        self.fingerprints: dict[str, Any] = {}
        self.packages: dict[str, Path] = {}          # edition → unzipped package folder
        self.questions: list[dict[str, Any]] = []
        self.handbook_cache: dict[str, bytes] = {}   # lesson id → PDF, for the current handbook inputs
        self.handbook_lock = threading.Lock()
        self.generation = 0

    def wanted(self) -> list[str]:
        return [n for n in (*PREVIEW_EDITIONS, QUESTION_BANK, "handbook") if n in self.exporters]

    def build(self, state: BuildState) -> None:
        """Validate (as ``coursepack validate`` does), then rebuild the outputs whose inputs
        changed; fills ``state``."""
        from .run import run_exporter, run_preflights, source_date, template_dirs
        from .load import load_course
        from .fingerprints import fingerprint, list_course_files

        started = time.perf_counter()
        state.rebuilt = ()
        available = self.exporters
        loaded, problems = load_course(self.course_dir, available, display_root=self.display_root)
        if loaded is not None:
            problems += run_preflights(list(available.values()), loaded)     # as `validate` does
            try:
                source_date(loaded.course)
            except SourceDateError as exc:
                problems.append(Problem("SOURCE_DATE_EPOCH", 0, 0, str(exc)))
        problems = sort_problems(problems)
        state.problems, state.summary = tuple(problems), problem_summary(problems)
        if loaded is None or errors_in(problems):
            state.ok = False
            state.seconds = time.perf_counter() - started
            return
        self.loaded = loaded
        course = loaded.course
        files = list_course_files(self.course_dir)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        rebuilt, failed = [], False
        for name in self.wanted():
            cls = available[name]
            dirs = template_dirs(self.course_dir, name, cls.template_folder)
            fp = fingerprint(self.course_dir, files, cls.depends_on, dirs, [Path(inspect.getfile(cls))], epoch)
            if self.fingerprints.get(name) == fp:
                continue
            if name == "handbook":      # typeset on demand, one lesson at a time
                with self.handbook_lock:
                    self.handbook_cache.clear()
                self.fingerprints[name] = fp
                rebuilt.append(name)
                continue
            step = time.perf_counter()
            result = run_exporter(cls, loaded, self.work / "out" / name,
                                  lambda message, n=name: self.log(f"{n}: warning: {message}"))
            if not result.paths:
                state.problems = tuple(sort_problems([*state.problems, *result.problems]))
                state.summary = f"{name}: FAILED — its output did not pass the check"
                failed = True
                continue
            if name == QUESTION_BANK:
                self.questions = [q for path in result.paths for q in read_question_bank(path.read_bytes())]
            else:
                self.packages[name] = self.unzip(name, result.paths[0])
            self.fingerprints[name] = fp
            rebuilt.append(name)
            self.log(f"preview: {name} built ({time.perf_counter() - step:.1f} s)")
        from .exporters.scorm import plan_scos
        from .options import options_for
        state.ok = not failed and all(e in self.packages for e in PREVIEW_EDITIONS if e in available)
        state.title = course.title
        state.scos = {e: [{"href": s.href, "title": s.title}
                          for s in plan_scos(course, options_for(available[e], loaded.options).sco)]
                      for e in PREVIEW_EDITIONS if e in available}
        state.lessons = [{"id": lesson.id, "title": lesson.title, "module": m.title, "source": lesson.source,
                          "number": f"{m.number}.{lesson.number}"}
                         for m in course.modules for lesson in m.lessons]
        state.rebuilt = tuple(rebuilt)
        state.seconds = time.perf_counter() - started

    def unzip(self, edition: str, zip_path: Path) -> Path:
        """Unzip a package into a new folder and drop the one it replaces."""
        self.generation += 1
        folder = self.work / "packages" / f"{edition}-{self.generation}"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(folder)      # names were checked by the exporter's check()
        old = self.packages.get(edition)
        self.packages[edition] = folder
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return folder

    def lesson_pdf(self, lesson_id: str) -> bytes | None:
        """The lesson ``lesson_id`` as the handbook prints it (one lesson, not the book)."""
        loaded = self.loaded
        if loaded is None or "handbook" not in self.exporters:
            return None
        with self.handbook_lock:
            if lesson_id in self.handbook_cache:
                return self.handbook_cache[lesson_id]
            pdf = lesson_print_pdf(loaded, self.exporters["handbook"], lesson_id, self.work / "handbook")
            if pdf is not None:
                self.handbook_cache[lesson_id] = pdf
            return pdf


def read_question_bank(data: bytes) -> list[dict[str, Any]]:
    """The questions of a Moodle XML file, with their correct answers, for the questions tab."""
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    category = ""
    found = []

    def text_of(element, path: str) -> str:
        node = element.find(path)
        return "" if node is None or node.text is None else node.text

    def html_of(element, path: str) -> str:
        """The HTML of a ``<…><text>`` element, its @@PLUGINFILE@@ images as data: URLs."""
        node = element.find(path)
        if node is None:
            return ""
        html = text_of(node, "text")
        for file in node.findall("file"):
            kind = STATIC_TYPES.get(Path(file.get("name", "")).suffix.lower(), "application/octet-stream")
            url = f"data:{kind.split(';')[0]};base64,{''.join((file.text or '').split())}"
            html = html.replace(f"@@PLUGINFILE@@/{urllib.parse.quote(file.get('name', ''))}", url)
            html = html.replace(f"@@PLUGINFILE@@/{file.get('name', '')}", url)
        return html

    for q in root.findall("question"):
        kind = q.get("type", "")
        if kind == "category":
            category = text_of(q, "category/text").split("/")[-1].replace("//", "/")
            continue
        answers = []
        for a in q.findall("answer"):
            fraction = float(a.get("fraction", "0"))
            answers.append({"html": html_of(a, "."), "fraction": fraction,
                            "tolerance": text_of(a, "tolerance"), "feedback": html_of(a, "feedback")})
        pairs = [{"left": html_of(s, "."), "right": text_of(s, "answer/text")} for s in q.findall("subquestion")]
        units = [{"unit": text_of(u, "unit_name"), "multiplier": text_of(u, "multiplier")}
                 for u in q.findall("units/unit")]
        found.append({
            "type": kind, "category": category, "name": text_of(q, "name/text"), "id": text_of(q, "idnumber"),
            "stem": html_of(q, "questiontext"), "single": text_of(q, "single"), "answers": answers,
            "pairs": pairs, "units": units, "grader": html_of(q, "graderinfo"),
            "feedback": html_of(q, "generalfeedback"), "points": text_of(q, "defaultgrade"),
        })
    return found


def lesson_print_pdf(loaded, exporter: type, lesson_id: str, scratch: Path) -> bytes | None:
    """One lesson typeset by the handbook exporter's own code: its templates, print stylesheet,
    fonts and confined fetcher. The book is rendered for a course of that one lesson (no quiz,
    no glossary); the cover, contents, module opener and appendices are then left out, so the
    PDF holds the lesson's pages with their running heads, as they print."""
    from lxml import html as lxml_html

    from coursepack.exporters.handbook import brand_css, render_handbook_css, render_handbook_html, typeset

    from .exporter import ExportContext, exporter_labels
    from .options import options_for
    from .run import source_date, template_environment

    course = loaded.course

    found = [(m, lesson) for m in course.modules for lesson in m.lessons if lesson.id == lesson_id]
    if not found:
        return None
    module, lesson = found[0]
    one = dataclasses.replace(course, modules=(dataclasses.replace(module, lessons=(lesson,), quiz=None),),
                              glossary=())
    templates = template_environment(loaded.root, "handbook")
    scratch.mkdir(parents=True, exist_ok=True)
    ctx = ExportContext(options_for(exporter, loaded.options), loaded.root, scratch, source_date(course), templates,
                        lambda message: None, exporter_labels(exporter, course))
    root = lxml_html.document_fromstring(render_handbook_html(one, ctx))
    body = root.find("body")
    section = body.find(".//section[@class='module']")
    alone = ""
    if section is not None:     # the built-in module.html (a restyled one is printed whole)
        opener = section.find("header[@class='opener']")
        title = opener.find(".//h1") if opener is not None else None
        section.set("data-module", title.get("data-bookmark", "") if title is not None else "")
        if opener is not None:
            section.remove(opener)
        for child in list(body):
            body.remove(child)
        body.append(section)
        alone = ".module { break-before: auto; string-set: module attr(data-module); }\n"
    fonts = templates.get_template("fonts.css")
    css_dir = Path(templates.get_template("handbook.css").filename).parent
    sheets = [(fonts.render(), Path(fonts.filename).parent),
              (render_handbook_css(one, ctx) + alone, css_dir)]
    if course.branding.accent or course.branding.css:
        sheets.append((brand_css(course), loaded.root))
    allowed = (loaded.root, *(Path(p) for p in getattr(templates.loader, "searchpath", [])))
    html = lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return typeset(html, loaded.root, sheets, allowed, None).pdf


# --- the server ------------------------------------------------------------------------------

UNSATISFIABLE = (-1, -1)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` byte range of a ``Range`` header for a body of ``size``
    bytes (RFC 9110, one range: ``bytes=a-b``, ``bytes=a-``, ``bytes=-n``); None to send the whole
    body (no header, several ranges, or one that cannot be read); ``UNSATISFIABLE`` when the range
    starts past the end (a 416)."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or match.group(1) == match.group(2) == "":
        return None
    start, end = match.groups()
    if start == "":                                  # the last n bytes
        n = int(end)
        return (max(0, size - n), size - 1) if n and size else UNSATISFIABLE
    first = int(start)
    if first >= size:
        return UNSATISFIABLE
    last = min(int(end), size - 1) if end else size - 1
    return (first, last) if last >= first else None


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    server_version = "coursepack-preview"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:    # quiet: the terminal shows builds
        pass

    @property
    def preview(self) -> "Preview":
        return self.server.preview     # type: ignore[attr-defined]

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        self.head = head
        try:
            self.route()
        except Refused:
            self.send_text(403, "refused: the preview serves only its own files\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:
        self.send_text(405, "method not allowed\n")

    def route(self) -> None:
        host = self.headers.get("Host", "")
        if host.rsplit(":", 1)[0] not in ("127.0.0.1", "localhost"):
            self.send_text(403, "refused: the preview answers only on 127.0.0.1\n")
            return
        words = self.requestline.split()     # self.path has a leading '//' collapsed already
        raw = words[1] if len(words) == 3 else self.path
        if not raw.startswith("/") or raw.startswith("//"):
            raise Refused("not a path of this server")
        path = raw.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            self.send_body(200, self.preview.page(), STATIC_TYPES[".html"])
        elif path == "/_preview/state":
            self.send_json(self.preview.state_json())
        elif path == "/_preview/events":
            self.stream_events()
        elif path == "/_preview/questions":
            self.send_json({"version": self.preview.state.version, "questions": self.preview.builder.questions})
        elif path.startswith("/_preview/handbook/") and path.endswith(".pdf"):
            lesson_id = urllib.parse.unquote(path[len("/_preview/handbook/"):-len(".pdf")])
            if "/" in lesson_id or "\\" in lesson_id or ".." in lesson_id:
                raise Refused("not a lesson id")
            try:
                pdf = self.preview.builder.lesson_pdf(lesson_id)
            except Exception as exc:    # a restyled template WeasyPrint cannot lay out, or a bug
                self.send_text(500, f"the lesson could not be typeset: {type(exc).__name__}: {exc}\n")
                return
            if pdf is None:
                self.send_text(404, "no such lesson (or the course has errors)\n")
            else:
                self.send_body(200, pdf, STATIC_TYPES[".pdf"])
        elif path.startswith("/_preview/"):
            self.send_file(preview_static_dir(), path[len("/_preview/"):])
        else:
            edition, _, rest = path[1:].partition("/")
            folder = self.preview.builder.packages.get(edition)
            if edition in PREVIEW_EDITIONS and folder is not None:
                self.send_file(folder, rest)
            else:
                checked_segments(path[1:])      # a climbing path is refused (403), not just missing
                self.send_text(404, "not found\n")

    def send_file(self, root: Path, rest: str) -> None:
        """A file of ``root``, whole or the one byte range the request asks for: browsers seek
        in audio and video by ranges, and without them an Ogg clip shows no length."""
        target = safe_join(root, rest)
        if target is None:
            self.send_text(404, "not found\n")
            return
        data = target.read_bytes()
        kind = STATIC_TYPES.get(target.suffix.lower(), "application/octet-stream")
        wanted = byte_range(self.headers.get("Range", ""), len(data))
        if wanted is None:
            self.send_body(200, data, kind, ranges=True)
        elif wanted == UNSATISFIABLE:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            first, last = wanted
            self.send_body(206, data[first:last + 1], kind, ranges=True,
                           content_range=f"bytes {first}-{last}/{len(data)}")

    def send_json(self, data: Any) -> None:
        self.send_body(200, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

    def send_text(self, status: int, text: str) -> None:
        self.send_body(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def send_body(self, status: int, body: bytes | str, kind: str, ranges: bool = False,
                  content_range: str = "") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        if content_range:
            self.send_header("Content-Range", content_range)
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not self.head:
            self.wfile.write(data)

    def stream_events(self) -> None:
        """Server-Sent Events: the state now, then after every change, until the page leaves."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        listener = self.preview.listen()
        try:
            self.wfile.write(b"retry: 500\n\n")
            payload = self.preview.state_json()
            while payload is not None:
                data = json.dumps(payload, ensure_ascii=False)
                self.wfile.write(f"event: state\ndata: {data}\n\n".encode("utf-8"))
                self.wfile.flush()
                while True:
                    try:
                        payload = listener.get(timeout=15)
                        break
                    except queue.Empty:     # a comment line: a page that left is noticed here
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
        except OSError:
            pass
        finally:
            self.preview.unlisten(listener)


class PreviewHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, preview: "Preview") -> None:
        self.preview = preview
        super().__init__(("127.0.0.1", port), PreviewHandler)


class Preview:
    """The preview server: first build, HTTP thread, watcher thread. ``start()``, ``stop()``."""

    def __init__(self, course_dir: str | Path, port: int = 0, log: Callable[[str], None] | None = None,
                 display_root: str | None = None) -> None:
        self.course_dir = Path(course_dir)
        self.display_root = display_root if display_root is not None else str(course_dir)
        self.port = port
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.work = Path(tempfile.mkdtemp(prefix="coursepack-preview-"))
        self.builder = Builder(self.course_dir, self.display_root, self.work, self.log)
        self.state = BuildState()
        self._listeners: list[queue.Queue] = []
        self._lock = threading.Lock()               # guards state and listeners
        self._build_lock = threading.Lock()         # one build at a time: the builder's bookkeeping is not shared
        self._stop = threading.Event()
        self._watching = threading.Event()          # set once the watcher sees the files
        self._threads: list[threading.Thread] = []
        self._httpd: PreviewHTTPServer | None = None
        self._page: str | None = None

    # state and listeners
    def state_json(self) -> dict[str, Any]:
        with self._lock:
            return self.state.to_json()

    def listen(self) -> queue.Queue:
        listener: queue.Queue = queue.Queue()
        with self._lock:
            self._listeners.append(listener)
        return listener

    def unlisten(self, listener: queue.Queue) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def publish(self) -> None:
        with self._lock:
            payload = self.state.to_json()
            for listener in self._listeners:
                listener.put(payload)

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def page(self) -> str:
        if self._page is None:
            import jinja2

            env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(preview_static_dir())), autoescape=True)
            self._page = env.get_template("index.html").render(course_dir=self.display_root,
                                                               budget=SCORM12_SUSPEND_BUDGET)
        return self._page

    # building
    def rebuild(self, changed: set[str] | None = None) -> None:
        """Validate and rebuild what changed. Builds never overlap: a call made while the
        watcher's build runs waits for it, then finds only what is still out of date."""
        with self._build_lock:
            self._rebuild(changed)

    def _rebuild(self, changed: set[str] | None) -> None:
        with self._lock:
            self.state.building = True
            if changed:
                self.state.editing = self.lesson_of(changed) or self.state.editing
        self.publish()
        new = dataclasses.replace(self.state, problems=(), rebuilt=())
        try:
            self.builder.build(new)
        except Exception as exc:     # a bug: keep serving, say so on the page and in the terminal
            if os.environ.get("COURSEPACK_DEBUG"):
                raise
            new.ok = False
            new.problems = (Problem(self.display_root, 0, 0, f"internal error while building the preview: "
                                    f"{type(exc).__name__}: {exc}"),)
            new.summary = "This is a bug in coursepack; set COURSEPACK_DEBUG=1 to see the traceback."
        new.building = False
        new.version = self.state.version + 1
        if not new.editing and new.lessons:
            new.editing = new.lessons[0]["id"]
        with self._lock:
            self.state = new
        for problem in new.problems:
            self.log(problem.format())
        if new.problems or not new.ok:
            self.log(new.summary)
        if new.ok:
            what = ", ".join(new.rebuilt) or "nothing changed"
            self.log(f"preview: ready ({what}; {new.seconds:.1f} s)")
        self.publish()

    def lesson_of(self, changed: set[str]) -> str:
        """The id of a lesson among the changed files, if any."""
        try:
            root = self.course_dir.resolve()
            rels = {Path(p).resolve().relative_to(root).as_posix() for p in changed
                    if Path(p).resolve().is_relative_to(root)}
        except (OSError, ValueError):
            return ""
        for lesson in self.state.lessons:
            if lesson["source"] in rels:
                return lesson["id"]
        return ""

    def watched(self) -> list[Path]:
        from .run import BUILTIN_TEMPLATES

        folders = [self.course_dir]
        for name in (*PREVIEW_EDITIONS, "scorm", "handbook", QUESTION_BANK):
            if (BUILTIN_TEMPLATES / name).is_dir():
                folders.append(BUILTIN_TEMPLATES / name)
        return folders

    def _watch(self) -> None:
        """Rebuild on every change. The generator first yields (empty, on its timeout) once the
        watches are set up: only from then on is an edit certain to be seen."""
        import watchfiles

        for changes in watchfiles.watch(*self.watched(), stop_event=self._stop, debounce=800, step=30,
                                        rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
            self._watching.set()
            if self._stop.is_set():
                break
            if changes:
                self.rebuild({path for _, path in changes})

    # life cycle
    def start(self, watch: bool = True) -> str:
        """Bind, build once (progress on the log), start serving and (unless ``watch`` is false,
        for callers that rebuild by themselves) watching; return the URL."""
        try:
            self._httpd = PreviewHTTPServer(self.port, self)
        except OSError as exc:
            shutil.rmtree(self.work, ignore_errors=True)
            raise CannotServe(f"cannot serve on 127.0.0.1:{self.port}: {exc.strerror or exc}") from exc
        serve = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                 name="preview-http", daemon=True)
        serve.start()
        self._threads.append(serve)
        self.log(f"preview: {self.url} — first build of {self.display_root} …")
        if watch:
            # the watcher starts before the first build and start() returns once it watches: an
            # edit saved during the build or right after start() is rebuilt, never missed
            watcher = threading.Thread(target=self._watch, name="preview-watch", daemon=True)
            watcher.start()
            self._threads.append(watcher)
        self.rebuild()
        if watch and not self._watching.wait(timeout=30):
            self.log("preview: warning: the file watcher has not started; edits may need a reload")
        return self.url

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            for listener in self._listeners:
                listener.put(None)
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        shutil.rmtree(self.work, ignore_errors=True)


def run(course_dir: str, port: int = 0, open_browser: bool = False) -> None:
    """``coursepack preview``: serve until Ctrl-C (KeyboardInterrupt, left to the caller)."""
    if not Path(course_dir).is_dir():
        raise CannotServe(f"{course_dir}: course folder not found: create it, or point to it with --course DIR")
    preview = Preview(course_dir, port)
    try:
        url = preview.start()
        preview.log(f"preview: serving {url}  (Ctrl-C stops)")
        if open_browser:
            import webbrowser
            webbrowser.open(url)
        while True:
            # short sleeps: Ctrl-C's signal may land on another thread (the watcher's, the
            # server's), and then only a main thread that wakes up now and then sees it
            time.sleep(0.25)
    finally:
        preview.stop()
