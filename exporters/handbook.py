"""Printable PDF handbook with WeasyPrint (work in progress)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coursepack.exporter import Exporter


class HandbookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    paper: Literal["A4", "Letter"] = Field("A4", description="paper size")


class HandbookExporter(Exporter):
    name = "handbook"
    description = "printable PDF handbook (.pdf)"
    suffix = ".pdf"
    Options = HandbookOptions
