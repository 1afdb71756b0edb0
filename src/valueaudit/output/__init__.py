"""Formatters: each turns a :class:`~valueaudit.engine.ScanResult` into text.

Each format is a small module; :func:`render` picks one by name, importing only it.
"""

from __future__ import annotations

import importlib
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from valueaudit.engine import ScanResult
    from valueaudit.settings import Settings

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")


def console(file: io.StringIO | None = None) -> Console:
    """A rich console for stdout, or a plain one 100 columns wide writing to ``file``
    (rich is imported only here, when something is printed with it)."""
    from rich.console import Console

    if file is not None:
        return Console(file=file, highlight=False, no_color=True, width=100)
    return Console(highlight=False)


def render(name: str, result: ScanResult, settings: Settings, *, quiet: bool = False) -> str:
    """The scan in format ``name``, as text (``text`` without colour)."""
    if name == "text":
        from valueaudit.output import text

        buffer = io.StringIO()
        text.render(result, console(buffer), quiet=quiet)
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
