"""coursepack.media: an image file is what its extension says (Pillow for raster formats, lxml for SVG)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from coursepack.media import media_problem, parse_svg
from strategies import png_bytes, svg_bytes

SVG = svg_bytes("#112233", "uji")


def saved(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), (10, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data", [
    ("a.png", png_bytes((1, 2, 3))), ("a.PNG", png_bytes((1, 2, 3))), ("a.jpg", saved("JPEG")),
    ("a.jpeg", saved("JPEG")), ("a.gif", saved("GIF")), ("a.webp", saved("WEBP")), ("a.svg", SVG),
    ("a.svg", SVG + b"\n\n"), ("a.svg", b"\xef\xbb\xbf" + SVG), ("data.csv", b"not checked"),
])
def test_good_files_pass(name: str, data: bytes):
    assert media_problem(name, data) is None


@pytest.mark.parametrize("name, data, message", [
    ("a.gif", saved("PNG"), "is a PNG image, not GIF: rename it to 'a.png'"),
    ("a.webp", saved("GIF"), "is a GIF image, not WebP: rename it to 'a.gif'"),
    ("a.jpg", saved("BMP"), "is a BMP image, not JPEG: convert it to JPEG"),
    ("a.png", SVG, "is an SVG image, not PNG: rename it to 'a.svg'"),
    ("a.svg", saved("PNG"), "is a PNG image, not SVG: rename it to 'a.png'"),
    ("a.jpg", saved("JPEG")[:200], "is a damaged JPEG image (Truncated File Read): export the image again"),
    ("a.svg", b"  \n", "is an empty file, not an SVG image"),
    ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
     "is not a well-formed SVG file (XML error at line 1: Opening and ending tag mismatch: g line 1 and svg): "
     "export the image again"),
    ("a.svg", b"<svg:svg xmlns:svg='http://example.org/not-svg'/>",
     "is not a usable SVG image: its <svg> element lacks xmlns=\"http://www.w3.org/2000/svg\", without which "
     "browsers show nothing: add it"),
])
def test_bad_files_say_what_they_are(name: str, data: bytes, message: str):
    assert media_problem(name, data) == message


def test_svg_entities_and_external_files_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("rahasia")
    data = (f'<!DOCTYPE svg [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&s;</text></svg>').encode()
    assert media_problem("a.svg", data) is None          # well-formed; the entity stays unexpanded
    from lxml import etree
    assert "rahasia" not in etree.tostring(parse_svg(data)).decode()


@pytest.mark.parametrize("tolerant", [False, True])
def test_a_large_jpeg_is_decoded_in_full_and_a_cut_one_refused(monkeypatch, tolerant):
    import random

    from PIL import ImageFile
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", tolerant)   # what importing WeasyPrint sets
    noise = Image.frombytes("RGB", (640, 480), random.Random(1).randbytes(640 * 480 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    assert media_problem("foto.jpg", data) is None
    for cut in (len(data) // 2, len(data) - 100):
        problem = media_problem("foto.jpg", data[:cut])
        assert problem is not None and problem.startswith("is a damaged JPEG image (image file is truncated"), problem
    assert ImageFile.LOAD_TRUNCATED_IMAGES is tolerant
