"""How the model's HTML names course files, and the one way an exporter points those names elsewhere.

The renderer writes every course file and every lesson it links to as its path inside the course
folder (``src="assets/x.png"``, ``href="modules/01-a/02-b.md"``). Those references stay data
until an exporter resolves them: each exporter decides where a file goes in its output and calls
``point_references`` with a map from course path to its URL there. Nothing else in the HTML
changes, so every output keeps the renderer's markup byte for byte.

Outputs that cannot carry the course's own file names get them from here too:
``package_path`` for zips with folders (SCORM, Common Cartridge), ``file_area_name`` for the
flat, per-text file areas of Moodle.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from .model import Asset

PACKAGE_SAFE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
PACKAGE_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
FILE_AREA_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attribute_forms(path: str) -> tuple[str, ...]:
    """Every way ``path`` can stand as an attribute value in the model's HTML: as written, with
    ``&`` and ``"`` escaped (the sanitiser), with ``<`` and ``>`` too (the renderer), and as
    ``html.escape`` writes it (``'`` too)."""
    minimal = path.replace("&", "&amp;").replace('"', "&quot;")
    full = minimal.replace("<", "&lt;").replace(">", "&gt;")
    return tuple(dict.fromkeys((path, minimal, full, html.escape(path, quote=True))))


def refers_to(html_text: str, path: str) -> bool:
    """Whether ``html_text`` has a ``src`` or ``href`` naming ``path``."""
    return any(f'src="{form}"' in html_text or f'href="{form}"' in html_text for form in attribute_forms(path))


def referenced(html_text: str, assets: Iterable[Asset]) -> list[Asset]:
    """The ``assets`` that ``html_text`` refers to, in their order."""
    if not html_text or ("src=" not in html_text and "href=" not in html_text):
        return []
    return [asset for asset in assets if refers_to(html_text, asset.path)]


def point_references(html_text: str, targets: Mapping[str, str]) -> str:
    """``html_text`` with every ``src``/``href`` that names a course path in ``targets`` pointing
    at ``targets[path]`` instead (exact replacement of the attribute, nothing else touched)."""
    if not html_text or not targets or ("src=" not in html_text and "href=" not in html_text):
        return html_text
    for old, new in targets.items():
        for form in attribute_forms(old):
            if form in html_text:
                html_text = (html_text.replace(f'src="{form}"', f'src="{new}"')
                             .replace(f'href="{form}"', f'href="{new}"'))
    return html_text


def ascii_part(part: str, unsafe: re.Pattern[str]) -> str:
    """``part`` folded to ASCII (accents dropped), every run of other characters as ``-``."""
    folded = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii")
    return unsafe.sub("-", folded)


def package_path(path: str) -> str:
    """Where a course file goes in a zip package: ``path`` itself when it is ASCII-safe and inside
    a folder (never the packages' own ``shared/``), else a deterministic ASCII path whose name
    carries a short hash of the original, so two renamed files cannot meet."""
    if PACKAGE_SAFE.match(path) and "/" in path and not path.startswith("shared/"):
        return path
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""

    def clean(part: str) -> str:
        return ascii_part(part, PACKAGE_UNSAFE).strip("-") or "file"

    digest = hashlib.sha256(path.encode("utf-8")).hexdigest()[:8]
    folders = "/".join(clean(p) for p in folder.split("/")) if folder else ""
    if folders.startswith("shared"):
        folders = "assets-" + folders
    new = f"{clean(stem)}-{digest}" + (f".{clean(ext)}" if ext else "")
    return f"{folders}/{new}" if folders else new


def file_area_name(asset: Asset, taken: set[str]) -> str:
    """A flat file name for a Moodle file area (PARAM_FILE, no URL encoding needed), unique among
    ``taken`` (the names already given in the same text), which it joins. Unlike
    ``package_path`` it keeps the plain name and adds a hash only when two files would meet."""
    stem, dot, ext = asset.name.rpartition(".")
    if not dot:
        stem, ext = asset.name, ""
    stem = ascii_part(stem, FILE_AREA_UNSAFE).strip("-.") or "file"
    ext = ascii_part(ext, FILE_AREA_UNSAFE).strip("-.")
    base = f"{stem}.{ext}" if ext else stem
    name = base
    if name in taken:
        stem, dot, ext = base.rpartition(".")
        digest = hashlib.sha256(asset.path.encode()).hexdigest()[:8]
        name = f"{stem}-{digest}.{ext}" if dot and stem else f"{base}-{digest}"
    taken.add(name)
    return name
