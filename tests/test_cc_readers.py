"""The Common Cartridge in two real readers.

* **Moodle 4.5** (marker ``moodle``): ``tests/moodle/import_cc.php`` converts and restores the
  cartridge as a new course as Moodle's restore page does; the sections, pages with their files,
  quizzes with their questions by type and the question bank are compared with the source.
* **Open edX's converter cc2olx** (marker ``slow``): installed once per session from
  ``../shared/cc2olx`` into ``build/cc2olx-cache/`` with Python 3.12 (what cc2olx 0.4 runs on)
  and cc2olx's own pinned requirements; the OLX it writes has a
  chapter per module, an html block per lesson with its images, a problem per auto-graded
  question of the types it converts.

Expected values come from the course source, never from the readers.
"""

from __future__ import annotations

import collections
import html
import os
import re
import shutil
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest
from lxml import etree

from coursepack.exporters.cc.qti import OUTSIDE_PROFILE
from coursepack.exporters.moodle.text import plain_text
from coursepack.references import package_path
from coursepack.exporter import exporter_labels
from coursepack.registry import discover_exporters
from lms.harness import skip_or_fail
from cli_helpers import coursepack, with_options
from courses import REPO, SAMPLE, buildable_courses, load

CC2OLX_SOURCE = Path(os.environ.get("COURSEPACK_CC2OLX") or REPO.parent / "shared" / "cc2olx")
CC2OLX_CACHE = REPO / "build" / "cc2olx-cache"
MOODLE_QTYPE = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                "shortanswer": "shortanswer", "essay": "essay"}
# what cc2olx writes for each profile type it converts (essays become open response blocks)
OLX_RESPONSE = {"single": "multiplechoiceresponse", "truefalse": "multiplechoiceresponse",
                "multiple": "choiceresponse", "shortanswer": "stringresponse"}


def cartridge(course_dir: Path, out: Path) -> Path:
    coursepack("build", "cc", "--course", str(course_dir), "--out", str(out))
    (path,) = sorted(out.glob("*.imscc"))
    return path


# --- Moodle ---------------------------------------------------------------------------------

