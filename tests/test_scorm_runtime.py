"""The SCORM runtime in a real browser: built packages run in the fake LMS (scorm-again).

A scripted learner (keyboard for navigation, radios, checkboxes and text; select_option for
drop-downs) reads every lesson of each SCO and answers its quizzes; the tests then check what
the LMS recorded. Expected values for the mini fixture are written out by hand below.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from coursepack.exporters.scorm import ScormOptions, plan_scos
from coursepack.exporters.scorm.budget import suspend_worst_case
from courses import FIXTURES, MINI, SAMPLE, build, load
from lms.harness import INITIALIZE, TERMINATE, format_violations

EDITIONS = ("scorm12", "scorm2004")
ESSAY_TEXT = "Saya mulai dari masalah pelanggan, lalu memilih model yang sudah ada."

# Per question of the mini fixture: interaction type, correct-response pattern, the learner
# response of a correct answer, weighting — for SCORM 1.2 and SCORM 2004.
MINI_EXPECTED = {
    "q-single": {"scorm12": ("choice", "a", "a", "1"), "scorm2004": ("choice", "a", "a", "1")},
    "q-multiple": {"scorm12": ("choice", "a,b", "a,b", "2"), "scorm2004": ("choice", "a[,]b", "a[,]b", "2")},
    "q-truefalse": {"scorm12": ("true-false", "f", "f", "1"),
                    "scorm2004": ("true-false", "false", "false", "1")},
    "q-short": {"scorm12": ("fill-in", "LLM", "LLM", "1"),
                "scorm2004": ("fill-in", "{case_matters=false}LLM", "LLM", "1")},
    "q-numerical": {"scorm12": ("numeric", "1200", "1200", "1"),
                    "scorm2004": ("numeric", "1190[:]1210", "1200", "1")},
    "q-matching": {"scorm12": ("matching", "1.a,2.b,3.c", "1.a,2.b,3.c", "1"),
                   "scorm2004": ("matching", "1[.]a[,]2[.]b[,]3[.]c", "1[.]a[,]2[.]b[,]3[.]c", "1")},
    "q-essay": {"scorm12": ("fill-in", None, ESSAY_TEXT, "0"),
                "scorm2004": ("long-fill-in", None, ESSAY_TEXT, "0")},
}
MINI_OUTCOMES = {"LO1": {"q-single", "q-multiple", "q-truefalse", "q-short"},
                 "LO2": {"q-numerical", "q-matching", "q-essay"}}

SESSION_TIME = {"scorm12": re.compile(r"^\d{4}:\d{2}:\d{2}\.\d{2}$"),
                "scorm2004": re.compile(r"^PT\d+H\d+M\d+(\.\d{1,2})?S$")}
LATENCY = {"scorm12": re.compile(r"^\d{2}:\d{2}:\d{2}$"),
           "scorm2004": re.compile(r"^PT\d+H\d+M\d+(\.\d{1,2})?S$")}
CMI = {
    "scorm12": {"status": "cmi.core.lesson_status", "raw": "cmi.core.score.raw", "min": "cmi.core.score.min",
                "max": "cmi.core.score.max", "exit": "cmi.core.exit", "session": "cmi.core.session_time",
                "location": "cmi.core.lesson_location", "entry": "cmi.core.entry",
                "mode": "cmi.core.lesson_mode", "credit": "cmi.core.credit",
                "response": "student_response", "objective_status": "status", "wrong": "wrong"},
    "scorm2004": {"status": "cmi.completion_status", "raw": "cmi.score.raw", "min": "cmi.score.min",
                  "max": "cmi.score.max", "exit": "cmi.exit", "session": "cmi.session_time",
                  "location": "cmi.location", "entry": "cmi.entry", "mode": "cmi.mode",
                  "credit": "cmi.credit", "response": "learner_response",
                  "objective_status": "success_status", "wrong": "incorrect"},
}


# --- building ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Unzipped packages, built once: {(course, edition, mode): (folder, course model)}."""
    cache: dict = {}

    def get(edition: str, mode: str = "course", course_dir: Path = MINI, attempts: int = 3):
        key = (str(course_dir), edition, mode, attempts)
        if key not in cache:
            loaded = load(course_dir)
            out = tmp_path_factory.mktemp(f"{edition}-{mode}")
            (package,) = build(edition, loaded, out / "zip", ScormOptions(sco=mode, attempts=attempts))
            folder = out / "pkg"
            with zipfile.ZipFile(package) as archive:
                archive.extractall(folder)
            cache[key] = (folder, loaded.course)
        return cache[key]

    return get


# --- the scripted learner ----------------------------------------------------------------------

def visible(selector: str) -> str:
    return f"section.page:not([hidden]) {selector}"


def press(session, selector: str, key: str) -> None:
    session.sco.focus(selector)
    session.page.keyboard.press(key)


def current_page(session) -> str:
    return session.sco.get_attribute("section.page:not([hidden])", "id")


def answer(session, q, i: int, correct: bool) -> None:
    """Answer question ``q`` (number ``i`` in its SCO), by keyboard where a learner would."""
    sco, kb = session.sco, session.page.keyboard
    if q.kind == "single":
        weights = [c.weight for c in q.choices]
        pick = weights.index(max(weights)) if correct else weights.index(min(weights))
        press(session, f"#q{i}-c{pick}", "Space")
    elif q.kind == "multiple":
        for c, choice in enumerate(q.choices):
            if (choice.weight > 0) == correct:
                press(session, f"#q{i}-c{c}", "Space")
    elif q.kind == "truefalse":
        press(session, f"#q{i}-{'t' if q.answer == correct else 'f'}", "Space")
    elif q.kind == "shortanswer":
        best = max(q.text_answers, key=lambda a: a.weight)
        sco.focus(f"#q{i}-text")
        kb.type(best.text if correct else "jawaban keliru")
    elif q.kind == "numerical":
        best = max(q.number_answers, key=lambda a: a.weight)
        value = best.value if correct else best.value + best.tolerance + 1000
        multiplier = q.units[0].multiplier if q.units else 1
        sco.focus(f"#q{i}-num")
        kb.type(f"{value * multiplier:g}")
    elif q.kind == "matching":
        rights = list(dict.fromkeys(p.right for p in q.pairs))
        for left, pair in enumerate(q.pairs):
            target = pair.right if correct else q.pairs[(left + 1) % len(q.pairs)].right
            sco.select_option(f"#q{i}-m{left}", str(rights.index(target)))
    else:
        sco.focus(f"#q{i}-essay")
        kb.type(ESSAY_TEXT)


def study(session, sco_plan, correct: bool = True, submit: bool = True) -> None:
    """From the start page, read every page with the Next button; answer and submit each quiz on
    the way (it ends on the page after the last quiz: the glossary or the end page)."""
    first = 0
    if current_page(session) == "page-cp_start":
        press(session, visible(".pager-next"), "Enter")
    for module in sco_plan.modules:
        pages = [lesson.id for lesson in module.lessons] + ([module.quiz.id] if module.quiz else [])
        for n, page_id in enumerate(pages):
            assert current_page(session) == f"page-{page_id}"
            if module.quiz and page_id == module.quiz.id:
                for k, q in enumerate(module.quiz.questions):
                    answer(session, q, first + k, correct)
                first += len(module.quiz.questions)
                if submit:
                    press(session, visible(".btn-submit"), "Enter")
                    session.sco.wait_for_selector(visible("[data-role=summary]:not([hidden])"))
            if session.sco.query_selector(visible(".pager-next")):
                press(session, visible(".pager-next"), "Enter")


def leave(session) -> None:
    """Close the SCO the way an LMS does: the frame navigates away (pagehide)."""
    session.page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
    session.wait_for_terminate()


