"""Reading a PDF's outline (bookmarks) for the handbook tests, with pypdf."""

from __future__ import annotations

from pathlib import Path


def read_outline(pdf: Path) -> list[tuple[int, str, int, float, float]]:
    """(level, title, 0-based page index, left, top) of every bookmark, in order."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))

    def walk(items, level):
        out = []
        for item in items:
            if isinstance(item, list):
                out += walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item),
                            round(float(item.left), 2), round(float(item.top), 2)))
        return out

    return walk(reader.outline, 1)
