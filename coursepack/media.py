"""Is an image, audio or video file really what its extension says? Are captions valid WebVTT?

Checked once per file.

Raster images are opened and verified with Pillow, then decoded in full (a truncated file
passes ``verify`` but not decoding); SVG must be well-formed XML, read by lxml without DTDs,
entities or network access, with an ``<svg>`` root in the SVG namespace (a browser shows
nothing for a file without it). A file whose content is another format than its name says
is reported with that format, so the fix is a rename. Audio and video are told apart by
their first bytes (the container's signature: MP4's ``ftyp`` box, WebM's EBML header and
doc type, ``OggS``, ``RIFF…WAVE``, an MP3 frame or ID3 tag): enough to catch a renamed,
empty or wrong file, without decoding the streams. Captions are read as the WebVTT
specification says a file is valid: the ``WEBVTT`` signature, well-formed timestamps, each
cue ending after it starts and starting no earlier than the one before it.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
from dataclasses import dataclass

#: file extension → (Pillow's format name, the name shown in messages)
RASTER = {
    ".png": ("PNG", "PNG"),
    ".jpg": ("JPEG", "JPEG"),
    ".jpeg": ("JPEG", "JPEG"),
    ".gif": ("GIF", "GIF"),
    ".webp": ("WEBP", "WebP"),
}
#: the extension to suggest for a file whose content is in Pillow's ``format``
EXTENSION_OF = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: the image formats every output shows: browsers (SCORM, Moodle) and WeasyPrint (handbook)
IMAGE_EXTENSIONS = (*RASTER, ".svg")


#: audio and video: file extension → (container named by its first bytes, the name shown in messages)
VIDEO = {".mp4": ("mp4", "MP4"), ".webm": ("webm", "WebM"), ".ogv": ("ogg", "Ogg")}
AUDIO = {".mp3": ("mp3", "MP3"), ".m4a": ("mp4", "MP4 audio"), ".ogg": ("ogg", "Ogg"),
         ".oga": ("ogg", "Ogg"), ".opus": ("ogg", "Ogg Opus"), ".wav": ("wav", "WAV")}
#: the extension to suggest for content in a container (Matroska and FLAC: not played everywhere)
MEDIA_EXTENSION_OF = {"mp4": ".mp4", "webm": ".webm", "ogg": ".ogg", "mp3": ".mp3", "wav": ".wav"}
MEDIA_SHOWN = {"mp4": "MP4", "webm": "WebM", "ogg": "Ogg", "mp3": "MP3", "wav": "WAV",
               "matroska": "Matroska (MKV)", "flac": "FLAC"}
CAPTIONS_EXTENSION = ".vtt"


def media_kind(rel: str) -> str | None:
    """'video' or 'audio' when ``rel`` names a media file by its extension, else None."""
    suffix = posixpath.splitext(rel)[1].lower()
    return "video" if suffix in VIDEO else "audio" if suffix in AUDIO else None


def is_checked(rel: str) -> bool:
    """Whether ``rel`` has an extension whose content is checked."""
    return posixpath.splitext(rel)[1].lower() in IMAGE_EXTENSIONS


def media_problem(rel: str, data: bytes) -> str | None:
    """Why the file ``rel`` with content ``data`` is not the image its extension says, or None."""
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix == ".svg":
        return svg_problem(rel, data)
    if suffix in RASTER:
        return raster_problem(rel, data, *RASTER[suffix])
    if suffix in VIDEO or suffix in AUDIO:
        return container_problem(rel, data, *(VIDEO.get(suffix) or AUDIO[suffix]))
    if suffix == CAPTIONS_EXTENSION:
        problems = webvtt_problems(data)
        return f"is not valid WebVTT (line {problems[0].line}: {problems[0].message})" if problems else None
    return None


def container_format(data: bytes) -> str | None:
    """The audio or video container that ``data`` starts like (a key of MEDIA_SHOWN), or None."""
    head = data[:64]
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head else "matroska"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return "mp3"    # an ID3 tag, or an MPEG audio frame header (sync bits, layer III, II or I)
    return None


def _a(name: str) -> str:
    """The article before a format's name as it is read aloud: "an MP4", "a WebM"."""
    return "an" if name[:1] in "AEIOS" or name.startswith(("MP", "M4", "FL")) and name != "FLAC" else "a"


