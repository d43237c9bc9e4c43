"""Building: atomic publish, failure isolation, Ctrl-C, parallel exporters, incremental
rebuilds and byte-for-byte reproducibility."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lms.harness import skip_or_fail

from coursepack.run import ExportResult, run_exporter, run_exporters, source_date
from coursepack.exporter import Export, Exporter
from coursepack.load import load_course
from coursepack.problems import SourceDateError, error
from coursepack.registry import discover_exporters

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
CP = [sys.executable, "-m", "coursepack.cli"]


@pytest.fixture(scope="module")
def loaded():
    loaded, problems = load_course(MINI, discover_exporters())
    assert loaded is not None, problems
    return loaded


@pytest.fixture(scope="module")
def course(loaded):
    return loaded.course


class WritesThenFailsCheck(Exporter):
    name = "failing"
    suffix = ".txt"

    def export(self, course, ctx):
        path = ctx.output(self.output_name(course))
        path.write_text("half a file")
        return Export((path,))

    def check(self, export, ctx):
        return [error(self.name, 0, 0, "the output is broken")]


class WritesText(Exporter):
    name = "text"
    suffix = ".txt"

    def export(self, course, ctx):
        path = ctx.output(self.output_name(course))
        path.write_text(f"{course.title}\n")
        return Export((path,))


class Interrupted(Exporter):
    name = "interrupted"
    suffix = ".txt"

    def export(self, course, ctx):
        ctx.output(self.output_name(course)).write_text("partial")
        raise KeyboardInterrupt


class WritesOutside(Exporter):
    name = "escaper"
    suffix = ".txt"

    def export(self, course, ctx):
        path = ctx.out_dir.parent.parent / "escaped.txt"
        path.write_text("x")
        return Export((path,))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_failed_check_keeps_the_previous_good_output(course, loaded, tmp_path):
    previous = tmp_path / f"{course.id}-failing.txt"
    previous.write_text("last good build")
    result = run_exporter(WritesThenFailsCheck, loaded, tmp_path, lambda m: None)
    assert result.paths == () and "the output is broken" in result.problems[0].message
    assert previous.read_text() == "last good build"
    assert leftovers(tmp_path) == []


def test_one_failing_exporter_does_not_stop_the_others(course, loaded, tmp_path):
    results = run_exporters([WritesThenFailsCheck, WritesText], loaded, tmp_path,
                            lambda name: (lambda m: None), jobs=2)
    assert [r.name for r in results] == ["failing", "text"]
    assert results[0].paths == ()
    assert results[1].paths == (tmp_path / f"{course.id}-text.txt",)
    assert (tmp_path / f"{course.id}-text.txt").read_text() == "Kursus Mini\n"
    assert not (tmp_path / f"{course.id}-failing.txt").exists()
    assert leftovers(tmp_path) == []


def test_interrupt_during_export_leaves_no_partial_file(course, loaded, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run_exporter(Interrupted, loaded, tmp_path, lambda m: None)
    assert list(tmp_path.iterdir()) == []


def test_exporter_writing_outside_its_folder_is_refused(course, loaded, tmp_path):
    out = tmp_path / "a" / "b"
    result = run_exporter(WritesOutside, loaded, out, lambda m: None)
    assert result.paths == ()
    assert "outside its staging folder" in result.problems[0].message


def test_crashing_exporter_is_reported_not_raised(course, loaded, tmp_path):
    class Crashes(WritesText):
        name = "crashes"

        def export(self, course, ctx):
            raise ZeroDivisionError("boom")

    (result,) = run_exporters([Crashes], loaded, tmp_path, lambda name: (lambda m: None))
    assert result.crashed and "ZeroDivisionError: boom" in result.problems[0].message


def test_source_date_epoch_is_honoured_and_checked(course):
    assert source_date(course, {"SOURCE_DATE_EPOCH": "1700000000"}).isoformat() == "2023-11-14T22:13:20+00:00"
    assert source_date(course, {}).isoformat() == "2026-01-15T00:00:00+00:00"
    with pytest.raises(SourceDateError):
        source_date(course, {"SOURCE_DATE_EPOCH": "yesterday"})


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(CP + list(args), capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_ctrl_c_leaves_no_partial_file(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    out = tmp_path / "out"
    process = subprocess.Popen(CP + ["build", "handbook", "--course", str(course), "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and any(out.iterdir())):
        time.sleep(0.05)   # wait until the staging folder exists: the export is under way
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert list(out.iterdir()) == []


def test_bad_source_date_epoch_is_a_usage_error(tmp_path):
    result = run_cli("build", "moodle", "--course", str(MINI), "--out", str(tmp_path / "out"),
                     env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
def test_incremental_rebuild(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    out = tmp_path / "out"
    first = run_cli("build", "moodle", "handbook", "--course", str(course), "--out", str(out))
    assert first.returncode == 0, first.stderr
    outputs = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    second = run_cli("build", "moodle", "handbook", "--course", str(course), "--out", str(out))
    assert second.returncode == 0 and "up to date: moodle, handbook" in second.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == outputs
    lesson = course / "modules" / "01-dasar" / "02-istilah.md"
    lesson.write_text(lesson.read_text() + "\nKalimat baru.\n")
    third = run_cli("build", "moodle", "handbook", "--course", str(course), "--out", str(out))
    assert third.returncode == 0, third.stderr
    assert "moodle: up to date" in third.stderr       # lessons are not in the question bank
    assert "handbook: " in third.stderr and "handbook: up to date" not in third.stderr
    changed = run_cli("build", "moodle", "--course", str(course), "--out", str(out),
                      env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "up to date" not in changed.stderr


def build_all(course: Path, out: Path, env: dict | None = None, faketime: str | None = None) -> dict[str, bytes]:
    prefix = ["faketime", faketime] if faketime else []
    result = subprocess.run(prefix + CP + ["build", "all", "--force", "--course", str(course), "--out", str(out)],
                            capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
    assert result.returncode == 0, result.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


@pytest.mark.slow
@pytest.mark.parametrize("env", [{}, {"SOURCE_DATE_EPOCH": "1767225600"}], ids=["course-date", "epoch"])
def test_two_builds_in_different_folders_at_different_times_are_identical(tmp_path, env):
    if shutil.which("faketime") is None:
        skip_or_fail("faketime is not installed (Debian package faketime)")
    first = tmp_path / "one" / "course"
    second = tmp_path / "two" / "elsewhere" / "course"
    shutil.copytree(MINI, first)
    shutil.copytree(MINI, second)
    a = build_all(first, tmp_path / "one" / "build", env)
    b = build_all(second, tmp_path / "two" / "out", env, faketime="2031-07-04 12:34:56")
    assert sorted(a) == sorted(b) and len(a) >= 4
    for name in a:
        assert a[name] == b[name], f"{name} differs between the two builds"


def test_atomic_writes_get_the_usual_file_mode(tmp_path):
    """mkstemp creates 0600 files: the build state (and anything else written atomically) was
    unreadable to the group, unlike every other file the build writes."""
    from coursepack.run import write_atomic

    mask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "state.json", b"{}")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644
