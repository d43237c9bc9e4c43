"""In-process stage timings: each exporter's export+check against its floor, same process, same run.

    python bench/stages.py COURSE_DIR REPEAT EXPORTER...

Prints one JSON line per exporter: {"exporter", "seconds", "floor_seconds", "floor", ...}; the
course is loaded once and not timed. ``seconds`` is export + check + atomic publish. Floors: (b) moodle —
bare lxml builds and serialises the identical document from plain tuples (``export_seconds`` and
``check_seconds`` are reported apart); (c) scorm — read the package's files and write a deflated
zip with zipfile.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from coursepack.run import run_exporter
from coursepack.load import load_course
from coursepack.registry import discover_exporters

def time_median(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)

def zip_floor(folder: Path, target: Path) -> None:
    """(c) read every file of the package and write a deflated zip of them with zipfile."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.writestr(path.relative_to(folder).as_posix(), path.read_bytes())

def main() -> None:
    course_dir, repeat, names = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    loaded, problems = load_course(course_dir, discover_exporters())
    if loaded is None:
        raise SystemExit("\n".join(p.format() for p in problems))
    for name in names:
        print(json.dumps(time_stage(loaded, name, repeat)), flush=True)


def time_stage(loaded, name: str, repeat: int) -> dict:
    cls = discover_exporters()[name]
    course = loaded.course
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = {}
        seconds = time_median(lambda: run_exporter(cls, loaded, out, lambda m: None), repeat)
        outputs = sorted(out.glob(f"{course.id}-{name}*"))
        if name == "moodle":
            # (b): bare lxml building the identical document (every element and attribute we
            # write) from plain tuples; export and check are timed apart as well
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
            from moodle_gen import document_events, floor_bytes
            from coursepack.exporter import ExportContext, exporter_labels
            from coursepack.options import options_for
            from coursepack.run import source_date, template_environment
            exporter = cls()
            ctx = ExportContext(options_for(cls, loaded.options), loaded.root, out, source_date(course),
                                template_environment(loaded.root, name), lambda m: None,
                                exporter_labels(cls, course))
            export_seconds = time_median(lambda: exporter.export(course, ctx), repeat)
            export = exporter.export(course, ctx)
            check_seconds = time_median(lambda: exporter.check(export, ctx), repeat)
            events = [e for p in export.paths for e in document_events(p.read_bytes())]
            floor = time_median(lambda: floor_bytes(events), repeat)
            result = {"floor": "(b) lxml, same document from plain tuples",
                      "export_seconds": export_seconds, "check_seconds": check_seconds}
        elif name.startswith("scorm"):
            unpacked = out / "unpacked"
            for i, package in enumerate(outputs):
                zipfile.ZipFile(package).extractall(unpacked / str(i))
            floor = time_median(lambda: [zip_floor(unpacked / str(i), out / f"floor-{i}.zip")
                                         for i in range(len(outputs))], repeat)
            result = {"floor": "(c) read files + zipfile deflate"}
        else:
            floor = float("nan")
        return {"exporter": name, "seconds": seconds, "floor_seconds": floor, "outputs": len(outputs), **result}

if __name__ == "__main__":
    main()
