"""Interface words: the general label table, and how a build resolves an exporter's words.

A label table maps a language's primary subtag to its words (``{"fr": {"next": "Suivant"}}``).
The table here holds the words the core prints (callout titles, the default quiz title) and the
words several exporters share; each exporter brings a table of its own words
(``Exporter.labels``). Every language of every table has the same keys
(``tests/test_labels.py``), so English is only the fallback for a language no table covers.
course.yaml's ``labels:`` overrides any key of any table; ``check_overrides`` validates it and
``resolve_labels`` makes one exporter's words for one course, once per build.
"""

from __future__ import annotations

import difflib
import string
from types import MappingProxyType
from typing import Iterable, Mapping

LabelTable = Mapping[str, Mapping[str, str]]

#: the languages every built-in table covers
LANGUAGES = ("en", "id", "fr", "es", "de", "pt", "ar")

CORE_LABELS: LabelTable = {
    "en": {
        "note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important",
        "danger": "Danger", "caution": "Caution", "info": "Info", "example": "Example",
        "contents": "Contents", "module": "Module", "lesson": "Lesson", "quiz": "Quiz",
        "question": "Question", "page_of": "Page {page} of {pages}",
        "minutes": "{n} min", "points_one": "{n} point", "points_other": "{n} points", "true": "True", "false": "False",
        "glossary": "Glossary", "outcomes": "Learning outcomes", "your_answer": "Your answer",
        "not_graded": "Not auto-graded",
        "transcript": "Transcript", "captions": "Captions", "video": "Video", "audio": "Audio",
    },
    "id": {
        "note": "Catatan", "tip": "Tips", "warning": "Peringatan", "important": "Penting",
        "danger": "Bahaya", "caution": "Perhatian", "info": "Info", "example": "Contoh",
        "contents": "Daftar Isi", "module": "Modul", "lesson": "Pelajaran", "quiz": "Kuis",
        "question": "Soal", "page_of": "Halaman {page} dari {pages}",
        "minutes": "{n} menit", "points_one": "{n} poin", "points_other": "{n} poin", "true": "Benar", "false": "Salah",
        "glossary": "Glosarium", "outcomes": "Capaian Pembelajaran", "your_answer": "Jawaban Anda",
        "not_graded": "Tidak dinilai otomatis",
        "transcript": "Transkrip", "captions": "Takarir", "video": "Video", "audio": "Audio",
    },
    "fr": {
        "note": "Remarque", "tip": "Astuce", "warning": "Avertissement", "important": "Important",
        "danger": "Danger", "caution": "Attention", "info": "Info", "example": "Exemple",
        "contents": "Sommaire", "module": "Module", "lesson": "Leçon", "quiz": "Quiz",
        "question": "Question", "page_of": "Page {page} sur {pages}",
        "minutes": "{n} min", "points_one": "{n} point", "points_other": "{n} points", "true": "Vrai", "false": "Faux",
        "glossary": "Glossaire", "outcomes": "Objectifs d’apprentissage", "your_answer": "Votre réponse",
        "not_graded": "Non noté automatiquement",
        "transcript": "Transcription", "captions": "Sous-titres", "video": "Vidéo", "audio": "Audio",
    },
    "es": {
        "note": "Nota", "tip": "Consejo", "warning": "Advertencia", "important": "Importante",
        "danger": "Peligro", "caution": "Precaución", "info": "Información", "example": "Ejemplo",
        "contents": "Índice", "module": "Módulo", "lesson": "Lección", "quiz": "Cuestionario",
        "question": "Pregunta", "page_of": "Página {page} de {pages}",
        "minutes": "{n} min", "points_one": "{n} punto", "points_other": "{n} puntos", "true": "Verdadero", "false": "Falso",
        "glossary": "Glosario", "outcomes": "Resultados de aprendizaje", "your_answer": "Tu respuesta",
        "not_graded": "Sin calificación automática",
        "transcript": "Transcripción", "captions": "Subtítulos", "video": "Vídeo", "audio": "Audio",
    },
    "de": {
        "note": "Hinweis", "tip": "Tipp", "warning": "Warnung", "important": "Wichtig",
        "danger": "Gefahr", "caution": "Vorsicht", "info": "Info", "example": "Beispiel",
        "contents": "Inhalt", "module": "Modul", "lesson": "Lektion", "quiz": "Quiz",
        "question": "Frage", "page_of": "Seite {page} von {pages}",
        "minutes": "{n} Min.", "points_one": "{n} Punkt", "points_other": "{n} Punkte", "true": "Richtig", "false": "Falsch",
        "glossary": "Glossar", "outcomes": "Lernziele", "your_answer": "Ihre Antwort",
        "not_graded": "Nicht automatisch bewertet",
        "transcript": "Transkript", "captions": "Untertitel", "video": "Video", "audio": "Audio",
    },
    "pt": {
        "note": "Nota", "tip": "Dica", "warning": "Aviso", "important": "Importante",
        "danger": "Perigo", "caution": "Cuidado", "info": "Informação", "example": "Exemplo",
        "contents": "Sumário", "module": "Módulo", "lesson": "Lição", "quiz": "Questionário",
        "question": "Questão", "page_of": "Página {page} de {pages}",
        "minutes": "{n} min", "points_one": "{n} ponto", "points_other": "{n} pontos", "true": "Verdadeiro", "false": "Falso",
        "glossary": "Glossário", "outcomes": "Objetivos de aprendizagem", "your_answer": "Sua resposta",
        "not_graded": "Sem correção automática",
        "transcript": "Transcrição", "captions": "Legendas", "video": "Vídeo", "audio": "Áudio",
    },
    "ar": {
        "note": "ملاحظة", "tip": "نصيحة", "warning": "تحذير", "important": "مهم",
        "danger": "خطر", "caution": "تنبيه", "info": "معلومة", "example": "مثال",
        "contents": "المحتويات", "module": "الوحدة", "lesson": "الدرس", "quiz": "اختبار",
        "question": "السؤال", "page_of": "الصفحة {page} من {pages}",
        "minutes": "{n} دقيقة", "points_one": "الدرجة: {n}", "points_other": "الدرجة: {n}", "true": "صواب", "false": "خطأ",
        "glossary": "مسرد المصطلحات", "outcomes": "نواتج التعلم", "your_answer": "إجابتك",
        "not_graded": "لا يُصحَّح آليًا",
        "transcript": "النص المكتوب", "captions": "الترجمة النصية", "video": "فيديو", "audio": "صوت",
    },
}


