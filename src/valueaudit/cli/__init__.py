"""The ``valueaudit`` command line: thin typer commands over the library.

:mod:`~valueaudit.cli.app` holds the application, :mod:`~valueaudit.cli.options` the
options the commands share, :mod:`~valueaudit.cli.commands` the commands. Commands parse
options, call the library (or :mod:`valueaudit.cli.run` for the commands that audit) and
return an exit code: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2
usage or configuration errors. :func:`main` turns usage errors, signals and a closed
pipe into exit codes, in one place. Heavy modules are imported inside the commands that
use them.
"""

from __future__ import annotations

import os
import re
import sys

import typer

from valueaudit.cli import (
    commands,  # noqa: F401  (registers the commands)
    signals,
)
from valueaudit.cli.app import app
from valueaudit.cli.run import EXIT_OK, EXIT_USAGE
from valueaudit.hints import escape_unsafe, one_line

#: pydantic's wording, which typer's option parsing lets through, in ours.
_PYDANTIC_WORDS = (
    (re.compile(r"Value error, "), ""),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"must be at least \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"must be at most \1"),
    (re.compile(r"Input should be a valid integer.*"), "must be a whole number"),
    (re.compile(r"Input should be a valid number.*"), "must be a number"),
    (re.compile(r"Input should be (.*)"), r"must be \1"),
    # older typer releases leave it to click, in click's words
    (re.compile(r"'[^']*' is not a valid integer(?: range)?\."), "must be a whole number"),
    (re.compile(r"(\S+) is not in the range x>=(\S+)\."), r"must be at least \2"),
)


def plain_usage(message: str) -> str:
    """A click usage message with pydantic's phrases put in plain words."""
    for pattern, words in _PYDANTIC_WORDS:
        message = pattern.sub(words, message)
    return message


def _invoke() -> int:
    """Run the typer app and return the exit code, rather than letting click exit."""
    try:
        code: object = app(standalone_mode=False)
    except typer.Abort:
        return EXIT_USAGE
    except Exception as error:
        # click's usage errors (bad option, missing argument): click's own message; typer
        # vendors click in newer releases, so the class is recognised by what it offers
        describe = getattr(error, "format_message", None)
        exit_code = getattr(error, "exit_code", None)
        show = getattr(error, "show", None)
        if type(error).__name__ == "NoArgsIsHelpError" and callable(show):
            show()  # `valueaudit` alone: the help, as click prints it
            return exit_code if isinstance(exit_code, int) else EXIT_USAGE
        if callable(describe) and isinstance(exit_code, int):
            context = getattr(error, "ctx", None)
            where = f"{context.command_path} --help" if context is not None else "--help"
            # it may quote an argument: user text, escaped, on one line
            message = one_line(escape_unsafe(plain_usage(str(describe()))))
            print(f"valueaudit: error: {message} ({where})", file=sys.stderr)
            return exit_code
        raise
    return code if isinstance(code, int) else EXIT_OK


def main() -> None:
    """Run the command line; exit with the command's code."""
    # valueaudit uses no pydantic plugins; looking for them scans every installed package
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signals.guard_stdout()
    sys.exit(signals.interruptible(_invoke))


__all__ = ["app", "main", "plain_usage"]
