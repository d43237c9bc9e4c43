"""The join of a parallel book: the parts' PDFs and the furniture copied into one PDF with pypdf,
with the whole book's links, named destinations, outline, metadata and /ID."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from .furniture import Furniture
from .parts import PartResult
from .placement import Placement, shifts
from .typesetting import Typeset

FURNITURE = "/CPFurniture"


def join_parts(results: list[PartResult], placement: Placement, areas: dict,
               furniture: Furniture, source_date: dt.datetime,
               first_side: str = "right") -> Typeset:
    """The parts' PDFs and the furniture → one PDF with the whole book's links, destinations,
    outline, metadata."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                               NameObject, NumberObject, TextStringObject)

    writer = PdfWriter()
    first_index: list[int] = []         # global 0-based index of each part's first page
    moves: list[tuple[float, ...]] = []     # sideways move of each page of each part, pt
    digest = hashlib.sha256()
    metadata, lang = None, None
    run_pdfs, places = furniture.pdfs, furniture.places()
    runs = [PdfReader(io.BytesIO(pdf)) for pdf in run_pdfs]
    for pdf in run_pdfs:
        digest.update(pdf)
    streams: dict[bytes, object] = {}

    def stream(data: bytes):
        if data not in streams:
            obj = DecodedStreamObject()
            obj.set_data(data)
            streams[data] = writer._add_object(obj)
        return streams[data]

    def form(run: int, index: int):
        page = runs[run].pages[index]
        contents = page.raw_get("/Contents")
        items = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        obj = DecodedStreamObject()
        obj.set_data(b"\n".join(item.get_object().get_data() for item in items))
        obj.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject([FloatObject(float(v)) for v in page.mediabox]),
                    NameObject("/Resources"): page.raw_get("/Resources").clone(writer)})
        return writer._add_object(obj.flate_encode())

    def number(value: float) -> FloatObject:
        return FloatObject(round(value, 6))

    for result, blank, start in zip(results, placement.blanks, placement.starts):
        reader = PdfReader(io.BytesIO(result.pdf))
        digest.update(result.pdf)
        if metadata is None:
            metadata = dict(reader.metadata or {})
            lang = reader.trailer["/Root"].get("/Lang")
        if blank:
            writer.add_blank_page(*result.sizes[0])
        first_index.append(len(writer.pages))
        move = shifts(result, start, areas, first_side) or (0.0,) * result.pages
        moves.append(move)
        for page, dx in zip(reader.pages, move):
            added = writer.add_page(page, excluded_keys=("/Annots",))
            place = places[len(writer.pages) - 1]
            contents = added.raw_get("/Contents")
            items = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
            opening = b"q\n" if not dx else f"q 1 0 0 1 {dx:.4f} 0 cm\n".encode()
            items = [stream(opening), *items, stream(b"Q\n")]
            if place is not None:
                items.append(stream(b"q " + FURNITURE.encode() + b" Do Q\n"))
                resources = DictionaryObject(added["/Resources"])
                xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()))
                xobjects[NameObject(FURNITURE)] = form(*place)
                resources[NameObject("/XObject")] = xobjects
                added[NameObject("/Resources")] = resources
            added[NameObject("/Contents")] = ArrayObject(items)

    # named destinations: every anchor, first occurrence wins, sorted (a flat name tree)
    destinations: dict[str, tuple[int, float, float]] = {}
    anchors: dict[str, int] = {}
    for result, first, move in zip(results, first_index, moves):
        for name, index, x, y in result.anchors:
            if name not in destinations:
                destinations[name] = (first + index, x + move[index], y)
                anchors[name] = first + index + 1
    names = ArrayObject()
    for name in sorted(destinations):
        index, x, y = destinations[name]
        names += [TextStringObject(name), ArrayObject([writer.pages[index].indirect_reference,
                                                       NameObject("/XYZ"), number(x), number(y), NumberObject(0)])]
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): writer._add_object(DictionaryObject({NameObject("/Names"): names}))})

    # links, as WeasyPrint writes them, now that every target is in the same file
    for result, first, move in zip(results, first_index, moves):
        for index, page_links in enumerate(result.links):
            annotations = ArrayObject()
            dx = move[index]
            for kind, target, (x1, y1, x2, y2) in page_links:
                annotation = DictionaryObject({
                    NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([number(v) for v in (x1 + dx, y1, x2 + dx, y2)]),
                    NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                })
                if kind == "internal":
                    if target not in destinations:
                        continue
                    annotation[NameObject("/Dest")] = TextStringObject(target)
                else:
                    annotation[NameObject("/A")] = DictionaryObject({
                        NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject(target)})
                annotations.append(writer._add_object(annotation))
            if annotations:
                writer.pages[first + index][NameObject("/Annots")] = annotations

    # outline
    tree = bookmark_tree((first + index, level, label, x + move[index], y, state)
                         for result, first, move in zip(results, first_index, moves)
                         for index, marks in enumerate(result.bookmarks)
                         for level, label, (x, y), state in marks)
    add_outline(writer, tree, None)
    if tree:
        writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")

    # metadata: the parts share the <head>, so the first part's /Info is the book's
    day = source_date.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    info = {k: v for k, v in (metadata or {}).items() if isinstance(v, str)}
    info.update({"/CreationDate": day, "/ModDate": day})
    writer.add_metadata(info)
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    identifier = ByteStringObject(digest.digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])
    out = io.BytesIO()
    writer.write(out)
    messages: list[tuple[int, str]] = []
    seen = set()
    for result in results:
        for level, message in result.messages:
            cross = re.match(r"No anchor #(.*) for internal URI reference", message)
            if (cross and cross.group(1) in destinations) or (level, message) in seen:
                continue
            seen.add((level, message))
            messages.append((level, message))
    return Typeset(out.getvalue(), len(writer.pages), tree, anchors, tuple(messages))


def bookmark_tree(marks) -> tuple:
    """(page index, level, label, x, y, state) of every bookmark, in order → the nested tree
    ``(label, (page index, x, y), children, state)``, levels nested as WeasyPrint nests them
    (a skipped level, h1 → h3, makes one step down)."""
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for index, level, label, x, y, state in marks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append((label, (index, x, y), children, state))
        del last_by_depth[depth:]
        last_by_depth.append(children)

    def freeze(items) -> tuple:
        return tuple((label, target, freeze(children), state) for label, target, children, state in items)

    return freeze(root)


def add_outline(writer, tree, parent) -> None:
    from pypdf.generic import Fit

    for label, (index, x, y), children, state in tree:
        item = writer.add_outline_item(title=label, page_number=index, parent=parent,
                                       fit=Fit.xyz(round(x, 6), round(y, 6), 0), is_open=state != "closed")
        add_outline(writer, children, item)
