"""Broken courses: each case breaks one thing in a copy of the shared mini fixture.

For every case, ``coursepack build all`` must print exactly the expected problems (file, line,
column, message), end with status 1, print no traceback and write nothing into ``--out``.
Cases whose problems are only warnings run with ``--strict`` (and also through ``validate``
without it, which must accept the course).

Line numbers refer to the fixture files; ``c`` is the course folder as typed on the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursepack.load import load_course
from courses import MINI
from lms.harness import skip_or_fail
from strategies import png_bytes

COURSE = "course.yaml"
GLOSSARY = "glossary.yaml"
M1 = "modules/01-dasar/module.yaml"
Q1 = "modules/01-dasar/quiz.yaml"
L1 = "modules/01-dasar/01-pengantar.md"
L2 = "modules/01-dasar/02-istilah.md"
Q2 = "modules/02-lanjut/quiz.yaml"
L3 = "modules/02-lanjut/01-penerapan.md"


# --- edits ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Replace:
    """Replace the first ``old`` (which must be in the file) with ``new``."""

    old: str
    new: str

    def apply(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert self.old in text, f"fixture changed: {self.old!r} not in {path}"
        path.write_bytes(text.replace(self.old, self.new, 1).encode("utf-8"))


@dataclass(frozen=True)
class Write:
    content: str | bytes

    def apply(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")
        path.write_bytes(data)


@dataclass(frozen=True)
class Bytes:
    """Rewrite the file's bytes: ``old`` → ``new``."""

    old: bytes
    new: bytes

    def apply(self, path: Path) -> None:
        data = path.read_bytes()
        assert self.old in data
        path.write_bytes(data.replace(self.old, self.new, 1))


@dataclass(frozen=True)
class Delete:
    def apply(self, path: Path) -> None:
        import shutil
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@dataclass(frozen=True)
class Rename:
    new_name: str

    def apply(self, path: Path) -> None:
        path.rename(path.with_name(self.new_name))


@dataclass(frozen=True)
class Symlink:
    target: str

    def apply(self, path: Path) -> None:
        try:
            os.symlink(self.target, path)
        except (OSError, NotImplementedError, AttributeError):
            skip_or_fail("this system cannot create symbolic links")


@dataclass(frozen=True)
class Case:
    id: str
    edits: dict
    expected: list[str]
    strict: bool = False          # only warnings: build with --strict
    command: tuple[str, ...] = ("build", "all")   # or e.g. ("validate", "--for", "moodle")


def apply_edits(course: Path, edits: dict) -> None:
    for rel, edit in edits.items():
        for one in (edit if isinstance(edit, tuple) else (edit,)):
            one.apply(course / rel)


def utf16(path: Path) -> bytes:
    return path.read_text(encoding="utf-8").encode("utf-16")


