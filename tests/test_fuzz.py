"""Fuzzing the loader: whatever the source files hold, ``load_course`` returns problems, never raises.

Mutations of the mini fixture's real files (byte flips, deletions, insertions of YAML and Markdown
special characters, truncation) plus arbitrary YAML data in each file kind. Deterministic
(``derandomize=True``), no example database, a few seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursepack.load import load_course
from coursepack.model import Course
from coursepack.problems import Problem
from coursepack.registry import discover_exporters

MINI = Path(__file__).resolve().parent / "fixtures" / "courses" / "mini"
FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*") if p.suffix in (".yaml", ".md"))
EXPORTERS = discover_exporters()

SPECIALS = [b"\t", b":", b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"<<: ", b"!!python/object ",
            b"!x ", b"'", b'"', b"\x00", b"\xff", b"\xc3", b"\r", b"\r\n", b"\n---\n", b"...", b"|", b">",
            b"#", b"%YAML 1.1\n", b"@", b"`", b"?", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"<script>", b"](",
            b"![x](../", b"[^1]", b"!!! note\n    ", b"\n    ", b"<a href='javascript:x'>", b"\\",
            b"1e999", b"0x1F", b"~", b"null", b"yes", b"2026-02-30", b"-" * 3, b"[" * 60]

SETTINGS = settings(max_examples=200, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FEWER = settings(SETTINGS, max_examples=80)


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "c"
    shutil.copytree(MINI, target)
    return target


def mutation():
    position = st.floats(min_value=0, max_value=1, allow_nan=False)
    return st.one_of(
        st.tuples(st.just("flip"), position, st.integers(min_value=1, max_value=255)),
        st.tuples(st.just("delete"), position, st.integers(min_value=1, max_value=40)),
        st.tuples(st.just("insert"), position, st.sampled_from(SPECIALS)),
        st.tuples(st.just("random"), position, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("truncate"), position, st.just(0)),
    )


def mutate(data: bytes, edits) -> bytes:
    for kind, where, arg in edits:
        i = int(where * len(data))
        if kind == "flip" and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([data[i] ^ arg]) + data[i + 1:]
        elif kind == "delete":
            data = data[:i] + data[i + arg:]
        elif kind in ("insert", "random"):
            data = data[:i] + arg + data[i:]
        elif kind == "truncate":
            data = data[:i]
    return data


def check_result(course_dir: Path, course, problems) -> None:
    assert course is None or isinstance(course, Course)
    assert all(isinstance(p, Problem) for p in problems)
    for p in problems:
        assert p.path.startswith("c"), p
        assert p.line >= 0 and p.col >= 0 and p.message.strip(), p
        assert p.severity in ("error", "warning")
    if course is None:
        assert any(p.severity == "error" for p in problems), "no model, but no error either"


@SETTINGS
@given(file=st.sampled_from(FILES), edits=st.lists(mutation(), min_size=1, max_size=4))
def test_mutated_files_never_crash_the_loader(course_dir: Path, file: str, edits):
    path = course_dir / file
    original = (MINI / file).read_bytes()
    path.write_bytes(mutate(original, edits))
    try:
        loaded, problems = load_course(course_dir, EXPORTERS, display_root="c")
        course = loaded.course if loaded else None
        check_result(course_dir, course, problems)
    finally:
        path.write_bytes(original)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
    | st.dates(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "title", "type", "text", "choices", "correct", "weight",
                                       "answers", "pairs", "left", "right", "outcomes", "questions",
                                       "image", "value", "tolerance", "units", "term", "definition",
                                       "exporters", "scorm12", "sco", "modules", "x"]) | st.text(max_size=8),
                      children, max_size=5),
    max_leaves=25,
)


@FEWER
@given(file=st.sampled_from(FILES), data=yaml_values)
def test_arbitrary_yaml_data_never_crashes_the_loader(course_dir: Path, file: str, data):
    path = course_dir / file
    original = (MINI / file).read_bytes()
    text = yaml.safe_dump(data, allow_unicode=True)
    if file.endswith(".md"):
        text = f"---\n{text}---\n\nIsi.\n"
    path.write_text(text, encoding="utf-8")
    try:
        loaded, problems = load_course(course_dir, EXPORTERS, display_root="c")
        course = loaded.course if loaded else None
        check_result(course_dir, course, problems)
    finally:
        path.write_bytes(original)


@FEWER
@given(body=st.lists(st.sampled_from(list("ab #*_-[]()!<>`|:\n\\^~=\"'/.") + [
    "![", "](", "[^", "!!! ", "    ", "<b>", "</b>", "<!--", "javascript:", "../", "http://x"]),
    max_size=120).map("".join))
def test_arbitrary_markdown_never_crashes_the_renderer(course_dir: Path, body: str):
    path = course_dir / "modules/02-lanjut/01-penerapan.md"
    original = (MINI / "modules/02-lanjut/01-penerapan.md").read_bytes()
    path.write_text("---\ntitle: Acak\n---\n\n" + body + "\n", encoding="utf-8")
    try:
        loaded, problems = load_course(course_dir, EXPORTERS, display_root="c")
        course = loaded.course if loaded else None
        check_result(course_dir, course, problems)
        if course is not None:
            assert "<script" not in course.lessons[2].html
    finally:
        path.write_bytes(original)
