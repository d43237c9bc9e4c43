"""Golden files: every exporter's output for the shared fixture courses, compared one way.

The rule is the same for every format: a golden file that is missing or differs FAILS the test,
with a readable diff. Goldens are written only on explicit request::

    pytest --update-goldens            # or: UPDATE_GOLDEN=1 pytest
    pytest tests/test_cc.py --update-goldens -k golden

then review ``git diff tests/golden`` before committing. Under ``CI=true`` the request is
refused, so a CI run always compares.

Text is compared byte for byte and shown as a unified diff. A package (a zip: SCORM, Common
Cartridge) is a golden folder: ``members.txt`` lists every member of the archive in archive
order, and the chosen members (all of them unless the test names some) are stored beside it as
files, each compared as text is.
"""

from __future__ import annotations

import difflib
import io
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN_ROOT = Path(__file__).resolve().parent / "golden"
MEMBERS = "members.txt"
MOST_DIFF_LINES = 60


def update_requested(option: bool) -> bool:
    """``--update-goldens`` or ``UPDATE_GOLDEN=1``; never under ``CI=true``."""
    wanted = option or os.environ.get("UPDATE_GOLDEN") == "1"
    if wanted and os.environ.get("CI") == "true":
        raise RuntimeError("goldens are not rewritten under CI=true: run --update-goldens locally "
                           "and commit the reviewed files")
    return wanted


def text_diff(expected: bytes, actual: bytes, name: str) -> str:
    """A unified diff of two texts (or a note on their sizes when either is not UTF-8)."""
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{name}: binary content differs ({len(expected):,} bytes in the golden, {len(actual):,} now)"
    lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      f"golden/{name}", f"now/{name}", n=2))
    if len(lines) > MOST_DIFF_LINES:
        lines = lines[:MOST_DIFF_LINES] + [f"… {len(lines) - MOST_DIFF_LINES} more diff lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n\\ no newline at end\n" for line in lines)


def archive_members(data: bytes) -> dict[str, bytes]:
    """The members of a zip archive, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


@dataclass(frozen=True)
class Goldens:
    """Compares outputs with ``tests/golden/…`` (the ``golden`` fixture); ``rewritten`` collects
    what an explicit update wrote, for the end-of-run summary."""

    update: bool
    root: Path = GOLDEN_ROOT
    rewritten: list[str] = field(default_factory=list)

    def check_text(self, name: str, data: bytes) -> None:
        """``data`` must be exactly ``tests/golden/<name>``."""
        path = self.root / name
        if self.update:
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                self.rewritten.append(name)
            return
        if not path.is_file():
            raise AssertionError(f"golden file tests/golden/{name} is missing: run pytest --update-goldens, "
                                 "review it and commit it")
        if path.read_bytes() != data:
            raise AssertionError(f"the output differs from tests/golden/{name} (if the change is intended: "
                                 f"pytest --update-goldens, then review the diff)\n"
                                 + text_diff(path.read_bytes(), data, name))

    def check_archive(self, name: str, data: bytes, members: Iterable[str] | None = None) -> None:
        """The zip ``data`` must list exactly ``tests/golden/<name>/members.txt``, and each chosen
        member (every member unless ``members`` names some) must be ``tests/golden/<name>/<member>``."""
        found = archive_members(data)
        chosen = list(found) if members is None else list(members)
        absent = [m for m in chosen if m not in found]
        assert not absent, f"not in the archive: {absent}"
        folder = self.root / name
        listing = "".join(f"{m}\n" for m in found).encode("utf-8")
        if self.update:
            kept = {MEMBERS, *chosen}
            if folder.is_dir():
                for path in sorted(folder.rglob("*"), reverse=True):
                    rel = path.relative_to(folder).as_posix()
                    if path.is_file() and rel not in kept:
                        path.unlink()
                        self.rewritten.append(f"{name}/{rel} (removed)")
                    elif path.is_dir() and not any(path.iterdir()):
                        path.rmdir()
        failures = []
        for member, content in [(MEMBERS, listing)] + [(m, found[m]) for m in chosen]:
            try:
                self.check_text(f"{name}/{member}", content)
            except AssertionError as exc:
                failures.append(str(exc))
        if failures:
            raise AssertionError(f"{len(failures)} file(s) of {name} differ from the golden folder:\n\n"
                                 + "\n\n".join(failures))
