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
        try:
            print(version_line(), flush=True)
        except BrokenPipeError:
            sys.exit(141)  # a closed pipe: quiet, as the shell's own tools are
        except OSError as error:
            print(f"valueaudit: cannot write to standard output: {error.strerror}", file=sys.stderr)
            sys.exit(2)
        return
    from valueaudit.cli import main as run_cli

    run_cli()
