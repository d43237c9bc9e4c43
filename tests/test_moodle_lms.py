"""The outputs in a real Moodle 4.5 (marker ``moodle``; see tests/moodle_site.py).

* question bank: every Moodle XML the project builds is imported with ``qformat_xml`` as the
  question bank's Import page does; counts per category and type, every question answered
  with its correct response through the question engine, images stored, nothing printed;
* SCORM: every package (both editions, both ``sco`` modes) passes ``scorm_validate_package()``
  and is added as an activity; version, launchable SCOs and objectives as the manifest says;
* Moodle's own player in Chromium: a student reads, answers, leaves; what Moodle stored is
  checked; leaving in the middle with a multi-line essay and coming back restores everything.

Expected values come from the course sources and the built files (the manifests, the XML),
never from Moodle itself.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from lms.harness import is_ci
from moodle_site import unavailable
from test_scorm_runtime import (MINI_EXPECTED, MINI_OUTCOMES, answer, big_number_course, current_page, press, study,
                                visible)
from cli_helpers import coursepack, with_options
from courses import FIXTURES, MINI, SAMPLE, load

pytestmark = pytest.mark.moodle
if unavailable() and not is_ci():
    pytest.skip(unavailable(), allow_module_level=True)     # one line in the summary

EDITIONS = ("scorm12", "scorm2004")
# Fixtures whose bank the build refuses (their tests are in test_moodle.py); every other fixture
# course builds a bank and is imported below.
REFUSED_BANKS = {"moodle-bad"}
QTYPE = {"multichoice": "multichoice", "truefalse": "truefalse", "shortanswer": "shortanswer",
         "numerical": "numerical", "matching": "match", "essay": "essay"}
ESSAY_LINES = "Rencana saya dimulai dari masalah pelanggan.\n\nLangkah kedua: memilih model.\nLangkah ketiga: uji."


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def build(kind: str, course_dir: Path, out: Path) -> list[Path]:
    coursepack("build", kind, "--course", str(course_dir), "--out", str(out))
    suffix = ".xml" if kind == "moodle" else ".zip"
    return sorted(p for p in out.iterdir() if p.suffix == suffix)


# --- the question bank -------------------------------------------------------------------

def expected_bank(xml: Path) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Question counts per category and Moodle qtype, and the embedded file names, from the XML."""
    counts: dict[str, collections.Counter] = {}
    category = None
    files = []
    root = etree.parse(str(xml)).getroot()
    for question in root.iter("question"):
        kind = question.get("type")
        if kind == "category":
            category = question.findtext("category/text")
            continue
        counts.setdefault(category, collections.Counter())[QTYPE[kind]] += 1
        files += [f.get("name") for f in question.iter("file")]
    return {name: dict(c) for name, c in counts.items()}, sorted(files)


def import_report(output: str) -> list[str]:
    """What the import printed, less the numbered list of imported questions."""
    rest = re.sub(r"<hr /><p><b>\d+</b>\. .*?</p>", "", output, flags=re.S)
    return [line for line in rest.splitlines() if line.strip()]


def bank_cases():
    cases = [pytest.param(SAMPLE, False, id="sample"), pytest.param(SAMPLE, True, id="sample-split")]
    for folder in sorted(FIXTURES.iterdir()):
        if folder.is_dir() and folder.name not in REFUSED_BANKS:
            cases.append(pytest.param(folder, False, id=folder.name))
    return cases


@pytest.mark.parametrize("course_dir,split", bank_cases())
def test_question_bank_imports_and_grades_in_moodle(moodle_site, tmp_path, course_dir, split):
    source = with_options(course_dir, tmp_path / "c", {"moodle": {"split": True}}) if split else course_dir
    banks = build("moodle", source, tmp_path / "out")
    course = load(source).course
    with_quiz = [m for m in course.modules if m.quiz]
    assert len(banks) == (len(with_quiz) if split else 1)
    imported = 0
    for bank in banks:
        categories, files = expected_bank(bank)
        got = moodle_site.php("import_questions", file=bank, shortname=unique("bank"))
        assert got["ok"] is True, got["output"]
        total = sum(sum(c.values()) for c in categories.values())
        assert import_report(got["output"]) == [
            "++ Parsing questions from import file. ++", f"++ Importing {total} questions from file ++"]
        assert got["categories"] == categories
        for q in got["questions"]:
            if q["qtype"] == "essay":
                assert q["state"] == "needsgrading", q           # a teacher grades essays
            else:
                assert q["state"] == "gradedright" and q["fraction"] > 0.99999, q
            assert q["rendered"] > 0, q
        assert len(got["questions"]) == total
        assert sorted(f["filename"] for f in got["files"]) == files
        assert all(f["filesize"] > 0 and f["mimetype"].startswith("image/") for f in got["files"])
        imported += total
    assert imported == len(course.questions)


