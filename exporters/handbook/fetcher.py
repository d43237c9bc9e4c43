"""The confined URL fetcher: WeasyPrint reads only files inside the course and template folders,
known by virtual URLs that do not depend on where the folders are on disk."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname


class RefusedFetch(Exception):
    """A resource outside the course and template folders, or over the network."""


VIRTUAL_ROOT = "file:///coursepack/"      # + "<i>/": the i-th allowed folder (0: the course)


def folder_url(folder: Path, allowed: tuple[Path, ...]) -> str:
    """The URL WeasyPrint knows ``folder`` by: ``file:///coursepack/<i>/<path in root i>/``,
    the same wherever the course and the tool are on disk (WeasyPrint names raster images by
    the md5 of their URL, so a real path would make the PDF depend on the folder)."""
    folder = folder.resolve()
    for i, root in enumerate(p.resolve() for p in allowed):
        if folder.is_relative_to(root):
            inner = folder.relative_to(root).as_posix()
            return f"{VIRTUAL_ROOT}{i}/" + ("" if inner == "." else quote(inner) + "/")
    return folder.as_uri() + "/"


def url_path(url: str, allowed: tuple[Path, ...]) -> Path:
    """A ``file:`` URL (virtual, see ``folder_url``, or real) → the path on disk, unresolved."""
    path = unquote(urlsplit(url).path)
    virtual = re.match(r"/coursepack/(\d+)(/.*)?$", path)
    if virtual and int(virtual.group(1)) < len(allowed):
        return allowed[int(virtual.group(1))].joinpath(*PurePosixPath(virtual.group(2) or "/").parts[1:])
    return Path(url2pathname(path))


def confined_fetcher(allowed: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that serves only regular files under ``allowed`` folders
    (and ``data:`` URLs); everything else — http(s), other files — is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(p.resolve() for p in allowed)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise RefusedFetch(f"refused to fetch {url}: only files inside the course folder are used")
            path = url_path(url, roots).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise RefusedFetch(f"refused to read {path.name}: it is outside the course folder")
            if not path.is_file():
                raise FileNotFoundError(f"no such file: {path.name}")
            return URLFetcherResponse(url, path.read_bytes())

    return ConfinedFetcher()
