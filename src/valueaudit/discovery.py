"""Find the process files a scan covers."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from valueaudit.gitignore import GitIgnores
from valueaudit.paths import display_path

SUFFIXES = (".yaml", ".yml")


class MissingPathError(Exception):
    """A path named on the command line does not exist."""


def discover(
    paths: Sequence[Path],
    excluded: Callable[[str], bool] = lambda _: False,
    root: Path | None = None,
    *,
    gitignore: bool = False,
) -> list[tuple[Path, str]]:
    """Process files under ``paths``, as (path, display path), sorted by display path.

    Folders are searched recursively for ``*.yaml`` and ``*.yml``, skipping hidden
    folders, files ``excluded`` says to leave out and, with ``gitignore``, what the
    repository's ``.gitignore`` files ignore (:mod:`valueaudit.gitignore`); symbolic
    links to folders are not followed (no loops). A file named explicitly is always
    taken. A folder that
    cannot be searched, or a path that cannot be looked at, is taken as if it were a
    file: reading it fails, and the scan reports it (VA109) instead of silently auditing
    less. Display paths are relative to ``root`` (default: the current folder).
    """

    def shown(path: Path) -> str:
        return display_path(path, root)

    ignores = GitIgnores() if gitignore else None
    found: dict[str, Path] = {}
    for path in paths:
        try:
            is_folder = path.is_dir()
            if not is_folder and not path.exists() and not path.is_symlink():
                raise MissingPathError(str(path))
        except PermissionError:  # inside a folder we may not search
            found.setdefault(shown(path), path)
            continue
        if not is_folder:
            found.setdefault(shown(path), path)
            continue
        unreadable: list[OSError] = []
        for folder, subfolders, files in os.walk(path, onerror=unreadable.append):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            if ignores is not None:
                ignores.skip_walked(folder, subfolders, files)
            for name in files:
                if name.lower().endswith(SUFFIXES):
                    candidate = Path(folder, name)
                    display = shown(candidate)
                    if not excluded(display):
                        found.setdefault(display, candidate)
        for error in unreadable:
            if error.filename is not None:
                refused = Path(os.fsdecode(error.filename))
                found.setdefault(shown(refused), refused)
    return [(found[key], key) for key in sorted(found)]
