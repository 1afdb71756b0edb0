"""The files a repository ignores, as git reads its ``.gitignore`` files (SPEC: folder
scans leave out what the repository ignores, as ruff does; ``respect-gitignore = false``
turns it off).

Each ``.gitignore`` holds patterns relative to its own folder; a deeper file's patterns
come after its parents', and the last pattern that matches a path decides (``!`` takes
a path back). A folder named on the command line is searched even if it is ignored, as
a file named there is audited. As for git, they count inside a git work tree only, from its top down
(the folders above the scanned one too), after ``.git/info/exclude``. A folder that is ignored is
not searched: git cannot take back a file below an ignored folder. Patterns are read
with ``pathspec``'s Git semantics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pathspec


def _read(file: Path) -> pathspec.GitIgnoreSpec | None:
    """The patterns of one ignore file (``None`` when it has none or cannot be read: an
    unreadable ``.gitignore`` ignores nothing, as git's does)."""
    import pathspec  # only when a folder has an ignore file: it costs start-up time

    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # a pattern pathspec cannot read: git would skip it too
        return None
    return spec if spec.patterns else None


def _matches_itself(pattern: Any, relative: str) -> bool:
    """Whether a pattern matches ``relative`` itself (a folder written with a trailing
    ``/``), not only a folder above it: pathspec's patterns also match everything below
    a folder they match, and mark where that folder ends with the group ``ps_d``."""
    found = pattern.regex.match(relative)
    if found is None:
        return False
    if "ps_d" not in pattern.regex.groupindex or found.group("ps_d") is None:
        return True
    end: int = found.end("ps_d")
    return end == len(relative)  # the folder itself, not below it


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree ``folder`` is in, if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@dataclass
class GitIgnores:
    """The ignore files met so far, by folder (absolute), read once each."""

    _specs: dict[Path, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)
    _chains: dict[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]] = field(default_factory=dict)

    def _spec(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            self._specs[folder] = _read(folder / ".gitignore")
        return self._specs[folder]

    def _chain(self, folder: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The ignore files that apply in ``folder``, outermost first: inside a work
        tree, from its top (``.git/info/exclude`` before the top's ``.gitignore``)."""
        if folder not in self._chains:
            self._chains[folder] = self._find_chain(folder)
        return self._chains[folder]

    def _find_chain(self, folder: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        top = work_tree(folder)
        if top is None:  # git ignores nothing outside a work tree, and neither do we
            return []
        folders = [folder, *folder.parents]
        folders = folders[: folders.index(top) + 1]
        chain = []
        exclude = self._specs.setdefault(
            top / ".git" / "info", _read(top / ".git" / "info" / "exclude")
        )
        if exclude is not None:
            chain.append((top, exclude))
        for each in reversed(folders):
            spec = self._spec(each)
            if spec is not None:
                chain.append((each, spec))
        return chain

    def ignored(self, path: Path, *, is_folder: bool) -> bool:
        """Whether git ignores ``path`` (absolute), by the ignore files of its folder and
        of the folders above it: the last pattern that matches the path itself decides.
        A match of a folder above it does not count here (a walk does not enter an
        ignored folder, and git takes nothing back below one)."""
        verdict = False
        for folder, spec in self._chain(path.parent):
            relative = path.relative_to(folder).as_posix() + ("/" if is_folder else "")
            for pattern in spec.patterns:
                if pattern.include is not None and _matches_itself(pattern, relative):
                    verdict = pattern.include
        return verdict

    def skip_walked(self, folder: str, subfolders: list[str], files: list[str]) -> None:
        """Drop, in place, what git ignores among a walked folder's entries (so that
        ``os.walk`` does not enter ignored folders)."""
        here = Path(os.path.abspath(folder))
        subfolders[:] = [d for d in subfolders if not self.ignored(here / d, is_folder=True)]
        files[:] = [f for f in files if not self.ignored(here / f, is_folder=False)]
