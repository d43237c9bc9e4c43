"""Words that outputs print, per course language (English is the fallback)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important",
        "danger": "Danger", "caution": "Caution", "info": "Info", "example": "Example",
        "contents": "Contents", "module": "Module", "lesson": "Lesson", "quiz": "Quiz",
        "question": "Question", "page_of": "Page {page} of {pages}", "page": "Page",
        "previous": "Previous", "next": "Next", "submit": "Submit answers",
        "score": "Score", "passed": "Passed", "failed": "Not passed yet",
        "correct": "Correct", "incorrect": "Incorrect", "partially": "Partially correct",
        "true": "True", "false": "False", "answer_key": "Answer key", "glossary": "Glossary",
        "outcomes": "Learning outcomes", "outcome_map": "Outcomes, lessons and questions",
        "minutes": "{n} min", "points": "{n} point(s)", "your_answer": "Your answer",
        "select": "Choose…", "grader_notes": "Notes for the grader", "feedback": "Feedback",
        "version": "Version", "licence": "Licence", "authors": "Authors", "date": "Date",
        "skip_to_content": "Skip to content", "menu": "Contents", "completed": "Completed",
        "not_graded": "Not auto-graded", "units": "Unit", "retry": "Try again",
        "preview_mode": "Preview: no LMS found, progress is not saved.",
    },
    "id": {
        "note": "Catatan", "tip": "Tips", "warning": "Peringatan", "important": "Penting",
        "danger": "Bahaya", "caution": "Perhatian", "info": "Info", "example": "Contoh",
        "contents": "Daftar Isi", "module": "Modul", "lesson": "Pelajaran", "quiz": "Kuis",
        "question": "Soal", "page_of": "Halaman {page} dari {pages}", "page": "Halaman",
        "previous": "Sebelumnya", "next": "Berikutnya", "submit": "Kirim jawaban",
        "score": "Skor", "passed": "Lulus", "failed": "Belum lulus",
        "correct": "Benar", "incorrect": "Salah", "partially": "Sebagian benar",
        "true": "Benar", "false": "Salah", "answer_key": "Kunci Jawaban", "glossary": "Glosarium",
        "outcomes": "Capaian Pembelajaran", "outcome_map": "Peta Capaian, Pelajaran, dan Soal",
        "minutes": "{n} menit", "points": "{n} poin", "your_answer": "Jawaban Anda",
        "select": "Pilih…", "grader_notes": "Catatan untuk penilai", "feedback": "Umpan balik",
        "version": "Versi", "licence": "Lisensi", "authors": "Penulis", "date": "Tanggal",
        "skip_to_content": "Lompat ke isi", "menu": "Daftar isi", "completed": "Selesai",
        "not_graded": "Tidak dinilai otomatis", "units": "Satuan", "retry": "Coba lagi",
        "preview_mode": "Pratinjau: LMS tidak ditemukan, kemajuan tidak disimpan.",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """Labels for a BCP 47 tag: exact, then primary subtag, then English for what is missing."""
    base = dict(LABELS["en"])
    primary = language.split("-")[0].lower()
    base.update(LABELS.get(primary, {}))
    base.update(LABELS.get(language, {}))
    return base
