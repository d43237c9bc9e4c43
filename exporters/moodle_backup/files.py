"""The backup's file pool: ``files/<2 hex>/<sha1>`` once per content, a ``files.xml`` record per use.

Moodle stores a file once per content (its SHA-1, the ``contenthash``) and one record per place
that uses it: context, component, file area, item. Texts name their files ``@@PLUGINFILE@@/name``;
restore points those at the new context's file area. The course's own paths
(``src="assets/x.png"``) are pointed there with ``coursepack.references``, so nothing else in the
HTML changes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from coursepack.model import Asset
from coursepack.references import file_area_name, point_references, referenced

from .plan import element, fields, serialize


@dataclass(frozen=True)
class FileRecord:
    id: int
    contenthash: str
    contextid: int
    component: str
    filearea: str
    itemid: int
    filename: str
    filesize: int
    mimetype: str
    filepath: str = "/"


@dataclass
class FilePool:
    timestamp: int
    records: list[FileRecord] = field(default_factory=list)
    contents: dict[str, Asset] = field(default_factory=dict)     # contenthash -> an asset with those bytes
    hashes: dict[str, str] = field(default_factory=dict)         # asset path -> contenthash
    blobs: dict[str, bytes] = field(default_factory=dict)        # contenthash -> bytes made by the export

    def content_hash(self, asset: Asset) -> str:
        if asset.path not in self.hashes:
            digest = hashlib.sha1(asset.source.read_bytes()).hexdigest()
            self.hashes[asset.path] = digest
            self.contents.setdefault(digest, asset)
        return self.hashes[asset.path]

    def add(self, asset: Asset, contextid: int, component: str, filearea: str, itemid: int,
            filename: str) -> FileRecord:
        record = FileRecord(len(self.records) + 1, self.content_hash(asset), contextid, component, filearea,
                            itemid, filename, asset.size, asset.media_type or "application/octet-stream")
        self.records.append(record)
        return record

    def add_data(self, data: bytes, contextid: int, component: str, filearea: str, itemid: int, filepath: str,
                 filename: str) -> FileRecord:
        """A file the export made (a SCORM package and its entries), kept in memory."""
        digest = hashlib.sha1(data).hexdigest()
        if digest not in self.contents:
            self.blobs.setdefault(digest, data)
        record = FileRecord(len(self.records) + 1, digest, contextid, component, filearea, itemid, filename,
                            len(data), mimetypes.guess_type(filename)[0] or "application/octet-stream", filepath)
        self.records.append(record)
        return record

    def text(self, html_text: str, assets: tuple[Asset, ...], contextid: int, component: str, filearea: str,
             itemid: int, links: dict[str, str] | None = None) -> tuple[str, list[int]]:
        """``html_text`` with course files as ``@@PLUGINFILE@@/name`` (each stored in the given file
        area) and lessons as ``links[source]``; returns the text and the ids of its file records."""
        used: list[int] = []
        taken: set[str] = set()
        targets: dict[str, str] = {}
        for asset in referenced(html_text, assets):
            if links is not None and asset.path in links:
                targets[asset.path] = links[asset.path]
            else:
                name = file_area_name(asset, taken)
                used.append(self.add(asset, contextid, component, filearea, itemid, name).id)
                targets[asset.path] = f"@@PLUGINFILE@@/{name}"
        html_text = point_references(html_text, targets)
        return html_text, used


def files_xml(pool: FilePool) -> bytes:
    root = element("files")
    for r in pool.records:
        fields(etree.SubElement(root, "file", id=str(r.id)), [
            ("contenthash", r.contenthash), ("contextid", r.contextid), ("component", r.component),
            ("filearea", r.filearea), ("itemid", r.itemid), ("filepath", r.filepath), ("filename", r.filename),
            ("userid", None), ("filesize", r.filesize), ("mimetype", r.mimetype), ("status", 0),
            ("timecreated", pool.timestamp), ("timemodified", pool.timestamp), ("source", None),
            ("author", None), ("license", None), ("sortorder", 0), ("repositorytype", None),
            ("repositoryid", None), ("reference", None)])
    return serialize(root)


def pool_members(pool: FilePool) -> dict[str, bytes | Callable[[], bytes]]:
    """``files/<first two hex>/<hash>`` → those bytes, or a function reading them (a course file)."""
    members: dict[str, bytes | Callable[[], bytes]] = {
        f"files/{digest[:2]}/{digest}": asset.source.read_bytes for digest, asset in pool.contents.items()}
    for digest, data in pool.blobs.items():
        members.setdefault(f"files/{digest[:2]}/{digest}", data)
    return members

