"""``coursepack new``: write the starter course (the folder ``starter/<language>/`` beside this file).

The starter is a small, complete course that validates with no problem and builds every output;
it teaches its reader the source format by using every part of it. Only ``course.yaml`` is a
template (its id, title and date); every other file is copied as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import jinja2

from .problems import StarterError

STARTERS = Path(__file__).resolve().parent / "starter"
LANGUAGES = ("en", "id")
DEFAULT_TITLES = {"en": "My course", "id": "Kursus saya"}


def course_id_for(title: str) -> str:
    """A course id (slug) made from ``title``: ASCII letters and digits joined by single '-'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:60].strip("-")
    return slug or "my-course"


def write_starter(target: Path, language: str = "en", title: str | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Write the starter course in ``language`` into the new or empty folder ``target``; return the
    files written. Nothing is left behind when it fails."""
    if language not in LANGUAGES:
        raise StarterError(f"no starter course in '{language}': choose one of {', '.join(LANGUAGES)}")
    title = (DEFAULT_TITLES[language] if title is None else title).strip()
    if not title:
        raise StarterError("the title is empty: give the course a title, e.g. --title \"Intro to Python\"")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "a file" if not target.is_dir() else "a folder that is not empty"
        raise StarterError(f"{target} is {what}: coursepack new writes only into a new or empty folder, "
                           "so nothing of yours is overwritten; choose another name")
    source = STARTERS / language
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=parent))
    except OSError as exc:
        raise StarterError(f"cannot create {target}: {exc.strerror or exc}") from exc
    try:
        course = staging / "course"
        shutil.copytree(source, course)
        template = jinja2.Template((source / "course.yaml").read_text(encoding="utf-8"),
                                   undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        (course / "course.yaml").write_text(template.render(
            id=course_id_for(title), title=json.dumps(title, ensure_ascii=False),
            date=(today or dt.date.today()).isoformat()), encoding="utf-8")
        if target.is_dir():
            target.rmdir()                 # empty, checked above
        os.replace(course, target)
    except OSError as exc:
        raise StarterError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(p for p in target.rglob("*") if p.is_file())
