"""The one place course-file references are resolved and renamed (coursepack/references.py)."""

from __future__ import annotations

from pathlib import Path

from coursepack.model import Asset
from coursepack.references import PACKAGE_SAFE, file_area_name, package_path, point_references, referenced


def asset(path: str) -> Asset:
    return Asset(path=path, source=Path("/nonexistent") / path, media_type="image/png", size=1, sha256="0" * 64)


def test_every_escaped_form_of_a_path_is_pointed_and_nothing_else_changes():
    html = ('<p><img src="assets/a&amp;b.png" alt="assets/a&amp;b.png"> <a href="assets/a&amp;b.png">x</a> '
            '<a href="modules/01-a/02-b.md">next</a> <img src="assets/other.png"></p>')
    out = point_references(html, {"assets/a&b.png": "files/a-b.png", "modules/01-a/02-b.md": "b.html"})
    assert out == ('<p><img src="files/a-b.png" alt="assets/a&amp;b.png"> <a href="files/a-b.png">x</a> '
                   '<a href="b.html">next</a> <img src="assets/other.png"></p>')
    assert point_references(html, {}) is html


def test_referenced_keeps_the_assets_order_and_needs_an_attribute():
    a, b, c = asset("assets/a.png"), asset("assets/b.png"), asset("assets/c.png")
    html = '<img src="assets/b.png"> assets/c.png <a href="assets/a.png">a</a>'
    assert referenced(html, [a, b, c]) == [a, b]
    assert referenced("no references", [a]) == []


def test_package_paths_are_ascii_and_distinct_and_safe_paths_stay():
    assert package_path("assets/diagram.svg") == "assets/diagram.svg"
    renamed = {package_path(p) for p in ("assets/café.png", "assets/cafe\u0301.png", "assets/ca fé.png")}
    assert len(renamed) == 3
    assert all(PACKAGE_SAFE.match(p) and p.startswith("assets/ca") and p.endswith(".png") for p in renamed)
    assert package_path("shared/x.png").startswith("assets-shared/")     # never the packages' own folder
    assert package_path("top.png") != "top.png"                            # always inside a folder


def test_file_area_names_are_plain_unless_two_would_meet():
    taken: set[str] = set()
    first = file_area_name(asset("assets/één.png"), taken)
    second = file_area_name(asset("assets/sub/een.png"), taken)
    assert first == "een.png"
    assert second.startswith("een-") and second.endswith(".png") and second != first
    assert taken == {first, second}
