"""The ``.mbz`` itself: a gzip-compressed ustar archive, as Moodle writes and reads it.

Reproducible: members in a fixed order (``moodle_backup.xml`` first, then by path), every member
with the source date as its time, owner 0/0 without names, mode 0644; gzip without a file name
or timestamp in its header.
"""

from __future__ import annotations

import gzip
import queue
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

FIRST = "moodle_backup.xml"


def member_order(names) -> list[str]:
    return sorted(names, key=lambda name: (name != FIRST, name))


def ustar_header(name: str, size: int, mtime: int) -> bytes:
    """The 512-byte ustar header of a regular file: mode 0644, owner 0/0 without names.

    Written here rather than by ``tarfile``, whose header code took a third of the export on
    large courses; ``tarfile`` reads these back in the tests and in the check."""
    encoded = name.encode("utf-8")
    prefix = b""
    if len(encoded) > 100:
        cut = encoded.rindex(b"/", 0, 156)
        prefix, encoded = encoded[:cut], encoded[cut + 1:]
        if len(encoded) > 100 or len(prefix) > 155:
            raise ValueError(f"path too long for a ustar archive: {name}")
    header = bytearray(512)
    header[0:len(encoded)] = encoded
    header[100:108] = b"0000644\0"
    header[108:116] = b"0000000\0"
    header[116:124] = b"0000000\0"
    header[124:136] = b"%011o\0" % size
    header[136:148] = b"%011o\0" % mtime
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    header[257:265] = b"ustar\x0000"
    header[345:345 + len(prefix)] = prefix
    header[148:155] = b"%06o\0" % sum(header)
    return bytes(header)


def write_mbz(target: Path, members: dict[str, bytes | Callable[[], bytes]], mtime: int, level: int = 6) -> None:
    """Write ``members`` (path → its bytes, or a function giving them when it is written).

    A second thread compresses (zlib releases the GIL) while the next members are produced; the
    queue between them holds at most a few megabytes."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=64)

    def compress() -> None:
        with open(target, "wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level) as zipped:
            while (chunk := chunks.get()) is not None:
                zipped.write(chunk)

    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(compress)
        try:
            pending: list[bytes] = []
            size = 0
            for name in member_order(members):
                member = members[name]
                data = member if type(member) is bytes else member()
                pending += (ustar_header(name, len(data), mtime), data, b"\0" * (-len(data) % 512))
                size += len(data) + 1024
                if size >= CHUNK:
                    chunks.put(b"".join(pending))
                    pending, size = [], 0
                if writer.done():           # the writer failed: stop producing
                    break
            pending.append(b"\0" * 10240)   # two zero blocks end the archive; tarfile pads to 10 KiB too
            chunks.put(b"".join(pending))
        finally:
            chunks.put(None)
        writer.result()


CHUNK = 1 << 20


def read_mbz(path: Path) -> dict[str, bytes]:
    """Every regular file of a backup (for the check), read block by block: each header's magic
    and checksum verified, as Moodle's tgz extractor does (``tarfile`` reads the same archives in
    the tests, about ten times slower on large ones)."""
    data = gzip.decompress(path.read_bytes())
    members: dict[str, bytes] = {}
    offset = 0
    while offset + 512 <= len(data):
        header = data[offset:offset + 512]
        if header == ZERO_BLOCK:
            return members
        if header[257:262] != b"ustar":
            raise tarfile.ReadError(f"block {offset // 512}: not a ustar header")
        stored = int(header[148:156].strip(b"\0 ") or b"0", 8)
        if stored != sum(header[:148]) + 256 + sum(header[156:]):
            raise tarfile.ReadError(f"block {offset // 512}: bad header checksum")
        name = header[:100].rstrip(b"\0")
        prefix = header[345:500].rstrip(b"\0")
        size = int(header[124:136].strip(b"\0 ") or b"0", 8)
        start = offset + 512
        if start + size > len(data):
            raise tarfile.ReadError(f"{name.decode('utf-8', 'replace')}: truncated")
        if header[156:157] in (b"0", b"\0"):
            members[(prefix + b"/" + name if prefix else name).decode("utf-8")] = data[start:start + size]
        offset = start + size + (-size % 512)
    raise tarfile.ReadError("the archive ends without its end-of-archive blocks")


ZERO_BLOCK = bytes(512)
