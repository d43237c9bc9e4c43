"""The SCORM exporters' options (``exporters: scorm12:`` and ``exporters: scorm2004:`` in
course.yaml), the same for both editions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .budget import MAX_ATTEMPTS


class ScormOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sco: Literal["course", "module"] = Field("course", description="one SCO for the course, or one per module")
    attempts: int = Field(3, ge=0, le=MAX_ATTEMPTS,
                          description="submissions allowed per quiz (0: unlimited); the last one counts, "
                                      "and a quiz whose score reaches the pass mark is final")
