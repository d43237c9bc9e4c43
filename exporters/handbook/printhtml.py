"""Print-HTML preparation: the model's lesson HTML adapted for a printed book (headings demoted,
links into the course folder unlinked, web and mail addresses printed, SVG images given their own
width, audio and video as their file name with the transcript open, endnotes as page footnotes,
typography applied)."""

from __future__ import annotations

import copy
import html as html_text
import re

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from coursepack.labels import CORE_LABELS, resolve_labels

from .typography import curl_quotes, wrap_exceptions

VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f]")
LOCAL_LINK = re.compile(r"^(#|https?:|mailto:)", re.I)


def prepare_html(html: str, shift: int, exceptions: dict[str, tuple[int, ...]],
                 curly_quotes: bool = False, pattern: re.Pattern | None = None,
                 labels: dict[str, str] | None = None, image_widths: dict[str, str] | None = None) -> Markup:
    """Model HTML → print HTML: headings demoted by ``shift``, links to course files unlinked
    (a PDF must not point into the author's disk), the address of each web or mail link printed
    after its text, SVG images given their own width (``image_widths``: src → CSS px, as the
    custom property ``--image-width`` that handbook.css sizes them by), audio and video printed
    as their file name with the transcript open, emoji variation selectors dropped, and the
    hyphenation exceptions wrapped as ``<span class="hy">`` with soft hyphens."""
    if not html.strip():
        return Markup("")
    root = lxml_html.fragment_fromstring(VARIATION_SELECTORS.sub("", html), create_parent="div")
    print_media(root, labels or resolve_labels("en", (CORE_LABELS,)))
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if shift and re.fullmatch(r"h[1-6]", element.tag):
            element.tag = f"h{min(6, int(element.tag[1]) + shift)}"
        if element.tag == "a" and not LOCAL_LINK.match(element.get("href", "#")):
            del element.attrib["href"]
        elif element.tag == "a":
            print_address(element)
        if element.tag == "img" and image_widths and element.get("src") in image_widths:
            element.set("style", f"--image-width: {image_widths[element.get('src')]}px")
    place_footnotes(root)
    if curly_quotes:
        curl_quotes(root)
    if exceptions:
        wrap_exceptions(root, exceptions, pattern)
    inner = html_text.escape(root.text or "", quote=False)
    inner += "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return Markup(inner)


def print_media(root, labels: dict[str, str]) -> None:
    """A player means nothing on paper: it becomes a frame naming the kind and the file (where a
    reader finds it in the course package), and the folded transcript is printed open, titled."""
    for player in [e for e in root.iter("video", "audio")]:
        frame = lxml_html.Element("p", {"class": f"media-frame {player.tag}"})
        kind = etree.SubElement(frame, "span", {"class": "media-kind"})
        kind.text = labels[player.tag]
        name = etree.SubElement(frame, "span", {"class": "media-file"})
        name.text = player.get("src", "")
        frame.tail = player.tail
        player.getparent().replace(player, frame)
    for details in [e for e in root.iter("details") if "transcript" in e.get("class", "").split()]:
        details.tag = "div"
        for summary in details.findall("summary"):
            summary.tag = "p"
            summary.set("class", "transcript-title")


def link_address(href: str) -> str:
    """The address a reader types: ``mailto:`` dropped, the rest as written."""
    return href[len("mailto:"):] if href.lower().startswith("mailto:") else href


def same_address(text: str, href: str) -> bool:
    """Whether a link's text already is its address (``example.org/a`` for ``https://example.org/a/``)."""
    def bare(value: str) -> str:
        value = re.sub(r"^(https?://|mailto:)", "", value.strip().lower())
        return re.sub(r"^www\.", "", value).rstrip("/")
    return bare(text) == bare(href)


def print_address(link) -> None:
    """A web or mail link gets its address printed after its text, inside the link, as
    ``<span class="link-address"> (https://…)</span>`` — a printed page cannot be clicked.
    A link whose text is its address is marked ``class="url"`` instead (printed as written,
    never hyphenated); links within the book (``#…``) are left as they are."""
    href = link.get("href", "")
    if href.startswith("#"):
        return
    if same_address(link.text_content(), href):
        link.set("class", " ".join(filter(None, [link.get("class"), "url"])))
        return
    span = lxml_html.Element("span", {"class": "link-address"})
    span.text = f" ({link_address(href)})"
    link.append(span)


def place_footnotes(root) -> None:
    """Endnotes → real page footnotes: each ``<sup class="footnote-ref">`` is replaced by a
    ``<span class="footnote">`` holding the note's text (CSS floats it to the page's foot)."""
    notes = {li.get("id"): li for li in root.iterfind(".//section[@class='footnotes']//li")}
    if not notes:
        return
    for sup in list(root.iterfind(".//sup[@class='footnote-ref']")):
        link = sup.find("a")
        note = notes.get((link.get("href") or "#")[1:]) if link is not None else None
        if note is None:
            continue
        note = copy.deepcopy(note)             # a note may be referenced twice
        span = lxml_html.Element("span", {"class": "footnote"})
        pieces = list(note) if len(note) else []
        span.text = note.text
        for child in pieces:
            for back in child.iterfind(".//a[@class='footnote-backref']"):
                drop_keeping_tail(back)
            if child.tag == "p":               # a note's paragraphs become inline text
                child.tag = "span"
            span.append(child)
        for element in span.iter():   # WeasyPrint 70 keeps source newlines in footnotes as breaks
            element.text = element.text and re.sub(r"\s+", " ", element.text)
            if element is not span:
                element.tail = element.tail and re.sub(r"\s+", " ", element.tail)
        span.tail = sup.tail
        sup.getparent().replace(sup, span)
    for element in list(root.iterfind(".//section[@class='footnotes']")) + \
            list(root.iterfind(".//hr[@class='footnotes-sep']")):
        drop_keeping_tail(element)


def drop_keeping_tail(element) -> None:
    parent = element.getparent()
    tail = (element.tail or "").rstrip()
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
