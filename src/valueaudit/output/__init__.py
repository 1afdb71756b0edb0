"""Formatters: each turns a :class:`~valueaudit.engine.ScanResult` into text.

Each format is a small module; :func:`render` picks one by name, importing only it.
"""

from __future__ import annotations

import importlib
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from valueaudit.engine import ScanResult
    from valueaudit.settings import Settings

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")


def render(name: str, result: ScanResult, settings: Settings, *, quiet: bool = False) -> str:
    """The scan in format ``name``, as text (``text`` without colour)."""
    if name == "text":
        from rich.console import Console

        from valueaudit.output import text

        buffer = io.StringIO()
        console = Console(file=buffer, highlight=False, no_color=True, width=100)
        text.render(result, console, quiet=quiet)
        return buffer.getvalue()
    if name == "junit":
        from valueaudit.output import junit

        return junit.render(result, settings)
    module = importlib.import_module(f"valueaudit.output.{_MODULES[name]}")
    rendered: str = module.render(result)
    return rendered


_MODULES = {
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "markdown": "markdown",
}
