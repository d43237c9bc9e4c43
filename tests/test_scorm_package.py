"""SCORM 1.2 / 2004 packages: manifest, files, identifiers, reproducibility, budget, check().

The mini course's packages are golden folders under tests/golden/scorm12|scorm2004/ (the member
list, the manifest and the metadata; ``goldens.py``: ``pytest --update-goldens`` rewrites them).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from lxml import etree, html as lxml_html

from coursepack.run import source_date, template_environment
from coursepack.exporter import Export, ExportContext, SourceContext, exporter_labels
from coursepack.registry import discover_exporters
from coursepack.exporters import SCORM12_MANIFEST_XSD, SCORM2004_MANIFEST_XSD
from coursepack.exporters.xsd import validate_xml
from coursepack.exporters.scorm import ScormOptions, plan_scos
from coursepack.exporters.scorm.budget import ESSAY_CAP, suspend_worst_case
from courses import FIXTURES, MINI, REPO, SAMPLE, build, load
from strategies import course_specs, write_course

ASSETS = FIXTURES / "scorm-assets"
REAL = SAMPLE
SCHEMAS = REPO / "exporters" / "schemas"
EDITIONS = ("scorm12", "scorm2004")
XSD = {"scorm12": SCORM12_MANIFEST_XSD, "scorm2004": SCORM2004_MANIFEST_XSD}
SCHEMAVERSION = {"scorm12": "1.2", "scorm2004": "2004 4th Edition"}
WRAPPERS = {"scorm12_manifest.xsd", "scorm2004_manifest.xsd"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
NS = {"cp12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
      "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
      "imsss": "http://www.imsglobal.org/xsd/imsss",
      "lom": "http://ltsc.ieee.org/xsd/LOM",
      "md": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"}


def control_documents(edition: str) -> set[str]:
    """The official schema files a package carries at its root (as the CAM asks)."""
    names = {p.name for p in (SCHEMAS / edition).iterdir()} - WRAPPERS
    if edition == "scorm12":
        names.discard("xml.xsd")     # only the libxml2 wrapper needs it
    return names


def declared_files(manifest: etree._Element) -> list[str]:
    files = [f.get("href") for f in manifest.iter("{*}file")]
    files += [r.get("href") for r in manifest.iter("{*}resource") if r.get("href")]
    files += [loc.text for loc in manifest.iter("{*}location")]
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache: dict = {}

    def get(course_dir: Path, edition: str, mode: str = "course"):
        key = (course_dir, edition, mode)
        if key not in cache:
            loaded = load(course_dir)
            (path,) = build(edition, loaded, tmp_path_factory.mktemp(f"{edition}-{mode}"), ScormOptions(sco=mode))
            cache[key] = (loaded.course, path)
        return cache[key]

    return get


COURSES = [pytest.param(MINI, id="mini"), pytest.param(REAL, id="course"), pytest.param(ASSETS, id="assets")]


@pytest.mark.parametrize("course_dir", COURSES)
@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_package_structure(built, course_dir, edition, mode):
    course, path = built(course_dir, edition, mode)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest_bytes = archive.read("imsmanifest.xml")
        contents = {name: archive.read(name) for name in names}

    assert validate_xml(XSD[edition], manifest_bytes) == []
    manifest = etree.fromstring(manifest_bytes)
    assert manifest.findtext("{*}metadata/{*}schemaversion") == SCHEMAVERSION[edition]

    declared = declared_files(manifest)
    for href in declared:
        assert href in names, f"declared but missing: {href}"
        assert href.isascii() and "\\" not in href and not href.startswith("/"), href
        assert ".." not in href.split("/") and not re.match(r"^[a-z]+:", href), href
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", href), href
    undeclared = set(names) - set(declared) - {"imsmanifest.xml"} - control_documents(edition)
    assert undeclared == set()
    assert names == sorted(names)

    ids = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids), ids
    refs = {e.get("identifierref") for e in manifest.iter() if e.get("identifierref")}
    assert refs <= set(ids)

    scos = plan_scos(course, mode)
    items = manifest.findall("{*}organizations/{*}organization/{*}item")
    assert [i.findtext("{*}title") for i in items] == [s.title for s in scos]
    scormtype = "{%s}%s" % ((NS["adlcp12"], "scormtype") if edition == "scorm12" else (NS["adlcp"], "scormType"))
    resources = {r.get("identifier"): r for r in manifest.iter("{*}resource")}
    for item, sco in zip(items, scos):
        resource = resources[item.get("identifierref")]
        assert resource.get(scormtype) == "sco" and resource.get("href") == sco.href
        page = lxml_html.fromstring(contents[sco.href])
        used = {e.get("src") for e in page.iter("img", "script", "video", "audio", "track") if e.get("src")}
        used |= {e.get("href") for e in page.iter("link") if e.get("href") and not e.get("href").startswith("data:")}
        used |= {e.get("href") for e in page.iter("a") if e.get("href") and e.get("href") in names}
        mine = {f.get("href") for f in resource.iter("{*}file")}
        shared = {f.get("href") for dep in resource.iter("{*}dependency")
                  for f in resources[dep.get("identifierref")].iter("{*}file")}
        assert used <= mine | shared, used - mine - shared
        media = {a.path for m in sco.modules for lesson in m.lessons for a in lesson.assets
                 if a.media_type.startswith(("video/", "audio/")) or a.media_type == "text/vtt"}
        assert media <= used, media - used      # the sample course's video and captions among them
        assert page.get("lang") == course.language
        if edition == "scorm12":
            mastery = item.findtext("adlcp12:masteryscore", namespaces=NS)
            assert mastery == (f"{course.completion.mastery_score:g}" if sco.questions else None)
        else:
            seq = item.find("imsss:sequencing", NS)
            primary = seq.find("imsss:objectives/imsss:primaryObjective", NS)
            if sco.questions:
                assert primary.get("satisfiedByMeasure") == "true"
                assert float(primary.findtext("imsss:minNormalizedMeasure", namespaces=NS)) == \
                    pytest.approx(course.completion.mastery_score / 100)
            objective_ids = [o.get("objectiveID") for o in seq.findall("imsss:objectives/imsss:objective", NS)]
            covered = {o.id for m in sco.modules for o in m.outcomes} | \
                {o.id for q in sco.questions for o in q.outcomes} | \
                {o.id for m in sco.modules for lesson in m.lessons for o in lesson.outcomes}
            assert objective_ids == [o.id for o in course.outcomes if o.id in covered]
            if mode == "course":
                assert objective_ids == [o.id for o in course.outcomes]
    if edition == "scorm2004":
        control = manifest.find("{*}organizations/{*}organization/imsss:sequencing/imsss:controlMode", NS)
        assert (control.get("choice"), control.get("flow")) == ("true", "true")
        assert not list(manifest.iter("{%s}sequencingRules" % NS["imsss"]))
        lom = manifest.find("{*}metadata/lom:lom", NS)
    else:
        location = manifest.findtext("{*}metadata/adlcp12:location", namespaces=NS)
        lom = etree.fromstring(contents[location])
    text = " ".join(lom.itertext())
    for value in (course.title, course.description, course.version, *course.keywords):
        assert value in text
    assert lom.findtext("{*}general/{*}language") == course.language

    for name, data in contents.items():
        if name.endswith((".html", ".css", ".js")):
            body = data.decode("utf-8")
            assert not re.search(r"(src|href)=\"(https?:)?//", body.split("<main", 1)[0]), name
            assert "@import" not in body and "url(http" not in body, name
            assert "<script src=\"http" not in body, name


@pytest.mark.parametrize("edition", EDITIONS)
def test_non_ascii_asset_names_are_mapped_and_rewritten(built, edition):
    course, path = built(ASSETS, edition)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        page = archive.read("index.html").decode("utf-8")
    assets = sorted(n for n in names if n.startswith("assets/"))
    assert assets == ["assets/peta-cafe-3441e563.svg", "assets/ringkasan-u-40746b60.svg"]
    assert 'src="assets/peta-cafe-3441e563.svg"' in page
    assert 'href="assets/ringkasan-u-40746b60.svg"' in page
    assert "café" not in page.split("<main", 1)[1].split("cp-data")[0]


@pytest.mark.parametrize("edition", EDITIONS)
def test_plain_text_is_escaped_in_pages(built, edition):
    """Titles and matching answers are plain text: '<', '&' and quotes show as typed."""
    course, path = built(ASSETS, edition)
    with zipfile.ZipFile(path) as archive:
        page = lxml_html.fromstring(archive.read("index.html"))
    lesson = course.lessons[0]
    assert lesson.title == 'Peta & "Kafe" <Kota>'
    assert page.get_element_by_id(f"h-{lesson.id}").text_content() == lesson.title
    assert lesson.title in [a.text_content() for a in page.xpath("//nav[@id='toc']//a")]
    options = {o.text_content() for o in page.iter("option")}
    assert {"<b>tebal</b> & miring", 'tanda "kutip" & <sudut>', "teks biasa"} <= options
    assert not page.findall(".//select//b")


@pytest.mark.parametrize("course_dir", [pytest.param(MINI, id="mini"), pytest.param(REAL, id="course")])
@pytest.mark.parametrize("edition", EDITIONS)
def test_builds_are_byte_identical(tmp_path, course_dir, edition):
    loaded = load(course_dir)
    course = loaded.course
    first = build(edition, loaded, tmp_path / "a", environ={})[0].read_bytes()
    second = build(edition, load(course_dir), tmp_path / "elsewhere" / "b", environ={})[0].read_bytes()
    assert first == second
    environ = {"SOURCE_DATE_EPOCH": "1767225600"}          # 2026-01-01T00:00:00Z
    third = build(edition, loaded, tmp_path / "c", environ=environ)[0].read_bytes()
    fourth = build(edition, loaded, tmp_path / "d" / "e", environ=environ)[0].read_bytes()
    assert third == fourth
    with zipfile.ZipFile(io.BytesIO(third)) as archive:
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        d = course.date
        assert {i.date_time for i in archive.infolist()} == {(d.year, d.month, d.day, 0, 0, 0)}


@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_golden_packages(built, edition, mode, golden):
    _, path = built(MINI, edition, mode)
    members = ["imsmanifest.xml"] + (["metadata.xml"] if edition == "scorm12" and mode == "course" else [])
    golden.check_archive(f"{edition}/{mode}", path.read_bytes(), members)


def write_essay_course(root: Path, essays: int) -> Path:
    """A generated course whose one quiz holds ``essays`` essay questions."""
    (root / "modules" / "01-tulis").mkdir(parents=True)
    (root / "course.yaml").write_text(
        "id: banyak-esai\ntitle: Banyak Esai\nlanguage: id\nversion: \"1.0\"\ndate: 2026-03-01\n"
        "authors:\n  - name: Tim Uji\ndescription: Terlalu banyak esai untuk SCORM 1.2.\n"
        "outcomes:\n  - id: LO1\n    text: Menulis.\ncompletion:\n  mastery_score: 50\n"
        "  require: [lessons, quiz]\n", encoding="utf-8")
    (root / "modules" / "01-tulis" / "module.yaml").write_text(
        "title: Menulis\nsummary: Esai.\noutcomes: [LO1]\n", encoding="utf-8")
    (root / "modules" / "01-tulis" / "01-awal.md").write_text(
        "---\ntitle: Awal\noutcomes: [LO1]\n---\n\n## Mulai\n\nTulis esai.\n", encoding="utf-8")
    questions = "".join(f"  - id: esai-{n}\n    type: essay\n    stem: Esai nomor {n}.\n    outcomes: [LO1]\n"
                        for n in range(1, essays + 1))
    (root / "modules" / "01-tulis" / "quiz.yaml").write_text("questions:\n" + questions, encoding="utf-8")
    return root


def test_suspend_data_budget_fails_the_build(tmp_path):
    root = write_essay_course(tmp_path / "banyak-esai", essays=9)
    loaded = load(root)
    course = loaded.course
    [sco] = plan_scos(course, "course")
    # header: "3" + location (1 digit: start, lesson, quiz, end) + "." + 1 hex + "." + 1 hex + "."
    # + one attempt digit + "." = 9; each essay: 500 written characters + its end mark "~." = 502
    assert suspend_worst_case(sco) == 9 + 9 * (ESSAY_CAP + 2) == 4527
    exporter = discover_exporters()["scorm12"]()
    problems = exporter.preflight(course, SourceContext(ScormOptions(), root))
    assert [p.format() for p in problems] == [
        f"{root.as_posix()}/modules/01-tulis/quiz.yaml:1: SCORM 1.2 suspend_data for SCO "
        "'banyak-esai' could need 4,527 characters, more than the limit of 4,096: each essay keeps "
        "up to 500 characters (9 essay(s)), each short answer 100 (0), each numerical answer 32; "
        "cut essays or short-answer questions from this SCO's quizzes; or set "
        "'exporters: scorm12: sco: module' to save each module separately"]
    # SCORM 2004 allows 64,000 characters; 8 essays fit in 1.2
    assert discover_exporters()["scorm2004"]().preflight(course, SourceContext(ScormOptions(), root)) == []
    smaller = load(write_essay_course(tmp_path / "cukup", essays=8))
    assert exporter.preflight(smaller.course, SourceContext(ScormOptions(), smaller.root)) == []


def test_cli_build_fails_on_the_budget(tmp_path):
    from click.testing import CliRunner
    from coursepack.cli import cli
    root = write_essay_course(tmp_path / "banyak-esai", essays=9)
    result = CliRunner().invoke(cli, ["build", "scorm12", "--course", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "could need 4,527 characters, more than the limit of 4,096" in result.output
    assert not (tmp_path / "out" / "banyak-esai-scorm12.zip").exists()


def context(loaded, edition: str, out: Path) -> ExportContext:
    return ExportContext(ScormOptions(), loaded.root, out, source_date(loaded.course, {}),
                         template_environment(loaded.root, edition, "scorm"), lambda m: None,
                         exporter_labels(discover_exporters()[edition], loaded.course))


def rewrite_zip(path: Path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        entries = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    change(entries)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("edition", EDITIONS)
def test_check_catches_a_tampered_package(tmp_path, edition):
    loaded = load(MINI)
    course = loaded.course
    exporter = discover_exporters()[edition]()
    ctx = context(loaded, edition, tmp_path)
    [path] = exporter.export(course, ctx).paths
    assert exporter.check(Export((path,)), ctx) == []

    attr = b'adlcp:scormtype="sco"' if edition == "scorm12" else b'adlcp:scormType="sco"'

    def break_manifest(entries):
        assert attr in entries["imsmanifest.xml"]
        entries["imsmanifest.xml"] = entries["imsmanifest.xml"].replace(attr, attr.replace(b'"sco"', b'"lesson"'))

    rewrite_zip(path, break_manifest)
    problems = exporter.check(Export((path,)), ctx)
    assert problems and all(p.severity == "error" for p in problems)
    assert "does not validate against the" in problems[0].message

    [path] = exporter.export(course, ctx).paths
    rewrite_zip(path, lambda entries: entries.update({"notes.txt": b"stray"}))
    assert [p.message for p in exporter.check(Export((path,)), ctx)] == [
        "'notes.txt' is in the zip but not declared in imsmanifest.xml"]

    [path] = exporter.export(course, ctx).paths
    rewrite_zip(path, lambda entries: entries.pop("assets/diagram.svg"))
    assert [p.message for p in exporter.check(Export((path,)), ctx)] == [
        "imsmanifest.xml declares 'assets/diagram.svg' but the zip has no such file"]


def test_outputs_are_named_by_the_one_rule(built):
    _, path = built(MINI, "scorm12")
    assert path.name == "mini-course-scorm12.zip"
    _, path = built(MINI, "scorm2004", "module")
    assert path.name == "mini-course-scorm2004.zip"


# --- question sections: the built-in markup shows what z.views says -------------------------

#: an override quiz.html that writes one line of facts per question from ``z.views``
VIEWS_TEMPLATES = REPO / "tests" / "fixtures" / "scorm_views"
EDGE = FIXTURES / "moodle-edge"


def zip_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def export_both_ways(loaded, edition: str, out: Path,
                     options: ScormOptions = ScormOptions()) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The package with the built-in templates, and with quiz.html overridden by the views one."""
    exporter = discover_exporters()[edition]()
    course = loaded.course
    (out / "plain").mkdir(parents=True)
    (out / "views").mkdir()
    labels = exporter_labels(discover_exporters()[edition], course)
    plain = ExportContext(options, loaded.root, out / "plain", source_date(course, {}),
                          template_environment(loaded.root, edition, "scorm"), lambda m: None, labels)
    views_env = template_environment(loaded.root, edition, "scorm")
    views_env.loader = jinja2.FileSystemLoader([str(VIEWS_TEMPLATES), *views_env.loader.searchpath])
    views = ExportContext(options, loaded.root, out / "views", source_date(course, {}), views_env, lambda m: None,
                          labels)
    [a] = exporter.export(course, plain).paths
    [b] = exporter.export(course, views).paths
    return zip_entries(a), zip_entries(b)


