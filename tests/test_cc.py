"""The Common Cartridge exporter: XSD-valid manifest and QTI, every href present, question types
mapped as documented, warnings for the types outside the profile, same source → same bytes, and
the mini course's cartridge as a golden folder (``tests/golden/cc/mini``; ``goldens.py``).

Expected values come from the course sources (the loaded model), never from the cartridge.
"""

from __future__ import annotations

import dataclasses
import html
import io
import os
import posixpath
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from lxml import etree

from coursepack.exporters import CC11_MANIFEST_XSD, CC11_QTI_XSD
from coursepack.exporters.cc import CcOptions, CommonCartridgeExporter
from coursepack.exporters.cc.checks import cartridge_problems
from coursepack.exporters.cc.qti import BANK_TYPE, CANVAS_TYPE, PROFILE
from coursepack.exporter import SourceContext
from coursepack.references import package_path
from coursepack.exporters.xsd import validate_xml
from courses import MINI, REPO, SAMPLE, build, buildable_courses, load
from strategies import course_specs
from test_properties import examples, export, loaded

CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def cartridge(loaded, out: Path, **options) -> Path:
    """The one ``.imscc`` file the exporter publishes (``options``: CcOptions)."""
    (path,) = build("cc", loaded, out, CcOptions(**options) if options else None)
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    loaded = load(SAMPLE)
    course = loaded.course
    path = cartridge(loaded, tmp_path_factory.mktemp("cc"))
    return course, zipfile.ZipFile(path)


