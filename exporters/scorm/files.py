"""The package's files besides the SCO pages: the shared runtime and style copied from the
templates, and the branding's CSS and logo from course.yaml."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

import jinja2

from coursepack.colour import accent_tint
from coursepack.model import Course

SHARED_FILES = ("shared/runtime.js", "shared/style.css")   # copied from templates/scorm/
BRAND_CSS = "shared/brand.css"                              # course.yaml's branding, when it has any


def brand_logo_path(course: Course) -> str:
    """Where the package keeps the branding's logo ('' without one)."""
    logo = course.branding.logo
    return f"shared/brand-logo{posixpath.splitext(logo.path)[1].lower()}" if logo else ""


def brand_files(course: Course) -> dict[str, Callable[[], bytes]]:
    """The branding's files in the shared folder: ``brand.css`` (the accent's variables, then the
    course's own CSS, so it wins) and the logo; none for a course without branding."""
    b = course.branding
    files: dict[str, Callable[[], bytes]] = {}
    if b.logo:
        files[brand_logo_path(course)] = b.logo.source.read_bytes
    if b.accent or b.css:
        def css() -> bytes:
            parts = ["/* course.yaml branding, after style.css */\n"]
            if b.accent:
                parts.append(f":root {{ --accent: {b.accent}; --accent-wash: {accent_tint(b.accent)}; }}\n")
            if b.css:
                parts.append(f"\n/* {b.css.path} */\n" + b.css.source.read_text("utf-8"))
            return "".join(parts).encode("utf-8")
        files[BRAND_CSS] = css
    return files


def read_template_file(templates: jinja2.Environment, name: str) -> bytes:
    """A static file of the templates (the course's override first), read as bytes."""
    source, _, _ = templates.loader.get_source(templates, name)
    return source.encode("utf-8")
