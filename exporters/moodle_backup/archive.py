"""The ``.mbz`` itself: a gzip-compressed ustar archive, as Moodle writes and reads it.

Reproducible: members in a fixed order (``moodle_backup.xml`` first, then by path), every member
with the source date as its time, owner 0/0 without names, mode 0644; gzip without a file name
or timestamp in its header.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path
from typing import Callable

FIRST = "moodle_backup.xml"


def member_order(names) -> list[str]:
    return sorted(names, key=lambda name: (name != FIRST, name))


def write_mbz(target: Path, members: dict[str, Callable[[], bytes]], mtime: int, level: int = 6) -> None:
    """Write ``members`` (path → function giving its bytes), each produced when it is written."""
    with open(target, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level) as zipped, \
            tarfile.open(fileobj=zipped, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name in member_order(members):
            data = members[name]()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))


def read_mbz(path: Path) -> dict[str, bytes]:
    """Every member of a backup (for the check and the tests)."""
    with tarfile.open(path, mode="r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
