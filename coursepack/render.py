"""Markdown → HTML, once, in the loader.

CommonMark plus tables, strikethrough, footnotes, definition lists, callouts
(``!!! note "Title"``), figures (an image alone in its paragraph, with a title) and audio
and video (the image form naming a media file, alone in its paragraph: a figure with the
player, its WebVTT captions and its transcript, both found beside the media file).
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
from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .media import CAPTIONS_EXTENSION, is_checked, media_kind, media_problem, webvtt_problems
from .model import Asset, Heading
from .problems import Problem, error, warning

mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("image/webp", ".webp")
for _type, _extension in (("video/webm", ".webm"), ("video/ogg", ".ogv"), ("audio/ogg", ".oga"),
                          ("audio/ogg", ".ogg"), ("audio/ogg", ".opus"), ("audio/mp4", ".m4a"),
                          ("audio/mpeg", ".mp3"), ("audio/wav", ".wav"), ("text/vtt", ".vtt")):
    mimetypes.add_type(_type, _extension)
#: the files found beside ``name.mp4``: its transcript (required) and, for video, its captions (required)
TRANSCRIPT_SUFFIX = ".transcript.md"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_EXTERNAL_LINK_SCHEMES = ("http:", "https:", "mailto:")
# one HTML tag: closing slash, name, attributes
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# the destination of an inline link or image, as written after "](": <…> or up to a space or ")"
_DESTINATION = re.compile(r"\]\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()]*)*)")
# Text that Markdown leaves as it is: one line, starting with a letter, made of letters,
# digits, spaces and punctuation that has no Markdown or HTML meaning here.
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:?!'\"()/%=+-])*(?<! )")

#: the callout kinds (``!!! kind``) the outputs label and style; labels.py names each one
CALLOUT_KINDS = ("note", "tip", "warning", "important", "danger", "caution", "info", "example")
# a footnote reference as it is left in the text when no definition matches it
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
# the checkbox that the task-list plugin puts at the start of a list item
_TASK_CHECKBOX = '<input class="task-list-item-checkbox"'
TASK_BOXES = {False: "\u2610", True: "\u2611"}     # ☐ ☑

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "caption", "tfoot", "video",
                                        "audio", "track", "details", "summary"}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"style", "scope", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "video": {"src", "controls", "preload", "playsinline", "aria-label"},
    "audio": {"src", "controls", "preload", "aria-label"},
    "track": {"src", "kind", "srclang", "label", "default"},
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
    columns: bool = False  # True when the text's lines are the file's lines (lesson bodies)
    media: bool = False  # True where audio and video may be shown (lesson bodies)

    def beside(self, rel: str) -> str:
        """How the course file ``rel`` is shown to the user, the way this place's file is."""
        prefix = self.display[: len(self.display) - len(self.source)] if self.display.endswith(self.source) else ""
        return prefix + rel