def container_problem(rel: str, data: bytes, expected: str, shown: str) -> str | None:
    kind = media_kind(rel)
    if not data:
        return f"is an empty file, not {shown} {kind}"
    found = container_format(data)
    if found == expected:
        return None
    if found:
        other = MEDIA_EXTENSION_OF.get(found)
        fix = _renamed(rel, other) if other else f"convert it to {shown}"
        return f"is {_a(MEDIA_SHOWN[found])} {MEDIA_SHOWN[found]} file, not {shown}: {fix}"
    image = raster_format(data) or (".svg" if svg_problem(rel, data, sniff=False) is None else None)
    if image:
        found = image[1:].upper()
        return f"is {_a(found)} {found} image, not {shown} {kind}: link the {kind} file itself"
    return (f"is not {shown} {kind} (its first bytes are not those of any audio or video format): "
            f"export it again as {shown}")


# --- WebVTT ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CaptionProblem:
    line: int
    col: int
    message: str


@dataclass(frozen=True, slots=True)
class Cue:
    start: float     # seconds
    end: float
    text: str
    line: int        # line of the timing line


_TIMESTAMP = re.compile(r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
_LOOSE_TIMESTAMP = re.compile(r"[\d:.,]+")


def parse_timestamp(text: str) -> float | None:
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _timestamp_problem(text: str) -> str:
    if "," in text and parse_timestamp(text.replace(",", ".")) is not None:
        return f"'{text}' has a comma before the milliseconds (SubRip style): write '{text.replace(',', '.')}'"
    return (f"'{text}' is not a WebVTT timestamp: write hours:minutes:seconds.milliseconds, "
            "e.g. 00:01:02.500 (hours may be left out, minutes and seconds are 00–59)")


def read_webvtt(data: bytes) -> tuple[list[Cue], list[CaptionProblem]]:
    """The cues of a WebVTT file and what makes it invalid (line and column from 1)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return [], [CaptionProblem(line, 1, "the file is not UTF-8 text: save it again as UTF-8")]
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not re.match(r"WEBVTT(?:[ \t]|$)", lines[0]):
        return [], [CaptionProblem(1, 1, "the first line must be 'WEBVTT' (the file's signature): add it, "
                                          "then a blank line before the first cue")]
    cues: list[Cue] = []
    problems: list[CaptionProblem] = []
    i = 1
    while i < len(lines) and lines[i].strip():     # the header, up to the first blank line
        if "-->" in lines[i]:
            problems.append(CaptionProblem(i + 1, 1, "a blank line must separate the 'WEBVTT' line from "
                                                     "the first cue"))
            break
        i += 1
    blocks: list[tuple[int, list[str]]] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        first = i
        while i < len(lines) and lines[i].strip():
            i += 1
        blocks.append((first, lines[first:i]))
    for first, block in blocks:
        head = block[0]
        if re.match(r"(NOTE|STYLE|REGION)(?:[ \t]|$)", head) and "-->" not in head:
            if head.startswith(("STYLE", "REGION")) and cues:
                problems.append(CaptionProblem(first + 1, 1, f"a {head.split()[0]} block must come before "
                                                              "the first cue: move it up"))
            continue
        timing = 0 if "-->" in head else 1
        if timing >= len(block) or "-->" not in block[timing]:
            problems.append(CaptionProblem(first + 1, 1, "this block is not a cue (no 'start --> end' "
                                                         "line) nor a NOTE: separate cues by one blank "
                                                         "line, and start comments with NOTE"))
            continue
        line_no = first + timing + 1
        cue_line = block[timing]
        left, _, right = cue_line.partition("-->")
        start_text = left.strip()
        end_text = (right.split() or [""])[0]
        start, end = parse_timestamp(start_text), parse_timestamp(end_text)
        if start is None or end is None:
            bad = start_text if start is None else end_text
            col = cue_line.find(bad) + 1 if bad else len(cue_line) + 1
            problems.append(CaptionProblem(line_no, col, _timestamp_problem(bad) if bad else
                                           "the cue has no end time: write 'start --> end'"))
            continue
        if not left.endswith((" ", "\t")) or not right.startswith((" ", "\t")):
            problems.append(CaptionProblem(line_no, cue_line.find("-->") + 1,
                                           "put a space on each side of '-->'"))
            continue
        if end <= start:
            problems.append(CaptionProblem(line_no, cue_line.find(end_text, len(left)) + 1,
                                           f"the cue ends at {end_text}, not after it starts ({start_text}): "
                                           "fix the end time"))
            continue
        if cues and start < cues[-1].start:
            problems.append(CaptionProblem(line_no, 1, f"the cue starts at {start_text}, before the cue on "
                                                       f"line {cues[-1].line} ({format_seconds(cues[-1].start)}): "
                                                       "order the cues by start time"))
            continue
        payload = block[timing + 1:]
        if any("-->" in t for t in payload):
            k = next(n for n, t in enumerate(payload) if "-->" in t)
            problems.append(CaptionProblem(line_no + 1 + k, 1, "a cue's text cannot contain '-->': a blank "
                                                               "line must come before the next cue"))
            continue
        cues.append(Cue(start, end, "\n".join(payload), line_no))
    if not cues and not problems:
        problems.append(CaptionProblem(len(lines), 1, "the file has no cues: add at least one "
                                                      "'00:00:00.000 --> 00:00:02.000' line with its text"))
    return cues, problems


def webvtt_problems(data: bytes) -> list[CaptionProblem]:
    return read_webvtt(data)[1]


def format_seconds(value: float) -> str:
    millis = round(value * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def raster_format(data: bytes) -> str | None:
    """The extension of the raster format Pillow recognises in ``data`` (None: none it knows)."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data)) as image:
            return EXTENSION_OF.get(image.format or "")
    except Exception:       # not an image Pillow can read
        return None


def _renamed(rel: str, extension: str) -> str:
    return f"rename it to '{posixpath.splitext(posixpath.basename(rel))[0]}{extension}'"


def raster_problem(rel: str, data: bytes, pillow_format: str, shown: str) -> str | None:
    from PIL import ImageFile
    if not data:
        return f"is an empty file, not a {shown} image"
    # WeasyPrint sets this process-wide when it is imported; a cut-short file must still fail here
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        return _raster_problem(rel, data, pillow_format, shown)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _raster_problem(rel: str, data: bytes, pillow_format: str, shown: str) -> str | None:
    from PIL import Image, UnidentifiedImageError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                found = image.format
                if found != pillow_format:
                    other = EXTENSION_OF.get(found or "")
                    fix = _renamed(rel, other) if other else f"convert it to {shown}"
                    return f"is a {found} image, not {shown}: {fix}"
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if found == "JPEG":     # decode every block at 1/8 scale: a cut file still fails, in 1/64 the memory
                    image.draft(image.mode, (image.width // 8 or 1, image.height // 8 or 1))
                image.load()
    except UnidentifiedImageError:
        if svg_problem(rel, data, sniff=False) is None:
            return f"is an SVG image, not {shown}: {_renamed(rel, '.svg')}"
        return (f"is not a readable {shown} image (its content is not recognised as any image format): "
                f"save or export it again as {shown}")
    except Image.DecompressionBombError as exc:
        return f"is too large to open safely ({exc}): scale it down"
    except Exception as exc:    # Pillow's readers raise many kinds (OSError, SyntaxError, struct.error …)
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        return f"is a damaged {shown} image ({reason}): export the image again"
    return None


def parse_svg(data: bytes):
    """The root of an SVG file, read without loading a DTD, expanding an entity or using the network."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    return etree.fromstring(data, parser)


def svg_problem(rel: str, data: bytes, sniff: bool = True) -> str | None:
    from lxml import etree
    if not data.strip():
        return "is an empty file, not an SVG image"
    try:
        root = parse_svg(data)
    except etree.XMLSyntaxError as exc:
        other = raster_format(data) if sniff else None
        if other:
            return f"is a {other[1:].upper()} image, not SVG: {_renamed(rel, other)}"
        error = exc.error_log.last_error if exc.error_log else None
        line = f" at line {error.line}" if error is not None and error.line else ""
        message = (error.message if error is not None else str(exc)).strip()
        return f"is not a well-formed SVG file (XML error{line}: {message}): export the image again"
    except ValueError as exc:
        return f"is not a well-formed SVG file ({exc}): export the image again"
    qname = etree.QName(root)
    if qname.localname != "svg":
        return f"is not an SVG image: its root element is <{qname.localname}>, not <svg>"
    if qname.namespace != SVG_NAMESPACE:
        return (f"is not a usable SVG image: its <svg> element lacks xmlns=\"{SVG_NAMESPACE}\", without "
                "which browsers show nothing: add it")
    return None
