"""The model handed to exporters is immutable all the way down, and built as documented."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import MappingProxyType

import pytest

from coursepack import model as m
from coursepack.load import load_course
from coursepack.registry import discover_exporters

MINI = Path(__file__).resolve().parent / "fixtures" / "courses" / "mini"


@pytest.fixture(scope="module")
def loaded():
    loaded, problems = load_course(MINI, discover_exporters())
    assert problems == []
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def course(loaded) -> m.Course:
    return loaded.course


def walk(value, seen=None):
    """Every dataclass instance reachable from ``value`` (through dataclass fields and tuples)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from walk(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list, set, dict)):
        for item in (value.values() if isinstance(value, dict) else value):
            yield from walk(item, seen)


def test_every_object_of_the_model_is_frozen(course: m.Course):
    objects = list(walk(course))
    kinds = {type(o).__name__ for o in objects}
    assert {"Course", "Module", "Lesson", "Quiz", "Choice", "Outcome", "Asset", "Heading",
            "Pair", "NumberAnswer", "TextAnswer", "Unit", "GlossaryEntry", "Completion", "Author"} <= kinds
    assert {cls.__name__ for cls in m.QUESTION_CLASSES.values()} <= kinds   # the sample asks every type
    for obj in objects:
        for f in dataclasses.fields(obj):
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(obj, f.name, getattr(obj, f.name))
        # slots: no new attributes either
        with pytest.raises((AttributeError, TypeError)):
            obj.extra_attribute = 1  # type: ignore[attr-defined]


def test_collections_are_tuples_never_lists(course: m.Course):
    for obj in walk(course):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            assert not isinstance(value, (list, dict, set)), f"{type(obj).__name__}.{f.name} is mutable"
            if isinstance(value, tuple):
                assert all(not isinstance(v, (list, dict, set)) for v in value)


