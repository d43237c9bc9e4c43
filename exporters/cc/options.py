"""The ``cc`` exporter's options (``exporters: cc:`` in course.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CcOptions(BaseModel):
    """``exporters: cc:`` in course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal["1.1"] = Field("1.1", description="Common Cartridge version (1.1: what Canvas, "
                                    "Blackboard, Brightspace, Moodle and Open edX import)")
    file_links: Literal["relative", "filebase"] = Field(
        "relative", description="how pages point at their images and files: relative paths (the "
        "standard; Moodle, Canvas, Blackboard, Brightspace) or $IMS-CC-FILEBASE$/… (Canvas's own "
        "export style, which Open edX's cc2olx needs to find page images)")
