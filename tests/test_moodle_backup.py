"""The Moodle course backup exporter without a Moodle: structure, ids, links, options, rules,
same source → same bytes, and the check catching a broken backup.

Expected values come from the course sources (the loaded model), never from the backup itself.
The restore in a real Moodle is tested in test_moodle_backup_lms.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import courses
from coursepack.exporters.moodle.text import category_idnumber, question_name
from coursepack.exporters.moodle_backup import MoodleBackupOptions
from coursepack.exporters.moodle_backup.archive import read_mbz
from coursepack.exporters.moodle_backup.checks import backup_problems, preflight_backup
from courses import load
from test_moodle import moodle_bad_without_bell

HERE = Path(__file__).parent
REPO = HERE.parent
COURSES = HERE / "fixtures" / "courses"
SAMPLE = REPO / "course"
MINI = COURSES / "mini"
REFUSED = {"moodle-bad"}          # fixtures whose questions Moodle cannot take (see test_moodle.py)
QTYPE = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "shortanswer": "shortanswer",
         "numerical": "numerical", "matching": "match", "essay": "essay"}


def build(loaded, out: Path, **options) -> Path:
    """The one backup the exporter publishes (``options``: MoodleBackupOptions)."""
    (path,) = courses.build("moodle-backup", loaded, out, MoodleBackupOptions(**options) if options else None)
    return path


def xml(members: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(members[name])


def course_cases():
    cases = [pytest.param(SAMPLE, id="sample")]
    cases += [pytest.param(f, id=f.name) for f in sorted(COURSES.iterdir()) if f.is_dir() and f.name not in REFUSED]
    return cases


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    loaded = load(SAMPLE)
    path = build(loaded, tmp_path_factory.mktemp("sample"))
    return loaded.course, path, read_mbz(path)


def test_output_name_and_the_files_restore_reads(sample):
    course, path, members = sample
    assert path.name == f"{course.id}-moodle-backup.mbz"
    for name in ("moodle_backup.xml", "files.xml", "questions.xml", "gradebook.xml", "completion.xml", "roles.xml",
                 "users.xml", "course/course.xml", "course/inforef.xml", "course/enrolments.xml"):
        assert name in members, name
    info = xml(members, "moodle_backup.xml").find("information")
    assert (info.findtext("backup_version"), info.findtext("backup_release")) == ("2024100700", "4.5")
    assert info.findtext("details/detail/type") == "course" and info.findtext("details/detail/format") == "moodle2"
    assert members["moodle_backup.xml"].startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<moodle_backup>')
    assert xml(members, "users.xml").find("user") is None
    assert backup_problems(members) == []


def test_sections_and_activities_follow_the_modules(sample):
    course, _, members = sample
    info = xml(members, "moodle_backup.xml").find("information")
    sections = info.findall("contents/sections/section")
    assert [s.findtext("title") for s in sections] == [str(n) for n in range(len(course.modules) + 1)]
    names = [xml(members, f"{s.findtext('directory')}/section.xml").findtext("name") for s in sections]
    assert names == ["$@NULL@$"] + [m.title for m in course.modules]
    by_cmid = {a.findtext("moduleid"): a for a in info.iterfind("contents/activities/activity")}
    for section, module in zip(sections[1:], course.modules):
        sequence = xml(members, f"{section.findtext('directory')}/section.xml").findtext("sequence").split(",")
        got = [(by_cmid[c].findtext("modulename"), by_cmid[c].findtext("title")) for c in sequence]
        want = [("page", lesson.title) for lesson in module.lessons]
        want += [("quiz", module.quiz.title)] if module.quiz else []
        assert got == want
    general = xml(members, f"{sections[0].findtext('directory')}/section.xml").findtext("sequence")
    assert by_cmid[general].findtext("modulename") == "glossary"
    summary = xml(members, f"{sections[1].findtext('directory')}/section.xml").findtext("summary")
    assert all(o.id in summary and o.text in summary for o in course.modules[0].outcomes)


def test_course_fields_come_from_the_source(sample):
    course, _, members = sample
    root = xml(members, "course/course.xml")
    assert root.findtext("shortname") == course.id and root.findtext("fullname") == course.title
    assert root.findtext("lang") == course.language and root.findtext("format") == "topics"
    assert root.findtext("enablecompletion") == "1"
    import datetime as dt
    start = dt.datetime(course.date.year, course.date.month, course.date.day, tzinfo=dt.timezone.utc)
    assert root.findtext("startdate") == str(int(start.timestamp()))


def test_pages_carry_their_images_in_their_own_file_area(sample):
    course, _, members = sample
    records = {f.get("id"): f for f in xml(members, "files.xml").iterfind("file")}
    pages = [n for n in members if n.endswith("/page.xml")]
    assert len(pages) == len(course.lessons)
    lessons = {lesson.title: lesson for lesson in course.lessons}
    for name in pages:
        root = xml(members, name)
        lesson = lessons[root.findtext("page/name")]
        content = root.findtext("page/content")
        assert 'src="assets/' not in content
        images = [a for a in lesson.assets if a.media_type.startswith("image/")]
        assert len(re.findall(r'src="@@PLUGINFILE@@/', content)) >= len(images)
        refs = [i.text for i in xml(members, name.replace("page.xml", "inforef.xml")).iterfind("fileref/file/id")]
        stored = {records[r].findtext("filename"): records[r] for r in refs}
        assert set(re.findall(r'@@PLUGINFILE@@/([^"]+)"', content)) == set(stored)
        for asset in images:
            record = next(r for r in stored.values() if r.findtext("contenthash") == hashlib.sha1(
                asset.source.read_bytes()).hexdigest())
            assert (record.findtext("component"), record.findtext("filearea"), record.findtext("itemid"),
                    record.findtext("contextid")) == ("mod_page", "content", "0", root.get("contextid"))


def test_questions_are_the_moodle_exporters(sample):
    course, _, members = sample
    root = xml(members, "questions.xml")
    categories = root.findall("question_category")
    assert [c.findtext("name") for c in categories[:2]] == ["top", course.title]
    quizzes = [m for m in course.modules if m.quiz]
    for category, module in zip(categories[2:], quizzes):
        assert category.findtext("name") == module.title
        assert category.findtext("idnumber") == category_idnumber(course, module)
        questions = category.findall(".//question")
        assert [q.findtext("qtype") for q in questions] == [QTYPE[q.kind] for q in module.quiz.questions]
        assert [q.findtext("name") for q in questions] == [question_name(q, 2) for q in module.quiz.questions]
        assert [e.findtext("idnumber") for e in category.iter("question_bank_entry")] == \
            [q.id for q in module.quiz.questions]
        assert [float(q.findtext("defaultmark")) for q in questions] == [q.points for q in module.quiz.questions]


def test_quiz_slots_marks_and_pass_grade(sample):
    course, _, members = sample
    quizzes = sorted((n for n in members if n.endswith("/quiz.xml")), key=lambda n: int(n.split("_")[1].split("/")[0]))
    modules = [m for m in course.modules if m.quiz]
    assert len(quizzes) == len(modules)
    entries = {e.get("id"): e.findtext("idnumber") for e in xml(members, "questions.xml").iter("question_bank_entry")}
    for name, module in zip(quizzes, modules):
        root = xml(members, name)
        slots = root.findall(".//question_instance")
        assert [entries[s.findtext("question_reference/questionbankentryid")] for s in slots] == \
            [q.id for q in module.quiz.questions]
        assert [float(s.findtext("maxmark")) for s in slots] == [q.points for q in module.quiz.questions]
        points = sum(q.points for q in module.quiz.questions)
        assert float(root.findtext("quiz/grade")) == float(root.findtext("quiz/sumgrades")) == points
        assert root.findtext(".//sections/section/shufflequestions") == ("1" if module.quiz.shuffle else "0")
        item = xml(members, name.replace("quiz.xml", "grades.xml")).find(".//grade_item")
        assert float(item.findtext("gradepass")) == pytest.approx(points * course.completion.mastery_score / 100)
        module_xml = xml(members, name.replace("quiz.xml", "module.xml"))
        assert (module_xml.findtext("completion"), module_xml.findtext("completionpassgrade")) == ("2", "1")


def test_completion_follows_completion_require(tmp_path):
    loaded = load(MINI)
    course = loaded.course
    only_quiz = dataclasses.replace(course, completion=dataclasses.replace(course.completion, require=("quiz",),
                                                                         mastery_score=0))
    members = read_mbz(build(dataclasses.replace(loaded, course=only_quiz), tmp_path))
    modules = {n: xml(members, n) for n in members if n.endswith("/module.xml")}
    for name, root in modules.items():
        kind = root.findtext("modulename")
        assert root.findtext("completion") == ("2" if kind == "quiz" else "0"), name
        if kind == "quiz":       # mastery 0: one submitted attempt completes it
            assert xml(members, name.replace("module.xml", "quiz.xml")).findtext("quiz/completionminattempts") == "1"
            assert root.findtext("completionpassgrade") == "0"
    criteria = xml(members, "completion.xml").findall("course_completion_criteria")
    assert [c.findtext("module") for c in criteria] == ["quiz"] * len([m for m in course.modules if m.quiz])


def test_glossary_entries(sample):
    course, _, members = sample
    (name,) = [n for n in members if n.endswith("/glossary.xml")]
    entries = xml(members, name).findall(".//entry")
    assert [e.findtext("concept") for e in entries] == [g.term for g in course.glossary]


def test_lesson_links_become_restore_links(tmp_path):
    loaded = load(MINI)
    course = loaded.course
    first, second = course.modules[0].lessons[:2]
    linked = dataclasses.replace(first, html=first.html + f'<p><a href="{second.source}">next</a></p>',
                                 assets=first.assets + (dataclasses.replace(first.assets[0], path=second.source),))
    module = dataclasses.replace(course.modules[0], lessons=(linked,) + course.modules[0].lessons[1:])
    course = dataclasses.replace(course, modules=(module,) + course.modules[1:])
    for lessons, pattern in (("page", r"\$@PAGEVIEWBYID\*(\d+)@\$"), ("book", r"\$@BOOKVIEWBYIDCH\*(\d+)\*(\d+)@\$")):
        members = read_mbz(build(dataclasses.replace(loaded, course=course), tmp_path / lessons, lessons=lessons))
        texts = b"".join(members[n] for n in members if n.endswith(("/page.xml", "/book.xml"))).decode()
        assert second.source not in texts
        assert re.search(pattern, texts), lessons
        assert backup_problems(members) == []


def test_book_option_gives_one_book_per_module(tmp_path):
    loaded = load(SAMPLE)
    course = loaded.course
    members = read_mbz(build(loaded, tmp_path, lessons="book"))
    books = [xml(members, n) for n in sorted(members) if n.endswith("/book.xml")]
    assert [b.findtext("book/name") for b in books] == [m.title for m in course.modules if m.lessons]
    assert not [n for n in members if n.endswith("/page.xml")]
    chapters = [[c.findtext("title") for c in b.iterfind("book/chapters/chapter")] for b in books]
    assert chapters == [[lesson.title for lesson in m.lessons] for m in course.modules if m.lessons]
    assert backup_problems(members) == []


@pytest.mark.parametrize("course_dir", course_cases())
def test_every_fixture_builds_a_backup_that_checks(tmp_path, course_dir):
    loaded = load(course_dir)
    course = loaded.course
    members = read_mbz(build(loaded, tmp_path))
    assert backup_problems(members) == []
    assert len(list(xml(members, "questions.xml").iter("question"))) == len(course.questions)


def test_the_refused_fixture_is_refused_with_the_moodle_rules(tmp_path):
    loaded = load(moodle_bad_without_bell(tmp_path))
    problems = [p for p in preflight_backup(loaded.course, loaded.root) if p.severity == "error"]
    assert problems and all("quiz.yaml" in p.path for p in problems)


def test_same_source_same_bytes_and_fixed_archive_metadata(tmp_path, monkeypatch):
    loaded = load(MINI)
    course = loaded.course
    one = build(loaded, tmp_path / "a").read_bytes()
    two = build(loaded, tmp_path / "b").read_bytes()
    assert one == two
    assert one[4:8] == b"\0\0\0\0"             # gzip header: no timestamp
    with tarfile.open(fileobj=io.BytesIO(one), mode="r:gz") as archive:
        members = archive.getmembers()
    names = [m.name for m in members]
    assert names[0] == "moodle_backup.xml" and names[1:] == sorted(names[1:])
    import datetime as dt
    midnight = int(dt.datetime(course.date.year, course.date.month, course.date.day, tzinfo=dt.timezone.utc).timestamp())
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {(midnight, 0, 0, "", "", 0o644)}
    assert gzip.decompress(one)[:17] == b"moodle_backup.xml"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    other = read_mbz(build(loaded, tmp_path / "c"))
    assert xml(other, "moodle_backup.xml").findtext("information/backup_date") == "1700000000"


def broken(members: dict[str, bytes], name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    assert old in members[name], (name, old)
    return {**members, name: members[name].replace(old, new, 1)}


def test_the_check_catches_a_broken_backup(sample):
    _, _, members = sample
    pooled = next(n for n in members if n.startswith("files/"))
    page = next(n for n in members if n.endswith("/page.xml") and b"@@PLUGINFILE@@" in members[n])
    quiz = next(n for n in members if n.endswith("/quiz.xml"))
    cases = {
        "missing pool file": ({k: v for k, v in members.items() if k != pooled}, "has no files/"),
        "changed pool file": ({**members, pooled: members[pooled] + b" "}, "SHA-1 or size differs"),
        "image without record": (broken(members, page, b"@@PLUGINFILE@@/", b"@@PLUGINFILE@@/x"), "has no files.xml record"),
        "slot without entry": (broken(members, quiz, b"<questionbankentryid>", b"<questionbankentryid>9"),
                               "which questions.xml lacks"),
        "4.4 backup": (broken(members, "moodle_backup.xml", b"2024100700", b"2024042200"), "backup version"),
        "not XML": ({**members, "gradebook.xml": b"<gradebook>"}, "not well-formed"),
        "no insubsection": (broken(members, "moodle_backup.xml", b"<insubsection></insubsection>", b""),
                            "lacks <insubsection>"),
        "missing module.xml": ({k: v for k, v in members.items() if not k.endswith(quiz.replace("quiz.xml", "module.xml"))},
                               "module.xml is missing"),
        "a user": (broken(members, "users.xml", b"<users/>", b"<users><user id='2'/></users>"), "holds users"),
        "link to no page": (broken(members, page, b"@@PLUGINFILE@@/", b"$@PAGEVIEWBYID*9999@$ @@PLUGINFILE@@/"),
                            "link to page 9999, which the backup lacks"),
    }
    for what, (damaged, message) in cases.items():
        problems = backup_problems(damaged)
        assert any(message in p for p in problems), (what, problems)


def test_long_names_are_refused_at_their_file(tmp_path):
    course = load(MINI).course
    module = dataclasses.replace(course.modules[0], title="M" * 300)
    course = dataclasses.replace(course, id="x" * 120, modules=(module,) + course.modules[1:])
    messages = [(p.path.rsplit("/", 1)[-1], p.message) for p in preflight_backup(course, MINI)]
    assert any(path == "module.yaml" and "course section" in m for path, m in messages), messages
    assert any(path == "course.yaml" and "short name" in m for path, m in messages), messages


def test_the_questions_follow_the_moodle_exporters_options(tmp_path):
    """The backup's questions are the Moodle XML bank's: the ``moodle`` exporter's options (read
    beside the backup's own) set their numbering and unit penalty, in both."""
    from coursepack.exporters.moodle import MoodleOptions

    loaded = load(MINI)
    changed = dataclasses.replace(loaded, options={**loaded.options,
                                                   "moodle": MoodleOptions(answernumbering="IIII", unitpenalty=0.5)})
    for what, source, numbering, unitpenalty in (("default", loaded, "abc", "0.1000000"),
                                                 ("changed", changed, "IIII", "0.5000000")):
        questions = xml(read_mbz(build(source, tmp_path / what)), "questions.xml")
        assert {n.text for n in questions.iter("answernumbering")} == {numbering}, what
        assert {n.text for n in questions.iter("unitpenalty")} == {unitpenalty}, what
        (bank,) = courses.build("moodle", source, tmp_path / f"{what}-bank")
        assert f"<answernumbering>{numbering}</answernumbering>" in bank.read_text(encoding="utf-8"), what