def test_options_cannot_be_mutated(loaded):
    assert isinstance(loaded.options, MappingProxyType)
    with pytest.raises(TypeError):
        loaded.options["scorm12"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        del loaded.options["moodle"]  # type: ignore[attr-defined]
    options = loaded.options["scorm12"]
    with pytest.raises(Exception):  # pydantic's frozen model: ValidationError
        options.sco = "module"
    assert options.sco == "course"


def test_frozen_model_survives_a_change_attempt_on_a_copy(course: m.Course):
    lesson = course.lessons[0]
    changed = dataclasses.replace(lesson, title="Baru")
    assert changed.title == "Baru" and lesson.title == "Pengantar"


def test_mini_course_content(course: m.Course):
    assert course.id == "mini-course"
    assert course.date == dt.date(2026, 1, 15)
    assert [mod.id for mod in course.modules] == ["dasar", "lanjut"]
    assert [lesson.id for lesson in course.lessons] == ["dasar-pengantar", "dasar-istilah", "lanjut-penerapan"]
    assert [q.kind for q in course.questions] == ["single", "multiple", "truefalse", "shortanswer",
                                                  "numerical", "matching", "essay"]
    assert [q.number for q in course.questions] == [1, 2, 3, 4, 1, 2, 3]
    assert course.modules[0].quiz.title == "Kuis Dasar"
    assert course.modules[1].quiz.title == "Kuis: Lanjutan"   # Indonesian default title
    assert [g.term for g in course.glossary] == ["Inferensi", "Model"]  # sorted
    assert [a.path for a in course.assets] == ["assets/diagram.svg"]
    assert course.questions[1].image == course.assets[0]


def test_question_source_and_line_point_at_the_quiz_file(course: m.Course):
    located = [(q.source, q.line) for q in course.questions]
    assert located == [
        ("modules/01-dasar/quiz.yaml", 3), ("modules/01-dasar/quiz.yaml", 16),
        ("modules/01-dasar/quiz.yaml", 32), ("modules/01-dasar/quiz.yaml", 39),
        ("modules/02-lanjut/quiz.yaml", 2), ("modules/02-lanjut/quiz.yaml", 12),
        ("modules/02-lanjut/quiz.yaml", 24),
    ]
    for q in course.questions:
        text = (MINI / q.source).read_text(encoding="utf-8").splitlines()
        assert text[q.line - 1].strip() == f"- id: {q.id}"


def test_multiple_choice_default_weights(course: m.Course):
    q = course.questions[1]
    assert [c.weight for c in q.choices] == [50.0, 50.0, -50.0]
    single = course.questions[0]
    assert [c.weight for c in single.choices] == [100.0, 0.0, 0.0]


def test_numbers_and_units(course: m.Course):
    q = course.questions[4]
    assert [(a.value, a.tolerance, a.weight) for a in q.number_answers] == [(1200.0, 10.0, 100.0)]
    assert [(u.unit, u.multiplier) for u in q.units] == [("pertanyaan", 1.0)]
    assert q.auto_graded and not course.questions[6].auto_graded


def test_html_is_rendered_and_paths_are_course_relative(course: m.Course):
    html = course.lessons[0].html
    assert ('<figure class="figure"><img src="assets/diagram.svg" alt="Kotak biru dan kata Data">'
            "<figcaption>Gambar 1. Diagram sederhana</figcaption></figure>") in html
    assert "../../assets" not in html
    assert course.questions[0].stem_html == "<p>Apa fokus <strong>AI Engineer</strong>?</p>\n"
    assert course.questions[0].choices[0].html == "Integrasi model ke produk"


# --- edge cases of loading and rendering ----------------------------------------------------------

def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_explicit_module_order_wins_over_the_prefix(mini_copy: Path):
    edit(mini_copy / "course.yaml", "completion:", "modules: [02-lanjut, 01-dasar]\ncompletion:")
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    assert [(mod.id, mod.number, mod.folder) for mod in course.modules] == [
        ("lanjut", 1, "02-lanjut"), ("dasar", 2, "01-dasar")]
    assert course.lessons[0].id == "lanjut-penerapan"


def test_explicit_modules_may_name_folders_without_prefix(mini_copy: Path):
    (mini_copy / "modules" / "02-lanjut").rename(mini_copy / "modules" / "Lanjutan Praktis")
    edit(mini_copy / "course.yaml", "completion:", "modules: [01-dasar, Lanjutan Praktis]\ncompletion:")
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    assert [mod.id for mod in course.modules] == ["dasar", "lanjutan-praktis"]


def test_footnote_ids_are_unique_per_lesson(mini_copy: Path):
    edit(mini_copy / "modules/02-lanjut/01-penerapan.md", "per hari.", "per hari[^1].\n\n[^1]: Angka contoh.")
    loaded, _ = load_course(mini_copy)
    course = loaded.course
    import re
    ids = [i for lesson in course.lessons for i in re.findall(r'id="([^"]+)"', lesson.html)]
    assert "fn-dasar-pengantar-1" in ids and "fn-lanjut-penerapan-1" in ids
    assert len(ids) == len(set(ids)), "an id is used twice in the course"


def test_heading_anchors_are_unique_and_ascii(mini_copy: Path):
    edit(mini_copy / "modules/02-lanjut/01-penerapan.md", "## Contoh",
         "## Contoh\n\nSatu.\n\n## Contoh\n\nDua.\n\n## Ringkasan & Évaluasi\n\n### 🚀")
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    lesson = course.lessons[2]
    assert [(h.level, h.anchor) for h in lesson.headings] == [
        (2, "lanjut-penerapan-contoh"), (2, "lanjut-penerapan-contoh-2"),
        (2, "lanjut-penerapan-ringkasan-evaluasi"), (3, "lanjut-penerapan-section")]
    for h in lesson.headings:
        assert f'id="{h.anchor}"' in lesson.html


def test_image_without_title_is_not_a_figure(mini_copy: Path):
    edit(mini_copy / "modules/01-dasar/01-pengantar.md", ' "Gambar 1. Diagram sederhana")', ")")
    loaded, _ = load_course(mini_copy)
    course = loaded.course
    html = course.lessons[0].html
    assert "<figure" not in html
    assert '<p><img src="assets/diagram.svg" alt="Kotak biru dan kata Data"></p>' in html


def test_admonition_labels_follow_the_course_language(mini_copy: Path):
    edit(mini_copy / "modules/02-lanjut/01-penerapan.md", "## Contoh",
         "## Contoh\n\n!!! warning\n    Hati-hati.\n\n!!! important\n    Penting sekali.")
    loaded, _ = load_course(mini_copy)
    course = loaded.course
    html = course.lessons[0].html + course.lessons[2].html
    for label in ("Catatan", "Peringatan", "Penting"):
        assert f'<p class="admonition-title">{label}</p>' in html
    assert '<p class="admonition-title">Kiat</p>' in html   # an explicit title is kept
    edit(mini_copy / "course.yaml", "language: id", "language: en")
    english_loaded, _ = load_course(mini_copy)
    english = english_loaded.course
    assert '<p class="admonition-title">Note</p>' in english.lessons[0].html
    assert english.modules[1].quiz.title == "Quiz: Lanjutan"


def test_links_to_course_files_become_assets(mini_copy: Path):
    (mini_copy / "assets" / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    edit(mini_copy / "modules/02-lanjut/01-penerapan.md", "per hari.",
         "per hari ([data](../../assets/data.csv), [web](https://example.org), [atas](#contoh)).")
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    lesson = course.lessons[2]
    assert [a.path for a in lesson.assets] == ["assets/data.csv"]
    assert lesson.assets[0].media_type == "text/csv"
    assert '<a href="assets/data.csv">data</a>' in lesson.html
    assert '<a href="https://example.org">web</a>' in lesson.html
    assert '<a href="#contoh">atas</a>' in lesson.html
    assert [a.path for a in course.assets] == ["assets/data.csv", "assets/diagram.svg"]


def test_problems_never_stop_at_the_first(mini_copy: Path):
    edit(mini_copy / "course.yaml", 'version: "0.1"', "version: 1.0")
    edit(mini_copy / "modules/01-dasar/module.yaml", "title: Dasar-dasar", "titel: Dasar-dasar")
    edit(mini_copy / "modules/02-lanjut/quiz.yaml", "type: essay", "type: esay")
    loaded, problems = load_course(mini_copy, display_root="c")
    assert loaded is None
    assert [(p.path, p.line) for p in problems] == [
        ("c/course.yaml", 5), ("c/modules/01-dasar/module.yaml", 1), ("c/modules/02-lanjut/quiz.yaml", 25)]


def test_one_model_class_per_quiz_yaml_type():
    from coursepack.exporters.cc.qti import CANVAS_TYPE
    from coursepack.exporters.moodle.bank import QTYPE
    from coursepack.schema import QUESTION_TYPES

    assert tuple(m.QUESTION_CLASSES) == QUESTION_TYPES
    assert set(m.AnyQuestion.__args__) == set(m.QUESTION_CLASSES.values())
    assert set(QTYPE) == set(CANVAS_TYPE) == set(m.QUESTION_CLASSES.values())   # the formats' tables are whole
    for kind, cls in m.QUESTION_CLASSES.items():
        assert cls.kind == kind and issubclass(cls, m.Question)
        assert cls.auto_graded is (kind != "essay")
