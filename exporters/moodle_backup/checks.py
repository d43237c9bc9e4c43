"""What a Moodle course backup cannot carry (preflight), and the check of a written ``.mbz``.

The questions go through the ``moodle`` exporter's own rules (the same questions, the same
limits). Beyond them: names longer than Moodle's columns (characters XML cannot hold are the
core's rule, ``checks.check_characters`` and the Markdown loader, for every output).
The check reads the archive back as restore would: ``moodle_backup.xml`` and its version,
every listed section and activity with its files, every XML file well-formed, every
``files.xml`` record with its content (SHA-1 and size), every ``@@PLUGINFILE@@`` name and
``inforef`` file id with its record, every quiz slot with its question bank entry, every
restore link with its activity, every SCORM activity with its package and each SCO's launch page.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
from collections import Counter
from pathlib import Path

from lxml import etree

from coursepack.model import Course
from coursepack.problems import Problem, error

from ..moodle.preflight import preflight_course
from ..moodle.text import PLUGINFILE_REF
from .archive import read_mbz
from .plan import BACKUP_RELEASE, BACKUP_VERSION

MAX_FULLNAME = 254          # course.fullname
MAX_SECTION_NAME = 255      # course_sections.name
MAX_CONCEPT = 255           # glossary_entries.concept
MAX_SHORTNAME = 100         # restore cuts a course's short name to 100 characters
ACTIVITY_FILES = ("module.xml", "inforef.xml", "grades.xml", "roles.xml")
ROOT_FILES = ("moodle_backup.xml", "files.xml", "questions.xml", "gradebook.xml", "completion.xml", "roles.xml",
              "users.xml", "course/course.xml", "course/inforef.xml")
_TOKEN = re.compile(rb"\$@(PAGEVIEWBYID|BOOKVIEWBYIDCH)\*(\d+)(?:\*(\d+))?@\$")


def preflight_backup(course: Course, course_root: Path) -> list[Problem]:
    """Every rule of a Moodle course backup that the source does not meet."""
    root = course_root.as_posix()
    problems = list(preflight_course(course, course_root)) if course.questions else []
    if len(course.title) > MAX_FULLNAME:
        problems.append(error(f"{root}/course.yaml", 0, 0, f"the course title is {len(course.title)} characters; "
                              f"a Moodle course's full name holds at most {MAX_FULLNAME}: shorten it"))
    if len(course.id) > MAX_SHORTNAME:
        problems.append(error(f"{root}/course.yaml", 0, 0, f"the course id is {len(course.id)} characters; it is the "
                              f"Moodle course's short name, which restore cuts at {MAX_SHORTNAME}: shorten it"))
    for module in course.modules:
        where = f"{root}/modules/{module.folder}/module.yaml"
        if len(module.title) > MAX_SECTION_NAME:
            problems.append(error(where, 0, 0, f"the module title is {len(module.title)} characters; it names a "
                                  f"Moodle course section, which holds at most {MAX_SECTION_NAME}: shorten it"))
    for entry in course.glossary:
        if len(entry.term) > MAX_CONCEPT:
            problems.append(error(f"{root}/glossary.yaml", 0, 0, f"glossary term '{entry.term[:30]}…' is "
                                  f"{len(entry.term)} characters; Moodle's glossary holds at most {MAX_CONCEPT}: "
                                  "shorten it"))
    return problems


# --- the written backup ---------------------------------------------------------------------

def backup_problems(members: dict[str, bytes]) -> list[str]:
    """What Moodle 4.5's restore would refuse or lose in the backup whose members are given."""
    found: list[str] = []
    for name in ROOT_FILES:
        if name not in members:
            found.append(f"{name} is missing")
    if found:
        return found
    trees: dict[str, etree._Element] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    parsed: dict[bytes, etree._Element] = {}      # the same bytes parse once (every activity's empty files)
    for name, data in members.items():
        if name.endswith(".xml"):
            try:
                tree = parsed.get(data)
                if tree is None:
                    tree = parsed[data] = etree.fromstring(data, parser)
                trees[name] = tree
            except etree.XMLSyntaxError as exc:
                found.append(f"{name} is not well-formed XML: {exc}")
    if found:
        return found
    info = trees["moodle_backup.xml"].find("information")
    if info is None:
        return ["moodle_backup.xml has no <information>"]
    if info.findtext("backup_version") != BACKUP_VERSION or info.findtext("backup_release") != BACKUP_RELEASE:
        found.append(f"moodle_backup.xml: backup version {info.findtext('backup_version')} "
                     f"{info.findtext('backup_release')}, expected {BACKUP_VERSION} {BACKUP_RELEASE}")
    detail = info.find("details/detail")
    if detail is None or detail.findtext("type") != "course" or detail.findtext("format") != "moodle2":
        found.append("moodle_backup.xml: details/detail must say type course, format moodle2")
    cmids = {}
    for activity in info.iterfind("contents/activities/activity"):
        folder, modname = activity.findtext("directory"), activity.findtext("modulename")
        cmids[activity.findtext("moduleid")] = modname
        if activity.find("insubsection") is None:
            found.append(f"moodle_backup.xml: activity {folder} lacks <insubsection> (Moodle 4.5)")
        for file in (*ACTIVITY_FILES, f"{modname}.xml"):
            if f"{folder}/{file}" not in members:
                found.append(f"{folder}/{file} is missing")
    for section in info.iterfind("contents/sections/section"):
        folder = section.findtext("directory")
        for file in ("section.xml", "inforef.xml"):
            if f"{folder}/{file}" not in members:
                found.append(f"{folder}/{file} is missing")
    if trees["users.xml"].find("user") is not None:
        found.append("users.xml holds users: a course package carries none")
    found += file_problems(members, trees)
    found += reference_problems(members, trees, cmids)
    found += scorm_problems(trees)
    return found


