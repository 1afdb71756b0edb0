"""The ``valueaudit`` command's entry point.

``valueaudit --version`` is answered here, with the same :func:`valueaudit.version_line`
that the command line's ``--version`` option prints, before typer is imported: it is
the one call that must start in well under 0.1 s (SPEC §9), and typer alone takes
longer to import. Everything else goes through :mod:`valueaudit.cli`.
"""

from __future__ import annotations

import sys

from valueaudit.version import version_line


def main() -> None:
    """Run the command line (:func:`valueaudit.cli.main`)."""
    if sys.argv[1:] == ["--version"]:
        print(version_line())
        return
    from valueaudit.cli import main as run_cli

    run_cli()
