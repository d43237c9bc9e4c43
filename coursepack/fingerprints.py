"""Incremental builds: the fingerprints of what each exporter's last good output was built from.

``build/.coursepack-state.json`` records, per exporter, the hash of every course file it
depends on, of its templates and its code, the tool version and SOURCE_DATE_EPOCH, and the
hash of each output file. A build whose inputs and outputs all still match is skipped
without even loading the course; a changed lesson rebuilds only the exporters that depend
on lessons (see ``Exporter.depends_on``). ``is_current`` and ``record_state`` are the two
questions the ``build`` command asks: may this exporter be skipped, and what to remember.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import __version__

STATE_FILE = ".coursepack-state.json"


def hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def list_course_files(course_dir: Path) -> list[str]:
    """Every file of the course (relative, '/'-separated, sorted), hidden ones left out."""
    found = []
    for folder, dirs, files in os.walk(course_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = Path(folder).relative_to(course_dir).as_posix()
        for name in files:
            if not name.startswith("."):
                found.append(name if rel_folder == "." else f"{rel_folder}/{name}")
    return sorted(found)


def hash_tree(folders: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        if folder.is_dir():
            for rel in list_course_files(folder):
                digest.update(f"{folder.name}/{rel}\0".encode())
                digest.update(hash_file(folder / rel).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """What one exporter's output is built from."""

    inputs: dict[str, str]      # course file → sha256
    extra: str                  # templates + exporter code + tool version + SOURCE_DATE_EPOCH

    def to_json(self) -> dict:
        return {"inputs": self.inputs, "extra": self.extra}


def fingerprint(course_dir: Path, files: list[str], depends_on: Callable[[str], bool],
                template_dirs: list[Path], code_files: list[Path], source_date_epoch: str) -> Fingerprint:
    inputs = {rel: hash_file(course_dir / rel) for rel in files if depends_on(rel)}
    extra = hashlib.sha256()
    extra.update(f"{__version__}\0{source_date_epoch}\0".encode())
    extra.update(hash_tree(template_dirs).encode())
    for path in code_files:
        extra.update(hash_file(path).encode() if path.is_file() else b"-")
    return Fingerprint(inputs, extra.hexdigest())


def read_state(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == __version__ else {}


def write_state(out_dir: Path, state: dict) -> None:
    from .run import write_atomic
    state = dict(state, version=__version__)
    write_atomic(out_dir / STATE_FILE, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode())


def is_up_to_date(entry: dict | None, course_dir: Path, out_dir: Path, files: list[str],
                  source_date_epoch: str, strict: bool) -> bool:
    """Whether an exporter's recorded build still matches, checked without loading anything heavy."""
    if not entry or (strict and entry.get("warnings")):
        return False
    try:
        inputs = entry["inputs"]
        if entry.get("files") != files or entry.get("source_date_epoch") != source_date_epoch:
            return False
        if any(hash_file(course_dir / rel) != digest for rel, digest in inputs.items()):
            return False
        current = fingerprint(course_dir, [], lambda _: False, [Path(p) for p in entry["template_dirs"]],
                              [Path(p) for p in entry["code_files"]], source_date_epoch)
        if current.extra != entry["extra"]:
            return False
        return all((out_dir / name).is_file() and hash_file(out_dir / name) == digest
                   for name, digest in entry["outputs"].items()) and bool(entry["outputs"])
    except (KeyError, TypeError, OSError):
        return False


def is_current(state: dict, name: str, course_dir: Path, out_dir: Path, files: list[str], epoch: str,
               strict: bool) -> bool:
    """Whether exporter ``name``'s output in ``out_dir`` is still what the course would give."""
    return is_up_to_date(state.get("exporters", {}).get(name), course_dir, out_dir, files, epoch, strict)


def record_state(out_dir: Path, state: dict, classes: Sequence[type], results: Sequence, course_dir: Path,
                 files: list[str], epoch: str, warnings: int) -> None:
    """Remember what each successful exporter was built from (for the next incremental build)."""
    import inspect

    from .run import template_dirs

    entries = dict(state.get("exporters", {}))
    for cls, result in zip(classes, results):
        entries.pop(cls.name, None)
        if not result.paths:
            continue
        dirs = template_dirs(course_dir, cls.name, cls.template_folder)
        code = [Path(inspect.getfile(cls))]
        fp = fingerprint(course_dir, files, cls.depends_on, dirs, code, epoch)
        entries[cls.name] = dict(fp.to_json(), files=files, source_date_epoch=epoch,
                                 template_dirs=[str(d) for d in dirs], code_files=[str(c) for c in code],
                                 outputs={p.name: hash_file(p) for p in result.paths}, warnings=warnings)
    write_state(out_dir, {"exporters": entries})