def manifest(archive: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(archive.read("imsmanifest.xml"))


@pytest.mark.parametrize("folder", buildable_courses())
def test_every_file_validates_and_every_href_is_present(folder, tmp_path):
    loaded = load(folder)
    course = loaded.course
    path = cartridge(loaded, tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        data = archive.read("imsmanifest.xml")
        assert validate_xml(CC11_MANIFEST_XSD, data) == []
        root = etree.fromstring(data)
        hrefs = {f.get("href") for f in root.iter(f"{CP}file")}
        assert hrefs | {"imsmanifest.xml"} == names          # every file declared, every declared file there
        qti = [r.find(f"{CP}file").get("href") for r in root.iter(f"{CP}resource")
               if r.get("type").startswith("imsqti")]
        assert len(qti) == sum(1 for m in course.modules if m.quiz and any(
            type(q) in PROFILE for q in m.quiz.questions)) + (1 if course.questions else 0)
        for href in qti:
            assert validate_xml(CC11_QTI_XSD, archive.read(href)) == [], href
        # a question's image is in web_resources/, linked as $IMS-CC-FILEBASE$/<path>
        for question in course.questions:
            if question.image is not None:
                name = package_path(question.image.path)
                assert archive.read(f"web_resources/{name}") == question.image.source.read_bytes()
                if type(question) in PROFILE:
                    module = next(m for m in course.modules if m.quiz and question in m.quiz.questions)
                    text = archive.read(f"assessments/{module.id}-quiz.xml").decode()
                    assert f'src="$IMS-CC-FILEBASE$/{name}"' in html.unescape(text)
        assert cartridge_problems(archive, path.name) == []
        # every lesson and every course file it uses is in the cartridge
        for lesson in course.lessons:
            page = next(n for n in names if n.startswith("wiki_content/") and n.endswith(f"{lesson.id}.html"))
            tree = etree.HTML(archive.read(page))
            assert tree.findtext(".//h1") == lesson.title
            for asset in lesson.assets:
                if not asset.path.endswith(".md"):
                    assert f"web_resources/{package_path(asset.path)}" in names
                    assert archive.read(f"web_resources/{package_path(asset.path)}") == asset.source.read_bytes()


def test_golden_cartridge(tmp_path, golden):
    """The mini course's cartridge, every member, as the other exporters' goldens are."""
    golden.check_archive("cc/mini", cartridge(load(MINI), tmp_path).read_bytes())


def test_organization_follows_the_course(sample):
    course, archive = sample
    root = manifest(archive)
    resources = {r.get("identifier"): r for r in root.iter(f"{CP}resource")}
    (org,) = root.iter(f"{CP}organization")
    assert org.get("structure") == "rooted-hierarchy"
    (top,) = org.findall(f"{CP}item")
    modules = [i for i in top.findall(f"{CP}item") if i.get("identifierref") is None]
    assert [i.findtext(f"{CP}title") for i in modules] == [m.title for m in course.modules]
    for item, module in zip(modules, course.modules):
        titles = [i.findtext(f"{CP}title") for i in item.findall(f"{CP}item")]
        expected = [module.title] + [lesson.title for lesson in module.lessons]
        if module.quiz and any(type(q) in PROFILE for q in module.quiz.questions):
            expected.append(module.quiz.title)
        assert titles == expected
        kinds = [resources[i.get("identifierref")].get("type") for i in item.findall(f"{CP}item")]
        assert kinds[:-1] == ["webcontent"] * (len(expected) - 1)
        assert kinds[-1] == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
    glossary = top.findall(f"{CP}item")[-1]
    assert resources[glossary.get("identifierref")].get("href") == "wiki_content/glossary.html"
    text = archive.read("wiki_content/glossary.html").decode()
    assert all(e.term.split(" (")[0] in text for e in course.glossary)


def test_lom_metadata(sample):
    course, archive = sample
    lom = manifest(archive).find(f"{CP}metadata/{LOM}lom")
    assert lom.findtext(f"{LOM}general/{LOM}title/{LOM}string") == course.title
    assert lom.findtext(f"{LOM}general/{LOM}language") == course.language
    assert lom.findtext(f"{LOM}general/{LOM}description/{LOM}string") == course.description
    assert [k.text for k in lom.iter(f"{LOM}keyword")] == [] or \
        [k.findtext(f"{LOM}string") for k in lom.iter(f"{LOM}keyword")] == list(course.keywords)
    ids = {i.findtext(f"{LOM}catalog"): i.findtext(f"{LOM}entry") for i in lom.iter(f"{LOM}identifier")}
    assert ids == {"coursepack": course.id, "version": course.version}
    assert lom.findtext(f"{LOM}rights/{LOM}description/{LOM}string") == course.licence
    taxa = [(t.findtext(f"{LOM}id"), t.findtext(f"{LOM}entry/{LOM}string")) for t in lom.iter(f"{LOM}taxon")]
    assert taxa == [(o.id, o.text) for o in course.outcomes]


def test_module_pages_list_their_outcomes(sample):
    course, archive = sample
    for module in course.modules:
        text = archive.read(f"wiki_content/{module.id}-overview.html").decode()
        for outcome in module.outcomes:
            assert f"<strong>{outcome.id}</strong>" in text


def test_lesson_images_media_and_links_resolve_inside_the_cartridge(sample):
    course, archive = sample
    names = set(archive.namelist())
    seen = 0
    for lesson in course.lessons:
        page = f"wiki_content/{lesson.id}.html"
        tree = etree.HTML(archive.read(page))
        for img in tree.iter("img", "video", "audio", "track"):
            target = Path("wiki_content", img.get("src")).as_posix()
            assert posixpath.normpath(target) in names, (page, img.get("src"))
            seen += 1
        assert "src=\"assets/" not in archive.read(page).decode()
    assert seen == sum(1 for lesson in course.lessons for a in lesson.assets
                       if a.media_type.startswith(("image/", "video/", "audio/")) or a.media_type == "text/vtt")
    assert any(a.media_type == "video/mp4" for lesson in course.lessons for a in lesson.assets)


def test_lesson_links_point_at_pages(tmp_path):
    loaded = load(SAMPLE)
    course = loaded.course
    lesson = course.lessons[0]
    other = course.lessons[1]
    linked = dataclasses.replace(lesson, html=lesson.html + f'<p><a href="{other.source}">next</a></p>')
    module = dataclasses.replace(course.modules[0], lessons=(linked,) + course.modules[0].lessons[1:])
    course = dataclasses.replace(course, modules=(module,) + course.modules[1:])
    with zipfile.ZipFile(cartridge(dataclasses.replace(loaded, course=course), tmp_path)) as archive:
        text = archive.read(f"wiki_content/{lesson.id}.html").decode()
        assert f'<a href="{other.id}.html">next</a>' in text
        assert cartridge_problems(archive, "x") == []


def test_filebase_links(tmp_path):
    loaded = load(SAMPLE)
    course = loaded.course
    with zipfile.ZipFile(cartridge(loaded, tmp_path, file_links="filebase")) as archive:
        lesson = next(lesson for lesson in course.lessons if lesson.assets)
        text = archive.read(f"wiki_content/{lesson.id}.html").decode()
        assert f'src="$IMS-CC-FILEBASE$/{lesson.assets[0].path}"' in text
        assert cartridge_problems(archive, "x") == []


def items_by_id(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {i.get("ident"): i for i in root.iter(f"{QTI}item")}


def field(item: etree._Element, label: str) -> str | None:
    for f in item.iter(f"{QTI}qtimetadatafield"):
        if f.findtext(f"{QTI}fieldlabel") == label:
            return f.findtext(f"{QTI}fieldentry")
    return None


def test_question_types_as_documented(sample):
    course, archive = sample
    root = manifest(archive)
    (bank,) = [r for r in root.iter(f"{CP}resource") if r.get("type") == BANK_TYPE]
    bank_items = items_by_id(archive.read(bank.find(f"{CP}file").get("href")))
    assert len(bank_items) == len(course.questions)
    for module in course.modules:
        quiz_items = items_by_id(archive.read(f"assessments/{module.id}-quiz.xml"))
        assert list(quiz_items) == [f"Q_{q.id}" for q in module.quiz.questions if type(q) in PROFILE]
    for question in course.questions:
        item = bank_items[f"Q_{question.id}"]
        assert field(item, "cc_profile") == PROFILE.get(type(question), CANVAS_TYPE[type(question)])
        assert field(item, "question_type") == CANVAS_TYPE[type(question)]
        assert float(field(item, "cc_weighting")) == question.points
        right = [c for c in item.iter(f"{QTI}respcondition") if c.findtext(f"{QTI}setvar") == "100"]
        if question.kind in ("single", "truefalse"):
            labels = [lab.get("ident") for lab in item.iter(f"{QTI}response_label")]
            (condition,) = right
            (chosen,) = [v.text for v in condition.iter(f"{QTI}varequal")]
            if question.kind == "single":
                assert chosen == f"c{[c.correct for c in question.choices].index(True) + 1}"
                assert len(labels) == len(question.choices)
            else:
                assert labels == ["true", "false"] and chosen == ("true" if question.answer else "false")
            # the right answer is the first scoring condition (readers stop there)
            conditions = [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}conditionvar/{QTI}other") is None]
            assert conditions[0] is condition
        elif question.kind == "multiple":
            (condition,) = right
            wanted = {f"c{i}" for i, c in enumerate(question.choices, start=1) if c.correct}
            direct = {v.text for v in condition.findall(f"{QTI}conditionvar/{QTI}and/{QTI}varequal")}
            negated = {v.text for v in condition.findall(f"{QTI}conditionvar/{QTI}and/{QTI}not/{QTI}varequal")}
            assert direct == wanted and len(direct | negated) == len(question.choices)
        elif question.kind == "shortanswer":
            (condition,) = right
            values = [v.text for v in condition.iter(f"{QTI}varequal")]
            assert values == [a.text.strip() for a in question.text_answers if a.weight >= 100]
            assert {v.get("case") for v in condition.iter(f"{QTI}varequal")} == \
                {"Yes" if question.case_sensitive else "No"}
        elif question.kind == "numerical":
            values = [float(v.text) for v in item.iter(f"{QTI}varequal")]
            assert values == [a.value for a in question.number_answers]
            assert item.find(f".//{QTI}render_fib").get("fibtype") == "Decimal"
        elif question.kind == "matching":
            assert len(item.findall(f"{QTI}presentation/{QTI}response_lid")) == len(question.pairs)
        elif question.kind == "essay":
            assert item.find(f".//{QTI}response_str") is not None and not right
        if question.feedback_html.strip():
            assert item.find(f"{QTI}itemfeedback[@ident='general_fb']") is not None


def test_numerical_and_matching_are_warned_about_by_name():
    loaded = load(SAMPLE)
    course = loaded.course
    problems = CommonCartridgeExporter().preflight(course, SourceContext(CcOptions(), loaded.root))
    outside = [q for q in course.questions if q.kind in ("numerical", "matching")]
    assert outside, "the sample course has numerical and matching questions"
    assert len(problems) == len(outside)
    for problem, question in zip(problems, outside):
        assert problem.severity == "warning"
        assert f"question '{question.id}' is {question.kind}" in problem.message
        assert problem.line == question.line


def test_same_source_same_bytes(tmp_path):
    loaded = load(SAMPLE)
    course = loaded.course
    first = cartridge(loaded, tmp_path / "a").read_bytes()
    second = cartridge(load(SAMPLE), tmp_path / "b").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(course.date.year, course.date.month, course.date.day, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_check_finds_a_missing_file_and_an_undeclared_one(sample, tmp_path):
    _, archive = sample
    broken = tmp_path / "broken.imscc"
    with zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            if name != "wiki_content/glossary.html":
                out.writestr(name, archive.read(name))
        out.writestr("stray.txt", b"x")
    with zipfile.ZipFile(broken) as again:
        messages = [p.message for p in cartridge_problems(again, "broken.imscc")]
    assert any("declares 'wiki_content/glossary.html'" in m for m in messages)
    assert any("'stray.txt' is in the cartridge but not declared" in m for m in messages)


def test_check_finds_an_invalid_qti_file(sample, tmp_path):
    _, archive = sample
    broken = tmp_path / "broken.imscc"
    with zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            data = archive.read(name)
            if name.startswith("assessments/"):
                data = data.replace(b'action="Set"', b'action="Add"', 1)
            out.writestr(name, data)
    with zipfile.ZipFile(broken) as again:
        messages = [p.message for p in cartridge_problems(again, "broken.imscc")]
    assert any("does not validate against the QTI 1.2 profile schema" in m and "'Add'" in m for m in messages)


def test_make_cc_target_exists():
    text = (REPO / "Makefile").read_text()
    assert "\ncc: $(STAMP)\n\t$(CP) build cc " in text


def test_build_cc_warns_validate_does_not(run_coursepack, tmp_path):
    """The warnings concern the cartridge alone: `build cc` prints them (and --strict refuses),
    `validate` and `build all` leave them out, so --strict runs of the other outputs still pass."""
    loaded = load(SAMPLE)
    course = loaded.course
    outside = [q for q in course.questions if q.kind in ("numerical", "matching")]
    built = run_coursepack("build", "cc", "--course", str(SAMPLE), "--out", str(tmp_path / "a"))
    assert built.code == 0
    warned = [line for line in built.stderr.splitlines() if ": warning: question '" in line]
    assert [line.split("question '")[1].split("'")[0] for line in warned] == [q.id for q in outside]
    strict = run_coursepack("build", "cc", "--strict", "--course", str(SAMPLE), "--out", str(tmp_path / "b"))
    assert strict.code == 1 and not (tmp_path / "b" / f"{course.id}-cc.imscc").exists()
    validated = run_coursepack("validate", "--course", str(SAMPLE))
    assert validated.code == 0 and "Common Cartridge" not in validated.stderr


@examples(30)
@given(spec=course_specs())
def test_generated_courses_give_valid_cartridges(spec):
    """Random valid courses (tests/strategies.py): the cartridge passes its own check (XSDs,
    hrefs, links), the bank holds every question and each quiz the profile's ones, in order."""
    with loaded(spec) as (loaded_course, tmp):
        course = loaded_course.course
        (path,) = export("cc", loaded_course, tmp / "out")
        with zipfile.ZipFile(path) as archive:
            assert cartridge_problems(archive, path.name) == []
            root = manifest(archive)
            banks = [r for r in root.iter(f"{CP}resource") if r.get("type") == BANK_TYPE]
            if course.questions:
                (bank,) = banks
                items = items_by_id(archive.read(bank.find(f"{CP}file").get("href")))
                assert list(items) == [f"Q_{q.id}" for q in course.questions]
            else:
                assert banks == []
            for module in course.modules:
                kept = [f"Q_{q.id}" for q in (module.quiz.questions if module.quiz else ()) if type(q) in PROFILE]
                name = f"assessments/{module.id}-quiz.xml"
                if kept:
                    assert list(items_by_id(archive.read(name))) == kept
                else:
                    assert name not in archive.namelist()


def test_check_finds_a_question_image_that_is_missing(sample, tmp_path):
    course, archive = sample
    question = next(q for q in course.questions if q.image is not None and type(q) in PROFILE)
    missing = f"web_resources/{package_path(question.image.path)}"
    broken = tmp_path / "broken.imscc"
    with zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "imsmanifest.xml":
                data = data.replace(f'<file href="{missing}"/>'.encode(), b"")
            if name != missing:
                out.writestr(name, data)
    with zipfile.ZipFile(broken) as again:
        messages = [p.message for p in cartridge_problems(again, "broken.imscc")]
    assert any(f"points at '{missing}', which the cartridge lacks" in m and m.startswith("assessments/")
               for m in messages), messages


@pytest.mark.slow
def test_vendored_schemas_are_moodles_copies():
    """exporters/schemas/cc11/ holds unmodified copies of backup/cc/schemas11/ in Moodle 4.5.6."""
    import tarfile

    from coursepack.exporters import SCHEMA_DIR
    from lms.harness import skip_or_fail

    archive = Path(os.environ.get("COURSEPACK_MOODLE_SHARED") or REPO.parent / "shared" / "moodle") / \
        "moodle-4.5.6.tar.xz"
    if not archive.is_file():
        skip_or_fail(f"no Moodle source at {archive}")
    vendored = {p.name: p.read_bytes() for p in (SCHEMA_DIR / "cc11").iterdir()}
    found = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name.startswith("moodle/backup/cc/schemas11/") and member.name.rsplit("/", 1)[-1] in vendored:
                found[member.name.rsplit("/", 1)[-1]] = tar.extractfile(member).read()
    assert found == vendored
