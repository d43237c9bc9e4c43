"""The floors coursepack is compared with: the same work done by the bare libraries.

    python bench/floors.py parse COURSE_DIR        (a) PyYAML C loader + markdown-it-py, nothing else
    python bench/floors.py weasyprint HTML PDF     (d) WeasyPrint alone, one process
Floors (b) and (c) are timed in-process by bench/stages.py.
"""

from __future__ import annotations

import sys
from pathlib import Path


def parse_floor(course_dir: Path) -> int:
    """(a) Parse every YAML file and front matter, render every Markdown text once."""
    import yaml
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = (MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
          .use(footnote_plugin).use(deflist_plugin).use(admon_plugin))
    texts = 0

    def render_texts(value) -> None:
        nonlocal texts
        if isinstance(value, str):
            md.render(value)
            texts += 1
        elif isinstance(value, dict):
            for v in value.values():
                render_texts(v)
        elif isinstance(value, list):
            for v in value:
                render_texts(v)

    for path in sorted(course_dir.rglob("*")):
        if path.suffix == ".yaml":
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            if path.name in ("quiz.yaml", "glossary.yaml", "module.yaml"):
                render_texts(data)
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            _, front, body = text.split("---\n", 2)
            yaml.load(front, Loader=yaml.CSafeLoader)
            md.render(body)
            texts += 1
    return texts


def weasyprint_floor(html_file: Path, pdf_file: Path) -> None:
    """(d) WeasyPrint alone: the handbook's HTML and stylesheets to PDF in one process."""
    import json

    from weasyprint import CSS, HTML
    setup = json.loads(html_file.with_suffix(".json").read_text(encoding="utf-8"))
    sheets = [CSS(string=s["css"], base_url=s["base"] + "/") for s in setup["sheets"]]
    HTML(string=html_file.read_text(encoding="utf-8"), base_url=setup["base"] + "/").write_pdf(
        str(pdf_file), stylesheets=sheets)


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        parse_floor(Path(sys.argv[2]))
    elif sys.argv[1] == "weasyprint":
        weasyprint_floor(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit(__doc__)
