"""SCORM 1.2 and SCORM 2004 4th edition packages (work in progress)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import Exporter


class ScormOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sco: Literal["course", "module"] = Field("course", description="one SCO for the course, or one per module")


class Scorm12Exporter(Exporter):
    name = "scorm12"
    description = "SCORM 1.2 package (.zip)"
    suffix = ".zip"
    Options = ScormOptions


class Scorm2004Exporter(Exporter):
    name = "scorm2004"
    description = "SCORM 2004 4th edition package (.zip)"
    suffix = ".zip"
    Options = ScormOptions
