"""The ``valueaudit`` command line: thin typer commands over the library.

Commands parse options, call the library and turn its results into output and an exit
code: 0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or
configuration errors. Heavy modules are imported inside the commands that use them.
"""

from __future__ import annotations

import io
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from valueaudit import __version__, run
from valueaudit.output import FORMATS, console
from valueaudit.run import (
    DEFAULT_PATH,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    fail_usage,
    parse_output,
    resolve_settings,
    run_scan,
    write,
)

if TYPE_CHECKING:
    from valueaudit.config import ResolvedSettings

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


class Template(StrEnum):
    """Starter processes for ``valueaudit new``."""

    purchase = "purchase"
    complaint = "complaint"
    prospect_query = "prospect-query"
    payment = "payment"


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


# --- Shared options ------------------------------------------------------------------

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Process files or folders (searched recursively). Default: processes/",
        show_default=False,
    ),
]
FormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[:FILE]",
        help=f"Output format, optionally written to FILE; repeatable. Formats: "
        f"{', '.join(FORMATS)}. Default: text on stdout (github when GITHUB_ACTIONS=true).",
    ),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when a finding is at or above this severity. Default: error.",
        show_default=False,
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="CODES",
        help="Only these rule codes or prefixes (VA2, VA301); comma-separated or repeated.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", metavar="CODES", help="Skip these rule codes or prefixes; repeatable."
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (valueaudit.toml or pyproject.toml). Default: the nearest "
        "one from the current folder upward.",
    ),
]
ShowSettingsOption = Annotated[
    bool,
    typer.Option("--show-settings", help="Print each setting and where it came from, and exit."),
]
JobsOption = Annotated[
    int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 means one per CPU core.")
]
BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        metavar="FILE",
        help="Report only findings not recorded in this baseline, and count those fixed.",
    ),
]
WriteBaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--write-baseline", metavar="FILE", help="Record the current findings as a baseline."
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Text output: findings and the summary only; no progress bar."
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an internal error.")
]
ShardOption = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="K/N",
        help="Scan only part K of N (1-based) of the discovered files, a stable split by "
        "path, for a CI matrix. Cross-file checks (VA104) then see only this part.",
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (it only ever shows in a terminal, for scans over 2 seconds).",
    ),
]


def _show_settings(resolved: ResolvedSettings) -> NoReturn:
    from rich.table import Table

    from valueaudit.config import describe
    from valueaudit.paths import display_path

    found = display_path(resolved.file) if resolved.file else "none found"
    table = Table(title=f"Settings (file: {found})", title_justify="left")
    for header in ("setting", "value", "source"):
        table.add_column(header, overflow="fold")
    for row in describe(resolved):
        table.add_row(*row)
    console().print(table)
    raise typer.Exit(EXIT_OK)


# --- Commands ------------------------------------------------------------------------


@app.command()
def scan(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    debug: DebugOption = False,
) -> None:
    """Audit processes: findings by file, scores per process, ranked opportunities."""
    resolved = resolve_settings(select, ignore, fail_on, config)
    if show_settings:
        _show_settings(resolved)
    run_scan(
        paths,
        formats,
        resolved,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        write_baseline=write_baseline,
        shard=shard,
        debug=debug,
    )


@app.command()
def check(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    jobs: JobsOption = 1,
    debug: DebugOption = False,
) -> None:
    """Validate process files only (VA1xx): fast, for pre-commit hooks and editors."""
    run.check(paths, formats, fail_on, config, jobs=jobs, debug=debug)


