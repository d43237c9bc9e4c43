"""SCORM pages of a branded course and of a right-to-left course, in scorm-again in Chromium.

axe-core finds no serious or critical violation on their lesson and submitted-quiz pages, on a
desktop and a phone; an accent colour too light to read (one that validation refuses) is what
axe's colour-contrast rule catches, so the validation threshold is the one that matters.
"""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import pytest

from coursepack.exporters.scorm import plan_scos
from courses import FIXTURES, MINI, build, load
from lms.harness import format_violations

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
        '<rect width="40" height="40" rx="8" fill="#0b6e4f"/><path d="M10 28 L20 10 L30 28 Z" fill="#fff"/></svg>')


def branded_copy(target: Path, language: str = "fr") -> Path:
    shutil.copytree(MINI, target)
    (target / "assets" / "logo.svg").write_text(LOGO, encoding="utf-8")
    (target / "assets" / "brand.css").write_text(".page-kicker { text-transform: uppercase; }\n", encoding="utf-8")
    text = (target / "course.yaml").read_text(encoding="utf-8").replace("language: id", f"language: {language}")
    text += ("labels:\n  next: Continuer\nbranding:\n  logo: assets/logo.svg\n  logo_alt: Contoh Akademi\n"
             "  accent: '#0b6e4f'\n  css: assets/brand.css\n")
    (target / "course.yaml").write_text(text, encoding="utf-8")
    return target


def package(loaded, out: Path) -> Path:
    [path] = build("scorm12", loaded, out / "zip")
    folder = out / "pkg"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return folder


def open_sco(lms, folder: Path, course, size: str):
    [sco] = plan_scos(course, "course")
    session = lms.launch(folder, sco.href, "scorm12")
    session.page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    session.sco.wait_for_selector("section.page:not([hidden])")
    return session, sco


def serious(session) -> list[dict]:
    return [v for v in session.run_axe() if v["impact"] in ("serious", "critical")]


def go(session, page_id: str) -> None:
    """Open a page through its contents link (hidden behind the menu button on a phone), as a
    learner's click runs it."""
    session.sco.evaluate("(id) => document.querySelector(`.toc a[href='#page-${id}']`).click()", page_id)
    session.sco.wait_for_selector(f"#page-{page_id}:not([hidden])")


def submit_first_quiz(session, sco) -> None:
    """Submit the first quiz unanswered, through the are-you-sure question."""
    quiz = sco.modules[0].quiz
    go(session, quiz.id)
    session.sco.click(f"#page-{quiz.id} .btn-submit")
    session.sco.click(f"#page-{quiz.id} [data-action=confirm]")
    session.sco.wait_for_selector(f"#page-{quiz.id} .quiz-summary:not([hidden])")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_branded_course_pages_pass_axe(lms, tmp_path, size):
    loaded = load(branded_copy(tmp_path / "c"))
    course = loaded.course
    folder = package(loaded, tmp_path / "out")
    session, sco = open_sco(lms, folder, course, size)
    frame = session.sco
    assert frame.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--accent')"
                          ).strip() == "#0b6e4f"
    logo = frame.locator(".site-header img.course-logo")
    assert logo.get_attribute("src") == "shared/brand-logo.svg" and logo.get_attribute("alt") == "Contoh Akademi"
    assert frame.evaluate("() => document.querySelector('.site-header img.course-logo').naturalWidth") > 0
    assert frame.evaluate("() => getComputedStyle(document.querySelector('.page-kicker')).textTransform") == \
        "uppercase"                                   # the course's CSS comes after the built-in one
    assert "Continuer" in frame.inner_text("section.page:not([hidden]) .pager-next")
    assert serious(session) == [], format_violations(serious(session))        # the start page
    go(session, course.lessons[0].id)
    assert serious(session) == [], format_violations(serious(session))
    submit_first_quiz(session, sco)
    assert serious(session) == [], format_violations(serious(session))
    assert frame.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert session.problems() == []
    session.close()


def test_an_accent_that_validation_refuses_fails_axe(lms, tmp_path):
    loaded = load(branded_copy(tmp_path / "c"))
    course = loaded.course
    too_light = dataclasses.replace(course, branding=dataclasses.replace(course.branding, accent="#ffcc00"))
    folder = package(dataclasses.replace(loaded, course=too_light), tmp_path / "out")
    session, sco = open_sco(lms, folder, too_light, "desktop")
    found = {v["id"] for v in serious(session)}
    assert "color-contrast" in found, found
    session.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_arabic_course_reads_right_to_left_and_passes_axe(lms, tmp_path, size):
    loaded = load(FIXTURES / "arabic")
    course = loaded.course
    folder = package(loaded, tmp_path / "out")
    session, sco = open_sco(lms, folder, course, size)
    frame = session.sco
    assert frame.evaluate("() => [document.documentElement.dir, document.documentElement.lang]") == ["rtl", "ar"]
    assert serious(session) == [], format_violations(serious(session))        # the start page
    go(session, course.lessons[0].id)
    assert frame.inner_text("section.page:not([hidden]) .pager-next").split()[:2] == ["التالي", "←"]
    # the page starts at the right: the title's right edge is the text column's right edge
    edges = frame.evaluate("""() => { const h = document.querySelector('section.page:not([hidden]) h1');
        const body = document.querySelector('section.page:not([hidden]) .lesson-body');
        return [h.getBoundingClientRect().right, body.getBoundingClientRect().right,
                getComputedStyle(document.querySelector('.admonition')).borderRightWidth]; }""")
    assert abs(edges[0] - edges[1]) < 2 and edges[2] != "0px", edges
    if size == "desktop":                             # the sidebar sits on the right of the page
        toc, main = frame.evaluate("() => [document.querySelector('.toc').getBoundingClientRect().left, "
                                   "document.querySelector('.main').getBoundingClientRect().left]")
        assert toc > main
    assert serious(session) == [], format_violations(serious(session))
    submit_first_quiz(session, sco)
    assert serious(session) == [], format_violations(serious(session))
    text = frame.inner_text("section.page:not([hidden])")
    assert "درجة النجاح: 70٪" in text and "السؤال 1" in text
    assert frame.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert session.problems() == []
    session.close()
