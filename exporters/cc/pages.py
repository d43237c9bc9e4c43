"""The cartridge's web content: a page per lesson, per module overview and the glossary."""

from __future__ import annotations

import html

from coursepack.model import Lesson, Module
from coursepack.references import point_references
from .plan import Plan, module_page, GLOSSARY_PAGE, page_targets


def html_page(language: str, title: str, body: str) -> bytes:
    escaped = html.escape(title, quote=False)
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escaped}</title>\n</head>\n<body>\n<h1>{escaped}</h1>\n{body.strip()}\n"
            "</body>\n</html>\n").encode("utf-8")


def outcomes_html(title: str, outcomes) -> str:
    if not outcomes:
        return ""
    items = "".join(f'<li><strong>{html.escape(o.id)}</strong> {html.escape(o.text)}</li>\n' for o in outcomes)
    return f'<h2>{html.escape(title)}</h2>\n<ul class="outcomes">\n{items}</ul>\n'


def lesson_page(p: Plan, lesson: Lesson) -> bytes:
    page = p.page(lesson)
    return html_page(p.course.language, lesson.title, point_references(lesson.html, page_targets(p, page)))


def overview_page(p: Plan, module: Module, labels: dict[str, str]) -> bytes:
    page = module_page(module)
    body = point_references(module.summary_html, page_targets(p, page)) + "\n" + \
        outcomes_html(labels["outcomes"], module.outcomes)
    return html_page(p.course.language, module.title, body)


def glossary_page(p: Plan, labels: dict[str, str]) -> bytes:
    targets = page_targets(p, GLOSSARY_PAGE)
    rows = "".join(f"<dt>{html.escape(e.term)}</dt>\n<dd>{point_references(e.definition_html, targets)}</dd>\n"
                   for e in p.course.glossary)
    return html_page(p.course.language, labels["glossary"], f'<dl class="glossary">\n{rows}</dl>')