def launch(lms, folder: Path, sco, edition: str, cmi: dict | None = None):
    session = lms.launch(folder, sco.href, edition, cmi=cmi)
    session.sco.wait_for_selector("section.page:not([hidden])")
    return session


def one_sco(packages, edition: str):
    """The mini course packaged as one SCO: (unzipped folder, course, the SCO's plan)."""
    folder, course = packages(edition)
    [sco] = plan_scos(course, "course")
    return folder, course, sco


def finish(session, edition: str) -> None:
    """The LMS closes the SCO (the frame navigates away); the run must have been clean."""
    leave(session)
    assert_clean(session, edition)
    session.close()


def studied(lms, folder: Path, sco, edition: str, correct: bool = True, cmi: dict | None = None):
    """A session in which the learner read every page, answered and submitted every quiz, and left."""
    session = launch(lms, folder, sco, edition, cmi=cmi)
    study(session, sco, correct=correct)
    leave(session)
    return session


def recorded(flat: dict[str, str], collection: str) -> dict[str, dict[str, str]]:
    """The entries of ``cmi.<collection>`` (interactions, objectives) keyed by their id, each as
    {field: value} without the ``cmi.<collection>.<n>.`` prefix."""
    found: dict[str, dict[str, str]] = {}
    n = 0
    while f"cmi.{collection}.{n}.id" in flat:
        prefix = f"cmi.{collection}.{n}."
        found[flat[prefix + "id"]] = {k[len(prefix):]: v for k, v in flat.items() if k.startswith(prefix)}
        n += 1
    return found


def interactions(flat: dict[str, str]) -> dict[str, dict[str, str]]:
    """Recorded interactions keyed by question id."""
    return recorded(flat, "interactions")


def objectives(flat: dict[str, str]) -> dict[str, dict[str, str]]:
    """Recorded objectives keyed by outcome id."""
    return recorded(flat, "objectives")


def fill_every_control(session, text: str, essay: str) -> None:
    """Every control at a long value (hidden pages too): boxes checked, the first radio of each
    question, the first option of each drop-down, ``text`` in text fields and ``essay`` in essays;
    then the last page."""
    session.sco.evaluate("""([text, essay]) => {
        document.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = true; });
        document.querySelectorAll(".choices").forEach((group) => {
            const radio = group.querySelector("input[type=radio]");
            if (radio) { radio.checked = true; }
        });
        document.querySelectorAll(".matching select").forEach((select) => { select.value = "0"; });
        document.querySelectorAll("input[type=text]").forEach((field) => { field.value = text; });
        document.querySelectorAll("textarea").forEach((field) => { field.value = essay; });
        const links = document.querySelectorAll(".toc a[data-go]");
        links[links.length - 1].click();
    }""", [text, essay])


def assert_clean(session, edition: str) -> None:
    assert session.problems() == []
    outside = [r for r in session.requests if not re.match(r"^[A-Z]+ http://127\.0\.0\.1:\d+/", r)]
    assert outside == [], "requests left the package"
    assert session.failed_calls() == []
    assert session.count_calls(INITIALIZE[edition]) == 1
    assert session.count_calls(TERMINATE[edition]) == 1


