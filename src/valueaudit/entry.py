"""The ``valueaudit`` command's entry point, kept tiny so the commonest calls start fast.

``--version`` imports nothing, and ``check`` with nothing but paths (what pre-commit
runs on every commit) skips typer and goes straight to :func:`valueaudit.run.check`
(SPEC §9: under 0.1 s and 0.2 s). Everything else goes through :mod:`valueaudit.cli`.
"""

from __future__ import annotations

import sys

from valueaudit import __version__


def main() -> None:
    """Run the command line (``valueaudit.cli``), answering the fast cases at once."""
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"valueaudit {__version__}")
        return
    if args[:1] == ["check"] and not any(arg.startswith("-") for arg in args[1:]):
        from pathlib import Path

        from valueaudit import run

        run.interruptible(lambda: run.check([Path(arg) for arg in args[1:]] or None))
        return
    from valueaudit.cli import main as run_cli

    run_cli()
