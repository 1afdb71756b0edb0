"""How file paths are shown: relative to the current folder when inside it, with ``/``."""

from __future__ import annotations

import os
from pathlib import Path


def absolute(path: Path) -> Path:
    """``path`` made absolute with links resolved where possible; a link loop (which
    makes ``resolve`` raise) keeps the path as written, made absolute."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def display_path(path: Path) -> str:
    """A file path as findings show it: relative to the current folder when inside it,
    always with ``/``."""
    try:
        return absolute(path).relative_to(absolute(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()
