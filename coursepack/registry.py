"""Exporters by name, found through the entry-point group ``coursepack.exporters``.

The built-in exporters are registered in pyproject.toml exactly as a third party would
register its own. Two entry points with the same name are refused, never silently shadowed.
"""

from __future__ import annotations

import difflib
from importlib.metadata import EntryPoint, entry_points
from typing import Iterable

from .exporter import Exporter
from .problems import RegistryError

GROUP = "coursepack.exporters"


def discover_exporters(points: Iterable[EntryPoint] | None = None) -> dict[str, type[Exporter]]:
    """Load every registered exporter class, keyed by name; refuse duplicates."""
    found: dict[str, tuple[EntryPoint, type[Exporter]]] = {}
    seen: set[tuple[str, str, str]] = set()
    for point in (entry_points(group=GROUP) if points is None else points):
        key = (point.name, point.value, _dist_name(point))
        if key in seen:   # the same distribution seen twice on sys.path
            continue
        seen.add(key)
        if point.name in found:
            other = found[point.name][0]
            raise RegistryError(f"exporter name '{point.name}' is registered twice: by "
                                f"{_origin(other)} and by {_origin(point)}; uninstall one of them")
        try:
            cls = point.load()
        except Exception as exc:  # a broken plug-in must not take the tool down
            raise RegistryError(f"exporter '{point.name}' ({point.value}) cannot be loaded: "
                                f"{type(exc).__name__}: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Exporter)):
            raise RegistryError(f"exporter '{point.name}' ({point.value}) is not a subclass of "
                                "coursepack.exporter.Exporter")
        if cls.name != point.name:
            raise RegistryError(f"exporter '{point.name}' ({point.value}) calls itself '{cls.name}': "
                                "the entry-point name and the class's name must be the same")
        found[point.name] = (point, cls)
    return {name: found[name][1] for name in sorted(found)}


def _dist_name(point: EntryPoint) -> str:
    dist = getattr(point, "dist", None)
    return dist.name if dist is not None else ""


def _origin(point: EntryPoint) -> str:
    dist = getattr(point, "dist", None)
    return f"{point.value} (package {dist.name})" if dist is not None else point.value


def select_exporters(names: Iterable[str], available: dict[str, type[Exporter]]) -> list[type[Exporter]]:
    """The exporter classes for ``names`` ('all' means every one); unknown names are an error."""
    chosen: list[type[Exporter]] = []
    for name in names:
        if name == "all":
            chosen.extend(cls for cls in available.values() if cls not in chosen)
            continue
        if name not in available:
            close = difflib.get_close_matches(name, list(available), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise RegistryError(f"unknown exporter '{name}': {hint}available: "
                                f"{', '.join(available) or 'none'}")
        if available[name] not in chosen:
            chosen.append(available[name])
    return chosen