# --- tests -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_learner_who_answers_correctly_passes(lms, packages, edition, mode):
    folder, course = packages(edition, mode)
    c = CMI[edition]
    for sco in plan_scos(course, mode):
        session = launch(lms, folder, sco, edition)
        assert session.flat_cmi()[c["status"]] == "incomplete"
        study(session, sco, correct=True)
        leave(session)
        flat = session.flat_cmi()
        assert_clean(session, edition)
        if edition == "scorm12":
            assert flat["cmi.core.lesson_status"] == "passed"
            assert flat["cmi.core.exit"] == ""
        else:
            assert flat["cmi.completion_status"] == "completed"
            assert flat["cmi.success_status"] == "passed"
            assert flat["cmi.score.scaled"] == "1"
            assert flat["cmi.exit"] == "normal"
        assert (flat[c["raw"]], flat[c["min"]], flat[c["max"]]) == ("100", "0", "100")
        session_times = [call["args"][1] for call in session.calls()
                         if call["method"].endswith("SetValue") and call["args"][0] == c["session"]]
        assert session_times and all(SESSION_TIME[edition].match(t) for t in session_times), session_times

        recorded = interactions(flat)
        expected_ids = [q.id for q in sco.questions]
        assert list(recorded) == expected_ids
        for q in sco.questions:
            kind, pattern, response, weighting = MINI_EXPECTED[q.id][edition]
            got = recorded[q.id]
            assert got["type"] == kind, q.id
            assert got.get("correct_responses.0.pattern") == pattern, q.id
            assert got[c["response"]] == response, q.id
            assert got["weighting"] == weighting, q.id
            assert got["result"] == ("neutral" if q.kind == "essay" else "correct"), q.id
            assert LATENCY[edition].match(got["latency"]), got["latency"]
            assert got["objectives.0.id"] == q.outcomes[0].id

        objs = objectives(flat)
        for outcome, questions in MINI_OUTCOMES.items():
            if not questions & set(expected_ids):
                continue
            assert objs[outcome][c["objective_status"]] == "passed", outcome
            assert objs[outcome]["score.raw"] == "100"
        session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_learner_who_answers_wrongly_fails(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    c = CMI[edition]
    session = studied(lms, folder, sco, edition, correct=False)
    flat = session.flat_cmi()
    assert_clean(session, edition)
    if edition == "scorm12":
        assert flat["cmi.core.lesson_status"] == "failed"
    else:
        assert flat["cmi.completion_status"] == "completed"
        assert flat["cmi.success_status"] == "failed"
    assert float(flat[c["raw"]]) < course.completion.mastery_score
    results = {qid: got["result"] for qid, got in interactions(flat).items()}
    assert results == {q.id: ("neutral" if q.kind == "essay" else c["wrong"]) for q in sco.questions}
    for outcome in MINI_OUTCOMES:
        assert objectives(flat)[outcome][c["objective_status"]] == "failed"
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_relaunch_resumes_at_the_bookmark_with_answers(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    c = CMI[edition]
    session = launch(lms, folder, sco, edition)
    press(session, visible(".pager-next"), "Enter")            # lesson 1
    press(session, visible(".pager-next"), "Enter")            # lesson 2
    press(session, visible(".pager-next"), "Enter")            # quiz 1
    quiz = sco.modules[0].quiz
    answer(session, quiz.questions[0], 0, correct=True)        # single (radio)
    answer(session, quiz.questions[3], 3, correct=True)        # short answer (text)
    session.sco.focus("#q0-c0")                                 # leave the text field: "change"
    leave(session)
    saved = session.flat_cmi()
    assert_clean(session, edition)
    assert saved[c["exit"]] == "suspend"
    assert saved[c["status"]] == "incomplete"
    assert len(saved["cmi.suspend_data"]) <= 4096
    session.close()

    again = resume_with(lms, folder, sco, edition, saved["cmi.suspend_data"], saved[c["location"]])
    assert current_page(again) == f"page-{quiz.id}"
    assert again.sco.is_checked("#q0-c0")
    assert again.sco.input_value("#q3-text") == "LLM"
    toc_done = again.sco.eval_on_selector_all(".toc a.is-visited", "links => links.length")
    assert toc_done == 4                                        # the start page, 2 lessons, quiz 1
    finish(again, edition)


@pytest.mark.parametrize("edition", EDITIONS)
def test_resume_after_submit_shows_results_without_resending(lms, packages, edition):
    folder, course = packages(edition, "module")
    sco = plan_scos(course, "module")[0]
    c = CMI[edition]
    session = launch(lms, folder, sco, edition)
    study(session, sco, correct=True)
    # the LMS relaunches with the saved data (as after exit=suspend): results come back, nothing is re-sent
    leave(session)
    saved = session.flat_cmi()
    session.close()
    again = resume_with(lms, folder, sco, edition, saved["cmi.suspend_data"], saved[c["location"]])
    assert current_page(again) == "page-cp_glossary"           # where the learner left
    again.sco.click(f".toc a[href='#page-{sco.modules[0].quiz.id}']")
    assert again.sco.is_visible(visible("[data-role=summary]"))
    assert again.sco.is_disabled("#q0-c0")
    assert again.count_calls("LMSSetValue" if edition == "scorm12" else "SetValue") >= 1
    set_calls = [call["args"][0] for call in again.calls() if call["method"].endswith("SetValue")]
    assert not [name for name in set_calls if name.startswith("cmi.interactions")]
    finish(again, edition)


@pytest.mark.parametrize("edition", EDITIONS)
def test_longest_answers_fill_exactly_the_computed_worst_case(lms, packages, edition):
    """suspend_worst_case (Python, build time) is exact for what runtime.js writes."""
    folder, course, sco = one_sco(packages, edition)
    session = launch(lms, folder, sco, edition)
    fill_every_control(session, "\u00e9" * 700, "\u00e9" * 700)      # longer than any field keeps
    leave(session)
    saved = session.flat_cmi()["cmi.suspend_data"]
    assert len(saved) == suspend_worst_case(sco)
    assert_clean(session, edition)
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_browse_mode_writes_nothing(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    c = CMI[edition]
    session = studied(lms, folder, sco, edition, cmi={c["mode"]: "browse"})
    assert session.count_calls("LMSSetValue" if edition == "scorm12" else "SetValue") == 0
    flat = session.flat_cmi()
    assert flat.get(c["raw"], "") == ""
    assert_clean(session, edition)
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_credit_launch_writes_no_score_or_status(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    c = CMI[edition]
    session = studied(lms, folder, sco, edition, cmi={c["credit"]: "no-credit"})
    written = {call["args"][0] for call in session.calls() if call["method"].endswith("SetValue")}
    assert c["location"] in written and "cmi.suspend_data" in written
    assert not {name for name in written if "score" in name or "status" in name or "interactions" in name}
    assert_clean(session, edition)
    session.close()


def test_preview_without_lms_works(lms_server, chromium, packages, tmp_path):
    folder, course = packages("scorm12")
    url = lms_server.serve_package(folder) + "index.html"
    page = chromium.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    assert page.is_visible("#cp-notice")
    page.click(visible(".pager-next"))
    page.click(visible(".pager-next"))
    assert page.get_attribute("section.page:not([hidden])", "id") == "page-dasar-istilah"
    assert errors == []
    page.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_serious_accessibility_violations(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    session = launch(lms, folder, sco, edition)
    session.page.set_viewport_size({"width": 1280, "height": 800})
    def check(where: str) -> None:
        serious = [v for v in session.run_axe() if v["impact"] in ("serious", "critical")]
        assert serious == [], where + ": " + format_violations(serious)

    check("start page")
    for _ in range(3):
        press(session, visible(".pager-next"), "Enter")
        check(current_page(session))
    assert current_page(session) == f"page-{sco.modules[0].quiz.id}"
    press(session, visible(".btn-submit"), "Enter")
    session.sco.wait_for_selector(visible("[data-role=confirm]:not([hidden])"))
    check("confirmation before submitting unanswered questions")
    press(session, visible("[data-action=confirm]"), "Enter")
    session.sco.wait_for_selector(visible("[data-role=retry]:not([hidden])"))
    check("quiz results with another attempt offered")
    for kind in ("glossary", "end"):
        session.sco.click(f".toc a.toc-{kind}")
        assert current_page(session) == f"page-cp_{kind}"
        check(f"{kind} page")
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_real_course_passes(lms, packages, edition):
    folder, course = packages(edition, "course", SAMPLE)
    [sco] = plan_scos(course, "course")
    c = CMI[edition]
    session = studied(lms, folder, sco, edition)
    flat = session.flat_cmi()
    assert_clean(session, edition)
    assert flat[c["status"]] == ("passed" if edition == "scorm12" else "completed")
    assert flat[c["raw"]] == "100"
    recorded = interactions(flat)
    assert list(recorded) == [q.id for q in sco.questions]
    assert {got["result"] for got in recorded.values()} <= {"correct", "neutral"}
    assert set(objectives(flat)) == {o.id for q in sco.questions if q.auto_graded for o in q.outcomes}
    session.close()


@pytest.mark.parametrize("width,height,name", [(390, 844, "phone"), (1280, 800, "desktop")])
def test_pages_fit_the_screen(lms, packages, tmp_path, width, height, name):
    """Every kind of page (start, lesson with its module opener, quiz asking before a submission,
    quiz in review, the next attempt with a hint, glossary, end) has no sideways scrolling;
    screenshots for people (SCORM_SHOTS=folder)."""
    folder, course = packages("scorm12", "course", shuffled_course(tmp_path / "shots"))
    [sco] = plan_scos(course, "course")
    session = launch(lms, folder, sco, "scorm12")
    session.page.set_viewport_size({"width": width, "height": height})
    shots = Path(os.environ.get("SCORM_SHOTS", "")) if os.environ.get("SCORM_SHOTS") else None
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

    def look(what: str, scroll_to: str | None = None) -> None:
        assert session.sco.evaluate(overflow) <= 0, what
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            if scroll_to:
                session.sco.evaluate("(s) => document.querySelector(s).scrollIntoView({block: 'center'})",
                                     visible(scroll_to))
            session.page.screenshot(path=str(shots / f"{what}-{name}.png"))

    look("start")
    press(session, visible(".pager-next"), "Enter")
    look("lesson")
    press(session, visible(".pager-next"), "Enter")
    press(session, visible(".pager-next"), "Enter")
    quiz = sco.modules[0].quiz
    answer(session, quiz.questions[1], 1, correct=False)
    press(session, visible(".btn-submit"), "Enter")
    look("quiz-confirm", "[data-role=confirm]")
    press(session, visible("[data-action=back]"), "Enter")
    for k, q in enumerate(quiz.questions):
        if k != 1:
            answer(session, q, k, correct=k == 3)
    submit(session)                                  # 1 of 5 points: below the pass mark
    look("quiz-review", "[data-role=summary]")
    look("quiz-retry-offer", "[data-role=retry]")
    press(session, visible("[data-action=retry]"), "Enter")
    assert session.sco.evaluate("() => document.querySelector('#q0 .q-hint').open")
    look("quiz-next-attempt", "#q0")
    for kind in ("glossary", "end"):
        if session.sco.is_visible("#cp-toc-toggle"):
            session.sco.click("#cp-toc-toggle")          # phones: the contents open from the menu button
            look(f"contents-{kind}")
        session.sco.click(f".toc a.toc-{kind}")
        look(kind)
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_completion_honours_require_lessons_only(lms, packages, edition):
    """course.completion.require: [lessons] completes the SCO once every lesson was viewed."""
    folder, course = packages(edition, "course", FIXTURES / "scorm-assets")
    assert course.completion.require == ("lessons",)
    [sco] = plan_scos(course, "course")
    c = CMI[edition]
    session = launch(lms, folder, sco, edition)
    assert session.flat_cmi()[c["status"]] == "incomplete"    # the start page is on screen
    press(session, visible(".pager-next"), "Enter")
    assert session.flat_cmi()[c["status"]] == "completed"     # its only lesson is on screen
    leave(session)
    flat = session.flat_cmi()
    assert flat[c["status"]] == "completed"
    assert flat[c["exit"]] == ("" if edition == "scorm12" else "normal")
    assert flat.get(c["raw"], "") == ""                        # the quiz was not submitted
    assert_clean(session, edition)
    session.close()


# --- saved progress against what an LMS may do to it on the way -----------------------------

ESSAY_LINES = "Paragraf pertama ~ rencana.\n\nParagraf kedua:\tlangkah   \nakhir  "


def field_values(session, i: int) -> list:
    """Every control of question ``i`` as the learner left it (checked state or value)."""
    return session.sco.evaluate(
        "(i) => Array.from(document.querySelectorAll(`#q${i} input, #q${i} select, #q${i} textarea`))"
        ".map((el) => el.type === 'radio' || el.type === 'checkbox' ? el.checked : el.value)", i)


def leave_in_the_last_quiz(lms, folder, course, edition):
    """Module 1 read and its quiz submitted, the last quiz answered with a multi-line essay, left
    before submitting: returns the saved CMI and every control's value."""
    [sco] = plan_scos(course, "course")
    first, second = sco.modules
    session = launch(lms, folder, sco, edition)
    study(session, SimpleNamespace(modules=[first]), correct=True)
    for _lesson in second.lessons:
        press(session, visible(".pager-next"), "Enter")
    offset = len(first.quiz.questions)
    for k, q in enumerate(second.quiz.questions):
        if q.kind == "essay":
            session.sco.fill(f"#q{offset + k}-essay", ESSAY_LINES)
        else:
            answer(session, q, offset + k, correct=True)
    values = {i: field_values(session, i) for i in range(len(sco.questions))}
    leave(session)
    saved = session.flat_cmi()
    assert_clean(session, edition)
    assert session.console_warnings == []
    session.close()
    return sco, saved, values


def resume_with(lms, folder, sco, edition, suspend_data: str, location: str):
    c = CMI[edition]
    return launch(lms, folder, sco, edition, cmi={c["entry"]: "resume", "cmi.suspend_data": suspend_data,
                                                   c["location"]: location})


LMS_CHANGES = {
    "as-saved": lambda v: v,
    "lf-to-crlf": lambda v: v.replace("\n", "\r\n") + "\r\n",   # a form post (navigator.sendBeacon)
    "trailing-whitespace": lambda v: v + "  \n\t ",
    "trimmed": lambda v: v.rstrip(),
}


@pytest.mark.parametrize("change", sorted(LMS_CHANGES))
@pytest.mark.parametrize("edition", EDITIONS)
def test_resume_survives_what_an_lms_does_to_suspend_data(lms, packages, edition, change):
    folder, course = packages(edition)
    sco, saved, values = leave_in_the_last_quiz(lms, folder, course, edition)
    c = CMI[edition]
    data = saved["cmi.suspend_data"]
    assert "\n" not in data and "\r" not in data and "\t" not in data and data == data.rstrip()
    again = resume_with(lms, folder, sco, edition, LMS_CHANGES[change](data), saved[c["location"]])
    assert current_page(again) == f"page-{sco.modules[1].quiz.id}"
    assert {i: field_values(again, i) for i in values} == values
    essay = next(i for i, q in enumerate(sco.questions) if q.kind == "essay")
    assert again.sco.input_value(f"#q{essay}-essay") == ESSAY_LINES
    assert again.sco.evaluate(f"() => !document.querySelector('#page-{sco.modules[0].quiz.id} "
                              "[data-role=summary]').hidden")
    assert again.console_warnings == []
    press(again, visible(".btn-submit"), "Enter")
    leave(again)
    reported = [call["args"][0] for call in again.calls()
                if call["method"].endswith("SetValue") and re.fullmatch(r"cmi\.interactions\.\d+\.id", call["args"][0])]
    assert len(reported) == len(sco.modules[1].quiz.questions)       # quiz 1's are not sent again
    assert_clean(again, edition)
    again.close()


def format_1(course, essay: str) -> str:
    """What the previous runtime (suspend_data format "1") saved for the mini course: every page
    visited, quiz 1 submitted with right answers, quiz 2 answered, the bookmark on quiz 2."""
    q = {question.id: question for question in course.questions}
    flags = [choice.weight > 0 for choice in q["q-multiple"].choices]
    multiple = "".join(format(sum(1 << b for b in range(4) if k + b < len(flags) and flags[k + b]), "x")
                       for k in range(0, len(flags), 4))    # 4 choices per hex digit, first choice lowest

    def text(t: str) -> str:
        return f"{int_to_36(len(t))}:{t}"

    return "14.f1.1." + "0" + multiple + "f" + text("LLM") + "0" + text("1200") + "012" + text(essay)


def int_to_36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def format_2(course, essay: str) -> str:
    """What the runtime before attempts (format "2") saved in the same situation as format_1."""
    old = format_1(course, "")
    escaped = essay.replace("~", "~~").replace("\n", "~n").replace("\t", "~t")
    return "2" + old[1:].replace("3:LLM", "LLM~.").replace("4:1200", "1200~.")[:-2] + escaped + "~."


@pytest.mark.parametrize("crlf", [False, True], ids=["as-saved", "lf-to-crlf"])
@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_resume_reads_the_older_format(lms, packages, edition, version, crlf):
    """Progress saved by the previous runtimes (formats "1" and "2", before the start page and
    attempts: page numbers count from the first lesson) is still read, also after a form post
    turned the essay's LF into CRLF (which shifted every length-counted field of format 1)."""
    folder, course, sco = one_sco(packages, edition)
    essay_text = "Baris satu.\n\nBaris dua."
    old = (format_1 if version == "1" else format_2)(course, essay_text)
    assert old.startswith(version + "4.f1.1.")
    if crlf:
        old = old.replace("\n", "\r\n")
    again = resume_with(lms, folder, sco, edition, old, "4")
    assert current_page(again) == f"page-{sco.modules[1].quiz.id}"
    assert again.sco.is_checked("#q0-c0")
    assert again.sco.input_value("#q3-text") == "LLM"
    assert again.sco.input_value("#q4-num") == "1200"
    assert [again.sco.input_value(f"#q5-m{n}") for n in range(3)] == ["0", "1", "2"]
    assert again.sco.input_value("#q6-essay") == essay_text
    assert again.sco.is_disabled("#q0-c0")                               # quiz 1 stays submitted
    visited = again.sco.eval_on_selector_all(".toc a.is-visited", "links => links.map((a) => a.hash)")
    assert visited == [f"#page-{p}" for p in ("dasar-pengantar", "dasar-istilah", sco.modules[0].quiz.id,
                                             "lanjut-penerapan", sco.modules[1].quiz.id)]
    assert again.console_warnings == []
    finish(again, edition)


@pytest.mark.parametrize("edition", EDITIONS)
def test_unknown_format_keeps_the_bookmark(lms, packages, edition):
    folder, course, sco = one_sco(packages, edition)
    again = resume_with(lms, folder, sco, edition, "9zz.ff.3.whatever-a-newer-version-wrote", "4")
    assert current_page(again) == f"page-{sco.modules[1].lessons[0].id}"   # not page 0
    assert [w for w in again.console_warnings if "coursepack" in w] == [
        "coursepack: saved progress not read (format '9' is not one this package reads); resuming at the bookmark"]
    assert not again.sco.is_disabled("#q0-c0")                             # no answers were invented
    finish(again, edition)


@pytest.mark.parametrize("where", ["in-the-essay", "after-quiz-1", "in-the-header"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_a_cut_value_keeps_what_can_be_read(lms, packages, edition, where):
    """An LMS that cuts the value at some limit costs only what was cut."""
    folder, course = packages(edition)
    sco, saved, values = leave_in_the_last_quiz(lms, folder, course, edition)
    c = CMI[edition]
    data = saved["cmi.suspend_data"]
    essay = next(i for i, q in enumerate(sco.questions) if q.kind == "essay")
    keep = {"in-the-essay": len(data) - 12, "after-quiz-1": data.index("LLM~.") + 5, "in-the-header": 3}[where]
    again = resume_with(lms, folder, sco, edition, data[:keep], saved[c["location"]])
    assert current_page(again) == f"page-{sco.modules[1].quiz.id}"        # the bookmark holds
    warnings = [w for w in again.console_warnings if "coursepack" in w]
    assert len(warnings) == 1 and "only partly read" in warnings[0], warnings
    restored = {i: field_values(again, i) for i in values}
    quiz1 = range(len(sco.modules[0].quiz.questions))
    if where == "in-the-header":
        assert not again.sco.is_disabled("#q0-c0")
    else:
        assert all(restored[i] == values[i] for i in quiz1)
        assert again.sco.is_disabled("#q0-c0")
    if where == "in-the-essay":
        assert all(restored[i] == values[i] for i in range(len(quiz1), essay))
        typed = again.sco.input_value(f"#q{essay}-essay")
        assert typed and ESSAY_LINES.startswith(typed) and typed != ESSAY_LINES
    finish(again, edition)


def limit_course(root: Path, limit: int) -> Path:
    """The mini course with essays, short answers and true/false questions added to its last quiz
    until the worst case of its suspend_data is exactly ``limit``."""
    import shutil

    shutil.copytree(MINI, root)
    course = load(root).course
    [sco] = plan_scos(course, "course")
    room = limit - suspend_worst_case(sco)
    essays, room = divmod(room, 502)
    shorts, trues = divmod(room, 102)
    quiz = root / "modules" / "02-lanjut" / "quiz.yaml"
    extra = "".join(f"  - id: x-essay-{n}\n    type: essay\n    stem: Esai {n}.\n    outcomes: [LO2]\n"
                    for n in range(essays))
    extra += "".join(f"  - id: x-short-{n}\n    type: shortanswer\n    stem: Isian {n}.\n    outcomes: [LO2]\n"
                     f"    answers:\n      - text: ya\n" for n in range(shorts))
    extra += "".join(f"  - id: x-tf-{n}\n    type: truefalse\n    stem: Benar {n}?\n    outcomes: [LO2]\n"
                     f"    answer: true\n" for n in range(trues))
    quiz.write_text(quiz.read_text(encoding="utf-8") + extra, encoding="utf-8")
    [sco] = plan_scos(load(root).course, "course")
    assert suspend_worst_case(sco) == limit
    return root


@pytest.mark.parametrize("edition,limit", [("scorm12", 4096), ("scorm2004", 64000)])
def test_value_at_the_editions_limit_round_trips(lms, packages, tmp_path, edition, limit):
    """Every field at its longest, line breaks and tildes included: the value is exactly the
    edition's limit (and the build-time worst case), the LMS takes it, and it reads back whole."""
    folder, course = packages(edition, "course", limit_course(tmp_path / "limit", limit))
    [sco] = plan_scos(course, "course")
    session = launch(lms, folder, sco, edition)
    fill_every_control(session, "~" * 30 + "\u00e9" * 200, "ab\n" * 300)
    values = {i: field_values(session, i) for i in range(len(sco.questions))}
    leave(session)
    saved = session.flat_cmi()
    data = saved["cmi.suspend_data"]
    assert len(data) == limit == suspend_worst_case(sco)
    assert_clean(session, edition)
    session.close()
    c = CMI[edition]
    again = resume_with(lms, folder, sco, edition, data, saved[c["location"]])
    assert again.console_warnings == []
    restored = {i: field_values(again, i) for i in values}
    for i, q in enumerate(sco.questions):
        if q.kind == "essay":
            assert restored[i] == ["ab\n" * 125], q.id                 # 500 written characters kept
        elif q.kind == "shortanswer":
            assert restored[i] == ["~" * 30 + "\u00e9" * 40], q.id    # 60 + 40 written characters
        elif q.kind != "numerical":
            assert restored[i] == values[i], q.id
    again.close()


def big_number_course(root: Path, value: int = 123456) -> Path:
    """The mini course whose numerical answer has 6 digits before the point."""
    import shutil

    shutil.copytree(MINI, root)
    quiz = root / "modules" / "02-lanjut" / "quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("value: 1200\n", f"value: {value}\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize("edition", EDITIONS)
def test_numeric_response_beyond_five_digits_is_recorded(lms, packages, tmp_path, edition):
    """Moodle's 2004 runtime refuses numeric values with more than 5 digits before the point;
    such an interaction goes as "other" (any text), with the same response, range and result."""
    folder, course = packages(edition, "course", big_number_course(tmp_path / "big"))
    [sco] = plan_scos(course, "course")
    session = studied(lms, folder, sco, edition)
    got = interactions(session.flat_cmi())["q-numerical"]
    assert_clean(session, edition)
    if edition == "scorm12":
        assert (got["type"], got["correct_responses.0.pattern"]) == ("numeric", "123456")
    else:
        assert (got["type"], got["correct_responses.0.pattern"]) == ("other", "123446[:]123466")
    assert got[CMI[edition]["response"]] == "123456"
    assert got["result"] == "correct"
    session.close()


# --- attempts: confirmation, review then retry, the attempt limit ------------------------------

def quiz_state(session) -> dict:
    """What the learner sees of the quiz on screen."""
    return session.sco.evaluate("""() => {
        const form = document.querySelector("section.page:not([hidden]) form.quiz");
        const shown = (sel) => Array.from(form.querySelectorAll(sel)).filter((el) => !el.hidden).length;
        return {attempt: form.querySelector("[data-role=attempt]").textContent,
                summary: form.querySelector("[data-role=summary]").hidden ? "" :
                    form.querySelector("[data-role=summary]").innerText,
                retry: !form.querySelector("[data-role=retry]").hidden,
                retryText: form.querySelector("[data-role=retry-text]").textContent,
                submit: !form.querySelector(".btn-submit").hidden,
                keys: shown(".key-tag") + shown(".match-key"),
                disabled: Array.from(form.querySelectorAll("input, select, textarea")).filter((el) => el.disabled).length,
                checked: form.querySelectorAll("input:checked").length};
    }""")


def submit(session) -> None:
    press(session, visible(".btn-submit"), "Enter")
    session.sco.wait_for_selector(visible("[data-role=summary]:not([hidden])"))


def recorded_attempts(flat: dict[str, str]) -> list[tuple[str, str]]:
    """(question id, result) of every interaction record, in the order written."""
    found, n = [], 0
    while f"cmi.interactions.{n}.id" in flat:
        found.append((flat[f"cmi.interactions.{n}.id"], flat[f"cmi.interactions.{n}.result"]))
        n += 1
    return found


def open_first_quiz(session, sco) -> list:
    press(session, visible(".pager-next"), "Enter")
    for _lesson in sco.modules[0].lessons:
        press(session, visible(".pager-next"), "Enter")
    assert current_page(session) == f"page-{sco.modules[0].quiz.id}"
    return list(sco.modules[0].quiz.questions)


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_failed_quiz_is_reviewed_then_retried_and_the_last_attempt_counts(lms, packages, edition):
    folder, course = packages(edition, "module")
    sco = plan_scos(course, "module")[0]
    c = CMI[edition]
    session = launch(lms, folder, sco, edition)
    questions = open_first_quiz(session, sco)
    assert quiz_state(session)["attempt"] == " · Percobaan 1 dari 3"
    for k, q in enumerate(questions):
        answer(session, q, k, correct=False)
    submit(session)
    review = quiz_state(session)
    assert review["retry"] and not review["submit"]
    assert review["retryText"] == "Tinjau jawaban dan umpan balik Anda, lalu coba lagi. Sisa 2 percobaan."
    assert "Tinjau jawaban" in review["summary"]
    assert review["keys"] == 0                       # the correct answers wait until the result is final
    assert review["disabled"] > 0
    flat = session.flat_cmi()
    assert flat[c["exit"]] == "suspend"              # another attempt is open: the LMS must resume
    if edition == "scorm12":
        assert flat["cmi.core.lesson_status"] == "failed"
    else:
        assert flat["cmi.success_status"] == "failed"

    press(session, visible("[data-action=retry]"), "Enter")
    again = quiz_state(session)
    assert again["attempt"] == " · Percobaan 2 dari 3"
    assert (again["retry"], again["submit"], again["disabled"], again["checked"], again["summary"]) == \
        (False, True, 0, 0, "")
    assert session.sco.evaluate("() => document.activeElement.closest('.question') !== null")
    for k, q in enumerate(questions):
        answer(session, q, k, correct=True)
    submit(session)
    final = quiz_state(session)
    assert not final["retry"] and final["keys"] > 0
    leave(session)
    flat = session.flat_cmi()
    assert_clean(session, edition)
    assert flat[c["raw"]] == "100"                  # the last attempt counts
    assert flat[c["exit"]] == ("" if edition == "scorm12" else "normal")
    wrong = c["wrong"]
    expected = [(q.id, "neutral" if q.kind == "essay" else wrong) for q in questions] + \
        [(q.id, "neutral" if q.kind == "essay" else "correct") for q in questions]
    assert recorded_attempts(flat) == expected      # every attempt's interactions
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_attempt_limit_makes_the_result_final_and_survives_resume(lms, packages, edition):
    folder, course = packages(edition, "module", MINI, attempts=2)
    sco = plan_scos(course, "module")[0]
    c = CMI[edition]
    session = launch(lms, folder, sco, edition)
    questions = open_first_quiz(session, sco)
    for k, q in enumerate(questions):
        answer(session, q, k, correct=False)
    submit(session)
    assert quiz_state(session)["retryText"].endswith(" Sisa 1 percobaan.")
    press(session, visible("[data-action=retry]"), "Enter")
    answer(session, questions[0], 0, correct=True)
    session.sco.focus("#q0-c0")
    leave(session)                                   # left in the middle of attempt 2
    saved = session.flat_cmi()
    assert saved[c["exit"]] == "suspend"
    session.close()

    resume = {c["entry"]: "resume", "cmi.suspend_data": saved["cmi.suspend_data"],
              c["location"]: saved[c["location"]]}
    again = launch(lms, folder, sco, edition, cmi=resume)
    state = quiz_state(again)
    assert state["attempt"] == " · Percobaan 2 dari 2" and state["submit"] and not state["summary"]
    assert again.sco.is_checked("#q0-c0")
    for k, q in enumerate(questions[1:], start=1):
        answer(again, q, k, correct=False)
    submit(again)
    final = quiz_state(again)
    assert not final["retry"] and final["keys"] > 0
    assert "Hasil ini final." in final["summary"]
    leave(again)
    flat = again.flat_cmi()
    assert_clean(again, edition)
    assert flat[c["exit"]] == ("" if edition == "scorm12" else "normal")   # nothing is left to try
    assert float(flat[c["raw"]]) == 20.0            # 1 of 5 points: the last attempt
    again.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_submitting_unanswered_questions_asks_first(lms, packages, edition):
    folder, course = packages(edition, "module")
    sco = plan_scos(course, "module")[0]
    session = launch(lms, folder, sco, edition)
    questions = open_first_quiz(session, sco)
    answer(session, questions[0], 0, correct=True)
    press(session, visible(".btn-submit"), "Enter")
    confirm = visible("[data-role=confirm]")
    session.sco.wait_for_selector(confirm + ":not([hidden])")
    assert session.sco.inner_text(confirm + " [data-role=confirm-text]") == \
        f"{len(questions) - 1} soal belum dijawab. Tetap kirim?"
    assert session.sco.evaluate("() => document.activeElement.dataset.action") == "confirm"
    press(session, visible("[data-action=back]"), "Enter")
    assert session.sco.evaluate("() => document.activeElement.closest('.question').id") == "q1"
    assert quiz_state(session)["submit"] and not quiz_state(session)["summary"]
    for k in (1, 2):
        answer(session, questions[k], k, correct=True)
    press(session, visible(".btn-submit"), "Enter")
    assert session.sco.inner_text(confirm + " [data-role=confirm-text]") == \
        "1 soal belum dijawab. Tetap kirim?"
    answer(session, questions[3], 3, correct=True)               # answering hides the out-of-date count
    session.sco.focus("#q0-c0")
    assert session.sco.is_hidden(confirm) and quiz_state(session)["submit"]
    assert not quiz_state(session)["summary"]
    submit(session)                                              # everything answered: no question asked
    assert session.sco.is_hidden(confirm)
    leave(session)
    flat = session.flat_cmi()
    assert_clean(session, edition)
    assert [qid for qid, _ in recorded_attempts(flat)] == [q.id for q in questions]
    session.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_submit_anyway_scores_the_unanswered_as_not_answered(lms, packages, edition):
    folder, course = packages(edition, "module")
    sco = plan_scos(course, "module")[0]
    session = launch(lms, folder, sco, edition)
    questions = open_first_quiz(session, sco)
    answer(session, questions[0], 0, correct=True)
    press(session, visible(".btn-submit"), "Enter")
    press(session, visible("[data-action=confirm]"), "Enter")
    session.sco.wait_for_selector(visible("[data-role=summary]:not([hidden])"))
    assert session.sco.inner_text("#q1 [data-role=result]").startswith("Tidak dijawab")
    leave(session)
    flat = session.flat_cmi()
    assert_clean(session, edition)
    assert recorded_attempts(flat) == [(questions[0].id, "correct")]       # only what was answered
    session.close()


# --- per-learner order ---------------------------------------------------------------------------

def shuffled_course(root: Path) -> Path:
    """The mini course whose first quiz also shuffles its question order, with a hint."""
    import shutil

    shutil.copytree(MINI, root)
    quiz = root / "modules" / "01-dasar" / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8").replace("title: Kuis Dasar\n", "title: Kuis Dasar\nshuffle: true\n")
    text = text.replace("    feedback: Lihat tabel di pelajaran 1.\n",
                        "    feedback: Lihat tabel di pelajaran 1.\n    hints:\n      - Ingat kata *produk*.\n")
    quiz.write_text(text, encoding="utf-8")
    return root


def shown_order(session) -> dict:
    """Question order and every question's choice / drop-down order as on screen (source indexes)."""
    return session.sco.evaluate("""() => {
        const form = document.querySelector("form.quiz");
        const order = {questions: Array.from(form.querySelectorAll(".question")).map((q) => q.id)};
        form.querySelectorAll(".question").forEach((q) => {
            const choices = Array.from(q.querySelectorAll(".choice")).map((c) => c.dataset.choice);
            const options = Array.from(q.querySelectorAll(".matching select:first-of-type option"))
                .map((o) => o.value).filter((v) => v !== "");
            order[q.id] = choices.length ? choices : options;
        });
        order.numbers = Array.from(form.querySelectorAll(".question > h2")).map((h) => h.firstChild.nodeValue.trim());
        return order;
    }""")


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_learner_gets_an_order_kept_across_resume(lms, packages, tmp_path, edition):
    folder, course = packages(edition, "module", shuffled_course(tmp_path / "shuffled"))
    sco = plan_scos(course, "module")[0]
    c = CMI[edition]
    learner = {"scorm12": "cmi.core.student_id", "scorm2004": "cmi.learner_id"}[edition]
    orders = {}
    for who in ("learner-1", "learner-2", "learner-3"):
        session = launch(lms, folder, sco, edition, cmi={learner: who})
        orders[who] = shown_order(session)
        session.close()
    assert len({repr(o) for o in orders.values()}) == 3, orders          # three learners, three orders
    assert {tuple(o["questions"]) for o in orders.values()} != {("q0", "q1", "q2", "q3")}
    for o in orders.values():
        assert sorted(o["questions"]) == ["q0", "q1", "q2", "q3"]
        assert o["numbers"] == [f"Soal {n}" for n in range(1, 5)]      # numbered as shown

    session = launch(lms, folder, sco, edition, cmi={learner: "learner-2"})
    assert shown_order(session) == orders["learner-2"]                  # the same learner: the same order
    questions = open_first_quiz(session, sco)
    answer(session, questions[0], 0, correct=True)
    session.sco.focus("#q0-c0")
    leave(session)
    saved = session.flat_cmi()
    session.close()
    resume = {learner: "learner-2", c["entry"]: "resume", "cmi.suspend_data": saved["cmi.suspend_data"],
              c["location"]: saved[c["location"]]}
    again = launch(lms, folder, sco, edition, cmi=resume)
    assert shown_order(again) == orders["learner-2"]                    # kept across resume
    assert again.sco.is_checked("#q0-c0")
    for k, q in enumerate(questions):
        answer(again, q, k, correct=True)
    submit(again)
    leave(again)
    flat = again.flat_cmi()
    assert_clean(again, edition)
    recorded = interactions(flat)
    for q in questions:                                                 # the patterns match the source order
        kind, pattern, response, _ = MINI_EXPECTED[q.id][edition]
        assert (recorded[q.id].get("correct_responses.0.pattern"), recorded[q.id][c["response"]]) == \
            (pattern, response), q.id
        assert recorded[q.id]["result"] == "correct", q.id
    again.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_new_attempt_has_a_new_order_and_opens_the_hints_of_missed_questions(lms, packages, tmp_path, edition):
    folder, course = packages(edition, "module", shuffled_course(tmp_path / "shuffled"))
    sco = plan_scos(course, "module")[0]
    session = launch(lms, folder, sco, edition)
    questions = open_first_quiz(session, sco)
    first = shown_order(session)
    assert session.sco.inner_text("#q0 .q-hint summary") == "Petunjuk"
    assert not session.sco.evaluate("() => document.querySelector('#q0 .q-hint').open")   # on request
    for k, q in enumerate(questions):
        answer(session, q, k, correct=False)
    submit(session)
    press(session, visible("[data-action=retry]"), "Enter")
    assert shown_order(session) != first
    assert session.sco.evaluate("() => document.querySelector('#q0 .q-hint').open")
    assert session.sco.inner_text("#q0 .hint-body") == "Ingat kata produk."


VIDEO_LESSON = "page-ai-vs-ml-siapa-membuat-llm"


@pytest.mark.parametrize("edition", EDITIONS)
def test_lesson_video_loads_with_its_captions_is_keyboard_operable_and_never_autoplays(lms, packages, edition):
    """The sample course's video, packaged with its captions: metadata and cues load from the
    package, nothing plays until the learner asks, the player and the transcript are reached and
    used with the keyboard alone, and axe finds nothing serious on the page."""
    from coursepack.media import read_webvtt
    folder, course = packages(edition, "course", SAMPLE)
    [sco] = plan_scos(course, "course")
    session = launch(lms, folder, sco, edition)
    session.page.set_viewport_size({"width": 1280, "height": 800})
    press(session, f'.toc a[href="#{VIDEO_LESSON}"]', "Enter")
    assert current_page(session) == VIDEO_LESSON
    video = visible("figure.media video")
    state = """(v) => ({paused: v.paused, autoplay: v.autoplay, controls: v.controls, ready: v.readyState,
                     duration: v.duration, tracks: [...v.textTracks].map(t => ({kind: t.kind, lang: t.language,
                     mode: t.mode, cues: t.cues ? [...t.cues].map(c => [c.startTime, c.endTime, c.text]) : null}))})"""
    session.sco.wait_for_function(
        f"() => {{ const v = document.querySelector('{video}'); const t = v && v.textTracks[0]; "
        "return v.readyState >= 1 && t && t.cues && t.cues.length > 0; }")
    session.page.wait_for_timeout(500)      # time enough for an autoplay to have started
    got = session.sco.eval_on_selector(video, state)
    cues, problems = read_webvtt((SAMPLE / "assets" / "empat-peran-llm.vtt").read_bytes())
    assert problems == []
    assert (got["paused"], got["autoplay"], got["controls"]) == (True, False, True)
    assert 12 < got["duration"] < 14
    assert got["tracks"] == [{"kind": "captions", "lang": course.language, "mode": "showing",
                              "cues": [[pytest.approx(c.start), pytest.approx(c.end), c.text] for c in cues]}]
    serious = [v for v in session.run_axe() if v["impact"] in ("serious", "critical")]
    assert serious == [], format_violations(serious)
    # keyboard: Tab from the control before the player reaches it; Space plays and pauses; Tab goes on
    # through the player's buttons to the transcript, which Enter opens
    session.sco.evaluate(f"""() => {{
        const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, video[controls], audio[controls]')]
            .filter(e => e.offsetParent !== null || e.tagName === 'VIDEO');
        all[all.indexOf(document.querySelector('{video}')) - 1].focus(); }}""")
    session.page.keyboard.press("Tab")
    assert session.sco.evaluate(f"() => document.activeElement === document.querySelector('{video}')")
    session.page.keyboard.press("Space")
    session.sco.wait_for_function(f"() => !document.querySelector('{video}').paused && "
                                  f"document.querySelector('{video}').currentTime > 0")
    session.page.keyboard.press("Space")
    session.sco.wait_for_function(f"() => document.querySelector('{video}').paused")
    summary = visible("figure.media details.transcript > summary")
    on_summary = f"() => document.activeElement === document.querySelector('{summary}')"
    for _ in range(12):         # through the player's own buttons (play, time, mute, full screen, menu)
        session.page.keyboard.press("Tab")
        if session.sco.evaluate(on_summary):
            break
    assert session.sco.evaluate(on_summary)
    session.page.keyboard.press("Enter")
    assert session.sco.evaluate(f"() => document.querySelector('{visible('figure.media details.transcript')}').open")
    assert session.sco.is_visible(visible("figure.media details.transcript li"))
    serious = [v for v in session.run_axe() if v["impact"] in ("serious", "critical")]
    assert serious == [], format_violations(serious)
    leave(session)
    assert_clean(session, edition)
    session.close()


def audio_course(root: Path) -> Path:
    """The mini course with a narrated audio clip (tests/fixtures/audio) in its first lesson."""
    import shutil

    shutil.copytree(MINI, root)
    for name in ("sapaan.ogg", "sapaan.transcript.md"):
        shutil.copy(FIXTURES.parent / "audio" / name, root / "assets" / name)
    lesson = root / "modules" / "01-dasar" / "01-pengantar.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") +
                      '\n![Audio: sambutan narator tentang isi kursus](../../assets/sapaan.ogg "Audio 1. Sambutan")\n',
                      encoding="utf-8")
    return root


@pytest.mark.parametrize("edition", EDITIONS)
def test_lesson_audio_loads_plays_from_the_keyboard_and_never_autoplays(lms, packages, tmp_path, edition):
    """A lesson's audio, packaged: its metadata loads from the package, nothing plays until the
    learner asks, Space plays and pauses it, its transcript opens, and axe finds nothing serious."""
    folder, course = packages(edition, "course", audio_course(tmp_path / "audio"))
    [sco] = plan_scos(course, "course")
    lesson = course.modules[0].lessons[0]
    session = launch(lms, folder, sco, edition)
    session.page.set_viewport_size({"width": 1280, "height": 800})
    page_id = f"page-{lesson.id}" if f"page-{lesson.id}" in session.sco.content() else None
    assert page_id, "the lesson page has no id page-<lesson id>"
    if current_page(session) != page_id:
        press(session, f'.toc a[href="#{page_id}"]', "Enter")
    assert current_page(session) == page_id
    audio = visible("figure.media audio")
    session.sco.wait_for_function(f"() => {{ const a = document.querySelector('{audio}'); "
                                  "return a && a.readyState >= 1; }")
    session.page.wait_for_timeout(500)      # time enough for an autoplay to have started
    got = session.sco.eval_on_selector(audio, "(a) => ({paused: a.paused, autoplay: a.autoplay, "
                                       "controls: a.controls, duration: a.duration, src: a.currentSrc})")
    assert (got["paused"], got["autoplay"], got["controls"]) == (True, False, True)
    assert 6 < got["duration"] < 7.5 and got["src"].endswith("/assets/sapaan.ogg")
    assert "Audio 1. Sambutan" in session.sco.inner_text(visible("figure.media figcaption"))
    serious = [v for v in session.run_axe() if v["impact"] in ("serious", "critical")]
    assert serious == [], format_violations(serious)
    session.sco.focus(audio)
    session.page.keyboard.press("Space")
    session.sco.wait_for_function(f"() => !document.querySelector('{audio}').paused && "
                                  f"document.querySelector('{audio}').currentTime > 0")
    session.page.keyboard.press("Space")
    session.sco.wait_for_function(f"() => document.querySelector('{audio}').paused")
    summary = visible("figure.media details.transcript > summary")
    session.sco.focus(summary)
    session.page.keyboard.press("Enter")
    assert session.sco.evaluate(f"() => document.querySelector('{visible('figure.media details.transcript')}').open")
    assert "empat peran" in session.sco.inner_text(visible("figure.media details.transcript"))
    leave(session)
    assert_clean(session, edition)
    session.close()


# --- links, start and end pages ------------------------------------------------------------------

def linked_course(root: Path) -> Path:
    import shutil

    shutil.copytree(MINI, root)
    lesson = root / "modules" / "01-dasar" / "01-pengantar.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") +
                      "\nBaca juga [panduan resmi](https://example.org/guide).\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("edition", EDITIONS)
def test_an_external_link_opens_a_new_window_and_the_session_goes_on(lms, packages, tmp_path, edition):
    folder, course = packages(edition, "course", linked_course(tmp_path / "linked"))
    [sco] = plan_scos(course, "course")
    session = launch(lms, folder, sco, edition)
    session.page.context.route("https://example.org/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Guide</title><p>Guide</p>"))
    press(session, visible(".pager-next"), "Enter")
    link = visible("a[href='https://example.org/guide']")
    assert session.sco.get_attribute(link, "target") == "_blank"
    assert session.sco.get_attribute(link, "rel") == "noopener"
    assert session.sco.inner_text(link + " .visually-hidden").strip() == "(membuka jendela baru)"
    with session.page.context.expect_page() as opened:
        session.sco.click(link)
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url == "https://example.org/guide"
    assert current_page(session) == f"page-{sco.modules[0].lessons[0].id}"   # the course stays
    assert session.count_calls(TERMINATE[edition]) == 0
    press(session, visible(".pager-next"), "Enter")                            # and still reports
    assert session.flat_cmi()[CMI[edition]["location"]] == "2"
    popup.close()
    leave(session)
    assert session.problems() == [] and session.failed_calls() == []
    assert session.count_calls(TERMINATE[edition]) == 1
    session.close()


@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_start_and_end_pages(lms, packages, edition, mode):
    folder, course = packages(edition, mode)
    scos = plan_scos(course, mode)
    for sco in scos:
        session = launch(lms, folder, sco, edition)
        assert current_page(session) == "page-cp_start"
        start = session.sco.inner_text(visible(".start-body"))
        h1 = session.sco.inner_text(visible("h1"))
        assert h1 == sco.title
        summaries = {"dasar": "Konsep dasar yang dipakai di seluruh kursus.", "lanjut": "Menerapkan konsep."}
        assert (course.description if mode == "course" else summaries[sco.key]) in start
        for outcome in course.outcomes:
            if outcome.id in {o.id for q in sco.questions for o in q.outcomes}:
                assert outcome.text in start
        assert "Buka setiap pelajaran." in start
        assert "Setiap kuis dapat dikirim hingga 3 kali." in start
        toc = session.sco.eval_on_selector_all(".toc a[data-go]", "links => links.map((a) => a.textContent.trim())")
        assert toc[0] == "Mulai di sini" and toc[-2:] == ["Glosarium", "Hasil Anda"]
        press(session, visible(".pager-next"), "Enter")
        intro = session.sco.text_content(visible(".module-intro"))
        assert intro.split() == f"Dalam modul ini {summaries[sco.modules[0].id]}".split()
        session.sco.click(".toc a.toc-end")
        before = session.sco.inner_text(visible("[data-role=end]"))
        lessons = sum(len(m.lessons) for m in sco.modules)
        assert f"Pelajaran dibuka: 1 dari {lessons}" in before
        assert "Belum selesai" in before
        session.sco.click(".toc a.toc-start")
        study(session, sco, correct=True)
        session.sco.click(".toc a.toc-end")
        after = session.sco.inner_text(visible("[data-role=end]"))
        assert f"Pelajaran dibuka: {lessons} dari {lessons}" in after
        assert f"Kuis dikirim: {sco.quiz_count} dari {sco.quiz_count}" in after
        assert "Skor keseluruhan: 100%" in after
        assert "Lulus" in after and "Anda telah menyelesaikan kursus ini." in after
        terms = session.sco.eval_on_selector_all("#page-cp_glossary dt", "ts => ts.map((t) => t.textContent)")
        assert terms == [entry.term for entry in course.glossary]
        leave(session)
        assert_clean(session, edition)
        session.close()


@pytest.mark.parametrize("width,height,name", [(390, 844, "phone"), (1280, 800, "desktop")])
def test_video_lesson_fits_the_screen(lms, packages, width, height, name):
    folder, course = packages("scorm12", "course", SAMPLE)
    [sco] = plan_scos(course, "course")
    session = launch(lms, folder, sco, "scorm12")
    session.page.set_viewport_size({"width": width, "height": height})
    session.sco.evaluate(f"() => document.querySelector('.toc a[href=\"#{VIDEO_LESSON}\"]').click()")
    assert current_page(session) == VIDEO_LESSON
    box = session.sco.eval_on_selector(visible("figure.media video"), "v => v.getBoundingClientRect().toJSON()")
    main = session.sco.eval_on_selector(visible("figure.media"), "f => f.getBoundingClientRect().toJSON()")
    assert main["left"] <= box["left"] and box["right"] <= main["right"] and box["height"] > 100
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert session.sco.evaluate(overflow) <= 0
    if os.environ.get("SCORM_SHOTS"):
        shots = Path(os.environ["SCORM_SHOTS"])
        shots.mkdir(parents=True, exist_ok=True)
        session.sco.evaluate(f"() => {{ document.querySelector('{visible('details.transcript')}').open = true; "
                             f"document.querySelector('{visible('figure.media')}').scrollIntoView(); }}")
        session.page.screenshot(path=str(shots / f"video-lesson-{name}.png"))
    session.close()
