"""What a SCORM package cannot carry (preflight: interaction sizes, the suspend_data budget),
and the check of a written package: its manifest against the edition's XSDs, every href safe
and present, every file declared, identifiers unique."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from coursepack.model import Course, Essay, Matching, MultipleChoice, ShortAnswer, SingleChoice
from coursepack.problems import Problem, error
from coursepack.references import PACKAGE_SAFE

from ..xsd import validate_xml
from .budget import ESSAY_CAP, MAX_CHOICES, NUMBER_CAP, SHORT_ANSWER_CAP, answer_worst_case, suspend_worst_case
from .editions import Edition
from .plan import plan_scos
from .scoring import LEFT_KEYS


def unsafe_href(href: str) -> str | None:
    """Why ``href`` is not a safe package path, or None."""
    if not href:
        return "empty"
    if "\\" in href:
        return "contains a backslash"
    if href.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
        return "is absolute"
    if any(part in ("..", ".", "") for part in href.split("/")):
        return "contains '..', '.' or an empty segment"
    if not href.isascii() or not PACKAGE_SAFE.match(href):
        return "is not an ASCII-safe file name"
    return None


def href_problems(hrefs: Iterable[str], names: set[str], where: str, container: str) -> list[Problem]:
    """Unsafe manifest hrefs and the files they name that ``container`` (the zip, the cartridge)
    lacks; shared by the packages that carry an IMS content-packaging manifest."""
    problems = []
    for href in hrefs:
        reason = unsafe_href(href)
        if reason:
            problems.append(error(where, 0, 0, f"imsmanifest.xml: href '{href}' {reason}"))
        if href not in names:
            problems.append(error(where, 0, 0, f"imsmanifest.xml declares '{href}' but the {container} has no "
                                  "such file"))
    return problems


def declaration_problems(root, names: set[str], declared: set[str], where: str, container: str) -> list[Problem]:
    """Identifiers used twice in the manifest ``root``, and files of ``container`` (the zip, the
    cartridge) that the manifest does not declare; shared like ``href_problems``."""
    problems = []
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(error(where, 0, 0, f"imsmanifest.xml: duplicate identifiers {duplicates}"))
    for name in sorted(names - declared):
        problems.append(error(where, 0, 0, f"'{name}' is in the {container} but not declared in imsmanifest.xml"))
    return problems


def manifest_problems(data: bytes, names: set[str], edition: Edition, where: str) -> list[Problem]:
    """XSD errors, bad hrefs, missing and undeclared files of a package."""
    problems = [error(where, 0, 0, f"imsmanifest.xml does not validate against the {edition.label} "
                      f"schemas: {message}") for message in validate_xml(edition.xsd, data)]
    if problems:
        return problems
    root = etree.fromstring(data)
    hrefs = [e.get("href") if e.tag.endswith(("file", "resource")) else e.text
             for e in root.iter("{*}file", "{*}resource", "{*}location")]
    hrefs = [href for href in hrefs if href is not None]
    problems += href_problems(hrefs, names, where, "zip")
    declared = {"imsmanifest.xml", *edition.control_documents, *hrefs}
    problems += declaration_problems(root, names, declared, where, "zip")
    return problems


def preflight_package(course: Course, root: str, sco_mode: str, edition: Edition, name: str) -> list[Problem]:
    """Questions with more choices or pairs than the interactions allow, and SCOs whose
    suspend_data could outgrow the edition's limit (``name``: the exporter, for the hint)."""
    problems: list[Problem] = []
    for q in course.questions:
        if isinstance(q, (SingleChoice, MultipleChoice)):
            size, limit = len(q.choices), MAX_CHOICES
        elif isinstance(q, Matching):
            size, limit = len(q.pairs), len(LEFT_KEYS)
        else:
            continue
        if size > limit:
            problems.append(error(f"{root}/{q.source}", q.line, 0, f"question '{q.id}' has {size} "
                                  f"choices or pairs; {edition.label} interactions allow at most "
                                  f"{MAX_CHOICES} choices and {len(LEFT_KEYS)} pairs: split the question"))
    for sco in plan_scos(course, sco_mode):
        worst = suspend_worst_case(sco)
        if worst <= edition.suspend_limit:
            continue
        quizzes = [m.quiz for m in sco.modules if m.quiz]
        biggest = max(quizzes, key=lambda z: sum(answer_worst_case(q) for q in z.questions))
        essays = sum(1 for q in sco.questions if isinstance(q, Essay))
        shorts = sum(1 for q in sco.questions if isinstance(q, ShortAnswer))
        hint = "" if sco_mode == "module" else \
            "; or set 'exporters: {name}: sco: module' to save each module separately".format(name=name)
        problems.append(error(
            f"{root}/{biggest.source}", 1, 0,
            f"{edition.label} suspend_data for SCO '{sco.key}' could need {worst:,} characters, "
            f"more than the limit of {edition.suspend_limit:,}: each essay keeps up to "
            f"{ESSAY_CAP} characters ({essays} essay(s)), each short answer {SHORT_ANSWER_CAP} "
            f"({shorts}), each numerical answer {NUMBER_CAP}; cut essays or short-answer "
            f"questions from this SCO's quizzes{hint}"))
    return problems


def check_package(path: Path, edition: Edition) -> list[Problem]:
    """The problems of a written package: a zip with ``imsmanifest.xml`` at its root that
    ``manifest_problems`` finds nothing wrong with."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "imsmanifest.xml" not in names:
                return [error(path.name, 0, 0, "imsmanifest.xml is missing at the zip root")]
            data = archive.read("imsmanifest.xml")
    except zipfile.BadZipFile as exc:
        return [error(path.name, 0, 0, f"not a valid zip file: {exc}")]
    return manifest_problems(data, names, edition, path.name)
