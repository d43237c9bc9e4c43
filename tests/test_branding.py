"""course.yaml's ``branding``: the logo and the CSS file are checked files of the course, the accent
colour must be readable (WCAG AA contrast), and each problem names its line and a fix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from coursepack.colour import TEXT_CONTRAST, contrast, readable_shade, weakest_contrast
from coursepack.load import load_course
from courses import EXPORTERS, MINI, build, load
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>'


def add_to_course_yaml(course: Path, text: str) -> None:
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def messages(problems) -> list[str]:
    return [p.format() for p in problems]


def brand(course: Path, text: str) -> None:
    add_to_course_yaml(course, "branding:\n" + text)


def test_a_valid_branding_is_in_the_model(mini_copy: Path):
    (mini_copy / "assets" / "logo.svg").write_text(SVG, encoding="utf-8")
    (mini_copy / "assets" / "brand.css").write_text(".course-title { letter-spacing: 0.02em; }\n",
                                                    encoding="utf-8")
    brand(mini_copy, "  logo: assets/logo.svg\n  logo_alt: Contoh Akademi\n  accent: '#0B6E4F'\n"
          "  css: assets/brand.css\n")
    course = load(mini_copy).course
    b = course.branding
    assert (b.logo.path, b.logo.media_type, b.logo_alt) == ("assets/logo.svg", "image/svg+xml", "Contoh Akademi")
    assert (b.accent, b.css.path) == ("#0b6e4f", "assets/brand.css")
    assert "assets/logo.svg" not in [a.path for a in course.assets]     # not a lesson asset


@pytest.mark.parametrize("branding, expected", [
    ("  logo: assets/lgo.svg\n", "logo 'assets/lgo.svg' not found (looked for assets/lgo.svg in the course "
                                 "folder) — did you mean 'logo.svg'?"),
    ("  logo: assets/notes.txt\n", "logo 'assets/notes.txt' is not an image every output shows"),
    ("  logo: assets/fake.png\n", "logo 'assets/fake.png'"),
    ("  css: ../outside.css\n", "custom CSS path '../outside.css' points outside the course folder"),
    ("  css: assets/logo.svg\n", "custom CSS 'assets/logo.svg' must be a .css file"),
    ("  css: assets/missing.css\n", "custom CSS 'assets/missing.css' not found"),
    ("  accent: blue\n", "a colour written '#rrggbb' or '#rgb'"),
    ("  accent: '#ffcc00'\n", "accent colour '#ffcc00' is too light to read: links and buttons in it reach "
                              "1.4:1 contrast, and text needs 4.5:1 (WCAG AA) — use a darker shade, such as "
                              "'#876c00'"),
])
def test_branding_problems_name_the_line_and_the_fix(mini_copy: Path, branding: str, expected: str):
    (mini_copy / "assets" / "logo.svg").write_text(SVG, encoding="utf-8")
    (mini_copy / "assets" / "notes.txt").write_text("notes", encoding="utf-8")
    (mini_copy / "assets" / "fake.png").write_text("not a png", encoding="utf-8")
    (mini_copy.parent / "outside.css").write_text("body {}", encoding="utf-8")
    brand(mini_copy, branding)
    course, problems = load_course(mini_copy, EXPORTERS, display_root="c")
    assert course is None
    lines = (mini_copy / "course.yaml").read_text(encoding="utf-8").splitlines()
    line = len(lines)                                   # the branding entry is the file's last line
    [problem] = problems
    assert (problem.path, problem.line) == ("c/course.yaml", line), problem.format()
    assert expected in problem.message, problem.message


def test_custom_css_may_not_load_other_files(mini_copy: Path):
    (mini_copy / "assets" / "brand.css").write_text(
        "h1 { color: #123; }\n@import 'more.css';\n.x { background: url(data:image/png;base64,AAAA); }\n"
        ".y { background: url( 'bg.png' ); }\n", encoding="utf-8")
    brand(mini_copy, "  css: assets/brand.css\n")
    course, problems = load_course(mini_copy, EXPORTERS, display_root="c")
    assert course is None
    assert [(p.path, p.line, p.col) for p in problems] == [("c/assets/brand.css", 2, 1),
                                                          ("c/assets/brand.css", 4, 18)]
    assert "custom CSS may not load other files (@import or url())" in problems[0].message


def test_contrast_figures_match_wcag():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    for accent in ("#ffcc00", "#e11d48", "#9ca3af", "#00ff00"):
        shade = readable_shade(accent)
        assert weakest_contrast(shade) >= TEXT_CONTRAST > weakest_contrast(accent)
    assert readable_shade("#1d4ed8") == "#1d4ed8"


def test_branding_colours_the_handbook_cover_and_prints_the_logo(tmp_path):
    course = tmp_path / "c"
    shutil.copytree(MINI, course)
    (course / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" '
        'fill="#c2410c"/></svg>', encoding="utf-8")
    (course / "assets" / "brand.css").write_text(".cover-title { color: #fde68a; }\n", encoding="utf-8")
    with (course / "course.yaml").open("a", encoding="utf-8") as f:
        f.write("branding:\n  logo: assets/logo.svg\n  accent: '#0b6e4f'\n  css: assets/brand.css\n")
    [pdf] = build("handbook", load(course), tmp_path / "out")
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    subprocess.run([pdftoppm, "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True)
    from PIL import Image
    [png] = tmp_path.glob("p*.png")
    cover = Image.open(png).convert("RGB")
    width, height = cover.size
    assert cover.getpixel((width // 2, 5)) == (0x0b, 0x6e, 0x4f)          # the band in the accent
    colours = {c for _, c in cover.getcolors(maxcolors=1 << 16)}
    assert (0xc2, 0x41, 0x0c) in colours                                  # the logo's orange
    assert any(abs(r - 0xfd) + abs(g - 0xe6) + abs(b - 0x8a) < 12 for r, g, b in colours)   # the course's CSS


def test_scorm_package_carries_and_declares_the_branding(mini_copy: Path, tmp_path: Path):
    import zipfile

    from coursepack.exporters.scorm import plan_scos

    (mini_copy / "assets" / "logo.svg").write_text(SVG, encoding="utf-8")
    (mini_copy / "assets" / "brand.css").write_text(".page-kicker { font-variant: small-caps; }\n",
                                                    encoding="utf-8")
    brand(mini_copy, "  logo: assets/logo.svg\n  accent: '#0b6e4f'\n  css: assets/brand.css\n")
    loaded = load(mini_copy)
    course = loaded.course
    for edition in ("scorm12", "scorm2004"):
        [path] = build(edition, loaded, tmp_path / edition)       # check() validated the manifest
        with zipfile.ZipFile(path) as archive:
            css = archive.read("shared/brand.css").decode()
            assert archive.read("shared/brand-logo.svg") == SVG.encode()
            manifest = archive.read("imsmanifest.xml").decode()
            page = archive.read(plan_scos(course, "course")[0].href).decode()
        assert ":root { --accent: #0b6e4f; --accent-wash: #ebf3f1; }" in css
        assert css.index("--accent") < css.index(".page-kicker { font-variant: small-caps; }")
        assert '<file href="shared/brand.css"/>' in manifest and '<file href="shared/brand-logo.svg"/>' in manifest
        assert page.index('href="shared/style.css"') < page.index('href="shared/brand.css"')
        assert '<img class="course-logo" src="shared/brand-logo.svg" alt="">' in page


def test_scorm_package_without_branding_has_no_brand_files(tmp_path: Path):
    import zipfile

    [path] = build("scorm12", load(MINI), tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if "brand" in n]


def test_the_preview_prints_a_lesson_in_the_accent(mini_copy: Path, tmp_path: Path):
    from coursepack.preview import lesson_print_pdf

    brand(mini_copy, "  accent: '#7c2d12'\n")
    loaded = load(mini_copy)
    course = loaded.course
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    (tmp_path / "lesson.pdf").write_bytes(lesson_print_pdf(loaded, EXPORTERS["handbook"], course.lessons[0].id,
                                                                tmp_path / "scratch"))
    subprocess.run([pdftoppm, "-png", "-r", "100", "-f", "1", "-l", "1", str(tmp_path / "lesson.pdf"),
                    str(tmp_path / "p")], check=True)
    from PIL import Image
    [png] = tmp_path.glob("p*.png")
    colours = {c for _, c in Image.open(png).convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0x7c, 0x2d, 0x12) in colours                  # the lesson title, set in the accent
