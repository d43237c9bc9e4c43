"""The PDF handbook: content, outline, TOC page numbers, fonts, metadata, print rules,
confinement of resources, reproducibility. PDFs are read with poppler and pypdf.

The book's HTML for the mini course is the golden file ``tests/golden/handbook/mini-course.html``
(``goldens.py``: ``pytest --update-goldens`` rewrites it).

Without poppler-utils the PDF tests skip locally and fail under CI=true. The real course
builds once per module (marked ``slow``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coursepack.run import template_environment
from coursepack.exporter import ExportContext, exporter_labels
from coursepack.labels import CORE_LABELS
from coursepack.model import Matching, MultipleChoice, Numerical, ShortAnswer, SingleChoice, TrueFalse
from coursepack.exporters.handbook import HandbookOptions, render_handbook_html, typeset, write_handbook
from coursepack.exporters.handbook.checks import log_problems
from coursepack.exporters.handbook.fetcher import confined_fetcher
from coursepack.exporters.handbook.printhtml import prepare_html
from coursepack.exporters.handbook.typography import hyphenation_exceptions
from coursepack.exporters.handbook.views import css_page_of, letter, matching_order
from courses import EXPORTERS, FIXTURES, MINI, SAMPLE, export, load
from lms.harness import skip_or_fail
from pdf_outline import read_outline

LONG = FIXTURES / "handbook-long"
EPOCH = "1767225600"   # 2026-01-01T00:00:00Z


# -- helpers ---------------------------------------------------------------------------------

def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        skip_or_fail(f"{tool} is not installed (Debian package poppler-utils)")
    return path


def build(loaded, out: Path, **options):
    """The handbook's run at 2026-01-01 (``options``: HandbookOptions), and the warnings it gave."""
    warnings: list[str] = []
    result = export("handbook", loaded, out, HandbookOptions(**options) if options else None,
                    {"SOURCE_DATE_EPOCH": EPOCH}, warnings.append)
    return result, warnings


def build_pdf(loaded, out: Path, **options) -> Path:
    result, _ = build(loaded, out, **options)
    assert result.paths, [p.format() for p in result.problems]
    assert not [p for p in result.problems if p.severity == "error"]
    return result.paths[0]


