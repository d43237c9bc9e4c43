"""The reproducible zip (fixed times and permissions, sorted entries, deflated by a second
thread while the entries render); the Common Cartridge writes its ``.imscc`` with it too."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from coursepack.exporter import ExportContext


def zip_info(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A reproducible entry: fixed time, Unix permissions 0644, deflate."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def write_zip(target: Path, names: list[str], produce: Iterator[tuple[str, bytes]],
              date_time: tuple[int, int, int, int, int, int]) -> None:
    """Write a reproducible zip (entries in sorted order, fixed level 6) while ``produce`` is
    still rendering: a second thread deflates (zlib releases the GIL), so compressing the
    finished entries overlaps rendering the next ones. Each entry is written exactly once."""
    pending = {name: Future() for name in names}

    def write_all() -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(pending):
                archive.writestr(zip_info(name, date_time), pending[name].result(), compresslevel=6)

    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(write_all)
        try:
            for name, data in produce:
                pending[name].set_result(data)
        finally:
            for name, future in pending.items():
                if not future.done():
                    future.set_exception(RuntimeError(f"{name} was not produced"))
        writer.result()


def zip_date_time(ctx: ExportContext) -> tuple[int, int, int, int, int, int]:
    d = ctx.source_date
    if d.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (min(d.year, 2107), d.month, d.day, d.hour, d.minute, d.second - d.second % 2)
