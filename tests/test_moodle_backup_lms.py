"""The course backup in a real Moodle 4.5 (marker ``moodle``; see tests/moodle_site.py).

Every course (the sample, its Book variant, every fixture that builds) is restored as a new
course with Moodle's own restore code (tests/moodle/restore_backup.php: precheck, then the plan),
and what Moodle stored is compared with the source: sections and their modules in order, page
contents with every image stored, quizzes (slots, question types, marks, pass grade, every
question's correct response graded right by the question engine), glossary entries, activity
and course completion, the question categories; no notice, no precheck warning. Restoring twice
gives two courses; ``admin/cli/restore_backup.php`` restores it too; in Chromium a student reads
a page (its images load) and passes a quiz in Moodle's own UI.

Expected values come from the course sources, never from Moodle itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest

from coursepack.exporters.moodle.text import plain_text
from coursepack.exporters.scorm import Scorm12Exporter
from coursepack.load import load_course
from coursepack.registry import discover_exporters
from coursepack.run import run_exporter
from cli_helpers import coursepack, with_options
from lms.harness import is_ci
from moodle_site import unavailable

pytestmark = pytest.mark.moodle
if unavailable() and not is_ci():
    pytest.skip(unavailable(), allow_module_level=True)

REPO = Path(__file__).resolve().parents[1]
COURSES = REPO / "tests" / "fixtures" / "courses"
SAMPLE = REPO / "course"
MINI = COURSES / "mini"
REFUSED = {"moodle-bad"}
QTYPE = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "shortanswer": "shortanswer",
         "numerical": "numerical", "matching": "match", "essay": "essay"}


def build(course_dir: Path, out: Path) -> Path:
    coursepack("build", "moodle-backup", "--course", str(course_dir), "--out", str(out))
    (path,) = out.glob("*-moodle-backup.mbz")
    return path


def load(course_dir: Path):
    loaded, problems = load_course(course_dir, discover_exporters())
    assert loaded is not None, problems
    return loaded.course


def restore(site, mbz: Path) -> dict:
    got = site.php("restore_backup", file=mbz)
    assert got["restored"] is True, got["precheck"]
    assert got["precheck"] == [], got["precheck"]          # no error, no warning
    return got


def assert_restored_as_the_source(got: dict, course, lessons_as: str = "page") -> None:
    assert got["course"]["fullname"].startswith(course.title)
    assert re.fullmatch(re.escape(course.id) + r"(_\d+)?", got["course"]["shortname"])
    assert got["course"]["lang"] in ("", course.language)        # "" when the language pack is not installed
    assert (got["course"]["format"], got["course"]["enablecompletion"]) == ("topics", 1)
    sections = got["sections"]
    assert [s["name"] for s in sections] == [""] + [m.title for m in course.modules]
    assert [m["type"] for m in sections[0]["modules"]] == (["glossary"] if course.glossary else [])
    cmids_tracked = []
    for section, module in zip(sections[1:], course.modules):
        for outcome in module.outcomes:
            assert outcome.text in section["summary"]
        modules = section["modules"]
        if lessons_as == "book" and module.lessons:
            book, modules = modules[0], modules[1:]
            assert (book["type"], book["name"]) == ("book", module.title)
            assert [c["title"] for c in book["chapters"]] == [lesson.title for lesson in module.lessons]
            for chapter, lesson in zip(book["chapters"], module.lessons):
                assert_files(chapter["content"], chapter["files"], lesson)
            if "lessons" in course.completion.require:
                cmids_tracked.append(book["cmid"])
        else:
            pages, modules = modules[:len(module.lessons)], modules[len(module.lessons):]
            assert [(p["type"], p["name"]) for p in pages] == [("page", lesson.title) for lesson in module.lessons]
            for page, lesson in zip(pages, module.lessons):
                assert (page["completion"], page["completionview"]) == \
                    ((2, 1) if "lessons" in course.completion.require else (0, 0))
                assert_files(page["content"], page["files"], lesson)
                if "lessons" in course.completion.require:
                    cmids_tracked.append(page["cmid"])
        if module.quiz and module.quiz.questions:
            (quiz,) = modules
            assert (quiz["type"], quiz["name"]) == ("quiz", module.quiz.title)
            questions = module.quiz.questions
            points = sum(q.points for q in questions)
            assert quiz["grade"] == quiz["sumgrades"] == quiz["grademax"] == points
            assert quiz["gradepass"] == pytest.approx(points * course.completion.mastery_score / 100)
            assert quiz["shufflequestions"] == (1 if module.quiz.shuffle else 0)
            assert (quiz["completion"], quiz["completionpassgrade"], quiz["completiongradeitemnumber"],
                    quiz["completionminattempts"]) == quiz_completion(course)
            slots = quiz["slots"]
            assert [s["idnumber"] for s in slots] == [q.id for q in questions]
            assert [s["qtype"] for s in slots] == [QTYPE[q.kind] for q in questions]
            assert [s["maxmark"] for s in slots] == [q.points for q in questions]
            assert {s["category"] for s in slots} == {" ".join(module.title.split())}
            for slot, q in zip(slots, questions):
                if q.kind == "essay":
                    assert slot["graded"]["state"] == "needsgrading", slot      # a teacher grades essays
                else:
                    assert slot["graded"]["state"] == "gradedright" and slot["graded"]["fraction"] > 0.99999, slot
            if "quiz" in course.completion.require:
                cmids_tracked.append(quiz["cmid"])
        else:
            assert modules == []
    assert sorted(c["cmid"] for c in got["criteria"]) == sorted(cmids_tracked)
    if course.glossary:
        entries = sections[0]["modules"][0]["entries"]
        assert [e["concept"] for e in entries] == [g.term for g in course.glossary]
        assert all(e["approved"] == 1 and e["definition"] for e in entries)
    want = {}
    for module in course.modules:
        if module.quiz and module.quiz.questions:
            counts = want.setdefault(" ".join(module.title.split()), {})
            for q in module.quiz.questions:
                counts[QTYPE[q.kind]] = counts.get(QTYPE[q.kind], 0) + 1
    assert got["categories"] == want
    # every course file a question uses is stored (once per text field that shows it)
    stored = {f["filesize"] for f in got["question_files"]}
    assert stored == {a.size for q in course.questions for a in q.assets}
    assert len(got["question_files"]) >= len({(q.id, a.path) for q in course.questions for a in q.assets})


def quiz_completion(course) -> tuple:
    """(completion, completionpassgrade, completiongradeitemnumber, completionminattempts) a quiz
    gets from completion.require and the mastery score."""
    if "quiz" not in course.completion.require:
        return (0, 0, None, 0)
    if course.completion.mastery_score > 0:
        return (2, 1, "0", 0)                 # on a passing grade
    return (2, 0, None, 1)                    # on one submitted attempt


def assert_files(content: str, files: dict, lesson) -> None:
    """Every course file the lesson shows is stored in the activity and named by its text."""
    files = files or {}                     # PHP's empty array comes as []
    assert "assets/" not in content
    named = set(re.findall(r'@@PLUGINFILE@@/([^"?#]+)', content))
    assert named == {path.lstrip("/") for path in files}
    sizes = sorted(f["size"] for f in files.values())
    assert sizes == sorted(a.size for a in lesson.assets if not a.path.endswith(".md"))


def course_cases():
    cases = [pytest.param(SAMPLE, "page", id="sample"), pytest.param(SAMPLE, "book", id="sample-book")]
    cases += [pytest.param(f, "page", id=f.name) for f in sorted(COURSES.iterdir()) if f.is_dir() and f.name not in REFUSED]
    return cases


@pytest.mark.parametrize("course_dir,lessons_as", course_cases())
def test_backup_restores_as_the_source_in_moodle(moodle_site, tmp_path, course_dir, lessons_as):
    source = course_dir if lessons_as == "page" else with_options(course_dir, tmp_path / "c",
                                                                 {"moodle-backup": {"lessons": lessons_as}})
    got = restore(moodle_site, build(source, tmp_path / "out"))
    assert_restored_as_the_source(got, load(source), lessons_as)


# --- the SCORM activity (scorm: course | module) ----------------------------------------------

def build_scorm12(course_dir: Path, out: Path) -> Path:
    coursepack("build", "scorm12", "--course", str(course_dir), "--out", str(out))
    (path,) = out.glob("*-scorm12.zip")
    return path


def without_scorm(got: dict) -> tuple[dict, list[tuple[int, dict]]]:
    """The restored course without its SCORM activities, and those activities by section number."""
    scorms = [(s["number"], m) for s in got["sections"] for m in s["modules"] if m["type"] == "scorm"]
    sections = [{**s, "modules": [m for m in s["modules"] if m["type"] != "scorm"]} for s in got["sections"]]
    return {**got, "sections": sections}, scorms


def assert_scorm_as_built(scorm: dict, title: str, zip_path: Path, course, modules, sco_mode: str) -> None:
    """One restored SCORM activity: the package ``zip_path`` as the scorm12 exporter built it, its
    SCOs as the source has them, graded and tracked as completion.require says."""
    data = zip_path.read_bytes()
    assert scorm["name"] == title
    assert scorm["package"] == {scorm["scorm"]["reference"]: hashlib.sha1(data).hexdigest()}
    assert scorm["scorm"]["sha1hash"] == hashlib.sha1(data).hexdigest()
    with zipfile.ZipFile(zip_path) as archive:
        assert scorm["content"] == {n: hashlib.sha1(archive.read(n)).hexdigest() for n in archive.namelist()}
    if sco_mode == "module":
        items = [(f"ITEM-{m.id}", m.title, f"{m.id}.html", m) for m in modules]
    else:
        items = [(f"ITEM-{course.id}", course.title, "index.html", None)]
    assert [(s["identifier"], s["title"], s["scormtype"], s["launch"]) for s in scorm["scoes"]] == \
        [(f"ORG-{course.id}", course.title, "", "")] + [(i, t, "sco", href) for i, t, href, _ in items]
    for sco, (_, _, _, module) in zip(scorm["scoes"][1:], items):
        assert sco["parent"] == sco["organization"] == f"ORG-{course.id}"
        graded = any(m.quiz and m.quiz.questions for m in ([module] if module else modules))
        assert sco["data"].get("masteryscore") == (f"{course.completion.mastery_score:g}" if graded else None)
        assert sco["data"]["isvisible"] == "true"
    assert scorm["scorm"]["launch"] == items[0][0]
    assert (scorm["scorm"]["version"], scorm["scorm"]["maxgrade"], scorm["grademax"]) == ("SCORM_1.2", 100, 100)
    graded = any(m.quiz and m.quiz.questions for m in modules)
    assert scorm["gradepass"] == (course.completion.mastery_score if graded else 0)
    assert (scorm["weightoverride"], scorm["aggregationcoef2"]) == (1, 0)      # the quizzes make the total
    require = course.completion.require
    passing = "quiz" in require and course.completion.mastery_score > 0 and graded
    assert scorm["completion"] == (2 if require else 0)
    assert scorm["scorm"]["completionstatusrequired"] == ((2 if passing else 6) if require else None)


@pytest.mark.parametrize("sco_mode", ["course", "module"])
def test_backup_with_the_course_scorm_package_restores(moodle_site, tmp_path, sco_mode):
    source = with_options(MINI, tmp_path / "c", {"moodle-backup": {"scorm": "course"}, "scorm12": {"sco": sco_mode}})
    course = load(source)
    got = restore(moodle_site, build(source, tmp_path / "out"))
    rest, scorms = without_scorm(got)
    assert_restored_as_the_source(rest, course)
    (number, scorm), = scorms
    assert number == 0
    assert [m["type"] for m in got["sections"][0]["modules"]] == (["glossary"] if course.glossary else []) + ["scorm"]
    zip_path = build_scorm12(source, tmp_path / "scorm")
    assert_scorm_as_built(scorm, course.title, zip_path, course, course.modules, sco_mode)
    assert scorm["cmid"] not in {c["cmid"] for c in got["criteria"]}


def test_backup_with_a_scorm_package_per_module_restores(moodle_site, tmp_path):
    source = with_options(MINI, tmp_path / "c", {"moodle-backup": {"scorm": "module"}, "scorm12": {"sco": "module"}})
    course = load(source)
    got = restore(moodle_site, build(source, tmp_path / "out"))
    rest, scorms = without_scorm(got)
    assert_restored_as_the_source(rest, course)
    assert [(n, m["name"]) for n, m in scorms] == [(m.number, m.title) for m in course.modules]
    for section in got["sections"][1:]:
        assert section["modules"][-1]["type"] == "scorm"        # after the module's lessons and quiz
    for (_, scorm), module in zip(scorms, course.modules):
        # the package the scorm12 exporter makes of the course reduced to this module
        loaded, problems = load_course(source, discover_exporters())
        assert loaded is not None, problems
        reduced = dataclasses.replace(loaded, course=dataclasses.replace(loaded.course, modules=(module,)))
        (zip_path,) = run_exporter(Scorm12Exporter, reduced, tmp_path / f"scorm-{module.id}", lambda m: None).paths
        assert_scorm_as_built(scorm, module.title, zip_path, course, (module,), "module")


def test_refused_fixture_builds_no_backup(tmp_path):
    for name in REFUSED:
        out = tmp_path / name
        done = subprocess.run([str(Path(__import__("sys").executable).with_name("coursepack")), "build",
                               "moodle-backup", "--course", str(COURSES / name), "--out", str(out)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "quiz.yaml:" in done.stdout + done.stderr
        assert not list(out.glob("*.mbz"))


def test_restoring_twice_gives_two_courses(moodle_site, tmp_path):
    mbz = build(MINI, tmp_path / "out")
    first, second = restore(moodle_site, mbz), restore(moodle_site, mbz)
    assert first["course"]["id"] != second["course"]["id"]
    assert first["course"]["shortname"] != second["course"]["shortname"]
    first_cms = {m["cmid"] for s in first["sections"] for m in s["modules"]}
    second_cms = {m["cmid"] for s in second["sections"] for m in s["modules"]}
    assert first_cms and not first_cms & second_cms
    course = load(MINI)
    assert_restored_as_the_source(second, course)


def test_links_between_lessons_point_at_the_restored_pages(moodle_site, tmp_path):
    source = tmp_path / "c"
    import shutil
    shutil.copytree(MINI, source)
    course = load(source)
    first, second = course.modules[0].lessons[:2]
    lesson_file = source / first.source
    target = second.source.rsplit("/", 1)[-1]
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + f"\nLanjut ke [pelajaran berikut]({target}).\n",
                           encoding="utf-8")
    got = restore(moodle_site, build(source, tmp_path / "out"))
    pages = {m["name"]: m for s in got["sections"] for m in s["modules"] if m["type"] == "page"}
    link = f'{got["wwwroot"]}/mod/page/view.php?id={pages[second.title]["cmid"]}'
    assert f'href="{link}"' in pages[first.title]["content"]


def test_moodles_cli_restores_the_backup(moodle_site, tmp_path):
    mbz = build(MINI, tmp_path / "out")
    done = subprocess.run([*moodle_site.php_command, str(moodle_site.dir / "admin" / "cli" / "restore_backup.php"),
                           f"--file={mbz}", "--categoryid=1"], capture_output=True, text=True, timeout=300,
                          cwd=moodle_site.dir, env={**__import__("os").environ, **moodle_site.env})
    assert done.returncode == 0, done.stdout + done.stderr
    restored = re.search(r"== Restored course ID: (\d+) ==", done.stdout)
    assert restored, done.stdout
    printed = done.stdout + done.stderr
    assert not re.search(r"warning|notice|deprecated|debugging", printed, re.I), printed


# --- a student in Moodle's own UI ------------------------------------------------------------

def answer_in_moodle(page, q) -> None:
    """Give ``q``'s correct answer on the quiz page that shows it."""
    if q.kind == "single":
        choice = next(c for c in q.choices if c.correct)
        page.get_by_label(re.compile(re.escape(choice.text.strip()))).check()
    elif q.kind == "multiple":
        for c in q.choices:
            if c.weight > 0:
                page.get_by_label(re.compile(re.escape(c.text.strip()))).check()
    elif q.kind == "truefalse":
        page.get_by_label("True" if q.answer else "False", exact=True).check()
    elif q.kind == "shortanswer":
        page.locator("input[type=text][name$='_answer']").fill(q.text_answers[0].text.strip())
    else:
        raise AssertionError(f"the browser test does not answer {q.kind} questions")


