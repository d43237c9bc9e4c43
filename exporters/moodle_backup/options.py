"""The ``moodle-backup`` exporter's options (``exporters: moodle-backup:`` in course.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MoodleBackupOptions(BaseModel):
    """``exporters: moodle-backup:`` in course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lessons: Literal["page", "book"] = Field(
        "page", description="each lesson as a Page activity, or each module's lessons as one Book "
        "(one chapter per lesson)")
    scorm: Literal["none", "course", "module"] = Field(
        "none", description="also the scorm12 exporter's SCORM package as a SCORM activity: none, once for the "
        "course (in section 0), or in each module's section (that module's package)")
