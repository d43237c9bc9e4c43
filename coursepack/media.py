"""Is an image file really what its extension says? Checked once per file, by libraries.

Raster images are opened and verified with Pillow, then decoded in full (a truncated file
passes ``verify`` but not decoding); SVG must be well-formed XML, read by lxml without DTDs,
entities or network access, with an ``<svg>`` root in the SVG namespace (a browser shows
nothing for a file without it). A file whose content is another format than its name says
is reported with that format, so the fix is a rename.
"""

from __future__ import annotations

import io
import posixpath
import warnings

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
    return None


def raster_format(data: bytes) -> str | None:
    """The extension of the raster format Pillow recognises in ``data`` (None: none it knows)."""
    from PIL import Image, UnidentifiedImageError
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
