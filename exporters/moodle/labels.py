"""The words the Moodle XML question bank carries (combined feedback), per language."""

from __future__ import annotations

from coursepack.labels import LabelTable

MOODLE_LABELS: LabelTable = {
    "en": {"moodle_correct": "Your answer is correct.", "moodle_partially": "Your answer is partially correct.",
           "moodle_incorrect": "Your answer is incorrect."},
    "id": {"moodle_correct": "Jawaban Anda benar.", "moodle_partially": "Jawaban Anda sebagian benar.",
           "moodle_incorrect": "Jawaban Anda salah."},
    "fr": {"moodle_correct": "Votre réponse est correcte.",
           "moodle_partially": "Votre réponse est partiellement correcte.",
           "moodle_incorrect": "Votre réponse est incorrecte."},
    "es": {"moodle_correct": "Tu respuesta es correcta.", "moodle_partially": "Tu respuesta es parcialmente correcta.",
           "moodle_incorrect": "Tu respuesta es incorrecta."},
    "de": {"moodle_correct": "Ihre Antwort ist richtig.", "moodle_partially": "Ihre Antwort ist teilweise richtig.",
           "moodle_incorrect": "Ihre Antwort ist falsch."},
    "pt": {"moodle_correct": "Sua resposta está correta.",
           "moodle_partially": "Sua resposta está parcialmente correta.",
           "moodle_incorrect": "Sua resposta está incorreta."},
    "ar": {"moodle_correct": "إجابتك صحيحة.", "moodle_partially": "إجابتك صحيحة جزئيًا.",
           "moodle_incorrect": "إجابتك غير صحيحة."},
}
