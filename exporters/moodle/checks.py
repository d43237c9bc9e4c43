"""The written file read back: the project's XSD for Moodle XML, then Moodle's own rules."""

from __future__ import annotations

from lxml import etree

from ..xsd import load_schema
from .. import MOODLE_XML_XSD
from .text import ASSET_REF, PLUGINFILE_REF
from .preflight import MIN_MATCH_PAIRS


def moodle_rules(root: etree._Element) -> list[tuple[int, str]]:
    """What Moodle's importer refuses or silently drops, checked on the written tree."""
    found: list[tuple[int, str]] = []

    def fail(element: etree._Element, message: str) -> None:
        found.append((element.sourceline or 0, message))

    if all(question.get("type") == "category" for question in root.iterfind("question")):
        fail(root, "the file holds no questions, and Moodle refuses to import it")
    for question in root.iterfind("question"):
        qtype = question.get("type")
        answers = question.findall("answer")
        fractions = [float(a.get("fraction", "nan")) for a in answers]
        if qtype == "multichoice":
            if len(answers) < 2:
                fail(question, "a multichoice question needs at least 2 answers")
            if question.findtext("single") == "true":
                if max(fractions, default=0) != 100 or fractions.count(100) != 1:
                    fail(question, "a single-answer multichoice needs exactly one answer with fraction 100")
            elif round(sum(f for f in fractions if f > 0) / 100, 2) != 1:
                fail(question, "the positive fractions of a multi-answer multichoice must add up to 100")
        elif qtype == "truefalse":
            if sorted(a.findtext("text") for a in answers) != ["false", "true"] or sorted(fractions) != [0, 100]:
                fail(question, "a truefalse question needs the answers 'true' and 'false', one of them 100")
        elif qtype in ("shortanswer", "numerical"):
            if 100 not in fractions:
                fail(question, f"a {qtype} question needs an answer with fraction 100")
            if qtype == "numerical" and (question.find("unitgradingtype") is None
                                         or any(a.find("tolerance") is None for a in answers)):
                fail(question, "a numerical question needs unit settings and a tolerance per answer")
            if qtype == "shortanswer" and question.find("usecase") is None:
                fail(question, "a shortanswer question needs <usecase>")
        elif qtype == "matching":
            if len(question.findall("subquestion")) < MIN_MATCH_PAIRS:
                fail(question, f"a matching question needs at least {MIN_MATCH_PAIRS} subquestions")
        elif qtype == "essay":
            if question.find("responseformat") is None:
                fail(question, "an essay question needs <responseformat>")
        if qtype not in ("multichoice", "truefalse", "shortanswer", "numerical") and answers:
            fail(question, f"a {qtype} question cannot have <answer> elements")
    holders = {file.getparent() for file in root.iter("file")}
    for holder in holders:
        names = [f.get("name") for f in holder.findall("file")]
        if len(set(names)) != len(names):
            fail(holder, f"file names repeat in one <{holder.tag}>: {sorted(names)}")
    for text in root.iter("text"):
        value = text.text
        if not value or ("src=" not in value and "href=" not in value and "@@PLUGINFILE@@" not in value):
            continue
        holder = text.getparent()
        names = [f.get("name") for f in holder.findall("file")]
        for name in PLUGINFILE_REF.findall(value):
            if name not in names:
                fail(holder, f"@@PLUGINFILE@@/{name} has no <file name=\"{name}\"> in the same <{holder.tag}>")
        for ref in ASSET_REF.findall(value):
            fail(holder, f"<{holder.tag}> links to '{ref}', which will not exist in Moodle")
    return found


def check_file(data: bytes) -> list[tuple[int, str]]:
    """Problems with one written file: encoding, declaration, XSD, Moodle's rules (one parse)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return [(1, "the file starts with a byte order mark")]
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n"):
        return [(1, "line 1 is not the XML declaration with encoding UTF-8")]
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [(exc.lineno or 0, f"not well-formed XML: {exc.msg}")]
    schema = load_schema(MOODLE_XML_XSD)
    if not schema.validate(root):
        return [(e.line, f"XSD: {e.message}") for e in schema.error_log]
    return moodle_rules(root)