def log_in(page, wwwroot: str, username: str, password: str) -> None:
    page.goto(wwwroot + "/login/index.php")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#loginbtn")
    page.wait_for_url(lambda url: "/login/" not in url, timeout=180_000)   # the first one fills Moodle's caches


def test_student_reads_a_page_and_passes_a_quiz_in_moodle(moodle_site, chromium, tmp_path):
    course = load(MINI)
    got = restore(moodle_site, build(MINI, tmp_path / "out"))
    username, password = f"siswa-{uuid.uuid4().hex[:8]}", "Siswa#12345"
    moodle_site.php("enrol_student", course=got["course"]["id"], username=username, password=password)
    wwwroot = moodle_site.serve()
    shots = moodle_site.folder / "logs"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        log_in(page, wwwroot, username, password)
        lesson = next(lesson for lesson in course.lessons if any(a.media_type.startswith("image/") for a in lesson.assets))
        pages = {m["name"]: m for s in got["sections"] for m in s["modules"] if m["type"] == "page"}
        page.goto(f"{wwwroot}/mod/page/view.php?id={pages[lesson.title]['cmid']}")
        images = page.locator("#region-main img[src*='pluginfile.php']")
        images.first.wait_for()
        assert images.count() >= 1
        assert page.evaluate("() => Array.from(document.querySelectorAll(\"#region-main img[src*='pluginfile.php']\"))"
                             ".every(img => img.complete && img.naturalWidth > 0)")
        page.screenshot(path=str(shots / "backup-page.png"), full_page=True)

        module = course.modules[0]
        quiz = next(m for s in got["sections"] for m in s["modules"] if m["type"] == "quiz")
        page.goto(f"{wwwroot}/mod/quiz/view.php?id={quiz['cmid']}")
        page.get_by_role("button", name=re.compile("Attempt quiz")).click()
        for n in range(len(module.quiz.questions)):
            shown = " ".join(page.locator(".que .qtext").first.inner_text().split())
            q = next(q for q in module.quiz.questions if plain_text(q.stem_html) == shown)
            answer_in_moodle(page, q)
            if n == 0:
                page.screenshot(path=str(shots / "backup-quiz.png"), full_page=True)
            page.locator("#mod_quiz-next-nav").click()
        page.wait_for_url(re.compile(r".*/mod/quiz/summary\.php.*"))
        page.screenshot(path=str(shots / "backup-quiz-summary.png"), full_page=True)
        page.get_by_role("button", name="Submit all and finish").click()
        page.locator(".modal-dialog").get_by_role("button", name="Submit all and finish").click()
        # The test Moodle's mod/quiz/review.php (in ../shared/moodle's tarball) logs the user out and
        # sends them to the login page, unlike Moodle 4.5.6's: the result is read from the database.
        page.wait_for_url(re.compile(r".*/login/index\.php.*|.*/mod/quiz/review\.php.*"))
        points = sum(q.points for q in module.quiz.questions)
        stored = moodle_site.php("quiz_grades", cmid=quiz["cmid"], username=username)
        assert stored["attempts"] == [{"state": "finished", "sumgrades": points}], stored
        assert stored["grade"] == points and stored["completionstate"] == 2, stored     # COMPLETION_COMPLETE_PASS
        assert not [e for e in errors if "/theme/" not in e], errors
    except BaseException:
        page.screenshot(path=str(shots / "backup-failed.png"), full_page=True)
        raise
    finally:
        context.close()