def test_options_are_validated(run_coursepack, mini_copy):
    source = mini_copy / "course.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "exporters:\n  moodle-backup:\n    lessons: wiki\n",
                      encoding="utf-8")
    result = run_coursepack("validate", "--course", str(mini_copy))
    assert result.code == 1
    assert "course.yaml:" in result.stdout + result.stderr and "lessons" in result.stdout + result.stderr


def test_golden_backup_of_the_mini_course(tmp_path, golden):
    """The mini course's backup as a golden folder (``tests/golden/moodle-backup/mini``): the member
    list in archive order, and the XML files that say what the course is, byte for byte."""
    members = read_mbz(build(load(MINI), tmp_path))
    golden.check_text("moodle-backup/mini/members.txt", "".join(f"{name}\n" for name in members).encode())
    wanted = ["moodle_backup.xml", "course/course.xml", "questions.xml", "completion.xml", "gradebook.xml",
              "files.xml"]
    wanted += [n for n in members if n.endswith(("/quiz.xml", "/page.xml", "/module.xml", "/section.xml",
                                                 "/glossary.xml"))]
    for name in wanted:
        golden.check_text(f"moodle-backup/mini/{name}", members[name])


def test_the_check_refuses_what_is_not_a_backup_archive(tmp_path):
    from coursepack.exporters.moodle_backup.checks import check_backup

    good = build(load(MINI), tmp_path / "out")
    data = gzip.decompress(good.read_bytes())
    cases = {"not gzip": b"PK\x03\x04 a zip", "truncated": gzip.compress(data[:len(data) // 2], mtime=0),
             "bad checksum": gzip.compress(data[:150] + b"9" + data[151:], mtime=0)}
    for what, damaged in cases.items():
        path = tmp_path / f"{what}.mbz"
        path.write_bytes(damaged)
        problems = check_backup(path)
        assert problems and "not a gzip-compressed tar archive" in problems[0].message, (what, problems)
    assert read_mbz(good) == {m.name: tarfile.open(good).extractfile(m).read()
                              for m in tarfile.open(good).getmembers()}


# --- the SCORM activity (scorm: course | module) ----------------------------------------------

def with_scorm12(loaded, **options):
    """``loaded`` with ``exporters: scorm12:`` options, which the backup's package follows."""
    from coursepack.exporters.scorm import ScormOptions

    return dataclasses.replace(loaded, options={**loaded.options, "scorm12": ScormOptions(**options)})


def scorm_activities(members: dict[str, bytes]) -> list[etree._Element]:
    """The SCORM activities moodle_backup.xml lists, in its order."""
    info = xml(members, "moodle_backup.xml")
    return [a for a in info.iterfind("information/contents/activities/activity") if a.findtext("modulename") == "scorm"]


@pytest.mark.parametrize("sco", ["course", "module"])
def test_the_course_scorm_package_is_the_scorm12_exporters(tmp_path, sco):
    loaded = with_scorm12(load(MINI), sco=sco)
    path = build(loaded, tmp_path / "mbz", scorm="course")
    members = read_mbz(path)
    (zip_path,) = courses.build("scorm12", loaded, tmp_path / "zip")
    package = zip_path.read_bytes()
    files = xml(members, "files.xml")
    records = {(f.findtext("filearea"), f.findtext("filepath") + f.findtext("filename")): f.findtext("contenthash")
               for f in files.iterfind("file") if f.findtext("component") == "mod_scorm"}
    assert records[("package", f"/{loaded.course.id}-scorm12.zip")] == hashlib.sha1(package).hexdigest()
    assert members[f"files/{hashlib.sha1(package).hexdigest()[:2]}/{hashlib.sha1(package).hexdigest()}"] == package
    with zipfile.ZipFile(zip_path) as archive:
        entries = {("content", f"/{n}"): hashlib.sha1(archive.read(n)).hexdigest() for n in archive.namelist()}
    assert {k: v for k, v in records.items() if k[0] == "content"} == entries
    # one SCORM activity, last in section 0, listed and set to be restored
    scorms = scorm_activities(members)
    assert [(a.findtext("title"), a.findtext("sectionid")) for a in scorms] == [(loaded.course.title, "1")]
    section = xml(members, "sections/section_1/section.xml")
    assert section.findtext("sequence").split(",")[-1] == scorms[0].findtext("moduleid")
    scorm = xml(members, f"{scorms[0].findtext('directory')}/scorm.xml")
    items = [s.findtext("identifier") for s in scorm.iter("sco")]
    modules = loaded.course.modules
    assert items == [f"ORG-{loaded.course.id}"] + ([f"ITEM-{m.id}" for m in modules] if sco == "module"
                                                   else [f"ITEM-{loaded.course.id}"])
    assert scorm.findtext("scorm/sha1hash") == hashlib.sha1(package).hexdigest()
    grades = xml(members, f"{scorms[0].findtext('directory')}/grades.xml")
    assert grades.findtext("grade_items/grade_item/itemmodule") == "scorm"
    assert grades.findtext("grade_items/grade_item/gradepass") == f"{loaded.course.completion.mastery_score:.5f}"
    completion = xml(members, "completion.xml")
    assert "scorm" not in {c.findtext("module") for c in completion.iter("course_completion_criteria")}
    assert backup_problems(members) == []


def test_a_scorm_package_per_module_holds_that_module(tmp_path):
    loaded = with_scorm12(load(MINI), sco="module")
    members = read_mbz(build(loaded, tmp_path / "mbz", scorm="module"))
    scorms = scorm_activities(members)
    modules = loaded.course.modules
    assert [a.findtext("title") for a in scorms] == [m.title for m in modules]
    for activity, module in zip(scorms, modules):
        scorm = xml(members, f"{activity.findtext('directory')}/scorm.xml")
        assert [s.findtext("launch") for s in scorm.iter("sco")] == ["", f"{module.id}.html"]
        assert scorm.findtext("scorm/reference") == f"{loaded.course.id}-scorm12-{module.id}.zip"
        section = xml(members, f"sections/section_{module.number + 1}/section.xml")
        assert section.findtext("sequence").split(",")[-1] == activity.findtext("moduleid")
    assert backup_problems(members) == []


def test_the_scorm_option_keeps_the_backup_reproducible_and_the_other_ids(tmp_path):
    loaded = load(MINI)
    path = build(loaded, tmp_path / "a", scorm="module")
    assert path.read_bytes() == build(loaded, tmp_path / "b", scorm="module").read_bytes()
    plain, with_scorm = read_mbz(build(loaded, tmp_path / "c")), read_mbz(path)
    # the SCORM activities come after every other one: the others keep their folders and bytes
    for name, data in plain.items():
        if name.startswith("activities/"):
            assert with_scorm[name] == data, name


def test_the_check_catches_a_scorm_without_its_files(tmp_path):
    members = read_mbz(build(load(MINI), tmp_path, scorm="course"))
    scorm = next(n for n in members if n.endswith("/scorm.xml"))
    no_launch = broken(members, scorm, b"<launch>index.html</launch>", b"<launch>start.html</launch>")
    assert any("launches start.html, which mod_scorm/content lacks" in p for p in backup_problems(no_launch))
    no_package = broken(members, scorm, b"-scorm12.zip</reference>", b"-other.zip</reference>")
    assert any("has no files.xml record in mod_scorm/package" in p for p in backup_problems(no_package))


def test_the_scorm_option_is_validated_with_a_suggestion(run_coursepack, mini_copy):
    source = mini_copy / "course.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "exporters:\n  moodle-backup:\n    scorm: modul\n",
                      encoding="utf-8")
    result = run_coursepack("validate", "--course", str(mini_copy))
    out = result.stdout + result.stderr
    assert result.code == 1
    assert re.search(r"course\.yaml:\d+:\d+: exporters.moodle-backup: 'scorm' must be one of", out), out
    assert "did you mean 'module'?" in out, out


@pytest.mark.parametrize("where", ["lesson text", "lesson title", "glossary term"])
def test_control_characters_are_refused_by_the_core_rule_at_their_line(run_coursepack, mini_copy, where):
    """The backup has no control-character rule of its own: the core's (every output's) refuses
    them at their line before the backup is built."""
    lesson = next(mini_copy.glob("modules/*/*.md"))
    if where == "lesson text":
        target = lesson
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nBel \x07 di sini.\n", encoding="utf-8")
    elif where == "lesson title":
        target = lesson
        text = lesson.read_text(encoding="utf-8")
        title = re.search(r"^title: (.+)$", text, re.M)
        lesson.write_text(text.replace(title.group(0), f'title: "{title.group(1)} \\a"', 1), encoding="utf-8")
    else:
        target = mini_copy / "glossary.yaml"
        text = target.read_text(encoding="utf-8")
        term = re.search(r"term: (.+)$", text, re.M)
        target.write_text(text.replace(term.group(0), f'term: "{term.group(1)} \\x07"', 1), encoding="utf-8")
    out_dir = mini_copy.parent / "out"
    result = run_coursepack("build", "moodle-backup", "--course", str(mini_copy), "--out", str(out_dir))
    out = result.stdout + result.stderr
    assert result.code == 1, out
    assert re.search(re.escape(target.name) + r":\d+:\d+: .*control character U\+0007", out), out
    assert not list(out_dir.glob("*.mbz"))


def test_the_scorm_packages_own_rules_apply_only_with_the_option():
    """With ``scorm: course | module`` the scorm12 exporter's preflight is the backup's too (a
    package it would refuse cannot go in); without it, only Moodle's rules apply."""
    from coursepack.exporter import SourceContext
    from coursepack.exporters.moodle_backup import MoodleBackupExporter

    loaded = load(MINI)
    course = loaded.course
    module = next(m for m in course.modules if m.quiz and any(q.kind == "multiple" for q in m.quiz.questions))
    q = next(q for q in module.quiz.questions if q.kind == "multiple")
    many = tuple(dataclasses.replace(q.choices[-1], correct=False, weight=0) for _ in range(40))
    wide = dataclasses.replace(q, choices=q.choices + many)
    quiz = dataclasses.replace(module.quiz, questions=tuple(wide if x is q else x for x in module.quiz.questions))
    course = dataclasses.replace(course, modules=tuple(dataclasses.replace(m, quiz=quiz) if m is module else m
                                                       for m in course.modules))
    exporter = MoodleBackupExporter()

    def messages(scorm: str) -> list[str]:
        ctx = SourceContext(MoodleBackupOptions(scorm=scorm), MINI, all_options=loaded.options)
        return [p.message for p in exporter.preflight(course, ctx)]

    assert not any("SCORM 1.2 interactions allow at most" in m for m in messages("none"))
    for scorm in ("course", "module"):
        assert any(f"question '{q.id}'" in m and "SCORM 1.2 interactions allow at most" in m
                   for m in messages(scorm)), scorm
