"""Where the parts of a parallel book land: first pages, blank pages, sides, page numbers, and
whether a part must be typeset again before the book can be joined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .parts import Part, PartResult


@dataclass(frozen=True)
class Placement:
    starts: tuple[int, ...]     # first page number of each part
    blanks: tuple[bool, ...]    # a blank page precedes the part (right-hand modules)
    total: int
    numbers: tuple[tuple[str, str], ...]    # anchor → page number, first occurrence wins


def place_parts(parts: list[Part], results: list[PartResult | None], right_hand_modules: bool) -> Placement:
    """Where each part lands; a part not laid out yet counts as no pages."""
    starts, blanks, page = [], [], 1
    numbers: dict[str, str] = {}
    for part, result in zip(parts, results):
        blank = right_hand_modules and part.module and page % 2 == 0
        page += blank
        starts.append(page)
        blanks.append(blank)
        if result is not None:
            for name, index, _, _ in result.anchors:
                numbers.setdefault(name, str(page + index))
            page += result.pages
    return Placement(tuple(starts), tuple(blanks), page - 1, tuple(numbers.items()))


def side_of(number: int, first: str = "right") -> str:
    """The side of page ``number`` of a book whose first page is on the ``first`` side (the
    right in left-to-right books, the left in right-to-left ones)."""
    return first if number % 2 else ("left" if first == "right" else "right")


def page_areas(results: Iterable[PartResult | None]) -> dict[tuple[str, str], tuple[float, float]]:
    """(@page name, side) → (x, width) of the page area, as WeasyPrint laid it out."""
    areas: dict[tuple[str, str], tuple[float, float]] = {}
    for result in results:
        for fact in result.facts if result else ():
            if not fact.blank:
                areas.setdefault((fact.name, fact.side), (fact.x, fact.width))
    return areas


def shifts(result: PartResult, start: int, areas: dict, first: str = "right") -> tuple[float, ...] | None:
    """How far each page of a part moves sideways to sit on the side where it landed; None if
    some page cannot (its page area on the other side is wider or narrower, or unknown)."""
    out = []
    for index, fact in enumerate(result.facts):
        side = side_of(start + index, first)
        if fact.side == side or fact.blank:
            out.append(0.0)
            continue
        area = areas.get((fact.name, side))
        if area is None or abs(area[1] - fact.width) > 0.01:
            return None
        out.append(round(area[0] - fact.x, 4))
    return tuple(out)


def stale(result: PartResult | None, start: int, numbers: dict[str, str], areas: dict,
          first: str = "right") -> bool:
    """Whether a part (landing on page ``start``) must be typeset (again) before the book can be
    joined; ``numbers``: every anchor's page number."""
    if result is None or result.pdf is None:
        return True
    if result.printed is None:
        if result.numbered:
            return True
    elif any(numbers.get(name, "") != shown for name, shown in result.printed):
        return True
    return shifts(result, start, areas, first) is None
