"""The ``valueaudit`` command line: thin typer commands over the library.

Commands parse options, call the library (or :mod:`valueaudit.run` for the commands
that audit) and return an exit code: 0 nothing at or above ``--fail-on``, 1 findings at
or above it, 2 usage or configuration errors. :func:`main` turns usage errors, signals
and a closed pipe into exit codes, in one place. Heavy modules are imported inside the
commands that use them.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from valueaudit import run
from valueaudit.output import DEFAULT_MAX_PROCESSES, FORMATS, console
from valueaudit.run import (
    DEFAULT_PATH,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    ScanRequest,
    StdoutClosed,
    UsageError,
    default_formats,
    output_file,
    parse_outputs,
    report_internal_errors,
    run_scan,
)
from valueaudit.version import version_line

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


Command = TypeVar("Command", bound=Callable[..., int])


def _command(function: Command) -> Command:
    """Register a command. Its return value is the exit code; this is the one place
    where a usage error becomes one line on stderr and exit 2, and where a closed stdout
    (``| head``) leaves the command as :class:`~valueaudit.run.StdoutClosed` (click would
    turn the broken pipe into exit 1)."""

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> None:
        try:
            code = function(*args, **kwargs)
        except UsageError as error:
            print(f"valueaudit: error: {error}", file=sys.stderr)
            code = EXIT_USAGE
        except BrokenPipeError:
            raise StdoutClosed from None
        raise typer.Exit(code)

    app.command()(command)
    return function


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


# --- Shell completion ------------------------------------------------------------------


def complete_formats(incomplete: str) -> list[str]:
    """``-f <TAB>``: the formats, and ``FORMAT:`` to name a file after."""
    names = [*FORMATS, *(f"{name}:" for name in FORMATS)]
    return [name for name in names if name.startswith(incomplete.lower())]


def complete_codes(incomplete: str) -> list[str]:
    """Rule codes and their family prefixes (``VA2``), for ``explain``, ``--select`` and
    ``--ignore``."""
    from valueaudit.rules import RULES

    wanted = incomplete.upper()
    families = sorted({code[:3] for code in RULES})
    found = [code for code in (*families, *RULES) if code.startswith(wanted)]
    # codes are read in any case; the shell keeps only what starts as typed
    return [code.lower() for code in found] if incomplete.islower() else found


def complete_diff_formats(incomplete: str) -> list[str]:
    """``diff -f <TAB>``: the formats ``diff`` writes."""
    from valueaudit.output import writes_diff

    return [name for name in complete_formats(incomplete) if writes_diff(name.split(":")[0])]


def complete_portfolio_formats(incomplete: str) -> list[str]:
    """``portfolio -f <TAB>``: the formats ``portfolio`` writes."""
    from valueaudit.output import writes_portfolio

    return [name for name in complete_formats(incomplete) if writes_portfolio(name.split(":")[0])]


def _readable_formats(completion: Callable[[str], list[str]]) -> Any:
    """``-f`` for the commands that write text, json or markdown (diff, portfolio)."""
    return typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[:FILE]",
        autocompletion=completion,
        help="text (default), json or markdown, optionally to FILE; repeatable.",
    )


# --- Shared options ------------------------------------------------------------------

DiffFormatOption = Annotated[list[str] | None, _readable_formats(complete_diff_formats)]
PortfolioFormatOption = Annotated[list[str] | None, _readable_formats(complete_portfolio_formats)]

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
        autocompletion=complete_formats,
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
        autocompletion=complete_codes,
        help="Only these rule codes or prefixes (VA2, VA301); comma-separated or repeated.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODES",
        autocompletion=complete_codes,
        help="Skip these rule codes or prefixes; repeatable.",
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
    str | None,
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
RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        metavar="DIR",
        help="Show file paths relative to DIR. Default: GITHUB_WORKSPACE or CI_PROJECT_DIR "
        "when set, else the top of the git work tree, else the current folder.",
        show_default=False,
    ),
]
SimulateOption = Annotated[
    int | None,
    typer.Option(
        "--simulate",
        metavar="N",
        min=0,  # the most is checked with the configuration's (simulate.samples)
        help="Draw every uncertain value N times: how likely each uneven verdict is, and "
        "which estimate to measure first (0: off). Default: simulate.samples, else off.",
        show_default=False,
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="S",
        min=0,
        help="Seed of the draws: the same seed gives the same figures. Default: 0.",
        show_default=False,
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (it only ever shows in a terminal, for scans over 2 seconds).",
    ),
]


def resolve_settings(
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    config: Path | None,
    root: Path | None = None,
    samples: int | None = None,
    seed: int | None = None,
) -> ResolvedSettings:
    """The settings of a run: command-line overrides over the configuration file."""
    from valueaudit.config import ConfigError, Overrides, resolve

    overrides = Overrides(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        fail_on=fail_on,
        root=root,
        samples=samples,
        seed=seed,
    )
    try:
        return resolve(overrides, config)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _write(file: str, text: str) -> None:
    from valueaudit.output.files import write_atomic

    path = output_file(file)
    try:
        write_atomic(path, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _show_settings(resolved: ResolvedSettings) -> int:
    from rich.table import Table

    from valueaudit.config import describe
    from valueaudit.output import print_whole
    from valueaudit.paths import display_path

    found = display_path(resolved.file) if resolved.file else "none found"
    table = Table(title=f"Settings (file: {found})", title_justify="left")
    for header in ("setting", "value", "source"):
        table.add_column(header, overflow="fold")
    for row in describe(resolved):
        table.add_row(*row)
    print_whole(console(sys.stdout, stdout=True), table)
    return EXIT_OK


# --- Commands ------------------------------------------------------------------------


MaxProcessesOption = Annotated[
    int,
    typer.Option(
        "--max-processes",
        min=1,
        metavar="N",
        help="At most N processes in the text table and the Markdown report's sections "
        "(each says how many it leaves out).",
    ),
]


@_command
def scan(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    max_processes: MaxProcessesOption = DEFAULT_MAX_PROCESSES,
    debug: DebugOption = False,
) -> int:
    """Audit processes: findings by file, scores per process, ranked opportunities."""
    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    if show_settings:
        return _show_settings(resolved)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs(formats or default_formats()),
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        write_baseline=write_baseline,
        shard=shard,
        max_processes=max_processes,
        debug=debug,
    )
    return run_scan(request)


@_command
def check(
    paths: PathsArgument = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    jobs: JobsOption = 1,
    debug: DebugOption = False,
) -> int:
    """Validate process files only (VA1xx): fast, for pre-commit hooks and editors."""
    resolved = resolve_settings(["VA1"], None, fail_on, config, root)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs(formats or default_formats()),
        settings=resolved.settings,
        jobs=jobs,
        quiet=True,
        validate_only=True,
        debug=debug,
    )
    return run_scan(request)


@_command
def report(
    paths: PathsArgument = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    max_processes: MaxProcessesOption = DEFAULT_MAX_PROCESSES,
    debug: DebugOption = False,
) -> int:
    """A Markdown report with tables and Mermaid diagrams (for GitHub and GitLab)."""
    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    request = ScanRequest(
        paths=paths or [],
        outputs=parse_outputs([f"markdown:{output}" if output is not None else "markdown"]),
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        max_processes=max_processes,
        debug=debug,
    )
    return run_scan(request)


@_command
def diff(
    old: Annotated[Path, typer.Argument(help="The process file or folder before (as-is).")],
    new: Annotated[Path, typer.Argument(help="The process file or folder after (to-be).")],
    formats: DiffFormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    jobs: JobsOption = 0,
) -> int:
    """Compare two versions: change in disparity, balance, clarity and praxis per process
    and touchpoint, and the findings fixed and introduced. Exits 1 when the change
    introduces findings at or above --fail-on."""
    from valueaudit.run import run_diff

    settings = resolve_settings(select, ignore, fail_on, config, root).settings
    return run_diff(old, new, parse_outputs(formats or ["text"]), settings, jobs=jobs)


@_command
def portfolio(
    paths: PathsArgument = None,
    formats: PortfolioFormatOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
    show_settings: ShowSettingsOption = False,
    baseline: BaselineOption = None,
    jobs: JobsOption = 0,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
    debug: DebugOption = False,
) -> int:
    """Where the value goes across all processes: per party (and role) what it receives
    and gives, per practice, channel and stage the disparity, the flows between parties,
    and the portfolio rules' findings (VA601, VA602), which alone decide the exit code.
    With --simulate, how often each party's exchange ratio is at or below the threshold."""
    from valueaudit.output import writes_portfolio

    resolved = resolve_settings(select, ignore, fail_on, config, root, simulate, seed)
    if show_settings:
        return _show_settings(resolved)
    outputs = parse_outputs(formats or ["text"])
    unsupported = [o.format for o in outputs if not writes_portfolio(o.format)]
    if unsupported:
        raise UsageError(f"portfolio writes text, json or markdown, not {unsupported[0]}")
    request = ScanRequest(
        paths=paths or [],
        outputs=outputs,
        settings=resolved.settings,
        jobs=jobs,
        quiet=quiet,
        no_progress=no_progress,
        baseline=baseline,
        shard=shard,
        debug=debug,
        portfolio=True,
    )
    return run_scan(request)


