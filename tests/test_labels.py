"""Interface words: every built-in table covers every language with the same keys and fields;
course.yaml's ``labels`` overrides are validated with the place and a fix, and reach the outputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coursepack.exporter import exporter_labels
from coursepack.exporters.scorm import plan_scos
from coursepack.labels import CORE_LABELS, LANGUAGES, check_overrides, placeholders, resolve_labels
from coursepack.load import load_course
from courses import EXPORTERS, MINI, build, load

TABLES = {"core": CORE_LABELS, **{f"{name}:{i}": table for name, cls in EXPORTERS.items()
                                  for i, table in enumerate(cls.labels)}}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_to_course_yaml(course: Path, text: str) -> None:
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def messages(problems) -> list[str]:
    return [p.format() for p in problems]


# --- the tables ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_key(name: str, language: str):
    table = TABLES[name]
    assert language in table, f"table {name} has no '{language}' words"
    assert set(table[language]) == set(table["en"]), (
        f"{name}/{language} lacks {sorted(set(table['en']) - set(table[language]))}, "
        f"has extra {sorted(set(table[language]) - set(table['en']))}")


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_fields(name: str, language: str):
    table = TABLES[name]
    for key, english in table["en"].items():
        text = table[language][key]
        assert text.strip() == text and text, f"{name}/{language}/{key} is empty or padded"
        assert placeholders(text) == placeholders(english), f"{name}/{language}/{key}: {text!r}"
        if key.endswith("_months"):
            assert len(text.split(",")) == 12


def test_translations_are_not_english_copies():
    # a language that copied the English table would pass the key test; at least half must differ
    for name, table in TABLES.items():
        for language in LANGUAGES[1:]:
            same = [k for k, v in table[language].items() if v == table["en"][k]]
            assert len(same) <= len(table["en"]) // 2, f"{name}/{language} keeps English for {same}"


def test_no_key_is_defined_by_two_tables():
    seen: dict[str, int] = {}
    for table in {id(t): t for t in TABLES.values()}.values():     # scorm12 and scorm2004 share one
        for key in table["en"]:
            assert seen.setdefault(key, id(table)) == id(table), f"'{key}' is in two tables"


def test_resolution_order_and_fallback():
    table = {"en": {"a": "A", "b": "B"}, "pt": {"a": "Á", "b": "É"}, "pt-BR": {"b": "Ê"}}
    assert dict(resolve_labels("pt-BR", (table,))) == {"a": "Á", "b": "Ê"}
    assert dict(resolve_labels("PT", (table,))) == {"a": "Á", "b": "É"}
    assert dict(resolve_labels("sw", (table,))) == {"a": "A", "b": "B"}
    assert dict(resolve_labels("pt", (table,), {"a": "x", "zzz": "ignored"})) == {"a": "x", "b": "É"}


def test_each_exporter_gets_the_core_words_and_its_own():
    course = load(MINI).course
    scorm = exporter_labels(EXPORTERS["scorm12"], course)
    assert scorm["next"] == "Berikutnya" and scorm["contents"] == "Daftar Isi"
    assert "handbook_kicker" not in scorm and "moodle_correct" not in scorm
    handbook = exporter_labels(EXPORTERS["handbook"], course)
    assert handbook["handbook_kicker"] == "Buku Pegangan" and "next" not in handbook


# --- overrides in course.yaml ------------------------------------------------------------------

def test_overrides_reach_the_scorm_page_and_the_model(mini_copy: Path, tmp_path: Path):
    edit(mini_copy / "course.yaml", "language: id", "language: fr")
    add_to_course_yaml(mini_copy, 'labels:\n  next: "Continuer"\n  note: "À savoir"\n  quiz: "Évaluation"\n')
    loaded = load(mini_copy)
    course = loaded.course
    assert '<p class="admonition-title">À savoir</p>' in course.lessons[0].html
    assert course.modules[1].quiz.title.startswith("Évaluation: ")
    [path] = build("scorm12", loaded, tmp_path / "out")
    with zipfile.ZipFile(path) as archive:
        page = archive.read(plan_scos(course, "course")[0].href).decode()
    assert "Continuer" in page and ">Suivant<" not in page
    assert "Précédent" in page and "Valider mes réponses" in page and "Aller au contenu" in page


def test_an_unknown_label_is_an_error_with_the_near_miss(mini_copy: Path):
    add_to_course_yaml(mini_copy, 'labels:\n  next: "Lanjut"\n  sumbit: "Kirim"\n')
    course, problems = load_course(mini_copy, EXPORTERS, display_root="c")
    assert course is None
    lines = (mini_copy / "course.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "sumbit" in text)
    assert messages(problems) == [f"c/course.yaml:{line}:3: unknown label 'sumbit' — did you mean "
                                  "'submit'?"]


def test_an_override_must_keep_the_fields(mini_copy: Path):
    add_to_course_yaml(mini_copy, 'labels:\n  points_other: "{count} poin"\n  minutes: "menit"\n'
                       '  handbook_months: "Jan,Feb"\n  page_of: "{page"\n')
    course, problems = load_course(mini_copy, EXPORTERS, display_root="c")
    assert course is None
    found = messages(problems)
    assert len(found) == 4, found
    assert "label 'points_other' must use {n}, as the built-in text '{n} points' does (found {count})" in found[0]
    assert "label 'minutes' must use {n}" in found[1] and "(found none)" in found[1]
    assert "twelve month names separated by commas (found 2)" in found[2]
    assert "unpaired '{' or '}'" in found[3]


def test_check_overrides_accepts_every_built_in_text():
    for table in TABLES.values():
        for language in LANGUAGES:
            assert check_overrides(table[language], [table]) == []
