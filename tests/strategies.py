"""Hypothesis strategies for random but VALID course sources (the format in README.md).

``course_specs()`` draws a ``CourseSpec``: every file of a course folder as bytes, plus what
the tests expect to find in the outputs (lesson titles, every question with its plain texts).
``write_course(spec, folder)`` writes the files. The generated sources stay inside the
source rules (exactly one correct single choice, 2–4 correct multiple choices with default
weights, ≥ 3 matching pairs, weights from Moodle's set, no hints on true/false or essays)
and are deliberately hostile in their texts: Indonesian, emoji, CJK, Arabic letters (no bidi
controls), characters special in XML/HTML/Markdown (``<``, ``&``, ``]]>``, quotes, ``*`` in
short answers, ``/`` in module titles), odd white space in titles, a ``<script>`` inside a code
block and in sanitised raw HTML, links to attachments, blockquotes, nested lists, wide tables,
long words, and images (SVG/PNG) with non-ASCII names in assets/, beside the lesson or in
shared/. Course-level values vary too: language (incl. right-to-left), version, date
(1950–2100), mastery score, completion rules and every exporter's options.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass, field

import yaml
from hypothesis import strategies as st

#: text inside a code block (and a sanitised raw-HTML block) that must never run as a script
SCRIPT_MARKER = "cp-xss-probe"
RAW_MARKER = "cp-raw-probe"

INDONESIAN = ("belajar", "model", "data", "kecerdasan", "buatan", "jaringan", "saraf", "pelatihan",
              "evaluasi", "peran", "insinyur", "pengetahuan", "keterampilan", "produk", "pengguna",
              "tanggung", "jawab", "karier", "analisis", "prompt", "Mengapa", "Bagaimana")
UNICODE = ("naïve", "café", "Ünïcödé", "straße", "🤖", "🚀", "📘", "日本語", "中文", "한국어",
           "مرحبا", "عربي", "—", "…", "½", "Ωmega", "Ğüç")
# safe inside Markdown text (no entity, no tag, no link syntax), special in XML/HTML
MD_SPECIAL = ("a < b", "R&D", "x > y", "]]>", '"kutip"', "'tunggal'", "5 & 6", "<>", "p<=q")
# plain (non-Markdown) text fields may hold anything printable
PLAIN_SPECIAL = MD_SPECIAL + ("&amp;", "<b>tebal</b>", "*bintang*", "[x]", "#1", "`kode`")

CJK_OR_RTL = set("日本語中文한국어مرحباعربي🤖🚀📘")

ASSET_NAMES = ("diagram.svg", "gambar-ü.svg", "gambar-u.svg", "图表.png", "peta café.png", "données.svg",
               "foto-1.png", "skema.svg", "Grafik.PNG")
ATTACHMENTS = ("data.csv", "lampiran-ü.txt", "tabel nilai.csv")
LANGUAGES = ("id", "id", "en", "en-GB", "pt-BR", "ja", "de-CH-1996", "ar", "fa")
QUESTION_KINDS = ("single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay")
MOODLE_WEIGHTS = (100, 50, 33.33333, 25, 20, 10, 0)


@dataclass(frozen=True)
class QuestionSpec:
    """What a generated question must look like in the outputs."""

    id: str
    kind: str
    stem_plain: str
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (plain text, tokens) per choice
    short_answers: tuple[str, ...] = ()
    short_weights: tuple[float, ...] = ()                      # percent, per short answer
    numbers: tuple[tuple[float, float], ...] = ()              # (value, tolerance)
    units: tuple[tuple[str, float], ...] = ()
    pairs: tuple[tuple[str, tuple[str, ...], str], ...] = ()   # (left plain, left tokens, right)
    hints: int = 0
    points: float = 1.0
    weights: tuple[float, ...] = ()                            # per choice, percent (single/multiple)
    image: str = ""                                            # course-relative asset path
    template: str = ""                                         # essay response template


@dataclass(frozen=True, repr=False)
class CourseSpec:
    files: dict[str, bytes] = field(repr=False)
    course_id: str
    course_title: str
    module_titles: tuple[str, ...]
    lesson_titles: tuple[str, ...]
    questions: tuple[QuestionSpec, ...]
    quiz_module_titles: tuple[str, ...]      # titles of the modules that have a quiz, in order
    quiz_titles: tuple[str | None, ...]      # explicit quiz titles (None: the default), same order
    language: str
    options: dict

    def __repr__(self) -> str:   # what hypothesis prints for a failing example: the whole source
        listing = "\n".join(f"--- {path}\n{data.decode('utf-8', 'replace') if not path.endswith('.png') else '<png>'}"
                            for path, data in sorted(self.files.items()))
        return f"CourseSpec(\n{listing}\n)"


def write_course(spec: CourseSpec, folder) -> None:
    """Write every file of ``spec`` under ``folder`` (a pathlib.Path)."""
    for rel, data in spec.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def dump(value) -> bytes:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


# --- assets -----------------------------------------------------------------------------------

def svg_bytes(colour: str, label: str) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60" width="120" height="60">'
            f'<title>{label}</title><rect x="5" y="5" width="50" height="50" fill="{colour}"/>'
            f'<text x="65" y="35" font-family="sans-serif" font-size="12">{label}</text></svg>\n').encode()


def png_bytes(rgb: tuple[int, int, int], width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --- text -------------------------------------------------------------------------------------

word = st.sampled_from(INDONESIAN)
#: a word that may start a text: Indonesian mostly, sometimes a word of another script
first_word = st.one_of(word, word, word, st.sampled_from(("日本語", "中文", "한국어", "مرحبا", "Ωmega", "Ünïcödé")))
token = st.one_of(word, word, st.sampled_from(UNICODE), st.sampled_from(MD_SPECIAL))


@st.composite
def md_inline(draw, min_tokens: int = 1, max_tokens: int = 5, emphasis: bool = True):
    """Inline Markdown that starts with a word → (markdown, plain text, tokens)."""
    tokens = [draw(first_word)] + draw(st.lists(token, min_size=min_tokens - 1, max_size=max_tokens - 1))
    shown = list(tokens)
    if emphasis and len(tokens) > 1 and draw(st.booleans()):
        i = draw(st.integers(1, len(tokens) - 1))
        if tokens[i] in INDONESIAN:
            shown[i] = draw(st.sampled_from(("*{}*", "**{}**"))).format(tokens[i])
    return " ".join(shown), " ".join(tokens), tuple(tokens)


@st.composite
def plain_title(draw, slash: bool = False):
    """A title as plain text (never rendered as Markdown): anything printable."""
    pool = st.one_of(word, word, st.sampled_from(UNICODE), st.sampled_from(PLAIN_SPECIAL))
    longest = draw(st.sampled_from((4, 4, 4, 20)))     # sometimes a long title (≤ ~180 characters)
    tokens = [draw(first_word)] + draw(st.lists(pool, min_size=0, max_size=longest))
    if slash and draw(st.booleans()):
        tokens.insert(draw(st.integers(1, len(tokens))), draw(st.sampled_from(("/", "A/B", "Data/AI"))))
    if len(tokens) > 1 and draw(st.integers(0, 9)) == 0:   # odd white space, as YAML block scalars give
        return draw(st.sampled_from(("{}\n", " {}", "{}  ", "{}\t"))).format(
            draw(st.sampled_from(("\n", "  ", "\t"))).join(tokens))
    return " ".join(tokens)


# --- lessons ----------------------------------------------------------------------------------

@st.composite
def lesson_body(draw, assets: dict[str, bytes], folder: str, force: frozenset[str] = frozenset()):
    """A lesson body from 2–6 random pieces; adds the files its figures use to ``assets``
    (course-relative path → bytes): in assets/, beside the lesson in ``folder``, or in shared/."""
    kinds = draw(st.lists(st.sampled_from(("heading", "paragraph", "list", "table", "code", "figure",
                                           "footnote", "callout", "deflist", "raw", "link", "misc")),
                             min_size=2, max_size=6))
    parts: list[str] = []
    notes: list[str] = []
    for kind in kinds:
        text = draw(md_inline(max_tokens=6))[0]
        if kind == "heading":
            if draw(st.integers(0, 3)) == 0:   # texts whose anchors could clash with exporter ids
                text = draw(st.sampled_from(("Kuis", "quiz", "section", "h", "fn 1", "page", "中文")))
            parts.append(f"{draw(st.sampled_from(('##', '###')))} {text}")
        elif kind == "paragraph":
            parts.append(" ".join(draw(md_inline(max_tokens=6))[0] for _ in range(draw(st.integers(1, 3)))) + ".")
        elif kind == "list":
            items = draw(st.lists(md_inline(max_tokens=3), min_size=2, max_size=4))
            ordered = draw(st.booleans())
            parts.append("\n".join(f"{f'{i}.' if ordered else '-'} {md}" for i, (md, _, _) in enumerate(items, 1)))
        elif kind == "table":
            rows = draw(st.lists(st.tuples(md_inline(max_tokens=2), md_inline(max_tokens=2)), min_size=1, max_size=3))
            lines = [f"| {draw(word)} | {draw(word)} |", draw(st.sampled_from(("|---|---|", "|:--|--:|", "|:-:|:--|")))]
            lines += [f"| {a[0]} | {b[0]} |" for a, b in rows]
            parts.append("\n".join(lines))
        elif kind == "code":
            parts.append(f'```html\n<script>alert("{SCRIPT_MARKER}")</script>\n<b>{text}</b> & ]]>\n```')
        elif kind == "figure":
            name = draw(st.sampled_from(image_names(force)))
            colour = draw(st.sampled_from(("#1d4ed8", "#b91c1c", "#15803d")))
            where = draw(st.sampled_from(("assets", "assets", "beside", "shared")))
            rel, target = {"assets": (f"assets/{name}", f"../../assets/{name}"),
                           "beside": (f"{folder}/{name}", name),
                           "shared": (f"shared/{name}", f"../../shared/{name}")}[where]
            if rel not in assets:
                assets[rel] = (svg_bytes(colour, draw(word)) if name.endswith(".svg")
                               else png_bytes((int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:], 16))))
            target = f"<{target}>" if " " in name else target
            caption = draw(md_inline(max_tokens=4, emphasis=False))[1].replace('"', "")
            parts.append(f'![{draw(word)} {draw(word)}]({target} "{caption}")')
        elif kind == "footnote":
            n = len(notes) + 1
            parts.append(f"{text} catatan[^{n}].")
            notes.append(f"[^{n}]: {draw(md_inline(max_tokens=3))[0]}")
        elif kind == "callout":
            tag = draw(st.sampled_from(("note", "tip", "warning", "important")))
            title = f' "{draw(word)} {draw(word)}"' if draw(st.booleans()) else ""
            parts.append(f"!!! {tag}{title}\n    {text}")
        elif kind == "deflist":
            parts.append(f"{draw(word)}\n: {text}")
        elif kind == "link":
            name = draw(st.sampled_from(ATTACHMENTS))
            assets.setdefault(f"assets/{name}", f"kolom;nilai\nä;1 & <2>\n".encode())
            target = f"<../../assets/{name}>" if " " in name else f"../../assets/{name}"
            parts.append(f"{text} [unduh {draw(word)}]({target}), [situs](https://example.org/a?b=1&c=2) "
                         f"dan [surel](mailto:tim@example.org).")
        elif kind == "misc":
            parts.append(draw(st.sampled_from((
                f"> {text}\n>\n> — {draw(word)}",
                "---",
                f"Lihat <https://example.org/{'panjang' * 12}> &copy; &#x1F600; &amp; `<script>x</script>`",
                f"- {text}\n    - {draw(word)}\n        1. {draw(word)}",
                f"{text}  \nbaris kedua\\\nbaris ketiga",
                "| " + " | ".join(draw(word) for _ in range(8)) + " |\n|" + "---|" * 8 + "\n| "
                + " | ".join(draw(word) for _ in range(8)) + " |",
                f"{'Donaudampfschifffahrtsgesellschaftskapitän' * 2} {text}",
            ))))
        elif kind == "raw":
            parts.append(f"<p>mentah <script>document.title='{RAW_MARKER}'</script></p>")
    return "\n\n".join(parts + notes) + "\n"


# --- questions --------------------------------------------------------------------------------

def image_names(force: frozenset[str]) -> tuple[str, ...]:
    """Image file names; only SVG ones when ``force`` holds "no-raster"."""
    return tuple(n for n in ASSET_NAMES if "no-raster" not in force or n.lower().endswith(".svg"))


def question_asset_names(force: frozenset[str]) -> tuple[str, ...]:
    """Asset names for question images (only one without a Latin letter when forced)."""
    if "non-latin-question-image" in force:
        return ("图表.svg",)
    return image_names(force)


def base_fields(draw, qid: str, kind: str, outcomes: list[str], assets: dict[str, bytes], hints_ok: bool,
                force: frozenset[str] = frozenset()):
    stem_md, stem_plain, _ = draw(md_inline(max_tokens=6))
    fields = {"id": qid, "type": kind, "stem": stem_md}
    if draw(st.integers(0, 4)) == 0:   # a longer stem: a code block with a script, a list
        fields["stem"] += (f'\n\n```js\n<script>alert("{SCRIPT_MARKER}")</script> & ]]>\n```\n\n'
                           f"- {draw(md_inline(max_tokens=3))[0]}\n- {draw(word)}\n")
    if draw(st.booleans()):
        fields["points"] = draw(st.sampled_from((1, 2, 0.5, 3, 10, 0.25, 1000, 1.5)))
    if draw(st.booleans()):
        fields["outcomes"] = draw(st.lists(st.sampled_from(outcomes), min_size=1, max_size=2, unique=True))
    if draw(st.integers(0, 5)) == 0 or "non-latin-question-image" in force:
        name = draw(st.sampled_from(question_asset_names(force)))
        if f"assets/{name}" not in assets:
            assets[f"assets/{name}"] = (svg_bytes("#6d28d9", "Q") if name.lower().endswith(".svg")
                                        else png_bytes((109, 40, 217)))
        fields["image"] = f"../../assets/{name}"
        fields["_image"] = f"assets/{name}"
        fields["image_alt"] = draw(md_inline(max_tokens=3))[1]
    if draw(st.booleans()):
        fields["feedback"] = draw(md_inline(max_tokens=4))[0]
    if hints_ok and draw(st.integers(0, 3)) == 0:
        fields["hints"] = [m for m, _, _ in draw(st.lists(md_inline(max_tokens=3), min_size=1, max_size=2))]
    return fields, stem_plain


def distinct_inline(draw, count: int, max_tokens: int = 4):
    """``count`` inline Markdown texts whose plain texts differ (case-insensitively)."""
    return draw(st.lists(md_inline(max_tokens=max_tokens), min_size=count, max_size=count,
                         unique_by=lambda t: t[1].casefold().strip()))


number = st.one_of(st.builds(lambda n, k: float(f"{n / 10 ** k:.{k}f}"), st.integers(-100000, 100000), st.integers(0, 3)),
                   st.sampled_from((0.0, -0.5, 1e-9, -2.5e-7, 6.02e23, 1e15, 0.1, 0.30000000000000004)))


@st.composite
def question(draw, qid: str, kind: str, outcomes: list[str], assets: dict[str, bytes],
             force: frozenset[str] = frozenset()):
    fields, stem_plain = base_fields(draw, qid, kind, outcomes, assets, kind not in ("truefalse", "essay"), force)
    spec: dict = {"id": qid, "kind": kind, "stem_plain": stem_plain, "hints": len(fields.get("hints", [])),
                  "points": float(fields.get("points", 1)),
                  "image": fields.pop("_image", "")}
    if kind in ("single", "multiple"):
        if kind == "single":
            size = draw(st.integers(2, 5))
            correct = {draw(st.integers(0, size - 1))}
        else:
            n_correct = draw(st.integers(2, 4))
            size = n_correct + draw(st.integers(0, 2))
            correct = set(draw(st.permutations(range(size)))[:n_correct])
        texts = distinct_inline(draw, size)
        fields["choices"] = []
        for i, (md, _, _) in enumerate(texts):
            choice = {"text": md}
            if draw(st.integers(0, 6)) == 0:   # an inline image at the end of the choice
                name = draw(st.sampled_from(question_asset_names(force)))
                assets.setdefault(f"assets/{name}", svg_bytes("#0f766e", "C") if name.lower().endswith(".svg")
                                  else png_bytes((15, 118, 110)))
                choice["text"] = f"{md} ![{draw(word)}](<../../assets/{name}>)"
            if i in correct:
                choice["correct"] = True
            if draw(st.booleans()):
                choice["feedback"] = draw(md_inline(max_tokens=3))[0]
            fields["choices"].append(choice)
        if draw(st.booleans()):
            fields["shuffle"] = draw(st.booleans())
        spec["choices"] = tuple((plain, tokens) for _, plain, tokens in texts)
        share = 100 / len(correct) if kind == "multiple" else 100
        spec["weights"] = tuple(share if i in correct else (-share if kind == "multiple" else 0) for i in range(size))
    elif kind == "truefalse":
        fields["answer"] = draw(st.booleans())
        for key in ("feedback_true", "feedback_false"):
            if draw(st.booleans()):
                fields[key] = draw(md_inline(max_tokens=3))[0]
    elif kind == "shortanswer":
        pool = st.one_of(word, st.sampled_from(UNICODE), st.sampled_from(("L*M", "*", "a*b*c", "R&D", "x < y",
                                                                          "]]>", '"q"', "C++", "100%")))
        texts = draw(st.lists(st.lists(pool, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=3,
                              unique_by=lambda t: t.casefold().strip()))
        answers = [{"text": t} for t in texts]
        for a in answers[1:]:
            a["weight"] = draw(st.sampled_from(MOODLE_WEIGHTS))
        if draw(st.booleans()):
            fields["case_sensitive"] = draw(st.booleans())
        fields["answers"] = answers
        spec["short_answers"] = tuple(texts)
        spec["short_weights"] = tuple(float(a.get("weight", 100)) for a in answers)
    elif kind == "numerical":
        values = draw(st.lists(number, min_size=1, max_size=2))
        answers = []
        for i, value in enumerate(values):
            answer = {"value": value}
            tolerance = draw(st.sampled_from((None, 0, 0.5, 0.01, 10)))
            if tolerance is not None:
                answer["tolerance"] = tolerance
            if i:
                answer["weight"] = draw(st.sampled_from(MOODLE_WEIGHTS))
            answers.append(answer)
        fields["answers"] = answers
        units = draw(st.lists(st.sampled_from(("m", "km", "°C", "kg/m²", "Rp", "µs", "<u>", "%")),
                              max_size=2, unique=True))
        if units:
            fields["units"] = [{"unit": units[0]}] + [{"unit": u, "multiplier": draw(st.sampled_from((1000, 0.001, 2.5)))}
                                                      for u in units[1:]]
        spec["numbers"] = tuple((a["value"], float(a.get("tolerance") or 0)) for a in answers)
        spec["units"] = tuple((u["unit"], float(u.get("multiplier", 1))) for u in fields.get("units", []))
    elif kind == "matching":
        size = draw(st.integers(3, 5))
        lefts = distinct_inline(draw, size, max_tokens=3)
        rights = draw(st.lists(st.lists(st.one_of(word, st.sampled_from(UNICODE), st.sampled_from(PLAIN_SPECIAL)),
                                        min_size=1, max_size=3).map(" ".join),
                               min_size=size, max_size=size, unique_by=lambda t: t.casefold()))
        if draw(st.integers(0, 4)) == 0:
            rights[-1] = rights[0]
        fields["pairs"] = [{"left": left[0], "right": right} for left, right in zip(lefts, rights)]
        spec["pairs"] = tuple((left[1], left[2], right) for left, right in zip(lefts, rights))
    elif kind == "essay":
        if draw(st.booleans()):
            fields["grader_notes"] = draw(md_inline(max_tokens=5))[0]
        fields["response_format"] = draw(st.sampled_from(("editor", "plain", "monospaced")))
        fields["response_lines"] = draw(st.integers(3, 40))
        fields["response_required"] = draw(st.booleans())
        if draw(st.booleans()):
            fields["response_template"] = draw(st.sampled_from(("Jawaban: <tulis> & ]]>", "Langkah 1:\n\nLangkah 2:",
                                                                "Saya pikir…")))
            spec["template"] = fields["response_template"]
    return fields, QuestionSpec(**spec)


# --- the course -------------------------------------------------------------------------------

MODULE_SLUGS = ("dasar", "lanjut", "penerapan", "etika", "data", "shared", "page")
LESSON_SLUGS = ("pengantar", "istilah", "contoh", "latihan", "ringkasan", "quiz", "index")


#: source features that once broke an exporter or the core (see the regression tests in
#: test_properties.py); ``course_specs(force=...)`` always includes them, the general strategy
#: draws them now and then, except "quiz-lesson": a lesson NN-quiz.md is refused by validation.
FORCEABLE = ("long-version", "quiz-lesson", "shared-id", "non-latin-question-image", "rtl-language")


@st.composite
def course_specs(draw, max_modules: int = 3, max_lessons: int = 3, max_questions: int = 5,
                 force: frozenset[str] = frozenset()) -> CourseSpec:
    """A random valid course. ``force`` holds names from ``FORCEABLE`` to include, and
    "no-raster" to use SVG images only."""
    files: dict[str, bytes] = {}
    assets: dict[str, bytes] = {}
    course_id = draw(st.one_of(
        st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6).map("kursus-".__add__),
        st.sampled_from(MODULE_SLUGS + ("k" + "-panjang" * 7,))))
    if "shared-id" in force:
        course_id = "shared"
    course_title = draw(plain_title())
    outcomes = draw(st.lists(st.sampled_from(("LO1", "LO2", "Tujuan_2", "k-3", "A", "LO-" + "x" * 40)),
                             min_size=1, max_size=3, unique=True))
    options: dict = {}
    for name, key, values in (("scorm12", "sco", ("course", "module")), ("scorm2004", "sco", ("course", "module")),
                              ("moodle", "split", (False, True)), ("handbook", "paper", ("A4", "Letter")),
                              ("handbook", "pdf_variant", ("none", "pdf/ua-1", "pdf/a-3b")),
                              ("handbook", "parallel", ("auto", "on", "off")),
                              ("handbook", "right_hand_modules", (False, True)),
                              ("handbook", "hyphenate", (False, True))):
        if draw(st.booleans()):
            options.setdefault(name, {})[key] = draw(st.sampled_from(values))
    course = {
        "id": course_id, "title": course_title, "language": draw(st.sampled_from(
            ("ar", "fa") if "rtl-language" in force else LANGUAGES)),
        "version": ("2026.11.22-rc.1+build.5678" if "long-version" in force else
                    draw(st.sampled_from(("1.0", "0.1.0", "2026.1", "v2 beta & <rc>", "20 chars, 'quoted' &",
                                          "2026.11.22-rc.1+build.5678")))),
        "date": draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))),
        "authors": [{"name": draw(plain_title())}],
        "description": draw(md_inline(max_tokens=8))[1],
        "outcomes": [{"id": o, "text": draw(md_inline(max_tokens=5))[1]} for o in outcomes],
        "completion": {"mastery_score": draw(st.one_of(st.integers(0, 100), st.sampled_from((66.7, 99.5, 0.5)))),
                       "require": draw(st.sampled_from((["lessons"], ["quiz"], ["lessons", "quiz"])))},
    }
    if draw(st.booleans()):
        course["subtitle"] = draw(plain_title())
    if options:
        course["exporters"] = options
    files["course.yaml"] = dump(course)
    if draw(st.booleans()):
        terms = draw(st.lists(md_inline(max_tokens=2, emphasis=False), min_size=1, max_size=2,
                              unique_by=lambda t: " ".join(t[1].split()).casefold()))   # a term is defined once
        files["glossary.yaml"] = dump([{"term": t[1], "definition": draw(md_inline(max_tokens=5))[0]} for t in terms])

    module_titles, lesson_titles, questions, quiz_modules, quiz_titles = [], [], [], [], []
    slugs = draw(st.lists(st.sampled_from(MODULE_SLUGS), min_size=1, max_size=max_modules, unique=True))
    for m, slug in enumerate(slugs, start=1):
        folder = f"modules/{m:02d}-{slug}"
        title = draw(plain_title(slash=True))
        module_titles.append(title)
        module = {"title": title}
        if draw(st.booleans()):
            module["summary"] = draw(md_inline(max_tokens=6))[0]
        module["outcomes"] = draw(st.lists(st.sampled_from(outcomes), max_size=2, unique=True))
        files[f"{folder}/module.yaml"] = dump(module)
        lesson_slugs = draw(st.lists(st.sampled_from(LESSON_SLUGS), min_size=1, max_size=max_lessons, unique=True))
        if "quiz-lesson" in force and m == 1:
            lesson_slugs = (lesson_slugs + ["quiz"])[-max_lessons:] if "quiz" not in lesson_slugs else lesson_slugs
        elif "quiz-lesson" not in force:
            lesson_slugs = [slug for slug in lesson_slugs if slug != "quiz"] or ["pengantar"]
        for n, lesson_slug in enumerate(lesson_slugs, start=1):
            title = draw(plain_title())
            lesson_titles.append(title)
            front = {"title": title, "outcomes": draw(st.lists(st.sampled_from(outcomes), max_size=2, unique=True))}
            if draw(st.booleans()):
                front["minutes"] = draw(st.integers(1, 90))
            body = draw(lesson_body(assets, folder, force))
            files[f"{folder}/{n:02d}-{lesson_slug}.md"] = b"---\n" + dump(front) + b"---\n\n" + body.encode()
        if draw(st.integers(0, 3)) or ("quiz-lesson" in force and m == 1):
            kinds = draw(st.lists(st.sampled_from(QUESTION_KINDS), min_size=1, max_size=max_questions))
            quiz: dict = {}
            if draw(st.booleans()):
                quiz["title"] = draw(plain_title())
            quiz_titles.append(quiz.get("title"))
            if draw(st.booleans()):
                quiz["shuffle"] = draw(st.booleans())
            quiz["questions"] = []
            for i, kind in enumerate(kinds, start=1):
                qid = draw(st.sampled_from(("q", "Soal-", "T_", "Q" + "x" * 90 + "-"))) + f"{m}-{i}"
                fields, qspec = draw(question(qid, kind, outcomes, assets, force))
                quiz["questions"].append(fields)
                questions.append(qspec)
            files[f"{folder}/quiz.yaml"] = dump(quiz)
            quiz_modules.append(module_titles[-1])
    files.update(assets)
    return CourseSpec(files, course_id, course_title, tuple(module_titles), tuple(lesson_titles),
                      tuple(questions), tuple(quiz_modules), tuple(quiz_titles), course["language"], options)
