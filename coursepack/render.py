"""Markdown → HTML, once, in the loader.

CommonMark plus tables, strikethrough, footnotes, definition lists, callouts
(``!!! note "Title"``) and figures (an image alone in its paragraph, with a title).
Image and link paths are resolved against the source file and must stay inside the
course folder; they are rewritten to course-relative paths that name an ``Asset``.
Raw HTML passes an allow-list sanitizer unless the course trusts it.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .model import Asset, Heading
from .problems import Problem, error, warning

mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("image/webp", ".webp")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_EXTERNAL_LINK_SCHEMES = ("http:", "https:", "mailto:")

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "caption", "tfoot"}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"style", "scope", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "code": set(),
    "abbr": set(),
}


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class Rendered:
    html: str
    assets: tuple[Asset, ...] = ()
    headings: tuple[Heading, ...] = ()
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Place:
    """Where a piece of Markdown comes from, for resolving paths and reporting problems."""

    source: str          # file relative to the course folder, '/'-separated
    display: str         # file as shown to the user
    line: int            # line of the text's first line in that file (1-based)
    doc_id: str = ""     # prefix for footnote and heading ids


class Renderer:
    """Renders the course's Markdown; one per load (holds the asset cache, no global state)."""

    def __init__(self, root: Path, labels: dict[str, str], trust_html: bool = False):
        self.root = root
        self.real_root = root.resolve()
        self.labels = labels
        self.trust_html = trust_html
        self.assets: dict[str, Asset] = {}
        self.md = (MarkdownIt("commonmark", {"html": True, "typographer": False})
                   .enable(["table", "strikethrough"])
                   .use(footnote_plugin).use(deflist_plugin).use(admon_plugin))
        self.md.add_render_rule("paragraph_open", _render_paragraph_open)
        self.md.add_render_rule("paragraph_close", _render_paragraph_close)
        self.md.add_render_rule("image", _render_image)

    # -- public ---------------------------------------------------------------------
    def block(self, text: str, place: Place) -> Rendered:
        return self._render(text, place, inline=False)

    def inline(self, text: str, place: Place) -> Rendered:
        return self._render(text, place, inline=True)

    def resolve(self, ref: str, place: Place, line: int, what: str = "image") -> tuple[Asset | None, Problem | None]:
        """Resolve a relative path from ``place`` to an Asset inside the course folder."""
        shown = ref
        if not ref.strip():
            return None, error(place.display, line, 0, f"empty {what} path")
        if _DRIVE.match(ref):
            return None, error(place.display, line, 0, f"{what} path '{shown}' is a Windows drive path: "
                               "copy the file into the course's assets/ folder and use a relative path")
        if _SCHEME.match(ref):
            return None, error(place.display, line, 0, f"{what} '{shown}' is not a file in the course: "
                               "download it into assets/ and use a relative path (packages must work offline)")
        decoded = unquote(ref)
        if "\\" in decoded:
            return None, error(place.display, line, 0, f"{what} path '{shown}' contains a backslash: "
                               "use '/' between folders")
        if decoded.startswith("/"):
            return None, error(place.display, line, 0, f"{what} path '{shown}' is absolute: "
                               "use a path relative to this file, e.g. ../../assets/name.png")
        if "\x00" in decoded or any(ord(c) < 32 for c in decoded):
            return None, error(place.display, line, 0, f"{what} path {shown!r} contains control characters")
        base = posixpath.dirname(place.source)
        rel = posixpath.normpath(posixpath.join(base, decoded.split("#")[0].split("?")[0]))
        if rel == ".." or rel.startswith("../") or rel == ".":
            return None, error(place.display, line, 0, f"{what} path '{shown}' points outside the course "
                               "folder: copy the file into assets/")
        if rel in self.assets:
            return self.assets[rel], None
        path = self.root / rel
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            hint = self._near_miss(rel)
            return None, error(place.display, line, 0, f"{what} '{shown}' not found (looked for "
                               f"{rel} in the course folder){hint}")
        if not real.is_relative_to(self.real_root):
            return None, error(place.display, line, 0, f"{what} '{shown}' is a link that points outside "
                               "the course folder: copy the file into assets/ instead")
        if not real.is_file():
            return None, error(place.display, line, 0, f"{what} '{shown}' is a folder, not a file")
        data = real.read_bytes()
        media_type = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        asset = Asset(rel, real, media_type, len(data), hashlib.sha256(data).hexdigest())
        self.assets[rel] = asset
        return asset, None

    # -- internals --------------------------------------------------------------------
    def _near_miss(self, rel: str) -> str:
        import difflib
        folder = (self.root / rel).parent
        if not folder.is_dir():
            return ""
        names = [p.name for p in folder.iterdir()]
        close = difflib.get_close_matches(posixpath.basename(rel), names, n=1, cutoff=0.6)
        return f" — did you mean '{close[0]}'?" if close else ""

    def _render(self, text: str, place: Place, inline: bool) -> Rendered:
        env = {"docId": place.doc_id} if place.doc_id else {}
        tokens = self.md.parseInline(text, env) if inline else self.md.parse(text, env)
        problems: list[Problem] = []
        assets: dict[str, Asset] = {}
        headings: list[Heading] = []
        used_ids: set[str] = set()
        raw_html = False
        for i, token in enumerate(tokens):
            line = place.line + (token.map[0] if token.map else 0)
            if token.type == "html_block":
                raw_html = True
                problems += self._check_raw_html(token.content, place, line)
            elif token.type == "heading_open":
                title = tokens[i + 1].content if i + 1 < len(tokens) else ""
                anchor = self._anchor(place.doc_id, title, used_ids)
                token.attrSet("id", anchor)
                level = int(token.tag[1])
                headings.append(Heading(level, title, anchor))
                if level == 1 and not inline:
                    problems.append(warning(place.display, line, 1, "a '# ' heading repeats the lesson "
                                            "title's level: start sections at '## '"))
            elif token.type == "admonition_open":
                self._label_admonition(tokens, i)
            if token.type == "inline" and token.children:
                raw_html |= self._resolve_children(token, place, line, assets, problems)
                if not inline:
                    _mark_figure(tokens, i)
        html = self.md.renderer.render(tokens, self.md.options, env)
        if not self.trust_html:
            html = self._sanitize(html, assets)
        return Rendered(html, tuple(assets[k] for k in sorted(assets)), tuple(headings), problems)

    def _resolve_children(self, token: Token, place: Place, line: int, assets: dict[str, Asset],
                          problems: list[Problem]) -> bool:
        raw_html = False
        for child in token.children or ():
            if child.type == "html_inline":
                raw_html = True
                problems += self._check_raw_html(child.content, place, line)
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                asset, problem = self.resolve(src, place, line, "image")
                if problem:
                    problems.append(problem)
                if asset:
                    child.attrSet("src", asset.path)
                    assets[asset.path] = asset
                alt = child.content.strip()
                if not alt:
                    problems.append(error(place.display, line, 0, f"image '{src}' has no alt text: "
                                          "write what it shows between the brackets, ![like this](…)"))
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href.startswith("#") or href.lower().startswith(_EXTERNAL_LINK_SCHEMES):
                    continue
                if _SCHEME.match(href) and not _DRIVE.match(href):
                    problems.append(error(place.display, line, 0, f"link '{href}' uses a scheme that is "
                                          "not allowed: use http(s), mailto, or a file in the course"))
                    child.attrSet("href", "#")
                    continue
                asset, problem = self.resolve(href, place, line, "link target")
                if problem:
                    problems.append(problem)
                    child.attrSet("href", "#")
                if asset:
                    child.attrSet("href", asset.path)
                    assets[asset.path] = asset
        return raw_html

    def _check_raw_html(self, html: str, place: Place, line: int) -> list[Problem]:
        if self.trust_html:
            return []
        cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            clean_content_tags={"script", "style"}, link_rel=None)
        if re.sub(r"\s+", "", cleaned) == re.sub(r"\s+", "", html):
            return []
        removed = sorted(set(re.findall(r"<\s*(script|style|iframe|object|embed|form|input|link|meta|"
                                        r"svg|math|button|textarea|select)\b", html, re.I)))
        events = sorted(set(re.findall(r"\s(on[a-z]+)\s*=", html, re.I)))
        what = ", ".join([f"<{t.lower()}>" for t in removed] + events) or "parts of it"
        return [warning(place.display, line, 0, f"raw HTML is sanitised: {what} removed; "
                        "write it in Markdown, or set 'trust_html: true' in course.yaml if you trust it")]

    def _sanitize(self, html: str, assets: dict[str, Asset]) -> str:
        known = set(assets)

        def keep(tag: str, attr: str, value: str) -> str | None:
            if tag == "img" and attr == "src":
                return value if value in known else None
            if tag == "a" and attr == "href":
                ok = value.startswith("#") or value.lower().startswith(_EXTERNAL_LINK_SCHEMES) or value in known
                return value if ok else None
            if attr == "style":
                return value if re.fullmatch(r"text-align:\s*(left|right|center)", value) else None
            return value

        return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         clean_content_tags={"script", "style"}, link_rel=None,
                         url_schemes={"http", "https", "mailto"}, attribute_filter=keep,
                         strip_comments=True)

    def _label_admonition(self, tokens: list[Token], i: int) -> None:
        kind = tokens[i].meta.get("tag", "note")
        info = tokens[i].info.strip()
        has_title = '"' in info
        if not has_title and i + 2 < len(tokens) and tokens[i + 2].type == "inline":
            label = self.labels.get(kind, kind.capitalize())
            title = tokens[i + 2]
            title.content = label
            for child in title.children or ():
                if child.type == "text":
                    child.content = label
        tokens[i].attrSet("role", "note")

    @staticmethod
    def _anchor(doc_id: str, title: str, used: set[str]) -> str:
        base = f"{doc_id}-{slugify(title)}" if doc_id else slugify(title)
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        return anchor