def test_every_refused_bank_is_refused(tmp_path):
    """The fixtures left out above really build no bank (so none is skipped by mistake)."""
    for name in REFUSED_BANKS:
        exe = Path(sys.executable).with_name("coursepack")
        done = subprocess.run([str(exe), "build", "moodle", "--course", str(FIXTURES / name), "--out",
                               str(tmp_path / name)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stdout + done.stderr
        assert not list((tmp_path / name).glob("*.xml"))


# --- SCORM packages: validation, activity, manifest ------------------------------------------

def manifest_expectations(package: Path) -> dict:
    """Version, launchable SCOs and objectives, read from the package's own manifest."""
    with zipfile.ZipFile(package) as archive:
        root = etree.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": root.nsmap[None]}
    version = root.findtext("cp:metadata/cp:schemaversion", namespaces=ns)
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    scos = {}
    for item in root.iter(f"{{{ns['cp']}}}item"):
        resource = resources.get(item.get("identifierref"))
        if resource is None:
            continue
        kind = resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") or \
            resource.get("{http://www.adlnet.org/xsd/adlcp_v1p3}scormType")
        if kind != "sco":
            continue
        objectives = []
        for element in item.iterfind(".//{http://www.imsglobal.org/xsd/imsss}objectives/*"):
            primary = element.tag.endswith("primaryObjective")
            measure = element.findtext("{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
            objectives.append((element.get("objectiveID"), primary,
                               float(measure) if primary and measure else None))
        mastery = item.findtext("{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
        scos[item.get("identifier")] = {"launch": resource.get("href"), "objectives": objectives,
                                        "masteryscore": mastery}
    return {"version": {"1.2": "SCORM_1.2", "2004 4th Edition": "SCORM_1.3"}[version], "scos": scos}


@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("course_dir", [SAMPLE, MINI], ids=["sample", "mini"])
def test_scorm_package_is_accepted_by_moodle(moodle_site, tmp_path, course_dir, edition, mode):
    source = with_options(course_dir, tmp_path / "c", {edition: {"sco": mode}})
    [package] = build(edition, source, tmp_path / "out")
    expected = manifest_expectations(package)
    got = moodle_site.php("add_scorm", file=package, shortname=unique("scorm"), student="-", password="-")
    assert got["errors"] == []
    assert got["version"] == expected["version"]
    launchable = {s["identifier"]: s for s in got["scoes"] if s["scormtype"] == "sco"}
    assert set(launchable) == set(expected["scos"])
    course = load(source).course
    assert len(launchable) == (1 if mode == "course" else len(course.modules))
    for identifier, sco in launchable.items():
        want = expected["scos"][identifier]
        assert sco["launch"] == want["launch"]
        recorded = [(o["id"], o["primary"], o["minnormalizedmeasure"] if o["primary"] else None)
                    for o in sco["objectives"]]
        assert recorded == want["objectives"]
        if edition == "scorm12":
            assert sco["data"].get("masteryscore") == want["masteryscore"]
        else:
            assert sco["objectives"] and all(o["satisfiedbymeasure"] for o in sco["objectives"] if o["primary"])
    assert got["launch"] in {s["id"] for s in launchable.values()}


# --- Moodle's own player -----------------------------------------------------------------

STATUS = {"scorm12": "cmi.core.lesson_status", "scorm2004": "cmi.completion_status"}
RESPONSE = {"scorm12": "student_response", "scorm2004": "learner_response"}


class Player:
    """A student in Chromium, in Moodle's SCORM player (mod/scorm/player.php)."""

    def __init__(self, site, chromium, activity: dict, username: str, password: str, org: str):
        self.site, self.activity, self.org = site, activity, org
        self.wwwroot = site.serve()
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(60_000)      # php -S on a busy 2-core machine
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.bad_responses: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("response", lambda r: self.bad_responses.append(f"{r.status} {r.url}")
                     if r.status >= 400 and "/mod_scorm/content/" in r.url else None)
        self.page.goto(self.wwwroot + "/login/index.php")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#loginbtn")
        self.page.wait_for_url(re.compile(r".*/my/.*"), timeout=180_000)   # the first one fills Moodle's caches

    @property
    def sco(self):
        return self.page.frame(name="scorm_object")

    def launch(self, n: int = 0) -> None:
        """Open the activity's ``n``-th SCO in the player (as its entry in the structure does)."""
        sco = [s for s in self.activity["scoes"] if s["scormtype"] == "sco"][n]
        self.sco_identifier = sco["identifier"]
        self.page.goto(f"{self.wwwroot}/mod/scorm/player.php?a={self.activity['scorm']}&scoid={sco['id']}"
                       f"&mode=normal&currentorg={self.org}&newattempt=off")
        deadline = time.monotonic() + 60
        while self.sco is None or self.sco.url == "about:blank" or "mod_scorm/content" not in self.sco.url:
            assert time.monotonic() < deadline, "the SCO frame did not load"
            self.page.wait_for_timeout(100)
        self.sco.wait_for_selector("section.page:not([hidden])")

    def leave(self) -> None:
        """Leave as a learner does: Moodle's "Exit activity" button (the page unloads)."""
        self.page.click("text=Exit activity")
        self.page.wait_for_url(re.compile(r".*/course/view\.php.*|.*/mod/scorm/view\.php.*"))

    def stored(self, until, timeout: float = 60) -> dict[str, str]:
        """What Moodle stored for this learner in the SCO last launched, once ``until(values)`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            tracks = self.site.php("scorm_tracks", scorm=self.activity["scorm"], user=self.activity["student"])
            values = {}
            for attempt in tracks["attempts"]:
                assert attempt["attempt"] == 1, tracks      # resuming never starts a new attempt
                # Moodle keeps SCORM 1.2 names with "_N" (cmi.interactions_0.objectives_0.id)
                values.update({re.sub(r"(interactions|objectives|correct_responses)_(\d+)", r"\1.\2", k): v
                               for k, v in attempt["scoes"].get(self.sco_identifier, {}).items()})
            if until(values):
                return values
            assert time.monotonic() < deadline, f"Moodle did not store the expected data: {values}"
            time.sleep(0.3)

    def problems(self) -> list[str]:
        runtime = [m for m in self.console if "coursepack" in m or "SCORM " in m or m.startswith("pageerror")]
        return runtime + self.bad_responses

    def close(self) -> None:
        self.context.close()


def interactions(values: dict[str, str]) -> dict[str, dict[str, str]]:
    """The stored interactions by question id; fails if one was reported twice."""
    found: dict[str, dict[str, str]] = {}
    ids = collections.Counter()
    for key, value in values.items():
        m = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", key)
        if m:
            found.setdefault(m.group(1), {})[m.group(2)] = value
    by_id = {}
    for n in sorted(found, key=int):
        ids[found[n]["id"]] += 1
        by_id[found[n]["id"]] = found[n]
    assert all(count == 1 for count in ids.values()), f"an interaction was reported twice: {ids}"
    return by_id


def objectives(values: dict[str, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        m = re.fullmatch(r"cmi\.objectives\.(\d+)\.(.+)", key)
        if m:
            found.setdefault(m.group(1), {})[m.group(2)] = value
    return {o["id"]: o for o in found.values()}


@pytest.fixture(scope="module")
def mini_packages(tmp_path_factory):
    """The mini course's packages: {edition: zip} (sco: course) and {(edition, "module"): zip}."""
    out = tmp_path_factory.mktemp("moodle-player")
    packages = {edition: build(edition, MINI, out / edition)[0] for edition in EDITIONS}
    for edition in EDITIONS:
        source = with_options(MINI, out / f"src-{edition}", {edition: {"sco": "module"}})
        packages[edition, "module"] = build(edition, source, out / f"{edition}-module")[0]
    course = load(MINI).course
    return packages, course


def enrol(moodle_site, package: Path) -> tuple[dict, str, str]:
    username, password = unique("siswa"), "Siswa#12345"
    activity = moodle_site.php("add_scorm", file=package, shortname=unique("player"), student=username,
                               password=password)
    assert activity["errors"] == [] and activity["student"]
    return activity, username, password


def org_of(package: Path) -> str:
    with zipfile.ZipFile(package) as archive:
        root = etree.fromstring(archive.read("imsmanifest.xml"))
    return root.find(f"{{{root.nsmap[None]}}}organizations").get("default")


def finished(edition: str):
    """The learner's results and the closing total time (Moodle adds session times on finish) are in."""
    status = "cmi.core.lesson_status" if edition == "scorm12" else "cmi.success_status"
    total = "cmi.core.total_time" if edition == "scorm12" else "cmi.total_time"
    return lambda v: v.get(status) in ("passed", "failed") and total in v


@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_learner_passes_in_moodles_player(moodle_site, chromium, mini_packages, edition, mode):
    packages, course = mini_packages
    package = packages[edition] if mode == "course" else packages[edition, "module"]
    activity, username, password = enrol(moodle_site, package)
    player = Player(moodle_site, chromium, activity, username, password, org_of(package))
    declared = {o[0] for sco in manifest_expectations(package)["scos"].values() for o in sco["objectives"]}
    # sco: course is one SCO with every module; sco: module one SCO per module, in order
    plans = [course.modules] if mode == "course" else [[m] for m in course.modules]
    for n, modules in enumerate(plans):
        player.launch(n)
        study(player, SimpleNamespace(modules=modules), correct=True)
        if edition == "scorm12" and mode == "course":
            player.page.screenshot(path=str(moodle_site.folder / "logs" / "player-scorm12.png"))
        player.leave()
        values = player.stored(finished(edition))
        assert player.problems() == []
        if edition == "scorm12":
            assert values["cmi.core.lesson_status"] == "passed"
            assert values["cmi.core.score.raw"] == "100"
        else:
            assert values["cmi.completion_status"] == "completed"
            assert values["cmi.success_status"] == "passed"
            assert values["cmi.score.raw"] == "100" and values["cmi.score.scaled"] == "1"
        questions = [q for m in modules for q in m.quiz.questions]
        recorded = interactions(values)
        assert list(recorded) == [q.id for q in questions]
        for q in questions:
            kind, pattern, response, weighting = MINI_EXPECTED[q.id][edition]
            got = recorded[q.id]
            assert got["type"] == kind, q.id
            assert got.get("correct_responses.0.pattern") == pattern, q.id
            assert got[RESPONSE[edition]] == response, q.id
            assert got["weighting"] == weighting, q.id
            assert got["result"] == ("neutral" if q.kind == "essay" else "correct"), q.id
        status = "status" if edition == "scorm12" else "success_status"
        outcomes = {o for o, ids in MINI_OUTCOMES.items() if ids & {q.id for q in questions}}
        objs = objectives(values)
        # 2004: Moodle lists the manifest's objectives too; the primary one carries no data of its own
        assert set(objs) - (declared - outcomes) == outcomes
        assert all(objs[o][status] == "passed" and objs[o]["score.raw"] == "100" for o in outcomes)
        assert values["cmi.suspend_data"]
    grade = moodle_site.php("scorm_tracks", scorm=activity["scorm"], user=activity["student"])["grade"]
    assert grade == 100
    player.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_learner_who_answers_wrongly_fails_in_moodle(moodle_site, chromium, mini_packages, edition):
    packages, course = mini_packages
    activity, username, password = enrol(moodle_site, packages[edition])
    player = Player(moodle_site, chromium, activity, username, password, org_of(packages[edition]))
    player.launch()
    study(player, SimpleNamespace(modules=course.modules), correct=False)
    player.leave()
    values = player.stored(finished(edition))
    assert player.problems() == []
    if edition == "scorm12":
        assert values["cmi.core.lesson_status"] == "failed"
    else:
        assert (values["cmi.completion_status"], values["cmi.success_status"]) == ("completed", "failed")
    raw = float(values["cmi.core.score.raw" if edition == "scorm12" else "cmi.score.raw"])
    assert raw < course.completion.mastery_score
    wrong = "wrong" if edition == "scorm12" else "incorrect"
    assert {qid: i["result"] for qid, i in interactions(values).items()} == \
        {q.id: "neutral" if q.kind == "essay" else wrong for q in course.questions}
    player.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_failed_quizzes_are_retried_in_moodles_player(moodle_site, chromium, mini_packages, edition):
    """Every quiz answered wrongly, then retried from the review and answered right: Moodle keeps
    the last attempt's score and both attempts' interactions."""
    packages, course = mini_packages
    activity, username, password = enrol(moodle_site, packages[edition])
    player = Player(moodle_site, chromium, activity, username, password, org_of(packages[edition]))
    player.launch()
    study(player, SimpleNamespace(modules=course.modules), correct=False)
    first = 0
    for module in course.modules:
        if player.sco.is_visible("#cp-toc-toggle"):          # a narrow player frame: the menu button
            player.sco.click("#cp-toc-toggle")
        player.sco.click(f".toc a[href='#page-{module.quiz.id}']")
        press(player, visible("[data-action=retry]"), "Enter")
        for k, q in enumerate(module.quiz.questions):
            answer(player, q, first + k, correct=True)
        first += len(module.quiz.questions)
        press(player, visible(".btn-submit"), "Enter")
        player.sco.wait_for_selector(visible("[data-role=summary]:not([hidden])"))
    player.leave()
    values = player.stored(lambda v: finished(edition)(v) and
                           v.get("cmi.core.score.raw" if edition == "scorm12" else "cmi.score.raw") == "100")
    assert player.problems() == []
    assert values[STATUS[edition]] == ("passed" if edition == "scorm12" else "completed")
    records = sorted((int(m.group(1)), value) for key, value in values.items()
                     if (m := re.fullmatch(r"cmi\.interactions\.(\d+)\.id", key)))
    assert [qid for _, qid in records] == [q.id for q in course.questions] * 2
    player.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_resume_with_multi_line_essay_in_moodles_player(moodle_site, chromium, mini_packages, edition):
    """Leave in the middle of the last quiz after typing a multi-line essay; come back."""
    packages, course = mini_packages
    activity, username, password = enrol(moodle_site, packages[edition])
    org = org_of(packages[edition])
    first, second = course.modules[0], course.modules[1]
    player = Player(moodle_site, chromium, activity, username, password, org)
    player.launch()
    study(player, SimpleNamespace(modules=[first]), correct=True)       # module 1, its quiz submitted
    for _lesson in second.lessons:
        press(player, visible(".pager-next"), "Enter")
    assert current_page(player) == f"page-{second.quiz.id}"
    offset = len(first.quiz.questions)
    essay = None
    for k, q in enumerate(second.quiz.questions):
        if q.kind == "essay":
            essay = offset + k
            player.sco.focus(f"#q{essay}-essay")
            player.page.keyboard.type(ESSAY_LINES)
        else:
            answer(player, q, offset + k, correct=True)
    assert essay is not None
    typed = {f"q{offset + k}": player.sco.evaluate(
        "(i) => Array.from(document.querySelectorAll(`#q${i} input, #q${i} select, #q${i} textarea`))"
        ".map((el) => el.type === 'radio' || el.type === 'checkbox' ? el.checked : el.value)", offset + k)
        for k in range(len(second.quiz.questions))}
    player.leave()
    exit_key = "cmi.core.exit" if edition == "scorm12" else "cmi.exit"
    last_line = ESSAY_LINES.splitlines()[-1]
    values = player.stored(lambda v: last_line in v.get("cmi.suspend_data", "") and v.get(exit_key) == "suspend")
    assert values[STATUS[edition]] == "incomplete"
    before = interactions(values)
    assert list(before) == [q.id for q in first.quiz.questions]
    assert player.problems() == []

    player.launch()                                                   # entry=resume
    assert current_page(player) == f"page-{second.quiz.id}"
    assert player.sco.input_value(f"#q{essay}-essay") == ESSAY_LINES
    restored = {f"q{offset + k}": player.sco.evaluate(
        "(i) => Array.from(document.querySelectorAll(`#q${i} input, #q${i} select, #q${i} textarea`))"
        ".map((el) => el.type === 'radio' || el.type === 'checkbox' ? el.checked : el.value)", offset + k)
        for k in range(len(second.quiz.questions))}
    assert restored == typed
    assert player.sco.is_visible(f"#page-{first.quiz.id} [data-role=summary]") is False   # other page
    assert player.sco.evaluate(f"() => !document.querySelector('#page-{first.quiz.id} [data-role=summary]').hidden")
    assert player.sco.eval_on_selector_all(".toc a.is-visited", "links => links.length") == \
        1 + sum(len(m.lessons) + 1 for m in course.modules)                # the start page too
    press(player, visible(".btn-submit"), "Enter")
    player.sco.wait_for_selector(visible("[data-role=summary]:not([hidden])"))
    player.leave()
    values = player.stored(finished(edition))
    assert player.problems() == []
    recorded = interactions(values)                                  # each question once
    assert list(recorded) == [q.id for q in course.questions]
    assert values[STATUS[edition]] == ("passed" if edition == "scorm12" else "completed")
    player.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_numeric_response_beyond_five_digits_is_kept_in_moodle(moodle_site, chromium, tmp_path, edition):
    """Moodle's 2004 runtime refuses a numeric response of 123456 (error 406): none is lost."""
    source = big_number_course(tmp_path / "big")
    [package] = build(edition, source, tmp_path / "out")
    course = load(source).course
    activity, username, password = enrol(moodle_site, package)
    player = Player(moodle_site, chromium, activity, username, password, org_of(package))
    player.launch()
    study(player, SimpleNamespace(modules=course.modules), correct=True)
    player.leave()
    values = player.stored(finished(edition))
    assert player.problems() == []
    got = interactions(values)["q-numerical"]
    assert got[RESPONSE[edition]] == "123456"
    assert got["result"] == "correct"
    assert got["correct_responses.0.pattern"] == ("123456" if edition == "scorm12" else "123446[:]123466")
    assert values["cmi.core.score.raw" if edition == "scorm12" else "cmi.score.raw"] == "100"
    player.close()
