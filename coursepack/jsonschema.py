"""JSON Schema of the source files, for editors (VS Code YAML and others)."""

from __future__ import annotations

from typing import Any

from .exporter import Exporter
from .schema import FILE_MODELS

BASE_URL = "https://coursepack.invalid/schema"


def source_schemas(exporters: dict[str, type[Exporter]]) -> dict[str, dict[str, Any]]:
    """One JSON Schema per file kind; course.yaml's ``exporters`` section lists each exporter's options."""
    documents = {}
    for kind, model in FILE_MODELS.items():
        document = model.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["$id"] = f"{BASE_URL}/{kind}.schema.json"
        if kind == "course":
            options = {}
            for name, cls in exporters.items():
                schema = cls.Options.model_json_schema(ref_template=f"#/$defs/{name}.{{model}}")
                for def_name, definition in schema.pop("$defs", {}).items():
                    document.setdefault("$defs", {})[f"{name}.{def_name}"] = definition
                options[name] = schema
            document["properties"]["exporters"] = {
                "type": "object",
                "description": "options per exporter name",
                "properties": options,
                "additionalProperties": {"type": ["object", "null"]},
            }
        documents[kind] = document
    return documents