def _mark_figure(tokens: list[Token], i: int) -> None:
    """An image alone in a paragraph, with a title, becomes <figure> with <figcaption>."""
    if i == 0 or i + 1 >= len(tokens) or tokens[i - 1].type != "paragraph_open":
        return
    children = [c for c in tokens[i].children or () if not (c.type == "text" and not c.content.strip())
                and c.type != "softbreak"]
    if len(children) == 1 and children[0].type == "image" and children[0].attrGet("title"):
        tokens[i - 1].meta["figure"] = True
        tokens[i + 1].meta["figure"] = True
        children[0].meta["figure"] = True


def _render_paragraph_open(self, tokens, idx, options, env):
    if tokens[idx].meta.get("figure"):
        return '<figure class="figure">'
    return self.renderToken(tokens, idx, options, env)


def _render_paragraph_close(self, tokens, idx, options, env):
    if tokens[idx].meta.get("figure"):
        return "</figure>\n"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    from markdown_it.common.utils import escapeHtml
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, env))
    src = escapeHtml(str(token.attrGet("src") or ""))
    if token.meta.get("figure"):
        caption = escapeHtml(str(token.attrGet("title")))
        return f'<img src="{src}" alt="{alt}" /><figcaption>{caption}</figcaption>'
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<img src="{src}" alt="{alt}"{title_attr} />'
