"""``valueaudit init``: set a repository up to use valueaudit, overwriting nothing.

It writes the process format's JSON Schema (so that editors check process files as they
are typed), a starter process whose first line points editors at that schema, a
configuration file, a pre-commit configuration with valueaudit's hook and a GitHub
workflow; a file that is already there is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from valueaudit.new import SCHEMA_FILE, starter_text
from valueaudit.output.files import write_atomic

#: The starter process's id (and file name, under processes/).
STARTER_ID = "example-purchase"


@dataclass(frozen=True)
class Written:
    """One file ``init`` looked after: written, or kept because it exists (``why``)."""

    path: Path
    wrote: bool
    why: str = ""


def _ci_template(name: str) -> str:
    return resources.files("valueaudit").joinpath(f"templates/ci/{name}").read_text("utf-8")


def _configured_in_pyproject(top: Path) -> bool:
    """Whether ``pyproject.toml`` already has a ``[tool.valueaudit]`` table (then a
    ``valueaudit.toml`` beside it would take its place: none is written)."""
    import tomllib

    try:
        table = tomllib.loads((top / "pyproject.toml").read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    tool = table.get("tool")
    return isinstance(tool, dict) and "valueaudit" in tool


def initialise(top: Path) -> list[Written]:
    """Set ``top`` up; what was written and what was kept, in the order written. A file
    that cannot be written raises :class:`OSError`; the ones before it stay."""
    from valueaudit.schema import render_schema

    schema = top / SCHEMA_FILE
    starter = top / "processes" / f"{STARTER_ID}.yaml"
    files: list[tuple[Path, str | None, str]] = [
        (schema, render_schema("process"), ""),
        (starter, starter_text("purchase", STARTER_ID, starter, schema), ""),
        (
            top / "valueaudit.toml",
            None if _configured_in_pyproject(top) else _ci_template("valueaudit.toml"),
            "pyproject.toml has [tool.valueaudit]",
        ),
        (top / ".pre-commit-config.yaml", _ci_template("pre-commit-config.yaml"), ""),
        (top / ".github" / "workflows" / "valueaudit.yml", _ci_template("github-workflow.yml"), ""),
    ]
    done = []
    for path, text, why_not in files:
        if text is None:
            done.append(Written(path, wrote=False, why=why_not))
            continue
        try:  # never over an existing file, even one made meanwhile
            write_atomic(path, text, overwrite=False)
        except FileExistsError:
            done.append(Written(path, wrote=False, why="it exists"))
        else:
            done.append(Written(path, wrote=True))
    return done
