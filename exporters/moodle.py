"""Moodle XML question bank (work in progress)."""

from coursepack.exporter import Exporter


class MoodleExporter(Exporter):
    name = "moodle"
    description = "Moodle XML question bank (.xml)"
    suffix = ".xml"
