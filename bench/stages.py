"""In-process stage timings: one exporter's export+check against its floor, same process, same run.

    python bench/stages.py COURSE_DIR EXPORTER [REPEAT]

Prints one JSON line: {"exporter", "seconds", "floor_seconds", "floor"}; the course is loaded
once and not timed. Floors: (b) moodle — lxml builds and serialises the same questions from
plain dicts; (c) scorm — read the package's files and write a deflated zip with zipfile.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

from coursepack.build import run_exporter
from coursepack.load import load_course
from coursepack.registry import discover_exporters


def time_median(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def question_dicts(course) -> list[dict]:
    """The questions as plain dicts, as a bare script would hold them."""
    items = []
    for module in course.modules:
        for q in (module.quiz.questions if module.quiz else ()):
            answers = ([{"text": c.html, "fraction": c.weight, "feedback": c.feedback_html} for c in q.choices]
                       or [{"text": a.text, "fraction": a.weight, "feedback": a.feedback_html} for a in q.text_answers]
                       or [{"text": str(a.value), "fraction": a.weight, "feedback": a.feedback_html,
                            "tolerance": str(a.tolerance)} for a in q.number_answers])
            items.append({"type": q.kind, "name": q.stem[:100], "text": q.stem_html, "feedback": q.feedback_html,
                          "category": module.title, "id": q.id, "points": q.points, "answers": answers,
                          "pairs": [{"left": p.left_html, "right": p.right} for p in q.pairs]})
    return items


def moodle_floor(items: list[dict]) -> bytes:
    """(b) lxml building and serialising Moodle-XML-shaped questions from plain dicts."""
    quiz = etree.Element("quiz")
    category = None
    for item in items:
        if item["category"] != category:
            category = item["category"]
            cq = etree.SubElement(quiz, "question", type="category")
            etree.SubElement(etree.SubElement(cq, "category"), "text").text = f"$course$/top/{category}"
        q = etree.SubElement(quiz, "question", type=item["type"])
        etree.SubElement(etree.SubElement(q, "name"), "text").text = item["name"]
        text = etree.SubElement(q, "questiontext", format="html")
        etree.SubElement(text, "text").text = etree.CDATA(item["text"])
        fb = etree.SubElement(q, "generalfeedback", format="html")
        etree.SubElement(fb, "text").text = etree.CDATA(item["feedback"])
        etree.SubElement(q, "defaultgrade").text = f"{item['points']:.7f}"
        etree.SubElement(q, "idnumber").text = item["id"]
        for answer in item["answers"]:
            a = etree.SubElement(q, "answer", fraction=f"{answer['fraction']:g}", format="html")
            etree.SubElement(a, "text").text = etree.CDATA(answer["text"])
            afb = etree.SubElement(a, "feedback", format="html")
            etree.SubElement(afb, "text").text = etree.CDATA(answer["feedback"])
        for pair in item["pairs"]:
            sub = etree.SubElement(q, "subquestion", format="html")
            etree.SubElement(sub, "text").text = etree.CDATA(pair["left"])
            etree.SubElement(etree.SubElement(sub, "answer"), "text").text = pair["right"]
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def zip_floor(folder: Path, target: Path) -> None:
    """(c) read every file of the package and write a deflated zip of them with zipfile."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.writestr(path.relative_to(folder).as_posix(), path.read_bytes())


def main() -> None:
    course_dir, name = Path(sys.argv[1]), sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    course, problems = load_course(course_dir, discover_exporters())
    if course is None:
        raise SystemExit("\n".join(p.format() for p in problems))
    cls = discover_exporters()[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = {}
        seconds = time_median(lambda: run_exporter(cls, course, out, lambda m: None), repeat)
        outputs = sorted(out.glob(f"{course.id}-{name}*"))
        if name == "moodle":
            items = question_dicts(course)
            floor = time_median(lambda: moodle_floor(items), repeat)
            result = {"floor": "(b) lxml from plain dicts"}
        elif name.startswith("scorm"):
            unpacked = out / "unpacked"
            for i, package in enumerate(outputs):
                zipfile.ZipFile(package).extractall(unpacked / str(i))
            floor = time_median(lambda: [zip_floor(unpacked / str(i), out / f"floor-{i}.zip")
                                         for i in range(len(outputs))], repeat)
            result = {"floor": "(c) read files + zipfile deflate"}
        else:
            floor = float("nan")
        print(json.dumps({"exporter": name, "seconds": seconds, "floor_seconds": floor,
                          "outputs": len(outputs), **result}))


if __name__ == "__main__":
    main()
