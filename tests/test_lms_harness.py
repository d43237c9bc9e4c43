"""Prove the fake-LMS browser harness with a tiny hand-written SCO."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.harness import INITIALIZE, TERMINATE, format_violations

TINY_SCO = Path(__file__).parent / "fixtures" / "tiny_sco"

FINISHED_CMI = {
    "scorm12": {
        "cmi.core.lesson_status": "passed",
        "cmi.core.score.raw": "85",
        "cmi.core.score.min": "0",
        "cmi.core.score.max": "100",
        "cmi.core.lesson_location": "page-2",
        "cmi.suspend_data": "visited=1,2",
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.0.student_response": "b",
        "cmi.interactions.0.result": "correct",
        "cmi.objectives.0.id": "lo-1",
        "cmi.objectives.0.status": "passed",
    },
    "scorm2004": {
        "cmi.completion_status": "completed",
        "cmi.success_status": "passed",
        "cmi.score.scaled": "0.85",
        "cmi.score.raw": "85",
        "cmi.location": "page-2",
        "cmi.suspend_data": "visited=1,2",
        "cmi.exit": "normal",
        "cmi.interactions.0.id": "q1",
        "cmi.interactions.0.learner_response": "b",
        "cmi.interactions.0.result": "correct",
        "cmi.objectives.0.id": "lo-1",
        "cmi.objectives.0.success_status": "passed",
    },
}

RESUME_IN_REVIEW_CMI = {
    "scorm12": {
        "cmi.core.entry": "resume",
        "cmi.core.lesson_location": "page-3",
        "cmi.suspend_data": "visited=1,2,3",
        "cmi.core.lesson_mode": "review",
        "cmi.core.credit": "no-credit",
    },
    "scorm2004": {
        "cmi.entry": "resume",
        "cmi.location": "page-3",
        "cmi.suspend_data": "visited=1,2,3",
        "cmi.mode": "review",
        "cmi.credit": "no-credit",
    },
}


@pytest.mark.parametrize("edition", ["scorm12", "scorm2004"])
def test_records_a_complete_attempt(lms, edition):
    session = lms.launch(TINY_SCO, "index.html", edition)
    assert session.sco.inner_text("#edition") == edition
    assert session.sco.inner_text("#entry") == "ab-initio"
    assert session.state() == {
        "initialized": True,
        "terminated": False,
        "initializeCount": 1,
        "terminateCount": 0,
    }

    session.sco.click("#finish")
    session.wait_for_terminate()

    flat = session.flat_cmi()
    for element, value in FINISHED_CMI[edition].items():
        assert flat[element] == value, element
    assert session.state() == {
        "initialized": False,
        "terminated": True,
        "initializeCount": 1,
        "terminateCount": 1,
    }
    calls = session.calls()
    methods = [call["method"] for call in calls]
    assert methods[0] == INITIALIZE[edition]
    assert methods[-2:] == [("LMSCommit" if edition == "scorm12" else "Commit"), TERMINATE[edition]]
    assert session.failed_calls() == []
    assert calls[0]["args"] == [""] and calls[0]["result"] == "true"
    commits = session.commits()
    assert [commit["method"] for commit in commits] == methods[-2:]
    nested = session.cmi()
    assert (nested["core"]["score"]["raw"] if edition == "scorm12" else nested["score"]["raw"]) == "85"
    assert commits[0]["cmi"]["suspend_data"] == "visited=1,2"
    assert session.problems() == []
    assert all(request.startswith(f"GET {lms.server.origin}/") for request in session.requests)


@pytest.mark.parametrize("edition", ["scorm12", "scorm2004"])
def test_preloads_resume_data_in_review_mode(lms, edition):
    session = lms.launch(TINY_SCO, "index.html", edition, cmi=RESUME_IN_REVIEW_CMI[edition])
    assert session.sco.inner_text("#entry") == "resume"
    assert session.sco.inner_text("#mode") == "review"
    assert session.sco.inner_text("#credit") == "no-credit"
    assert session.sco.inner_text("#location") == "page-3"
    assert session.sco.inner_text("#suspend-data") == "visited=1,2,3"

    session.sco.click("#finish")
    session.wait_for_terminate()

    set_value = "LMSSetValue" if edition == "scorm12" else "SetValue"
    assert session.count_calls(set_value) == 0
    assert session.flat_cmi()["cmi.suspend_data"] == "visited=1,2,3"
    assert session.problems() == []


def test_records_api_errors(lms):
    session = lms.launch(TINY_SCO, "index.html", "scorm2004")
    result = session.sco.evaluate("() => parent.API_1484_11.SetValue('cmi.completion_status', 'done')")
    assert result == "false"
    [failed] = session.failed_calls()
    assert failed["method"] == "SetValue"
    assert failed["error"] == "406"
    assert failed["diagnostic"]


def test_reports_missing_files(lms, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><script src="missing.js"></script></html>',
        encoding="utf-8",
    )
    session = lms.launch(tmp_path, "index.html", "scorm12")
    assert any("HTTP 404" in problem and problem.endswith("/missing.js") for problem in session.failed_requests)


def test_reports_uncaught_errors(lms, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><script>throw new Error("boom")</script></html>',
        encoding="utf-8",
    )
    session = lms.launch(tmp_path, "index.html", "scorm2004")
    assert any("boom" in error for error in session.console_errors)


def test_tiny_sco_has_no_axe_violations(lms):
    session = lms.launch(TINY_SCO, "index.html", "scorm2004")
    violations = session.run_axe()
    assert violations == [], format_violations(violations)


def test_axe_finds_violations_despite_strict_csp(lms, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><title>t</title>'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
        "</head><body><img></body></html>",
        encoding="utf-8",
    )
    session = lms.launch(tmp_path, "index.html", "scorm12")
    ids = {violation["id"] for violation in session.run_axe()}
    assert {"html-has-lang", "image-alt"} <= ids