def test_student_opens_the_restored_scorm_package_in_moodle(moodle_site, chromium, tmp_path):
    source = with_options(MINI, tmp_path / "c", {"moodle-backup": {"scorm": "course"}})
    course = load(source)
    got = restore(moodle_site, build(source, tmp_path / "out"))
    (_, scorm), = without_scorm(got)[1]
    username, password = f"siswa-{uuid.uuid4().hex[:8]}", "Siswa#12345"
    moodle_site.php("enrol_student", course=got["course"]["id"], username=username, password=password)
    wwwroot = moodle_site.serve()
    shots = moodle_site.folder / "logs"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        log_in(page, wwwroot, username, password)
        page.goto(f"{wwwroot}/mod/scorm/view.php?id={scorm['cmid']}")
        page.get_by_role("button", name="Enter").click()
        page.wait_for_url(re.compile(r".*/mod/scorm/player\.php.*"))
        frame = None
        for _ in range(600):
            frame = page.frame(name="scorm_object")
            if frame is not None and "/mod_scorm/content/" in frame.url:
                break
            page.wait_for_timeout(100)
        assert frame is not None and "/mod_scorm/content/" in frame.url, frame and frame.url
        shown = frame.locator("section.page:not([hidden])").first
        shown.wait_for()
        assert course.title in frame.locator("body").inner_text()      # the package's start page
        page.screenshot(path=str(shots / "backup-scorm.png"), full_page=True)
        assert not [e for e in errors if "/theme/" not in e], errors
    except BaseException:
        page.screenshot(path=str(shots / "backup-scorm-failed.png"), full_page=True)
        raise
    finally:
        context.close()
