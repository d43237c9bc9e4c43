"""``coursepack schema`` writes JSON Schemas that editors use; they must agree with the loader.

Every YAML file of the sample course (``course/``) and of the mini fixture must be valid
against them, and broken files must be rejected. YAML dates are turned into ISO strings first,
as an editor's YAML language server sees them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema  # test extra: "jsonschema" (add it to pyproject's [test])
import pytest
import yaml

from coursepack.sources import split_front_matter

REPO = Path(__file__).resolve().parent.parent
COURSES = {"sample": REPO / "course", "mini": REPO / "tests" / "fixtures" / "courses" / "mini"}
KINDS = ["course", "module", "lesson-front-matter", "quiz", "glossary"]


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> dict[str, dict]:
    from click.testing import CliRunner

    from coursepack.cli import cli

    out = tmp_path_factory.mktemp("schema")
    result = CliRunner().invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{kind}.schema.json" for kind in KINDS)
    assert result.stdout.splitlines() == [str(out / f"{kind}.schema.json") for kind in KINDS]
    return {kind: json.loads((out / f"{kind}.schema.json").read_text(encoding="utf-8")) for kind in KINDS}


def as_json(value):
    """YAML data as a JSON-minded editor sees it: dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def source_files(root: Path) -> list[tuple[str, str, object]]:
    """(kind, file, data) for every YAML document of a course, lesson front matter included."""
    found = [("course", "course.yaml", yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8")))]
    if (root / "glossary.yaml").exists():
        found.append(("glossary", "glossary.yaml",
                      yaml.safe_load((root / "glossary.yaml").read_text(encoding="utf-8"))))
    for module in sorted(p for p in (root / "modules").iterdir() if p.is_dir()):
        rel = module.relative_to(root).as_posix()
        found.append(("module", f"{rel}/module.yaml",
                      yaml.safe_load((module / "module.yaml").read_text(encoding="utf-8"))))
        if (module / "quiz.yaml").exists():
            found.append(("quiz", f"{rel}/quiz.yaml",
                          yaml.safe_load((module / "quiz.yaml").read_text(encoding="utf-8"))))
        for lesson in sorted(module.glob("*.md")):
            front, _body, _line = split_front_matter(lesson.read_text(encoding="utf-8"))
            found.append(("lesson-front-matter", f"{rel}/{lesson.name}", yaml.safe_load(front)))
    return [(kind, name, as_json(data)) for kind, name, data in found]


def validator(schema: dict):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_schemas_are_valid_json_schema(schemas):
    for kind, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{kind}.schema.json")
        validator(schema)


@pytest.mark.parametrize("name", sorted(COURSES))
def test_course_files_are_valid_against_the_schemas(schemas, name):
    root = COURSES[name]
    if not (root / "course.yaml").exists():
        pytest.fail(f"{root} has no course.yaml")
    files = source_files(root)
    kinds = {kind for kind, _f, _d in files}
    assert kinds == set(KINDS), f"{name} does not use every file kind"
    for kind, file, data in files:
        errors = sorted(validator(schemas[kind]).iter_errors(data), key=lambda e: list(e.path))
        assert not errors, f"{name}/{file}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


BROKEN = [
    ("course", "version is a number", lambda d: d.update(version=1.0)),
    ("course", "unknown key titel", lambda d: d.update(titel=d.pop("title"))),
    ("course", "no outcomes", lambda d: d.update(outcomes=[])),
    ("course", "outcome id with a space", lambda d: d["outcomes"][0].update(id="LO 1")),
    ("course", "mastery over 100", lambda d: d.update(completion={"mastery_score": 120})),
    ("course", "exporter option typo", lambda d: d.update(exporters={"scorm12": {"scoo": "module"}})),
    ("course", "exporter option value", lambda d: d.update(exporters={"scorm12": {"sco": "lesson"}})),
    ("course", "not a date", lambda d: d.update(date="15.01.2026")),
    ("quiz", "unknown question type", lambda d: d["questions"][0].update(type="singel")),
    ("quiz", "negative tolerance", lambda d: d["questions"][0]["answers"][0].update(tolerance=-1)),
    ("quiz", "matching with one pair", lambda d: d["questions"][1].update(pairs=d["questions"][1]["pairs"][:1])),
    ("quiz", "no questions", lambda d: d.update(questions=[])),
    ("module", "title missing", lambda d: d.pop("title")),
    ("lesson-front-matter", "minutes as words", lambda d: d.update(minutes="lima")),
    ("glossary", "term without definition", lambda d: d[0].pop("definition")),
]


@pytest.mark.parametrize("kind, what, breaks", BROKEN, ids=[b[1] for b in BROKEN])
def test_broken_files_are_rejected_by_the_schema(schemas, kind, what, breaks):
    mini = COURSES["mini"]
    candidates = [d for k, f, d in source_files(mini) if k == kind and (kind != "quiz" or "02-lanjut" in f)]
    data = candidates[0]
    assert validator(schemas[kind]).is_valid(data)
    breaks(data)
    assert not validator(schemas[kind]).is_valid(data), f"the schema accepts a file with: {what}"


def test_schema_and_loader_agree_on_a_broken_file(schemas, mini_copy: Path):
    """The same broken quiz is rejected by the loader and by the schema."""
    from coursepack.load import load_course

    quiz = mini_copy / "modules/01-dasar/quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: single", "type: singel"), encoding="utf-8")
    loaded, problems = load_course(mini_copy)
    assert loaded is None and "unknown question type 'singel'" in problems[0].message
    data = as_json(yaml.safe_load(quiz.read_text(encoding="utf-8")))
    assert not validator(schemas["quiz"]).is_valid(data)
