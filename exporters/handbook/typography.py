"""Typography of the print HTML: the course's hyphenation exceptions as soft hyphens, and straight
double quotes turned into curly ones."""

from __future__ import annotations

import re
from typing import Iterable

import jinja2
from lxml import html as lxml_html

NO_HYPHENATION_TAGS = {"pre", "code", "kbd", "samp", "script", "style"}
CURLY_QUOTE_LANGUAGES = {"en", "id", "ms"}      # languages whose quotes are “ ”


def hyphenation_exceptions(env: jinja2.Environment, language: str) -> dict[str, tuple[int, ...]]:
    """Words the hyphenation dictionary splits wrongly: ``templates/handbook/hyphenation/<lang>.txt``,
    one word a line with '-' at the allowed breaks (``pem-be-la-jar-an``); '#' starts a comment."""
    name = f"hyphenation/{language.split('-')[0].lower()}.txt"
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
    except jinja2.TemplateNotFound:
        return {}
    words: dict[str, tuple[int, ...]] = {}
    for line in source.splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        breaks, offset = [], 0
        for part in entry.split("-")[:-1]:
            offset += len(part)
            breaks.append(offset)
        words[entry.replace("-", "").lower()] = tuple(breaks)
    return words


def literal(element) -> bool:
    """Text to print exactly as written: code, and printed link addresses."""
    return element.tag in NO_HYPHENATION_TAGS or bool({"link-address", "url"} & set((element.get("class") or "").split()))


def text_places(root):
    """(element, "text"|"tail") of every text node outside code and link addresses, in document order."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        coded = literal(element) or any(literal(a) for a in element.iterancestors())
        if not coded and element.text:
            yield element, "text"
        parent = element.getparent()
        if element is not root and element.tail and parent is not None and not (
                literal(parent) or any(literal(a) for a in parent.iterancestors())):
            yield element, "tail"


def curl_quotes(root) -> None:
    """Straight double quotes → “ ” (opening after a space or bracket or at the start of
    a text run followed by a letter), as a typesetter would."""
    def curl(match: re.Match) -> str:
        text, i = match.string, match.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        opening = (before == "" and after != "" and not after.isspace() and after not in ".,;:!?)") \
            or (before != "" and (before.isspace() or before in "([{—–/"))
        return "\u201c" if opening else "\u201d"

    for element, where in list(text_places(root)):
        value = getattr(element, where)
        if '"' in value:
            setattr(element, where, re.sub('"', curl, value))


def exception_pattern(exceptions: dict[str, tuple[int, ...]]) -> re.Pattern | None:
    """One regular expression matching every exception word (with Indonesian particles)."""
    if not exceptions:
        return None
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, exceptions), key=len, reverse=True))
                      + r")(nya|lah|kah|pun)?\b", re.I)


def wrap_exceptions(root, exceptions: dict[str, tuple[int, ...]], pattern: re.Pattern | None = None) -> None:
    pattern = pattern or exception_pattern(exceptions)
    places = [(e, w) for e, w in text_places(root) if pattern.search(getattr(e, w))]
    for element, where in places:
        text = getattr(element, where)
        pieces = pattern.split(text)   # text, word, suffix, text, word, suffix, …, text
        lead, spans = pieces[0], []
        for i in range(1, len(pieces), 3):
            word, suffix, tail = pieces[i], pieces[i + 1] or "", pieces[i + 2]
            spans.append((soft_hyphenate(word, exceptions[word.lower()], suffix), tail))
        setattr(element, where, lead)
        if where == "text":
            parent, index = element, 0
        else:
            parent, index = element.getparent(), element.getparent().index(element) + 1
        for offset, (word, tail) in enumerate(spans):
            span = lxml_html.Element("span", {"class": "hy"})
            span.text, span.tail = word, tail
            parent.insert(index + offset, span)


def soft_hyphenate(word: str, breaks: Iterable[int], suffix: str) -> str:
    out, last = [], 0
    for b in breaks:
        out.append(word[last:b])
        last = b
    out.append(word[last:])
    return "\u00ad".join(out) + (f"\u00ad{suffix}" if suffix else "")