@_command
def show(
    file: Annotated[Path, typer.Argument(help="The process file to show.")],
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    root: RootOption = None,
    simulate: SimulateOption = None,
    seed: SeedOption = None,
) -> int:
    """One process in detail: the chain, each flow, scores, running balance, findings."""
    from rich.text import Text

    from valueaudit.output import detail, text
    from valueaudit.paths import display_path
    from valueaudit.scan import audit_files

    settings = resolve_settings(select, ignore, fail_on, config, root, simulate, seed).settings
    if not file.exists():
        raise UsageError(f"path not found: {file}")
    if file.is_dir():
        raise UsageError(f"{file} is a folder: show takes one process file; use scan for folders")
    scan = audit_files([(file, display_path(file, settings.paths_root))], settings)
    if scan.errors:
        return report_internal_errors(scan.errors, debug=False)
    [result] = scan.files
    out = console(sys.stdout, stdout=True)
    if result.process is None or result.score is None:
        for finding in result.findings:
            out.print(text.finding_line(finding), soft_wrap=True)
        out.print(Text(f"{result.file}: the process is not valid; fix the errors above first."))
        return EXIT_FINDINGS
    detail.render(result, out)
    failing = any(settings.fails(f.severity) for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


@_command
def schema(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> int:
    """The JSON Schema of the process format, for editors (yaml-language-server)."""
    from valueaudit.schema import render_schema

    text = render_schema()
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)
    return EXIT_OK


@_command
def rules() -> int:
    """The rule catalogue: codes, names, default severities and summaries."""
    from valueaudit.output.catalogue import render_rules
    from valueaudit.rules import RULES

    render_rules(list(RULES.values()), console(sys.stdout, stdout=True))
    return EXIT_OK


@_command
def explain(
    code: Annotated[
        str, typer.Argument(help="A rule code, e.g. VA202.", autocompletion=complete_codes)
    ],
) -> int:
    """One rule in full: what it finds, why it matters, an example, how to suppress it."""
    from valueaudit.hints import did_you_mean
    from valueaudit.output.catalogue import render_explain
    from valueaudit.rules import RULES

    if code is None:  # typer before 0.17 lets a missing argument through here
        raise UsageError("Missing argument 'code' (valueaudit explain VA202)")
    rule = RULES.get(code.strip().upper())
    if rule is None:
        hint = did_you_mean(code.strip().upper(), RULES)
        raise UsageError(f"unknown rule code '{code}'{hint} (valueaudit rules lists them all)")
    render_explain(rule, console(sys.stdout, stdout=True))
    return EXIT_OK


@_command
def new(
    process_id: Annotated[str, typer.Argument(metavar="ID", help="The new process's id.")],
    template: Annotated[
        Template, typer.Option("--template", "-t", help="What kind of process to start from.")
    ] = Template.purchase,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it. Default: processes/ID.yaml when processes/ exists, "
            "else ID.yaml. An existing file is never overwritten.",
        ),
    ] = None,
) -> int:
    """Write a commented starter process from a template."""
    from valueaudit.new import NewProcessError, render_template, write_new

    if output is None:
        folder = DEFAULT_PATH if DEFAULT_PATH.is_dir() else Path(".")
        target = folder / f"{process_id}.yaml"
    elif Path(output).is_dir():  # into that folder, under the process's id
        target = Path(output) / f"{process_id}.yaml"
    else:
        target = output_file(output)
    try:
        write_new(target, render_template(template.value, process_id))
    except NewProcessError as error:
        raise UsageError(str(error)) from None
    typer.echo(
        f"wrote {target.as_posix()} (template: {template.value}); next: valueaudit show "
        f"{target.as_posix()}"
    )
    return EXIT_OK


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
            print(f"valueaudit: error: {plain_usage(str(describe()))} ({where})", file=sys.stderr)
            return exit_code
        raise
    return code if isinstance(code, int) else EXIT_OK


def main() -> None:
    """Run the command line; exit with the command's code."""
    # valueaudit uses no pydantic plugins; looking for them scans every installed package
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    sys.exit(run.interruptible(_invoke))
