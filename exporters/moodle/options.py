"""The ``moodle`` exporter's options (``exporters: moodle:`` in course.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


DEFAULT_PENALTY = 0.3333333         # Moodle's default "penalty for each incorrect try"


class MoodleOptions(BaseModel):
    """``exporters: moodle:`` in course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    split: bool = Field(False, description="one file per module: <course-id>-moodle-<module-id>.xml")
    penalty: float = Field(DEFAULT_PENALTY, ge=0, le=1, description="share of the points lost per wrong "
                           "try (interactive mode) when a question sets no 'penalty'")
    answernumbering: Literal["abc", "ABCD", "123", "iii", "IIII", "none"] = Field(
        "abc", description="how multiple-choice answers are numbered")
    shuffleanswers: bool | None = Field(None, description="shuffle answers of every multiple-choice and "
                                        "matching question (default: each question's 'shuffle')")
    units: Literal["optional", "graded"] = Field(
        "optional", description="numerical units: optional (converted when given) or graded")
    unitpenalty: float = Field(0.1, ge=0, le=1, description="share of the mark lost for a wrong unit "
                               "when units are graded")