@pytest.mark.moodle
@pytest.mark.parametrize("course_dir", buildable_courses())
def test_moodle_restores_the_cartridge_as_a_course(moodle_site, tmp_path, course_dir):
    course = load(course_dir).course
    path = cartridge(course_dir, tmp_path / "out")
    found = moodle_site.php("import_cc", file=str(path), shortname=f"cc-{uuid.uuid4().hex[:10]}")
    assert found["format"] == "imscc11"
    assert found["precheck"] == [] or not found["precheck"].get("errors")
    media = any(a.media_type.startswith(("video/", "audio/")) for lesson in course.lessons for a in lesson.assets)
    assert set(found["unknown_tags"]) <= ({"video", "audio", "track"} if media else set())

    # one section per module, in order (Moodle puts the first into section 0); the module's
    # overview page, its lessons, its quiz; the glossary last
    sections = [s["modules"] for s in found["sections"] if s["modules"]]
    expected = []
    for module in course.modules:
        items = [("page", module.title)] + [("page", lesson.title) for lesson in module.lessons]
        if module.quiz and any(not isinstance(q, OUTSIDE_PROFILE) for q in module.quiz.questions):
            items.append(("quiz", module.quiz.title))
        expected.append(items)
    if course.glossary:
        expected.append([("page", exporter_labels(discover_exporters()["cc"], course)["glossary"])])
    assert [[(m["type"], m["name"]) for m in s] for s in sections] == expected

    modules = {m.id: s for m, s in zip(course.modules, sections)}
    for module in course.modules:
        got = modules[module.id]
        for lesson, page in zip(module.lessons, got[1:]):
            # the lesson's text (Moodle's importer decodes entities, so compare words only)
            words = re.findall(r"\w+", plain_text(lesson.html))[:12]
            assert words and re.findall(r"\w+", plain_text(page["content"])).count(words[0]) >= 1
            assert " ".join(words) in " ".join(re.findall(r"\w+", plain_text(page["content"])))
            images = sorted({a for a in lesson.assets if a.media_type.startswith(("image/", "video/", "audio/"))
                             or a.media_type == "text/vtt"}, key=lambda a: a.path)
            files = {f["path"]: f["size"] for f in page["files"]}
            for asset in images:
                stored = f"/web_resources/{package_path(asset.path)}"
                assert files.get(stored) == asset.size, (lesson.id, stored, files)
                assert f'="@@PLUGINFILE@@{stored}"' in page["content"]       # an img src or a link
            assert "../web_resources/" not in page["content"]
        quiz = [m for m in got if m["type"] == "quiz"]
        if quiz:
            questions = [q for q in module.quiz.questions if not isinstance(q, OUTSIDE_PROFILE)]
            assert quiz[0]["qtypes"] == [MOODLE_QTYPE[q.kind] for q in questions]
            assert quiz[0]["marks"] == [float(q.points) for q in questions]
            for question, stored in zip(questions, quiz[0]["questions"]):
                assert plain_text(stored["generalfeedback"]) == plain_text(question.feedback_html)
                if question.image is not None:
                    # the image element arrives; its file does not (README: Moodle's importer)
                    name = package_path(question.image.path).rsplit("/", 1)[-1]
                    text = stored["questiontext"]
                    assert "<img " in text and re.search(rf'src="[^"]*/{re.escape(name)}"', text)
                answers = stored["answers"]
                if question.kind in ("single", "multiple"):
                    assert [plain_text(a["text"]) for a in answers] == [plain_text(c.html) for c in question.choices]
                    assert [plain_text(a["feedback"]) for a in answers] == \
                        [plain_text(c.feedback_html) for c in question.choices]
                    assert [a["fraction"] > 0 for a in answers] == [c.correct for c in question.choices]
                elif question.kind == "truefalse":
                    assert [a["fraction"] for a in answers] == ([1, 0] if question.answer else [0, 1])
                    assert [plain_text(a["feedback"]) for a in answers] == \
                        [plain_text(question.feedback_true_html), plain_text(question.feedback_false_html)]
                elif question.kind == "shortanswer":
                    right = [a["text"] for a in answers if a["fraction"] == 1]
                    assert right == [a.text.strip() for a in question.text_answers if a.weight >= 100]
        outcomes_page = got[0]["content"]
        assert all(f"<strong>{o.id}</strong>" in outcomes_page for o in module.outcomes)

    # the question bank: every question of the profile's types, by type, in one category
    bank = collections.Counter(MOODLE_QTYPE[q.kind] for q in course.questions if not isinstance(q, OUTSIDE_PROFILE))
    assert dict(bank) in list(found["categories"].values())


# --- Open edX's cc2olx ------------------------------------------------------------------------

def python312() -> str | None:
    """A Python 3.12 that runs (cc2olx 0.4 needs 3.12; it imports imghdr, gone in 3.13):
    COURSEPACK_PYTHON312, pyenv's 3.12, or python3.12 on PATH."""
    candidates = [os.environ.get("COURSEPACK_PYTHON312", "")]
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    candidates += [str(f / "bin" / "python3") for f in sorted(root.glob("3.12*"), reverse=True)]
    candidates += [shutil.which(name) or "" for name in ("python3.12",)]
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 12)"],
                                  capture_output=True, timeout=60)
        except OSError:
            continue
        if done.returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="session")
