"""The ``valueaudit`` command's entry point, kept tiny so ``--version`` imports nothing."""

from __future__ import annotations

import sys

from valueaudit import __version__


def main() -> None:
    """Run the command line (``valueaudit.cli``), answering ``--version`` at once."""
    if sys.argv[1:] == ["--version"]:
        print(f"valueaudit {__version__}")
        return
    from valueaudit.cli import main as run

    run()