def section_facts(section) -> str:
    """The line the views template writes for a question, read from the built-in ``<section>``."""
    kind = next(c[2:] for c in section.get("class").split() if c.startswith("q-"))
    number = section.find("h2").text.split()[-1]
    choices = "".join(f'{c.find("input").get("id")}={c.get("data-choice")}{"*" if "data-correct" in c.attrib else ""} '
                      for c in section.iterfind(".//div[@class='choice']"))
    selects = [row.find("select") for row in section.iterfind(".//div[@class='match-row']")]
    lefts = "".join(f'{s.get("id")} ' for s in selects)
    rights = "".join(f'{o.get("value")} ' for o in selects[0].iterfind("option") if o.get("value")) if selects else ""
    feedback = "".join(f'{f.get("data-answer")} ' for f in section.iterfind(".//div[@class='answer-feedback']"))
    hint = section.find(".//details[@class='q-hint']")
    hints = 0 if hint is None else len(hint.findall("ol/li")) or 1
    image = section.find("img[@class='q-image']")
    return (f'{section.get("id")} {section.get("data-q")} {kind} {number} | {choices}| {lefts}| {rights}| '
            f'{feedback}| {hints} | {"" if image is None else image.get("src")}')


def assert_views_tell_the_markup(built_in: dict[str, bytes], from_views: dict[str, bytes]) -> int:
    """Every question's line from the views template equals what its built-in section shows;
    returns how many questions were compared."""
    assert built_in.keys() == from_views.keys()
    pages = [name for name in built_in if name.endswith(".html")]
    questions = 0
    for name in pages:
        page = lxml_html.fromstring(built_in[name])
        override = lxml_html.fromstring(from_views[name])
        written = [p.text_content() for p in override.iterfind(".//div[@class='views']/p")]
        shown = [section_facts(s) for s in page.iterfind(".//section") if "question" in s.get("class").split()]
        assert written == shown, name
        assert len(written) == sum(1 for _ in page.iterfind(".//section[@data-q]"))
        questions += len(written)
    return questions


