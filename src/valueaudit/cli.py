"""The ``valueaudit`` command line: thin typer commands over the library.

Commands parse options, call the library and turn its results into output and an exit
code: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or
configuration errors.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from valueaudit import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_PATH = Path("processes")
FORMATS = ("text", "json")

app = typer.Typer(
    name="valueaudit",
    help="Audit the value exchanged at customer touchpoints: who gives and receives what, "
    "how uneven each exchange is, and ranked opportunities to improve it.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class FailOn(StrEnum):
    """The lowest severity that makes the run fail (exit 1)."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class UsageError(Exception):
    """A bad option or path: reported in one line, exit 2."""


@dataclass(frozen=True)
class OutputSpec:
    """One ``--format FORMAT[:FILE]``: where a format goes (``None`` is stdout)."""

    format: str
    file: Path | None


def parse_output(spec: str) -> OutputSpec:
    """Parse ``FORMAT[:FILE]``."""
    name, _, file = spec.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
    return OutputSpec(name, Path(file) if file else None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"valueaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """valueaudit: audit the value exchanged at customer touchpoints."""


def _codes(values: list[str] | None) -> tuple[str, ...]:
    """Codes or prefixes from repeatable, comma-separated options, upper-cased."""
    return tuple(c.strip().upper() for v in values or () for c in v.split(",") if c.strip())


PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Process files or folders to scan (folders recursively). Default: processes/",
        show_default=False,
    ),
]
FormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[:FILE]",
        help="Output format, optionally written to FILE; repeatable. "
        f"Formats: {', '.join(FORMATS)}. Default: text on stdout.",
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity."),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="CODES",
        help="Only these rule codes or prefixes (VA2, VA301); repeatable.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", metavar="CODES", help="Skip these rule codes or prefixes; repeatable."
    ),
]
JobsOption = Annotated[
    int,
    typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 means one per CPU core."),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Text output: findings and the summary only.")
]


@app.command()
def scan(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = FailOn.error,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Audit processes: findings by file, scores per process, ranked opportunities."""
    from valueaudit.audit import audit_files
    from valueaudit.discovery import MissingPathError, discover
    from valueaudit.settings import Settings

    try:
        outputs = [parse_output(s) for s in formats or ["text"]]
        settings = Settings(select=_codes(select), ignore=_codes(ignore), fail_on=fail_on.value)
        try:
            files = discover(paths or [DEFAULT_PATH])
        except MissingPathError as error:
            raise UsageError(f"path not found: {error}") from None
    except UsageError as error:
        _fail_usage(str(error))
    workers = jobs or os.cpu_count() or 1
    result = audit_files(files, settings, jobs=workers)
    for output in outputs:
        try:
            _emit(output, result, quiet=quiet)
        except OSError as error:
            _fail_usage(f"cannot write {output.file}: {error.strerror or error}")
    failing = any(settings.fails(f.severity) for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


def _fail_usage(message: str) -> None:
    typer.echo(f"valueaudit: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _emit(output: OutputSpec, result: object, *, quiet: bool) -> None:
    from valueaudit.audit import ScanResult
    from valueaudit.output.files import write_atomic

    assert isinstance(result, ScanResult)
    if output.format == "json":
        from valueaudit.output import json_format

        rendered = json_format.render(result)
        if output.file is None:
            sys.stdout.write(rendered)
        else:
            write_atomic(output.file, rendered)
        return
    from rich.console import Console

    from valueaudit.output import text

    if output.file is None:
        text.render(result, Console(highlight=False), quiet=quiet)
        return
    buffer = io.StringIO()
    text.render(
        result, Console(file=buffer, highlight=False, no_color=True, width=100), quiet=quiet
    )
    write_atomic(output.file, buffer.getvalue())


def main() -> None:
    """Entry point of the ``valueaudit`` command."""
    if sys.argv[1:] == ["--version"]:  # answer without importing the CLI machinery
        print(f"valueaudit {__version__}")
        return
    app()
