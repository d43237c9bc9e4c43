"""The ``coursepack`` command: output formats, flags and exit codes.

Exit status: 0 ok, 1 invalid course, 2 usage error, 3 internal error — never a traceback.
A few runs use a real process (subprocess) so the real exit code is checked; the rest run
``coursepack.cli.main`` in-process through click's CliRunner isolation (``run_coursepack``).
"""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lms.harness import skip_or_fail

import coursepack
from coursepack import load

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "courses" / "mini"
COURSEPACK = [sys.executable, "-m", "coursepack.cli"]


def run_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code] if code else COURSEPACK + list(args)
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("COURSEPACK_DEBUG", None)
    return subprocess.run(command, cwd=cwd or REPO, env=full_env, capture_output=True, text=True,
                          timeout=120)


def break_version(course: Path) -> None:
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "0.1"', "version: 1.0"),
                    encoding="utf-8")


def add_warning(course: Path) -> None:
    """Add an outcome nothing teaches or assesses: two warnings, no error."""
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    level: apply\n", "    level: apply\n  - id: LO3\n    text: Belum diajarkan.\n"), encoding="utf-8")


# --- real processes ----------------------------------------------------------------------------

def test_process_version():
    result = run_process("--version")
    assert result.returncode == 0
    assert result.stdout == f"coursepack, version {coursepack.__version__}\n"


def test_process_invalid_course_exits_1(mini_copy: Path):
    break_version(mini_copy)
    result = run_process("validate", "--course", "c", cwd=mini_copy.parent)
    assert result.returncode == 1
    assert result.stderr == ("c/course.yaml:5:10: 'version' must be text, but it is the number 1.0: put it in "
                             "quotes, e.g. \"1.0\"\n1 error(s), 0 warning(s): the course is invalid\n")
    assert result.stdout == ""


