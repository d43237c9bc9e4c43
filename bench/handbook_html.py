"""Write the handbook's HTML and stylesheets for floor (d), exactly as the exporter feeds them
to WeasyPrint.

    python bench/handbook_html.py COURSE_DIR OUT.html

Writes OUT.html and OUT.json (the stylesheets with their base folders, and the course folder
that images resolve against).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from coursepack.run import source_date, template_environment
from coursepack.exporter import ExportContext, exporter_labels
from coursepack.load import load_course
from coursepack.registry import discover_exporters
from coursepack.exporters.handbook import render_handbook_css, render_handbook_html
from coursepack.options import options_for


def main() -> None:
    course_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    exporters = discover_exporters()
    loaded, problems = load_course(course_dir, exporters)
    if loaded is None:
        raise SystemExit("\n".join(p.format() for p in problems))
    course = loaded.course
    cls = exporters["handbook"]
    ctx = ExportContext(options_for(cls, loaded.options), loaded.root, out.parent, source_date(course),
                        template_environment(loaded.root, "handbook", cls.template_folder), lambda m: None,
                        exporter_labels(cls, course))
    fonts = ctx.templates.get_template("fonts.css")
    css_dir = Path(ctx.templates.get_template("handbook.css").filename).parent
    out.write_text(render_handbook_html(course, ctx), encoding="utf-8")
    sheets = [{"css": fonts.render(), "base": str(Path(fonts.filename).parent)},
              {"css": render_handbook_css(course, ctx), "base": str(css_dir)}]
    out.with_suffix(".json").write_text(json.dumps({"base": str(loaded.root.resolve()), "sheets": sheets}),
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
