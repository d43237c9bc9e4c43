"""The optional SCORM activity (``scorm: course | module``): the ``scorm12`` exporter's package in the backup.

The package is the one ``make scorm`` writes, made by the ``scorm12`` exporter's own code with
its options from course.yaml (``exporters: scorm12:``), so a teacher gets the same player inside
Moodle. ``course``: one package of the whole course in section 0. ``module``: in each module's
section, the package the ``scorm12`` exporter makes of the course reduced to that module (its
lessons and quiz, the glossary), so each section's player grades that module's quiz.

Moodle's restore does not read the manifest again: ``scorm.xml`` carries the SCORM's organisation
and items as ``scorm_parse_scorm`` (mod/scorm/datamodels/scormlib.php) stores them, and the files
go in the activity's file areas as Moodle keeps them: the zip in ``mod_scorm/package``, each of
its entries in ``mod_scorm/content``.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coursepack.exporter import ExportContext, SourceContext, exporter_labels
from coursepack.model import Course, Module
from coursepack.options import options_for
from coursepack.problems import Problem
from coursepack.run import template_environment

from ..scorm import Scorm12Exporter, ScormOptions

ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
#: the optional item data of SCORM 1.2 that scorm_parse_scorm stores, by manifest element
ITEM_DATA = ("prerequisites", "maxtimeallowed", "timelimitaction", "datafromlms", "masteryscore")


@dataclass(frozen=True)
class Sco:
    """One row of ``scorm_scoes``: the organisation, or one of its items (with its ``scorm_scoes_data``)."""

    manifest: str
    organization: str
    parent: str
    identifier: str
    launch: str
    scormtype: str
    title: str
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScormPackage:
    """One SCORM activity: the zip, its entries, and its SCOs as Moodle stores them."""

    title: str
    module: Module | None           # None: the whole course, in section 0
    filename: str
    data: bytes
    entries: tuple[tuple[str, bytes], ...]      # every file of the zip, in its order
    scoes: tuple[Sco, ...]
    graded: bool                    # the package scores quizzes (it reports passed/failed)
    problems: tuple[Problem, ...] = ()          # what the scorm12 exporter's check found


def scorm_options(ctx: SourceContext) -> ScormOptions:
    """The ``scorm12`` exporter's options of this course (``sco``, ``attempts``)."""
    return options_for(Scorm12Exporter, ctx.all_options)


def scorm_parts(course: Course, mode: str) -> tuple[tuple[Course, Module | None], ...]:
    """The courses the scorm12 exporter packages: the course itself, or one per module."""
    if mode == "course":
        return ((course, None),)
    if mode == "module":
        return tuple((dataclasses.replace(course, modules=(module,)), module) for module in course.modules)
    return ()


def build_packages(course: Course, ctx: ExportContext, mode: str) -> tuple[ScormPackage, ...]:
    """Run the scorm12 exporter (export, then its check) for each part; read back what it wrote."""
    exporter = Scorm12Exporter()
    options = scorm_options(ctx)
    templates = template_environment(ctx.root, exporter.name, exporter.template_folder)
    packages = []
    for part, module in scorm_parts(course, mode):
        with tempfile.TemporaryDirectory(prefix=".scorm12-", dir=ctx.out_dir) as folder:
            sctx = ExportContext(options, ctx.root, Path(folder), ctx.source_date, templates, ctx.warn,
                                 exporter_labels(Scorm12Exporter, part), all_options=ctx.all_options)
            export = exporter.export(part, sctx)
            problems = (*export.problems, *exporter.check(export, sctx))
            (path,) = export.paths
            data = path.read_bytes()
        name = exporter.output_name(course, module.id if module else "")
        packages.append(read_package(module.title if module else course.title, module, name, data,
                                     bool(part.questions), tuple(problems)))
    return tuple(packages)


def read_package(title: str, module: Module | None, filename: str, data: bytes, graded: bool,
                 problems: tuple[Problem, ...]) -> ScormPackage:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = tuple((info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir())
    manifest = dict(entries)["imsmanifest.xml"]
    return ScormPackage(title, module, filename, data, entries, parse_scoes(manifest), graded, problems)


def parse_scoes(manifest: bytes) -> tuple[Sco, ...]:
    """The rows scorm_parse_scorm makes of a SCORM 1.2 manifest: per organisation its own row, then
    its items depth-first, each with its resource's href as launch and its optional data."""
    root = etree.fromstring(manifest)
    ns = root.nsmap.get(None, "")
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
    resources = {r.get("identifier"): r for r in root.iter(q("resource"))}
    name = root.get("identifier", "")
    rows: list[Sco] = []

    def items(parent_element: etree._Element, organization: str, parent: str) -> None:
        for item in parent_element.iterchildren(q("item")):
            resource = resources.get(item.get("identifierref") or "")
            launch = (resource.get("{http://www.w3.org/XML/1998/namespace}base", "") + resource.get("href", "")
                      if resource is not None else "")
            scormtype = (resource.get(f"{ADLCP}scormtype") or "asset") if resource is not None else "asset"
            data = [("isvisible", item.get("isvisible", "true")), ("parameters", item.get("parameters", ""))]
            data += [(child.tag[len(ADLCP):], (child.text or "").strip()) for child in item.iterchildren()
                     if isinstance(child.tag, str) and child.tag.startswith(ADLCP)
                     and child.tag[len(ADLCP):] in ITEM_DATA]
            rows.append(Sco(name, organization, parent, item.get("identifier"), launch, scormtype,
                            item.findtext(q("title")) or "", tuple(data)))
            items(item, organization, item.get("identifier"))

    for organization in root.iter(q("organization")):
        identifier = organization.get("identifier")
        rows.append(Sco(name, "", "/", identifier, "", "", organization.findtext(q("title")) or ""))
        items(organization, identifier, identifier)
    return tuple(rows)
