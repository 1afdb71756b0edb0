"""How file paths are shown: relative to the root of the outputs (SPEC §7), with ``/``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: Environment variables CI systems set to the checked-out work tree, in the order tried.
CI_WORKSPACES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")


def absolute(path: Path) -> Path:
    """``path`` made absolute with links resolved where possible; a link loop (which
    makes ``resolve`` raise) keeps the path as written, made absolute."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def display_path(path: Path, root: Path | None = None) -> str:
    """A file path as outputs show it, always with ``/``: relative to ``root`` (default:
    the current folder) when the file, or the path as written, is inside it; else
    absolute. Distinct files never share a display path: ``b/x.yaml`` under the root
    and ``b/x.yaml`` beside it are ``b/x.yaml`` and ``/…/b/x.yaml``."""
    base = absolute(root or Path.cwd())
    written = Path(os.path.abspath(path))
    for candidate in (absolute(path), written):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return written.as_posix()


def output_root(
    explicit: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    start: Path | None = None,
) -> tuple[Path, str]:
    """The folder output paths are relative to, and why (SPEC §7): ``--root`` if given,
    else ``GITHUB_WORKSPACE`` or ``CI_PROJECT_DIR`` when set, else the top of the
    enclosing git work tree, else the current folder. Annotations then name the file
    GitHub or GitLab knows, whichever subfolder the scan started from. The reason is
    ``--root``, the variable's name, ``git`` or ``cwd``."""
    if explicit is not None:
        return absolute(explicit), "--root"
    for name in CI_WORKSPACES:
        if environ.get(name):
            return absolute(Path(environ[name])), name
    here = absolute(start or Path.cwd())
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a folder, or a file in a linked work tree
            return folder, "git"
    return here, "cwd"