class Renderer:
    """Renders the course's Markdown; one per load (holds the asset cache, no global state)."""

    def __init__(self, root: Path, labels: dict[str, str], trust_html: bool = False, language: str = ""):
        self.root = root
        self.language = language
        self.real_root = root.resolve()
        self.labels = labels
        self.trust_html = trust_html
        self.assets: dict[str, Asset] = {}
        self.broken: dict[str, str] = {}     # course-relative path → why the file is not what it says
        self.transcripts: dict[str, Rendered] = {}   # course-relative path → the rendered transcript
        self.captions_reported: set[str] = set()     # caption files whose problems were reported
        self.md = (MarkdownIt("commonmark", {"html": True, "typographer": False})
                   .enable(["table", "strikethrough"])
                   .use(footnote_plugin).use(deflist_plugin).use(admon_plugin).use(tasklists_plugin))
        self.md.add_render_rule("paragraph_open", _render_paragraph_open)
        self.md.add_render_rule("paragraph_close", _render_paragraph_close)
        self.md.add_render_rule("image", _render_image)
        # markdown-it silently turns [x](javascript:…) into plain text; let every link through
        # so that _resolve_children reports it and the sanitizer drops the href
        self.md.validateLink = lambda url: True

    # -- public ---------------------------------------------------------------------
    def block(self, text: str, place: Place) -> Rendered:
        return self._render(text, place, inline=False)

    def inline(self, text: str, place: Place) -> Rendered:
        return self._render(text, place, inline=True)

    def resolve(self, ref: str, place: Place, line: int, what: str = "image", col: int = 0,
                shown: str | None = None) -> tuple[Asset | None, Problem | None]:
        """Resolve a relative path from ``place`` to an Asset inside the course folder.

        ``shown`` is the path as the author wrote it (before Markdown unescaping), for messages.
        """
        shown = ref if shown is None else shown
        if not ref.strip():
            return None, error(place.display, line, col, f"empty {what} path")
        if _DRIVE.match(ref):
            return None, error(place.display, line, col, f"{what} path '{shown}' is a Windows drive path: "
                               "copy the file into the course's assets/ folder and use a relative path")
        if _SCHEME.match(ref):
            return None, error(place.display, line, col, f"{what} '{shown}' is not a file in the course: "
                               "download it into assets/ and use a relative path (packages must work offline)")
        decoded = unquote(ref)
        if "\\" in decoded:
            return None, error(place.display, line, col, f"{what} path '{shown}' contains a backslash: "
                               "use '/' between folders")
        if decoded.startswith("/"):
            return None, error(place.display, line, col, f"{what} path '{shown}' is absolute: "
                               "use a path relative to this file, e.g. ../../assets/name.png")
        if "\x00" in decoded or any(ord(c) < 32 for c in decoded):
            return None, error(place.display, line, col, f"{what} path {shown!r} contains control characters")
        base = posixpath.dirname(place.source)
        rel = posixpath.normpath(posixpath.join(base, decoded.split("#")[0].split("?")[0]))
        if rel == ".." or rel.startswith("../") or rel == ".":
            return None, error(place.display, line, col, f"{what} path '{shown}' points outside the course "
                               "folder: copy the file into assets/")
        if rel in self.assets:
            return self.assets[rel], None
        if rel in self.broken:
            return None, error(place.display, line, col, f"{what} '{shown}' {self.broken[rel]}")
        path = self.root / rel
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            hint = self._near_miss(rel)
            return None, error(place.display, line, col, f"{what} '{shown}' not found (looked for "
                               f"{rel} in the course folder){hint}")
        if not real.is_relative_to(self.real_root):
            return None, error(place.display, line, col, f"{what} '{shown}' is a symbolic link (shortcut) "
                               "to a file outside the course folder: copy the file into assets/ instead")
        if not real.is_file():
            return None, error(place.display, line, col, f"{what} '{shown}' is a folder, not a file")
        try:
            data = real.read_bytes()
        except OSError as exc:
            return None, error(place.display, line, col, f"{what} '{shown}' cannot be read "
                               f"({exc.strerror or exc}): check the file's permissions")
        if what == "image" and not is_checked(rel):
            reason = ("is not in an image format that every output shows: convert it to PNG, JPEG, GIF, "
                      "WebP or SVG")
        else:
            reason = media_problem(rel, data)
        if reason:
            self.broken[rel] = reason
            return None, error(place.display, line, col, f"{what} '{shown}' {reason}")
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
        wanted = posixpath.basename(rel)
        stem, suffix = posixpath.splitext(wanted)
        names = [p.name for p in folder.iterdir()]
        same_stem = [n for n in names if posixpath.splitext(n)[0] == stem and media_kind(n) == media_kind(wanted)]
        same_suffix = [n for n in names if posixpath.splitext(n)[1].lower() == suffix.lower()]
        close = same_stem or difflib.get_close_matches(wanted, same_suffix, n=1, cutoff=0.6)
        return f" — did you mean '{close[0]}'?" if close else ""

    def _render(self, text: str, place: Place, inline: bool) -> Rendered:
        if _PLAIN.fullmatch(text):
            # One line of plain words renders to itself: skip the parser and the sanitizer
            # (tests/test_render.py checks that both paths give identical HTML).
            shown = text.replace('"', "&quot;") if self.trust_html else text
            return Rendered(shown if inline else f"<p>{shown}</p>\n")
        env = {"docId": place.doc_id} if place.doc_id else {}
        tokens = self.md.parseInline(text, env) if inline else self.md.parse(text, env)
        problems: list[Problem] = []
        assets: dict[str, Asset] = {}
        headings: list[Heading] = []
        used_ids: set[str] = set()
        raw_html = False
        lines = text.split("\n")
        block = (0, 0)
        footnotes = {key[1:] for key in env.get("footnotes", {}).get("refs", {})}
        for i, token in enumerate(tokens):
            if token.map:
                block = (token.map[0], token.map[1])
            line = place.line + (token.map[0] if token.map else 0)
            if token.type == "html_block":
                raw_html = True
                problems += self._check_raw_html(token.content, place, line, 1 if place.columns else 0)
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
                problems += self._check_callout(tokens, i, place, line)
            if token.type == "inline" and token.children:
                _mark_task(tokens, i)
                raw_html |= self._resolve_children(token, place, (lines, block), assets, problems, footnotes)
                if not inline:
                    _mark_figure(tokens, i)
                problems += _check_media_alone(tokens, i, place, line)
        problems += self._unused_footnotes(env, place, lines)
        html = self.md.renderer.render(tokens, self.md.options, env)
        if not self.trust_html:
            html = self._sanitize(html, assets)
        return Rendered(html, tuple(assets[k] for k in sorted(assets)), tuple(headings), problems)

    def _resolve_children(self, token: Token, place: Place, span: tuple[list[str], tuple[int, int]],
                          assets: dict[str, Asset], problems: list[Problem],
                          footnotes: set[str] = frozenset()) -> bool:
        raw_html = False
        lines, (first, stop) = span
        cursor = (first, 0)
        written = [m.group(1) for m in _DESTINATION.finditer(token.content)]

        def locate(needle: str) -> tuple[int, int]:
            """Line and column of the next ``needle`` in this block (column 0 when unknown)."""
            nonlocal cursor
            li, ci = cursor
            while needle and li < min(stop, len(lines)):
                found = lines[li].find(needle, ci)
                if found >= 0:
                    cursor = (li, found + len(needle))
                    return place.line + li, (found + 1 if place.columns else 0)
                li, ci = li + 1, 0
            return place.line + first, 0

        def as_written(url: str) -> str | None:
            """The destination as the author typed it, when it can be told apart."""
            for k, raw in enumerate(written):
                if self.md.normalizeLink(unescapeAll(raw[1:-1] if raw.startswith("<") else raw)) == url:
                    del written[: k + 1]
                    return raw[1:-1] if raw.startswith("<") else raw
            return None

        for child in token.children or ():
            if child.type == "text" and "[^" in child.content:
                for match in _FOOTNOTE_REF.finditer(child.content):
                    if match.group(1) in footnotes:
                        continue
                    if match.group() not in token.content.replace("\\" + match.group(), ""):
                        continue    # only ever written \[^x]: the author wants the brackets
                    line, col = locate(match.group())
                    problems.append(error(place.display, line, col, f"footnote '{match.group()}' is not "
                                          f"defined: define it with '{match.group()}: …' on a line of its "
                                          f"own, or remove it (write '\\{match.group()}' to show the "
                                          "brackets themselves)"))
            elif child.type == "html_inline" and child.meta.get("task"):
                continue
            elif child.type == "html_inline":
                raw_html = True
                line, col = locate(child.content)
                problems += self._check_raw_html(child.content, place, line, col)
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                raw = as_written(src)
                line, col = locate(raw) if raw else (place.line + first, 0)
                kind = media_kind(unquote(src).split("#")[0].split("?")[0])
                if kind:
                    self._resolve_media(child, kind, src, raw or src, place, (line, col), assets, problems)
                    continue
                asset, problem = self.resolve(src, place, line, "image", col, raw)
                if problem:
                    problems.append(problem)
                if asset:
                    child.attrSet("src", asset.path)
                    assets[asset.path] = asset
                alt = child.content.strip()
                if not alt:
                    problems.append(error(place.display, line, col, f"image '{raw or src}' has no alt "
                                          "text: write what it shows between the brackets, "
                                          "![like this](…)"))
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                raw = as_written(href)
                line, col = locate(raw) if raw else (place.line + first, 0)
                if href.startswith("#") or href.lower().startswith(_EXTERNAL_LINK_SCHEMES):
                    continue
                if _SCHEME.match(href) and not _DRIVE.match(href):
                    problems.append(error(place.display, line, col, f"link '{raw or href}' uses a scheme "
                                          "that is not allowed: use http(s), mailto, or a file in the "
                                          "course"))
                    child.attrSet("href", "#")
                    continue
                asset, problem = self.resolve(href, place, line, "link target", col, raw)
                if problem:
                    problems.append(problem)
                    child.attrSet("href", "#")
                if asset:
                    child.attrSet("href", asset.path)
                    assets[asset.path] = asset
        return raw_html

    def _resolve_media(self, child: Token, kind: str, src: str, shown: str, place: Place,
                       at: tuple[int, int], assets: dict[str, Asset], problems: list[Problem]) -> None:
        """An audio or video file in the image form: the file, its captions and its transcript."""
        line, col = at
        child.meta.update(media=kind, shown=shown)
        if not place.media:
            problems.append(error(place.display, line, col, f"{kind} '{shown}': audio and video can be shown "
                                  "in lesson texts only: put it in a lesson, or link to the lesson"))
            return
        if not child.content.strip():
            problems.append(error(place.display, line, col, f"{kind} '{shown}' has no alt text: say what "
                                  "it is between the brackets, ![Video: how a model is trained](…)"))
        asset, problem = self.resolve(src, place, line, kind, col, shown)
        if problem:
            problems.append(problem)
        if not asset:
            return
        child.attrSet("src", asset.path)
        assets[asset.path] = asset
        stem = posixpath.splitext(asset.path)[0]
        here = posixpath.dirname(place.source) or "."
        child.meta["labels"] = {k: self.labels.get(k, k) for k in ("transcript", "captions")}
        child.meta["language"] = self.language
        if kind == "video":
            captions = stem + CAPTIONS_EXTENSION
            if not (self.root / captions).is_file():
                srt = " (a SubRip .srt file is not enough: convert it to WebVTT)" if (
                    self.root / (stem + ".srt")).is_file() else ""
                problems.append(error(place.display, line, col, f"video '{shown}' has no captions: add the "
                                      f"WebVTT file {captions} beside it{srt}"))
            else:
                found, problem = self.resolve(posixpath.relpath(captions, here), place, line, "captions", col)
                if problem and self.broken.get(captions, "").startswith("is not valid WebVTT"):
                    if captions not in self.captions_reported:
                        self.captions_reported.add(captions)
                        problems += [error(place.beside(captions), p.line, p.col, f"{p.message} (captions of "
                                           f"{asset.path})") for p in webvtt_problems((self.root / captions).read_bytes())]
                elif problem:
                    problems.append(problem)
                if found:
                    assets[found.path] = found
                    child.meta["captions"] = found.path
        transcript = stem + TRANSCRIPT_SUFFIX
        if transcript not in self.transcripts:
            if not (self.root / transcript).is_file():
                problems.append(error(place.display, line, col, f"{kind} '{shown}' has no transcript: write what "
                                      f"is said (and, for a video, shown) in {transcript} beside it (Markdown)"))
                return
            found, problem = self.resolve(posixpath.relpath(transcript, here), place, line, "transcript", col)
            if problem:
                problems.append(problem)
                return
            from .sources import read_text
            display = place.beside(transcript)
            text, read_problems = read_text(found.source, display)
            problems += read_problems
            if text is None:
                return
            doc_id = f"{place.doc_id}-{slugify(posixpath.basename(stem))}-transcript".lstrip("-")
            rendered = self.block(text, Place(transcript, display, 1, doc_id, columns=True))
            problems += rendered.problems
            self.transcripts[transcript] = rendered
        rendered = self.transcripts[transcript]
        assets.update({a.path: a for a in rendered.assets})
        child.meta["transcript"] = rendered.html

    def _check_raw_html(self, html: str, place: Place, line: int, col: int = 0) -> list[Problem]:
        """Warn about the parts of raw HTML that the sanitizer will remove (tag by tag)."""
        if self.trust_html:
            return []
        removed: list[str] = []
        for match in _TAG.finditer(html):
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3) or ""
            if name not in ALLOWED_TAGS:
                removed.append(f"<{name}>")
                continue
            if closing:
                continue
            allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(name, set())
            for attr in _ATTRIBUTE.finditer(attrs):
                key = attr.group(1).lower()
                value = next((v for v in attr.group(2, 3, 4) if v is not None), "").strip()
                if key not in allowed:
                    removed.append(key)
                elif key == "href" and _SCHEME.match(value) and not value.lower().startswith(
                        _EXTERNAL_LINK_SCHEMES):
                    removed.append(f"{value.split(':', 1)[0].lower()}: link")
                elif key == "src":
                    removed.append(f"<{name} src> (use Markdown ![alt](path) for images)")
                elif key == "style" and not re.fullmatch(r"text-align:\s*(left|right|center)", value):
                    removed.append("style")
        if not removed:
            return []
        what = ", ".join(dict.fromkeys(removed))
        return [warning(place.display, line, col, f"raw HTML is sanitised: {what} removed; "
                        "write it in Markdown, or set 'trust_html: true' in course.yaml if you trust it")]

    def _sanitize(self, html: str, assets: dict[str, Asset]) -> str:
        known = set(assets)

        def keep(tag: str, attr: str, value: str) -> str | None:
            if tag in ("img", "video", "audio", "track") and attr == "src":
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

    @staticmethod
    def _unused_footnotes(env: dict, place: Place, lines: list[str]) -> list[Problem]:
        """Footnote definitions that nothing refers to: markdown-it leaves them out of the output."""
        problems = []
        for key, number in env.get("footnotes", {}).get("refs", {}).items():
            if number >= 0:
                continue
            needle = f"[^{key[1:]}]:"
            index = next((i for i, text in enumerate(lines) if text.lstrip().startswith(needle)), 0)
            col = len(lines[index]) - len(lines[index].lstrip()) + 1 if place.columns and lines else 0
            problems.append(warning(place.display, place.line + index, col, f"footnote '[^{key[1:]}]' is "
                                    f"defined but never referenced, so it is not shown: write '[^{key[1:]}]' "
                                    "where it belongs in the text, or remove the definition"))
        return problems

    def _check_callout(self, tokens: list[Token], i: int, place: Place, line: int) -> list[Problem]:
        """A callout of an unknown kind, or one whose body is missing (not indented)."""
        token = tokens[i]
        kind = token.meta.get("tag", "")
        col = 1 if place.columns else 0
        written = f"{token.markup} {kind}"
        if kind not in CALLOUT_KINDS:
            import difflib
            close = difflib.get_close_matches(kind, CALLOUT_KINDS, n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f"; use one of: {', '.join(CALLOUT_KINDS)}"
            return [error(place.display, line, col, f"unknown callout kind '{kind}'{hint}")]
        body = i + 1
        if body < len(tokens) and tokens[body].type == "admonition_title_open":
            body += 3
        if body < len(tokens) and tokens[body].type == "admonition_close" and tokens[body].level == token.level:
            return [error(place.display, line, col, f"the callout '{written}' has no content: indent its "
                          "body by 4 spaces on the lines below it")]
        return []

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


def _check_media_alone(tokens: list[Token], i: int, place: Place, line: int) -> list[Problem]:
    """Audio and video stand alone in their paragraph: the player is a block, with its transcript."""
    children = [c for c in tokens[i].children or () if not (c.type == "text" and not c.content.strip())
                and c.type != "softbreak"]
    media = [c for c in children if c.type == "image" and c.meta.get("media")]
    if not media:
        return []
    if len(children) == 1 and i > 0 and tokens[i - 1].type == "paragraph_open":
        tokens[i - 1].meta.update(figure=True, media=media[0].meta["media"])
        tokens[i + 1].meta["figure"] = True
        media[0].meta["figure"] = True
        return []
    for child in media:     # rendered as a link to the file, so nothing is lost
        child.meta["inline"] = True
    if not place.media:
        return []
    return [error(place.display, line, 0, f"{media[0].meta['media']} '{media[0].meta['shown']}' must stand alone "
                  "in its paragraph (a blank line before and after it), where it becomes a figure with its "
                  "player, captions and transcript")]


def _mark_task(tokens: list[Token], i: int) -> None:
    """The task-list plugin's checkbox → a box character (☐ or ☑), shown the same in every output
    (a disabled form field means nothing on paper, and HTML cleaners such as Moodle's may drop it)."""
    children = tokens[i].children or []
    if not (i >= 2 and children and tokens[i - 2].type == "list_item_open"
            and "task-list-item" in str(tokens[i - 2].attrGet("class") or "")
            and children[0].type == "html_inline" and children[0].content.startswith(_TASK_CHECKBOX)):
        return
    done = 'checked="checked"' in children[0].content
    box = Token("html_inline", "", 0)
    box.content = f'<span class="task-box{" done" if done else ""}">{TASK_BOXES[done]}</span>'
    box.meta = {"task": True}
    children[0] = box


def _render_paragraph_open(self, tokens, idx, options, env):
    if tokens[idx].meta.get("figure"):
        media = tokens[idx].meta.get("media")
        return f'<figure class="figure media {media}">' if media else '<figure class="figure">'
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
    if token.meta.get("media"):
        return _media_html(token, src, alt)
    if token.meta.get("figure"):
        caption = escapeHtml(str(token.attrGet("title")))
        return f'<img src="{src}" alt="{alt}" /><figcaption>{caption}</figcaption>'
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<img src="{src}" alt="{alt}"{title_attr} />'


def _media_html(token: Token, src: str, alt: str) -> str:
    """The player (native controls: keyboard-operable, never autoplaying), caption and transcript."""
    from markdown_it.common.utils import escapeHtml
    if not token.meta.get("figure"):
        return f'<a href="{src}">{alt}</a>'
    kind = token.meta["media"]
    labels = token.meta.get("labels", {})
    language = token.meta.get("language", "")
    parts = [f'<{kind} controls="" preload="metadata" src="{src}" aria-label="{alt}"'
             + (' playsinline=""' if kind == "video" else "") + ">"]
    if token.meta.get("captions"):
        srclang = f' srclang="{escapeHtml(language)}"' if language else ""
        parts.append(f'<track kind="captions" src="{escapeHtml(token.meta["captions"])}"{srclang} '
                     f'label="{escapeHtml(labels.get("captions", "Captions"))}" default="" />')
    parts.append(f'<a href="{src}">{alt}</a></{kind}>')
    caption = token.attrGet("title")
    parts.append(f"<figcaption>{escapeHtml(str(caption)) if caption else alt}</figcaption>")
    if "transcript" in token.meta:
        parts.append(f'<details class="transcript"><summary>{escapeHtml(labels.get("transcript", "Transcript"))}'
                     f'</summary>\n{token.meta["transcript"]}</details>')
    return "".join(parts)
