"""What the printed handbook shows a reader: link addresses, numbers as written, emoji, Arabic and
Hebrew drawn by the shipped fonts (and a `validate` warning, at the source line, for characters
none of them draws), worksheets in their shuffled order, SVG figures at their own size, answer
keys that follow one another, the outcome texts in lesson headers, and a PDF/UA-1 file that the
checker `pdfua` passes.

The course these tests print is written by ``write_course`` into a temporary folder (an English
course, so that it is not one more fixture every exporter's tests build); the PDF/UA test builds
the sample course. PDFs are read with poppler (pdftotext, pdffonts, pdftoppm) and pypdf.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coursepack.exporter import ExportContext, SourceContext, exporter_labels
from coursepack.exporters.handbook import HandbookExporter, HandbookOptions, render_handbook_html, typeset
from coursepack.exporters.handbook.checks import log_problems
from coursepack.exporters.handbook.printhtml import prepare_html
from coursepack.exporters.handbook.typesetting import render_document
from coursepack.exporters.handbook.views import (choice_order, format_number, render_handbook_css, svg_width,
                                                written_number)
from coursepack.run import template_environment
from courses import REPO, SAMPLE, load
from test_handbook import assert_fonts_embedded_and_shipped, build_pdf, pages_text, require, squash

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "handbook"
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC = "السلام عليكم"
HEBREW = "בוקר טוב"
EMOJI = "🚀✅🎉"


def write_course(root: Path) -> Path:
    """A two-module English course with links, a big number, emoji, Arabic, Hebrew, a viewBox-only
    SVG, and single-choice questions that all write the right answer first."""
    def put(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")

    put("course.yaml", """
        id: print-course
        title: Launch day 🚀
        subtitle: Links, numbers and scripts in print
        language: en
        version: "1.0"
        date: 2026-01-15
        authors:
          - name: Test Team
        description: A course that prints links, numbers, emoji and other scripts.
        outcomes:
          - id: LO1
            text: Explain what a launch checklist is for.
          - id: LO2
            text: Estimate durations in seconds.
        completion:
          mastery_score: 60
          require: [lessons]
        """)
    put("assets/small.svg", """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 120">
          <rect x="1" y="1" width="238" height="118" fill="#e8eff6" stroke="#1f4e79"/>
          <text x="20" y="65" font-family="sans-serif" font-size="14">Launch</text>
        </svg>
        """)
    put("modules/01-launch/module.yaml", """
        title: Launch ✅
        summary: What to check before the launch 🎉.
        outcomes: [LO1, LO2]
        """)
    put("modules/01-launch/01-checklist.md", f"""
        ---
        title: Checklist 🚀 for launch day
        outcomes: [LO1, LO2]
        minutes: 5
        ---

        ## Before the launch ✅

        Read more at [web.dev Core Web Vitals](https://web.dev/articles/vitals). The guide
        <https://example.org/guide> and [example.org/faq](https://example.org/faq/) print their
        address once. Write to [the team](mailto:team@example.org).

        | Step | Status |
        |:--|:--|
        | Deploy 🚀 | done ✅ |
        | {ARABIC} | {HEBREW} |

        Arabic: {ARABIC}. Hebrew: {HEBREW}. Party: 🎉.

        ![A small diagram labelled Launch](../../assets/small.svg "Figure 1. A small diagram")
        """)
    choices = "".join(f"""
          - id: q-first-{n}
            type: single
            stem: Which answer is right in question {n}?
            outcomes: [LO1]
            choices:
              - text: The right answer {n}
                correct: true
              - text: A wrong answer {n}a
              - text: A wrong answer {n}b
              - text: A wrong answer {n}c""" for n in range(1, 7))
    put("modules/01-launch/quiz.yaml", f"""
        title: Launch quiz
        questions:
          - id: q-seconds
            type: numerical
            stem: How many seconds are there in a year of 365 days?
            outcomes: [LO2]
            answers:
              - value: 31536000
                feedback: 365 × 24 × 3600.
            units:
              - unit: s{choices}
        """)
    put("modules/02-after/module.yaml", """
        title: After the launch
        summary: Looking back.
        outcomes: [LO1]
        """)
    put("modules/02-after/01-review.md", """
        ---
        title: Review
        outcomes: [LO1]
        ---

        Write down what went well.
        """)
    put("modules/02-after/quiz.yaml", """
        title: Review quiz
        questions:
          - id: q-review
            type: truefalse
            stem: A review looks back at the launch.
            outcomes: [LO1]
            answer: true
        """)
    return root


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load(write_course(tmp_path_factory.mktemp("print-course") / "course"))


@pytest.fixture(scope="module")
def course(loaded):
    return loaded.course


@pytest.fixture(scope="module")
def pdf(loaded, tmp_path_factory) -> Path:
    return build_pdf(loaded, tmp_path_factory.mktemp("print-pdf"))


@pytest.fixture(scope="module")
def texts(pdf) -> list[str]:
    return [BIDI_MARKS.sub("", t) for t in pages_text(pdf)]


def book_html(loaded) -> str:
    import datetime as dt

    ctx = ExportContext(HandbookOptions(), loaded.root, Path("."), dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                        template_environment(loaded.root, "handbook"), lambda message: None,
                        exporter_labels(HandbookExporter, loaded.course))
    return render_handbook_html(loaded.course, ctx)


def page_of(texts: list[str], needle: str, start: int = 0) -> int:
    """The 1-based number of the first page from ``start`` (0-based) whose text holds ``needle``."""
    hits = [i + 1 for i, t in enumerate(texts) if i >= start and squash(needle) in squash(t)]
    assert hits, f"no page holds {needle!r}"
    return hits[0]


# -- link addresses ------------------------------------------------------------------------------

def test_link_addresses_are_printed_after_the_link_text_once():
    html = str(prepare_html(
        '<p><a href="https://web.dev/articles/vitals">web.dev Core Web Vitals</a>, '
        '<a href="https://example.org/guide">https://example.org/guide</a>, '
        '<a href="https://example.org/faq/">example.org/faq</a>, <a href="mailto:team@example.org">team</a>, '
        '<a href="#q-1">question 1</a></p>', 0, {}))
    assert ('<a href="https://web.dev/articles/vitals">web.dev Core Web Vitals'
            '<span class="link-address"> (https://web.dev/articles/vitals)</span></a>') in html
    assert html.count("link-address") == 2            # not for the two that print their address, nor #q-1
    assert '<span class="link-address"> (team@example.org)</span>' in html
    assert '<a href="https://example.org/guide" class="url">https://example.org/guide</a>' in html


def test_printed_link_addresses_are_not_hyphenated_or_curled():
    words = {"example": (4,)}
    html = str(prepare_html('<p>An example: <a href="https://example.org/a&quot;b">site</a> '
                            '<a href="https://example.org/">https://example.org/</a></p>', 0, words, True))
    assert '<span class="hy">exam\u00adple</span>' in html      # the text around it is
    assert '(https://example.org/a"b)' in html and ">https://example.org/</a>" in html


def test_the_pdf_prints_link_addresses(texts):
    text = squash("".join(texts))
    assert squash("web.dev Core Web Vitals (https://web.dev/articles/vitals)") in text
    assert squash("the team (team@example.org)") in text
    assert text.count(squash("https://example.org/guide")) == 1
    assert text.count(squash("example.org/faq")) == 1


# -- numbers ---------------------------------------------------------------------------------------

def test_numbers_print_as_written_with_the_language_separators():
    assert written_number(31536000.0, "en") == "31,536,000"
    assert written_number(31536000.0, "id") == "31.536.000"
    assert written_number(31536000.0, "fr") == "31\u202f536\u202f000"
    assert written_number(2017.0, "id") == "2017"                 # four digits stay together
    assert written_number(0.1, "id") == "0,1"
    assert written_number(1e-7, "en") == "0.0000001"
    assert written_number(-12345.5, "de") == "\u221212.345,5"
    assert format_number(1200.0, 10.0, "pertanyaan", "id") == "1200 ± 10 pertanyaan"


def test_the_answer_key_prints_the_big_number_in_full(texts):
    key = "".join(texts[page_of(texts, "Answer key", 3) - 1:])
    assert "31,536,000 s" in key
    assert "e+07" not in "".join(texts)


# -- emoji, Arabic and Hebrew ----------------------------------------------------------------------

def test_emoji_arabic_and_hebrew_are_in_the_text_of_titles_headings_tables_and_running_heads(course, texts):
    lesson = page_of(texts, "Lesson 1.1")
    page = texts[lesson - 1]
    for needle in ("Checklist 🚀 for launch day", "Before the launch ✅", "Deploy 🚀", "done ✅", "Party: 🎉"):
        assert squash(needle) in squash(page), needle
    for word in ARABIC.split() + HEBREW.split():
        assert word in page, word
    assert "Launch day 🚀" in texts[0]                          # the cover
    running = {t.strip().splitlines()[0] for t in texts[lesson - 1:] if t.strip()}
    assert "Module 1. Launch ✅" in running, running           # the module's running head


def test_the_shipped_fallback_fonts_are_embedded(pdf):
    out = subprocess.run([require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    names = {line.split()[0].split("+", 1)[1] for line in out.splitlines()[2:] if line.strip()}
    assert {"Handbook-Emoji", "Handbook-Arabic-Serif", "Handbook-Hebrew-Serif", "Handbook-Emoji-Bold"} <= names
    assert_fonts_embedded_and_shipped(pdf)           # and no font of the machine's own


def line_png(tmp_path: Path, text: str, name: str) -> bytes:
    """``text`` typeset as one line in the handbook's body and heading fonts, as PNG pixels."""
    from PIL import Image

    css = (TEMPLATES / "handbook.css").read_text(encoding="utf-8")
    serif = re.search(r'html \{\s*font-family: ([^;]+);', css).group(1)
    html = (f'<html lang="en"><head><style>@page {{ size: 120mm 30mm; margin: 5mm; }}'
            f'body {{ font: 16pt {serif}; }} h1 {{ font-size: 16pt; }}</style></head>'
            f"<body><p>{text}</p></body></html>")
    result = typeset(html, tmp_path, [((TEMPLATES / "fonts.css").read_text(encoding="utf-8"), TEMPLATES)],
                     (tmp_path, TEMPLATES), None)
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(result.pdf)
    subprocess.run([require("pdftoppm"), "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / name)],
                   check=True)
    with Image.open(tmp_path / f"{name}.png") as image:
        return image.convert("L").tobytes()


def test_emoji_arabic_and_hebrew_are_drawn_not_empty_boxes(tmp_path):
    # Two characters no font has print the same empty box: the picture of a box is the reference
    box = line_png(tmp_path, "x \U000F0001 x", "box")
    assert line_png(tmp_path, "x \U000F0002 x", "box2") == box
    drawn = {name: line_png(tmp_path, f"x {text} x", name) for name, text in
             (("rocket", "🚀"), ("party", "🎉"), ("check", "✅"), ("arabic", "سلام"), ("hebrew", "שלום"))}
    for name, pixels in drawn.items():
        assert pixels != box, f"{name} prints as an empty box"
    assert len(set(drawn.values())) == len(drawn)                  # each is its own glyph


def test_validate_warns_at_the_source_line_about_characters_no_font_draws(tmp_path):
    root = write_course(tmp_path / "course")
    lesson = root / "modules" / "01-launch" / "01-checklist.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(9, "In Javanese script: ꦲꦏ꧀ꦱꦫ, and a clef 𝄞.")
    lines.append("Again: ꦲ and 𝄞.")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("coursepack")
    done = subprocess.run([str(exe), "validate", "--course", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    problems = [p for p in json.loads(done.stdout) if "none of the handbook's fonts" in p["message"]]
    assert len(problems) == 1, problems                 # one line, once: the repeat is not reported again
    problem = problems[0]
    assert problem["severity"] == "warning"
    assert problem["path"].endswith("modules/01-launch/01-checklist.md")
    assert (problem["line"], problem["col"]) == (10, 21)
    assert "U+A9B2 JAVANESE LETTER HA" in problem["message"] and "and 3 more" in problem["message"]
    assert "validate --for scorm12" in problem["message"]        # the way out for a course that is not printed
    # the emoji, Arabic and Hebrew of the same lesson are drawn: no warning names them
    assert "ROCKET" not in done.stdout and "ARABIC" not in done.stdout and "HEBREW" not in done.stdout


def test_validate_reads_the_fonts_the_course_itself_ships(tmp_path):
    root = write_course(tmp_path / "course")
    own = root / "templates" / "handbook"
    (own / "fonts").mkdir(parents=True)
    shutil.copy(TEMPLATES / "fonts" / "NotoSerif-Regular.ttf", own / "fonts")
    (own / "fonts.css").write_text('@font-face { font-family: "Handbook Serif"; src: url(fonts/NotoSerif-Regular.ttf); }\n',
                                   encoding="utf-8")
    loaded = load(root)
    problems = HandbookExporter().preflight(loaded.course, SourceContext(HandbookOptions(), loaded.root))
    flagged = " ".join(p.message for p in problems)
    assert "ROCKET" in flagged and "PARTY POPPER" in flagged and "ARABIC LETTER ALEF" in flagged
    assert any(p.path.endswith("/course.yaml") and (p.line, p.col) == (2, 19) for p in problems)   # the title's 🚀
    assert any(p.path.endswith("01-checklist.md") and p.line == 16 and "and 9 more" in p.message
               for p in problems)                     # the table row with Arabic and Hebrew


def test_weasyprint_per_glyph_font_warnings_become_one_warning_at_the_course(loaded):
    import logging

    messages = [(logging.WARNING, f'Unknown bitmap metrics in "Noto Color Emoji" for glyph: {n}') for n in range(40)]
    messages.append((logging.WARNING, "Anchor defined twice: x"))
    problems = log_problems(messages, loaded.course, loaded.root, "templates/handbook")
    glyphs = [p for p in problems if "Noto Color Emoji" in p.message]
    assert len(glyphs) == 1 and glyphs[0].message.startswith("40 glyph(s)") and glyphs[0].severity == "warning"
    assert glyphs[0].path == loaded.root.as_posix() and "coursepack validate" in glyphs[0].message
    assert any("Anchor defined twice" in p.message for p in problems)      # other messages stay


# -- worksheets, figures, answer keys, lesson headers ----------------------------------------------

def test_worksheet_choices_are_shuffled_by_question_id(loaded, course):
    html = book_html(loaded)
    letters = re.findall(r'<li><strong>([A-D])\.</strong> The right answer \d', html)
    assert len(letters) == 6 and len(set(letters)) > 1, letters      # not always A
    assert book_html(loaded) == html                                 # same source, same book
    q = next(q for q in course.questions if q.id == "q-first-1")
    assert sorted(choice_order(q)) == [0, 1, 2, 3]
    assert choice_order(dataclasses.replace(q, shuffle=False)) == (0, 1, 2, 3)


def test_the_sample_course_no_longer_prints_most_right_answers_as_a():
    html = book_html(load(SAMPLE))
    letters = re.findall(r'<ul class="key-answers">\s*<li><strong>([A-F])\.</strong>', html)
    assert letters and letters.count("A") <= len(letters) // 2, letters


def test_svg_figures_get_their_own_width(loaded, tmp_path):
    assert svg_width(loaded.root / "assets" / "small.svg") == 240.0     # from the viewBox
    (tmp_path / "mm.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="20mm"/>')
    assert round(svg_width(tmp_path / "mm.svg"), 1) == 189.0
    (tmp_path / "bad.svg").write_text("<svg")
    assert svg_width(tmp_path / "bad.svg") is None
    assert ('<img src="assets/small.svg" alt="A small diagram labelled Launch" style="--image-width: 240px">'
            in book_html(loaded))


def test_the_svg_figure_prints_at_its_own_size(loaded, course, tmp_path):
    ctx = ExportContext(HandbookOptions(), loaded.root, tmp_path, __import__("datetime").datetime(2026, 1, 1),
                        template_environment(loaded.root, "handbook"), lambda message: None,
                        exporter_labels(HandbookExporter, course))
    sheets = [((TEMPLATES / "fonts.css").read_text(encoding="utf-8"), TEMPLATES),
              (render_handbook_css(course, ctx), TEMPLATES)]
    document, _, _ = render_document(book_html(loaded), loaded.root, sheets, (loaded.root, TEMPLATES), None)

    def boxes(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child)

    widths = [box.width for page in document.pages for box in boxes(page._page_box)
              if box.element_tag == "img" and box.element.get("src") == "assets/small.svg"]
    # 240 CSS px wide, as drawn — not stretched to the text width (167 mm = 631 px)
    assert widths and all(abs(width - 240) < 0.5 for width in widths), widths


def test_a_long_quiz_starts_its_answer_key_on_a_page(tmp_path):
    root = write_course(tmp_path / "course")
    quiz = root / "modules" / "02-after" / "quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8") + "".join(f"""  - id: q-more-{n}
    type: truefalse
    stem: Statement {n} is true.
    outcomes: [LO1]
    answer: true
""" for n in range(19)), encoding="utf-8")
    html = book_html(load(root))
    assert '<h2 class="key-module">Module 1 · Launch quiz</h2>' in html       # 7 questions: no
    assert '<h2 class="key-module key-page" data-part="page">Module 2 · Review quiz</h2>' in html   # 20


def test_each_module_answer_key_follows_the_previous_one(texts):
    start = page_of(texts, "Answer key", 3)
    first = page_of(texts, "Module 1 · Launch quiz", start - 1)
    second = page_of(texts, "Module 2 · Review quiz", start - 1)
    assert first == second == start


def test_lesson_headers_show_the_outcome_texts(texts):
    page = texts[page_of(texts, "Lesson 1.1") - 1]
    assert squash("LO1 Explain what a launch checklist is for.") in squash(page)
    assert squash("LO2 Estimate durations in seconds.") in squash(page)


# -- PDF/UA-1 ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_sample_handbook_passes_the_pdf_ua_checker(tmp_path):
    from pypdf import PdfReader

    pdf = build_pdf(load(SAMPLE), tmp_path, pdf_variant="pdf/ua-1")
    done = subprocess.run([str(Path(sys.executable).with_name("pdfua")), "check", "--format", "json", str(pdf)],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    assert (report["summary"]["errors"], report["summary"]["warnings"]) == (0, 0), report["findings"][:3]
    assert done.returncode == 0 and report["summary"]["rules_run"] >= 10, done.stdout[-2000:]

    figures: list[str | None] = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            figures.append(node.get("/Alt"))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(PdfReader(io.BytesIO(pdf.read_bytes())).trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) >= 4                              # the four SVG figures of the sample course
    assert all(alt and str(alt).strip() for alt in figures), figures


def test_worksheet_points_say_point_for_one_and_points_for_more(loaded):
    html = book_html(loaded)
    spans = re.findall(r'<span class="q-points">([^<]*)</span>', html)
    assert spans and "point(s)" not in html
    assert set(spans) == {"1 point"}, spans          # every question of this course is worth 1
    two = dataclasses.replace(loaded, course=with_points(loaded.course, 2))
    assert set(re.findall(r'<span class="q-points">([^<]*)</span>', book_html(two))) == {"2 points"}


def with_points(course, points: float):
    """``course`` with every question worth ``points``."""
    modules = tuple(dataclasses.replace(m, quiz=dataclasses.replace(m.quiz, questions=tuple(
        dataclasses.replace(q, points=points) for q in m.quiz.questions))) if m.quiz else m
        for m in course.modules)
    return dataclasses.replace(course, modules=modules)


def test_the_glyph_rule_opens_no_more_fonts_than_it_needs(monkeypatch):
    """Fonts are read in fonts.css order until every character the course uses is found: a Latin
    course reads the first font only; a character in none of them reads every one."""
    import fontTools.ttLib
    from coursepack.exporters.handbook.glyphs import drawable_characters

    fonts = sorted((REPO / "templates" / "handbook" / "fonts").glob("*.ttf"))
    opened = []
    real = fontTools.ttLib.TTFont

    def counting(path, *args, **kwargs):
        opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(fontTools.ttLib, "TTFont", counting)
    latin = {ord(c) for c in "Pengantar AI Engineering"}
    assert drawable_characters(fonts, latin) == latin and len(opened) == 1
    opened.clear()
    javanese = ord("ꦲ")
    assert drawable_characters(fonts, latin | {javanese}) == latin and len(opened) == len(fonts)