def jpeg_bytes(noise: bool = False) -> bytes:
    import io
    import random

    from PIL import Image
    size = (64, 48) if noise else (4, 3)
    image = (Image.frombytes("RGB", size, random.Random(1).randbytes(size[0] * size[1] * 3)) if noise
             else Image.new("RGB", size, (200, 30, 30)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


D = "c/modules/01-dasar"
L = "c/modules/02-lanjut"
DIAGRAM_USES = (f"{D}/01-pengantar.md:16:29", f"{D}/quiz.yaml:21:12")   # the lesson's image, the question's
# a matching question left with two pairs: enough for SCORM, too few for Moodle
TWO_PAIRS = {Q2: Replace("      - left: Data Engineer\n        right: Pipeline data\n", "")}
TOO_FEW_PAIRS = (f"{L}/quiz.yaml:12: question 'q-matching': Moodle needs at least 3 pairs in a matching question, "
                 "this one has 2: add a pair (or ask it as single-choice questions instead) (rule of the moodle "
                 "exporter)")

IMAGE_MD = '![Kotak biru dan kata Data](../../assets/diagram.svg "Gambar 1. Diagram sederhana")'
VIDEO_MD = '![Klip tentang data](../../assets/klip.mp4 "Video 1. Klip")'    # the path starts at column 22
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nIni data.\n\n00:02.000 --> 00:04.000\nLalu model.\n"


def with_video(files: dict | None = None, markdown: str = VIDEO_MD) -> dict:
    """Lesson 1 shows assets/klip.mp4 instead of its figure, with captions and transcript beside it;
    ``files`` replaces some of those files (None: the file is not there)."""
    edits = {L1: Replace(IMAGE_MD, markdown), "assets/klip.mp4": MP4, "assets/klip.vtt": VTT,
             "assets/klip.transcript.md": "Narator: ini data, lalu model.\n", **(files or {})}
    return {rel: e if not isinstance(e, (str, bytes)) else Write(e) for rel, e in edits.items() if e is not None}


CASES = [
    # --- YAML syntax and types -------------------------------------------------------------
    Case("yaml-colon-in-value", {COURSE: Replace("title: Kursus Mini", "title: Kursus: Mini")},
         ["c/course.yaml:2:14: YAML syntax error: this value contains ': ', which YAML reads as the start "
          "of another key; a value containing ': ' must be quoted, e.g. title: \"Bab 1: Pengantar\""]),
    Case("yaml-colon-in-list-item", {COURSE: Replace("  - name: Tim Uji", "  - name: Tim: Uji")},
         ["c/course.yaml:8:14: YAML syntax error: this value contains ': ', which YAML reads as the start "
          "of another key; a value containing ': ' must be quoted, e.g. title: \"Bab 1: Pengantar\""]),
    Case("yaml-unclosed-quote", {COURSE: Replace("title: Kursus Mini", 'title: "Kursus Mini')},
         ["c/course.yaml:2:8: YAML syntax error: this quote is not closed on its line (the YAML reader got "
          "lost at line 5): end the value with the same quote"]),
    Case("version-is-a-number", {COURSE: Replace('version: "0.1"', "version: 1.0")},
         ["c/course.yaml:5:10: 'version' must be text, but it is the number 1.0: put it in quotes, e.g. \"1.0\""]),
    Case("title-is-a-boolean", {COURSE: Replace("title: Kursus Mini", "title: yes")},
         ["c/course.yaml:2:8: 'title' must be text, but it is the boolean true (YAML reads "
          "yes/no/on/off/true/false as booleans): put it in quotes"]),
    Case("list-where-mapping", {COURSE: Replace("completion:\n  mastery_score: 60\n  require: [lessons, quiz]",
                                                "completion: [lessons]")},
         ["c/course.yaml:20:13: 'completion' must be a mapping of 'key: value' lines, but it is a list of "
          "1 item(s)"]),
    Case("unknown-key-near-miss", {COURSE: Replace("title: Kursus Mini", "titel: Kursus Mini")},
         ["c/course.yaml:2:1: unknown key 'titel' — did you mean 'title'?"]),
    Case("unknown-key-in-choice", {Q1: Replace("        correct: true\n        feedback: Benar.",
                                               "        corect: true\n        feedback: Benar.")},
         [f"{D}/quiz.yaml:10:9: unknown key 'corect' — did you mean 'correct'?"]),
    Case("unknown-key-no-near-miss", {L1: Replace("minutes: 5", "menit: 5")},
         [f"{D}/01-pengantar.md:4:1: unknown key 'menit'; expected one of: title, outcomes, minutes"]),
    Case("missing-required-key", {COURSE: Replace("id: mini-course\n", "")},
         ["c/course.yaml:1:1: missing required key 'id': add 'id: …'"]),
    Case("missing-key-in-entry", {COURSE: Replace("    text: Menjelaskan konsep dasar.\n", "")},
         ["c/course.yaml:14:5: missing required key 'text': add 'text: …' to this entry"]),
    Case("duplicate-key", {COURSE: Replace("licence: CC BY 4.0", "licence: CC BY 4.0\ntitle: Lagi")},
         ["c/course.yaml:13:1: duplicate key 'title' (first defined on line 2): keep one of them"]),
    Case("tab-indentation", {COURSE: Replace("    email: uji", "\temail: uji")},
         ["c/course.yaml:9:1: a tab character is used for indentation; YAML needs spaces: replace the tab "
          "with spaces"]),
    Case("two-yaml-documents", {M1: Replace("title: Dasar-dasar", "title: Dasar-dasar\n---\ntitle: Lagi")},
         [f"{D}/module.yaml:2:1: YAML syntax error: the file holds more than one YAML document: remove "
          "the '---' line (or quote the text if it is part of a value)"]),
    Case("date-not-iso", {COURSE: Replace("date: 2026-01-15", "date: 15.01.2026")},
         ["c/course.yaml:6:7: 'date' must be a date written YYYY-MM-DD, but it is the text '15.01.2026'"]),
    Case("impossible-date", {COURSE: Replace("date: 2026-01-15", "date: 2026-02-30")},
         ["c/course.yaml:6:7: '2026-02-30' is not a real date (day is out of range for month): write a "
          "date that exists, as YYYY-MM-DD"]),
    Case("id-not-a-slug", {COURSE: Replace("id: mini-course", "id: Mini Course")},
         ["c/course.yaml:1:5: 'id' must be a slug: lowercase letters, digits and single '-', starting with "
          "a letter (e.g. 'intro-ai'); got 'Mini Course'"]),
    Case("literal-near-miss", {COURSE: Replace("level: understand", "level: understnad")},
         ["c/course.yaml:16:12: 'level' must be one of 'remember', 'understand', 'apply', 'analyze', "
          "'evaluate' or 'create', but it is the text 'understnad' — did you mean 'understand'?"]),
    Case("minutes-as-words", {L1: Replace("minutes: 5", "minutes: lima")},
         [f"{D}/01-pengantar.md:4:10: 'minutes' must be a whole number, but it is the text 'lima'"]),

    # --- encodings and characters ------------------------------------------------------------
    Case("invalid-utf8", {COURSE: Bytes(b"Kursus Mini", b"Kursus \xe9Mini")},
         ["c/course.yaml:2:15: byte 0xe9 is not valid UTF-8; save the file as UTF-8 (most editors: "
          "'Save with encoding' → UTF-8)"]),
    Case("utf16-file", {COURSE: Write(utf16(MINI / COURSE))},
         ["c/course.yaml:1:1: byte 0xff is not valid UTF-8; the file looks like UTF-16: save it as UTF-8 "
          "(most editors: 'Save with encoding' → UTF-8)"]),
    Case("nul-character", {COURSE: Bytes(b"Kursus Mini", b"Kursus\x00Mini")},
         ["c/course.yaml:2:14: control character NUL is not allowed in course text: delete it (it often "
          "comes from copy-pasting)"]),
    Case("escape-character-in-lesson", {L3: Bytes(b"Sebuah *chatbot*", b"Sebuah \x1b[1m*chatbot*")},
         [f"{L}/01-penerapan.md:9:8: control character U+001B is not allowed in course text: delete it "
          "(it often comes from copy-pasting)"]),
    Case("yaml-escape-control-in-question", {Q1: Replace("stem: Apa fokus **AI Engineer**?",
                                                          'stem: "Apa fokus \\a**AI Engineer**?"')},
         [f"{D}/quiz.yaml:5:11: question 'q-single', field 'stem': control character U+0007 cannot go into any "
          "output (XML forbids it): delete it (YAML escapes such as \"\\a\" or \"\\x07\" produce it)"]),
    Case("yaml-escape-control-in-choice", {Q1: Replace("text: Menulis paper", 'text: "Menulis\\x1b paper"')},
         [f"{D}/quiz.yaml:12:15: question 'q-single', field 'choices[2].text': control character U+001B cannot "
          "go into any output (XML forbids it): delete it (YAML escapes such as \"\\a\" or \"\\x07\" "
          "produce it)"]),
    Case("yaml-escape-control-in-module-title", {M1: Replace("title: Dasar-dasar", 'title: "Dasar\\0dasar"')},
         [f"{D}/module.yaml:1:8: field 'title': control character U+0000 cannot go into any output (XML "
          "forbids it): delete it (YAML escapes such as \"\\a\" or \"\\x07\" produce it)"]),
    Case("double-encoded-text", {COURSE: Replace("title: Kursus Mini", "title: Kursus Mini âœ…")},
         ["c/course.yaml:2:20: warning: text looks double-encoded: 'âœ…' is probably '✅'; re-save the "
          "source as UTF-8 or replace it"], strict=True),
    Case("rtl-override-in-title", {COURSE: Replace("title: Kursus Mini", "title: Kursus \u202einiM")},
         ["c/course.yaml:2:15: warning: invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) changes the "
          "order in which the text is displayed, which can disguise it: delete it (right-to-left text does "
          "not need it)"], strict=True),
    Case("huge-lesson", {L3: Write("---\ntitle: Besar\n---\n\n" + "kata " * 120_000)},
         [f"{L}/01-penerapan.md: file is 600,022 bytes; the limit is 524,288 bytes: split it (e.g. one "
          "quiz or lesson per file)"]),
    Case("huge-quiz", {Q2: Write("questions: []\n" + "# komentar panjang\n" * 300_000)},
         [f"{L}/quiz.yaml: file is 5,700,014 bytes; the limit is 5,242,880 bytes: split it (e.g. one "
          "quiz or lesson per file)"]),

    # --- hostile YAML ----------------------------------------------------------------------------
    Case("deep-nesting", {COURSE: Write("id: " + "[" * 50_000 + "]" * 50_000 + "\n")},
         ["c/course.yaml:1:45: the YAML is nested more than 40 levels deep: course files need only a few "
          "levels; check the brackets and the indentation"]),
    Case("billion-laughs", {COURSE: Write(
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")))},
         ["c/course.yaml:2:8: YAML aliases ('*a') are not supported: write the value out in full (this file "
          "has 72 of them)"]),
    Case("scalar-alias", {COURSE: Replace("subtitle: Fixture for every exporter", "subtitle: &s Fixture\n"
                                          "description: *s")},
         ["c/course.yaml:4:14: YAML aliases ('*s') are not supported: write the value out in full"]),
    Case("merge-key", {COURSE: Replace("completion:\n", "base: &base {mastery_score: 60}\ncompletion:\n"
                                       "  <<: *base\n")},
         ["c/course.yaml:22:3: YAML merge keys ('<<') are not supported: write the keys out in full"]),
    Case("python-object-tag", {COURSE: Replace('version: "0.1"',
                                               'version: !!python/object/apply:os.system ["echo hi"]')},
         ["c/course.yaml:5:10: the YAML tag '!!python/object/apply:os.system' is not allowed: course files "
          "hold only text, numbers, true/false, dates, lists and mappings; remove the tag"]),

    # --- empty and missing files -------------------------------------------------------------------
    Case("empty-course-yaml", {COURSE: Write("")},
         ["c/course.yaml:1:1: course.yaml is empty: write at least these keys: id, title, language, "
          "version, date, authors, outcomes"]),
    Case("empty-quiz-yaml", {Q2: Write("\n\n")},
         [f"{L}/quiz.yaml:1:1: quiz.yaml is empty: write at least 'questions: …' (or delete the file if "
          "the module has no quiz)"]),
    Case("empty-front-matter", {L3: Write("---\n---\n\n## Contoh\n\nTeks.\n")},
         [f"{L}/01-penerapan.md:2:1: the front matter is empty: write at least 'title: …'"]),
    Case("missing-course-yaml", {COURSE: Delete()},
         ["c/course.yaml: course.yaml is missing: every course needs one (id, title, language, version, "
          "date, authors, outcomes)"]),
    Case("course-yml-instead", {COURSE: Rename("course.yml")},
         ["c/course.yaml: course.yaml is missing: every course needs one (id, title, language, version, "
          "date, authors, outcomes) — found 'course.yml': rename it to 'course.yaml'"]),
    Case("missing-modules-folder", {"modules": Delete()},
         ["c/modules: the modules/ folder is missing: create modules/01-<name>/ with a module.yaml and "
          "lessons"]),
    Case("missing-module-yaml", {M1: Delete()},
         [f"{D}/module.yaml: module.yaml is missing: add one with at least a title"]),
    Case("lesson-without-front-matter", {L3: Write("## Contoh\n\nTeks.\n")},
         [f"{L}/01-penerapan.md:1:1: the lesson has no front matter: start the file with a '---' line, then "
          "'title: …', then another '---' line"]),
    Case("unclosed-front-matter", {L3: Write("---\ntitle: Penerapan\n\n## Contoh\n\nTeks.\n")},
         [f"{L}/01-penerapan.md:1:1: the front matter is not closed: add a '---' line after it"]),
    Case("empty-lesson-body", {L3: Write("---\ntitle: Penerapan\noutcomes: [LO2]\n---\n\n  \n")},
         [f"{L}/01-penerapan.md:5:1: the lesson is empty: write its content below the front matter"]),
    Case("glossary-yml", {GLOSSARY: Rename("glossary.yml")},
         ["c/glossary.yml: rename glossary.yml to glossary.yaml"]),

    # --- Markdown and HTML ---------------------------------------------------------------------------
    Case("script-tag", {L1: Replace("Sebuah model", "<script>alert(1)</script>\n\nSebuah model")},
         [f"{D}/01-pengantar.md:9:1: warning: raw HTML is sanitised: <script> removed; write it in Markdown, "
          "or set 'trust_html: true' in course.yaml if you trust it"], strict=True),
    Case("onclick-attribute", {L3: Replace("Sebuah *chatbot*", 'Sebuah <b onclick="alert(1)">bot</b>')},
         [f"{L}/01-penerapan.md:9:8: warning: raw HTML is sanitised: onclick removed; write it in Markdown, "
          "or set 'trust_html: true' in course.yaml if you trust it"], strict=True),
    Case("javascript-link", {L1: Replace("Lihat tabel berikut.", "Lihat [tabel](javascript:alert(1)) berikut.")},
         [f"{D}/01-pengantar.md:9:51: link 'javascript:alert(1)' uses a scheme that is not allowed: use "
          "http(s), mailto, or a file in the course"]),
    Case("heading-level-1", {L3: Replace("## Contoh", "# Contoh")},
         [f"{L}/01-penerapan.md:7:1: warning: a '# ' heading repeats the lesson title's level: start "
          "sections at '## '"], strict=True),
    Case("link-to-missing-file", {L3: Replace("per hari.", "per hari ([data](../../assets/data.csv)).")},
         [f"{L}/01-penerapan.md:9:79: link target '../../assets/data.csv' not found (looked for "
          "assets/data.csv in the course folder)"]),
    Case("undefined-footnote", {L1: Replace("Lihat tabel berikut.", "Lihat tabel[^nope] berikut.")},
         [f"{D}/01-pengantar.md:9:48: footnote '[^nope]' is not defined: define it with '[^nope]: …' on a "
          "line of its own, or remove it (write '\\[^nope]' to show the brackets themselves)"]),
    Case("undefined-footnote-in-stem", {Q2: Replace("stem: Pasangkan peran dengan fokusnya.",
                                                    "stem: Pasangkan peran[^2] dengan fokusnya.")},
         [f"{L}/quiz.yaml:14: footnote '[^2]' is not defined: define it with '[^2]: …' on a line of its own, "
          "or remove it (write '\\[^2]' to show the brackets themselves)"]),
    Case("unreferenced-footnote", {L1: Replace("[^1]: Data pelatihan.", "[^1]: Data pelatihan.\n[^lain]: Yatim.")},
         [f"{D}/01-pengantar.md:25:1: warning: footnote '[^lain]' is defined but never referenced, so it is not "
          "shown: write '[^lain]' where it belongs in the text, or remove the definition"], strict=True),
    Case("callout-body-not-indented", {L1: Replace("!!! note\n    Catatan", "!!! note\nCatatan")},
         [f"{D}/01-pengantar.md:18:1: the callout '!!! note' has no content: indent its body by 4 spaces on "
          "the lines below it"]),
    Case("callout-without-body", {L3: Replace("## Contoh", "!!! warning \"Awas\"\n\n## Contoh")},
         [f"{L}/01-penerapan.md:7:1: the callout '!!! warning' has no content: indent its body by 4 spaces "
          "on the lines below it"]),
    Case("callout-kind-near-miss", {L1: Replace('!!! tip "Kiat"', '!!! tipp "Kiat"')},
         [f"{D}/01-pengantar.md:21:1: unknown callout kind 'tipp' — did you mean 'tip'?"]),
    Case("callout-kind-unknown", {L1: Replace('!!! tip "Kiat"', '!!! rahasia "Kiat"')},
         [f"{D}/01-pengantar.md:21:1: unknown callout kind 'rahasia'; use one of: note, tip, warning, "
          "important, danger, caution, info, example"]),
    Case("duplicate-glossary-term", {GLOSSARY: Replace("- term: Inferensi", "- term: ' model '")},
         ["c/glossary.yaml:3:9: glossary term ' model ' is already defined on line 1 (as 'Model'): merge the "
          "two definitions into one entry"]),

    # --- ids and outcomes ------------------------------------------------------------------------------
    Case("duplicate-question-id", {Q2: Replace("id: q-essay", "id: q-single")},
         [f"{L}/quiz.yaml:24:9: question id 'q-single' is already used at {D}/quiz.yaml:3: question ids "
          "must be unique in the course"]),
    Case("duplicate-outcome-id", {COURSE: Replace("    level: apply\n", "    level: apply\n  - id: LO1\n"
                                                  "    text: Sama dengan yang pertama.\n")},
         ["c/course.yaml:20:9: outcome id 'LO1' is used twice (first on line 14): give each outcome its "
          "own id"]),
    Case("unknown-outcome-near-miss", {M1: Replace("outcomes: [LO1]", "outcomes: [L01]")},
         [f"{D}/module.yaml:3:12: unknown learning outcome 'L01' — did you mean 'LO1'?"]),
    Case("unknown-outcome-no-near-miss", {L3: Replace("outcomes: [LO2]", "outcomes: [penerapan]")},
         [f"{L}/01-penerapan.md:3:12: unknown learning outcome 'penerapan'; outcomes in course.yaml: "
          "LO1, LO2"]),
    Case("outcome-not-taught-nor-assessed",
         {COURSE: Replace("    level: apply\n", "    level: apply\n  - id: LO3\n    text: Belum diajarkan.\n")},
         ["c/course.yaml:20:9: warning: outcome 'LO3' is not assessed by any question: add it to the "
          "'outcomes' of a quiz question",
          "c/course.yaml:20:9: warning: outcome 'LO3' is not taught by any lesson: add it to the 'outcomes' "
          "of the lesson that teaches it"], strict=True),

    # --- questions --------------------------------------------------------------------------------------
    Case("single-no-correct", {Q1: Replace("        correct: true\n        feedback: Benar.", "        feedback: Benar.")},
         [f"{D}/quiz.yaml:9:7: a single-choice question needs exactly one choice with 'correct: true', "
          "found 0"]),
    Case("single-two-correct", {Q1: Replace("      - text: Menulis paper\n",
                                            "      - text: Menulis paper\n        correct: true\n")},
         [f"{D}/quiz.yaml:9:7: a single-choice question needs exactly one choice with 'correct: true', "
          "found 2; use type: multiple for several right answers"]),
    Case("multiple-weights-not-100", {Q1: Replace("      - text: Melatih model\n        correct: true\n",
                                                  "      - text: Melatih model\n        correct: true\n"
                                                  "        weight: 60\n")},
         [f"{D}/quiz.yaml:24:7: the weights of the correct choices add up to 110, not 100: adjust them (or "
          "leave 'weight' out to share 100 equally)"]),
    Case("multiple-wrong-choice-positive", {Q1: Replace("      - text: Mendesain logo\n",
                                                        "      - text: Mendesain logo\n        weight: 10\n")},
         [f"{D}/quiz.yaml:31:17: a wrong choice cannot have a positive weight (10): mark it 'correct: true' "
          "or make the weight 0 or negative"]),
    Case("multiple-no-correct", {Q1: (Replace("        correct: true\n        feedback: Ya.", "        feedback: Ya."),
                                      Replace("        correct: true\n        feedback: Ya.", "        feedback: Ya."))},
         [f"{D}/quiz.yaml:24:7: a multiple-choice question needs at least one choice with 'correct: true'"]),
    Case("negative-tolerance", {Q2: Replace("tolerance: 10", "tolerance: -1")},
         [f"{L}/quiz.yaml:8:20: 'tolerance' must be ≥ 0, but it is -1"]),
    Case("first-unit-multiplier", {Q2: Replace("      - unit: pertanyaan\n",
                                               "      - unit: pertanyaan\n        multiplier: 2\n")},
         [f"{L}/quiz.yaml:12:21: the first unit is the main unit: its multiplier must be 1"]),
    Case("shortanswer-no-full-marks", {Q1: Replace("      - text: LLM\n", "      - text: LLM\n        weight: 90\n")},
         [f"{D}/quiz.yaml:44:7: at least one accepted answer needs weight 100 (the default)"]),
    Case("matching-one-pair", {Q2: Replace("      - left: ML Engineer\n        right: Pelatihan\n"
                                           "      - left: Data Engineer\n        right: Pipeline data\n", "")},
         [f"{L}/quiz.yaml:18:7: 'pairs' needs at least 2 item(s), got 1: add more"]),
    Case("unknown-question-type", {Q1: Replace("type: single", "type: singel")},
         [f"{D}/quiz.yaml:4:11: unknown question type 'singel' — did you mean 'single'?"]),
    Case("missing-question-type", {Q1: Replace("    type: single\n", "")},
         [f"{D}/quiz.yaml:3:5: missing required key 'type': add 'type: …' with one of single, multiple, "
          "truefalse, shortanswer, numerical, matching, essay"]),

    # --- images and paths ----------------------------------------------------------------------------------
    Case("image-missing-near-miss", {Q1: Replace("image: ../../assets/diagram.svg", "image: ../../assets/diagram.png")},
         [f"{D}/quiz.yaml:21:12: image '../../assets/diagram.png' not found (looked for assets/diagram.png "
          "in the course folder) — did you mean 'diagram.svg'?"]),
    Case("image-outside-course", {Q1: Replace("image: ../../assets/diagram.svg", "image: ../../../outside.png")},
         [f"{D}/quiz.yaml:21:12: image path '../../../outside.png' points outside the course folder: copy "
          "the file into assets/"]),
    Case("image-absolute-path", {L1: Replace("](../../assets/diagram.svg", "](/etc/passwd")},
         [f"{D}/01-pengantar.md:16:29: image path '/etc/passwd' is absolute: use a path relative to this "
          "file, e.g. ../../assets/name.png"]),
    Case("image-windows-drive", {Q1: Replace("image: ../../assets/diagram.svg", "image: 'C:\\x.png'")},
         [f"{D}/quiz.yaml:21:12: image path 'C:\\x.png' is a Windows drive path: copy the file into the "
          "course's assets/ folder and use a relative path"]),
    Case("image-backslashes", {L1: Replace("](../../assets/diagram.svg", "](..\\..\\assets\\diagram.svg")},
         [f"{D}/01-pengantar.md:16:29: image path '..\\..\\assets\\diagram.svg' contains a backslash: use "
          "'/' between folders"]),
    Case("image-url-encoded-traversal", {L1: Replace("](../../assets/diagram.svg", "](..%2F..%2F..%2F..%2Fetc%2Fpasswd")},
         [f"{D}/01-pengantar.md:16:29: image path '..%2F..%2F..%2F..%2Fetc%2Fpasswd' points outside the "
          "course folder: copy the file into assets/"]),
    Case("image-symlink-outside", {"assets/evil.svg": Symlink("/etc/hostname"),
                                   L1: Replace("](../../assets/diagram.svg", "](../../assets/evil.svg")},
         [f"{D}/01-pengantar.md:16:29: image '../../assets/evil.svg' is a symbolic link (shortcut) to a file "
          "outside the course folder: copy the file into assets/ instead"]),
    Case("image-remote-url", {L1: Replace("](../../assets/diagram.svg", "](https://example.org/a.png")},
         [f"{D}/01-pengantar.md:16:29: image 'https://example.org/a.png' is not a file in the course: "
          "download it into assets/ and use a relative path (packages must work offline)"]),
    Case("image-without-alt", {L1: Replace("![Kotak biru dan kata Data]", "![]")},
         [f"{D}/01-pengantar.md:16:5: image '../../assets/diagram.svg' has no alt text: write what it shows "
          "between the brackets, ![like this](…)"]),
    Case("question-image-without-alt", {Q1: Replace("    image_alt: Kotak biru dan kata Data\n", "")},
         [f"{D}/quiz.yaml:21:12: the image needs a text alternative: add 'image_alt: <what it shows>'"]),
    Case("question-alt-without-image", {Q1: Replace("    image: ../../assets/diagram.svg\n", "")},
         [f"{D}/quiz.yaml:21:16: warning: 'image_alt' is set but there is no 'image': add the image, or "
          "remove 'image_alt'"], strict=True),
    Case("image-is-text", {"assets/fake.png": Write("not an image\n"),
                           Q1: Replace("image: ../../assets/diagram.svg", "image: ../../assets/fake.png")},
         [f"{D}/quiz.yaml:21:12: image '../../assets/fake.png' is not a readable PNG image (its content is not "
          "recognised as any image format): save or export it again as PNG"]),
    Case("svg-with-a-byte-appended", {"assets/diagram.svg": Write((MINI / "assets/diagram.svg").read_bytes() + b"x")},
         [f"{where}: image '../../assets/diagram.svg' is not a well-formed SVG file (XML error at line 2: "
          "Extra content at the end of the document): export the image again" for where in DIAGRAM_USES]),
    Case("svg-without-namespace", {"assets/diagram.svg": Write('<svg viewBox="0 0 10 10"><rect width="5" height="5"/></svg>\n')},
         [f"{where}: image '../../assets/diagram.svg' is not a usable SVG image: its <svg> element lacks "
          "xmlns=\"http://www.w3.org/2000/svg\", without which browsers show nothing: add it"
          for where in DIAGRAM_USES]),
    Case("svg-is-html", {"assets/halaman.svg": Write("<html><body>bukan gambar</body></html>\n"),
                         L1: Replace("](../../assets/diagram.svg", "](../../assets/halaman.svg")},
         [f"{D}/01-pengantar.md:16:29: image '../../assets/halaman.svg' is not an SVG image: its root element is "
          "<html>, not <svg>"]),
    Case("jpeg-named-png", {"assets/foto.png": Write(jpeg_bytes()),
                            L1: Replace("](../../assets/diagram.svg", "](../../assets/foto.png")},
         [f"{D}/01-pengantar.md:16:29: image '../../assets/foto.png' is a JPEG image, not PNG: rename it to "
          "'foto.jpg'"]),
    Case("png-cut-short", {"assets/foto.png": Write(png_bytes((1, 2, 3), 40, 30)[:-30]),
                           Q1: Replace("image: ../../assets/diagram.svg", "image: ../../assets/foto.png")},
         [f"{D}/quiz.yaml:21:12: image '../../assets/foto.png' is a damaged PNG image (Truncated File Read): "
          "export the image again"]),
    Case("jpeg-cut-short", {"assets/foto.jpg": Write(jpeg_bytes(noise=True)[:-400]),
                            L1: Replace("](../../assets/diagram.svg", "](../../assets/foto.jpg")},
         [f"{D}/01-pengantar.md:16:29: image '../../assets/foto.jpg' is a damaged JPEG image (image file is "
          "truncated (56 bytes not processed)): export the image again"]),
    Case("image-format-no-output-shows", {"assets/foto.tiff": Write(b"II*\x00"),
                                          Q1: Replace("image: ../../assets/diagram.svg", "image: ../../assets/foto.tiff")},
         [f"{D}/quiz.yaml:21:12: image '../../assets/foto.tiff' is not in an image format that every output "
          "shows: convert it to PNG, JPEG, GIF, WebP or SVG"]),
    Case("link-to-broken-image", {"assets/peta.png": Write(b""),
                                  L3: Replace("per hari.", "per hari ([peta](../../assets/peta.png)).")},
         [f"{L}/01-penerapan.md:9:79: link target '../../assets/peta.png' is an empty file, not a PNG image"]),

    # --- audio and video -----------------------------------------------------------------------------------------
    Case("video-missing", with_video({"assets/klip.mp4": None}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' not found (looked for assets/klip.mp4 in the "
          "course folder)"]),
    Case("video-near-miss", with_video(markdown=VIDEO_MD.replace("klip.mp4", "klip.webm")),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.webm' not found (looked for assets/klip.webm in "
          "the course folder) — did you mean 'klip.mp4'?"]),
    Case("video-is-an-error-page", with_video({"assets/klip.mp4": b"<html><body>404 Not Found</body></html>"}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' is not MP4 video (its first bytes are not "
          "those of any audio or video format): export it again as MP4"]),
    Case("webm-named-mp4", with_video({"assets/klip.mp4": WEBM}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' is a WebM file, not MP4: rename it to "
          "'klip.webm'"]),
    Case("video-is-a-png", with_video({"assets/klip.mp4": png_bytes((1, 2, 3))}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' is a PNG image, not MP4 video: link the "
          "video file itself"]),
    Case("video-without-alt", with_video(markdown=VIDEO_MD.replace("Klip tentang data", "")),
         [f"{D}/01-pengantar.md:16:5: video '../../assets/klip.mp4' has no alt text: say what it is between "
          "the brackets, ![Video: how a model is trained](…)"]),
    Case("video-not-alone", with_video(markdown="Tonton ini: " + VIDEO_MD),
         [f"{D}/01-pengantar.md:16: video '../../assets/klip.mp4' must stand alone in its paragraph (a blank "
          "line before and after it), where it becomes a figure with its player, captions and transcript"]),
    Case("video-in-a-question", {**with_video(), Q1: Replace("stem: Apa fokus **AI Engineer**?",
                                                             "stem: Apa fokus ![Klip](../../assets/klip.mp4)?")},
         [f"{D}/quiz.yaml:5: video '../../assets/klip.mp4': audio and video can be shown in lesson texts only: "
          "put it in a lesson, or link to the lesson"]),
    Case("video-without-captions", with_video({"assets/klip.vtt": None}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' has no captions: add the WebVTT file "
          "assets/klip.vtt beside it"]),
    Case("video-with-srt-captions", with_video({"assets/klip.vtt": None, "assets/klip.srt": "1\n00:00:00,000 --> "
                                                "00:00:02,000\nIni data.\n"}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' has no captions: add the WebVTT file "
          "assets/klip.vtt beside it (a SubRip .srt file is not enough: convert it to WebVTT)"]),
    Case("captions-without-signature", with_video({"assets/klip.vtt": VTT.replace("WEBVTT\n\n", "")}),
         ["c/assets/klip.vtt:1:1: the first line must be 'WEBVTT' (the file's signature): add it, then a blank "
          "line before the first cue (captions of assets/klip.mp4)"]),
    Case("captions-srt-timestamps", with_video({"assets/klip.vtt": VTT.replace("00:02.000 --> 00:04.000",
                                                                               "00:00:02,000 --> 00:00:04,000")}),
         ["c/assets/klip.vtt:6:1: '00:00:02,000' has a comma before the milliseconds (SubRip style): write "
          "'00:00:02.000' (captions of assets/klip.mp4)"]),
    Case("captions-out-of-order", with_video({"assets/klip.vtt": VTT.replace("00:02.000 --> 00:04.000",
                                                                             "00:00.000 --> 00:01.000", 1)
                                              .replace("00:00.000 --> 00:02.000", "00:01.500 --> 00:02.000", 1)}),
         
         ["c/assets/klip.vtt:6:1: the cue starts at 00:00.000, before the cue on line 3 (00:00:01.500): order "
          "the cues by start time (captions of assets/klip.mp4)"]),
    Case("captions-not-utf8", with_video({"assets/klip.vtt": VTT.encode().replace(b"Lalu", b"L\xe0lu")}),
         ["c/assets/klip.vtt:7:1: the file is not UTF-8 text: save it again as UTF-8 (captions of assets/klip.mp4)"]),
    Case("captions-are-a-folder", {**with_video({"assets/klip.vtt": None}), "assets/klip.vtt/x": Write("")},
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' has no captions: add the WebVTT file "
          "assets/klip.vtt beside it"]),
    Case("media-without-transcript", with_video({"assets/klip.transcript.md": None}),
         [f"{D}/01-pengantar.md:16:22: video '../../assets/klip.mp4' has no transcript: write what is said "
          "(and, for a video, shown) in assets/klip.transcript.md beside it (Markdown)"]),
    Case("transcript-not-utf8", with_video({"assets/klip.transcript.md": b"Narator: caf\xe9.\n"}),
         ["c/assets/klip.transcript.md:1:13: byte 0xe9 is not valid UTF-8; save the file as UTF-8 (most editors: "
          "'Save with encoding' → UTF-8)"]),
    Case("transcript-with-missing-image", with_video({"assets/klip.transcript.md": "Lihat ![diagram](hilang.svg).\n"}),
         
         ["c/assets/klip.transcript.md:1:18: image 'hilang.svg' not found (looked for assets/hilang.svg in the "
          "course folder) — did you mean 'diagram.svg'?"]),
    Case("audio-is-text", {L1: Replace(IMAGE_MD, "![Rekaman wawancara](../../assets/wawancara.mp3)"),
                           "assets/wawancara.mp3": Write("bukan suara\n"),
                           "assets/wawancara.transcript.md": Write("Pewawancara: halo.\n")},
         [f"{D}/01-pengantar.md:16:22: audio '../../assets/wawancara.mp3' is not MP3 audio (its first bytes "
          "are not those of any audio or video format): export it again as MP3"]),

    # --- folders and file names ------------------------------------------------------------------------------
    Case("module-without-number", {"modules/02-lanjut": Rename("lanjut")},
         ["c/modules/lanjut: module folder 'lanjut' needs a number prefix and a lowercase slug, like "
          "'01-pengenalan' (rename it, or list the folders under 'modules' in course.yaml)"]),
    Case("modules-same-number", {"modules/02-lanjut": Rename("01-lanjut")},
         ["c/modules/01-lanjut: module folders '01-dasar' and '01-lanjut' have the same number: renumber one"]),
    Case("lesson-uppercase-name", {L1: Rename("01-Pengantar.md")},
         [f"{D}/01-Pengantar.md: lesson file '01-Pengantar.md' must be named NN-slug.md: a number, '-', then "
          "lowercase letters, digits and '-' (rename it to '01-pengantar.md')"]),
    Case("lesson-space-in-name", {L1: Rename("01 pengantar.md")},
         [f"{D}/01 pengantar.md: lesson file '01 pengantar.md' must be named NN-slug.md: a number, '-', then "
          "lowercase letters, digits and '-' (rename it to '01-pengantar.md')"]),
    Case("quiz-yml", {Q2: Rename("quiz.yml")},
         [f"{L}/quiz.yml: unexpected file 'quiz.yml': rename it to 'quiz.yaml'"]),
    Case("explicit-modules-missing-folder", {COURSE: Replace("completion:", "modules: [01-dasar, 02-lanjutan]\ncompletion:")},
         ["c/course.yaml:20:21: module folder '02-lanjutan' not found in modules/ — did you mean '02-lanjut'?",
          f"{L}: warning: this module folder is not listed under 'modules' in course.yaml, so it is left out"]),

    # --- exporter rules ----------------------------------------------------------------------------------
    Case("matching-two-pairs", TWO_PAIRS, [TOO_FEW_PAIRS.replace("(rule of the moodle exporter)",
                                                                "(rule of the moodle and moodle-backup exporters)")]),
    Case("matching-two-pairs-validate-for-moodle", TWO_PAIRS, [TOO_FEW_PAIRS],
         command=("validate", "--for", "scorm12,moodle")),
    Case("no-quiz-at-all", {Q1: Delete(), Q2: Delete()},
         ["c: the course has no quiz questions, and Moodle refuses to import a question bank without any: add a "
          "quiz.yaml to a module, or leave this exporter out (e.g. 'build scorm12 handbook', 'validate --for "
          "scorm12,handbook') (rule of the moodle exporter)",
          "c/course.yaml:14:9: warning: outcome 'LO1' is not assessed by any question: add it to the 'outcomes' "
          "of a quiz question",
          "c/course.yaml:17:9: warning: outcome 'LO2' is not assessed by any question: add it to the 'outcomes' "
          "of a quiz question"]),

    # --- exporter options --------------------------------------------------------------------------------------
    Case("exporter-option-near-miss", {COURSE: Replace("completion:", "exporters:\n  scorm12:\n    scoo: module\ncompletion:")},
         ["c/course.yaml:22:5: exporters.scorm12: unknown key 'scoo' — did you mean 'sco'?"]),
    Case("exporter-option-bad-value", {COURSE: Replace("completion:", "exporters:\n  scorm12:\n    sco: modul\ncompletion:")},
         ["c/course.yaml:22:10: exporters.scorm12: 'sco' must be one of 'course' or 'module', but it is the "
          "text 'modul' — did you mean 'module'?"]),
    Case("exporter-option-attempts-out-of-range",
         {COURSE: Replace("completion:", "exporters:\n  scorm12:\n    attempts: 40\n  scorm2004:\n    attempts: many\n"
                          "completion:")},
         ["c/course.yaml:22:15: exporters.scorm12: 'attempts' must be ≤ 35, but it is 40",
          "c/course.yaml:24:15: exporters.scorm2004: 'attempts' must be a whole number, but it is the text 'many'"]),
    Case("options-for-unknown-exporter", {COURSE: Replace("completion:", "exporters:\n  scrom12:\n    sco: module\ncompletion:")},
         ["c/course.yaml:21:3: warning: options for unknown exporter 'scrom12' — did you mean 'scorm12'?"],
         strict=True),
]


def expected_stderr(case: Case) -> str:
    warnings = sum(": warning: " in line for line in case.expected)
    errors = len(case.expected) - warnings
    extra = " (--strict: warnings count as errors)" if case.strict and warnings and not errors else ""
    built = ["nothing was built: fix the problems above and run again"] if case.command[0] == "build" else []
    return "\n".join(case.expected + [
        f"{errors} error(s), {warnings} warning(s): the course is invalid{extra}",
    ] + built) + "\n"


def test_a_control_character_stops_every_output_not_only_moodle(run_coursepack, tmp_path):
    """moodle-bad's question 'bell' holds U+0007 (a YAML escape): ``build cc`` crashed on it (exit 3)."""
    bad = MINI.parent / "moodle-bad"
    for name in ("cc", "scorm12", "handbook"):
        result = run_coursepack("build", name, "--course", str(bad), "--out", str(tmp_path / name))
        assert result.code == 1, (name, result)
        assert "nothing was built" in result.stderr
        assert (f"{bad}/modules/01-aturan/quiz.yaml:38:11: question 'bell', field 'stem': control character "
                "U+0007 cannot go into any output") in result.stderr, (name, result.stderr)


def test_there_are_enough_cases():
    assert len(CASES) >= 45
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_course(case: Case, mini_copy: Path, run_coursepack, monkeypatch):
    apply_edits(mini_copy, case.edits)
    monkeypatch.chdir(mini_copy.parent)
    out = ["--out", "out"] if case.command[0] == "build" else []
    args = [*case.command, "--course", "c", *out] + (["--strict"] if case.strict else [])
    result = run_coursepack(*args)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr == expected_stderr(case)
    assert result.stdout == ""
    assert result.code == 1
    assert not (mini_copy.parent / "out").exists()
    if case.strict:  # warnings alone do not stop a normal validate
        relaxed = run_coursepack("validate", "--course", "c")
        assert relaxed.code == 0, relaxed
        assert relaxed.stderr.startswith("\n".join(case.expected) + "\n")


# --- accepted oddities ----------------------------------------------------------------------------

ACCEPTED = {
    "bom": ({COURSE: Bytes(b"id: mini", b"\xef\xbb\xbfid: mini")}, "Kursus Mini"),
    "crlf": ({COURSE: Write((MINI / COURSE).read_bytes().replace(b"\n", b"\r\n")),
              L1: Write((MINI / L1).read_bytes().replace(b"\n", b"\r\n"))}, "Kursus Mini"),
    "old-mac-cr": ({COURSE: Write((MINI / COURSE).read_bytes().replace(b"\n", b"\r"))}, "Kursus Mini"),
    "zero-width-joiner": ({COURSE: Replace("title: Kursus Mini", "title: Kursus Mini 👩\u200d💻")},
                          "Kursus Mini 👩\u200d💻"),
    "arabic-text": ({COURSE: Replace("title: Kursus Mini", "title: دورة صغيرة")}, "دورة صغيرة"),
    "escaped-footnote-brackets": ({L1: Replace("Lihat tabel berikut.", "Lihat tabel \\[^nope] dan `[^kode]`.")},
                                  "Kursus Mini"),
    "every-callout-kind": ({L1: Replace('!!! tip "Kiat"', "".join(
        f"!!! {kind}\n    Isi {kind}.\n\n" for kind in ("danger", "caution", "info", "example", "Important"))
        + '!!! tip "Kiat"')}, "Kursus Mini"),
    "task-list": ({L1: Replace("Lihat tabel berikut.", "Lihat tabel berikut.\n\n- [ ] belum\n- [x] sudah")},
                  "Kursus Mini"),
    "video-with-captions-and-transcript": (with_video(), "Kursus Mini"),
    "audio-with-transcript-needs-no-captions": (
        {L1: Replace(IMAGE_MD, "![Rekaman wawancara](../../assets/wawancara.mp3)"),
         "assets/wawancara.mp3": Write(b"ID3\x04\x00" + bytes(20)), "assets/wawancara.transcript.md": Write("Halo.\n")},
        "Kursus Mini"),
    "other-image-formats": ({"assets/foto.jpg": Write(jpeg_bytes()), "assets/ikon.PNG": Write(png_bytes((9, 9, 9))),
                             L1: Replace("](../../assets/diagram.svg", "](../../assets/foto.jpg"),
                             Q1: Replace("image: ../../assets/diagram.svg", "image: ../../assets/ikon.PNG")},
                            "Kursus Mini"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_source(name: str, mini_copy: Path, run_coursepack, monkeypatch):
    edits, title = ACCEPTED[name]
    apply_edits(mini_copy, edits)
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("validate", "--course", "c", "--strict")
    assert result.code == 0, result
    assert result.stderr.startswith("0 error(s), 0 warning(s): the course is valid\n")
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    assert course.title == title
    lesson = course.lessons[0]
    assert "\r" not in lesson.html and "Sebuah model belajar dari data" in lesson.html


def test_script_never_reaches_the_model(mini_copy: Path):
    Replace("Sebuah model", "<script>alert(1)</script>\n\n<p onclick=\"steal()\">Klik</p>\n\n"
            "Lihat <a href=\"javascript:alert(2)\">ini</a>.\n\nSebuah model").apply(mini_copy / L1)
    loaded, problems = load_course(mini_copy)
    assert loaded is not None
    course = loaded.course
    assert [p.severity for p in problems] == ["warning", "warning", "warning"]
    html = course.lessons[0].html
    assert "<script" not in html and "alert(1)" not in html
    assert "onclick" not in html and "steal()" not in html
    assert "javascript:" not in html
    assert "<p>Klik</p>" in html


def test_trust_html_passes_raw_html_through(mini_copy: Path):
    Replace("Sebuah model", '<div class="kotak" onclick="buka()">Kotak</div>\n\nSebuah model').apply(mini_copy / L1)
    Replace("licence: CC BY 4.0", "licence: CC BY 4.0\ntrust_html: true").apply(mini_copy / COURSE)
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    assert '<div class="kotak" onclick="buka()">Kotak</div>' in course.lessons[0].html


def test_zero_width_joiner_is_kept_but_bidi_override_warns(mini_copy: Path):
    Replace("title: Pengantar", "title: Pengantar 👩\u200d💻 \u2067x\u2069").apply(mini_copy / L1)
    loaded, problems = load_course(mini_copy)
    assert [(p.line, p.col, p.severity) for p in problems] == [(2, 22, "warning"), (2, 24, "warning")]
    assert "U+2067 (RIGHT-TO-LEFT ISOLATE)" in problems[0].message


# --- exporter rules: `validate --for`, `build NAME` ------------------------------------------------

def test_validate_for_applies_only_the_named_exporters_rules(mini_copy: Path, run_coursepack, monkeypatch):
    apply_edits(mini_copy, TWO_PAIRS)
    monkeypatch.chdir(mini_copy.parent)
    assert run_coursepack("validate", "--course", "c").code == 1
    for args in (["--for", "scorm12"], ["--for", "scorm12", "--for", "handbook"], ["--for", "scorm12,scorm2004"],
                 ["--for", "scorm12 handbook"]):
        result = run_coursepack("validate", "--course", "c", *args)
        assert result.code == 0, (args, result)
        assert result.stderr == ("0 error(s), 0 warning(s): the course is valid\n"
                                 "mini-course: 2 modules, 3 lessons, 7 questions, 2 outcomes\n")
    built = run_coursepack("build", "scorm12", "--course", "c", "--out", "out")
    assert built.code == 0, built
    assert (mini_copy.parent / "out" / "mini-course-scorm12.zip").is_file()
    refused = run_coursepack("build", "moodle", "--course", "c", "--out", "out")
    assert refused.code == 1 and "(rule of the moodle exporter)" in refused.stderr
    assert not (mini_copy.parent / "out" / "mini-course-moodle.xml").exists()


def test_validate_for_an_unknown_exporter_is_a_usage_error(mini_copy: Path, run_coursepack, monkeypatch):
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("validate", "--course", "c", "--for", "moodel")
    assert result.code == 2
    assert result.stderr == ("coursepack: unknown exporter 'moodel': did you mean 'moodle'? available: "
                             "cc, handbook, moodle, moodle-backup, scorm12, scorm2004\n")


def test_a_course_without_quizzes_builds_for_scorm_but_not_for_moodle(mini_copy: Path, run_coursepack, monkeypatch):
    apply_edits(mini_copy, {Q1: Delete(), Q2: Delete()})
    monkeypatch.chdir(mini_copy.parent)
    result = run_coursepack("validate", "--course", "c", "--for", "scorm12,scorm2004")
    assert result.code == 0, result
    built = run_coursepack("build", "scorm12", "scorm2004", "--course", "c", "--out", "out")
    assert built.code == 0, built
    assert sorted(p.name for p in (mini_copy.parent / "out").glob("*.zip")) == [
        "mini-course-scorm12.zip", "mini-course-scorm2004.zip"]
    refused = run_coursepack("build", "all", "--course", "c", "--out", "other")
    assert refused.code == 1 and not (mini_copy.parent / "other").exists()


def test_a_rule_shared_by_several_exporters_is_reported_once_naming_them(mini_copy: Path):
    from coursepack.run import run_preflights
    from coursepack.exporter import Exporter
    from coursepack.problems import error

    class First(Exporter):
        name = "first"

        def preflight(self, course, ctx):
            return [error("c/course.yaml", 1, 1, "shared rule"), error("c/course.yaml", 2, 1, "own rule")]

    class Second(First):
        name = "second"

        def preflight(self, course, ctx):
            return [error("c/course.yaml", 1, 1, "shared rule")]

    loaded, _ = load_course(mini_copy)
    assert sorted(p.format() for p in run_preflights([First, Second], loaded)) == [
        "c/course.yaml:1:1: shared rule (rule of the first and second exporters)",
        "c/course.yaml:2:1: own rule (rule of the first exporter)"]
    assert [p.format() for p in run_preflights([Second], loaded)] == [
        "c/course.yaml:1:1: shared rule (rule of the second exporter)"]


# --- Markdown that renders in every output ----------------------------------------------------------

def test_task_lists_render_as_boxes_in_lessons_and_questions(mini_copy: Path):
    Replace("Lihat tabel berikut.", "Lihat tabel berikut.\n\n- [ ] belum\n- [x] sudah *ya*\n- biasa").apply(mini_copy / L1)
    Replace("stem: Pasangkan peran dengan fokusnya.",
            "stem: |\n      Pasangkan:\n\n      - [X] selesai").apply(mini_copy / Q2)
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert problems == []
    assert ('<ul class="contains-task-list">\n<li class="task-list-item"><span class="task-box">\u2610</span> belum</li>\n'
            '<li class="task-list-item"><span class="task-box done">\u2611</span> sudah <em>ya</em></li>\n'
            '<li>biasa</li>\n</ul>') in course.lessons[0].html
    matching = next(q for q in course.questions if q.id == "q-matching")
    assert '<span class="task-box done">\u2611</span> selesai' in matching.stem_html
    assert "<input" not in course.lessons[0].html + matching.stem_html


def test_raw_checkbox_html_is_still_sanitised(mini_copy: Path):
    Replace("Lihat tabel berikut.", 'Lihat <input class="task-list-item-checkbox" type="checkbox"> ini.').apply(mini_copy / L1)
    loaded, problems = load_course(mini_copy)
    course = loaded.course
    assert [p.message for p in problems] == ["raw HTML is sanitised: <input> removed; write it in Markdown, or "
                                             "set 'trust_html: true' in course.yaml if you trust it"]
    assert "<input" not in course.lessons[0].html