@app.command()
def report(
    paths: PathsArgument = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    debug: DebugOption = False,
) -> None:
    """A Markdown report with tables and Mermaid diagrams (for GitHub and GitLab)."""
    resolved = resolve_settings(select, ignore, fail_on, config)
    target = f"markdown:{output}" if output is not None else "markdown"
    run_scan(paths, [target], resolved, jobs=jobs, quiet=False, baseline=baseline, debug=debug)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The process file or folder before (as-is).")],
    new: Annotated[Path, typer.Argument(help="The process file or folder after (to-be).")],
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT[:FILE]",
            help="text (default), json or markdown, optionally to FILE; repeatable.",
        ),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """Compare two versions: change in disparity, balance, clarity and praxis per process
    and touchpoint, and the findings fixed and introduced. Exits 1 when the change
    introduces findings at or above --fail-on."""
    from valueaudit.diff import compare
    from valueaudit.discovery import MissingPathError, discover
    from valueaudit.engine import audit_files
    from valueaudit.output import diff_report

    settings = resolve_settings(select, ignore, fail_on, config).settings
    try:
        outputs = [parse_output(s) for s in formats or ["text"]]
        unsupported = [o.format for o in outputs if o.format not in ("text", "json", "markdown")]
        if unsupported:
            raise UsageError(f"diff writes text, json or markdown, not {unsupported[0]}")
        old_files, new_files = discover([old]), discover([new])
    except UsageError as error:
        fail_usage(str(error))
    except MissingPathError as error:
        fail_usage(f"path not found: {error}")
    result = compare(audit_files(old_files, settings), audit_files(new_files, settings))
    for output in outputs:
        if output.format == "text" and output.file is None:
            diff_report.render_text(result, console())
            continue
        if output.format == "text":
            buffer = io.StringIO()
            diff_report.render_text(result, console(buffer))
            rendered = buffer.getvalue()
        elif output.format == "json":
            rendered = diff_report.render_json(result)
        else:
            rendered = diff_report.render_markdown(result)
        if output.file is None:
            sys.stdout.write(rendered)
        else:
            write(output.file, rendered)
    failing = any(settings.fails(f.severity) for f in result.introduced)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="The process file to show.")],
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
) -> None:
    """One process in detail: the chain, each flow, scores, running balance, findings."""
    from valueaudit.engine import audit_loaded
    from valueaudit.output import detail, text
    from valueaudit.validation import load_process

    settings = resolve_settings(select, ignore, fail_on, config).settings
    if not file.exists():
        fail_usage(f"path not found: {file}")
    loaded = load_process(file)
    process = loaded.process
    report = audit_loaded(loaded, settings)
    out = console()
    if process is None or report.process is None:
        for finding in report.findings:
            out.print(text.finding_line(finding), soft_wrap=True)
        from rich.text import Text

        out.print(Text(f"{report.file}: the process is not valid; fix the errors above first."))
    else:
        detail.render(process, report, out)
    failing = report.process is None or any(settings.fails(f.severity) for f in report.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> None:
    """The JSON Schema of the process format, for editors (yaml-language-server)."""
    from valueaudit.schema import render_schema

    text = render_schema()
    if output is None:
        sys.stdout.write(text)
    else:
        write(output, text)


@app.command()
def rules() -> None:
    """The rule catalogue: codes, names, default severities and summaries."""
    from valueaudit.output.catalogue import render_rules
    from valueaudit.rules import RULES

    render_rules(list(RULES.values()), console())


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. VA202.")]) -> None:
    """One rule in full: what it finds, why it matters, an example, how to suppress it."""
    from valueaudit.hints import did_you_mean
    from valueaudit.output.catalogue import render_explain
    from valueaudit.rules import RULES

    rule = RULES.get(code.strip().upper())
    if rule is None:
        hint = did_you_mean(code.strip().upper(), RULES)
        fail_usage(f"unknown rule code '{code}'{hint} (valueaudit rules lists them all)")
    render_explain(rule, console())


@app.command()
def new(
    process_id: Annotated[str, typer.Argument(metavar="ID", help="The new process's id.")],
    template: Annotated[
        Template, typer.Option("--template", "-t", help="What kind of process to start from.")
    ] = Template.purchase,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it. Default: processes/ID.yaml when processes/ exists, "
            "else ID.yaml. An existing file is never overwritten.",
        ),
    ] = None,
) -> None:
    """Write a commented starter process from a template."""
    from valueaudit.new import NewProcessError, render_template, write_new

    if output is None:
        folder = DEFAULT_PATH if DEFAULT_PATH.is_dir() else Path(".")
        output = folder / f"{process_id}.yaml"
    try:
        write_new(output, render_template(template.value, process_id))
    except NewProcessError as error:
        fail_usage(str(error))
    typer.echo(
        f"wrote {output.as_posix()} (template: {template.value}); next: valueaudit show "
        f"{output.as_posix()}"
    )


def main() -> None:
    """Run the command line with Ctrl-C and SIGTERM turned into clean exits."""
    # valueaudit uses no pydantic plugins (typer does use pydantic); finding them scans
    # every installed package
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    run.interruptible(app)
