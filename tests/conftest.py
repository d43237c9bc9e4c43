"""Shared pytest fixtures.

Browser and npm fixtures skip locally when chromium or ``node_modules`` is
missing, and fail under ``CI=true`` (see ``lms.harness.skip_or_fail``).
``golden`` compares outputs with ``tests/golden/`` (``goldens.py``; ``--update-goldens``
rewrites them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goldens import Goldens, update_requested
from lms.harness import (
    LmsHarness,
    StaticServer,
    launch_chromium,
    require_node_modules,
    skip_or_fail,
    start_lms_server,
)

REWRITTEN = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The repository's ``node_modules`` folder (after ``npm ci``)."""
    return require_node_modules()


@pytest.fixture(scope="session")
def lms_server(node_modules: Path) -> Iterator[StaticServer]:
    """HTTP server on 127.0.0.1 serving the fake LMS and vendored JS."""
    server = start_lms_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (one per test session)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright (Python) is not installed")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def lms(lms_server: StaticServer, chromium: Any) -> Iterator[LmsHarness]:
    """Harness to open SCOs in the fake LMS: ``lms.launch(package_dir, "index.html", "scorm12")``."""
    harness = LmsHarness(lms_server, chromium)
    yield harness
    harness.close()


# --- coursepack core: the shared mini course and the CLI, in-process ---------------------

MINI_COURSE = Path(__file__).resolve().parent / "fixtures" / "courses" / "mini"


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A private copy of ``tests/fixtures/courses/mini`` at ``tmp_path/c``, safe to break."""
    import shutil

    target = tmp_path / "c"
    shutil.copytree(MINI_COURSE, target, symlinks=True)
    return target


class CliResult:
    """Exit status and the two output streams of one ``coursepack`` run."""

    def __init__(self, code: int, stdout: str, stderr: str):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@pytest.fixture
def run_coursepack() -> Any:
    """Run ``coursepack.cli.main`` in-process (click's CliRunner isolation), like the real command.

    ``main`` (not the click group) is what the console script calls, so its exit codes for usage
    errors (2) and internal errors (3) are exercised too. Returns a ``CliResult``.
    """
    import sys

    from click.testing import CliRunner

    from coursepack.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        runner = CliRunner()
        with runner.isolation(env=env) as (out, err, _mixed):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            return CliResult(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

    return run


# --- golden files (goldens.py) -----------------------------------------------------------------

def pytest_addoption(parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/golden/ instead of comparing (review the "
                          "diff before committing; refused under CI=true)")


@pytest.fixture(scope="session")
def golden(request) -> Goldens:
    """Compares outputs with ``tests/golden/``: ``golden.check_text(name, data)``,
    ``golden.check_archive(name, zip_bytes, members=None)``."""
    goldens = Goldens(update_requested(request.config.getoption("--update-goldens")))
    request.config.stash[REWRITTEN] = goldens.rewritten
    return goldens


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """After ``--update-goldens``: which golden files were written, to review before committing."""
    rewritten = config.stash.get(REWRITTEN, [])
    if rewritten:
        terminalreporter.section("golden files rewritten (review with git diff tests/golden)")
        for name in rewritten:
            terminalreporter.line(f"tests/golden/{name}")


# --- a real Moodle (tests marked `moodle`) -------------------------------------------------

@pytest.fixture(scope="session")
def moodle_site() -> Iterator[Any]:
    """The test Moodle (``tests/moodle_site.py``), started once per session and stopped after."""
    from moodle_site import start_site

    site = start_site()
    yield site
    site.stop()


def pytest_collection_modifyitems(config, items) -> None:
    """Every test that drives Chromium is marked ``browser`` (``make test-quick`` leaves them out)."""
    for item in items:
        if {"chromium", "lms"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