def test_process_unknown_exporter_exits_2(tmp_path: Path):
    result = run_process("build", "scorm", "--course", str(MINI), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr == ("coursepack: unknown exporter 'scorm': did you mean 'scorm12'? available: "
                             "cc, handbook, moodle, moodle-backup, scorm12, scorm2004\n")
    assert not (tmp_path / "out").exists()


def test_process_internal_error_exits_3_without_traceback():
    code = ("import coursepack.cli as c, coursepack.load as load\n"
            "def boom(*a, **k): raise KeyError('kaboom')\n"
            "load.load_course = boom\n"
            f"c.main(['validate', '--course', {str(MINI)!r}])\n")
    result = run_process(code=code)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr == ("coursepack: internal error: KeyError: 'kaboom'\nThis is a bug in coursepack; set "
                             "COURSEPACK_DEBUG=1 to see the traceback and report it.\n")


def test_process_debug_shows_the_traceback():
    code = ("import coursepack.cli as c, coursepack.load as load\n"
            "def boom(*a, **k): raise KeyError('kaboom')\n"
            "load.load_course = boom\n"
            f"c.main(['validate', '--course', {str(MINI)!r}])\n")
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "COURSEPACK_DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "KeyError: 'kaboom'" in result.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "coursepack"
    if not script.exists():
        skip_or_fail("coursepack is not installed as a console script in this environment (make installs it)")
    result = subprocess.run([str(script), "exporters"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["cc", "handbook", "moodle", "moodle-backup",
                                                                         "scorm12", "scorm2004"]


# --- in-process ----------------------------------------------------------------------------------

def test_exporters_lists_the_six_builtins(run_coursepack):
    result = run_coursepack("exporters")
    assert result.code == 0
    rows = [line.split(None, 1) for line in result.stdout.splitlines()]
    assert [name for name, _description in rows] == ["cc", "handbook", "moodle", "moodle-backup", "scorm12", "scorm2004"]
    assert len({line.index(description) for line, (_n, description) in zip(result.stdout.splitlines(), rows)}) == 1
    assert all(description.strip() for _name, description in rows)
    assert "SCORM 1.2" in dict(rows)["scorm12"] and "Moodle XML" in dict(rows)["moodle"]


def test_validate_valid_course(run_coursepack):
    result = run_coursepack("validate", "--course", str(MINI))
    assert result.code == 0
    assert result.stderr == ("0 error(s), 0 warning(s): the course is valid\n"
                             "mini-course: 2 modules, 3 lessons, 7 questions, 2 outcomes\n")
    assert result.stdout == ""


def test_quiet_prints_nothing_for_a_valid_course(run_coursepack):
    result = run_coursepack("--quiet", "validate", "--course", str(MINI))
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_still_prints_problems(mini_copy: Path, run_coursepack, monkeypatch):
    break_version(mini_copy)
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("-q", "validate", "--course", "c")
    assert result.code == 1
    assert result.stderr.startswith("c/course.yaml:5:10: 'version' must be text")


def test_json_format(mini_copy: Path, run_coursepack, monkeypatch):
    break_version(mini_copy)
    add_warning(mini_copy)
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("validate", "--course", "c", "--format", "json")
    assert result.code == 1
    assert result.stderr == ""
    problems = json.loads(result.stdout)
    assert problems == [{
        "path": "c/course.yaml", "line": 5, "col": 10, "severity": "error",
        "message": "'version' must be text, but it is the number 1.0: put it in quotes, e.g. \"1.0\"",
    }]


def test_json_format_warnings_and_strict(mini_copy: Path, run_coursepack, monkeypatch):
    add_warning(mini_copy)
    monkeypatch.chdir(mini_copy.parent)
    relaxed = run_coursepack("validate", "--course", "c", "--format", "json")
    strict = run_coursepack("validate", "--course", "c", "--format", "json", "--strict")
    assert (relaxed.code, strict.code) == (0, 1)
    assert relaxed.stdout == strict.stdout
    problems = json.loads(relaxed.stdout)
    assert [(p["path"], p["line"], p["col"], p["severity"]) for p in problems] == [
        ("c/course.yaml", 20, 9, "warning"), ("c/course.yaml", 20, 9, "warning")]
    assert all(set(p) == {"path", "line", "col", "message", "severity"} for p in problems)


def test_json_for_a_valid_course_is_an_empty_list(run_coursepack):
    result = run_coursepack("validate", "--course", str(MINI), "--format", "json")
    assert result.code == 0
    assert json.loads(result.stdout) == []


def test_json_keeps_non_ascii_text(mini_copy: Path, run_coursepack, monkeypatch):
    path = mini_copy / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Kursus Mini", "title: Kursus Mini âœ…"),
                    encoding="utf-8")
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("validate", "--course", "c", "--format", "json", "--strict")
    assert result.code == 1
    assert "'âœ…' is probably '✅'" in result.stdout
    assert json.loads(result.stdout)[0]["message"].startswith("text looks double-encoded")


def test_strict_turns_warnings_into_exit_1(mini_copy: Path, run_coursepack, monkeypatch):
    add_warning(mini_copy)
    monkeypatch.chdir(mini_copy.parent)
    relaxed = run_coursepack("validate", "--course", "c")
    strict = run_coursepack("validate", "--course", "c", "--strict")
    assert relaxed.code == 0
    assert relaxed.stderr.splitlines()[2] == "0 error(s), 2 warning(s): the course is valid"
    assert strict.code == 1
    assert strict.stderr.splitlines()[2] == ("0 error(s), 2 warning(s): the course is invalid "
                                             "(--strict: warnings count as errors)")


def test_missing_course_folder(tmp_path: Path, run_coursepack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_coursepack("validate", "--course", "nowhere")
    assert result.code == 1
    assert result.stderr.splitlines()[0] == ("nowhere: course folder not found: create it, or point to it "
                                             "with --course DIR")


def test_unknown_exporter_name_exits_2_with_the_list(run_coursepack, tmp_path: Path):
    result = run_coursepack("build", "pdf", "--course", str(MINI), "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert result.stderr == "coursepack: unknown exporter 'pdf': available: cc, handbook, moodle, moodle-backup, scorm12, scorm2004\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, message", [
    (["validate", "--bogus"], "No such option '--bogus'"),
    (["build"], "Missing argument 'NAMES...'"),
    (["validate", "--format", "xml"], "'xml' is not one of 'text', 'json'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_usage_errors_exit_2(run_coursepack, args, message):
    result = run_coursepack(*args)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_internal_error_exits_3(run_coursepack, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(load, "load_course", boom)
    monkeypatch.delenv("COURSEPACK_DEBUG", raising=False)
    result = run_coursepack("validate", "--course", str(MINI))
    assert result.code == 3
    assert result.stderr == ("coursepack: internal error: RuntimeError: simulated bug\nThis is a bug in "
                             "coursepack; set COURSEPACK_DEBUG=1 to see the traceback and report it.\n")


def test_internal_error_in_an_exporter_exits_3_and_writes_nothing(run_coursepack, monkeypatch, tmp_path):
    from coursepack.registry import discover_exporters

    moodle = discover_exporters()["moodle"]

    def boom(self, course, ctx):
        (ctx.out_dir / "half-written.xml").write_text("<quiz>")
        raise ValueError("exporter bug")

    monkeypatch.setattr(moodle, "export", boom)
    monkeypatch.delenv("COURSEPACK_DEBUG", raising=False)
    result = run_coursepack("build", "moodle", "--course", str(MINI), "--out", str(tmp_path / "out"))
    assert result.code == 3
    assert "moodle: internal error in the exporter: ValueError: exporter bug" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p for p in (tmp_path / "out").rglob("*") if not p.name.startswith(".")] == []


def test_bad_source_date_epoch_exits_2(run_coursepack, tmp_path: Path):
    result = run_coursepack("build", "moodle", "--course", str(MINI), "--out", str(tmp_path / "out"),
                            env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.code == 2
    assert result.stderr.endswith("coursepack: SOURCE_DATE_EPOCH must be a whole number of seconds since "
                                  "1970-01-01, got 'yesterday'\n")
    assert [p for p in (tmp_path / "out").rglob("*") if not p.name.startswith(".")] == []


def test_broken_course_build_writes_nothing_even_into_an_existing_out(mini_copy: Path, run_coursepack,
                                                                      tmp_path: Path):
    break_version(mini_copy)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.zip").write_bytes(b"previous build")
    result = run_coursepack("build", "all", "--course", str(mini_copy), "--out", str(out))
    assert result.code == 1
    assert sorted(p.name for p in out.iterdir()) == ["old.zip"]
    assert (out / "old.zip").read_bytes() == b"previous build"


# --- the output folder --------------------------------------------------------------------

@pytest.mark.parametrize("where", ["under-a-file", "not-permitted"])
def test_an_output_folder_that_cannot_be_created_is_a_usage_error(where, mini_copy, run_coursepack, tmp_path):
    if where == "under-a-file":
        (tmp_path / "afile").write_text("x")
        out, why = tmp_path / "afile" / "build", "Not a directory"
    else:
        out, why = Path("/sys/coursepack-test-out"), "Operation not permitted"   # refused even to root
        if not Path("/sys/kernel").is_dir():
            pytest.skip("no /sys on this system")
    result = run_coursepack("build", "moodle", "--course", str(mini_copy), "--out", str(out))
    assert result.code == 2, result
    assert result.stderr.strip().endswith(f"coursepack: cannot create the output folder {out}: {why}; choose "
                                          "another folder with --out")
    assert "internal error" not in result.stderr and "bug" not in result.stderr


# --- coursepack new ------------------------------------------------------------------------

def test_new_refuses_a_folder_that_is_not_empty(run_coursepack, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = run_coursepack("new", str(tmp_path / "mine"))
    assert result.code == 2
    assert "is a folder that is not empty" in result.stderr and "nothing of yours is overwritten" in result.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]      # no staging folder left behind


def test_new_refuses_an_empty_title(run_coursepack, tmp_path):
    result = run_coursepack("new", str(tmp_path / "x"), "--title", "  ")
    assert result.code == 2 and "the title is empty" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("language", ["en", "id"])
def test_new_writes_a_course_that_validates_with_no_problem(language, run_coursepack, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_coursepack("new", str(tmp_path / "empty"), "--language", language, "--title", "Café: Über 101")
    assert result.code == 0, result
    check = run_coursepack("validate", "--strict", "--course", str(tmp_path / "empty"), "--format", "json")
    assert check.code == 0 and json.loads(check.stdout) == [], check
    course = load.load_course(tmp_path / "empty")[0].course
    assert (course.id, course.title, course.language) == ("cafe-uber-101", "Café: Über 101", language)
    kinds = {q.kind for q in course.questions}
    assert kinds == {"single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay"}
    assert len(course.modules) == 2 and course.glossary and course.assets


def test_starter_lessons_use_every_documented_markdown_feature():
    text = "\n".join(p.read_text(encoding="utf-8")
                     for p in sorted((REPO / "coursepack" / "starter" / "en").rglob("*.md")))
    for feature, pattern in {"table": r"^\|.*\|$", "footnote": r"\[\^\w+\]:", "definition list": r"^: ",
                             "note": r"^!!! note", "tip": r"^!!! tip", "warning": r"^!!! warning",
                             "important": r"^!!! important", "figure": r'^!\[[^\]]+\]\([^)]+ "[^"]+"\)$',
                             "code": r"^```\w+", "heading": r"^## "}.items():
        assert re.search(pattern, text, re.M), feature