@pytest.mark.parametrize("course_dir", [*COURSES, pytest.param(EDGE, id="edge")])
@pytest.mark.parametrize("mode", ["course", "module"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_question_sections_show_what_their_views_say(tmp_path, course_dir, edition, mode):
    loaded = load(course_dir)
    compared = assert_views_tell_the_markup(*export_both_ways(loaded, edition, tmp_path, ScormOptions(sco=mode)))
    assert compared == len(loaded.course.questions) > 0


@settings(max_examples=25, deadline=None, derandomize=True, database=None, print_blob=False,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=course_specs(max_modules=2, max_questions=6))
def test_question_sections_show_what_their_views_say_for_any_course(spec):
    import tempfile
    with tempfile.TemporaryDirectory(prefix="cp-views-") as tmp:
        write_course(spec, Path(tmp) / "course")
        loaded = load(Path(tmp) / "course")
        for edition in EDITIONS:
            compared = assert_views_tell_the_markup(*export_both_ways(loaded, edition, Path(tmp) / edition))
            assert compared == len(loaded.course.questions)


# --- words and markup of the pages -----------------------------------------------------------

def test_points_are_singular_for_exactly_one():
    from coursepack.exporters.scorm.questions import points_text
    from coursepack.labels import CORE_LABELS
    en, fr = CORE_LABELS["en"], CORE_LABELS["fr"]
    assert [points_text(n, en) for n in (1, 2, 0.5, 1.5)] == ["1 point", "2 points", "0.5 points", "1.5 points"]
    assert points_text(1, CORE_LABELS["id"]) == "1 poin"
    assert [points_text(n, fr) for n in (1, 2)] == ["1 point", "2 points"]


def test_built_questions_say_point_or_points(tmp_path):
    loaded = load(MINI)
    [path] = discover_exporters()["scorm12"]().export(loaded.course, context(loaded, "scorm12", tmp_path)).paths
    with zipfile.ZipFile(path) as archive:
        page = archive.read("index.html").decode("utf-8")
    assert "point(s)" not in page and "poin(s)" not in page
    assert '<span class="q-points">(2 poin)</span>' in page


def test_external_links_open_in_a_new_window_and_say_so():
    from coursepack.exporters.scorm.pages import open_links_in_new_window
    text = ('<p><a href="https://example.org/a?b=1&amp;c=2">Site</a>, <a href="#page-x" data-go="1">next</a>, '
            '<a href="assets/file.pdf">file</a>, <a href="//cdn.example.org/x">cdn</a>, '
            '<a href="http://example.org/" target="_top">top</a></p>')
    out = open_links_in_new_window(text, "(opens in a new window)")
    hint = ('<span class="ext-mark" aria-hidden="true">\u2197</span>'
            '<span class="visually-hidden"> (opens in a new window)</span>')
    assert out == ('<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener">Site' + hint +
                   '</a>, <a href="#page-x" data-go="1">next</a>, <a href="assets/file.pdf">file</a>, '
                   '<a href="//cdn.example.org/x" target="_blank" rel="noopener">cdn' + hint + '</a>, '
                   '<a href="http://example.org/" target="_top" rel="noopener">top' + hint + '</a></p>')


def test_short_values_in_table_cells_do_not_break():
    from coursepack.exporters.scorm.pages import keep_cell_values_whole
    text = ("<table><tr><th>Metrik</th><th>Batas</th></tr><tr><td>Latensi p95</td><td>≤ 2.5 / s</td>"
            "<td>Biaya per 1000 token dalam rupiah</td><td> 100 ms </td><td>dua kata</td>"
            "<td>First token latency p95</td><td>&lt; 800 ms</td><td>Rp 15.000</td></tr></table>")
    assert keep_cell_values_whole(text) == (
        "<table><tr><th>Metrik</th><th>Batas</th></tr><tr><td>Latensi\u00a0p95</td><td>≤\u00a02.5\u00a0/\u00a0s</td>"
        "<td>Biaya per 1000 token dalam rupiah</td><td>100\u00a0ms</td><td>dua kata</td>"
        "<td>First token latency p95</td><td>&lt;\u00a0800\u00a0ms</td><td>Rp\u00a015.000</td></tr></table>")