def scorm_problems(trees: dict[str, etree._Element]) -> list[str]:
    """Every SCORM activity has its package in ``mod_scorm/package`` and each SCO's launch page
    in ``mod_scorm/content`` (restore copies the files and never unzips the package again)."""
    found: list[str] = []
    scorms = {tree.get("contextid"): (name, tree) for name, tree in trees.items() if name.endswith("/scorm.xml")}
    if not scorms:
        return found
    stored: dict[tuple[str, str], set[str]] = {}
    for file in trees["files.xml"].iterfind("file"):
        if file.findtext("component") == "mod_scorm":
            key = (file.findtext("contextid") or "", file.findtext("filearea") or "")
            stored.setdefault(key, set()).add((file.findtext("filepath") or "") + (file.findtext("filename") or ""))
    for context, (name, tree) in scorms.items():
        reference = tree.findtext("scorm/reference") or ""
        if f"/{reference}" not in stored.get((context, "package"), set()):
            found.append(f"{name}: the package {reference} has no files.xml record in mod_scorm/package")
        for sco in tree.iterfind("scorm/scoes/sco"):
            launch = sco.findtext("launch") or ""
            if launch and f"/{launch.split('?')[0]}" not in stored.get((context, "content"), set()):
                found.append(f"{name}: SCO {sco.findtext('identifier')} launches {launch}, "
                             "which mod_scorm/content lacks")
    return found


def file_problems(members: dict[str, bytes], trees: dict[str, etree._Element]) -> list[str]:
    found = []
    records: dict[str, etree._Element] = {}
    areas: dict[tuple[str, str, str, str], set[str]] = {}
    for file in trees["files.xml"].iterfind("file"):
        records[file.get("id")] = file
        digest = file.findtext("contenthash") or ""
        member = f"files/{digest[:2]}/{digest}"
        data = members.get(member)
        if data is None:
            found.append(f"files.xml: file {file.get('id')} ({file.findtext('filename')}) has no {member}")
        elif hashlib.sha1(data).hexdigest() != digest or str(len(data)) != file.findtext("filesize"):
            found.append(f"{member}: its SHA-1 or size differs from files.xml")
        key = tuple(file.findtext(t) or "" for t in ("contextid", "component", "filearea", "itemid"))
        areas.setdefault(key, set()).add(file.findtext("filename") or "")
    pooled = {f"files/{r.findtext('contenthash')[:2]}/{r.findtext('contenthash')}" for r in records.values()}
    for name in members:
        if name.startswith("files/") and name not in pooled:
            found.append(f"{name} is in the backup but no files.xml record uses it")
    for name, tree in trees.items():
        for file_id in tree.iterfind("fileref/file/id"):
            if file_id.text not in records:
                found.append(f"{name}: file id {file_id.text} is not in files.xml")
    # pages, book chapters and section summaries: every @@PLUGINFILE@@ name has its file
    for name, tree in trees.items():
        if name.endswith("/page.xml"):
            ctx = tree.get("contextid")
            texts = [("mod_page", "content", "0", tree.findtext("page/content") or "")]
        elif name.endswith("/book.xml"):
            ctx = tree.get("contextid")
            texts = [("mod_book", "chapter", c.get("id"), c.findtext("content") or "")
                     for c in tree.iterfind("book/chapters/chapter")]
        else:
            continue
        for component, area, item, text in texts:
            for file in PLUGINFILE_REF.findall(text):
                if file not in areas.get((ctx, component, area, item), set()):
                    found.append(f"{name}: @@PLUGINFILE@@/{file} has no files.xml record in {component}/{area}/{item}")
    return found


def reference_problems(members: dict[str, bytes], trees: dict[str, etree._Element], cmids: dict[str, str]) -> list[str]:
    found = []
    bank = list(trees["questions.xml"].iter("question_bank_entry"))
    entries = {e.get("id") for e in bank}
    idnumbers = Counter((e.findtext("questioncategoryid"), e.findtext("idnumber")) for e in bank)
    found += [f"questions.xml: idnumber '{key[1]}' repeats in category {key[0]}" for key, n in idnumbers.items() if n > 1]
    for name, tree in trees.items():
        if name.endswith("/quiz.xml"):
            for ref in tree.iter("question_reference"):
                if ref.findtext("questionbankentryid") not in entries:
                    found.append(f"{name}: slot refers to question bank entry {ref.findtext('questionbankentryid')}, "
                                 "which questions.xml lacks")
        if name.endswith(("/page.xml", "/book.xml", "/section.xml")):
            # the tokens hold no character XML escapes: they are found in the bytes as written
            for kind, cmid, _chapter in _TOKEN.findall(members[name]):
                want = "page" if kind == b"PAGEVIEWBYID" else "book"
                if cmids.get(cmid.decode()) != want:
                    found.append(f"{name}: link to {want} {cmid.decode()}, which the backup lacks")
    return found


def check_backup(path: Path) -> list[Problem]:
    try:
        members = read_mbz(path)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:      # ValueError: a bad number in a header
        return [error(path.name, 0, 0, f"not a gzip-compressed tar archive: {exc}")]
    return [error(path.name, 0, 0, message) for message in backup_problems(members)]
