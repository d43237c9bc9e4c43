"""The handbook prints the course language's interface words (right to left for Arabic) and
course.yaml's overrides of them."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from courses import FIXTURES, MINI, build, load

#: the direction marks pdftotext wraps right-to-left and number runs in
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (Debian package poppler-utils)")
    return found


def build_handbook(folder: Path, out: Path) -> Path:
    [pdf] = build("handbook", load(folder), out)
    return pdf


def squashed_pages(pdf: Path) -> list[str]:
    """Each page's text without whitespace and direction marks, in compatibility form (Arabic
    presentation forms become letters)."""
    text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", BIDI_MARKS.sub("", unicodedata.normalize("NFKC", page)))
            for page in text.split("\f")[:-1]]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


LIGATURE_LETTERS = re.compile("[لاأإآى]")


def without_ligature_letters(text: str) -> str:
    """``text`` squashed and without the letters of the lam-alef and lam-ya ligatures: pdftotext
    writes their two letters in visual or in logical order depending on the font's ligature table
    (the shipped Noto Naskh and Noto Sans Arabic differ), so the comparison leaves them out and
    keeps every other letter in its order."""
    return LIGATURE_LETTERS.sub("", squash(text))


def test_arabic_handbook_prints_arabic_interface_words(tmp_path):
    pages = squashed_pages(build_handbook(FIXTURES / "arabic", tmp_path))
    book = "".join(pages)
    # (no numbers next to punctuation: pdftotext moves those)
    for words in ("دليل المتعلم", "المحتويات", "الوحدة 1", "ورقة عمل", "مسرد المصطلحات", "مفتاح الإجابات",
                  "الإصدار", "التاريخ", "الترخيص", "ضع علامة على إجابة واحدة", "صواب", "خطأ", "ملاحظة",
                  "نصيحة من الميدان", "نواتج التعلم والدروس والأسئلة", "في هذه الوحدة"):
        assert without_ligature_letters(words) in without_ligature_letters(book), words
    assert squash("9 مارس 2026") in pages[0]
    assert all(squash(f"الصفحة {n} من {len(pages)}") in pages[n - 1] for n in (3, len(pages)))
    for english in ("Contents", "Answer key", "Worksheet", "Glossary", "Page"):
        assert english not in book


def test_french_handbook_prints_french_interface_words_and_overrides(tmp_path):
    course = tmp_path / "c"
    shutil.copytree(MINI, course)
    yaml = (course / "course.yaml").read_text(encoding="utf-8").replace("language: id", "language: fr")
    (course / "course.yaml").write_text(yaml + "labels:\n  handbook_kicker: Cahier du stagiaire\n",
                                        encoding="utf-8")
    pages = [page.casefold() for page in squashed_pages(build_handbook(course, tmp_path / "out"))]
    book = "".join(pages)             # casefolded: the cover kicker is set in capitals
    for words in ("Cahier du stagiaire", "Sommaire", "Corrigé", "Fiche d’exercices", "Glossaire",
                  "Objectifs, leçons et questions", "Cochez une seule réponse.", "Vrai", "Faux",
                  "Remarque", "Dans ce module", "Leçon 1.1"):
        assert squash(words).casefold() in book, words
    assert squash("15 janvier 2026") in pages[0]
    assert squash(f"page 3 sur {len(pages)}") in pages[2]
    assert "manuel" not in pages[0] and "handbook" not in book
