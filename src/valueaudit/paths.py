"""How file paths are shown: relative to the current folder when inside it, with ``/``."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path) -> str:
    """A file path as findings show it: relative to the current folder when inside it,
    always with ``/``."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
