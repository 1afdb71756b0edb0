"""The typer application, and how a command is registered: its return value is the
exit code, and a usage error or a closed stdout become one in one place."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from valueaudit.cli.run import EXIT_USAGE
from valueaudit.cli.signals import StdoutClosed
from valueaudit.errors import UsageError
from valueaudit.hints import escape_unsafe, one_line
from valueaudit.version import version_line

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="valueaudit",
    help="Audit the value exchanged at customer touchpoints: who gives and receives what, "
    "how uneven each exchange is, and ranked opportunities to improve it.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


Command = TypeVar("Command", bound=Callable[..., int])


def _command(function: Command) -> Command:
    """Register a command. Its return value is the exit code; this is the one place
    where a usage error becomes one line on stderr and exit 2, and where a closed stdout
    (``| head``) leaves the command as :class:`~valueaudit.cli.signals.StdoutClosed` (click would
    turn the broken pipe into exit 1)."""

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> None:
        try:
            code = function(*args, **kwargs)
        except UsageError as error:
            # a message may quote a configuration value or a path: user text, escaped
            print(f"valueaudit: error: {one_line(escape_unsafe(str(error)))}", file=sys.stderr)
            code = EXIT_USAGE
        except BrokenPipeError:
            raise StdoutClosed from None
        raise typer.Exit(code)

    app.command()(command)
    return function


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """valueaudit: audit the value exchanged at customer touchpoints."""