def resolve_labels(language: str, tables: Iterable[LabelTable],
                   overrides: Mapping[str, str] = MappingProxyType({})) -> Mapping[str, str]:
    """The words of ``tables`` for a BCP 47 tag: the primary subtag's words (English where a table
    has no such language), then the exact tag's if a table has it, then the course's overrides."""
    primary = language.split("-")[0].lower()
    words: dict[str, str] = {}
    for table in tables:
        words.update(table["en"])
        words.update(table.get(primary, {}))
        words.update(table.get(language, {}))
    words.update({k: v for k, v in overrides.items() if k in words})
    return MappingProxyType(words)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a label."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_overrides(overrides: Mapping[str, str], tables: Iterable[LabelTable]) -> list[tuple[str, str]]:
    """(key, what is wrong and how to fix it) for each override that no table can take."""
    english: dict[str, str] = {}
    for table in tables:
        english.update(table["en"])
    found: list[tuple[str, str]] = []
    for key, text in overrides.items():
        if key not in english:
            close = difflib.get_close_matches(key, list(english), n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else " (the README lists the label keys)"
            found.append((key, f"unknown label '{key}'{hint}"))
            continue
        try:
            used = placeholders(text)
        except ValueError:
            found.append((key, f"label '{key}' has an unpaired '{{' or '}}': write the fields as "
                          f"in the built-in text '{english[key]}'"))
            continue
        wanted = placeholders(english[key])
        if used != wanted:
            need = ", ".join(f"{{{n}}}" for n in sorted(wanted)) or "no {…} fields"
            found.append((key, f"label '{key}' must use {need}, as the built-in text '{english[key]}' "
                          f"does (found {', '.join(f'{{{n}}}' for n in sorted(used)) or 'none'})"))
        elif key.endswith("_months") and len(text.split(",")) != 12:
            found.append((key, f"label '{key}' needs the twelve month names separated by commas "
                          f"(found {len(text.split(','))})"))
    return found


#: primary language subtags written right to left
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag (for ``<html dir>``)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"

