"""``valueaudit new``: write a commented starter process from a template."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

from valueaudit.model import SLUG_PATTERN
from valueaudit.output.files import write_atomic

TEMPLATES = ("purchase", "complaint", "prospect-query", "payment")
#: The process format's JSON Schema, at the top of a repository (``valueaudit init``).
SCHEMA_FILE = "valueaudit.schema.json"
#: The first line of a process file: it points the YAML language server at the schema.
MODELINE = "# yaml-language-server: $schema={schema}\n"


class NewProcessError(Exception):
    """The process cannot be written (bad id, file exists, unwritable folder)."""


def render_template(template: str, process_id: str) -> str:
    """The template's text for a process id."""
    if template not in TEMPLATES:
        raise NewProcessError(f"unknown template '{template}'; choose from {', '.join(TEMPLATES)}")
    if not re.match(SLUG_PATTERN, process_id):
        raise NewProcessError(
            f"'{process_id}' is not a valid id: use lower-case letters, digits and hyphens"
        )
    text = resources.files("valueaudit").joinpath(f"templates/{template}.yaml").read_text("utf-8")
    name = process_id.replace("-", " ").capitalize()
    return text.replace("__ID__", process_id).replace("__NAME__", name)


def find_schema(folder: Path) -> Path | None:
    """The schema file in ``folder`` or the nearest folder above it, if any."""
    for candidate in (folder.absolute(), *folder.absolute().parents):
        if (candidate / SCHEMA_FILE).is_file():
            return candidate / SCHEMA_FILE
    return None


def starter_text(template: str, process_id: str, target: Path, schema: Path) -> str:
    """A template's text for ``target``, its first line pointing editors at ``schema``
    (relative to the file's folder: ``../valueaudit.schema.json`` under processes/)."""
    relative = os.path.relpath(schema.absolute(), target.absolute().parent)
    return MODELINE.format(schema=Path(relative).as_posix()) + render_template(template, process_id)


def write_new(path: Path, text: str) -> None:
    """Write a new process file, atomically, never replacing an existing file."""
    try:
        write_atomic(path, text, overwrite=False)
    except FileExistsError:
        raise NewProcessError(f"{path} already exists; choose another id or --output") from None
    except OSError as error:
        raise NewProcessError(f"cannot write {path}: {error.strerror or error}") from None