def cc2olx() -> Path:
    """The ``cc2olx`` command, installed once into build/cc2olx-cache/ (skipped locally, failed
    under CI=true, when it cannot be installed)."""
    archives = sorted(CC2OLX_SOURCE.glob("cc2olx-*.tar.gz"))
    if not archives:
        skip_or_fail(f"no cc2olx source in {CC2OLX_SOURCE}")
    archive = archives[-1]
    folder = CC2OLX_CACHE / f"{archive.name.removesuffix('.tar.gz')}-pinned"
    command = folder / "venv" / "bin" / "cc2olx"
    if command.exists():
        return command
    python = python312()
    if python is None:
        skip_or_fail("cc2olx needs Python 3.12, and none was found (set COURSEPACK_PYTHON312)")
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "src").mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "src", filter="data")
    (source,) = [p for p in (folder / "src").iterdir() if p.is_dir()]
    steps = [[python, "-m", "venv", str(folder / "venv")],
             # cc2olx's own pins (its requirements/base.txt), not whatever the registry has today
             [str(folder / "venv" / "bin" / "pip"), "install", "--quiet",
              "--constraint", str(source / "requirements" / "base.txt"), str(source)]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            skip_or_fail(f"installing cc2olx failed: {' '.join(step)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return command


def convert(cc2olx: Path, path: Path, out: Path) -> tuple[etree._Element, set[str], str]:
    """Run cc2olx on ``path``; the course tree, the static file names and the log."""
    done = subprocess.run([str(cc2olx), "-i", str(path), "-r", "folder", "-o", str(out / "olx")],
                          capture_output=True, text=True, timeout=600, cwd=out)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    (result,) = (out / "olx").glob("*.tar.gz")      # the OLX course archive Open edX imports
    with tarfile.open(result) as tar:
        names = tar.getnames()
        course_xml = tar.extractfile("course.xml").read()
    return etree.fromstring(course_xml), {n[len("static/"):] for n in names if n.startswith("static/")}, \
        done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("course_dir", buildable_courses())
def test_cc2olx_converts_the_cartridge(cc2olx, tmp_path, course_dir):
    course = load(course_dir).course
    source = with_options(course_dir, tmp_path / "c", {"cc": {"file_links": "filebase"}})
    path = cartridge(source, tmp_path / "out")
    root, static, log = convert(cc2olx, path, tmp_path)
    assert "Traceback" not in log and "ERROR" not in log, log[-4000:]

    chapters = root.findall("chapter")
    titles = [c.get("display_name") for c in chapters]
    expected = [m.title for m in course.modules] + ([exporter_labels(discover_exporters()["cc"], course)["glossary"]] if course.glossary else [])
    assert titles == expected
    for module, chapter in zip(course.modules, chapters):
        blocks = chapter.findall("sequential/vertical/*")
        pages = [b for b in blocks if b.tag == "html"]
        assert [b.get("display_name") for b in pages] == [module.title] + [lesson.title for lesson in module.lessons]
        for lesson, block in zip(module.lessons, pages[1:]):
            text = block.text or ""
            assert f"<h1>{html.escape(lesson.title, quote=False)}</h1>" in text
            for asset in lesson.assets:
                if asset.media_type.startswith("image/"):
                    name = package_path(asset.path)
                    assert f'="/static/{name}"' in text, (lesson.id, name)      # an img src or a link
                    assert name in static
        problems = [b for b in blocks if b.tag == "problem"]
        questions = [q for q in (module.quiz.questions if module.quiz else ()) if q.kind in OLX_RESPONSE]
        assert [p[0].tag for p in problems] == [OLX_RESPONSE[q.kind] for q in questions]
        for problem, question in zip(problems, questions):
            response = problem[0]
            if question.image is not None:
                name = package_path(question.image.path)
                assert f'src="/static/{name}"' in etree.tostring(problem, encoding="unicode")
                assert name in static
            if question.kind == "single":
                marks = [c.get("correct") for c in response.iter("choice")]
                assert marks == ["true" if c.correct else "false" for c in question.choices]
            elif question.kind == "multiple":
                marks = [c.get("correct") for c in response.iter("choice")]
                assert marks == ["true" if c.correct else "false" for c in question.choices]
            elif question.kind == "truefalse":
                marks = [c.get("correct") for c in response.iter("choice")]
                assert marks == (["true", "false"] if question.answer else ["false", "true"])
            elif question.kind == "shortanswer":
                accepted = [a.text.strip() for a in question.text_answers if a.weight >= 100]
                assert response.get("answer") == accepted[0]
                assert [a.get("answer") for a in response.iter("additional_answer")] == accepted[1:]
        essays = [q for q in (module.quiz.questions if module.quiz else ()) if q.kind == "essay"]
        assert len([b for b in blocks if b.tag == "openassessment"]) == len(essays)


@pytest.mark.slow
def test_cc2olx_with_relative_links_keeps_them_relative(cc2olx, tmp_path):
    """The default (relative links, the standard's way) reaches Moodle's importer; cc2olx leaves
    such links as they are, which README states: this test notices if that changes."""
    course = load(SAMPLE).course
    path = cartridge(SAMPLE, tmp_path / "out")
    root, static, _ = convert(cc2olx, path, tmp_path)
    lesson = next(lesson for lesson in course.lessons if lesson.assets)
    block = next(b for b in root.iter("html") if b.get("display_name") == lesson.title)
    assert f'src="../web_resources/{package_path(lesson.assets[0].path)}"' in block.text
