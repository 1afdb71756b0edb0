"""The JSON Schema of process format v1, for editors (``valueaudit schema``).

Derived from :data:`valueaudit.model.PROCESS_SCHEMA`, the schema valueaudit validates
with, so it cannot drift from what valueaudit accepts. Checks that need the whole file
(values within the process's ``scale``, references between parties and touchpoints)
are left to valueaudit itself.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from valueaudit.model import FORMAT_VERSION, PROCESS_SCHEMA

JsonSchema = dict[str, Any]


def process_schema() -> JsonSchema:
    """The JSON Schema (draft 2020-12) of a process file."""
    definitions: dict[str, JsonSchema] = {}
    _json(PROCESS_SCHEMA, definitions)
    root = definitions.pop("Process")
    root.pop("title")
    root.pop("description")
    root["properties"]["valueaudit"]["const"] = FORMAT_VERSION
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"valueaudit process, format version {FORMAT_VERSION}",
        "description": "One business process as a chain of customer touchpoints, with what "
        "each party gives and receives at each. See valueaudit's README.",
        "$defs": dict(sorted(definitions.items())),
        **root,
    }


def _json(core: Any, definitions: dict[str, JsonSchema]) -> JsonSchema:
    """The JSON Schema of one node of the core schema; records go to ``definitions``."""
    kind = core["type"]
    metadata = core.get("metadata") or {}
    if "json_schema" in metadata:
        return dict(metadata["json_schema"])
    if kind == "model":
        name = core["cls"].__name__
        if name not in definitions:
            definitions[name] = _record(core, definitions)
        return {"$ref": f"#/$defs/{name}"}
    if kind == "default":
        inner = _json(core["schema"], definitions)
        return {**inner, "default": _plain(core["default"])}
    if kind == "nullable":
        inner = _json(core["schema"], definitions)
        choices = inner["anyOf"] if list(inner) == ["anyOf"] else [inner]
        return {"anyOf": [*choices, {"type": "null"}]}
    if kind == "function-before" and metadata.get("one_or_many"):
        many = _json(core["schema"], definitions)
        return {"anyOf": [many["items"], many]}
    if kind in ("function-after", "function-before"):
        return _json(core["schema"], definitions)
    if kind == "tuple":
        result = {"items": _json(core["items_schema"][0], definitions), "type": "array"}
        return _with(result, core, {"min_length": "minItems"})
    if kind == "dict":
        pattern = core["keys_schema"]["pattern"]
        result = {
            "patternProperties": {pattern: _json(core["values_schema"], definitions)},
            "type": "object",
        }
        return _with(result, core, {"min_length": "minProperties"})
    if kind == "literal":
        return {"enum": list(core["expected"]), "type": "string"}
    if kind == "date":
        return {"format": "date", "type": "string"}
    simple = {"str": "string", "int": "integer", "float": "number"}
    return _with(
        {"type": simple[kind]},
        core,
        {
            "pattern": "pattern",
            "min_length": "minLength",
            "ge": "minimum",
            "gt": "exclusiveMinimum",
            "le": "maximum",
        },
    )


def _record(core: Any, definitions: dict[str, JsonSchema]) -> JsonSchema:
    cls = core["cls"]
    properties: dict[str, JsonSchema] = {}
    required = []
    for name, field in core["schema"]["fields"].items():
        key = field.get("validation_alias") or name
        schema = _json(field["schema"], definitions)
        schema["description"] = field["metadata"]["description"]
        schema["title"] = key.replace("_", " ").title()
        properties[key] = _sorted(schema)
        if field["schema"]["type"] != "default":
            required.append(key)
    result: JsonSchema = {
        "additionalProperties": False,
        "description": inspect.cleandoc(cls.__doc__ or ""),
        "properties": properties,
        "title": cls.__name__,
        "type": "object",
    }
    if required:
        result["required"] = required
    return _sorted(result)


def _with(schema: JsonSchema, core: Any, names: dict[str, str]) -> JsonSchema:
    """``schema`` with the constraints of ``core`` under their JSON Schema names."""
    for core_name, json_name in names.items():
        if core.get(core_name) is not None:
            schema[json_name] = core[core_name]
    return _sorted(schema)


def _sorted(schema: JsonSchema) -> JsonSchema:
    return dict(sorted(schema.items()))


def _plain(default: object) -> object:
    return list(default) if isinstance(default, tuple) else default


def render_schema() -> str:
    """The schema as JSON text with a stable key order."""
    return json.dumps(process_schema(), ensure_ascii=False, indent=2) + "\n"
