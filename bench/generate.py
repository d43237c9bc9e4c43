"""Deterministic generator of courses in coursepack's own source format, for benchmarks
and scale tests.

    python bench/generate.py OUT_DIR --lessons 200 --questions 1000 [--per-module 10]

Lessons read like Indonesian course text (headings, paragraphs, a list, a table, a code
block, a figure, a callout); quizzes cycle through every question type. The same
arguments always give the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SIZES = {"S": (20, 50), "M": (200, 1000), "L": (1000, 10000)}

WORDS = ("model data pipeline evaluasi produk pengguna integrasi layanan kualitas metrik "
         "pelatihan inferensi prompt konteks dokumen sistem aplikasi keamanan biaya latensi "
         "pemantauan tim peran keputusan eksperimen hasil arsitektur komponen antarmuka "
         "pengetahuan jawaban pertanyaan contoh kasus bisnis perusahaan pelanggan").split()
VERBS = ("membangun menguji memantau merancang mengukur memperbaiki menjelaskan "
         "menerapkan membandingkan menyiapkan mengintegrasikan mengevaluasi").split()

FIGURE = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 120" width="320" height="120">'
          '<title>Alur {n}</title><rect x="8" y="30" width="90" height="60" rx="8" fill="#1e3a8a"/>'
          '<rect x="116" y="30" width="90" height="60" rx="8" fill="#0f766e"/>'
          '<rect x="224" y="30" width="90" height="60" rx="8" fill="#9a3412"/>'
          '<text x="53" y="65" fill="#fff" font-family="sans-serif" font-size="13" text-anchor="middle">Data</text>'
          '<text x="161" y="65" fill="#fff" font-family="sans-serif" font-size="13" text-anchor="middle">Model</text>'
          '<text x="269" y="65" fill="#fff" font-family="sans-serif" font-size="13" text-anchor="middle">Produk</text>'
          '</svg>\n')


def sentence(rng: random.Random, words: int = 12) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    picked.insert(2, rng.choice(VERBS))
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def lesson_text(rng: random.Random, number: int, figure: str, outcome: str) -> str:
    code = "\n".join([
        "```python",
        "def jawab(pertanyaan: str, konteks: list[str]) -> str:",
        f"    prompt = f\"Konteks: {{konteks}}\\nPertanyaan: {{pertanyaan}}\"  # langkah {number}",
        "    return model.generate(prompt, max_tokens=256)",
        "```",
    ])
    table = "\n".join([
        "| Aspek | Sebelum | Sesudah |",
        "|:--|:--|--:|",
        *(f"| {rng.choice(WORDS).capitalize()} | {rng.choice(WORDS)} | {rng.randint(1, 99)} % |" for _ in range(4)),
    ])
    return "\n".join([
        "---",
        f"title: \"Pelajaran {number}: {rng.choice(VERBS).capitalize()} {rng.choice(WORDS)}\"",
        f"outcomes: [{outcome}]",
        f"minutes: {rng.randint(5, 25)}",
        "---",
        "",
        "## Gambaran umum",
        "",
        paragraph(rng, 5),
        "",
        paragraph(rng, 4),
        "",
        "## Langkah kerja",
        "",
        *(f"{i}. {sentence(rng, 8)}" for i in range(1, 5)),
        "",
        table,
        "",
        f"![Diagram alur data ke model ke produk](../../assets/{figure} \"Gambar {number}. Alur kerja\")",
        "",
        "!!! tip",
        f"    {sentence(rng, 10)}",
        "",
        "## Contoh kode",
        "",
        code,
        "",
        paragraph(rng, 3),
        "",
    ])


def question(rng: random.Random, qid: str, kind: str, outcome: str) -> list[str]:
    stem = sentence(rng, 10).rstrip(".") + "?"
    head = [f"  - id: {qid}", f"    type: {kind}", f"    stem: \"{stem}\"", f"    outcomes: [{outcome}]",
            f"    feedback: \"{sentence(rng, 8)}\""]
    if kind in ("single", "multiple"):
        correct = {0} if kind == "single" else {0, 1}
        body = ["    choices:"]
        for i in range(4):
            body += [f"      - text: \"{sentence(rng, 5)}\"", f"        correct: {'true' if i in correct else 'false'}",
                     f"        feedback: \"{sentence(rng, 6)}\""]
        return head + body
    if kind == "truefalse":
        return head + ["    answer: true", f"    feedback_true: \"{sentence(rng, 5)}\"",
                       f"    feedback_false: \"{sentence(rng, 5)}\""]
    if kind == "shortanswer":
        word = rng.choice(WORDS)
        return head + ["    answers:", f"      - text: {word}", f"        feedback: \"{sentence(rng, 5)}\"",
                       f"      - text: {word}s", "        weight: 50", f"        feedback: \"{sentence(rng, 5)}\""]
    if kind == "numerical":
        return head + ["    answers:", f"      - value: {rng.randint(1, 500)}", "        tolerance: 1",
                       f"        feedback: \"{sentence(rng, 5)}\"", "    units:", "      - unit: ms",
                       "      - unit: s", "        multiplier: 0.001"]
    if kind == "matching":
        body = ["    pairs:"]
        for i in range(4):
            body += [f"      - left: \"{rng.choice(WORDS).capitalize()} {i + 1}\"", f"        right: \"{rng.choice(VERBS)} {i + 1}\""]
        return head + body
    return head + ["    grader_notes: \"" + sentence(rng, 10) + "\"", "    response_lines: 6"]


KINDS = ("single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay")
COMPACT_KINDS = ("single", "multiple", "truefalse", "matching")


def generate_course(out: Path, lessons: int, questions: int, per_module: int = 10, seed: int = 7) -> Path:
    """Write a course with ``lessons`` lessons and ``questions`` questions into ``out``."""
    rng = random.Random(seed)
    modules = max(1, -(-lessons // per_module))
    outcomes = [f"LO{i + 1}" for i in range(max(2, min(modules, 50)))]
    (out / "assets").mkdir(parents=True, exist_ok=True)
    for i in range(3):
        (out / "assets" / f"alur-{i + 1}.svg").write_text(FIGURE.format(n=i + 1), encoding="utf-8")
    lines = [
        f"id: bench-{lessons}-{questions}", f"title: Kursus Uji {lessons} Pelajaran", "language: id",
        'version: "1.0"', "date: 2026-01-01", "authors:", "  - name: Generator", "description: Kursus buatan untuk benchmark.",
        "outcomes:", *(f"  - id: {o}\n    text: {sentence(rng, 8)}" for o in outcomes),
        "completion:", "  mastery_score: 70", "exporters:", "  scorm12:", "    sco: module", "  scorm2004:", "    sco: module",
    ]
    (out / "course.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    glossary = [f"- term: Istilah {i + 1}\n  definition: \"{sentence(rng, 10)}\"" for i in range(20)]
    (out / "glossary.yaml").write_text("\n".join(glossary) + "\n", encoding="utf-8")
    lesson_no = question_no = 0
    for m in range(modules):
        folder = out / "modules" / f"{m + 1:03d}-modul-{m + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        outcome = outcomes[m % len(outcomes)]
        (folder / "module.yaml").write_text(f"title: Modul {m + 1}\nsummary: \"{sentence(rng, 12)}\"\n"
                                            f"outcomes: [{outcome}]\n", encoding="utf-8")
        count = min(per_module, lessons - lesson_no)
        for n in range(count):
            lesson_no += 1
            (folder / f"{n + 1:02d}-pelajaran-{n + 1}.md").write_text(
                lesson_text(rng, lesson_no, f"alur-{lesson_no % 3 + 1}.svg", outcome), encoding="utf-8")
        share = questions // modules + (1 if m < questions % modules else 0)
        if share:
            quiz = ["questions:"]
            for j in range(share):
                # every type once per module, then only the compact auto-graded ones: a module's
                # SCO must stay within SCORM 1.2's 4,096-character suspend_data budget
                kind = KINDS[j] if j < len(KINDS) else COMPACT_KINDS[j % len(COMPACT_KINDS)]
                quiz += question(rng, f"q{question_no + 1}", kind, outcome)
                question_no += 1
            (folder / "quiz.yaml").write_text("\n".join(quiz) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", choices=sorted(SIZES))
    parser.add_argument("--lessons", type=int, default=20)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--per-module", type=int, default=10)
    args = parser.parse_args()
    lessons, questions = SIZES[args.size] if args.size else (args.lessons, args.questions)
    generate_course(args.out, lessons, questions, args.per_module)


if __name__ == "__main__":
    main()
