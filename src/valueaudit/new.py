"""``valueaudit new``: write a commented starter process from a template."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from valueaudit.model import SLUG_PATTERN
from valueaudit.output.files import write_atomic

TEMPLATES = ("purchase", "complaint", "prospect-query", "payment")


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


def write_new(path: Path, text: str) -> None:
    """Write a new process file, atomically, never replacing an existing file."""
    try:
        write_atomic(path, text, overwrite=False)
    except FileExistsError:
        raise NewProcessError(f"{path} already exists; choose another id or --output") from None
    except OSError as error:
        raise NewProcessError(f"cannot write {path}: {error.strerror or error}") from None
