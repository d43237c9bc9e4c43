"""`make bench`: coursepack against the bare libraries, for three generated course sizes.

Every measure is taken in this one run, next to its floor, on this machine. Whole-process
timings are medians of several runs, with the peak memory of the process tree (largest single
process, and the largest sum at one moment). Writes the table to bench/results.md.
Not a test: nothing here fails a build when a target is missed; the table says so.
BENCH_HANDBOOK=0 leaves out the handbook rows (about 16 of the run's ~18 minutes: L's
5,939-page handbook alone takes ~10).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate_course  # noqa: E402
from measure import Sample, median_sample, run_process  # noqa: E402

PY = sys.executable
CP = [PY, "-m", "coursepack.cli"]
RUNS = {"S": 3, "M": 3, "L": 1}


def timed(command: list[str], runs: int, env: dict[str, str] | None = None) -> Sample:
    return median_sample([run_process(command, env) for _ in range(runs)])


def stages(course: Path, names: list[str], repeat: int) -> dict[str, dict]:
    """In-process timings of ``names`` against their floors; one process loads the course once."""
    out = subprocess.run([PY, str(HERE / "stages.py"), str(course), str(repeat), *names],
                         capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {result["exporter"]: result for result in results}


def row(rows: list, size: str, measure: str, ours: float, floor: float | None, target: str,
        sample: Sample | None = None) -> None:
    ratio = ours / floor if floor else None
    rows.append((size, measure, ours, floor, ratio, target,
                 sample.peak_process_mb if sample else None, sample.peak_total_mb if sample else None))
    shown = f"{ratio:.2f}x" if ratio else "—"
    print(f"{size:2} {measure:34} {ours:8.2f} s  floor {floor or 0:8.2f} s  {shown:>7}  {target}", flush=True)


def bench_size(size: str, work: Path, rows: list, notes: list[str]) -> None:
    lessons, questions = SIZES[size]
    course = work / f"course-{size}"
    shutil.rmtree(course, ignore_errors=True)
    generate_course(course, lessons, questions)
    runs = RUNS[size]
    out = work / f"out-{size}"

    ours = timed(CP + ["--quiet", "validate", "--course", str(course)], runs)
    floor = timed([PY, str(HERE / "floors.py"), "parse", str(course)], runs)
    row(rows, size, "validate vs (a) YAML+Markdown", ours.seconds, floor.seconds, "≤ 1.5x", ours)

    targets = {"moodle": "≤ 1.5x", "scorm12": "≤ 2x", "scorm2004": "≤ 2x"}
    timed_stages = stages(course, [*targets, "moodle-backup"], max(runs, 1))
    for name, target in targets.items():
        result = timed_stages[name]
        if "export_seconds" in result:
            row(rows, size, f"{name} export vs {result['floor']}", result["export_seconds"],
                result["floor_seconds"], target)
            row(rows, size, f"{name} check (XSD + Moodle rules)", result["check_seconds"], None, "")
        else:
            row(rows, size, f"{name} export+check vs {result.get('floor', '')}", result["seconds"],
                result["floor_seconds"], target)
        sample = timed(CP + ["--quiet", "build", name, "--force", "--course", str(course), "--out", str(out)], runs)
        row(rows, size, f"{name} build (whole process)", sample.seconds, None, "", sample)
    # the whole course as a Moodle backup, against the question bank alone (same run, same course)
    backup, bank = timed_stages["moodle-backup"], timed_stages["moodle"]
    row(rows, size, "moodle-backup export+check vs moodle's", backup["seconds"], bank["seconds"], "L: ≤ 2x")
    sample = timed(CP + ["--quiet", "build", "moodle-backup", "--force", "--course", str(course), "--out", str(out)], runs)
    row(rows, size, "moodle-backup build (whole process)", sample.seconds, None, "", sample)

    if os.environ.get("BENCH_HANDBOOK", "1") == "0":   # the handbook rows take ~17 min for M and L
        return
    sample = timed(CP + ["--quiet", "build", "handbook", "--force", "--course", str(course), "--out", str(out)],
                   1 if size != "S" else runs)
    pages = count_pages(out / f"bench-{lessons}-{questions}-handbook.pdf")
    if size == "L":
        # One process for ~5,700 pages needs > 4 GB and ~20 min here: the L target is memory.
        row(rows, size, f"handbook ({pages} pages, parallel)", sample.seconds, None,
            "one process ≤ 1 GB, all ≤ 1.5 GB", sample)
        notes.append("L's `build all` is not run: it would repeat the L handbook (the other three "
                     "exporters take about 30 s of CPU beside it) and add as long again to the run.")
        return
    html = work / f"handbook-{size}.html"
    subprocess.run([PY, str(HERE / "handbook_html.py"), str(course), str(html)], check=True)
    floor = run_process([PY, str(HERE / "floors.py"), "weasyprint", str(html), str(work / f"floor-{size}.pdf")])
    row(rows, size, f"handbook ({pages} pages) vs (d) WeasyPrint", sample.seconds, floor.seconds,
        "M: ≤ 0.56x (≥ 1.8x faster)", sample)
    rows.append((size, "  (d) WeasyPrint alone, one process", floor.seconds, None, None, "",
                 floor.peak_process_mb, floor.peak_total_mb))

    sample = timed(CP + ["--quiet", "build", "all", "--force", "--course", str(course), "--out", str(out)], 1)
    row(rows, size, "build all (-j cores)", sample.seconds, None, "", sample)


def count_pages(pdf: Path) -> int:
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        return int(next(l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")))
    except (OSError, StopIteration, ValueError):
        return 0


def bench_noop(rows: list, work: Path) -> None:
    out = work / "out-sample"
    subprocess.run(CP + ["--quiet", "build", "all", "--course", str(ROOT / "course"), "--out", str(out)], check=True)
    sample = timed(CP + ["--quiet", "build", "all", "--course", str(ROOT / "course"), "--out", str(out)], 5)
    row(rows, "sample", "no-op rebuild (nothing changed)", sample.seconds, None, "≤ 0.5 s", sample)


def write_table(rows: list, notes: list[str], seconds: float) -> str:
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"whole run {seconds / 60:.1f} min. Sizes: S = 20 lessons / 50 questions, "
             "M = 200 / 1,000, L = 1,000 / 10,000 (bench/generate.py).", "",
             "| size | measure | coursepack | floor | ratio | target | peak MB (one process) | peak MB (all) |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    for size, measure, ours, floor, ratio, target, one, total in rows:
        lines.append(f"| {size} | {measure} | {ours:.2f} s | {f'{floor:.2f} s' if floor else ''} | "
                     f"{f'{ratio:.2f}x' if ratio else ''} | {target} | {f'{one:.0f}' if one else ''} | "
                     f"{f'{total:.0f}' if total else ''} |")
    lines += ["", *notes] if notes else []
    return "\n".join(lines) + "\n"


def main() -> None:
    sizes = sys.argv[1:] or ["S", "M", "L"]
    started = time.perf_counter()
    work = Path(os.environ.get("BENCH_DIR", HERE / "out"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list = []
    notes: list[str] = []       # what the table leaves out, and why
    bench_noop(rows, work)
    for size in sizes:
        bench_size(size, work, rows, notes)
    table = write_table(rows, notes, time.perf_counter() - started)
    (HERE / "results.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
