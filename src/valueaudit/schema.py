"""The JSON Schema of process format v1, for editors (``valueaudit schema``).

Generated from the models, so it cannot drift from what valueaudit accepts; checks
that need the whole file (values within the process's ``scale``, references between
parties and touchpoints) are left to valueaudit itself.
"""

from __future__ import annotations

import json
from typing import Any

from valueaudit.model import Process


def process_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a process file."""
    generated = Process.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "valueaudit process, format version 1",
        "description": "One business process as a chain of customer touchpoints, with what "
        "each party gives and receives at each. See valueaudit's README.",
    }
    generated.pop("title", None)
    generated.pop("description", None)
    schema.update(generated)
    schema["properties"]["valueaudit"]["const"] = 1
    _title_every_property(schema)
    return schema


def _title_every_property(node: Any) -> None:
    """pydantic leaves the title off properties that are references to a model."""
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            prop.setdefault("title", name.replace("_", " ").title())
        for value in node.values():
            _title_every_property(value)
    elif isinstance(node, list):
        for value in node:
            _title_every_property(value)


def render_schema() -> str:
    """The schema as JSON text with a stable key order."""
    return json.dumps(process_schema(), ensure_ascii=False, indent=2) + "\n"