def pages_text(pdf: Path, layout: bool = False) -> list[str]:
    """Text of every page (index 0 = page 1)."""
    args = [require("pdftotext"), "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def squash(text: str) -> str:
    """Compare text across line breaks and hyphenation: drop whitespace, hyphens, soft hyphens."""
    text = text.replace("\u201c", "\"").replace("\u201d", "\"")
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text).lower()


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run([require("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(level, title, page number) of every bookmark, in order."""
    return [(level, " ".join(title.split()), index + 1) for level, title, index, _, _ in read_outline(pdf)]


# The outlines the handbooks must have, written out by hand (not derived from the course by the
# rule the exporter's own check uses): (level, title) of every bookmark, in order.
MINI_OUTLINE = [
    (1, "Daftar Isi"),
    (1, "Modul 1. Dasar-dasar"),
    (2, "1.1 Pengantar"),
    (2, "1.2 Istilah & Kode"),
    (2, "Kuis Dasar"),
    (1, "Modul 2. Lanjutan"),
    (2, "2.1 Penerapan"),
    (2, "Kuis: Lanjutan"),
    (1, "Kunci Jawaban"),
    (1, "Peta Capaian, Pelajaran, dan Soal"),
    (1, "Glosarium"),
]
MINI_WITHOUT_QUIZZES_OUTLINE = [      # no worksheets, and no answer key
    (1, "Daftar Isi"),
    (1, "Modul 1. Dasar-dasar"),
    (2, "1.1 Pengantar"),
    (2, "1.2 Istilah & Kode"),
    (1, "Modul 2. Lanjutan"),
    (2, "2.1 Penerapan"),
    (1, "Peta Capaian, Pelajaran, dan Soal"),
    (1, "Glosarium"),
]
REAL_OUTLINE = [
    (1, "Daftar Isi"),
    (1, "Modul 1. Mengenal AI Engineer"),
    (2, "1.1 Apa itu AI Engineer?"),
    (2, "1.2 AI Engineer dan profesi terkait"),
    (2, "1.3 Evolusi peran AI Engineer"),
    (2, "Kuis Modul 1: Mengenal AI Engineer"),
    (1, "Modul 2. AI Engineer vs ML Engineer"),
    (2, "2.1 Fokus, latar belakang, dan perangkat kerja"),
    (2, "2.2 Tugas harian dan metrik keberhasilan"),
    (2, "2.3 Siapa sebenarnya yang membuat LLM?"),
    (2, "Kuis Modul 2: AI Engineer vs ML Engineer"),
    (1, "Modul 3. Peran dan tanggung jawab AI Engineer"),
    (2, "3.1 Empat peran utama AI Engineer"),
    (2, "3.2 Lima tanggung jawab kunci"),
    (2, "3.3 Studi kasus: chatbot layanan nasabah bank"),
    (2, "Kuis Modul 3: Peran dan tanggung jawab"),
    (1, "Modul 4. Keterampilan, karier, dan tren"),
    (2, "4.1 Keterampilan yang dibutuhkan"),
    (2, "4.2 Spesialisasi dan jenjang karier"),
    (2, "4.3 Tren dan masa depan AI engineering"),
    (2, "Kuis Modul 4: Keterampilan, karier, dan tren"),
    (1, "Kunci Jawaban"),
    (1, "Peta Capaian, Pelajaran, dan Soal"),
    (1, "Glosarium"),
]


def heading_pages(course, texts: list[str]) -> dict[str, int]:
    """Page of each module opener, lesson and quiz, found from the kicker printed above its title
    (text squashed: letter-spaced capitals may come out of pdftotext as two words)."""
    labels = exporter_labels(EXPORTERS["handbook"], course)
    squashed = [squash(t) for t in texts]
    toc = squash(labels["contents"])
    found: dict[str, int] = {}

    def first_page(needle: str) -> int:
        hits = [i + 1 for i, t in enumerate(squashed) if needle in t and not t.startswith(toc)]
        assert hits, f"no page holds {needle!r}"
        return hits[0]

    for m in course.modules:
        found[f"module {m.number}"] = first_page(squash(f"{labels['module']} {m.number}") + squash(m.title))
        for lesson in m.lessons:
            found[f"lesson {m.number}.{lesson.number}"] = first_page(
                squash(f"{labels['lesson']} {m.number}.{lesson.number}") + squash(lesson.title))
        if m.quiz:
            found[f"quiz {m.number}"] = first_page(
                squash(f"{labels['handbook_worksheet']} · {labels['module']} {m.number}") + squash(m.quiz.title))
    return found


def toc_numbers(course, layout_texts: list[str]) -> dict[str, int]:
    """The page numbers printed in the table of contents (``pdftotext -layout``), keyed like
    ``heading_pages``. Entries come in course order; each must end with its title."""
    labels = exporter_labels(EXPORTERS["handbook"], course)
    toc = "\n".join(t for t in layout_texts if t.lstrip().startswith(labels["contents"]))
    assert toc, "no table of contents"
    entries = re.findall(r"^(.*?)\s*(?:\.\s*){3,}(\d+)\s*$", toc, re.M)
    expected = []
    for m in course.modules:
        expected.append((f"module {m.number}", m.title))
        expected += [(f"lesson {m.number}.{lesson.number}", lesson.title) for lesson in m.lessons]
        if m.quiz:
            expected.append((f"quiz {m.number}", m.quiz.title))
    assert len(entries) >= len(expected)
    numbers = {}
    for (key, title), (text, number) in zip(expected, entries):
        assert squash(title).endswith(squash(text)[-8:]), (key, title, text)
        numbers[key] = int(number)
    return numbers


# -- fixtures: one build per course and per option set -----------------------------------------

@pytest.fixture(scope="module")
def mini():
    return load(MINI).course


@pytest.fixture(scope="module")
def mini_pdf(tmp_path_factory) -> Path:
    return build_pdf(load(MINI), tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def long_course():
    return load(LONG).course


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return build_pdf(load(LONG), tmp_path_factory.mktemp("long"))


@pytest.fixture(scope="module")
def real_loaded():
    return load(SAMPLE)


@pytest.fixture(scope="module")
def real(real_loaded):
    return real_loaded.course


@pytest.fixture(scope="module")
def real_pdf(real_loaded, tmp_path_factory) -> Path:
    return build_pdf(real_loaded, tmp_path_factory.mktemp("real"))


# -- pure functions --------------------------------------------------------------------------

def test_options_default_and_refuse_unknown_values():
    options = HandbookOptions()
    assert (options.paper, options.right_hand_modules, options.pdf_variant, options.hyphenate) == \
        ("A4", False, "none", True)
    with pytest.raises(ValueError):
        HandbookOptions(paper="A5")
    with pytest.raises(ValueError):
        HandbookOptions(pdf_variant="pdf/x-4")


def test_page_footer_is_localised():
    assert css_page_of("Halaman {page} dari {pages}") == '"Halaman " counter(page) " dari " counter(pages)'
    assert css_page_of(CORE_LABELS["en"]["page_of"]).startswith('"Page " counter(page)')


def test_matching_column_is_shuffled_deterministically_and_never_in_order(mini):
    q = next(q for q in mini.questions if q.kind == "matching")
    order = matching_order(q)
    assert sorted(order) == list(range(len(q.pairs))) and list(order) != sorted(order)
    assert matching_order(q) == order
    assert [letter(i) for i in (0, 25, 26)] == ["A", "Z", "AA"]


def test_hyphenation_exceptions_insert_soft_hyphens_at_indonesian_syllables(mini):
    words = hyphenation_exceptions(template_environment(MINI, "handbook"), "id")
    assert words["pembelajaran"] == (3, 5, 7, 10)      # pem-be-la-jar-an
    html = str(prepare_html("<p>Proses Pembelajaran dan pembelajarannya.</p><pre>pembelajaran</pre>",
                            0, words))
    assert '<span class="hy">Pem\u00adbe\u00adla\u00adjar\u00adan</span>' in html
    assert "pem\u00adbe\u00adla\u00adjar\u00adan\u00adnya" in html
    assert "<pre>pembelajaran</pre>" in html          # code is never touched
    assert hyphenation_exceptions(template_environment(MINI, "handbook"), "xx") == {}


def test_print_html_demotes_headings_unlinks_local_files_and_places_footnotes():
    html = str(prepare_html(
        '<h2 id="a">Judul</h2><p>Teks<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">[1]</a></sup> '
        '<a href="assets/x.pdf">unduh</a> <a href="https://example.org">web</a> ↩\ufe0e</p>'
        '<hr class="footnotes-sep"><section class="footnotes"><ol><li id="fn-1"><p>Catatan kaki. '
        '<a href="#fnref-1" class="footnote-backref">↩</a></p></li></ol></section>', 1, {}))
    assert '<h3 id="a">Judul</h3>' in html
    assert "<a>unduh</a>" in html and 'href="https://example.org"' in html
    assert '<span class="footnote"><span>Catatan kaki.' in html
    assert "footnotes-sep" not in html and "footnote-backref" not in html and "\ufe0e" not in html


def test_print_html_names_the_media_file_and_prints_the_transcript_open():
    html = str(prepare_html(
        '<figure class="figure media video"><video controls="" preload="metadata" src="assets/klip.mp4" '
        'aria-label="Klip"><track kind="captions" src="assets/klip.vtt" default=""><a href="assets/klip.mp4">'
        'Klip</a></video><figcaption>Video 1. Klip</figcaption><details class="transcript"><summary>Transkrip'
        '</summary><p>Narator: halo.</p></details></figure>', 1, {}, labels={"video": "Video", "audio": "Audio"}))
    assert "<video" not in html and "<track" not in html and "<details" not in html
    assert ('<p class="media-frame video"><span class="media-kind">Video</span><span class="media-file">'
            'assets/klip.mp4</span></p><figcaption>Video 1. Klip</figcaption>') in html
    assert '<div class="transcript"><p class="transcript-title">Transkrip</p><p>Narator: halo.</p></div>' in html


def test_fetcher_serves_only_files_inside_the_allowed_folders(tmp_path):
    inside = tmp_path / "course"
    inside.mkdir()
    (inside / "a.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("no")
    fetch = confined_fetcher((inside,))
    assert fetch.fetch((inside / "a.svg").as_uri()).read() == b"<svg/>"
    assert fetch.fetch("file:///coursepack/0/a.svg").read() == b"<svg/>"     # the folder's virtual URL
    for url in [(tmp_path / "secret.txt").as_uri(), (inside / ".." / "secret.txt").as_uri(),
                "file:///coursepack/0/../secret.txt", "file:///coursepack/0/%2e%2e/secret.txt",
                "file:///coursepack/1/secret.txt",
                "https://example.org/x.png", "http://127.0.0.1/x.png", "ftp://example.org/x"]:
        with pytest.raises(Exception, match="refused"):
            fetch.fetch(url)


def test_resources_outside_the_course_are_refused_and_reported(mini, tmp_path):
    outside = tmp_path / "outside.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    html = (f'<html><body><p>x</p><img src="{outside.as_uri()}" alt="a">'
            '<img src="https://example.org/logo.png" alt="b"></body></html>')
    result = typeset(html, MINI, [], (MINI,), None)
    problems = log_problems(result.messages, mini, MINI, "templates/handbook")
    messages = " ".join(p.message for p in problems)
    assert len([p for p in problems if p.severity == "error"]) == 2, messages
    assert "outside.svg" in messages and "example.org" in messages


def test_an_image_that_does_not_load_is_reported_at_its_users_with_a_reason(mini):
    url = "file:///coursepack/0/assets/diagram.svg"
    root = MINI.as_posix()
    problems = log_problems([(logging.WARNING, f"Failed to load image at '{url}': "),
                             (logging.WARNING, f"Failed to load image at '{url}': ParseError: not well-formed")],
                            mini, MINI, "templates/handbook")
    assert sorted(p.format() for p in problems) == sorted(
        f"{root}/{source}: image 'assets/diagram.svg' could not be loaded into the handbook: {reason}"
        for source in ("modules/01-dasar/01-pengantar.md", "modules/01-dasar/quiz.yaml")
        for reason in ("the file is damaged or not in the format its name says", "ParseError: not well-formed"))


@pytest.mark.parametrize("enabled", [True, False])
def test_typesetting_pauses_the_garbage_collector_and_restores_it(monkeypatch, enabled):
    """Layout runs without cyclic collections (they cost ~15 % and free little); afterwards the
    collector is as the caller left it."""
    import gc

    import coursepack.exporters.handbook.typesetting as typesetting

    seen = []
    render = typesetting.render_document

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return render(*args, **kwargs)

    monkeypatch.setattr(typesetting, "render_document", spy)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result = typeset("<html><body><p>x</p></body></html>", MINI, [], (MINI,), None)
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert result.pages == 1
    assert seen == [False]
    assert after is enabled


# -- the mini course -------------------------------------------------------------------------

def test_book_html_matches_the_golden_file(mini, tmp_path, golden):
    ctx = ExportContext(HandbookOptions(), MINI, tmp_path, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                        template_environment(MINI, "handbook"), lambda message: None,
                        exporter_labels(EXPORTERS["handbook"], mini))
    html = render_handbook_html(mini, ctx)
    assert str(MINI.resolve()) not in html
    golden.check_text("handbook/mini-course.html", html.encode("utf-8"))


def test_a4_page_size_and_page_count(mini_pdf):
    info = pdfinfo(mini_pdf)
    assert info["Page size"].startswith("595.276 x 841.89 pts")
    assert 10 <= int(info["Pages"]) <= 20


def test_every_lesson_question_choice_and_glossary_term_is_printed(mini, mini_pdf):
    text = squash("".join(pages_text(mini_pdf)))
    wanted = [lesson.title for lesson in mini.lessons] + [g.term for g in mini.glossary]
    wanted += [plain(q.stem_html) for q in mini.questions]
    wanted += [plain(c.html) for q in mini.questions if isinstance(q, (SingleChoice, MultipleChoice))
               for c in q.choices]
    wanted += [p.right for q in mini.questions if isinstance(q, Matching) for p in q.pairs]
    wanted += [mini.title, mini.subtitle, mini.version, mini.licence, mini.authors[0].name]
    missing = [w for w in wanted if squash(w) not in text]
    assert not missing


def test_cover_shows_the_source_date_not_today(mini_pdf):
    cover = pages_text(mini_pdf)[0]
    assert "1 Januari 2026" in cover           # SOURCE_DATE_EPOCH, in the course language


def test_outline_mirrors_the_course(mini, mini_pdf):
    found = outline(mini_pdf)
    assert [(level, title) for level, title, _ in found] == MINI_OUTLINE


def test_the_outline_check_reports_a_missing_bookmark_and_link_target(mini):
    """The exporter's own check (``checks.outline_problems``) against the hand-written outline:
    silent on it, and an error for a bookmark or a link target that is not there."""
    from coursepack.exporters.handbook.checks import outline_problems
    from coursepack.exporters.handbook.typesetting import Typeset

    def tree(entries):          # (level, title) → WeasyPrint's nested bookmark tree
        out: list = []
        for level, title in entries:
            (out if level == 1 else out[-1][2]).append((title, (0, 0, 0), [], "open"))
        return out

    anchors = {f"{kind}-{q.id}": 1 for q in mini.questions for kind in ("q", "key")}
    anchors |= {f"lesson-{lesson.id}": 1 for lesson in mini.lessons}
    labels = exporter_labels(EXPORTERS["handbook"], mini)
    assert outline_problems(Typeset(b"", 1, tree(MINI_OUTLINE), anchors, ()), mini, labels, "book.pdf") == []
    lost = mini.lessons[1]
    short = Typeset(b"", 1, tree([e for e in MINI_OUTLINE if e != (2, "1.2 Istilah & Kode")]),
                    {k: v for k, v in anchors.items() if k != f"lesson-{lost.id}"}, ())
    assert [(p.severity, p.path, p.message) for p in outline_problems(short, mini, labels, "book.pdf")] == [
        ("error", "book.pdf", "the PDF outline does not mirror the course: missing [(2, '1.2 Istilah & Kode')], "
                              "unexpected []"),
        ("error", "book.pdf", f"1 link target(s) missing from the PDF, e.g. lesson-{lost.id}"),
    ]


def test_toc_page_numbers_are_the_real_pages(mini, mini_pdf):
    printed = toc_numbers(mini, pages_text(mini_pdf, layout=True))
    actual = heading_pages(mini, pages_text(mini_pdf))
    assert set(printed) == set(actual)
    assert printed == actual


def test_outline_targets_are_the_real_pages(mini, mini_pdf):
    actual = heading_pages(mini, pages_text(mini_pdf))
    by_title = {title: page for _, title, page in outline(mini_pdf)}
    for m in mini.modules:
        assert by_title[f"Modul {m.number}. {m.title}"] == actual[f"module {m.number}"]
        for lesson in m.lessons:
            assert by_title[f"{m.number}.{lesson.number} {lesson.title}"] == \
                actual[f"lesson {m.number}.{lesson.number}"]


def test_running_footer_and_header(mini, mini_pdf):
    texts = pages_text(mini_pdf)
    total = len(texts)
    assert f"Halaman 5 dari {total}" in texts[4]
    assert "Halaman 1 dari" not in texts[0]          # no footer on the cover
    lesson_page = heading_pages(mini, texts)["lesson 1.2"]
    header = texts[lesson_page - 1].strip().splitlines()[0]
    assert header in {"Istilah & Kode", "Modul 1. Dasar-dasar"}


def assert_fonts_embedded_and_shipped(pdf: Path) -> None:
    """pdffonts: every font embedded and subset, and every one from templates/handbook/fonts/
    (the @font-face families, including the aliases for the families SVG figures name)."""
    out = subprocess.run([require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.match(r"[A-Z]{6}\+(Handbook-|sans-serif|serif|monospace|Arial|Helvetica|Times-New-Roman|"
                        r"Courier-New)", name), row


def test_all_fonts_are_embedded_and_shipped(mini_pdf):
    assert_fonts_embedded_and_shipped(mini_pdf)


def test_metadata_and_language(mini, mini_pdf):
    from pypdf import PdfReader

    reader = PdfReader(str(mini_pdf))
    meta = reader.metadata
    assert meta.title == f"{mini.title}: {mini.subtitle}"
    assert meta.author == "Tim Uji"
    assert meta.subject == mini.description
    assert meta["/Keywords"] == "uji, fixture"
    assert meta["/CreationDate"].startswith("D:20260101000000")
    assert reader.trailer["/Root"]["/Lang"] == "id"


def test_answer_key_holds_every_auto_graded_question(mini, mini_pdf):
    texts = pages_text(mini_pdf)
    pages = {title: page for _, title, page in outline(mini_pdf)}
    key = "\n".join(texts[pages["Kunci Jawaban"] - 1:pages["Peta Capaian, Pelajaran, dan Soal"] - 1])
    flat = squash(key)
    for m in mini.modules:
        for q in m.quiz.questions:
            assert f"Soal {m.number}.{q.number}" in key, q.id
            match q:
                case SingleChoice() | MultipleChoice():
                    answers = [plain(c.html) for c in q.choices if c.correct]
                case ShortAnswer():
                    answers = [a.text for a in q.text_answers if a.weight > 0]
                case Matching():
                    answers = [p.right for p in q.pairs]
                case Numerical():
                    answers = [f"{a.value:g}" for a in q.number_answers]
                case TrueFalse():
                    answers = ["Benar" if q.answer else "Salah"]
                case _:
                    answers = []
            assert all(squash(a) in flat for a in answers), q.id
    # each entry links back to its question's page: "(hlm. N)" is the real page of the question
    first = re.search(r"Soal 1\.1 \(hlm\. (\d+)\)", key)
    assert first and "Apa fokus" in texts[int(first.group(1)) - 1]


def test_footnote_sits_on_the_page_of_its_call(mini_pdf):
    texts = pages_text(mini_pdf)
    page = next(i for i, t in enumerate(texts) if "Sebuah model belajar" in t)
    assert "Data pelatihan." in texts[page]


def test_no_empty_pages(mini_pdf):
    for number, text in enumerate(pages_text(mini_pdf), 1):
        body = re.sub(r"Halaman \d+ dari \d+", "", text).strip()
        assert len(body) > 20, f"page {number} is empty"


@pytest.mark.parametrize("parallel", ["off", "on"])
def test_a_course_without_questions_has_no_answer_key(tmp_path, parallel):
    loaded = load(MINI)
    course = loaded.course
    course = dataclasses.replace(course, modules=tuple(dataclasses.replace(m, quiz=None) for m in course.modules))
    pdf = build_pdf(dataclasses.replace(loaded, course=course), tmp_path, parallel=parallel, jobs=2)
    assert [(level, title) for level, title, _ in outline(pdf)] == MINI_WITHOUT_QUIZZES_OUTLINE
    texts = pages_text(pdf)
    assert not any(exporter_labels(EXPORTERS["handbook"], course)["answer_key"] in text for text in texts)
    for number, text in enumerate(texts, 1):
        assert len(re.sub(r"Halaman \d+ dari \d+", "", text).strip()) > 20, f"page {number} is empty"


def test_letter_paper_and_right_hand_modules(tmp_path):
    loaded = load(MINI)
    course = loaded.course
    pdf = build_pdf(loaded, tmp_path, paper="Letter", right_hand_modules=True)
    assert pdfinfo(pdf)["Page size"].startswith("612 x 792 pts")
    texts = pages_text(pdf)
    openers = heading_pages(course, texts)
    assert all(openers[f"module {m.number}"] % 2 == 1 for m in course.modules)
    blanks = [number for number, text in enumerate(texts, 1) if not text.strip()]
    assert blanks    # the mini course needs at least one (module 2 would start on a left page)
    for number in blanks:   # a blank page (no header, no footer) only right before a module
        assert number + 1 in {openers[f"module {m.number}"] for m in course.modules}


def test_course_can_restyle_and_keeps_the_shipped_fonts(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(MINI, copy)
    builtin = Path(__file__).parent.parent / "templates" / "handbook" / "handbook.css"
    (copy / "templates" / "handbook").mkdir(parents=True)
    (copy / "templates" / "handbook" / "handbook.css").write_text(
        builtin.read_text() + '\n.cover-title::after { content: " [DRAF]"; }\n')
    pdf = build_pdf(load(copy), tmp_path / "out")
    assert "[DRAF]" in pages_text(pdf)[0]
    assert_fonts_embedded_and_shipped(pdf)


def test_missing_image_is_an_error_at_the_lesson(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(MINI, copy)
    loaded = load(copy)
    (copy / "assets" / "diagram.svg").unlink()        # vanished after validation
    result, _ = build(loaded, tmp_path / "out")
    assert not result.paths
    errors = [p for p in result.problems if p.severity == "error"]
    paths = {p.path for p in errors}
    assert f"{copy.as_posix()}/modules/01-dasar/01-pengantar.md" in paths
    assert f"{copy.as_posix()}/modules/01-dasar/quiz.yaml" in paths
    assert all("assets/diagram.svg" in p.message for p in errors)
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_writing_the_handbook_returns_its_problems_as_a_value(tmp_path):
    """``write_handbook`` hands back the files it wrote and the problems it found, as one value
    (no exporter object carries them): a missing image is an error at each file that uses it."""
    copy = tmp_path / "course"
    shutil.copytree(MINI, copy)
    course = load(copy).course
    (copy / "assets" / "diagram.svg").unlink()

    def context(folder: Path) -> ExportContext[HandbookOptions]:
        folder.mkdir()
        return ExportContext(HandbookOptions(parallel="off"), copy, folder,
                             dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                             template_environment(copy, "handbook"), lambda _: None,
                             exporter_labels(EXPORTERS["handbook"], course))

    broken = write_handbook(course, context(tmp_path / "broken"), "book.pdf")
    assert broken.paths == (tmp_path / "broken" / "book.pdf",) and broken.paths[0].is_file()
    assert {p.path for p in broken.problems if p.severity == "error"} == {
        f"{copy.as_posix()}/modules/01-dasar/01-pengantar.md", f"{copy.as_posix()}/modules/01-dasar/quiz.yaml"}
    shutil.copy(MINI / "assets" / "diagram.svg", copy / "assets" / "diagram.svg")
    whole = write_handbook(course, context(tmp_path / "whole"), "book.pdf")
    assert not [p for p in whole.problems if p.severity == "error"]
    assert len(broken.problems) > len(whole.problems)       # the first run's problems stay its own


def test_byte_identical_builds_in_two_folders(tmp_path):
    pdfs = []
    for name in ("one", "two"):
        copy = tmp_path / name / "course"
        shutil.copytree(MINI, copy)
        pdfs.append(build_pdf(load(copy), tmp_path / name / "out").read_bytes())
    assert pdfs[0] == pdfs[1]
    assert str(tmp_path).encode() not in pdfs[0]


# -- print rules on the layout fixture ---------------------------------------------------------

def test_split_table_repeats_its_header_and_long_code_wraps(long_course, long_pdf):
    texts = pages_text(long_pdf, layout=True)
    table_pages = [t for t in texts if "Materi pembelajaran nomor" in t]
    assert len(table_pages) >= 2
    assert all(re.search(r"Sesi\s+Topik\s+Durasi", t) for t in table_pages)
    flat = squash("".join(texts))
    assert squash("parameter_29=29)") in flat and squash("hasil = panggil_model(parameter_1=1") in flat
    assert all(squash(f"Baris {i:02d}") in flat for i in range(1, 71))   # no row lost at a break


def test_typographic_characters_render(long_pdf):
    text = "".join(pages_text(long_pdf))
    for char in "“”—…→":
        assert char in text


@pytest.mark.slow
def test_tagged_pdf_ua_keeps_header_cells_on_split_tables(long_course, tmp_path):
    from pypdf import PdfReader

    pdf = build_pdf(load(LONG), tmp_path, pdf_variant="pdf/ua-1")
    assert pdfinfo(pdf)["Tagged"] == "yes"
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id" and "/Metadata" in root
    tables: list[list[str]] = []     # the structure types under each /Table

    def kids_of(node):
        kids = node.get("/K")
        kids = [] if kids is None else (kids if isinstance(kids, list) else [kids])
        kids = [k.get_object() if hasattr(k, "get_object") else k for k in kids]
        return [k for k in kids if isinstance(k, dict)]

    def under(node) -> list[str]:
        return [str(k.get("/S")) for k in kids_of(node)] + [s for k in kids_of(node) for s in under(k)]

    figures: list[str] = []          # the /Alt text of each /Figure

    def walk(node):
        if node.get("/S") == "/Table":
            tables.append(under(node))
        if node.get("/S") == "/Figure":
            figures.append(str(node.get("/Alt")))
        for kid in kids_of(node):
            walk(kid)

    walk(root["/StructTreeRoot"].get_object())
    # WeasyPrint tags each page's part of a split table as its own /Table: every part of the
    # 70-row table (three pages) must still carry its header row as /TH cells.
    parts = [t for t in tables if t.count("/TR") > 10]
    assert len(parts) >= 2
    assert all("/THead" in t and t.count("/TH") == 3 for t in parts)
    assert figures == ["Kotak biru dan kata Data"]      # the image's alt text, for screen readers


@pytest.mark.slow
def test_pdf_a_variant(tmp_path):
    from pypdf import PdfReader

    pdf = build_pdf(load(MINI), tmp_path, pdf_variant="pdf/a-3b")
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp
    assert "/ID" in reader.trailer


# -- the real sample course (built once) ------------------------------------------------------

@pytest.mark.slow
def test_real_course_content_and_size(real, real_pdf):
    info = pdfinfo(real_pdf)
    assert info["Page size"].startswith("595.276 x 841.89 pts")
    assert 30 <= int(info["Pages"]) <= 150
    text = squash("".join(pages_text(real_pdf)))
    wanted = [lesson.title for lesson in real.lessons] + [g.term for g in real.glossary]
    wanted += [plain(q.stem_html) for q in real.questions]
    missing = [w for w in wanted if squash(w) not in text]
    assert not missing


@pytest.mark.slow
def test_real_course_prints_its_video_as_a_figure_with_file_caption_and_transcript(real, real_pdf):
    [lesson] = [lesson for lesson in real.lessons if any(a.media_type == "video/mp4" for a in lesson.assets)]
    pages = pages_text(real_pdf)
    [at] = [n for n, t in enumerate(pages) if "empat-peran-llm.mp4" in t]
    text = squash(pages[at])
    transcript = (SAMPLE / "assets" / "empat-peran-llm.transcript.md").read_text(encoding="utf-8")
    assert squash("Video: assets/empat-peran-llm.mp4") in text
    assert squash("Video 1. Empat peran di balik sebuah LLM, dalam 13 detik") in text
    assert squash("Transkrip") in text
    # the figure and its caption stay together; the transcript after them may go on overleaf
    with_next = [text] + [squash(t) for t in pages[at + 1:at + 2]]
    for line in transcript.splitlines():
        said = line.removeprefix("- ").replace("*", "")
        assert any(squash(said) in page for page in with_next), said
    assert squash(lesson.title) in text     # the running head: the page is the lesson's


@pytest.mark.slow
def test_real_course_outline_and_toc(real, real_pdf):
    assert [(lvl, t) for lvl, t, _ in outline(real_pdf)] == REAL_OUTLINE
    printed = toc_numbers(real, pages_text(real_pdf, layout=True))
    actual = heading_pages(real, pages_text(real_pdf))
    assert printed == actual


@pytest.mark.slow
def test_real_course_fonts_embedded(real_pdf):
    assert_fonts_embedded_and_shipped(real_pdf)


@pytest.mark.slow
def test_real_course_no_heading_is_left_at_the_foot_of_a_page(real, real_pdf):
    headings = {squash(h.text) for lesson in real.lessons for h in lesson.headings}
    for number, text in enumerate(pages_text(real_pdf), 1):
        lines = [line for line in text.splitlines() if line.strip() and not re.match(r"Halaman \d+ dari", line)]
        body = [line for line in lines if not re.match(r"^\d+\. ", line)]    # footnotes sit below
        assert not body or squash(body[-1]) not in headings, f"page {number} ends with a heading"


@pytest.mark.parametrize("language", ["id", "ar"])
def test_modules_start_on_a_recto_and_running_heads_sit_on_their_sides(tmp_path, language):
    """The first page is a recto: WeasyPrint makes it a right page in a left-to-right book and a
    left page in a right-to-left one. right_hand_modules puts every module on a recto (odd page)
    in both; the verso's running head is the module, the recto's the lesson."""
    loaded = load(MINI)
    course = dataclasses.replace(loaded.course, language=language)
    pdf = build_pdf(dataclasses.replace(loaded, course=course), tmp_path, right_hand_modules=True)
    marks = outline(pdf)
    modules = [(title, page) for level, title, page in marks if level == 1 and title.startswith(("Modul", "الوحدة"))]
    assert len(modules) == len(course.modules) and all(page % 2 == 1 for _, page in modules), modules
    texts = pages_text(pdf)
    lesson_pages = {page: title for level, title, page in marks if level == 2 and title[0].isdigit()}
    for page, title in lesson_pages.items():
        module = next(m for m in course.modules if title.startswith(f"{m.number}."))
        lesson = next(l for l in module.lessons if title.endswith(l.title))
        head = texts[page - 1].strip().splitlines()[0]         # the running head prints first
        expected = lesson.title if page % 2 == 1 else module.title
        assert squash(expected) in squash(head), (page, head, expected)
