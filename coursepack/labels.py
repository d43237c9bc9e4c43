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
        "moodle_correct": "Your answer is correct.", "moodle_partially": "Your answer is partially correct.",
        "moodle_incorrect": "Your answer is incorrect.",
        "handbook_kicker": "Handbook", "handbook_page_abbr": "p.", "handbook_keywords": "Keywords",
        "handbook_months": "January,February,March,April,May,June,July,August,September,October,November,December",
        "handbook_date": "{month} {day}, {year}", "handbook_in_this_module": "In this module",
        "handbook_colophon": "Typeset from the course source with coursepack.",
        "handbook_worksheet": "Worksheet", "handbook_name": "Name",
        "handbook_quiz_intro": "{n} questions, {points} points in all.",
        "handbook_choose_one": "Tick one answer.", "handbook_choose_all": "Tick every correct answer.",
        "handbook_match": "Write the letter of the matching item from the right-hand column in each box.",
        "handbook_outcome": "Outcome", "handbook_lessons": "Lessons", "handbook_questions": "Questions",
        "handbook_stats": "{modules} modules · {lessons} lessons · {questions} questions",
        "essay_note": "Not auto-graded: it counts as answered and adds 0 points to your score.",
        "pass_mark": "Pass mark: {n}%", "quiz_score": "Score for this quiz: {score}% ({earned} of {max} points)",
        "overall_score": "Overall score: {score}%", "correct_answer": "Correct answer",
        "not_answered": "Not answered", "other_quizzes": "Submit the other quizzes to get your overall result.",
        "submitted": "Your answers were submitted.", "answer_number": "Answer (a number)",
        "points_one": "{n} point", "points_other": "{n} points",
        "opens_new_window": "(opens in a new window)", "hint": "Hint", "hints": "Hints",
        "start": "Start here", "start_kicker": "About this course",
        "how_completion": "How to complete it", "completion_lessons": "Open every lesson.",
        "completion_quiz": "Submit every quiz. To pass, your overall score must reach {n}%.",
        "attempts_rule_one": "Each quiz can be submitted once.",
        "attempts_rule_other": "Each quiz can be submitted up to {n} times. Your last attempt counts, and a quiz you pass is final.",
        "attempts_rule_unlimited": "You can try each quiz again until you pass it. Your last attempt counts.",
        "module_intro": "In this module", "modules_overview": "Modules",
        "end": "Your result", "end_lessons": "Lessons opened: {n} of {total}",
        "end_quizzes": "Quizzes submitted: {n} of {total}",
        "end_complete": "You have completed this course.",
        "end_incomplete": "Not complete yet: the contents mark what you have not opened or submitted.",
        "attempt_of": "Attempt {n} of {max}", "attempt_n": "Attempt {n}",
        "attempts_left_one": "{n} attempt left.", "attempts_left_other": "{n} attempts left.",
        "attempts_final": "This result is final.",
        "review_then_retry": "Review your answers and the feedback, then try again.",
        "unanswered_one": "{n} question is not answered yet. Submit anyway?",
        "unanswered_other": "{n} questions are not answered yet. Submit anyway?",
        "submit_anyway": "Submit anyway", "keep_answering": "Back to the questions",
        "transcript": "Transcript", "captions": "Captions", "video": "Video", "audio": "Audio",
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
        "moodle_correct": "Jawaban Anda benar.", "moodle_partially": "Jawaban Anda sebagian benar.",
        "moodle_incorrect": "Jawaban Anda salah.",
        "handbook_kicker": "Buku Pegangan", "handbook_page_abbr": "hlm.", "handbook_keywords": "Kata kunci",
        "handbook_months": "Januari,Februari,Maret,April,Mei,Juni,Juli,Agustus,September,Oktober,November,Desember",
        "handbook_date": "{day} {month} {year}", "handbook_in_this_module": "Dalam modul ini",
        "handbook_colophon": "Disusun dari sumber kursus dengan coursepack.",
        "handbook_worksheet": "Lembar Kerja", "handbook_name": "Nama",
        "handbook_quiz_intro": "{n} soal, total {points} poin.",
        "handbook_choose_one": "Centang satu jawaban.", "handbook_choose_all": "Centang semua jawaban yang benar.",
        "handbook_match": "Tulis huruf pasangan yang cocok dari kolom kanan di setiap kotak.",
        "handbook_outcome": "Capaian", "handbook_lessons": "Pelajaran", "handbook_questions": "Soal",
        "handbook_stats": "{modules} modul · {lessons} pelajaran · {questions} soal",
        "essay_note": "Tidak dinilai otomatis: dihitung sebagai terjawab dan menambah 0 poin pada skor Anda.",
        "pass_mark": "Nilai lulus: {n}%", "quiz_score": "Skor kuis ini: {score}% ({earned} dari {max} poin)",
        "overall_score": "Skor keseluruhan: {score}%", "correct_answer": "Jawaban benar",
        "not_answered": "Tidak dijawab", "other_quizzes": "Kerjakan kuis lainnya untuk melihat hasil akhir Anda.",
        "submitted": "Jawaban Anda sudah dikirim.", "answer_number": "Jawaban (angka)",
        "points_one": "{n} poin", "points_other": "{n} poin",
        "opens_new_window": "(membuka jendela baru)", "hint": "Petunjuk", "hints": "Petunjuk",
        "start": "Mulai di sini", "start_kicker": "Tentang kursus ini",
        "how_completion": "Cara menyelesaikannya", "completion_lessons": "Buka setiap pelajaran.",
        "completion_quiz": "Kirim setiap kuis. Untuk lulus, skor keseluruhan Anda harus mencapai {n}%.",
        "attempts_rule_one": "Setiap kuis hanya dapat dikirim satu kali.",
        "attempts_rule_other": "Setiap kuis dapat dikirim hingga {n} kali. Percobaan terakhir yang dihitung, dan kuis yang sudah lulus bersifat final.",
        "attempts_rule_unlimited": "Anda dapat mengulang setiap kuis sampai lulus. Percobaan terakhir yang dihitung.",
        "module_intro": "Dalam modul ini", "modules_overview": "Modul",
        "end": "Hasil Anda", "end_lessons": "Pelajaran dibuka: {n} dari {total}",
        "end_quizzes": "Kuis dikirim: {n} dari {total}",
        "end_complete": "Anda telah menyelesaikan kursus ini.",
        "end_incomplete": "Belum selesai: daftar isi menandai bagian yang belum dibuka atau dikirim.",
        "attempt_of": "Percobaan {n} dari {max}", "attempt_n": "Percobaan {n}",
        "attempts_left_one": "Sisa {n} percobaan.", "attempts_left_other": "Sisa {n} percobaan.",
        "attempts_final": "Hasil ini final.",
        "review_then_retry": "Tinjau jawaban dan umpan balik Anda, lalu coba lagi.",
        "unanswered_one": "{n} soal belum dijawab. Tetap kirim?",
        "unanswered_other": "{n} soal belum dijawab. Tetap kirim?",
        "submit_anyway": "Tetap kirim", "keep_answering": "Kembali ke soal",
        "transcript": "Transkrip", "captions": "Takarir", "video": "Video", "audio": "Audio",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """Labels for a BCP 47 tag: exact, then primary subtag, then English for what is missing."""
    base = dict(LABELS["en"])
    primary = language.split("-")[0].lower()
    base.update(LABELS.get(primary, {}))
    base.update(LABELS.get(language, {}))
    return base


#: primary language subtags written right to left
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag (for ``<html dir>``)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
