"""A deterministic generated course with many quiz questions (Moodle exporter tests, bench).

``write_course(folder, n)`` writes a valid course source with ``n`` questions cycling
through every question type, spread over modules of at most 500 questions; the same
``n`` always gives the same files. ``generated_course(n)`` builds the same questions straight
into the model. ``floor_bytes(document_events(xml))`` is the speed floor for the Moodle
exporter: the identical document built with bare lxml and serialised once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lxml import etree

PER_MODULE = 500
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
       '<rect width="10" height="10" fill="#{colour}"/></svg>\n')
WORDS = ("model", "data", "prompt", "token", "latency", "evaluation", "pipeline", "vector",
         "agent", "context", "retrieval", "deployment", "monitoring", "dataset", "feature")


def words(i: int, count: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(count))


def question(i: int) -> dict:
    """The ``i``-th generated question (0-based) as quiz.yaml data."""
    kind = ("single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay")[i % 7]
    q: dict = {"id": f"g{i:05d}", "type": kind, "outcomes": ["LO1" if i % 2 else "LO2"],
               "stem": f"Question {i}: which **{words(i, 2)}** fits {words(i + 1, 6)}?",
               "feedback": f"General feedback about *{words(i, 3)}*."}
    if i % 50 == 0:
        q["image"] = f"../../assets/img{i % 3}.svg"
        q["image_alt"] = f"Square {i % 3}"
    if i % 11 == 0 and kind not in ("truefalse", "essay"):
        q["hints"] = [f"Think about {words(i, 2)}."]
    if kind == "single":
        q["choices"] = [{"text": f"{words(i + k, 3)} `{k}`", "correct": k == 0,
                         "feedback": f"Choice {k} {'right' if k == 0 else 'wrong'}."} for k in range(4)]
    elif kind == "multiple":
        q["choices"] = [{"text": f"Option {k}: {words(i + k, 2)}", "correct": k < 2,
                         "feedback": "Yes." if k < 2 else "No."} for k in range(5)]
    elif kind == "truefalse":
        q.update(answer=i % 2 == 0, feedback_true="Said true.", feedback_false="Said false.")
    elif kind == "shortanswer":
        q["answers"] = [{"text": f"answer{i}", "feedback": "Exact."},
                        {"text": f"ans*{i}", "weight": 50, "feedback": "Literal star."}]
    elif kind == "numerical":
        q["answers"] = [{"value": i + 0.5, "tolerance": 0.25, "feedback": "Close enough."}]
        q["units"] = [{"unit": "m"}, {"unit": "cm", "multiplier": 100}]
    elif kind == "matching":
        q["pairs"] = [{"left": f"Left {k} *{words(i + k, 1)}*", "right": f"Right {k}"} for k in range(4)]
    else:
        q.update(grader_notes=f"Look for {words(i, 3)}.", response_lines=10)
    return q


def write_course(folder: Path, n: int) -> Path:
    """Write a course with ``n`` questions into ``folder`` (replaced) and return it."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "assets").mkdir(parents=True)
    for k, colour in enumerate(("1d4ed8", "dc2626", "16a34a")):
        (folder / "assets" / f"img{k}.svg").write_text(SVG.format(colour=colour), encoding="utf-8")
    (folder / "course.yaml").write_text(
        "id: generated\ntitle: Generated bank\nlanguage: en\nversion: \"1\"\ndate: 2026-01-01\n"
        "authors:\n  - name: Generator\noutcomes:\n  - id: LO1\n    text: One.\n  - id: LO2\n    text: Two.\n",
        encoding="utf-8")
    modules = max(1, -(-n // PER_MODULE))
    for m in range(modules):
        module = folder / "modules" / f"{m + 1:02d}-part{m + 1}"
        module.mkdir(parents=True)
        (module / "module.yaml").write_text(f"title: Part {m + 1}\nsummary: Questions of part {m + 1}.\n"
                                            "outcomes: [LO1, LO2]\n", encoding="utf-8")
        (module / "01-read.md").write_text("---\ntitle: Read\noutcomes: [LO1, LO2]\n---\n\nText.\n",
                                           encoding="utf-8")
        chunk = [question(i) for i in range(m * PER_MODULE, min(n, (m + 1) * PER_MODULE))]
        # JSON is YAML: fast to write, and the loader reads it like any quiz.yaml
        (module / "quiz.yaml").write_text(json.dumps({"questions": chunk}, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    return folder


def document_events(data: bytes) -> list[tuple]:
    """A written Moodle XML file as a flat list of (depth, tag, attributes, text, is CDATA)."""
    events: list[tuple] = []

    def walk(element, depth: int) -> None:
        text = element.text if len(element) == 0 else None
        cdata = bool(text) and element.tag == "text" and element.getparent().get("format") in ("html", "plain_text")
        events.append((depth, element.tag, dict(element.attrib), text, cdata))
        for child in element:
            walk(child, depth + 1)

    walk(etree.fromstring(data, etree.XMLParser(huge_tree=True)), 0)
    return events


def floor_bytes(events: list[tuple]) -> bytes:
    """The speed floor: build the identical document with bare lxml from ``document_events`` and
    serialise it once; nothing of the exporter's mapping, text work or checks."""
    stack: list = []
    for depth, tag, attrib, text, cdata in events:
        del stack[depth:]
        element = etree.SubElement(stack[-1], tag, attrib) if stack else etree.Element(tag, attrib)
        if text is not None:
            element.text = etree.CDATA(text) if cdata else text
        stack.append(element)
    return etree.tostring(stack[0], xml_declaration=True, encoding="UTF-8", pretty_print=True)


def generated_course(n: int, root: Path | None = None):
    """The same ``n`` questions as ``write_course``, built straight into the frozen model.

    The HTML has the shape the renderer gives (``<p>…</p>``); loading 10,000 questions
    through the full loader takes far longer than exporting them, so tests of the
    exporter's scale start here.
    """
    import datetime as dt
    import hashlib
    import tempfile

    from coursepack import model as m

    root = root or Path(tempfile.mkdtemp(prefix="moodle-gen-"))
    (root / "assets").mkdir(parents=True, exist_ok=True)
    images = []
    for k, colour in enumerate(("1d4ed8", "dc2626", "16a34a")):
        path = root / "assets" / f"img{k}.svg"
        data = SVG.format(colour=colour).encode()
        path.write_bytes(data)
        images.append(m.Asset(f"assets/img{k}.svg", path, "image/svg+xml", len(data), hashlib.sha256(data).hexdigest()))
    outcomes = {"LO1": m.Outcome("LO1", "One."), "LO2": m.Outcome("LO2", "Two.")}

    def md_inline(text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for mark, tag in (("**", "strong"), ("*", "em"), ("`", "code")):
            parts = text.split(mark)
            text = "".join(p if k % 2 == 0 else f"<{tag}>{p}</{tag}>" for k, p in enumerate(parts))
        return text

    def md(text: str) -> str:
        return f"<p>{md_inline(text)}</p>\n" if text else ""

    modules = []
    for mi in range(max(1, -(-n // PER_MODULE))):
        questions = []
        for number, i in enumerate(range(mi * PER_MODULE, min(n, (mi + 1) * PER_MODULE)), start=1):
            s = question(i)
            image = images[int(s["image"][-5])] if "image" in s else None
            fields = dict(id=s["id"], number=number, stem=s["stem"], stem_html=md(s["stem"]),
                          points=1.0, outcomes=(outcomes[s["outcomes"][0]],), feedback_html=md(s["feedback"]),
                          hints_html=tuple(md(h) for h in s.get("hints", ())), image=image,
                          image_alt=s.get("image_alt", ""), assets=(image,) if image else (),
                          source=f"modules/{mi + 1:02d}-part{mi + 1}/quiz.yaml", line=1 + number)
            kind = s["type"]
            if kind in ("single", "multiple"):
                correct = sum(1 for c in s["choices"] if c.get("correct"))
                share = 100 if kind == "single" else 100 / correct
                wrong = 0 if kind == "single" else -share
                fields.update(shuffle=True, choices=tuple(
                    m.Choice(md_inline(c["text"]), c["text"], bool(c.get("correct")),
                             share if c.get("correct") else wrong, md(c["feedback"])) for c in s["choices"]))
            elif kind == "truefalse":
                fields.update(answer=s["answer"], feedback_true_html=md(s["feedback_true"]),
                              feedback_false_html=md(s["feedback_false"]))
            elif kind == "shortanswer":
                fields.update(text_answers=tuple(m.TextAnswer(a["text"], float(a.get("weight", 100)), md(a["feedback"]))
                                                 for a in s["answers"]))
            elif kind == "numerical":
                fields.update(number_answers=tuple(m.NumberAnswer(a["value"], a["tolerance"], 100.0, md(a["feedback"]))
                                                   for a in s["answers"]),
                              units=tuple(m.Unit(u["unit"], float(u.get("multiplier", 1))) for u in s["units"]))
            elif kind == "matching":
                fields.update(shuffle=True, pairs=tuple(m.Pair(md_inline(p["left"]), p["left"], p["right"])
                                                        for p in s["pairs"]))
            else:
                fields.update(grader_notes_html=md(s["grader_notes"]), response_lines=s["response_lines"])
            questions.append(m.QUESTION_CLASSES[kind](**fields))
        folder = f"{mi + 1:02d}-part{mi + 1}"
        modules.append(m.Module(f"part{mi + 1}", mi + 1, folder, f"Part {mi + 1}",
                                md(f"Questions of part {mi + 1}."), tuple(outcomes.values()), (),
                                m.Quiz(f"part{mi + 1}-quiz", f"Quiz: Part {mi + 1}", False, tuple(questions),
                                       f"modules/{folder}/quiz.yaml")))
    return m.Course(id="generated", title="Generated bank", subtitle=None, language="en", version="1",
                    date=dt.date(2026, 1, 1), authors=(m.Author("Generator"),), description="", keywords=(),
                    licence=None, outcomes=tuple(outcomes.values()),
                    completion=m.Completion(80, ("lessons", "quiz")), modules=tuple(modules), glossary=())
