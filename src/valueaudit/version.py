"""The version: one string, read by the packaging metadata, ``--version`` and every
output that names the tool."""

from __future__ import annotations

__version__ = "0.1.0"


def version_line() -> str:
    """What ``valueaudit --version`` prints."""
    return f"valueaudit {__version__}"
