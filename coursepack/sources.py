"""Reading source files: bytes → checked text → YAML data that remembers where each value stood.

Every problem found here carries the file's display path and a 1-based line and column.
YAML is parsed with PyYAML's C parser (``compose``) and turned into plain data by a small
walker, so that duplicate keys, aliases and odd tags are reported instead of silently
accepted, and so that later layers can map a key path back to its line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .problems import Problem, error, warning

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LESSON_BYTES = 512 * 1024   # ~80,000 words; markdown-it slows down badly on pathological text
MAX_DEPTH = 40

try:  # libyaml is ~4x faster; fall back to the pure-Python parser where it is missing
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

Loc = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """Parsed YAML data plus the position of every value and key, by key path."""

    path: str
    data: Any
    value_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    def locate(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """Line and column for a key path; the nearest enclosing value when not exact."""
        loc = tuple(loc)
        if key and loc in self.key_marks:
            return self.key_marks[loc]
        while loc:
            if loc in self.value_marks:
                return self.value_marks[loc]
            loc = loc[:-1]
        return self.value_marks.get((), (1 + self.line_offset, 1))


# --- text -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Runs of characters that UTF-8 text shows when it was decoded as Windows-1252/Latin-1.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022"
    "\u2026\u2030\u2039\u203a\u20ac\u2122]+"
)


def position_of(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def read_text(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Read a source file as UTF-8 text; BOM and CRLF are accepted and normalised.

    Returns ``None`` for the text when the file cannot be used at all.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(display, 0, 0, f"cannot read the file: {exc.strerror or exc}")]
    if len(raw) > limit:
        return None, [error(display, 0, 0, f"file is {len(raw):,} bytes; the limit is "
                            f"{limit:,} bytes: split it (e.g. one quiz or lesson per file)")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        line, col = position_of(good, len(good))
        hint = "save the file as UTF-8"
        if raw[exc.start:exc.start + 2].startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = "the file looks like UTF-16: save it as UTF-8"
        return None, [error(display, line, col,
                            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; {hint} "
                            "(most editors: 'Save with encoding' → UTF-8)")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = []
    for match in _CONTROL.finditer(text):
        line, col = position_of(text, match.start())
        char = match.group()
        name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
        problems.append(error(display, line, col, f"control character {name} is not allowed in "
                              "course text: delete it (it often comes from copy-pasting)"))
        if len(problems) >= 5:
            break
    if problems:
        return None, problems
    return text, find_mojibake(text, display) + find_bidi_controls(text, display)


# Explicit bidirectional embeddings, overrides and isolates: invisible, and they reorder what
# the reader sees (the "Trojan Source" trick). Right-to-left scripts do not need them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def find_bidi_controls(text: str, display: str) -> list[Problem]:
    """Warn about invisible characters that change the displayed order of the text."""
    found = []
    for match in _BIDI.finditer(text):
        line, col = position_of(text, match.start())
        char = match.group()
        found.append(warning(display, line, col, f"invisible character U+{ord(char):04X} "
                             f"({unicodedata.name(char)}) changes the order in which the text is "
                             "displayed, which can disguise it: delete it (right-to-left text "
                             "does not need it)"))
        if len(found) >= 5:
            break
    return found


def repair_mojibake(fragment: str) -> str | None:
    """The text ``fragment`` was meant to be, if it is UTF-8 decoded as Windows-1252."""
    try:
        raw = fragment.encode("cp1252")
    except UnicodeEncodeError:
        try:
            raw = fragment.encode("latin-1")
        except UnicodeEncodeError:
            return None
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if fixed != fragment else None


def find_mojibake(text: str, display: str) -> list[Problem]:
    """Warn about text that looks double-encoded (``âœ…`` for ``✅``), with the repair."""
    found = []
    for match in _MOJIBAKE.finditer(text):
        fixed = repair_mojibake(match.group())
        if fixed is None:
            continue
        line, col = position_of(text, match.start())
        shown = fixed if unicodedata.category(fixed[0])[0] != "C" else repr(fixed)
        found.append(warning(display, line, col, f"text looks double-encoded: '{match.group()}' "
                             f"is probably '{shown}'; re-save the source as UTF-8 or replace it"))
    return found


# --- YAML -----------------------------------------------------------------------------

_SCALARS = SafeConstructor()


# `key: text: more` where the text is not quoted (a second ': ' in a plain value)
_COLON_IN_VALUE = re.compile(r"""^\s*(?:-\s+)?[^\s#'"\[{][^:#]*:\s+[^\s'"\[{|>&*!#][^#]*?:(?:\s|$)""")


def describe_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The author's explanation of a YAML syntax error.

    The common mistakes are recognised from the text at the error's position, not from libyaml's
    wording (which changes between releases); anything else keeps libyaml's own description.
    """
    problem = (exc.problem or str(exc)).strip()
    mark = exc.problem_mark
    if "'\\t'" in problem or (mark and text[mark.index:mark.index + 1] == "\t"):
        return "a tab character is used for indentation; YAML needs spaces: replace the tab with spaces"
    lines = text.split("\n")
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if _COLON_IN_VALUE.match(line):
        return ("YAML syntax error: this value contains ': ', which YAML reads as the start of another "
                "key; a value containing ': ' must be quoted, e.g. title: \"Bab 1: Pengantar\"")
    if "found duplicate anchor" in problem:
        return problem
    context = (exc.context or "").strip()
    message = f"{problem} ({context})" if context else problem
    if "but found another document" in problem:
        return ("YAML syntax error: the file holds more than one YAML document: remove the '---' line "
                "(or quote the text if it is part of a value)")
    if "could not find expected ':'" in problem:
        message += "; check the line above: a key needs 'key: value'"
    elif "found character that cannot start any token" in problem:
        message += "; quote the value (e.g. text starting with '@' or '`')"
    return "YAML syntax error: " + message


# a value that starts with a quote: `key: "…`, `- "…` or `- key: '…`
_QUOTE_START = re.compile(r"""^\s*(?:-\s+)*(?:[^\s#'"\[{][^#]*?:\s+)?(["'])""")


def find_unclosed_quote(text: str, last_line: int) -> tuple[int, int] | None:
    """0-based line and column of the first quote not closed on its own line, up to ``last_line``.

    YAML lets a quoted value run over several lines, so a forgotten closing quote is reported
    by the parser much later, where the value finally ends; the opening quote is the real place.
    """
    for index, line in enumerate(text.split("\n")[: last_line + 1]):
        match = _QUOTE_START.match(line)
        if not match:
            continue
        rest = line[match.end():]
        if match.group(1) == '"':
            closed = re.search(r'(?<!\\)(?:\\\\)*"', rest)
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return index, match.end() - 1
    return None


#: the tags a course file may carry explicitly (``!!str 1.0``); everything else is refused
ALLOWED_TAGS = {None, "!"} | {f"tag:yaml.org,2002:{t}" for t in
                               ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def show_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_RESOLVER = yaml.resolver.Resolver()
_SKIP = object()      # a mapping entry whose value is read but not kept (bad or repeated key)
_EXPECT_KEY = object()


class _Frame:
    """An open list or mapping while the events are read."""

    __slots__ = ("value", "loc", "is_map", "key", "as_key", "mark")

    def __init__(self, value, loc, is_map, as_key, mark):
        self.value, self.loc, self.is_map, self.as_key, self.mark = value, loc, is_map, as_key, mark
        self.key = _EXPECT_KEY


def parse_yaml(text: str, display: str, line_offset: int = 0) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document in a single pass over libyaml's events; every problem is
    returned, none raised.

    Built iteratively (libyaml's own composer is recursive C and crashes on deep nesting), and
    refusing what a course file never needs: nesting deeper than MAX_DEPTH, aliases (the
    "billion laughs" bomb), merge keys and tags such as ``!!python/object``. Duplicate keys are
    errors, not last-wins. Every value's and key's position is kept for later messages.
    """
    doc = YamlDoc(display, None, line_offset=line_offset)
    deep = find_deep_flow(text, MAX_DEPTH)
    if deep is not None:
        return None, [error(display, deep[0] + 1 + line_offset, deep[1] + 1, _TOO_DEEP)]
    try:
        refused, problems = _read_events(text, doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        quote = find_unclosed_quote(text, mark.line) if mark else None
        if quote is not None:
            return None, [error(display, quote[0] + 1 + line_offset, quote[1] + 1,
                                f"YAML syntax error: this quote is not closed on its line (the YAML reader "
                                f"got lost at line {line}): end the value with the same quote")]
        return None, [error(display, line, col, describe_yaml_error(exc, text))]
    except yaml.YAMLError as exc:
        return None, [error(display, line_offset + 1, 0, f"YAML error: {exc}")]
    if refused:
        return None, refused
    return doc, problems


_TOO_DEEP = (f"the YAML is nested more than {MAX_DEPTH} levels deep: course files need only a few levels; "
             "check the brackets and the indentation")
_BLOCK_SCALAR = re.compile(r"(?:^|[\s:-])[|>][-+0-9]*[ \t]*(?:#.*)?$")


def find_deep_flow(text: str, limit: int) -> tuple[int, int] | None:
    """0-based line and column of the first ``[`` or ``{`` that opens a flow collection nested
    more than ``limit`` deep, or None.

    Checked before libyaml reads the text: libyaml looks ahead while it scans brackets and stops at
    a nesting limit of its own (which changes between releases) before the events reach
    ``_read_events``. Brackets count where YAML makes them structure: anywhere inside a flow
    collection, and in block context only where a node starts (line start, after ``- ``, ``: ``
    or ``? ``); quoted text, comments and block scalars (``|``, ``>``) are skipped.
    """
    depth = 0
    quote = ""
    scalar_indent = -1        # >= 0: inside a block scalar whose parent line has this indentation
    for number, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if scalar_indent >= 0 and not quote:
            if not stripped.strip() or indent > scalar_indent:
                continue
            scalar_indent = -1
        at_node_start = True
        col = indent
        end = len(line)
        while col < end:
            char = line[col]
            if quote:
                if quote == '"' and char == "\\":
                    col += 2
                    continue
                if char == quote:
                    if quote == "'" and line[col + 1:col + 2] == "'":
                        col += 2
                        continue
                    quote = ""
                col += 1
                at_node_start = False
                continue
            if char == "#" and (col == 0 or line[col - 1] in " \t"):
                break
            if char in "[{" and (depth or at_node_start):
                depth += 1
                if depth > limit:
                    return number, col
            elif char in "]}" and depth:
                depth -= 1
            elif char in "\"'" and (depth or at_node_start):
                quote = char
            if char in " \t":
                pass
            elif char in "-:?" and line[col + 1:col + 2] in ("", " ", "\t"):
                at_node_start = True
            elif depth and char in ",[{":
                at_node_start = True
            else:
                at_node_start = False
            col += 1
        if not depth and not quote and _BLOCK_SCALAR.search(line):
            scalar_indent = indent
    return None


def _read_events(text: str, doc: YamlDoc) -> tuple[list[Problem], list[Problem]]:
    """Fill ``doc`` from the events of ``text``: (refusals, other problems)."""
    display, offset = doc.path, doc.line_offset
    refused: list[Problem] = []
    problems: list[Problem] = []
    aliases: list[tuple[tuple[int, int], str]] = []
    stack: list[_Frame] = []
    merge_pending = False
    documents = 0
    first_document = None
    for event in yaml.parse(text, Loader=_YamlLoader):
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents == 1:
                first_document = event.start_mark
            else:
                raise yaml.composer.ComposerError("expected a single document in the stream", first_document,
                                                  "but found another document", event.start_mark)
            continue
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            _place(frame.value, frame, stack, doc, problems, frame.mark)
            continue
        if not isinstance(event, _NODE_EVENTS):
            continue
        mark = event.start_mark
        where = (mark.line + 1 + offset, mark.column + 1)
        tag = getattr(event, "tag", None)
        if tag not in ALLOWED_TAGS:
            refused.append(error(display, *where, f"the YAML tag '{show_tag(tag)}' is not allowed: "
                                 "course files hold only text, numbers, true/false, dates, lists and "
                                 "mappings; remove the tag"))
        parent = stack[-1] if stack else None
        as_key = parent is not None and parent.is_map and parent.key is _EXPECT_KEY
        after_merge, merge_pending = merge_pending, False
        if kind is yaml.AliasEvent:
            if not after_merge:
                aliases.append((where, event.anchor))
            _place(None, None, stack, doc, problems, where, alias=True)
        elif kind is yaml.ScalarEvent:
            if as_key and event.value == "<<" and event.implicit[0]:
                refused.append(error(display, *where, "YAML merge keys ('<<') are not supported: write "
                                     "the keys out in full"))
                merge_pending = True
                parent.key = _SKIP
            else:
                _place(event, None, stack, doc, problems, where)
        else:
            loc = _child_loc(parent)
            if not as_key and loc is not None:
                doc.value_marks[loc] = where
            is_map = kind is yaml.MappingStartEvent
            stack.append(_Frame({} if is_map else [], loc, is_map, as_key, where))
            if len(stack) > MAX_DEPTH:
                refused.append(error(display, *where, _TOO_DEEP))
                break
        if len(refused) >= 10:
            break
    if aliases:
        where, anchor = aliases[0]
        more = f" (this file has {len(aliases)} of them)" if len(aliases) > 1 else ""
        refused.append(error(display, *where, f"YAML aliases ('*{anchor}') are not supported: write the "
                             f"value out in full{more}"))
    return refused, problems


def _child_loc(parent: _Frame | None) -> Loc | None:
    """Where the next value of ``parent`` goes (None: nowhere, it is discarded)."""
    if parent is None:
        return ()
    if parent.loc is None:
        return None
    if not parent.is_map:
        return parent.loc + (len(parent.value),)
    if parent.key is _EXPECT_KEY or parent.key is _SKIP:
        return None
    return parent.loc + (parent.key,)


def _place(item, frame: _Frame | None, stack: list[_Frame], doc: YamlDoc, problems: list[Problem],
           where: tuple[int, int], alias: bool = False) -> None:
    """Put a finished node (a scalar event, or a closed list/mapping) into its parent."""
    parent = stack[-1] if stack else None
    if parent is not None and parent.is_map and parent.key is _EXPECT_KEY:
        if alias or frame is not None:
            if frame is not None:
                problems.append(error(doc.path, *where, "a key must be a plain word, not a list or mapping"))
            parent.key = _SKIP
            return
        key = item.value
        if parent.loc is not None and key in parent.value:
            first = doc.key_marks[parent.loc + (key,)]
            problems.append(error(doc.path, *where, f"duplicate key '{key}' (first defined on "
                                  f"line {first[0]}): keep one of them"))
            parent.key = _SKIP
            return
        if parent.loc is not None:
            doc.key_marks[parent.loc + (key,)] = where
        parent.key = key
        return
    loc = _child_loc(parent)
    if frame is not None:
        value = frame.value
    elif alias:
        value = None
    else:
        if loc is not None:
            doc.value_marks[loc] = where
        value = _to_scalar(item, where, doc, problems)
    if parent is None:
        doc.data = value
    elif parent.is_map:
        if parent.key is not _SKIP and parent.loc is not None:
            parent.value[parent.key] = value
        parent.key = _EXPECT_KEY
    else:
        parent.value.append(value)


def _to_scalar(event: yaml.ScalarEvent, where: tuple[int, int], doc: YamlDoc, problems: list[Problem]) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == "tag:yaml.org,2002:str":   # most values: no constructor needed
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return _SCALARS.construct_object(node)
    except (ConstructorError, ValueError, OverflowError) as exc:
        reason = getattr(exc, "problem", None) or exc
        if tag == "tag:yaml.org,2002:timestamp":
            problems.append(error(doc.path, *where, f"{event.value!r} is not a real date ({reason}): "
                                  "write a date that exists, as YYYY-MM-DD"))
        else:
            problems.append(error(doc.path, *where, f"cannot read value {event.value!r}: {reason}; "
                                  "quote it to use it as text"))
        return event.value


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split a lesson into (front matter YAML, Markdown body, line number of the body's first line).

    Front matter is the block between a first line ``---`` and the next ``---`` (or ``...``).
    Returns ``None`` as front matter when the file does not start with ``---``, and -1 as
    the line when the front matter is never closed.
    """
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None, text, 0
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1:]), i + 2
    return "\n".join(lines[1:]), "", -1
