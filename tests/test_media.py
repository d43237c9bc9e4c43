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


# --- audio and video: told by their first bytes -----------------------------------------------

MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
MKV = WEBM.replace(b"\x84webm", b"\x88matroska")
OGG = b"OggS\x00\x02" + bytes(22)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(60)
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt "


@pytest.mark.parametrize("name, data", [
    ("a.mp4", MP4), ("a.MP4", MP4), ("a.m4a", MP4), ("a.webm", WEBM), ("a.ogv", OGG), ("a.ogg", OGG),
    ("a.oga", OGG), ("a.opus", OGG), ("a.mp3", MP3_FRAME), ("a.mp3", b"ID3\x04\x00" + bytes(20)), ("a.wav", WAV),
])
def test_good_media_files_pass(name: str, data: bytes):
    assert media_problem(name, data) is None


@pytest.mark.parametrize("name, data, message", [
    ("a.mp4", b"", "is an empty file, not MP4 video"),
    ("a.mp4", WEBM, "is a WebM file, not MP4: rename it to 'a.webm'"),
    ("a.webm", MP4, "is an MP4 file, not WebM: rename it to 'a.mp4'"),
    ("a.webm", MKV, "is a Matroska (MKV) file, not WebM: convert it to WebM"),
    ("a.mp3", WAV, "is a WAV file, not MP3: rename it to 'a.wav'"),
    ("a.mp4", png_bytes((1, 2, 3)), "is a PNG image, not MP4 video: link the video file itself"),
    ("a.mp3", SVG, "is an SVG image, not MP3 audio: link the audio file itself"),
    ("a.mp4", b"<html>404 Not Found</html>", "is not MP4 video (its first bytes are not those of any audio or "
     "video format): export it again as MP4"),
    ("a.wav", b"RIFF\x24\x08\x00\x00AVI LIST", "is not WAV audio (its first bytes are not those of any audio or "
     "video format): export it again as WAV"),
])
def test_bad_media_files_say_what_they_are(name: str, data: bytes, message: str):
    assert media_problem(name, data) == message


def test_the_sample_video_is_small_and_captioned_in_order():
    from coursepack.media import read_webvtt
    from pathlib import Path
    assets = Path(__file__).resolve().parents[1] / "course" / "assets"
    video = (assets / "empat-peran-llm.mp4").read_bytes()
    assert media_problem("empat-peran-llm.mp4", video) is None and len(video) < 200_000
    cues, problems = read_webvtt((assets / "empat-peran-llm.vtt").read_bytes())
    assert problems == [] and len(cues) == 5 and cues[-1].end < 15


# --- WebVTT -------------------------------------------------------------------------------------

def vtt_problems(text: str) -> list[tuple[int, int, str]]:
    from coursepack.media import webvtt_problems
    return [(p.line, p.col, p.message) for p in webvtt_problems(text.encode("utf-8"))]


def test_webvtt_reads_cues_ids_notes_settings_and_line_endings():
    from coursepack.media import read_webvtt
    text = ("\ufeffWEBVTT - judul\r\nKind: captions\r\n\r\nNOTE dibuat tangan\r\n\r\nSTYLE\r\n::cue { color: lime }\r\n\r\n"
            "satu\r\n00:00.000 --> 00:01.500 line:90% align:center\r\nHalo\r\n<v Narator>dunia</v>\r\n\r\n\r\n"
            "01:00:01.000 --> 01:00:02.000\r\nJam\r\n")
    cues, problems = read_webvtt(text.encode("utf-8"))
    assert problems == []
    assert [(c.start, c.end, c.text, c.line) for c in cues] == [
        (0.0, 1.5, "Halo\n<v Narator>dunia</v>", 10), (3601.0, 3602.0, "Jam", 15)]


@pytest.mark.parametrize("text, expected", [
    ("", [(1, 1, "the first line must be 'WEBVTT' (the file's signature): add it, then a blank line before the "
          "first cue")]),
    ("WEBVTTX\n", [(1, 1, "the first line must be 'WEBVTT' (the file's signature): add it, then a blank line "
                   "before the first cue")]),
    ("1\n00:00:01,000 --> 00:00:02,000\nSRT\n", [(1, 1, "the first line must be 'WEBVTT' (the file's "
                                                 "signature): add it, then a blank line before the first cue")]),
    ("WEBVTT\n", [(2, 1, "the file has no cues: add at least one '00:00:00.000 --> 00:00:02.000' line with its text")]),
    ("WEBVTT\n00:00.000 --> 00:01.000\nx\n", [(2, 1, "a blank line must separate the 'WEBVTT' line from the "
                                              "first cue")]),
    ("WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nx\n",
     [(3, 1, "'00:00:01,000' has a comma before the milliseconds (SubRip style): write '00:00:01.000'")]),
    ("WEBVTT\n\n00:00.000 --> 00:61.000\nx\n",
     [(3, 15, "'00:61.000' is not a WebVTT timestamp: write hours:minutes:seconds.milliseconds, e.g. "
              "00:01:02.500 (hours may be left out, minutes and seconds are 00–59)")]),
    ("WEBVTT\n\n0:01.000 --> 0:02.000\nx\n",
     [(3, 1, "'0:01.000' is not a WebVTT timestamp: write hours:minutes:seconds.milliseconds, e.g. "
             "00:01:02.500 (hours may be left out, minutes and seconds are 00–59)")]),
    ("WEBVTT\n\n00:01.000 -->\nx\n", [(3, 14, "the cue has no end time: write 'start --> end'")]),
    ("WEBVTT\n\n00:01.000-->00:02.000\nx\n", [(3, 10, "put a space on each side of '-->'")]),
    ("WEBVTT\n\n00:02.000 --> 00:01.000\nx\n",
     [(3, 15, "the cue ends at 00:01.000, not after it starts (00:02.000): fix the end time")]),
    ("WEBVTT\n\n00:02.000 --> 00:03.000\na\n\n00:01.000 --> 00:04.000\nb\n",
     [(6, 1, "the cue starts at 00:01.000, before the cue on line 3 (00:00:02.000): order the cues by start "
             "time")]),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb\n",
     [(5, 1, "a cue's text cannot contain '-->': a blank line must come before the next cue")]),
    ("WEBVTT\n\nHalo tanpa waktu\n", [(3, 1, "this block is not a cue (no 'start --> end' line) nor a NOTE: "
                                      "separate cues by one blank line, and start comments with NOTE")]),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nSTYLE\n::cue {}\n",
     [(6, 1, "a STYLE block must come before the first cue: move it up")]),
])
def test_webvtt_problems_say_where_and_how_to_fix(text: str, expected: list):
    assert vtt_problems(text) == expected


def test_webvtt_that_is_not_utf8_is_reported_at_its_line():
    from coursepack.media import webvtt_problems
    [problem] = webvtt_problems(b"WEBVTT\n\n00:01.000 --> 00:02.000\nCaf\xe9\n")
    assert (problem.line, problem.message) == (4, "the file is not UTF-8 text: save it again as UTF-8")


def test_webvtt_by_extension_through_media_problem():
    assert media_problem("a.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nok\n") is None
    assert media_problem("a.vtt", b"WEBVTT\n\n00:03.000 --> 00:02.000\nno\n") == (
        "is not valid WebVTT (line 3: the cue ends at 00:02.000, not after it starts (00:03.000): fix the end time)")
