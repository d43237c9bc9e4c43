"""Moodle course backup (``.mbz``): the whole course, restored by Moodle 4.5 as a new course.

One concern per file: ``exporter`` (the exporter and its options), ``plan`` (every id the
backup uses, fixed before anything is written), ``files`` (the file pool and ``files.xml``),
``course`` (``moodle_backup.xml``, ``course/``, ``sections/`` and the course-wide files),
``activities`` (pages, books, quizzes, the glossary, SCORM packages), ``scorm`` (the SCORM
package the ``scorm12`` exporter builds, and its SCOs as Moodle stores them), ``questions``
(``questions.xml``), ``archive`` (the reproducible gzip tar) and ``checks`` (preflight rules
and the check of a written backup).
"""

from .exporter import MoodleBackupExporter, MoodleBackupOptions

__all__ = ["MoodleBackupExporter", "MoodleBackupOptions"]
