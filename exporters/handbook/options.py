"""The handbook's options (``exporters: handbook:`` in course.yaml); the exporter's context carries them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

VARIANTS = {"none": None, "pdf/ua-1": "pdf/ua-1", "pdf/a-3b": "pdf/a-3b"}
PARALLEL_MIN_MODULES = 2        # "auto": below these sizes one process is as fast (measured on
PARALLEL_MIN_LESSONS = 10       # 2 cores: 8 lessons in 2 modules, 30 pages, break even)


class HandbookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    paper: Literal["A4", "Letter"] = Field("A4", description="paper size")
    right_hand_modules: bool = Field(False, description="modules start on a recto: a right-hand page, "
                                     "a left-hand one in a right-to-left book (a blank page is inserted "
                                     "when needed)")
    pdf_variant: Literal["none", "pdf/ua-1", "pdf/a-3b"] = Field(
        "none", description="none; pdf/ua-1 (tagged, accessible PDF); pdf/a-3b (archival PDF/A)")
    hyphenate: bool = Field(True, description="hyphenate words in the course language")
    parallel: Literal["auto", "on", "off"] = Field(
        "auto", description="typeset modules in parallel worker processes and join them (auto: for "
        f"courses with at least {PARALLEL_MIN_MODULES} modules and {PARALLEL_MIN_LESSONS} lessons; "
        "PDF/UA, PDF/A and right-to-left books always use one process)")
    jobs: int = Field(0, ge=0, description="worker processes for parallel typesetting (0: one per CPU core)")

