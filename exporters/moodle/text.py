"""Names and texts as Moodle stores them: the column limits, plain text of HTML, question and
category names and idnumbers, wildcards, response templates."""

from __future__ import annotations

import hashlib
import html
import re

from coursepack.model import Course, Module, Question


MAX_NAME = 255                      # question.name, question_categories.name: varchar(255)
MAX_IDNUMBER = 100                  # question idnumber, category idnumber: varchar(100)
MAX_TAG = 50                        # TAG_MAX_LENGTH: longer tags are cut silently
MAX_MATCH_ANSWER = 255              # qtype_match_subquestions.answertext: varchar(255)
MAX_UNIT = 50                       # question_numerical_units.unit: varchar(50)


HTML_TAG = re.compile(r"""</?[A-Za-z][A-Za-z0-9]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
BLOCK_TAG = re.compile(r"""</?(?:p|div|li|br|h[1-6]|tr|td|th|blockquote|pre|figure|figcaption|dt|dd|table|"""
                        r"""ul|ol|section|hr)\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
FOOTNOTES = re.compile(r'<section class="footnotes.*?</section>|<sup class="footnote-ref">.*?</sup>', re.S)
IMG_ALT = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*?\balt="([^"]*)"(?:[^>"']|"[^"]*"|'[^']*')*>""")
ASSET_LINK = re.compile(r"""<a\b[^>]*\bhref="(?!https?:|mailto:|#)[^"]*"[^>]*>(.*?)</a>""", re.S)
ASSET_REF = re.compile(r'\b(?:src|href)="(?!https?:|mailto:|#|@@PLUGINFILE@@/|data:)([^"]*)"')
PLUGINFILE_REF = re.compile(r'@@PLUGINFILE@@/([^"\'\s<>?#]+)')


def plain_text(html_text: str) -> str:
    """Readable one-line text of sanitised HTML (tags dropped, block ends become spaces)."""
    text = html_text
    if "footnote" in text:
        text = FOOTNOTES.sub("", text)
    if "<img" in text:
        text = IMG_ALT.sub(lambda m: f" {m.group(1)} ", text)
    text = HTML_TAG.sub("", BLOCK_TAG.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def question_name(q: Question, width: int) -> str:
    """``NN stem text`` (≤ 255 characters) so that names sort in quiz order in the bank."""
    prefix = f"{q.number:0{width}d} "
    text = plain_text(q.stem_html) or q.image_alt.strip() or q.id
    return prefix + shorten(text, MAX_NAME - len(prefix))


def escape_wildcards(answer: str) -> str:
    """Shortanswer text for Moodle, where ``*`` is a wildcard and ``\\*`` a literal asterisk."""
    return answer.strip().replace("*", "\\*")


def category_name(name: str) -> str:
    """One segment of a category path: '/' doubled; padded so a leading/trailing '/' survives."""
    escaped = " ".join(name.split()).replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def category_path(course: Course, module: Module) -> str:
    return f"$course$/top/{category_name(course.title)}/{category_name(module.title)}"


def category_idnumber(course: Course, module: Module) -> str:
    """``<course-id>-<module-id>-<6 hex of the category path>``, at most 100 characters.

    The hash changes when the course or module title (thus the category) changes, so a
    re-import into a renamed category never collides with the old category's idnumber,
    which Moodle's database refuses within a context.
    """
    digest = hashlib.sha256(category_path(course, module).encode()).hexdigest()[:6]
    head = f"{course.id}-{module.id}"[:MAX_IDNUMBER - 7].rstrip("-")
    return f"{head}-{digest}"


def summary_for_category(summary_html: str) -> str:
    """Module summary for a category description, which cannot carry files: text instead."""
    text = IMG_ALT.sub(lambda m: m.group(1), summary_html)
    text = re.sub(r"<img\b[^>]*>", "", text)
    return ASSET_LINK.sub(lambda m: m.group(1), text).strip()


def template_text(template: str, response_format: str) -> str:
    """The essay response template: HTML paragraphs for the editor, plain text otherwise."""
    if response_format != "editor" or not template.strip():
        return template
    paragraphs = [p for p in re.split(r"\n\s*\n", template.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)
